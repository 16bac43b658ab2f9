"""Meetings of the collegial bodies and their decisions.

The rules: steps go strictly in order; only a body's secretary (or the director) records its
decisions; votes never exceed those present, present never exceeds members, and a decision
without quorum is refused; an act sent back goes to draft with the remarks; the director
corrects a recorded decision only within its outcome, with a reason. Every write is audited;
services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from tracker.accounts.models import Person
from tracker.acts.models import ActStatus, LocalAct
from tracker.acts.services import sync_plan_for
from tracker.approvals.discussion import gather_discussion
from tracker.approvals.models import (
    DECISIONS_BY_STEP,
    AgendaItem,
    BodyKind,
    CollegialBody,
    Correction,
    Decision,
    Meeting,
    StepKind,
    StepStatus,
)
from tracker.approvals.queries import acts_awaiting, current_round, current_step
from tracker.audit import services as audit
from tracker.errors import DomainError, check_fresh
from tracker.extensions import db
from tracker.types import local_day


def _check_protocol_number(body: CollegialBody, number: int, year: int, meeting_id=None) -> None:
    if number < 1 or number > 100000:
        raise DomainError(_("Номер протокола — целое число от 1"), field="protocol_number")
    taken = db.session.scalar(
        select(Meeting.id).where(
            Meeting.body_id == body.id,
            Meeting.protocol_year == year,
            Meeting.protocol_number == number,
            Meeting.id != (meeting_id or 0),
        )
    )
    if taken:
        raise DomainError(
            _(
                "Протокол № %(number)d за %(year)d год у этого органа уже есть",
                number=number,
                year=year,
            ),
            field="protocol_number",
        )


def create_meeting(
    body: CollegialBody,
    actor: Person,
    *,
    held_at: datetime,
    place: str,
    protocol_number: int,
    acts: list[LocalAct],
) -> Meeting:
    """A meeting with its agenda: the acts awaiting this body that the secretary chose."""
    day = local_day(held_at, body.school.timezone)
    _check_protocol_number(body, protocol_number, day.year)
    meeting = Meeting(
        body=body,
        held_at=held_at,
        place=(place or "").strip()[:300],
        protocol_number=protocol_number,
        protocol_year=day.year,
    )
    db.session.add(meeting)
    awaiting = {act.id for act in acts_awaiting(body)}
    for order, act in enumerate(acts, start=1):
        if act.id not in awaiting:
            raise DomainError(
                _("«%(title)s» не ждёт решения этого органа", title=act.title[:80]), field="acts"
            )
        if body.kind == BodyKind.PED_COUNCIL:
            gather_discussion(act, day)
        meeting.items.append(AgendaItem(step=current_step(act), sort_order=order))
    db.session.flush()
    audit.record_new(
        "meeting.create",
        "meeting",
        meeting.id,
        body.school_id,
        actor,
        protocol=f"№ {protocol_number} от {day:%d.%m.%Y}",
        acts=[a.title for a in acts],
    )
    for act in acts:
        sync_plan_for(act)
    return meeting


@dataclass(frozen=True)
class ItemDecision:
    decision: Decision | None
    votes_for: int
    votes_against: int
    votes_abstained: int
    remarks: str = ""
    speaker: str = ""


def _check_votes(present: int, record: ItemDecision, field: str) -> None:
    votes = (record.votes_for, record.votes_against, record.votes_abstained)
    if any(vote < 0 for vote in votes):
        raise DomainError(_("Число голосов не может быть отрицательным"), field=field)
    if sum(votes) > present:
        raise DomainError(
            _(
                "Голосов (%(votes)d) больше, чем присутствует (%(present)d)",
                votes=sum(votes),
                present=present,
            ),
            field=field,
        )


def record_meeting(
    meeting: Meeting,
    actor: Person,
    *,
    present_count: int,
    decisions: dict[int, ItemDecision],
    today: date,
    expected_version: int | None,
) -> None:
    """Attendance and the decision on every agenda item, in one go: all or nothing."""
    check_fresh(meeting, expected_version)
    body = meeting.body
    meeting_day = meeting.held_on
    if meeting_day > today:
        raise DomainError(
            _(
                "Заседание назначено на %(day)s: решения записываются после него",
                day=meeting_day.strftime("%d.%m.%Y"),
            ),
            field="present_count",
        )
    if present_count < 0:
        raise DomainError(
            _("Число присутствующих не может быть отрицательным"), field="present_count"
        )
    if present_count > body.members_count:
        raise DomainError(
            _(
                "Присутствует больше (%(present)d), чем членов органа (%(members)d)",
                present=present_count,
                members=body.members_count,
            ),
            field="present_count",
        )
    chosen = {item_id: record for item_id, record in decisions.items() if record.decision}
    if chosen and not body.has_quorum(present_count):
        raise DomainError(
            _(
                "Нет кворума: присутствует %(present)d из %(members)d, нужно не меньше %(need)s",
                present=present_count,
                members=body.members_count,
                need=f"{body.quorum_numerator}/{body.quorum_denominator}",
            ),
            field="present_count",
        )
    meeting.present_count = present_count
    flag_modified(meeting, "present_count")
    for item in meeting.items:
        record = chosen.get(item.id)
        if record is None:
            continue
        if item.decision is not None:
            raise DomainError(_("Решение по этому вопросу уже записано; исправить может директор"))
        _record_item(item, actor, record, present_count, meeting_day)
    db.session.flush()
    audit.record_new(
        "meeting.record",
        "meeting",
        meeting.id,
        body.school_id,
        actor,
        present=present_count,
        decisions={str(k): str(v.decision) for k, v in chosen.items()},
    )
    for item in meeting.items:
        sync_plan_for(item.act)


def _record_item(
    item: AgendaItem, actor: Person, record: ItemDecision, present: int, day: date
) -> None:
    step = item.step
    act = step.act
    if step.status != StepStatus.WAITING or current_step(act) is not step:
        raise DomainError(
            _("«%(title)s»: сейчас не очередь этого органа", title=act.title[:80]), field="items"
        )
    if record.decision not in DECISIONS_BY_STEP[StepKind(step.kind)]:
        raise DomainError(_("Такое решение этот орган по акту не принимает"), field="items")
    _check_votes(present, record, "items")
    item.decision = record.decision
    item.votes_for, item.votes_against = record.votes_for, record.votes_against
    item.votes_abstained = record.votes_abstained
    item.remarks = (record.remarks or "").strip()[:5000]
    item.speaker = (record.speaker or "").strip()[:300]
    item.recorded_by = actor
    item.recorded_at = datetime.now().astimezone()
    if record.decision == Decision.SENT_BACK:
        step.status = StepStatus.RETURNED
        for other in current_round(act):
            if other.status == StepStatus.WAITING and other is not step:
                other.status = StepStatus.VOID
        act.status = ActStatus.DRAFT
        act.remarks = item.remarks or _("Возвращён на доработку без замечаний")
    else:
        step.status = StepStatus.DONE
        step.done_on = day
        following = current_step(act)
        if following is not None and following.kind == StepKind.ENACT:
            act.status = ActStatus.APPROVED
    flag_modified(act, "status")
    db.session.flush()
    audit.record_new(
        "act.decision",
        "act",
        act.id,
        act.school_id,
        actor,
        decision=str(record.decision),
        votes=[record.votes_for, record.votes_against, record.votes_abstained],
    )


def correct_decision(
    item: AgendaItem,
    actor: Person,
    *,
    reason: str,
    record: ItemDecision,
    expected_version: int | None,
) -> None:
    """The director corrects a recorded decision's votes or remarks, or its wording within the
    same outcome; the route does not change, and the correction is kept with its reason."""
    check_fresh(item.meeting, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Укажите причину исправления"), field="reason")
    if item.decision is None:
        raise DomainError(_("По этому вопросу решение ещё не записано"))
    same_outcome = (
        {Decision.SENT_BACK}
        if item.decision == Decision.SENT_BACK
        else (set(DECISIONS_BY_STEP[StepKind(item.step.kind)]) - {Decision.SENT_BACK})
    )
    if record.decision not in same_outcome:
        raise DomainError(_("Исправление не может изменить исход: для этого нужно новое заседание"))
    _check_votes(item.meeting.present_count or 0, record, "votes_for")
    before = _item_state(item)
    item.decision = record.decision
    item.votes_for, item.votes_against = record.votes_for, record.votes_against
    item.votes_abstained = record.votes_abstained
    item.remarks = (record.remarks or "").strip()[:5000]
    flag_modified(item.meeting, "present_count")
    after = _item_state(item)
    db.session.add(
        Correction(
            item_id=item.id,
            reason=reason[:2000],
            before=before,
            after=after,
            corrected_by_id=actor.id,
        )
    )
    db.session.flush()
    audit.record(
        "decision.correct",
        "meeting",
        item.meeting_id,
        school_id=item.meeting.body.school_id,
        actor=actor,
        changes={"reason": [None, reason[:500]], "decision": [before, after]},
    )


def _item_state(item: AgendaItem) -> dict:
    return {
        "decision": str(item.decision),
        "votes": [item.votes_for, item.votes_against, item.votes_abstained],
        "remarks": item.remarks,
    }
