"""Local acts (локальные нормативные акты) and their numbered, immutable versions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person, School
from tracker.extensions import db
from tracker.types import UTCDateTime, utcnow


class ActStatus(StrEnum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"  # through its councils, waiting for the director's order
    IN_FORCE = "in_force"


ACT_STATUS_LABELS = {
    ActStatus.DRAFT: _l("Проект"),
    ActStatus.UNDER_REVIEW: _l("На согласовании"),
    ActStatus.APPROVED: _l("Согласован, ждёт приказа"),
    ActStatus.IN_FORCE: _l("Действует"),
}

# The route an act follows unless the director changes it before it starts.
DEFAULT_ROUTE = ["ped_council", "parents_council", "order"]


class LocalAct(db.Model):
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
    def status_label(self) -> str:
        return str(ACT_STATUS_LABELS[ActStatus(self.status)])


class ActVersion(db.Model):
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


class DocumentKind(StrEnum):
    ACT = "act"  # a local act (the regulation on the e-journal among them)
    ORDER = "order"  # a recorded order of the director approving acts
    TRANSITION_ORDER = "transition_order"  # приказ о переходе на электронный учёт
    DUTIES_ORDER = "duties_order"  # приказ о распределении обязанностей по работе с ЭЖ
    CONSENT = "consent"  # согласие на обработку персональных данных
    PROTOCOL = "protocol"  # протокол заседания
    CONTROL_REPORT = "control_report"  # справка по итогам контроля
    PLAN = "plan"  # план-график
    SHEET = "sheet"  # лист ознакомления


DOCUMENT_TITLES = {
    DocumentKind.ACT: _l("Локальный акт"),
    DocumentKind.ORDER: _l("Приказ директора"),
    DocumentKind.TRANSITION_ORDER: _l(
        "Приказ о переходе на электронный учёт успеваемости и посещаемости"
    ),
    DocumentKind.DUTIES_ORDER: _l("Приказ о распределении обязанностей по работе с ЭЖ"),
    DocumentKind.CONSENT: _l("Согласие родителя на обработку персональных данных"),
    DocumentKind.PROTOCOL: _l("Протокол заседания"),
    DocumentKind.CONTROL_REPORT: _l("Справка по итогам контроля"),
    DocumentKind.PLAN: _l("План-график"),
    DocumentKind.SHEET: _l("Лист ознакомления"),
}


class GeneratedDocument(db.Model):
    """One generation of a document: numbered per subject, immutable, its bytes kept."""

    __tablename__ = "generated_documents"
    __table_args__ = (UniqueConstraint("school_id", "kind", "subject", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(String(32))
    # What the document is of: "act:5", "meeting:3", "order:2", "plan:1"; "" for the school.
    subject: Mapped[str] = mapped_column(String(64), default="")
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(1000))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    # A digest of the data the document was made from: the same data gives no new version.
    fingerprint: Mapped[str] = mapped_column(String(64))
    act_version_number: Mapped[int | None] = mapped_column(Integer)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_templates.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[Person | None] = relationship()


class DocumentTemplate(db.Model):
    """A school's own DOCX template for a kind of document (docxtpl placeholders)."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
