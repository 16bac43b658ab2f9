"""A school's plan: phases in order and the tasks in them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    and_,
    or_,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person, Position, School
from tracker.extensions import Model, db
from tracker.plans.parsing import AS_NEEDED, RECURRENCES
from tracker.types import UTCDateTime, utcnow


def window_of(starts_on: date | None, due_on: date | None, recurrence: str | None) -> str:
    """A deadline as documents, feeds and the import's preview print it: «01.08.2023–
    30.09.2023», one day, the recurrence; "" when none was understood."""
    if due_on:
        if starts_on and starts_on != due_on:
            return f"{starts_on:%d.%m.%Y}–{due_on:%d.%m.%Y}"
        return f"{due_on:%d.%m.%Y}"
    return RECURRENCES.get(recurrence or "", "")


class TaskStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    TaskStatus.PLANNED: _l("Запланировано"),
    TaskStatus.IN_PROGRESS: _l("В работе"),
    TaskStatus.DONE: _l("Выполнено"),
    TaskStatus.CANCELLED: _l("Отменено"),
}
OVERDUE = "overdue"
OVERDUE_LABEL = _l("Просрочено")
# What the plan page can also show besides a status: the dashboard's «ближайшие 30 дней» and
# «требуют уточнения», each list's «все» link.
SOON, SOON_DAYS = "soon", 30
SOON_LABEL = _l("Срок в ближайшие 30 дней")
REVIEW = "review"
REVIEW_LABEL = _l("Требуют уточнения")
CLOSED_STATUSES = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})
_WORDS: dict[str, dict[str, str]] = {}


def status_word(status: str) -> str:
    """A shown status's words (overdue included) in the language of the moment, translated once
    per language, not once per row of a list."""
    language = str(get_locale() or "ru")
    words = _WORDS.get(language)
    if words is None:
        words = {str(status): str(label) for status, label in STATUS_LABELS.items()}
        words[OVERDUE] = str(OVERDUE_LABEL)
        _WORDS[language] = words
    return words[str(status)]


def is_overdue(due_on: date | None, status: str, today: date) -> bool:
    """Overdue is derived from the day, never stored: due before today and not done or
    cancelled. (`Task.overdue_clause` is the same rule in SQL.)"""
    return due_on is not None and due_on < today and status not in CLOSED_STATUSES


task_positions = Table(
    "task_positions",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("position_id", ForeignKey("positions.id", ondelete="CASCADE"), primary_key=True),
)

task_assignees = Table(
    "task_assignees",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

# The plan's "mine" filter looks tasks up by position and by person.
Index("ix_task_positions_position_id", task_positions.c.position_id)
Index("ix_task_assignees_person_id", task_assignees.c.person_id)

task_dependencies = Table(
    "task_dependencies",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("blocked_by_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
)


class Plan(Model):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    # The plan-schedule as the school wrote it, kept whole so nothing of it is ever lost; read
    # only when asked for (a plan of 5,000 rows carries a megabyte of it).
    source_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School] = relationship()
    phases: Mapped[list[Phase]] = relationship(
        back_populates="plan",
        order_by="Phase.sort_order",
        primaryjoin="and_(Plan.id == Phase.plan_id, Phase.parent_id.is_(None))",
        viewonly=True,
    )


class Phase(Model):
    """A phase of the plan, or a sub-phase when it has a parent."""

    __tablename__ = "phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("phases.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(1000))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship()
    parent: Mapped[Phase | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Phase]] = relationship(
        back_populates="parent", order_by="Phase.sort_order"
    )
    tasks: Mapped[list[Task]] = relationship(back_populates="phase", order_by="Task.sort_order")


class Task(Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"), index=True)
    # The number as printed in the plan (numbering restarts and has gaps); checks packed into one
    # printed item get a sub-number each.
    number: Mapped[str] = mapped_column(String(16), default="")
    sub_number: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    deadline_text: Mapped[str] = mapped_column(String(255), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    recurrence: Mapped[str | None] = mapped_column(String(64))
    responsible_text: Mapped[str] = mapped_column(String(1000), default="")
    # Parts of the responsible cell that matched no position: kept for the director to fix.
    responsible_unmatched: Mapped[str] = mapped_column(String(1000), default="")
    # Parts naming a body outside the school (the education office, a ministry): shown as such,
    # never matched to a position.
    responsible_external: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    # «Ожидаемый результат», «Форма отчётности» of the plan's table, as written.
    expected_result: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[TaskStatus] = mapped_column(String(16), default=TaskStatus.PLANNED, index=True)
    completion_note: Mapped[str] = mapped_column(Text, default="")
    # The day the work was done (for a council's task: the day of its meeting).
    done_on: Mapped[date | None] = mapped_column(Date)
    # The task stands for a step of an act's route: its status comes from the approval records.
    follows_records: Mapped[bool] = mapped_column(Boolean, default=False)
    # The task is a row of the plan's file (a new edition of the plan compares it), not one
    # added in the app (a check's recommendation, a follow-up).
    from_plan: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    completion_file_name: Mapped[str] = mapped_column(String(255), default="")
    completion_file_key: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    plan: Mapped[Plan] = relationship()
    phase: Mapped[Phase] = relationship(back_populates="tasks")
    positions: Mapped[list[Position]] = relationship(
        secondary=task_positions, order_by="Position.sort_order"
    )
    assignees: Mapped[list[Person]] = relationship(
        secondary=task_assignees, order_by="Person.full_name"
    )
    blocked_by: Mapped[list[Task]] = relationship(
        secondary=task_dependencies,
        primaryjoin="Task.id == task_dependencies.c.task_id",
        secondaryjoin="Task.id == task_dependencies.c.blocked_by_id",
        order_by="Task.sort_order",
    )
    comments: Mapped[list[TaskComment]] = relationship(
        back_populates="task", order_by="TaskComment.created_at", cascade="all, delete-orphan"
    )

    @property
    def display_number(self) -> str:
        if self.sub_number is None:
            return self.number
        return f"{self.number}.{self.sub_number}"

    def numbered(self, length: int | None = None) -> str:
        """«3.2. Title» as lists name a task; a task with no number (a check's recommendation,
        one added by hand) is named by its title alone, not «. Title»."""
        title = (
            self.title
            if length is None or len(self.title) <= length
            else (self.title[: length - 1].rstrip() + "…")
        )
        return f"{self.display_number}. {title}" if self.display_number else title

    @property
    def owner_text(self) -> str:
        """Who answers for the task, as lists show it: the people named, else the positions."""
        if self.assignees:
            return ", ".join(person.short_name for person in self.assignees)
        return ", ".join(position.title for position in self.positions) or "—"

    @property
    def responsible_shown(self) -> str:
        """The responsible as printed documents and sheets name it: the positions and the bodies
        outside the school, else the plan's own words."""
        named = [position.title for position in self.positions]
        if self.responsible_external:
            named.append(self.responsible_external)
        return ", ".join(named) or self.responsible_text

    @property
    def people_names(self) -> list[str]:
        """The people who do the task, as a printed plan names them: those named on it, else
        the holders of its positions (every class teacher, for instance)."""
        if self.assignees:
            return [person.full_name for person in self.assignees]
        names = [
            holder.person.full_name
            for position in self.positions
            for holder in position.holders
            if holder.person.is_active
        ]
        return list(dict.fromkeys(names))

    @property
    def is_deadline_understood(self) -> bool:
        return self.due_on is not None or self.recurrence is not None

    @property
    def needs_review(self) -> bool:
        """The plan text said something neither parser knew, or «по мере необходимости» (no
        date at all): the director should fix it."""
        return (
            not self.is_deadline_understood
            or self.recurrence == AS_NEEDED
            or bool(self.responsible_unmatched)
        )

    @classmethod
    def needs_review_clause(cls) -> ColumnElement[bool]:
        """`needs_review` as the database asks it (the director's dashboard)."""
        return or_(
            and_(cls.due_on.is_(None), cls.recurrence.is_(None)),
            cls.recurrence == AS_NEEDED,
            cls.responsible_unmatched != "",
        )

    @property
    def recurrence_label(self) -> str:
        return RECURRENCES.get(self.recurrence or "", "")

    @property
    def window_text(self) -> str:
        """The deadline as documents and feeds print it: «01.08.2023–30.09.2023», one day, the
        recurrence, or the plan's own words when neither was understood."""
        return window_of(self.starts_on, self.due_on, self.recurrence) or self.deadline_text

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue_on(self, today: date) -> bool:
        return is_overdue(self.due_on, self.status, today)

    @classmethod
    def soon_clause(cls, today: date) -> ColumnElement[bool]:
        """Open and due from today to 30 days on, both included: «ближайшие 30 дней»."""
        return and_(
            cls.status.not_in(CLOSED_STATUSES),
            cls.due_on.between(today, today + timedelta(days=SOON_DAYS)),
        )

    @classmethod
    def overdue_clause(cls, today: date) -> ColumnElement[bool]:
        """`is_overdue_on` as the database asks it (the plan page's filter)."""
        return and_(cls.due_on.is_not(None), cls.due_on < today, cls.status.not_in(CLOSED_STATUSES))

    def shown_status(self, today: date) -> str:
        """The status a person sees: overdue is derived from the date, never stored."""
        return OVERDUE if self.is_overdue_on(today) else self.status

    def shown_status_label(self, today: date) -> str:
        return status_word(self.shown_status(today))


class TaskComment(Model):
    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    task: Mapped[Task] = relationship(back_populates="comments")
    author: Mapped[Person | None] = relationship()


class PlanDraft(Model):
    """A plan file uploaded by the director and shown as a preview before anything is written:
    the file, its table and the columns as she corrected them (None: as found)."""

    __tablename__ = "plan_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    columns: Mapped[dict | None] = mapped_column(JSON)
    # Which of a Word document's tables holds the plan, as she chose it (None: as found).
    table: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredFile(Model):
    """A file people attached (a task's completion file, the attachments of a check's result),
    kept in the database beside the record that names it by `key`: a backup holds it, every app
    server reads it, and a failed request leaves no file behind. Its SHA-256 is kept to check
    it by (the migration that moved the files in from disk checked each)."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
