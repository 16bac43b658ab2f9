"""The outbox: every message the app sends is a row first, written in the same transaction as
the change it tells of, so nothing is sent for a change that did not happen and nothing is lost
when the mail server is down. School and recipient by id and address: mail imports no other
part."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow

MAX_ATTEMPTS = 5


class OutgoingMessage(Model):
    __tablename__ = "outgoing_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(32))  # "password_reset", …
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    # Taken by a worker until then (mail.services.deliver); a killed worker's claim lapses.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One message per key ("digest:2026-W50:17"): the same digest scheduled twice is sent once.
    key: Mapped[str | None] = mapped_column(String(120), unique=True)

    @property
    def failed(self) -> bool:
        """Given up on: the director sees it on the outbox page."""
        return self.sent_at is None and self.attempts >= MAX_ATTEMPTS
