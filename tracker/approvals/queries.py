"""What the approval records say, for pages, documents, feeds and the plan: the collegial
bodies, each act's rounds and the step it waits for, what waits for a body, the discussions and
their comments, the orders, and each act's requisites (the facts its stamps print). Reads only;
the writes are in `bodies`, `route`, `discussion`, `meetings` and `orders`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Person, School
from tracker.acts import services as acts
from tracker.acts.models import ActStatus, LocalAct, PlanRole
from tracker.acts.services import act_sections
from tracker.acts.signals import plan_step_done_on
from tracker.approvals.models import (
    ORDER_STEP,
    AgendaItem,
    ApprovalStep,
    BodyKind,
    CollegialBody,
    Decision,
    Discussion,
    DiscussionComment,
    Meeting,
    MeetingState,
    Order,
    OrderKind,
    StepKind,
    StepStatus,
    order_acts,
)
from tracker.approvals.permissions import can_edit_act, can_issue_orders, can_record_for
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.types import whole_number


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


STEP_LOAD = (
    selectinload(ApprovalStep.body),
    # A meeting's body (for its school's day) is one of the steps' bodies: found in the session.
    selectinload(ApprovalStep.items).selectinload(AgendaItem.meeting),
    # An order's amendments and the acts they concern (its stamp and in-force date).
    selectinload(ApprovalStep.order).selectinload(Order.amended_by).selectinload(Order.concerns),
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


def acts_awaiting(body: CollegialBody) -> list[LocalAct]:
    """Acts whose current step is this body's and that no meeting has taken up yet."""
    return acts_awaiting_bodies(body.school_id, [body.id])[body.id]


def acts_awaiting_bodies(school_id: int, body_ids: list[int]) -> dict[int, list[LocalAct]]:
    """`acts_awaiting` of several bodies of a school at once: its acts under review and their
    current rounds read once, whatever the number of bodies."""
    acts = list(
        db.session.scalars(
            select(LocalAct)
            .where(LocalAct.school_id == school_id, LocalAct.status == ActStatus.UNDER_REVIEW)
            .order_by(LocalAct.id)
        )
    )
    rounds = current_rounds(acts)  # one query for all of them
    result: dict[int, list[LocalAct]] = {body_id: [] for body_id in body_ids}
    for act in acts:
        step = current_step(act, rounds[act.id])
        if step is not None and step.item is None and step.body_id in result:
            result[step.body_id].append(act)
    return result


def planned_meetings(body_ids: list[int]) -> dict[int, list[Meeting]]:
    """The planned meetings of each body, the latest first (as `CollegialBody.meetings`)."""
    result: dict[int, list[Meeting]] = {body_id: [] for body_id in body_ids}
    if body_ids:
        for meeting in db.session.scalars(
            select(Meeting)
            .where(Meeting.body_id.in_(body_ids), Meeting.state == MeetingState.PLANNED)
            .order_by(Meeting.held_at.desc())
        ):
            result[meeting.body_id].append(meeting)
    return result


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
        return (whole_number(number) or 0, section)

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


# Who sits on the pedagogical council: the school's teaching and leading staff.
PEDAGOGICAL = {"director", "deputy_uvr", "deputy_vr", "ej_officer", "class_teacher", "teacher"}


def belongs(person: Person, body: CollegialBody) -> bool:
    """Whether a person is a member of a body: its chair or secretary, or, for the pedagogical
    council, one of the teaching and leading staff."""
    if person.id in (body.chair_id, body.secretary_id):
        return True
    codes = {position.code for position in person.positions}
    return body.kind == BodyKind.PED_COUNCIL and bool(codes & PEDAGOGICAL)


def member_bodies(person: Person) -> list[int]:
    """The ids of the bodies a person belongs to (`belongs`)."""
    bodies = db.session.scalars(
        select(CollegialBody).where(CollegialBody.school_id == person.school_id)
    )
    return [body.id for body in bodies if belongs(person, body)]


def coming_meetings(person: Person, today: date) -> list[Meeting]:
    """Planned meetings, from today on, of the bodies the person belongs to."""
    ids = member_bodies(person)
    if not ids:
        return []
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.body_id.in_(ids), Meeting.state == MeetingState.PLANNED)
        .options(selectinload(Meeting.body))
        .order_by(Meeting.held_at)
    )
    return [meeting for meeting in meetings if meeting.held_on >= today]


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


def gathered_comments(item: AgendaItem) -> list[DiscussionComment]:
    """The comments of the discussions of the edition on the agenda, oldest first: the
    council's material (comments on an earlier edition were answered by this one)."""
    step = item.step
    return list(
        db.session.scalars(
            select(DiscussionComment)
            .join(Discussion, Discussion.id == DiscussionComment.discussion_id)
            .where(
                Discussion.act_id == step.act_id,
                Discussion.version_number == step.version_number,
            )
            .order_by(DiscussionComment.id)
            .options(
                selectinload(DiscussionComment.author), selectinload(DiscussionComment.discussion)
            )
        )
    )


def next_order_number(school: School, year: int) -> str:
    numbers = db.session.scalars(
        select(Order.number).where(Order.school_id == school.id, Order.year == year)
    ).all()
    digits = [n for n in map(whole_number, numbers) if n is not None]
    return str(max(digits, default=0) + 1)


def orders_of(school: School) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.school_id == school.id)
            .order_by(Order.issued_on.desc(), Order.id.desc())
        )
    )


@dataclass(frozen=True)
class Requisite:
    """One stamp of an act: which body or order, its number and date (None while pending)."""

    kind: str
    title: str
    number: str | None
    on: date | None
    decision: Decision | None = None
    amended: tuple[tuple[str, date], ...] = ()  # the order's: (number, date) of each amendment


def enacting_order(act: LocalAct, round_steps: list[ApprovalStep] | None = None) -> Order | None:
    """The order that approved the act's current text (None until there is one)."""
    for step in current_round(act) if round_steps is None else round_steps:
        if step.kind == StepKind.ENACT and step.order is not None:
            return step.order
    return None


def amendments(order: Order, act: LocalAct) -> list[Order]:
    """The later orders «о внесении изменений» in `order` that concern `act`, oldest first."""
    return [
        later
        for later in order.amended_by
        if later.kind == OrderKind.AMEND and any(a.id == act.id for a in later.concerns)
    ]


def in_force_on(act: LocalAct, order: Order | None) -> date | None:
    """The date the act is in force from: its order's, unless an amendment set another."""
    if order is None:
        return None
    changed = amendments(order, act)
    return changed[-1].in_force_on if changed else order.in_force_on


def repealing_order(act: LocalAct) -> Order | None:
    """The order that declared the act no longer in force."""
    if act.status != ActStatus.REPEALED:
        return None
    return db.session.scalar(
        select(Order)
        .join(order_acts, order_acts.c.order_id == Order.id)
        .where(order_acts.c.act_id == act.id, Order.kind == OrderKind.REPEAL)
        .order_by(Order.id.desc())
        .limit(1)
    )


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
                    amended=tuple((o.number, o.issued_on) for o in amendments(order, act))
                    if order
                    else (),
                )
            )
            continue
        item = step.item
        recorded = item if step.status == StepStatus.DONE else None
        result.append(
            Requisite(
                step.council.kind,
                step.council.title,
                str(recorded.meeting.protocol_number) if recorded is not None else None,
                recorded.meeting.held_on if recorded is not None else None,
                recorded.decision if recorded is not None else None,
            )
        )
    return result


def check_after_decisions(act: LocalAct, day: date, what: str, field: str) -> None:
    """The next step of an act's route is dated on or after the councils' decisions it relies
    on (an order after them, the parents' council after the pedagogical one); a refusal names
    the decision («Педагогический совет, протокол № 2 от 02.12.2026»)."""
    for requisite in requisites(act):
        if requisite.kind != ORDER_STEP and requisite.on is not None and requisite.on > day:
            raise DomainError(
                _(
                    "«%(title)s»: %(what)s — %(body)s, протокол № %(number)s от %(day)s",
                    title=act.title[:80],
                    what=what,
                    body=requisite.title,
                    number=requisite.number,
                    day=f"{requisite.on:%d.%m.%Y}",
                ),
                field=field,
            )


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


ROLE_STEP = {
    PlanRole.PED_COUNCIL: (StepKind.ADOPT, BodyKind.PED_COUNCIL),
    PlanRole.PARENTS_COUNCIL: (StepKind.OPINION, BodyKind.PARENTS_COUNCIL),
    PlanRole.ORDER: (StepKind.ENACT, None),
}


# The plan's approval items ask this package (through `acts.signals`) for the days the acts
# passed the discussion, the councils and the order.


@plan_step_done_on.connect_via(PlanRole.DISCUSSION)
def _discussion_closed_on(_role: PlanRole, act: LocalAct) -> date | None:
    latest = db.session.scalar(
        select(Discussion).where(Discussion.act_id == act.id).order_by(Discussion.id.desc())
    )
    return latest.closed_on if latest is not None else None


def _step_done_on(role: PlanRole, act: LocalAct) -> date | None:
    kind, body_kind = ROLE_STEP[PlanRole(role)]
    for step in current_round(act):
        if step.kind == kind and (body_kind is None or step.council.kind == body_kind):
            return step.done_on if step.status == StepStatus.DONE else None
    return None


for _role in ROLE_STEP:
    plan_step_done_on.connect(_step_done_on, sender=_role)


@dataclass
class Awaiting:
    """What the approvals wait for from one person (the page «Ждут меня» and the dashboard)."""

    bodies: list[tuple[CollegialBody, list[LocalAct], list[Meeting]]]
    orders: list[LocalAct]
    returned: list[LocalAct]
    open_now: list[Discussion]
    expired: list[Discussion]

    @property
    def count(self) -> int:
        """The things to act on: acts for a body, meetings to record, orders, returned acts
        and discussions to sum up (an open discussion is an invitation, not a duty)."""
        return (
            sum(len(acts) + len(meetings) for _body, acts, meetings in self.bodies)
            + len(self.orders)
            + len(self.returned)
            + len(self.expired)
        )


def awaiting(person: Person, today: date, running: dict[int, Discussion] | None = None) -> Awaiting:
    """`running`: the school's running discussions, when the caller has read them."""
    school = person.school
    running = running_discussions(school) if running is None else running
    discussions = sorted(running.values(), key=lambda d: d.closes_on)
    mine = [body for body in bodies_of(school) if can_record_for(person, body)]
    ids = [body.id for body in mine]
    waiting, planned = acts_awaiting_bodies(school.id, ids), planned_meetings(ids)
    return Awaiting(
        bodies=[(body, waiting[body.id], planned[body.id]) for body in mine],
        orders=acts.acts_awaiting_order(school) if can_issue_orders(person, school) else [],
        returned=[act for act in acts.returned_acts(school) if can_edit_act(person, act)],
        open_now=[d for d in discussions if d.is_open(today)],
        expired=[d for d in discussions if d.closes_on < today and can_edit_act(person, d.act)],
    )
