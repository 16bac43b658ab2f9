"""Per-person secret feed tokens and the sequence numbers calendar clients need."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Person
from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


class FeedToken(Model):
    """A calendar subscription: the token itself is shown once and kept only as its hash."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "mine", "school", "position:<id>", "body:<id>"
    scope: Mapped[str] = mapped_column(String(64), default="mine")
    alarm_days: Mapped[int] = mapped_column(Integer, default=1)  # 0: no reminder
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.person.is_active


class FeedSequence(Model):
    """What a calendar client last saw of an object: its SEQUENCE rises when the date or the
    title changes, and LAST-MODIFIED records when."""

    __tablename__ = "feed_sequences"

    uid: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    modified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedBody(Model):
    """A feed's bytes as last written, served again while its key holds: the key hashes the
    feed's ETag (the school's records version, the day, the scope and the alarm) and the
    address its links are built on. One row per token and form (events or to-dos)."""

    __tablename__ = "feed_bodies"

    slot: Mapped[str] = mapped_column(String(32), primary_key=True)  # "<token id>:<todo 0|1>"
    token_id: Mapped[int] = mapped_column(
        ForeignKey("feed_tokens.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedMiss(Model):
    """A request with an unknown token, by address: a burst of them is slowed down."""

    __tablename__ = "feed_misses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
