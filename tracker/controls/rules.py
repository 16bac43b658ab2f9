"""When a control check falls due in a school year: pure functions, dates in, dates out.

"At the end of each quarter" means the end of each term of the school's own calendar, not a
fixed interval (in a school that divides its year into trimesters, the end of each trimester);
"monthly" means each month of the school year, on a day (a shorter month falls back to its last
day) or on its last working day (not a weekend, not a holiday).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.types import MONTH_NAMES

MONTHS = MONTH_NAMES
KIND_ORDER = {"quarter": 0, "trimester": 0, "half_year": 1, "year": 2}


@dataclass(frozen=True)
class TermSpan:
    id: int
    kind: str  # "quarter", "half_year" or "trimester"
    number: int
    title: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class YearSpan:
    starts_on: date
    ends_on: date
    terms: tuple[TermSpan, ...] = ()
    holidays: tuple[tuple[date, date], ...] = ()

    @property
    def key(self) -> str:
        return str(self.starts_on.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not any(start <= day <= end for start, end in self.holidays)


@dataclass(frozen=True)
class Rule:
    kind: str  # monthly, term_end, dates, once
    month_day: int | None = None
    term_kinds: tuple[str, ...] = ()
    offset_days: int = 0
    dates: tuple[date, ...] = ()
    once_on: date | None = None


@dataclass(frozen=True)
class Due:
    period_key: str
    label: str
    due_on: date
    term_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Schedule:
    dues: tuple[Due, ...]
    note: str = ""  # why nothing (or less) was scheduled, for the page to say


def last_working_day(year: YearSpan, first: date, last: date) -> date:
    """The last working day in [first, last]; `last` itself if the span has none."""
    day = last
    while day >= first:
        if year.is_working_day(day):
            return day
        day -= timedelta(days=1)
    return last


def months_of(year: YearSpan) -> list[tuple[int, int]]:
    months = []
    current = (year.starts_on.year, year.starts_on.month)
    while current <= (year.ends_on.year, year.ends_on.month):
        months.append(current)
        current = (current[0] + (current[1] == 12), current[1] % 12 + 1)
    return months


def monthly(rule: Rule, year: YearSpan) -> list[Due]:
    dues = []
    for y, m in months_of(year):
        first = max(date(y, m, 1), year.starts_on)
        last = min(date(y, m, calendar.monthrange(y, m)[1]), year.ends_on)
        if rule.month_day:
            day = min(date(y, m, min(rule.month_day, calendar.monthrange(y, m)[1])), last)
            day = max(day, first)
        else:
            day = last_working_day(year, first, last)
        dues.append(Due(f"{year.key}:month:{y}-{m:02d}", f"{MONTHS[m - 1]} {y}", day))
    return dues


def term_ends(rule: Rule, year: YearSpan) -> Schedule:
    """One occurrence per distinct end date: a half-year ending with the second quarter is one
    check, labelled with both."""
    ends: list[tuple[int, str, str, date, int | None]] = []  # order, key, title, day, term id
    kinds = set(rule.term_kinds)
    if "quarter" in kinds:  # a trimester is the quarter of a school that has no quarters
        kinds.add("trimester")
    for term in year.terms:
        if term.kind in kinds:
            # Keyed by the term itself, so renumbering or moving it keeps the occurrence's key.
            key = f"term-{term.id}"
            ends.append((KIND_ORDER[term.kind], key, term.title, term.ends_on, term.id))
    wants_terms = any(kind in kinds for kind in ("quarter", "half_year", "trimester"))
    note = ""
    if wants_terms and not any(t.kind in kinds for t in year.terms):
        note = "В учебном году нет четвертей и полугодий: проверки в конце периодов не созданы."
    if "year" in rule.term_kinds:
        ends.append((KIND_ORDER["year"], "year", "учебный год", year.ends_on, None))
    by_day: dict[date, list] = {}
    for end in sorted(ends, key=lambda e: (e[3], e[0])):
        by_day.setdefault(end[3] + timedelta(days=rule.offset_days), []).append(end)
    dues = [
        Due(
            f"{year.key}:end:{group[0][1]}",
            ", ".join(end[2] for end in group),
            day,
            tuple(end[4] for end in group if end[4] is not None),
        )
        for day, group in sorted(by_day.items())
    ]
    return Schedule(tuple(dues), note)


def schedule(rule: Rule, year: YearSpan) -> Schedule:
    """Every date the rule gives in the school year."""
    if rule.kind == "monthly":
        return Schedule(tuple(monthly(rule, year)))
    if rule.kind == "term_end":
        return term_ends(rule, year)
    if rule.kind == "dates":
        days = sorted({day for day in rule.dates if year.starts_on <= day <= year.ends_on})
        return Schedule(
            tuple(Due(f"{year.key}:date:{day.isoformat()}", f"{day:%d.%m.%Y}", day) for day in days)
        )
    if rule.kind == "once":
        if rule.once_on and year.starts_on <= rule.once_on <= year.ends_on:
            return Schedule((Due(f"{year.key}:once", f"{rule.once_on:%d.%m.%Y}", rule.once_on),))
        return Schedule(())
    raise ValueError(f"unknown rule {rule.kind!r}")
