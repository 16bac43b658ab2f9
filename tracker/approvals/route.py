"""An act's route: the bodies it goes through (set before it starts), its submission for review
(the current edition frozen, the first round started), and a new edition, which restarts the
route after any approval while the old decisions stay as history. Every write is audited;
services flush and never commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from tracker.accounts.models import Person
from tracker.acts.models import ActStatus, ActVersion, LocalAct
from tracker.approvals.models import (
    ORDER_STEP,
    ApprovalStep,
    BodyKind,
    StepKind,
    StepStatus,
)
from tracker.approvals.notices import tell_waiting
from tracker.approvals.queries import body_of_kind, current_round
from tracker.audit import services as audit
from tracker.errors import DomainError, check_fresh
from tracker.extensions import db


def set_route(act: LocalAct, actor: Person, route: list[str], expected_version: int | None) -> None:
    """The director adds or drops a body before the route starts; the order always ends it."""
    check_fresh(act, expected_version)
    if act.status != ActStatus.DRAFT:
        raise DomainError(_("Маршрут меняется только у проекта, до начала согласования"))
    kinds = [kind for kind in dict.fromkeys(route) if kind in {k.value for k in BodyKind}]
    if BodyKind.PED_COUNCIL not in kinds:
        raise DomainError(_("Педагогический совет принимает акт: его нельзя убрать из маршрута"))
    act.route = [*kinds, ORDER_STEP]
    flag_modified(act, "route")
    db.session.flush()
    audit.record_new("act.route", "act", act.id, act.school_id, actor, route=act.route)


def submit_for_review(act: LocalAct, actor: Person, expected_version: int | None) -> None:
    """Freeze the current version and start its route from the first step."""
    check_fresh(act, expected_version)
    if act.status != ActStatus.DRAFT:
        raise DomainError(_("Акт уже на согласовании"))
    _start_round(act)
    act.status = ActStatus.UNDER_REVIEW
    act.remarks = ""
    db.session.flush()
    audit.record_new("act.submit", "act", act.id, act.school_id, actor, version=act.version_number)
    tell_waiting(act, actor)


def _start_round(act: LocalAct) -> None:
    round_number = (
        db.session.scalar(select(func.max(ApprovalStep.round)).where(ApprovalStep.act_id == act.id))
        or 0
    ) + 1
    for order, kind in enumerate(act.route, start=1):
        if kind == ORDER_STEP:
            step = ApprovalStep(kind=StepKind.ENACT)
        else:
            body = body_of_kind(act.school, kind)
            step_kind = StepKind.ADOPT if kind == BodyKind.PED_COUNCIL else StepKind.OPINION
            step = ApprovalStep(kind=step_kind, body=body)
        step.act = act
        step.round = round_number
        step.sort_order = order
        step.version_number = act.version_number
        db.session.add(step)
    db.session.flush()


def new_version(act: LocalAct, actor: Person, body_text: str, expected_version: int | None) -> None:
    """A new text: after any approval the route starts again (the old decisions stay)."""
    check_fresh(act, expected_version)
    if act.status == ActStatus.IN_FORCE:
        raise DomainError(_("Действующий акт меняется новым актом и новым приказом"))
    if act.status == ActStatus.REPEALED:
        raise DomainError(_("Акт утратил силу: его текст больше не меняется"))
    number = act.version_number + 1
    act.versions.append(ActVersion(number=number, body_text=body_text or "", created_by=actor))
    db.session.flush()
    restarted = False
    if act.status in (ActStatus.UNDER_REVIEW, ActStatus.APPROVED):
        for step in current_round(act):
            if step.status == StepStatus.WAITING:
                step.status = StepStatus.VOID
        _start_round(act)
        act.status = ActStatus.UNDER_REVIEW
        restarted = True
    db.session.flush()
    audit.record_new(
        "act.version",
        "act",
        act.id,
        act.school_id,
        actor,
        version=number,
        route_restarted=restarted,
    )
