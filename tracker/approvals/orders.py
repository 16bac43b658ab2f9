"""The director's order (приказ) approving acts that are through their councils: the last step
of their route, which puts them into force."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.accounts.models import Person, School
from tracker.acts.models import ActStatus, LocalAct
from tracker.acts.services import sync_plan_for
from tracker.approvals.models import (
    ORDER_STEP,
    Order,
    StepKind,
    StepStatus,
)
from tracker.approvals.queries import current_step, requisites
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.services import clean_title


def issue_order(
    school: School,
    actor: Person,
    *,
    number: str,
    issued_on: date,
    title: str,
    acts: list[LocalAct],
    in_force_on: date | None,
    today: date,
) -> Order:
    """The director's order approving acts that are through their councils: the last step."""
    number = (number or "").strip()
    if not number or len(number) > 32:
        raise DomainError(_("Укажите номер приказа (до 32 знаков)"), field="number")
    if issued_on > today:
        raise DomainError(_("Дата приказа не может быть позже сегодняшней"), field="issued_on")
    in_force_on = in_force_on or issued_on
    if in_force_on < issued_on:
        raise DomainError(
            _("Акт не может вступить в силу раньше даты приказа"), field="in_force_on"
        )
    title = clean_title(title)
    if not acts:
        raise DomainError(_("Отметьте акты, которые утверждает приказ"), field="acts")
    taken = db.session.scalar(
        select(Order.id).where(
            Order.school_id == school.id, Order.year == issued_on.year, Order.number == number
        )
    )
    if taken:
        raise DomainError(
            _("Приказ № %(number)s за %(year)d год уже есть", number=number, year=issued_on.year),
            field="number",
        )
    steps = []
    for act in acts:
        step = current_step(act)
        if (
            act.school_id != school.id
            or act.status != ActStatus.APPROVED
            or step is None
            or (step.kind != StepKind.ENACT)
        ):
            raise DomainError(
                _(
                    "«%(title)s» ещё не прошёл советы: приказ издаётся после них",
                    title=act.title[:80],
                ),
                field="acts",
            )
        _check_after_councils(act, issued_on)
        steps.append(step)
    order = Order(
        school=school,
        number=number,
        year=issued_on.year,
        issued_on=issued_on,
        title=title,
        in_force_on=in_force_on,
        signed_by=actor,
        steps=steps,
    )
    db.session.add(order)
    for step, act in zip(steps, acts, strict=True):
        step.status = StepStatus.DONE
        step.done_on = issued_on
        act.status = ActStatus.IN_FORCE
    db.session.flush()
    audit.record_new(
        "order.issue",
        "order",
        order.id,
        school.id,
        actor,
        order=f"№ {number} от {issued_on:%d.%m.%Y}",
        acts=[act.title for act in acts],
    )
    for act in acts:
        sync_plan_for(act)
    return order


def _check_after_councils(act: LocalAct, issued_on: date) -> None:
    """An order relies on the councils' decisions: it is dated on or after the last of them."""
    for requisite in requisites(act):
        if requisite.kind != ORDER_STEP and requisite.on is not None and requisite.on > issued_on:
            raise DomainError(
                _(
                    "«%(title)s»: приказ не может быть раньше решения, на которое опирается, — "
                    "%(body)s, протокол № %(number)s от %(day)s",
                    title=act.title[:80],
                    body=requisite.title,
                    number=requisite.number,
                    day=f"{requisite.on:%d.%m.%Y}",
                ),
                field="issued_on",
            )
