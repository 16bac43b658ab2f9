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
from tracker.approvals.discussion import check_discussion_over, gather_discussion
from tracker.approvals.models import (
    DECISION_RESULTS,
    DECISION_SIDE,
    DECISIONS_BY_STEP,
    MEETING_STATE_LABELS,
    AgendaItem,
    ApprovalStep,
    BodyKind,
    CollegialBody,
    Correction,
    Decision,
    Meeting,
    MeetingState,
    StepKind,
    StepStatus,
    numbering_year,
)
from tracker.approvals.notices import tell_waiting
from tracker.approvals.queries import (
    acts_awaiting,
    check_after_decisions,
    current_round,
    current_step,
)
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
                "Протокол № %(number)d за %(year)d/%(next)d учебный год у этого органа уже есть",
                number=number,
                year=year,
                next=year + 1,
            ),
            field="protocol_number",
        )


def _check_protocol_order(
    body: CollegialBody, number: int, year: int, day: date, meeting_id: int | None = None
) -> None:
    """Within a body and a school year, protocol numbers rise with the meetings' dates: a
    refusal names the protocol that would stand out of order."""
    others = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.body_id == body.id,
            Meeting.protocol_year == year,
            Meeting.id != (meeting_id or 0),
        )
        .order_by(Meeting.protocol_number)
    )
    for other in others:
        other_day = other.held_on
        if (other.protocol_number < number and other_day > day) or (
            other.protocol_number > number and other_day < day
        ):
            raise DomainError(
                _(
                    "Номера протоколов растут с датами заседаний: у этого органа уже есть "
                    "Протокол № %(other)d от %(other_day)s, а № %(number)d назначается на "
                    "%(day)s",
                    other=other.protocol_number,
                    other_day=f"{other_day:%d.%m.%Y}",
                    number=number,
                    day=f"{day:%d.%m.%Y}",
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
    year = numbering_year(day)
    _check_protocol_number(body, protocol_number, year)
    _check_protocol_order(body, protocol_number, year, day)
    meeting = Meeting(
        body=body,
        held_at=held_at,
        place=(place or "").strip()[:300],
        protocol_number=protocol_number,
        protocol_year=year,
    )
    db.session.add(meeting)
    _put_on_agenda(meeting, acts, day)
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


def _put_on_agenda(meeting: Meeting, acts: list[LocalAct], day: date) -> None:
    """Acts awaiting the meeting's body join its agenda after the items it has; the staff's
    discussion of an act closes when the pedagogical council takes it up."""
    body = meeting.body
    awaiting = {act.id for act in acts_awaiting(body)}
    last = max((item.sort_order for item in meeting.items), default=0)
    for order, act in enumerate(acts, start=last + 1):
        if act.id not in awaiting:
            raise DomainError(
                _("«%(title)s» не ждёт решения этого органа", title=act.title[:80]), field="acts"
            )
        _check_day(act, body, day)
        if body.kind == BodyKind.PED_COUNCIL:
            gather_discussion(act)
        meeting.items.append(AgendaItem(step=current_step(act), sort_order=order))


def _check_day(act: LocalAct, body: CollegialBody, day: date) -> None:
    """A meeting takes an act up on or after the decisions before its step (the parents'
    council after the pedagogical one) and, at the pedagogical council, not before the end of
    the act's discussion."""
    check_after_decisions(
        act, day, _("заседание не может быть раньше решения, на котором оно основано"), "held_on"
    )
    if body.kind == BodyKind.PED_COUNCIL:
        check_discussion_over(act, day)


def _check_planned(meeting: Meeting, expected_version: int | None, what: str) -> None:
    check_fresh(meeting, expected_version)
    if meeting.state != MeetingState.PLANNED:
        raise DomainError(
            _(
                "Заседание уже записано (%(state)s): %(what)s нельзя — протокол не меняют задним "
                "числом",
                state=MEETING_STATE_LABELS[MeetingState(meeting.state)],
                what=what,
            )
        )


def _touch(meeting: Meeting) -> None:
    """A change of the agenda is a change of the meeting: its row is written, so its version
    rises and a form showing the old agenda is refused as stale."""
    flag_modified(meeting, "place")


def add_to_agenda(
    meeting: Meeting, actor: Person, acts: list[LocalAct], *, expected_version: int | None
) -> None:
    """Acts awaiting the body join a meeting that has not been recorded yet."""
    _check_planned(meeting, expected_version, _("менять повестку"))
    if not acts:
        raise DomainError(_("Отметьте акты, которые добавить в повестку"), field="acts")
    _put_on_agenda(meeting, acts, meeting.held_on)
    _touch(meeting)
    db.session.flush()
    audit.record_new(
        "meeting.agenda_add",
        "meeting",
        meeting.id,
        meeting.body.school_id,
        actor,
        acts=[act.title for act in acts],
    )


def reschedule_meeting(
    meeting: Meeting,
    actor: Person,
    *,
    held_at: datetime,
    place: str,
    protocol_number: int,
    expected_version: int | None,
) -> None:
    """A meeting not yet recorded moves to another day, time, place or protocol number; the
    number must stay in order with the body's other protocols of its school year."""
    _check_planned(meeting, expected_version, _("переносить его"))
    body = meeting.body
    day = local_day(held_at, body.school.timezone)
    year = numbering_year(day)
    _check_protocol_number(body, protocol_number, year, meeting.id)
    _check_protocol_order(body, protocol_number, year, day, meeting.id)
    for item in meeting.items:
        _check_day(item.act, body, day)
    before = {
        "held_at": f"{meeting.held_on:%d.%m.%Y}",
        "place": meeting.place,
        "protocol": meeting.protocol_number,
    }
    meeting.held_at = held_at
    meeting.place = (place or "").strip()[:300]
    meeting.protocol_number = protocol_number
    meeting.protocol_year = year
    db.session.flush()
    audit.record(
        "meeting.reschedule",
        "meeting",
        meeting.id,
        school_id=body.school_id,
        actor=actor,
        changes={
            "held_at": [before["held_at"], f"{day:%d.%m.%Y}"],
            "place": [before["place"], meeting.place],
            "protocol": [before["protocol"], protocol_number],
        },
    )


def cancel_meeting(
    meeting: Meeting, actor: Person, *, reason: str, expected_version: int | None
) -> None:
    """A meeting not yet recorded is cancelled with a reason: its acts return to the body's list
    of those awaiting it, its protocol number is free again, and the log keeps what it was."""
    _check_planned(meeting, expected_version, _("отменять его"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Укажите причину отмены"), field="reason")
    body = meeting.body
    acts = [item.act for item in meeting.items]
    audit.record(
        "meeting.cancel",
        "meeting",
        meeting.id,
        school_id=body.school_id,
        actor=actor,
        changes={
            "reason": [None, reason[:500]],
            "meeting": [
                f"{body.title}, протокол № {meeting.protocol_number} от {meeting.held_on:%d.%m.%Y}",
                None,
            ],
            "acts": [[act.title for act in acts], None],
        },
    )
    steps = [item.step for item in meeting.items]
    db.session.delete(meeting)
    db.session.flush()
    _forget_items(steps)


def _forget_items(steps: list[ApprovalStep]) -> None:
    """Steps whose items were deleted read them again: an act taken off an agenda waits for
    its body at once, in this request too."""
    for step in steps:
        db.session.expire(step, ["items"])


def take_off_agenda(item: AgendaItem, actor: Person, *, expected_version: int | None) -> None:
    """An act leaves the agenda of a meeting not yet recorded and waits for the body again."""
    meeting = item.meeting
    _check_planned(meeting, expected_version, _("менять повестку"))
    act, step = item.act, item.step
    meeting.items.remove(item)
    _touch(meeting)
    db.session.flush()
    _forget_items([step])
    audit.record_new(
        "meeting.agenda_remove",
        "meeting",
        meeting.id,
        meeting.body.school_id,
        actor,
        act=act.title,
    )


def move_item(
    item: AgendaItem, target: Meeting, actor: Person, *, expected_version: int | None
) -> None:
    """An act moves from one meeting's agenda to another meeting of the same body, neither of
    them recorded yet; its agenda item goes with it, discussion material and all."""
    meeting = item.meeting
    _check_planned(meeting, expected_version, _("менять повестку"))
    if target.body_id != meeting.body_id:
        raise DomainError(
            _(
                "Перенести можно только на заседание того же органа (%(body)s)",
                body=meeting.body.title,
            ),
            field="target",
        )
    if target.id == meeting.id:
        raise DomainError(_("Акт уже в повестке этого заседания"), field="target")
    if target.state != MeetingState.PLANNED:
        raise DomainError(
            _(
                "Протокол № %(number)d от %(day)s уже записан: в его повестку ничего не добавить",
                number=target.protocol_number,
                day=f"{target.held_on:%d.%m.%Y}",
            ),
            field="target",
        )
    _check_day(item.act, target.body, target.held_on)
    item.sort_order = 1 + max((other.sort_order for other in target.items), default=0)
    item.meeting = target  # leaves the old agenda for the new one
    _touch(meeting)
    _touch(target)
    db.session.flush()
    audit.record_new(
        "meeting.agenda_move",
        "meeting",
        meeting.id,
        meeting.body.school_id,
        actor,
        act=item.act.title,
        to=f"протокол № {target.protocol_number} от {target.held_on:%d.%m.%Y}",
    )


@dataclass(frozen=True)
class ItemDecision:
    """What the secretary records for one agenda item. A vote left empty is None: refused, never
    read as 0."""

    decision: Decision | None
    votes_for: int | None
    votes_against: int | None
    votes_abstained: int | None
    remarks: str = ""
    speaker: str = ""
    speeches: str = ""  # ВЫСТУПИЛИ, one a line: «Фамилия И. О., должность: суть»


MAX_SPEECHES = 30


def parse_speeches(text: str, title: str) -> list[dict[str, str]]:
    """Those who spoke, one a line as the secretary notes them: «Петрова А. А., учитель
    математики: предложила …». Each needs a name, a position and the gist."""
    speeches = []
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_SPEECHES:
        raise DomainError(
            _("«%(title)s»: не больше %(n)d выступлений", title=title, n=MAX_SPEECHES),
            field="items",
        )
    for number, line in enumerate(lines, start=1):
        who, colon, gist = line.partition(":")
        name, comma, position = who.partition(",")
        if not (colon and comma and name.strip() and position.strip() and gist.strip()):
            raise DomainError(
                _(
                    "«%(title)s», выступление %(n)d: запишите так — «Фамилия И. О., должность: "
                    "суть выступления»",
                    title=title,
                    n=number,
                ),
                field="items",
            )
        speeches.append(
            {
                "name": " ".join(name.split())[:200],
                "position": " ".join(position.split())[:200],
                "gist": gist.strip()[:2000],
            }
        )
    return speeches


def _check_votes(
    body: CollegialBody, present: int, record: ItemDecision, title: str, field: str
) -> tuple[int, int, int]:
    """The votes of one decision, checked against those present and against the decision:
    every count given, none negative, no more than present; «for» decisions carried by the
    votes for under the body's rule, «against» ones by the votes against, «not taken» by
    neither."""
    if record.decision is None:
        raise DomainError(_("«%(title)s»: выберите решение", title=title), field=field)
    decision = Decision(record.decision)
    votes = (record.votes_for, record.votes_against, record.votes_abstained)
    if any(vote is None for vote in votes):
        raise DomainError(
            _("«%(title)s»: укажите число голосов за, против и воздержавшихся", title=title),
            field=field,
        )
    counted = (votes[0] or 0, votes[1] or 0, votes[2] or 0)
    if any(vote < 0 for vote in counted):
        raise DomainError(_("Число голосов не может быть отрицательным"), field=field)
    if sum(counted) > present:
        raise DomainError(
            _(
                "Голосов (%(votes)d) больше, чем присутствует (%(present)d): «%(title)s»",
                title=title,
                votes=sum(counted),
                present=present,
            ),
            field=field,
        )
    votes_for, votes_against, _abstained = counted
    carried_for = body.carries(votes_for, present)
    carried_against = body.carries(votes_against, present)
    side = DECISION_SIDE[decision]
    rule = body.voting_rule_label
    if side == "for" and not carried_for:
        raise DomainError(
            _(
                "«%(title)s»: за — %(votes)d из %(present)d присутствующих, а решение "
                "«%(decision)s» принимается %(rule)s. Запишите решение, которое дало голосование",
                title=title,
                votes=votes_for,
                present=present,
                decision=DECISION_RESULTS[decision],
                rule=rule,
            ),
            field=field,
        )
    if side == "against" and not carried_against:
        raise DomainError(
            _(
                "«%(title)s»: против — %(votes)d из %(present)d присутствующих, а решение "
                "«%(decision)s» принимается %(rule)s. Запишите решение, которое дало голосование",
                title=title,
                votes=votes_against,
                present=present,
                decision=DECISION_RESULTS[decision],
                rule=rule,
            ),
            field=field,
        )
    if side == "neither" and (carried_for or carried_against):
        raise DomainError(
            _(
                "«%(title)s»: голосование решило вопрос (за %(for)d, против %(against)d из "
                "%(present)d присутствующих) — запишите принятое решение",
                title=title,
                present=present,
                against=votes_against,
                **{"for": votes_for},
            ),
            field=field,
        )
    return counted


def _check_attendance(body: CollegialBody, present_count: int, field: str) -> None:
    if present_count < 0:
        raise DomainError(_("Число присутствующих не может быть отрицательным"), field=field)
    if present_count > body.members_count:
        raise DomainError(
            _(
                "Присутствует больше (%(present)d), чем членов органа (%(members)d)",
                present=present_count,
                members=body.members_count,
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
) -> MeetingState:
    """Attendance and the decision on every agenda item, in one go: all or nothing, once.

    Without quorum the meeting did not take place: its attendance is kept, no decision is
    taken, and its acts wait for the body's next meeting. With quorum every item needs its
    decision and votes, and each decision must follow its vote. Afterwards attendance and votes
    change only through the director's correction. Returns the meeting's state."""
    check_fresh(meeting, expected_version)
    body = meeting.body
    meeting_day = meeting.held_on
    if meeting.state != MeetingState.PLANNED:
        raise DomainError(
            _("Явка и решения этого заседания уже записаны; исправить их может директор"),
            field="present_count",
        )
    if meeting_day > today:
        raise DomainError(
            _(
                "Заседание назначено на %(day)s: решения записываются после него",
                day=meeting_day.strftime("%d.%m.%Y"),
            ),
            field="present_count",
        )
    _check_attendance(body, present_count, "present_count")
    chosen = {item_id: record for item_id, record in decisions.items() if record.decision}
    meeting.present_count = present_count
    flag_modified(meeting, "present_count")
    if not body.has_quorum(present_count):
        if chosen:
            raise DomainError(
                _(
                    "Нет кворума: присутствует %(present)d из %(members)d, нужно не меньше "
                    "%(need)s. Решения не принимаются: снимите их, и заседание будет записано "
                    "как несостоявшееся",
                    present=present_count,
                    members=body.members_count,
                    need=body.quorum_count,
                ),
                field="present_count",
            )
        meeting.state = MeetingState.NO_QUORUM
        db.session.flush()
        audit.record_new(
            "meeting.no_quorum", "meeting", meeting.id, body.school_id, actor, present=present_count
        )
    else:
        for item in meeting.items:
            record = chosen.get(item.id)
            if record is None:
                raise DomainError(
                    _(
                        "«%(title)s»: запишите решение и голоса (если голосов не хватило — "
                        "«решение не принято»)",
                        title=item.act.title[:80],
                    ),
                    field="items",
                )
            _record_item(item, actor, record, present_count, meeting_day)
        meeting.state = MeetingState.HELD
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
    return MeetingState(meeting.state)


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
    votes = _check_votes(step.council, present, record, act.title[:80], "items")
    speeches = parse_speeches(record.speeches, act.title[:80])
    _write_item(item, record, votes)
    item.speaker = (record.speaker or "").strip()[:300]
    item.speeches = speeches
    item.recorded_by = actor
    item.recorded_at = datetime.now().astimezone()
    _apply(item, day)
    db.session.flush()
    tell_waiting(act, actor)
    audit.record_new(
        "act.decision",
        "act",
        act.id,
        act.school_id,
        actor,
        decision=str(record.decision),
        votes=list(votes),
    )


def _write_item(item: AgendaItem, record: ItemDecision, votes: tuple[int, int, int]) -> None:
    item.decision = record.decision
    item.votes_for, item.votes_against, item.votes_abstained = votes
    item.remarks = (record.remarks or "").strip()[:5000]


def _apply(item: AgendaItem, day: date) -> None:
    """The act's route follows the item's decision: done (the next step waits, or the order),
    sent back (the act returns to draft with the remarks), or not taken (the step waits for
    the body's next meeting)."""
    step, act = item.step, item.step.act
    if item.decision == Decision.NOT_TAKEN:
        pass
    elif item.decision == Decision.SENT_BACK:
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


def _undo(item: AgendaItem) -> None:
    """Take back what the item's decision did to the act's route, so that a corrected decision
    can be applied instead; refused when the route has gone on from it since."""
    step, act = item.step, item.step.act
    title = act.title[:80]
    moved_on = _(
        "«%(title)s»: после этого решения маршрут акта пошёл дальше (%(what)s): "
        "исход теперь меняет новое заседание"
    )
    if item.decision == Decision.NOT_TAKEN:
        holder = step.item
        if holder is not None and holder is not item:
            raise DomainError(
                moved_on % {"title": title, "what": _("вопрос внесён в другое заседание")}
            )
        return
    round_steps = current_round(act)
    if not round_steps or round_steps[0].round != step.round:
        raise DomainError(moved_on % {"title": title, "what": _("начат новый круг")})
    later = [other for other in round_steps if other.sort_order > step.sort_order]
    if item.decision == Decision.SENT_BACK:
        if act.status != ActStatus.DRAFT or act.version_number != step.version_number:
            raise DomainError(moved_on % {"title": title, "what": _("новая редакция")})
        step.status = StepStatus.WAITING
        for other in later:
            if other.status == StepStatus.VOID:
                other.status = StepStatus.WAITING
        act.status = ActStatus.UNDER_REVIEW
        act.remarks = ""
        return
    if any(other.status != StepStatus.WAITING or other.item is not None for other in later):
        raise DomainError(moved_on % {"title": title, "what": _("следующий шаг уже начат")})
    step.status = StepStatus.WAITING
    step.done_on = None
    act.status = ActStatus.UNDER_REVIEW


def correct_decision(
    item: AgendaItem,
    actor: Person,
    *,
    reason: str,
    record: ItemDecision,
    present_count: int | None = None,
    expected_version: int | None,
) -> None:
    """The director corrects a recorded decision: its votes, remarks and wording, the meeting's
    attendance, and, where the corrected votes say so, its outcome, which then moves the act on
    its route (and the plan) as the right decision would have. Refused when the route has gone
    on from the decision since. Kept with its reason, and logged."""
    meeting = item.meeting
    check_fresh(meeting, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Укажите причину исправления"), field="reason")
    if item.decision is None or meeting.state != MeetingState.HELD:
        raise DomainError(_("По этому вопросу решение ещё не записано"))
    present = meeting.present_count if present_count is None else present_count
    body = meeting.body
    _check_attendance(body, present or 0, "present_count")
    if not body.has_quorum(present or 0):
        raise DomainError(
            _(
                "При %(present)d присутствующих из %(members)d кворума нет: такое исправление "
                "отменило бы все решения заседания",
                present=present or 0,
                members=body.members_count,
            ),
            field="present_count",
        )
    if record.decision not in DECISIONS_BY_STEP[StepKind(item.step.kind)]:
        raise DomainError(_("Такое решение этот орган по акту не принимает"), field="reason")
    title = item.act.title[:80]
    votes = _check_votes(body, present or 0, record, title, "votes_for")
    for other in meeting.items:  # the other decisions must still follow their votes
        if other is not item and present != meeting.present_count:
            _check_votes(
                body, present or 0, _as_record(other), other.act.title[:80], "present_count"
            )
    before = {**_item_state(item), "present": meeting.present_count}
    outcome_changes = _outcome(item.decision) != _outcome(record.decision)
    if outcome_changes:
        _undo(item)
    _write_item(item, record, votes)
    meeting.present_count = present
    if outcome_changes:
        _apply(item, meeting.held_on)
    flag_modified(meeting, "present_count")
    after = {**_item_state(item), "present": present}
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
        school_id=body.school_id,
        actor=actor,
        changes={"reason": [None, reason[:500]], "decision": [before, after]},
    )
    if outcome_changes:
        sync_plan_for(item.act)


def _outcome(decision: Decision | str | None) -> str:
    """What a decision does to the route: the step done, the act sent back, or nothing."""
    if decision == Decision.SENT_BACK:
        return "returned"
    if decision == Decision.NOT_TAKEN:
        return "not_taken"
    return "done"


def _as_record(item: AgendaItem) -> ItemDecision:
    return ItemDecision(
        Decision(item.decision) if item.decision else None,
        item.votes_for,
        item.votes_against,
        item.votes_abstained,
        item.remarks,
    )


def _item_state(item: AgendaItem) -> dict:
    return {
        "decision": str(item.decision),
        "votes": [item.votes_for, item.votes_against, item.votes_abstained],
        "remarks": item.remarks,
    }
