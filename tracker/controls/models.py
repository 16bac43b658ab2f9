"""The school calendar (years, terms, holidays) and the recurring control checks of the
e-journal: their rules, their occurrences on the school's real dates, and the recorded results."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person, Position, School
from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow

# --- the school calendar ---


class TermKind(StrEnum):
    QUARTER = "quarter"  # четверть, grades 1–9
    HALF_YEAR = "half_year"  # полугодие, grades 10–11
    TRIMESTER = "trimester"  # триместр: a school that divides its year in three, not in quarters


TERM_KIND_LABELS = {
    TermKind.QUARTER: _l("четверть"),
    TermKind.HALF_YEAR: _l("полугодие"),
    TermKind.TRIMESTER: _l("триместр"),
}


class AcademicYear(Model):
    __tablename__ = "academic_years"
    __table_args__ = (UniqueConstraint("school_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    school: Mapped[School] = relationship()
    terms: Mapped[list[Term]] = relationship(
        back_populates="year", order_by="Term.starts_on, Term.id", cascade="all, delete-orphan"
    )
    holidays: Mapped[list[Holiday]] = relationship(
        back_populates="year", order_by="Holiday.starts_on", cascade="all, delete-orphan"
    )

    @property
    def title(self) -> str:
        return f"{self.starts_on.year}/{str(self.ends_on.year)[-2:]}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Term(Model):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("year_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_years.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TermKind] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    year: Mapped[AcademicYear] = relationship(back_populates="terms")

    @property
    def title(self) -> str:
        return f"{self.number} {TERM_KIND_LABELS[TermKind(self.kind)]}"


class Holiday(Model):
    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(
        ForeignKey("academic_years.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    year: Mapped[AcademicYear] = relationship(back_populates="holidays")


# --- control checks ---


class RuleKind(StrEnum):
    MONTHLY = "monthly"  # on a day of each month of the school year, or its last working day
    TERM_END = "term_end"  # at the end of each quarter / half-year / year, plus an offset
    DATES = "dates"  # on dates the deputy sets (the internal-control plan, «по плану ВШК»)
    ONCE = "once"


RULE_LABELS = {
    RuleKind.MONTHLY: _l("Ежемесячно"),
    RuleKind.TERM_END: _l("В конце периодов учебного года"),
    RuleKind.DATES: _l("По плану ВШК (даты задаёт заместитель)"),
    RuleKind.ONCE: _l("Однократно"),
}
YEAR_END = "year"  # besides the term kinds, a term-end rule may name the end of the year


class ControlCheck(Model):
    __tablename__ = "control_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), unique=True
    )
    title: Mapped[str] = mapped_column(Text)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="SET NULL"))
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    rule: Mapped[RuleKind] = mapped_column(String(16))
    # MONTHLY: the day (1–31, a shorter month falls back to its last day); None: last working day.
    month_day: Mapped[int | None] = mapped_column(Integer)
    # TERM_END: which ends ("quarter", "half_year", "year") and the offset in days.
    term_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    offset_days: Mapped[int] = mapped_column(Integer, default=0)
    # DATES: ISO dates; ONCE: one date.
    dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    once_on: Mapped[date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    school: Mapped[School] = relationship()
    position: Mapped[Position | None] = relationship()
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="check", order_by="Occurrence.due_on", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class OccurrenceState(StrEnum):
    DONE = "done"
    DUE = "due"  # due within the next week, or today
    OVERDUE = "overdue"
    NOT_YET = "not_yet"


STATE_LABELS = {
    OccurrenceState.DONE: _l("проведена"),
    OccurrenceState.DUE: _l("скоро срок"),
    OccurrenceState.OVERDUE: _l("просрочена"),
    OccurrenceState.NOT_YET: _l("впереди"),
}
DUE_SOON = timedelta(days=7)


class Occurrence(Model):
    """One date a check falls due, and what was found when it was done."""

    __tablename__ = "control_occurrences"
    __table_args__ = (UniqueConstraint("check_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(
        ForeignKey("control_checks.id", ondelete="CASCADE"), index=True
    )
    year_id: Mapped[int | None] = mapped_column(
        ForeignKey("academic_years.id", ondelete="SET NULL"), index=True
    )
    # What the occurrence stands for: "month:2023-10", "end:2023-10-27", "date:…", "once".
    period_key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")  # «1 четверть», «октябрь»
    due_on: Mapped[date] = mapped_column(Date, index=True)
    # Term-end occurrences follow their term's end when it moves (open ones only).
    term_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_done: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    checked_on: Mapped[date | None] = mapped_column(Date)
    objects: Mapped[str] = mapped_column(Text, default="")  # which classes or teachers
    conclusion: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The generator no longer produces this date (a term deleted, a rule changed): kept when done.
    is_orphan: Mapped[bool] = mapped_column(Boolean, default=False)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    check: Mapped[ControlCheck] = relationship(back_populates="occurrences")
    year: Mapped[AcademicYear | None] = relationship()
    checked_by: Mapped[Person | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        back_populates="occurrence", order_by="Finding.id", cascade="all, delete-orphan"
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="occurrence", order_by="Recommendation.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="occurrence", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    parts_done: Mapped[list[PartDone]] = relationship(
        back_populates="occurrence", order_by="PartDone.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    def state(self, today: date) -> OccurrenceState:
        if self.is_done:
            return OccurrenceState.DONE
        if self.due_on < today:
            return OccurrenceState.OVERDUE
        if self.due_on - today <= DUE_SOON:
            return OccurrenceState.DUE
        return OccurrenceState.NOT_YET

    @property
    def violations(self) -> int:
        return sum(finding.violations for finding in self.findings)


class PartDone(Model):
    """A person's own part of an occurrence, marked done: a class teacher's print-out of her
    class's journal at a quarter's end. The parts not done are the people who must do one
    (`controls.parts.doers`) without a row here."""

    __tablename__ = "control_parts_done"
    __table_args__ = (UniqueConstraint("occurrence_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("control_occurrences.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    done_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    occurrence: Mapped[Occurrence] = relationship(back_populates="parts_done")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class Finding(Model):
    """One criterion of a recorded check: fine, or so many violations with a comment."""

    __tablename__ = "control_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("control_occurrences.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(Text)
    violations: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")

    occurrence: Mapped[Occurrence] = relationship(back_populates="findings")


class Recommendation(Model):
    """What the checker recommends, to whom, by when; it becomes a follow-up task of the plan."""

    __tablename__ = "control_recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("control_occurrences.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(Date)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))

    occurrence: Mapped[Occurrence] = relationship(back_populates="recommendations")
    person: Mapped[Person | None] = relationship()


class Attachment(Model):
    __tablename__ = "control_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("control_occurrences.id", ondelete="CASCADE"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    file_key: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    occurrence: Mapped[Occurrence] = relationship(back_populates="attachments")
