"""protocols numbered by school year

Revision ID: 3b8f1d2c6a47
Revises: 047f55458e9d
Create Date: 2026-12-06 09:00:00

A body's protocols are numbered within a school year, which for the numbering runs from
1 August (the August pedagogical council holds protocol № 1 of the year). `meetings.protocol_year`
was the calendar year; it becomes the first calendar year of the school year. A body whose
existing numbers would then clash keeps its calendar years (said on stderr), so that no
protocol is renumbered.
"""

import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3b8f1d2c6a47"
down_revision = "047f55458e9d"
branch_labels = None
depends_on = None

AUGUST = 8


def _local_day(held_at, zone: str):
    """held_at is kept in UTC (SQLite hands back text); the protocol's date is the school's."""
    if isinstance(held_at, str):
        held_at = datetime.fromisoformat(held_at)
    if held_at.tzinfo is None:
        held_at = held_at.replace(tzinfo=timezone.utc)
    return held_at.astimezone(ZoneInfo(zone or "Europe/Moscow")).date()


def _years(direction: str) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT m.id, m.body_id, m.held_at, m.protocol_year, m.protocol_number, s.timezone "
            "FROM meetings m JOIN collegial_bodies b ON b.id = m.body_id "
            "JOIN schools s ON s.id = b.school_id"
        )
    ).all()
    by_body: dict[int, list] = {}
    for row in rows:
        by_body.setdefault(row.body_id, []).append(row)
    for body_id, meetings in by_body.items():
        new_years = {}
        for meeting in meetings:
            day = _local_day(meeting.held_at, meeting.timezone)
            if direction == "up":
                new_years[meeting.id] = day.year if day.month >= AUGUST else day.year - 1
            else:
                new_years[meeting.id] = day.year
        keys = [(new_years[m.id], m.protocol_number) for m in meetings]
        if len(set(keys)) != len(keys):
            print(
                f"meetings of body {body_id}: numbers clash by school year, left as they were",
                file=sys.stderr,
            )
            continue
        # Years move down on the way up and back up on the way down: earliest first, latest
        # first, so that a year that moves never meets one that has not moved yet.
        ordered = sorted(meetings, key=lambda m: str(m.held_at), reverse=direction == "down")
        for meeting in ordered:
            if new_years[meeting.id] != meeting.protocol_year:
                connection.execute(
                    sa.text("UPDATE meetings SET protocol_year = :year WHERE id = :id"),
                    {"year": new_years[meeting.id], "id": meeting.id},
                )


def upgrade():
    _years("up")


def downgrade():
    _years("down")
