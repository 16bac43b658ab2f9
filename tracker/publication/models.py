"""What a school publishes on its site: acts in force with their files, and their history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.acts.models import LocalAct
from tracker.documents.models import GeneratedDocument
from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


class PdfState(StrEnum):
    PENDING = "pending"  # the worker is to make it
    READY = "ready"
    FAILED = "failed"  # LibreOffice missing or the conversion failed: DOCX only, retry later


class Publication(Model):
    """One publication of an act: the DOCX of that moment, its PDF, an optional signature.

    Publishing an act again (or an act that replaces it) makes the earlier publication
    superseded; withdrawing takes it off the site. Files are never served otherwise."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("local_acts.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("generated_documents.id", ondelete="RESTRICT")
    )
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_state: Mapped[PdfState] = mapped_column(String(16), default=PdfState.FAILED)
    pdf_error: Mapped[str] = mapped_column(Text, default="")
    pdf_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the worker was asked
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_name: Mapped[str] = mapped_column(String(255), default="")
    signed_by: Mapped[str] = mapped_column(String(300), default="")  # as the school entered it
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL")
    )
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL")
    )
    sequence: Mapped[int] = mapped_column(Integer, default=1)  # the act's nth publication

    act: Mapped[LocalAct] = relationship()
    document: Mapped[GeneratedDocument] = relationship()
    simple_signature: Mapped[SimpleSignature | None] = relationship(
        back_populates="publication", uselist=False
    )

    @property
    def is_visible(self) -> bool:
        """On the public page: the current one, and the superseded ones as its history."""
        return self.withdrawn_at is None


class SimpleSignature(Model):
    """The director's simple electronic signature (63-ФЗ ст. 9) of a publication's PDF: made in
    the app by entering the password again; it keeps who signed, in what position, when, the
    PDF's SHA-256, and a key anyone can check the file against on the public site."""

    __tablename__ = "simple_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), unique=True
    )
    key: Mapped[str] = mapped_column(String(32), unique=True)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    signer_name: Mapped[str] = mapped_column(String(300))  # as it was when signing
    signer_position: Mapped[str] = mapped_column(String(500))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pdf_sha256: Mapped[str] = mapped_column(String(64))

    publication: Mapped[Publication] = relationship(back_populates="simple_signature")
