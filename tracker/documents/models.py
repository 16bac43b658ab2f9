"""Generated documents (DOCX made from the records, kept as numbered versions) and the school's
own templates for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person
from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


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


class GeneratedDocument(Model):
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


class DocumentTemplate(Model):
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


class PreparedState(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class PreparedFile(Model):
    """A file made by the worker for the one person who asked for it (the consents of a class
    list, say): what to make (`params`), then the file. Kept an hour at most, then forgotten
    with its parameters (pupils' names among them)."""

    __tablename__ = "prepared_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[PreparedState] = mapped_column(String(16), default=PreparedState.PENDING)
    filename: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
