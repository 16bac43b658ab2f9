"""Local acts (локальные нормативные акты): the act, its numbered editions, its status, and the
plan's tasks that stand for steps of its way into force.

Everything else about an act builds on this package: its approval route (`approvals`), its
generated DOCX (`documents`), its place on the school's site (`publication`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person, School
from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


class ActStatus(StrEnum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"  # through its councils, waiting for the director's order
    IN_FORCE = "in_force"
    REPEALED = "repealed"  # lost force by a later order «о признании утратившим силу»


ACT_STATUS_LABELS = {
    ActStatus.DRAFT: _l("Проект"),
    ActStatus.UNDER_REVIEW: _l("На согласовании"),
    ActStatus.APPROVED: _l("Согласован, ждёт приказа"),
    ActStatus.IN_FORCE: _l("Действует"),
    ActStatus.REPEALED: _l("Утратил силу"),
}

# The route an act follows unless the director changes it before it starts.
DEFAULT_ROUTE = ["ped_council", "parents_council", "order"]


class LocalAct(Model):
    __tablename__ = "local_acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(1000))
    status: Mapped[ActStatus] = mapped_column(String(16), default=ActStatus.DRAFT)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Body kinds in order, and "order" for the director's order: the steps of the next round.
    route: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_ROUTE))
    # Remarks of the body that last sent the act back for revision, shown to its owner.
    remarks: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised on every change: a form made from an older state is refused, not merged.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    school: Mapped[School] = relationship()
    owner: Mapped[Person | None] = relationship()
    versions: Mapped[list[ActVersion]] = relationship(
        back_populates="act", order_by="ActVersion.number", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def current_version(self) -> ActVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def version_number(self) -> int:
        """The number of the current version, which every act has (`create_act` makes the
        first, and none is ever removed)."""
        version = self.current_version
        if version is None:
            raise LookupError(f"act {self.id} has no version")
        return version.number

    @property
    def status_label(self) -> str:
        return str(ACT_STATUS_LABELS[ActStatus(self.status)])


class ActVersion(Model):
    """One frozen text of an act. A version is never changed: a new text is a new version."""

    __tablename__ = "act_versions"
    __table_args__ = (UniqueConstraint("act_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("local_acts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    body_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    act: Mapped[LocalAct] = relationship(back_populates="versions")
    created_by: Mapped[Person | None] = relationship()


class PlanRole(StrEnum):
    """What a plan task stands for in the acts' routes; its status follows from the records."""

    DISCUSSION = "discussion"
    PED_COUNCIL = "ped_council"
    PARENTS_COUNCIL = "parents_council"
    ORDER = "order"
    PUBLICATION = "publication"  # on the school's site (the publication part)


PLAN_ROLE_LABELS = {
    PlanRole.DISCUSSION: _l("общественное обсуждение"),
    PlanRole.PED_COUNCIL: _l("педагогический совет"),
    PlanRole.PARENTS_COUNCIL: _l("Совет родителей"),
    PlanRole.ORDER: _l("приказ об утверждении"),
    PlanRole.PUBLICATION: _l("публикация на сайте"),
}


class PlanLink(Model):
    """A plan task standing for one step of an act's route (the plan never disagrees with it)."""

    __tablename__ = "plan_links"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    act_id: Mapped[int] = mapped_column(
        ForeignKey("local_acts.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[PlanRole] = mapped_column(String(32))

    act: Mapped[LocalAct] = relationship()
