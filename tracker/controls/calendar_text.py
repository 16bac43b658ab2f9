"""A school's calendar schedule (календарный учебный график) as schools write it, read into a
school year, its terms and holidays (pure: no database).

Each line names a quarter, a trimester or a half-year («I четверть», «2 полугодие»,
«III триместр»), holidays («Осенние
каникулы»), or the year's start and end, with one or more spans: «с 01.09.2023 г. по
27.10.2023 г.», «01.09.23–27.10.23», «с 1 сентября по 27 октября» (the year taken from the school
year: September–December its first, January–August its second), a quarter split by holidays
(«09.01.2024–16.02.2024; 26.02.2024–22.03.2024»: one quarter from its first day to its last).
What is not understood is reported with its line, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.plans.parsing import normalize_phrase

_MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUMERIC = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_WORDED = re.compile(r"(\d{1,2})\s+([а-яё]+)(?:\s+(\d{4}))?", re.IGNORECASE)
_SCHOOL_YEAR = re.compile(r"((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)?\d\d)")
_SEASONS = ("осенн", "зимн", "весенн", "летн", "дополнительн")
_TERM = re.compile(r"^(i|ii|iii|iv|1|2|3|4)(?:\s*я|\s*е|\s*ое)?\s+(четверть|полугодие|триместр)")


@dataclass
class Span:
    starts_on: date
    ends_on: date


@dataclass
class CalendarText:
    """What the text says; `problems`: (line, message in Russian)."""

    first_year: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    terms: list[tuple[str, int, Span]] = field(default_factory=list)  # kind, number, span
    holidays: list[tuple[str, Span]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def span(self) -> Span | None:
        """The year: as stated, else from its first term's first day to its last term's last."""
        days = [s for _k, _n, s in self.terms]
        start = self.starts_on or (min(s.starts_on for s in days) if days else None)
        end = self.ends_on or (max(s.ends_on for s in days) if days else None)
        return Span(start, end) if start and end else None


def _month(word: str) -> int | None:
    word = word.lower().replace("ё", "е")
    for stem, number in _MONTHS.items():
        if word.startswith(stem) and (stem != "ма" or word in ("мая", "май", "маю")):
            return number
    return None


def _dates(text: str, first_year: int | None) -> list[date]:
    """Every date of a line, in order; a day and month without a year take the school year's."""
    found: list[tuple[int, date]] = []
    for match in _NUMERIC.finditer(text):
        day, month, year = (int(part) for part in match.groups())
        found.append((match.start(), date(year + 2000 if year < 100 else year, month, day)))
    for match in _WORDED.finditer(text):
        named = _month(match.group(2))
        if named is None:
            continue
        if match.group(3):
            in_year = int(match.group(3))
        elif first_year is None:
            raise ValueError("не указан год, и учебный год не назван (например, «2023/2024»)")
        else:
            in_year = first_year if named >= 9 else first_year + 1
        found.append((match.start(), date(in_year, named, int(match.group(1)))))
    return [day for _position, day in sorted(found)]


def _label(line: str) -> str:
    """The words before a line's first date, without «с» and the dash or colon after them."""
    starts = [m.start() for m in (_NUMERIC.search(line), _dated_word(line)) if m is not None]
    label = line[: min(starts)] if starts else line
    label = re.sub(r"\s+с\s*$", "", label.strip(" :–—-\t"))
    return label.strip(" :–—-\t")


def _dated_word(line: str):
    for match in _WORDED.finditer(line):
        if _month(match.group(2)):
            return match
    return None


def rows_text(rows: list[tuple[int, list[str]]]) -> str:
    """A calendar schedule's table (from a Word, Excel or CSV file, `plans.files.rows_of`) as
    text, a row a line: «I четверть | 01.09.2023 | 27.10.2023 | 8 недель» reads as the line
    «I четверть 01.09.2023 27.10.2023 8 недель»."""
    return "\n".join(" ".join(cell for cell in cells if cell) for _number, cells in rows)


_SHIFT = timedelta(weeks=52)  # the same weekday a year on


def next_year_text(
    starts_on: date,
    ends_on: date,
    terms: list[tuple[str, int, date, date]],
    holidays: list[tuple[str, date, date]],
) -> str:
    """The next school year proposed from this one, as a calendar schedule's text to check and
    correct: every date 52 weeks on (the same weekday), the year and its first terms starting
    on 1 September (the 2nd when the 1st is a Sunday)."""
    first_day = date(starts_on.year + 1, 9, 1)
    if first_day.weekday() == 6:
        first_day += timedelta(days=1)

    def moved(day: date) -> date:
        return first_day if day == starts_on else day + _SHIFT

    words = {"quarter": "четверть", "half_year": "полугодие", "trimester": "триместр"}
    lines = [
        f"Календарный учебный график на {first_day.year}/{first_day.year + 1} учебный год",
        f"Начало учебного года: {first_day:%d.%m.%Y}",
    ]
    for kind, number, start, end in sorted(terms, key=lambda t: (t[0] != "quarter", t[0], t[1])):
        roman = ("I", "II", "III", "IV")[number - 1] if 1 <= number <= 4 else str(number)
        lines.append(f"{roman} {words[kind]}: {moved(start):%d.%m.%Y} - {moved(end):%d.%m.%Y}")
    for title, start, end in sorted(holidays, key=lambda h: h[1]):
        lines.append(f"{title}: {moved(start):%d.%m.%Y} - {moved(end):%d.%m.%Y}")
    lines.append(f"Окончание учебного года: {ends_on + _SHIFT:%d.%m.%Y}")
    return "\n".join(lines) + "\n"


def parse_calendar(text: str) -> CalendarText:
    result = CalendarText()
    for found in _SCHOOL_YEAR.finditer(text):  # «2023/2024», «2023-24»: consecutive years only
        opening, closing = int(found.group(1)), int(found.group(2))
        if closing % 100 == (opening + 1) % 100:
            result.first_year = opening
            break
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        key = normalize_phrase(line)
        try:
            days = _dates(line, result.first_year)
        except ValueError as error:
            result.problems.append((number, str(error)))
            continue
        if not days:
            continue  # a title, a remark: nothing to read
        if len(days) % 2 and not key.startswith(("начало", "окончание", "конец")):
            result.problems.append((number, "у периода нет даты окончания"))
            continue
        spans = [Span(days[i], days[i + 1]) for i in range(0, len(days) - 1, 2)]
        if any(span.ends_on < span.starts_on for span in spans):
            result.problems.append((number, "период заканчивается раньше, чем начинается"))
            continue
        if result.first_year is None:
            first = days[0]
            result.first_year = first.year if first.month >= 8 else first.year - 1
        term = _TERM.match(key)
        if term:
            kind = {"четверть": "quarter", "полугодие": "half_year", "триместр": "trimester"}[
                term.group(2)
            ]
            whole = Span(spans[0].starts_on, spans[-1].ends_on)
            result.terms.append((kind, _ROMAN[term.group(1)], whole))
        elif "каникул" in key or key.split()[0].startswith(_SEASONS):
            # A table of holidays names them by season in its first column («Осенние |
            # 28.10.2023 | 05.11.2023»): the word «каникулы» is in its header.
            title = _label(line)
            if title and "каникул" not in normalize_phrase(title):
                title = f"{title} каникулы"
            for span in spans:
                result.holidays.append((title or "Каникулы", span))
        elif key.startswith("начало"):
            result.starts_on = days[0]
        elif key.startswith(("окончание", "конец")):
            result.ends_on = days[-1]
        elif "учебн" in key and "год" in key:
            result.starts_on, result.ends_on = spans[0].starts_on, spans[-1].ends_on
        else:
            result.problems.append(
                (
                    number,
                    f"непонятно, что за период: «{line[:60]}» (четверть, полугодие, каникулы?)",
                )
            )
    if not result.terms:
        result.problems.append((0, "в тексте нет ни одной четверти, триместра или полугодия"))
    kinds = {kind for kind, _number, _span in result.terms}
    if {"quarter", "trimester"} <= kinds:
        result.problems.append((0, "в тексте и четверти, и триместры: оставьте что-то одно"))
    return result
