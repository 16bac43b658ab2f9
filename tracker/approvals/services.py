"""The approval route of local acts: councils' decisions at meetings and the director's order.

The rules: steps go strictly in order; only a body's secretary (or the director) records its
decisions; only the director issues orders; votes never exceed those present, present never
exceeds members, and a decision without quorum is refused; a new version after any approval
restarts the route, keeping the old decisions as history; an act sent back goes to draft with
the remarks. Every write is audited; services flush and never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from tracker.accounts.models import Person, School
from tracker.approvals.models import (
    BODY_TITLES,
    DECISIONS_BY_STEP,
    ORDER_STEP,
    AgendaItem,
    ApprovalStep,
    BodyKind,
    CollegialBody,
    Correction,
    Decision,
    Discussion,
    DiscussionComment,
    Meeting,
    Order,
    PlanLink,
    PlanRole,
    StepKind,
    StepStatus,
)
from tracker.audit import services as audit
from tracker.documents.models import ActStatus, ActVersion, LocalAct
from tracker.errors import DomainError, check_fresh
from tracker.extensions import db
from tracker.plans.models import Task, TaskStatus
from tracker.plans.services import clean_title
from tracker.types import local_day

# --- bodies ---


def ensure_bodies(school: School) -> list[CollegialBody]:
    """The school's collegial bodies, created on first use (members and officers filled later)."""
    existing = {body.kind: body for body in bodies_of(school)}
    for kind in BodyKind:
        if kind not in existing:
            body = CollegialBody(school=school, kind=kind, title=str(BODY_TITLES[kind]))
            db.session.add(body)
            existing[kind] = body
    db.session.flush()
    return [existing[kind] for kind in BodyKind]


def bodies_of(school: School) -> list[CollegialBody]:
    return list(
        db.session.scalars(
            select(CollegialBody)
            .where(CollegialBody.school_id == school.id)
            .order_by(CollegialBody.id)
        )
    )


def body_of_kind(school: School, kind: str) -> CollegialBody:
    body = db.session.scalar(
        select(CollegialBody).where(
            CollegialBody.school_id == school.id, CollegialBody.kind == kind
        )
    )
    if body is None:
        raise DomainError(_("У школы нет такого коллегиального органа"))
    return body


def update_body(
    body: CollegialBody,
    actor: Person,
    *,
    members_count: int,
    chair: Person | None,
    secretary: Person | None,
    quorum_numerator: int,
    quorum_denominator: int,
) -> None:
    if members_count < 0 or members_count > 10000:
        raise DomainError(_("Число членов — от 0 до 10000"), field="members_count")
    if not 0 < quorum_numerator <= quorum_denominator <= 100:
        raise DomainError(_("Кворум — дробь от 1/100 до 1/1"), field="quorum_numerator")
    for person in (chair, secretary):
        if person is not None and person.school_id != body.school_id:
            raise DomainError(_("Сотрудник из другой школы"))
    body.members_count = members_count
    body.chair, body.secretary = chair, secretary
    body.quorum_numerator, body.quorum_denominator = quorum_numerator, quorum_denominator
    db.session.flush()
    audit.record_new(
        "body.update",
        "body",
        body.id,
        body.school_id,
        actor,
        members_count=members_count,
        chair=chair.full_name if chair else None,
        secretary=secretary.full_name if secretary else None,
        quorum=f"{quorum_numerator}/{quorum_denominator}",
    )


# --- acts and their routes ---


def create_act(
    school: School, actor: Person, title: str, body_text: str = "", owner: Person | None = None
) -> LocalAct:
    """A new act in draft, with its first version."""
    act = LocalAct(school=school, title=clean_title(title), owner=owner or actor)
    act.versions.append(ActVersion(number=1, body_text=body_text or "", created_by=actor))
    db.session.add(act)
    db.session.flush()
    audit.record_new("act.create", "act", act.id, school.id, actor, title=act.title)
    return act


STEP_LOAD = (
    selectinload(ApprovalStep.body),
    # A meeting's body (for its school's day) is one of the steps' bodies: found in the session.
    selectinload(ApprovalStep.item).selectinload(AgendaItem.meeting),
    selectinload(ApprovalStep.order),
)


def route_steps(act: LocalAct) -> list[ApprovalStep]:
    """Every step of every round, oldest round first, with what its requisite needs."""
    return list(
        db.session.scalars(
            select(ApprovalStep)
            .where(ApprovalStep.act_id == act.id)
            .order_by(ApprovalStep.round, ApprovalStep.sort_order)
            .options(*STEP_LOAD)
        )
    )


def current_rounds(acts: list[LocalAct]) -> dict[int, list[ApprovalStep]]:
    """The current round of each act, for a list of acts in one query (not one per act)."""
    rounds: dict[int, list[ApprovalStep]] = {act.id: [] for act in acts}
    steps = db.session.scalars(
        select(ApprovalStep)
        .where(ApprovalStep.act_id.in_(list(rounds) or [0]))
        .order_by(ApprovalStep.act_id, ApprovalStep.round, ApprovalStep.sort_order)
        .options(*STEP_LOAD)
    )
    for step in steps:
        same = rounds[step.act_id]
        if same and same[-1].round != step.round:
            same.clear()
        same.append(step)
    return rounds


def current_round(act: LocalAct, steps: list[ApprovalStep] | None = None) -> list[ApprovalStep]:
    """The steps of the act's latest round (`steps`: all its steps, when the caller has them)."""
    steps = route_steps(act) if steps is None else steps
    if not steps:
        return []
    last = steps[-1].round
    return [step for step in steps if step.round == last]


def earlier_rounds(act: LocalAct, steps: list[ApprovalStep] | None = None) -> list[ApprovalStep]:
    """The steps of the rounds before the current one: decisions kept as history."""
    steps = route_steps(act) if steps is None else steps
    last = steps[-1].round if steps else 0
    return [step for step in steps if step.round != last]


def current_step(act: LocalAct, round_steps: list[ApprovalStep] | None = None):
    """The step the act waits for, when it is under review or approved (`round_steps`: the
    current round, when the caller has it already)."""
    if act.status not in (ActStatus.UNDER_REVIEW, ActStatus.APPROVED):
        return None
    for step in current_round(act) if round_steps is None else round_steps:
        if step.status == StepStatus.WAITING:
            return step
    return None


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
    audit.record_new(
        "act.submit", "act", act.id, act.school_id, actor, version=act.current_version.number
    )


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
        step.version_number = act.current_version.number
        db.session.add(step)
    db.session.flush()


def new_version(act: LocalAct, actor: Person, body_text: str, expected_version: int | None) -> None:
    """A new text: after any approval the route starts again (the old decisions stay)."""
    check_fresh(act, expected_version)
    if act.status == ActStatus.IN_FORCE:
        raise DomainError(_("Действующий акт меняется новым актом и новым приказом"))
    number = act.current_version.number + 1
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


def acts_awaiting(body: CollegialBody) -> list[LocalAct]:
    """Acts whose current step is this body's and that no meeting has taken up yet."""
    acts = list(
        db.session.scalars(
            select(LocalAct)
            .where(LocalAct.school_id == body.school_id, LocalAct.status == ActStatus.UNDER_REVIEW)
            .order_by(LocalAct.id)
        )
    )
    rounds = current_rounds(acts)  # one query for all of them
    result = []
    for act in acts:
        step = current_step(act, rounds[act.id])
        if step is not None and step.body_id == body.id and step.item is None:
            result.append(act)
    return result


def acts_of(school: School) -> list[LocalAct]:
    return list(
        db.session.scalars(
            select(LocalAct).where(LocalAct.school_id == school.id).order_by(LocalAct.id)
        )
    )


def returned_acts(school: School) -> list[LocalAct]:
    """Drafts a body sent back for revision, with its remarks."""
    return list(
        db.session.scalars(
            select(LocalAct)
            .where(
                LocalAct.school_id == school.id,
                LocalAct.status == ActStatus.DRAFT,
                LocalAct.remarks != "",
            )
            .order_by(LocalAct.id)
        )
    )


def acts_awaiting_order(school: School) -> list[LocalAct]:
    return list(
        db.session.scalars(
            select(LocalAct)
            .where(LocalAct.school_id == school.id, LocalAct.status == ActStatus.APPROVED)
            .order_by(LocalAct.id)
        )
    )


# --- public discussion before the pedagogical council ---

SECTION_HEADING = re.compile(r"^\s*\d{1,3}\.\s+\S")
MAX_DISCUSSION_DAYS = 90
MAX_COMMENT = 5000


def act_sections(text: str) -> list[str]:
    """The headings of an act's sections («2. Правила ведения»): what the staff comment on."""
    return [
        " ".join(line.split())[:300]
        for line in (text or "").splitlines()
        if SECTION_HEADING.match(line)
    ]


def discussion_sections(discussion: Discussion) -> list[str]:
    version = next(
        (v for v in discussion.act.versions if v.number == discussion.version_number), None
    )
    return act_sections(version.body_text if version else "")


def by_section(comments: list[DiscussionComment]) -> list[tuple[str, list[DiscussionComment]]]:
    """Comments grouped by section in the act's order: the act as a whole first, then 1, 2, …
    10 (not 1, 10, 2)."""
    groups: dict[str, list[DiscussionComment]] = {}
    for comment in comments:
        groups.setdefault(comment.section, []).append(comment)

    def position(section: str) -> tuple[int, str]:
        number = section.split(".", 1)[0]
        return (int(number) if number.isdigit() else 0, section)

    return sorted(groups.items(), key=lambda group: position(group[0]))


def discussions_of(act: LocalAct) -> list[Discussion]:
    """Every discussion of the act, the latest first, with their comments."""
    return list(
        db.session.scalars(
            select(Discussion)
            .where(Discussion.act_id == act.id)
            .order_by(Discussion.id.desc())
            .options(selectinload(Discussion.comments).selectinload(DiscussionComment.author))
        )
    )


def running_discussion(act: LocalAct) -> Discussion | None:
    """The discussion not closed yet (at most one per act)."""
    return db.session.scalar(
        select(Discussion).where(Discussion.act_id == act.id, Discussion.closed_on.is_(None))
    )


def running_discussions(school: School) -> dict[int, Discussion]:
    """The school's discussions not closed yet, by act: one query for a list of acts."""
    rows = db.session.scalars(
        select(Discussion)
        .join(LocalAct, LocalAct.id == Discussion.act_id)
        .where(LocalAct.school_id == school.id, Discussion.closed_on.is_(None))
    )
    return {discussion.act_id: discussion for discussion in rows}


def ped_step_free(act: LocalAct, round_steps: list[ApprovalStep] | None = None) -> bool:
    """The pedagogical council has not taken the act up yet (`round_steps`: the current
    round, when the caller has it already)."""
    if act.status == ActStatus.DRAFT:
        return True
    if act.status != ActStatus.UNDER_REVIEW:
        return False
    step = current_step(act, round_steps)
    return step is not None and step.kind == StepKind.ADOPT and step.item is None


def open_discussion(
    act: LocalAct,
    actor: Person,
    *,
    opens_on: date,
    closes_on: date,
    today: date,
    expected_version: int | None,
) -> Discussion:
    """Open the act's current version for the staff's comments from `opens_on` to `closes_on`."""
    check_fresh(act, expected_version)
    if running_discussion(act) is not None:
        raise DomainError(_("Обсуждение этого акта уже идёт"))
    if not ped_step_free(act):
        raise DomainError(
            _("Обсуждение проводится до того, как акт рассмотрит педагогический совет")
        )
    if opens_on < today:
        raise DomainError(_("Обсуждение не может начаться в прошлом"), field="opens_on")
    if closes_on < opens_on:
        raise DomainError(
            _("Обсуждение не может закончиться раньше, чем начнётся"), field="closes_on"
        )
    if (closes_on - opens_on).days > MAX_DISCUSSION_DAYS:
        raise DomainError(
            _("Обсуждение длится не больше %(days)d дней", days=MAX_DISCUSSION_DAYS),
            field="closes_on",
        )
    discussion = Discussion(
        act=act,
        version_number=act.current_version.number,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=actor,
    )
    db.session.add(discussion)
    flag_modified(act, "remarks")  # a form made before the discussion opened is stale
    db.session.flush()
    audit.record_new(
        "discussion.open",
        "act",
        act.id,
        act.school_id,
        actor,
        period=f"{opens_on:%d.%m.%Y}–{closes_on:%d.%m.%Y}",
        version=discussion.version_number,
    )
    return discussion


def add_discussion_comment(
    discussion: Discussion, actor: Person, *, section: str, text: str, today: date
) -> DiscussionComment:
    """A staff member's comment on a section, while the discussion is open."""
    act = discussion.act
    if actor.school_id != act.school_id:
        raise DomainError(_("Обсуждение другой школы"))
    if discussion.closed_on is not None:
        raise DomainError(
            _("Обсуждение завершено %(day)s", day=f"{discussion.closed_on:%d.%m.%Y}"),
            field="text",
        )
    if today < discussion.opens_on:
        raise DomainError(
            _("Обсуждение начнётся %(day)s", day=f"{discussion.opens_on:%d.%m.%Y}"), field="text"
        )
    if today > discussion.closes_on:
        raise DomainError(
            _("Обсуждение закончилось %(day)s", day=f"{discussion.closes_on:%d.%m.%Y}"),
            field="text",
        )
    section = section or ""
    if section and section not in discussion_sections(discussion):
        raise DomainError(_("Такого раздела в акте нет"), field="section")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Напишите замечание или предложение"), field="text")
    if len(text) > MAX_COMMENT:
        raise DomainError(
            _("Замечание длиннее %(limit)d символов", limit=MAX_COMMENT), field="text"
        )
    comment = DiscussionComment(discussion=discussion, section=section, text=text, author=actor)
    db.session.add(comment)
    db.session.flush()
    audit.record_new(
        "discussion.comment",
        "act",
        act.id,
        act.school_id,
        actor,
        section=section or None,
        text=text[:500],
    )
    return comment


def close_discussion(
    discussion: Discussion, actor: Person, *, today: date, expected_version: int | None
) -> None:
    """End the discussion (early, or after its last day); the plan's discussion task follows."""
    act = discussion.act
    check_fresh(act, expected_version)
    if discussion.closed_on is not None:
        raise DomainError(_("Обсуждение уже завершено"))
    if today < discussion.opens_on:
        raise DomainError(_("Обсуждение ещё не началось"))
    discussion.closed_on = min(today, discussion.closes_on)
    flag_modified(act, "remarks")
    db.session.flush()
    audit.record_new(
        "discussion.close",
        "act",
        act.id,
        act.school_id,
        actor,
        closed_on=f"{discussion.closed_on:%d.%m.%Y}",
        comments=len(discussion.comments),
    )
    sync_plan_for(act)


def _gather_discussion(act: LocalAct, meeting_day: date) -> None:
    """The pedagogical council takes the act up: a discussion still running must have ended by
    the meeting's day, and it closes on its last day; its comments go with the agenda item."""
    discussion = running_discussion(act)
    if discussion is None:
        return
    if meeting_day < discussion.closes_on:
        raise DomainError(
            _(
                "«%(title)s»: обсуждение идёт до %(day)s, заседание — не раньше этого дня",
                title=act.title[:80],
                day=f"{discussion.closes_on:%d.%m.%Y}",
            ),
            field="held_on",
        )
    discussion.closed_on = discussion.closes_on


def gathered_comments(act: LocalAct) -> list[DiscussionComment]:
    """The comments of every discussion of the act, oldest first: the council's material."""
    return list(
        db.session.scalars(
            select(DiscussionComment)
            .join(Discussion, Discussion.id == DiscussionComment.discussion_id)
            .where(Discussion.act_id == act.id)
            .order_by(DiscussionComment.id)
            .options(
                selectinload(DiscussionComment.author), selectinload(DiscussionComment.discussion)
            )
        )
    )


# --- meetings and decisions ---


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
            _gather_discussion(act, day)
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


# --- orders ---


def next_order_number(school: School, year: int) -> str:
    numbers = db.session.scalars(
        select(Order.number).where(Order.school_id == school.id, Order.year == year)
    ).all()
    digits = [int(number) for number in numbers if number.isdigit()]
    return str(max(digits, default=0) + 1)


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


def orders_of(school: School) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.school_id == school.id)
            .order_by(Order.issued_on.desc(), Order.id.desc())
        )
    )


# --- what an act's route has recorded, for pages, documents and the plan ---


@dataclass(frozen=True)
class Requisite:
    """One stamp of an act: which body or order, its number and date (None while pending)."""

    kind: str
    title: str
    number: str | None
    on: date | None
    decision: Decision | None = None


def requisites(act: LocalAct, round_steps: list[ApprovalStep] | None = None) -> list[Requisite]:
    result = []
    for step in current_round(act) if round_steps is None else round_steps:
        if step.kind == StepKind.ENACT:
            order = step.order
            result.append(
                Requisite(
                    ORDER_STEP,
                    str(_("Приказ директора")),
                    order.number if order else None,
                    order.issued_on if order else None,
                )
            )
            continue
        item = step.item
        done = step.status == StepStatus.DONE and item is not None
        result.append(
            Requisite(
                step.body.kind,
                step.body.title,
                str(item.meeting.protocol_number) if done else None,
                item.meeting.held_on if done else None,
                item.decision if done else None,
            )
        )
    return result


def route_line(act: LocalAct, all_steps: list[ApprovalStep] | None = None) -> list[dict]:
    """The act's current round as a line of steps (done, current, waiting, returned, void),
    each with its requisite: one query for the whole line (none with `all_steps`)."""
    steps = current_round(act, all_steps)
    current = current_step(act, steps)
    return [
        {
            "step": step,
            "requisite": requisite,
            "state": "current" if step is current else step.status,
        }
        for step, requisite in zip(steps, requisites(act, steps), strict=True)
    ]


# --- the plan follows the records ---

ROLE_STEP = {
    PlanRole.PED_COUNCIL: (StepKind.ADOPT, BodyKind.PED_COUNCIL),
    PlanRole.PARENTS_COUNCIL: (StepKind.OPINION, BodyKind.PARENTS_COUNCIL),
    PlanRole.ORDER: (StepKind.ENACT, None),
}


def _role_done_on(act: LocalAct, role: PlanRole) -> date | None:
    if role == PlanRole.PUBLICATION:
        from tracker.publication.services import published_on

        return published_on(act)
    if role == PlanRole.DISCUSSION:
        latest = db.session.scalar(
            select(Discussion).where(Discussion.act_id == act.id).order_by(Discussion.id.desc())
        )
        return latest.closed_on if latest is not None else None
    kind, body_kind = ROLE_STEP[PlanRole(role)]
    for step in current_round(act):
        if step.kind == kind and (body_kind is None or step.body.kind == body_kind):
            return step.done_on if step.status == StepStatus.DONE else None
    return None


def link_task(task: Task, act: LocalAct, role: PlanRole, actor: Person | None) -> None:
    if task.plan.school_id != act.school_id:
        raise DomainError(_("Задача и акт из разных школ"))
    if db.session.get(PlanLink, (task.id, act.id)) is None:
        db.session.add(PlanLink(task_id=task.id, act_id=act.id, role=role))
        db.session.flush()
        audit.record_new(
            "task.link", "task", task.id, act.school_id, actor, act=act.title, role=str(role)
        )
    sync_task(task)


def sync_plan_for(act: LocalAct) -> None:
    task_ids = db.session.scalars(select(PlanLink.task_id).where(PlanLink.act_id == act.id))
    for task_id in list(task_ids):
        sync_task(db.session.get(Task, task_id))


def sync_task(task: Task) -> None:
    """Set a linked task's status from its acts' routes: done when every act has passed the
    step, in progress when some have, with the date and protocol in the note."""
    from tracker.plans.services import set_derived_status

    links = list(db.session.scalars(select(PlanLink).where(PlanLink.task_id == task.id)))
    if not links:
        return
    done_days = [_role_done_on(link.act, link.role) for link in links]
    if all(done_days):
        status, done_on = TaskStatus.DONE, max(done_days)
    elif any(done_days):
        status, done_on = TaskStatus.IN_PROGRESS, None
    else:
        status, done_on = TaskStatus.PLANNED, None
    notes = []
    for link, day in zip(links, done_days, strict=True):
        if day is not None:
            notes.append(f"«{link.act.title}»: {day:%d.%m.%Y}")
    set_derived_status(task, status, done_on, "; ".join(notes))


def links_of(task: Task) -> list[PlanLink]:
    return list(
        db.session.scalars(
            select(PlanLink).where(PlanLink.task_id == task.id).options(selectinload(PlanLink.act))
        )
    )
