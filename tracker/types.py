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


# What a file is when it is not text: its first bytes.
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "архив ZIP (DOCX, XLSX)",
    b"\xd0\xcf\x11\xe0": "документ Word или Excel старого формата (DOC, XLS) или под паролем",
    b"%PDF": "PDF",
    b"\x89PNG": "рисунок PNG",
    b"\xff\xd8\xff": "фотография JPEG",
    b"GIF8": "рисунок GIF",
    b"{\\rtf": "документ RTF",
}


def _utf16_order(content: bytes) -> str | None:
    """UTF-16 without a BOM: Russian text has nearly every other byte 0x00 (Latin, digits,
    punctuation) or 0x04 (Cyrillic): at odd places little-endian, at even ones big-endian."""
    sample = content[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    for order, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if sum(byte in (0, 4) for byte in high) >= 0.9 * len(high):
            return order
    return None


def decode_text(content: bytes) -> str:
    """A text file as Russian PCs write it: UTF-8 (with or without its BOM), UTF-16 (Word's
    «Юникод», with or without a BOM) or Windows-1251. ValueError, in Russian, for what is not
    text (saying what it looks like) or is empty."""
    if not content.strip():
        raise ValueError("файл пуст")
    for signature, what in _BINARY_SIGNATURES.items():
        if content.startswith(signature):
            raise ValueError(f"это не текст, а {what}")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("файл в кодировке UTF-16 обрезан или повреждён") from None
    elif (order := _utf16_order(content)) is not None:
        text = content.decode(order, errors="replace")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1251", errors="replace")
    # \x0b: Word's line break inside a table cell, kept within its row.
    if any(ord(c) < 32 and c not in "\t\r\n\f\x0b" for c in text[:20000]) or "\ufffd" in text:
        raise ValueError("это не текст в кодировке UTF-8, UTF-16 или Windows-1251")
    return text.lstrip("\ufeff")


_NON_WORD_RE = re.compile(r"[\W_]+")


def normalize_phrase(text: str) -> str:
    """Lower-case ``text``, read «ё» as «е», turn punctuation into spaces and collapse spaces:
    how a plan's phrases and a position's names are compared."""
    lowered = text.lower().replace("ё", "е")
    return " ".join(_NON_WORD_RE.sub(" ", lowered).split())


# The months as a calendar or a sheet names them (nominative): «сентябрь 2024».
MONTH_NAMES = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
