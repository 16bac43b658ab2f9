"""Collegial bodies, their meetings and decisions, the director's orders, and each act's route."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person, School
from tracker.acts.models import LocalAct
from tracker.extensions import Model, db
from tracker.types import UTCDateTime, local_day, utcnow


class BodyKind(StrEnum):
    PED_COUNCIL = "ped_council"
    PARENTS_COUNCIL = "parents_council"
    STUDENTS_COUNCIL = "students_council"
    EMPLOYEES_BODY = "employees_body"


BODY_TITLES = {
    BodyKind.PED_COUNCIL: _l("Педагогический совет"),
    BodyKind.PARENTS_COUNCIL: _l("Совет родителей"),
    BodyKind.STUDENTS_COUNCIL: _l("Совет обучающихся"),
    BodyKind.EMPLOYEES_BODY: _l("Представительный орган работников"),
}
ORDER_STEP = "order"


class StepKind(StrEnum):
    ADOPT = "adopt"  # the pedagogical council adopts the act
    OPINION = "opinion"  # a council gives its reasoned opinion
    ENACT = "enact"  # the director approves and enacts it by an order


class StepStatus(StrEnum):
    WAITING = "waiting"
    DONE = "done"
    RETURNED = "returned"  # the body sent the act back for revision
    VOID = "void"  # a later version restarted the route; kept as history


class Decision(StrEnum):
    ADOPTED = "adopted"
    ADOPTED_WITH_REMARKS = "adopted_with_remarks"
    OPINION_FOR = "opinion_for"
    OPINION_AGAINST = "opinion_against"
    SENT_BACK = "sent_back"
    NOT_TAKEN = "not_taken"  # the vote carried neither way: the act waits for the body again


class VotingRule(StrEnum):
    """How many of those present must vote for a decision (the charter says; a simple majority
    unless it says otherwise)."""

    MAJORITY = "majority"  # more than half of those present
    TWO_THIRDS = "two_thirds"  # at least two thirds of those present


VOTING_RULE_LABELS = {
    VotingRule.MAJORITY: _l("простым большинством (больше половины присутствующих)"),
    VotingRule.TWO_THIRDS: _l("не менее двух третей присутствующих"),
}


class MeetingState(StrEnum):
    PLANNED = "planned"  # booked; attendance and decisions not recorded yet
    HELD = "held"  # attendance and decisions recorded
    NO_QUORUM = "no_quorum"  # did not take place: no quorum (attendance recorded)


MEETING_STATE_LABELS = {
    MeetingState.PLANNED: _l("назначено"),
    MeetingState.HELD: _l("состоялось"),
    MeetingState.NO_QUORUM: _l("не состоялось: нет кворума"),
}


DECISION_LABELS = {
    Decision.ADOPTED: _l("Принять"),
    Decision.ADOPTED_WITH_REMARKS: _l("Принять с замечаниями"),
    Decision.OPINION_FOR: _l("Мнение: согласовать"),
    Decision.OPINION_AGAINST: _l("Мнение: не согласовать"),
    Decision.SENT_BACK: _l("Вернуть на доработку"),
    Decision.NOT_TAKEN: _l("Решение не принято (голосов не хватило)"),
}
# How a recorded decision reads in the minutes (the choices above read as what to decide).
DECISION_RESULTS = {
    Decision.ADOPTED: _l("Принято"),
    Decision.ADOPTED_WITH_REMARKS: _l("Принято с замечаниями"),
    Decision.OPINION_FOR: _l("Мнение: согласовано"),
    Decision.OPINION_AGAINST: _l("Мнение: не согласовано"),
    Decision.SENT_BACK: _l("Возвращено на доработку"),
    Decision.NOT_TAKEN: _l("Решение не принято"),
}
DECISIONS_BY_STEP = {
    StepKind.ADOPT: (
        Decision.ADOPTED,
        Decision.ADOPTED_WITH_REMARKS,
        Decision.SENT_BACK,
        Decision.NOT_TAKEN,
    ),
    StepKind.OPINION: (
        Decision.OPINION_FOR,
        Decision.OPINION_AGAINST,
        Decision.SENT_BACK,
        Decision.NOT_TAKEN,
    ),
}
# Which way the vote must carry for a decision: "for" (the votes for meet the body's rule),
# "against" (the votes against do), or neither.
DECISION_SIDE = {
    Decision.ADOPTED: "for",
    Decision.ADOPTED_WITH_REMARKS: "for",
    Decision.OPINION_FOR: "for",
    Decision.OPINION_AGAINST: "against",
    Decision.SENT_BACK: "against",
    Decision.NOT_TAKEN: "neither",
}


class CollegialBody(Model):
    __tablename__ = "collegial_bodies"
    __table_args__ = (UniqueConstraint("school_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[BodyKind] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    members_count: Mapped[int] = mapped_column(Integer, default=0)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Quorum: present * denominator >= members * numerator (two thirds unless the charter says).
    quorum_numerator: Mapped[int] = mapped_column(Integer, default=2)
    quorum_denominator: Mapped[int] = mapped_column(Integer, default=3)
    voting_rule: Mapped[VotingRule] = mapped_column(
        String(16), default=VotingRule.MAJORITY, server_default=VotingRule.MAJORITY.value
    )

    school: Mapped[School] = relationship()
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[Person | None] = relationship(foreign_keys=[secretary_id])
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="body", order_by="Meeting.held_at.desc()"
    )

    def has_quorum(self, present: int) -> bool:
        return present * self.quorum_denominator >= self.members_count * self.quorum_numerator

    @property
    def quorum_count(self) -> int:
        """The fewest members present that make a quorum (22 of 32 at two thirds)."""
        return -(-self.members_count * self.quorum_numerator // self.quorum_denominator)

    def carries(self, votes: int, present: int) -> bool:
        """Whether `votes` of `present` are enough under the body's voting rule."""
        if VotingRule(self.voting_rule) == VotingRule.TWO_THIRDS:
            return 3 * votes >= 2 * present and votes > 0
        return 2 * votes > present

    @property
    def voting_rule_label(self) -> str:
        return str(VOTING_RULE_LABELS[VotingRule(self.voting_rule)])


# Protocols are numbered within a school year, and the August pedagogical council that opens
# the year holds its protocol № 1: the numbering year runs from 1 August.
NUMBERING_YEAR_STARTS = 8


def numbering_year(day: date) -> int:
    """The school year a protocol of `day` is numbered in, by its first calendar year (2026 for
    the meetings from 01.08.2026 to 31.07.2027)."""
    return day.year if day.month >= NUMBERING_YEAR_STARTS else day.year - 1


class Meeting(Model):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("body_id", "protocol_year", "protocol_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(
        ForeignKey("collegial_bodies.id", ondelete="CASCADE"), index=True
    )
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    protocol_number: Mapped[int] = mapped_column(Integer)
    protocol_year: Mapped[int] = mapped_column(Integer)  # numbering_year(): the school year
    present_count: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[MeetingState] = mapped_column(
        String(16), default=MeetingState.PLANNED, server_default=MeetingState.PLANNED.value
    )
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[CollegialBody] = relationship(back_populates="meetings")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.sort_order", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def school_year(self) -> str:
        return f"{self.protocol_year}/{self.protocol_year + 1}"

    @property
    def held_on(self) -> date:
        """The meeting's day at the school (held_at is kept in UTC: 08:00 in Vladivostok is
        the evening before in UTC)."""
        return local_day(self.held_at, self.body.school.timezone)


class ApprovalStep(Model):
    """One step of an act's route in one round (a new version starts a new round)."""

    __tablename__ = "approval_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("local_acts.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    version_number: Mapped[int] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer)
    kind: Mapped[StepKind] = mapped_column(String(16))
    body_id: Mapped[int | None] = mapped_column(
        ForeignKey("collegial_bodies.id", ondelete="RESTRICT")
    )
    status: Mapped[StepStatus] = mapped_column(String(16), default=StepStatus.WAITING)
    done_on: Mapped[date | None] = mapped_column(Date)

    act: Mapped[LocalAct] = relationship()
    body: Mapped[CollegialBody | None] = relationship()
    # Every agenda item the step was put on, oldest first: a meeting without quorum, or a vote
    # that carried neither way, leaves its item as history and the step free for the next one.
    items: Mapped[list[AgendaItem]] = relationship(back_populates="step", order_by="AgendaItem.id")
    order: Mapped[Order | None] = relationship(
        secondary="order_steps", back_populates="steps", uselist=False
    )

    @property
    def council(self) -> CollegialBody:
        """The body of a council's step: every step has one but the director's order."""
        if self.body is None:
            raise LookupError(f"approval step {self.id} ({self.kind}) has no body")
        return self.body

    @property
    def item(self) -> AgendaItem | None:
        """The agenda item that holds the step: on a meeting to come, or with the decision that
        settled it; None while no meeting has it (or has it again)."""
        for item in reversed(self.items):
            if not item.releases_step:
                return item
        return None


class AgendaItem(Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(
        ForeignKey("approval_steps.id", ondelete="CASCADE"), index=True
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    speaker: Mapped[str] = mapped_column(String(300), default="")  # СЛУШАЛИ
    # ВЫСТУПИЛИ: those who spoke at the meeting, [{"name", "position", "gist"}, ...]
    speeches: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    decision: Mapped[Decision | None] = mapped_column(String(32))
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstained: Mapped[int | None] = mapped_column(Integer)
    remarks: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    step: Mapped[ApprovalStep] = relationship(back_populates="items")
    recorded_by: Mapped[Person | None] = relationship()

    @property
    def act(self) -> LocalAct:
        return self.step.act

    @property
    def releases_step(self) -> bool:
        """The item left its step free: its meeting had no quorum, or its vote carried neither
        way (the act then waits for the body's next meeting)."""
        return self.decision == Decision.NOT_TAKEN or self.meeting.state == MeetingState.NO_QUORUM


order_steps = Table(
    "order_steps",
    db.metadata,
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("step_id", ForeignKey("approval_steps.id", ondelete="CASCADE"), primary_key=True),
)
# A step is enacted by one order at most; its order is looked up by the step.
Index("uq_order_steps_step_id", order_steps.c.step_id, unique=True)


class OrderKind(StrEnum):
    APPROVE = "approve"  # об утверждении: the last step of the acts' route
    AMEND = "amend"  # о внесении изменений в приказ об утверждении
    REPEAL = "repeal"  # о признании утратившими силу актов, утверждённых приказом


ORDER_KIND_LABELS = {
    OrderKind.APPROVE: _l("об утверждении"),
    OrderKind.AMEND: _l("о внесении изменений"),
    OrderKind.REPEAL: _l("о признании утратившим силу"),
}


# The acts an amending or repealing order concerns (an approving order reaches its acts
# through the route steps it enacts).
order_acts = Table(
    "order_acts",
    db.metadata,
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("act_id", ForeignKey("local_acts.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Order(Model):
    """A director's order (приказ): the last step of the route of the acts it approves, or a
    later order that amends such an order or declares its acts no longer in force."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("school_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(1000))
    # In force from (approve, amend: the date the amendment sets) or lost force from (repeal).
    in_force_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[OrderKind] = mapped_column(
        String(16), default=OrderKind.APPROVE, server_default=OrderKind.APPROVE.value
    )
    amends_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="RESTRICT"), index=True
    )
    changes: Mapped[str] = mapped_column(Text, default="", server_default="")  # amend: what
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship()
    signed_by: Mapped[Person | None] = relationship()
    steps: Mapped[list[ApprovalStep]] = relationship(secondary=order_steps, back_populates="order")
    amends: Mapped[Order | None] = relationship(remote_side=[id], back_populates="amended_by")
    amended_by: Mapped[list[Order]] = relationship(back_populates="amends", order_by="Order.id")
    concerns: Mapped[list[LocalAct]] = relationship(secondary=order_acts, order_by=LocalAct.title)

    @property
    def acts(self) -> list[LocalAct]:
        """The acts it approves, or those it amends the approval of or repeals."""
        if self.kind == OrderKind.APPROVE:
            return [step.act for step in self.steps]
        return list(self.concerns)

    @property
    def kind_label(self) -> str:
        return str(ORDER_KIND_LABELS[OrderKind(self.kind)])


class Correction(Model):
    """The director's correction of a recorded decision, with the reason (also audited)."""

    __tablename__ = "decision_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    corrected_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    corrected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Discussion(Model):
    """An act opened for the staff's comments for a period, before the pedagogical council.

    It ends when its owner closes it or when the council takes the act up; its comments are
    gathered onto the council's agenda item."""

    __tablename__ = "act_discussions"
    # At most one discussion of an act runs at a time, even when two people open one at once.
    __table_args__ = (
        Index(
            "uq_act_discussions_running",
            "act_id",
            unique=True,
            sqlite_where=sql_text("closed_on IS NULL"),
            postgresql_where=sql_text("closed_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("local_acts.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    act: Mapped[LocalAct] = relationship()
    opened_by: Mapped[Person | None] = relationship()
    comments: Mapped[list[DiscussionComment]] = relationship(
        back_populates="discussion",
        order_by="DiscussionComment.id",
        cascade="all, delete-orphan",
    )

    def is_open(self, today: date) -> bool:
        return self.closed_on is None and self.opens_on <= today <= self.closes_on


class DiscussionComment(Model):
    """A staff member's comment on one section of an act (or on the act as a whole)."""

    __tablename__ = "discussion_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("act_discussions.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[str] = mapped_column(String(300), default="")  # "" — the act as a whole
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    discussion: Mapped[Discussion] = relationship(back_populates="comments")
    author: Mapped[Person | None] = relationship()
