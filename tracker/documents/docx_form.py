"""The words of a Russian organisational document (ГОСТ Р 7.0.97): dates as documents write
them, the requisite line «от … № …», the blanks, and `clean()`, through which every piece of
text goes, so that what a user typed cannot break the XML or the layout. The page itself (A4,
margins, fonts) is `documents.office`, which python-docx is imported for.
"""

from __future__ import annotations

import re
from datetime import date

from tracker.types import ru_date as format_day
from tracker.types import xml_safe

BLANK_DATE = "«___» ________ 20__ г."
BLANK_NUMBER = "____"

# XML 1.0 allows tab, newline, carriage return and the characters from U+0020 on, minus the
# surrogates and U+FFFE/U+FFFF. Everything else is removed.
_LONG_WORD = re.compile(r"\S{40,}")
ZERO_WIDTH_SPACE = "\u200b"
MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def clean(text: object) -> str:
    """Text safe for a DOCX: characters XML forbids removed, words longer than a line given
    break opportunities (a zero-width space every 30 characters)."""
    text = xml_safe(text)
    return _LONG_WORD.sub(
        lambda m: ZERO_WIDTH_SPACE.join(
            m.group(0)[i : i + 30] for i in range(0, len(m.group(0)), 30)
        ),
        text,
    )


def ru_date(day: date | None) -> str:
    """05.06.2023, or the blank a pending step leaves."""
    return format_day(day) if day else BLANK_DATE


def long_date(day: date) -> str:
    """5 июня 2023 г."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year} г."


def requisite_line(prefix: str, day: date | None, number: str | None) -> str:
    """«протокол от 30.08.2023 № 1», or the visible blank `от «___» ________ 20__ г. № ____`."""
    if day is None or not number:
        return f"{prefix} от {BLANK_DATE} № {BLANK_NUMBER}".strip()
    return f"{prefix} от {ru_date(day)} № {clean(number)}".strip()
