"""Jobs the worker gave up on, kept for the director to see (school by id: jobs import no other
part)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


class FailedJob(Model):
    """A job that failed on its last retry: what it was, for which school, and why."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    arguments: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
