"""Column types and time helpers shared by every part."""

import calendar
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_in(timezone: str) -> date:
    """The calendar date at the school: deadlines are days in the school's own time zone.

    The app's TODAY setting pins it (tests, a demo's screenshots), for pages, feeds, the command
    line and the services alike, so that a pinned day never meets the clock's."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("TODAY"):
        return current_app.config["TODAY"]
    return datetime.now(ZoneInfo(timezone)).date()


def shift_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes the 28th in a common year)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def ru_date(day: date) -> str:
    """05.06.2023: the form Russian office documents, pages and messages use."""
    return day.strftime("%d.%m.%Y")


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar date at the school of a moment kept in UTC."""
    return moment.astimezone(ZoneInfo(timezone)).date()


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite keeps no offset, so values are stored as naive UTC and given their zone back on load.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Characters XML 1.0 (DOCX, XLSX, SVG) forbids: C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: object) -> str:
    """Text any XML file can hold: the characters XML forbids removed."""
    return XML_FORBIDDEN.sub("", "" if text is None else str(text))


def whole_number(text: str | None, digits: int = 18) -> int | None:
    """The number `text` writes in ASCII digits (at most `digits` of them), or None. `str.isdigit`
    alone also takes «²» or «٣», on which `int()` fails or reads another script."""
    text = (text or "").strip()
    if not text or len(text) > digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
