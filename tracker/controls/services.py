"""The school calendar, the control checks and their occurrences, and recorded results.

Occurrences are generated from each check's rule over the school's own calendar, idempotently:
an open occurrence follows its rule and its term (re-dated, or removed when its date is gone);
a done one is never moved or removed. Every change is audited; services flush, never commit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from tracker import urls
from tracker.accounts import notices
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Position, School
from tracker.audit import services as audit
from tracker.config import SEEDS
from tracker.controls import calendar_text, rules, work
from tracker.controls.models import (
    YEAR_END,
    AcademicYear,
    Attachment,
    ControlCheck,
    Finding,
    Holiday,
    Occurrence,
    Recommendation,
    RuleKind,
    Term,
    TermKind,
)
from tracker.errors import DomainError, check_fresh
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.files import document_rows
from tracker.plans.models import Task
from tracker.plans.parsing import PlanFormatError
from tracker.plans.uploads import Upload, check_upload, store_upload
from tracker.queue import crontab, periodic
from tracker.types import ru_date, today_in

MAX_YEAR_DAYS = 400


# --- the school calendar ---


def years_of(school: School) -> list[AcademicYear]:
    return list(
        db.session.scalars(
            select(AcademicYear)
            .where(AcademicYear.school_id == school.id)
            .order_by(AcademicYear.starts_on)
            .options(selectinload(AcademicYear.terms), selectinload(AcademicYear.holidays))
        )
    )


def year_of(
    school: School, day: date, years: list[AcademicYear] | None = None
) -> AcademicYear | None:
    """The school year `day` falls in; in the summer, the one that starts next (`years`: the
    school's years, when the caller has them)."""
    years = years_of(school) if years is None else years
    for year in years:
        if year.contains(day):
            return year
    return next((year for year in years if year.starts_on > day), None)


def current_and_next(school: School, today: date) -> list[AcademicYear]:
    years = years_of(school)
    current = year_of(school, today, years)
    if current is None:
        return []
    index = years.index(current)
    return years[index : index + 2]


def _check_span(starts_on: date, ends_on: date, what: str, field: str = "ends_on") -> None:
    if ends_on < starts_on:
        raise DomainError(
            _("%(what)s не может закончиться раньше, чем начнётся", what=what), field=field
        )


def create_year(
    school: School, actor: Person | None, starts_on: date, ends_on: date
) -> AcademicYear:
    _check_span(starts_on, ends_on, _("Учебный год"))
    if (ends_on - starts_on).days > MAX_YEAR_DAYS:
        raise DomainError(_("Учебный год длиннее 400 дней"), field="ends_on")
    for other in years_of(school):
        if starts_on <= other.ends_on and other.starts_on <= ends_on:
            raise DomainError(
                _("Пересекается с учебным годом %(title)s", title=other.title), field="starts_on"
            )
    year = AcademicYear(school=school, starts_on=starts_on, ends_on=ends_on)
    db.session.add(year)
    db.session.flush()
    audit.record_new(
        "calendar.year",
        "year",
        year.id,
        school.id,
        actor,
        period=f"{ru_date(starts_on)}–{ru_date(ends_on)}",
    )
    return year


TERMS_IN_YEAR: dict[str, int] = {TermKind.QUARTER: 4, TermKind.HALF_YEAR: 2, TermKind.TRIMESTER: 3}
# A year is divided into quarters or into trimesters, never both.
_EXCLUSIVE: dict[str, str] = {
    TermKind.QUARTER: TermKind.TRIMESTER,
    TermKind.TRIMESTER: TermKind.QUARTER,
}


def _term_word(kind: str) -> str:
    return {
        TermKind.QUARTER: _("Четверть"),
        TermKind.HALF_YEAR: _("Полугодие"),
        TermKind.TRIMESTER: _("Триместр"),
    }[TermKind(kind)]


def _check_term(year: AcademicYear, kind: str, starts_on: date, ends_on: date, term=None) -> None:
    what = _term_word(kind)
    if kind in _EXCLUSIVE and any(other.kind == _EXCLUSIVE[kind] for other in year.terms):
        raise DomainError(
            _("В учебном году уже есть четверти: триместры и четверти вместе не бывают")
            if kind == TermKind.TRIMESTER
            else _("В учебном году уже есть триместры: триместры и четверти вместе не бывают"),
            field="starts_on",
        )
    _check_span(starts_on, ends_on, what)
    if not (year.starts_on <= starts_on and ends_on <= year.ends_on):
        raise DomainError(
            _(
                "%(what)s выходит за учебный год (%(start)s–%(end)s)",
                what=what,
                start=ru_date(year.starts_on),
                end=ru_date(year.ends_on),
            ),
            field="starts_on",
        )
    for other in year.terms:
        if other is term or other.kind != kind:
            continue
        if starts_on <= other.ends_on and other.starts_on <= ends_on:
            raise DomainError(
                _("Пересекается с периодом «%(title)s»", title=other.title), field="starts_on"
            )
    if term is None and sum(1 for other in year.terms if other.kind == kind) >= TERMS_IN_YEAR[kind]:
        raise DomainError(
            _(
                "В учебном году не больше %(count)d: %(what)s",
                count=TERMS_IN_YEAR[kind],
                what={
                    TermKind.QUARTER: _("четверти 1–4"),
                    TermKind.HALF_YEAR: _("полугодия 1–2"),
                    TermKind.TRIMESTER: _("триместры 1–3"),
                }[TermKind(kind)],
            ),
            field="starts_on",
        )
    for holiday in year.holidays:
        _check_not_in_holiday(starts_on, ends_on, holiday.title, holiday.starts_on, holiday.ends_on)


def _check_not_in_holiday(
    starts_on: date, ends_on: date, title: str, holiday_starts: date, holiday_ends: date
) -> None:
    """A term begins and ends on school days: neither its first nor its last day falls in a
    holiday (a holiday inside a term, as first-graders' February week, is fine)."""
    for day, name in ((starts_on, "starts_on"), (ends_on, "ends_on")):
        if holiday_starts <= day <= holiday_ends:
            raise DomainError(
                _(
                    "%(day)s — это каникулы «%(title)s» (%(start)s–%(end)s): четверть и "
                    "полугодие начинаются и заканчиваются в учебные дни",
                    day=ru_date(day),
                    title=title,
                    start=ru_date(holiday_starts),
                    end=ru_date(holiday_ends),
                ),
                field=name,
            )


def add_term(
    year: AcademicYear, actor: Person | None, kind: str, starts_on: date, ends_on: date
) -> Term:
    if kind not in {k.value for k in TermKind}:
        raise DomainError(_("Неизвестный вид периода"), field="kind")
    _check_term(year, kind, starts_on, ends_on)
    number = 1 + sum(1 for term in year.terms if term.kind == kind)
    term = Term(year=year, kind=kind, number=number, starts_on=starts_on, ends_on=ends_on)
    db.session.add(term)
    db.session.flush()
    _renumber(year, kind)
    audit.record_new(
        "calendar.term",
        "year",
        year.id,
        year.school_id,
        actor,
        term=term.title,
        period=f"{ru_date(starts_on)}–{ru_date(ends_on)}",
    )
    return term


def _renumber(year: AcademicYear, kind: str) -> None:
    """Terms of a kind are numbered in date order (1 четверть is the earliest)."""
    db.session.expire(year, ["terms"])
    ordered = sorted((t for t in year.terms if t.kind == kind), key=lambda t: t.starts_on)
    for offset, term in enumerate(ordered):
        term.number = 1000 + offset  # out of the way of the unique (year, kind, number)
    db.session.flush()
    for number, term in enumerate(ordered, start=1):
        term.number = number
    db.session.flush()


def update_term(
    term: Term, actor: Person, starts_on: date, ends_on: date, today: date
) -> GenerateReport:
    """Move a term: the open occurrences tied to its end move with it; done ones stay."""
    _check_term(term.year, term.kind, starts_on, ends_on, term)
    before = f"{ru_date(term.starts_on)}–{ru_date(term.ends_on)}"
    term.starts_on, term.ends_on = starts_on, ends_on
    db.session.flush()
    _renumber(term.year, term.kind)
    audit.record_new(
        "calendar.term.move",
        "year",
        term.year_id,
        term.year.school_id,
        actor,
        term=term.title,
        before=before,
        after=f"{ru_date(starts_on)}–{ru_date(ends_on)}",
    )
    return generate(term.year.school, actor, today, years=[term.year])


def delete_term(term: Term, actor: Person, today: date) -> GenerateReport:
    """Remove a term: its open occurrences go, the done ones are kept (marked as orphaned)."""
    year, title = term.year, term.title
    db.session.delete(term)
    db.session.flush()
    _renumber(year, term.kind)
    audit.record_new("calendar.term.delete", "year", year.id, year.school_id, actor, term=title)
    return generate(year.school, actor, today, years=[year])


def add_holiday(
    year: AcademicYear, actor: Person, title: str, starts_on: date, ends_on: date, today: date
) -> Holiday:
    _check_span(starts_on, ends_on, _("Каникулы"))
    if not (year.starts_on <= starts_on and ends_on <= year.ends_on):
        raise DomainError(
            _(
                "Каникулы вне учебного года (%(start)s–%(end)s)",
                start=ru_date(year.starts_on),
                end=ru_date(year.ends_on),
            ),
            field="starts_on",
        )
    title = " ".join((title or "").split())[:200] or _("Каникулы")
    for term in year.terms:
        _check_not_in_holiday(term.starts_on, term.ends_on, title, starts_on, ends_on)
    holiday = Holiday(year=year, title=title, starts_on=starts_on, ends_on=ends_on)
    db.session.add(holiday)
    db.session.flush()
    audit.record_new(
        "calendar.holiday",
        "year",
        year.id,
        year.school_id,
        actor,
        holiday=title,
        period=f"{ru_date(starts_on)}–{ru_date(ends_on)}",
    )
    generate(year.school, actor, today, years=[year])
    return holiday


def delete_holiday(holiday: Holiday, actor: Person, today: date) -> None:
    year = holiday.year
    db.session.delete(holiday)
    db.session.flush()
    db.session.expire(year, ["holidays"])
    audit.record_new(
        "calendar.holiday.delete", "year", year.id, year.school_id, actor, holiday=holiday.title
    )
    generate(year.school, actor, today, years=[year])


def load_calendar(school: School, path: Path) -> int:
    """The seed school's calendar from `seeds/calendar.toml`; years already there are kept."""
    with path.open("rb") as file:
        spec = tomllib.load(file)
    existing = {year.starts_on for year in years_of(school)}
    created = 0
    for item in spec.get("year", []):
        if item["starts_on"] in existing:
            continue
        year = create_year(school, None, item["starts_on"], item["ends_on"])
        for kind, key in (
            (TermKind.QUARTER, "quarters"),
            (TermKind.HALF_YEAR, "half_years"),
            (TermKind.TRIMESTER, "trimesters"),
        ):
            for starts_on, ends_on in item.get(key, []):
                add_term(year, None, kind, starts_on, ends_on)
        for title, starts_on, ends_on in item.get("holidays", []):
            _check_span(starts_on, ends_on, title)
            db.session.add(Holiday(year=year, title=title, starts_on=starts_on, ends_on=ends_on))
        db.session.flush()
        created += 1
    return created


# --- control checks from the plan ---


@dataclass
class TaskChecks:
    """Where a recurring item of the plan stands in its check's schedule."""

    check: ControlCheck
    next: Occurrence | None  # the earliest not yet done, overdue ones first
    last_done: Occurrence | None
    overdue: int
    done: int


def checks_of_task(task: Task, today: date) -> TaskChecks | None:
    """The check a recurring item of the plan stands for, and its schedule as of today; None
    for an item without one. Two queries."""
    check = db.session.scalar(select(ControlCheck).where(ControlCheck.task_id == task.id))
    if check is None:
        return None
    occurrences = list(
        db.session.scalars(
            select(Occurrence)
            .where(Occurrence.check_id == check.id, Occurrence.is_orphan.is_(False))
            .order_by(Occurrence.due_on)
        )
    )
    open_ones = [o for o in occurrences if not o.is_done]
    done = [o for o in occurrences if o.is_done]
    return TaskChecks(
        check=check,
        next=open_ones[0] if open_ones else None,
        last_done=max(done, key=lambda o: (o.checked_on or o.due_on, o.id)) if done else None,
        overdue=sum(1 for o in open_ones if o.due_on < today),
        done=len(done),
    )


def checks_of(school: School) -> list[ControlCheck]:
    return list(
        db.session.scalars(
            select(ControlCheck)
            .where(ControlCheck.school_id == school.id)
            .order_by(ControlCheck.sort_order, ControlCheck.id)
            .options(selectinload(ControlCheck.position))
        )
    )


def load_checks(school: School, path: Path) -> int:
    """A check for each recurring control item of the school's plan (once per item), with the
    rule its deadline phrase maps to and the criteria of `seeds/controls.toml`."""
    with path.open("rb") as file:
        spec = tomllib.load(file)
    plan = plans.school_plan(school)
    if plan is None:
        return 0
    linked = {check.task_id for check in checks_of(school)}
    created = 0
    for task in plans.plan_tasks(plan):
        mapping = spec["rules"].get(task.recurrence or "")
        if mapping is None or task.id in linked:
            continue
        criteria = next(
            (c["criteria"] for c in spec.get("check", []) if task.title.startswith(c["task"])),
            [task.title],
        )
        check = ControlCheck(
            school=school,
            task_id=task.id,
            title=task.title,
            position=task.positions[0] if task.positions else None,
            criteria=list(criteria),
            rule=mapping["rule"],
            term_kinds=list(mapping.get("term_kinds", [])),
            sort_order=task.sort_order,
        )
        db.session.add(check)
        created += 1
    db.session.flush()
    return created


def checks_for_plan(school: School, actor: Person | None, today: date) -> int:
    """After a plan is imported (or a new edition applied): a check for each of its recurring
    control items that has none yet (`load_checks`, the rules and criteria of
    `seeds/controls.toml`), and their occurrences in the school's calendar. Returns how many
    checks were made."""
    created = load_checks(school, SEEDS / "controls.toml")
    if created:
        generate(school, actor, today)
    return created


def rule_of(check: ControlCheck) -> rules.Rule:
    return rules.Rule(
        kind=check.rule,
        month_day=check.month_day,
        term_kinds=tuple(check.term_kinds or ()),
        offset_days=check.offset_days or 0,
        dates=tuple(date.fromisoformat(day) for day in check.dates or ()),
        once_on=check.once_on,
    )


def span_of(year: AcademicYear) -> rules.YearSpan:
    return rules.YearSpan(
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        terms=tuple(
            rules.TermSpan(t.id, t.kind, t.number, t.title, t.starts_on, t.ends_on)
            for t in year.terms
        ),
        holidays=tuple((h.starts_on, h.ends_on) for h in year.holidays),
    )


def update_rule(
    check: ControlCheck,
    actor: Person,
    *,
    rule: str,
    month_day: int | None,
    term_kinds: Sequence[str],
    offset_days: int,
    dates: Sequence[date],
    once_on: date | None,
    position: Position | None,
    criteria: Sequence[str],
    today: date,
    expected_version: int | None,
) -> GenerateReport:
    """The deputy changes a check's rule, responsible or criteria; occurrences follow."""
    check_fresh(check, expected_version)
    if rule not in {kind.value for kind in RuleKind}:
        raise DomainError(_("Неизвестное правило"), field="rule")
    if rule == RuleKind.MONTHLY and month_day is not None and not 1 <= month_day <= 31:
        raise DomainError(_("День месяца — от 1 до 31"), field="month_day")
    kinds = [kind for kind in term_kinds if kind in {*TermKind, YEAR_END}]
    if rule == RuleKind.TERM_END and not kinds:
        raise DomainError(_("Отметьте хотя бы один период"), field="term_kinds")
    if not -60 <= offset_days <= 60:
        raise DomainError(_("Сдвиг — от −60 до 60 дней"), field="offset_days")
    if rule == RuleKind.DATES and not dates:
        raise DomainError(_("Укажите хотя бы одну дату"), field="dates")
    if rule == RuleKind.ONCE and once_on is None:
        raise DomainError(_("Укажите дату"), field="once_on")
    if position is not None and position.school_id != check.school_id:
        raise DomainError(_("Должность из другой школы"), field="position")
    criteria = [" ".join(c.split())[:500] for c in criteria if c.strip()][:50]
    if not criteria:
        raise DomainError(_("Нужен хотя бы один критерий"), field="criteria")
    check.rule = RuleKind(rule)
    check.month_day = month_day if rule == RuleKind.MONTHLY else None
    check.term_kinds = kinds if rule == RuleKind.TERM_END else []
    check.offset_days = offset_days if rule == RuleKind.TERM_END else 0
    check.dates = sorted({day.isoformat() for day in dates}) if rule == RuleKind.DATES else []
    check.once_on = once_on if rule == RuleKind.ONCE else None
    check.position = position
    check.criteria = criteria
    db.session.flush()
    audit.record_new(
        "control.rule",
        "control_check",
        check.id,
        check.school_id,
        actor,
        rule=rule,
        month_day=check.month_day,
        term_kinds=check.term_kinds,
        offset_days=check.offset_days,
        dates=check.dates,
        once_on=check.once_on.isoformat() if check.once_on else None,
        position=position.title if position else None,
        criteria=criteria,
    )
    return generate(check.school, actor, today, checks=[check])


# --- occurrences ---


@dataclass
class GenerateReport:
    created: int = 0
    moved: int = 0
    removed: int = 0
    kept_done: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: GenerateReport) -> None:
        self.created += other.created
        self.moved += other.moved
        self.removed += other.removed
        self.kept_done += other.kept_done
        self.notes.extend(note for note in other.notes if note not in self.notes)


@dataclass
class CalendarImport:
    """A pasted calendar schedule saved: the year, what generation did, what was left out."""

    year: AcademicYear
    report: GenerateReport
    skipped: list[str]


MAX_CALENDAR_FILE = 1024 * 1024


def calendar_file_text(filename: str, content: bytes) -> str:
    """A calendar schedule's file (Word, Excel, CSV or text) as the text `import_calendar`
    reads, for the director to check before saving."""
    if not content:
        raise DomainError(_("Файл пустой"), field="file")
    if len(content) > MAX_CALENDAR_FILE:
        raise DomainError(_("Файл больше 1 МБ"), field="file")
    try:
        return calendar_text.rows_text(document_rows(filename, content))
    except PlanFormatError as error:
        raise DomainError(str(error), field="file") from None


def next_year_proposal(year: AcademicYear) -> str:
    """The school year after `year`, proposed from it (`calendar_text.next_year_text`)."""
    return calendar_text.next_year_text(
        year.starts_on,
        year.ends_on,
        [(term.kind, term.number, term.starts_on, term.ends_on) for term in year.terms],
        [(holiday.title, holiday.starts_on, holiday.ends_on) for holiday in year.holidays],
    )


def import_calendar(school: School, actor: Person, text: str, today: date) -> CalendarImport:
    """Save a pasted calendar schedule (`calendar_text.parse_calendar`) as one school year with
    its terms and holidays, in one piece (any refusal writes nothing), then the checks. Lines
    not understood and holidays outside the year (the summer) are left out and listed."""
    parsed = calendar_text.parse_calendar(text)
    fatal = [message for line, message in parsed.problems if line == 0]
    span = parsed.span
    if fatal or span is None:
        raise DomainError(
            fatal[0] if fatal else _("Не удалось понять начало и конец учебного года"),
            field="text",
        )
    skipped = [_("Строка %(n)d: %(why)s", n=line, why=why) for line, why in parsed.problems]
    year = create_year(school, actor, span.starts_on, span.ends_on)
    for kind, _number, term in sorted(parsed.terms, key=lambda t: (t[0], t[2].starts_on)):
        add_term(year, actor, kind, term.starts_on, term.ends_on)
    for title, holiday in parsed.holidays:
        if not (span.starts_on <= holiday.starts_on and holiday.ends_on <= span.ends_on):
            skipped.append(
                _(
                    "%(title)s (%(start)s–%(end)s) вне учебного года и не внесены",
                    title=title,
                    start=ru_date(holiday.starts_on),
                    end=ru_date(holiday.ends_on),
                )
            )
            continue
        add_holiday(year, actor, title, holiday.starts_on, holiday.ends_on, today)
    return CalendarImport(year, generate(school, actor, today, years=[year]), skipped)


@periodic(crontab(minute="30", hour="1"))
def generate_everywhere() -> None:
    """Every night: each school's checks for its current and next school year, so a year entered
    in the calendar (or a school year that has just begun) has its occurrences without anyone
    pressing a button. Idempotent: what exists is kept."""
    accounts.each_school(
        lambda school: generate(school, None, today_in(school.timezone)), "generation"
    )


def generate(
    school: School,
    actor: Person | None,
    today: date,
    *,
    years: Sequence[AcademicYear] | None = None,
    checks: Sequence[ControlCheck] | None = None,
) -> GenerateReport:
    """Bring the occurrences of the given years (the current and next by default) in line with
    the checks' rules: create what is missing, re-date or remove open ones, keep done ones."""
    years = list(years) if years is not None else current_and_next(school, today)
    checks = list(checks) if checks is not None else checks_of(school)
    report = GenerateReport()
    if not years:
        report.notes.append(
            _("В календаре школы нет текущего учебного года: добавьте его в календарь школы.")
        )
    existing: dict[tuple[int, int | None], dict[str, Occurrence]] = {}
    for occurrence in db.session.scalars(  # one query for every check and year, not one each
        select(Occurrence).where(
            Occurrence.check_id.in_([check.id for check in checks] or [0]),
            Occurrence.year_id.in_([year.id for year in years] or [0]),
        )
    ):
        key = (occurrence.check_id, occurrence.year_id)
        existing.setdefault(key, {})[occurrence.period_key] = occurrence
    for year in years:
        span = span_of(year)
        for check in checks:
            report.add(_sync(check, year, span, existing.get((check.id, year.id), {})))
    db.session.flush()
    for check in checks:
        db.session.expire(check, ["occurrences"])
    loaded = work.load_objects(school)
    for check in checks:
        work.sync_task(check, loaded)
    if report.created or report.moved or report.removed:
        audit.record_new(
            "control.generate",
            "school",
            school.id,
            school.id,
            actor,
            years=[year.title for year in years],
            created=report.created,
            moved=report.moved,
            removed=report.removed,
        )
    return report


def _sync(
    check: ControlCheck,
    year: AcademicYear,
    span: rules.YearSpan,
    existing: dict[str, Occurrence],
) -> GenerateReport:
    report = GenerateReport()
    planned = rules.schedule(rule_of(check), span)
    if planned.note:
        report.notes.append(planned.note)
    wanted = {due.period_key: due for due in planned.dues}
    for key, due in wanted.items():
        occurrence = existing.get(key)
        if occurrence is None:
            db.session.add(
                Occurrence(
                    check=check,
                    year_id=year.id,
                    period_key=key,
                    label=due.label,
                    due_on=due.due_on,
                    term_ids=list(due.term_ids),
                )
            )
            report.created += 1
        elif occurrence.is_done:
            occurrence.is_orphan = False
        elif (occurrence.due_on, occurrence.label, occurrence.term_ids) != (
            due.due_on,
            due.label,
            list(due.term_ids),
        ):
            occurrence.due_on, occurrence.label = due.due_on, due.label
            occurrence.term_ids = list(due.term_ids)
            occurrence.is_orphan = False
            report.moved += 1
    for key, occurrence in existing.items():
        if key in wanted:
            continue
        if occurrence.is_done:
            occurrence.is_orphan = True
            report.kept_done += 1
        else:
            db.session.delete(occurrence)
            report.removed += 1
    return report


def occurrences_of(school: School, year: AcademicYear) -> list[Occurrence]:
    return list(
        db.session.scalars(
            select(Occurrence)
            .join(ControlCheck, ControlCheck.id == Occurrence.check_id)
            .where(ControlCheck.school_id == school.id, Occurrence.year_id == year.id)
            .order_by(Occurrence.due_on)
        )
    )


@dataclass(frozen=True)
class Grid:
    year: AcademicYear
    months: list[tuple[int, int]]
    rows: list[tuple[ControlCheck, dict[tuple[int, int], list[Occurrence]]]]


def grid(school: School, year: AcademicYear) -> Grid:
    """Checks × months of the school year, each cell the occurrences due that month."""
    months = rules.months_of(span_of(year))
    cells: dict[int, dict[tuple[int, int], list[Occurrence]]] = {}
    for occurrence in occurrences_of(school, year):
        month = (occurrence.due_on.year, occurrence.due_on.month)
        cells.setdefault(occurrence.check_id, {}).setdefault(month, []).append(occurrence)
    extra = sorted({m for row in cells.values() for m in row} - set(months))
    return Grid(
        year,
        sorted(months + extra),
        [(check, cells.get(check.id, {})) for check in checks_of(school)],
    )


# --- recording a result ---


@dataclass(frozen=True)
class FindingInput:
    criterion: str
    violations: int
    comment: str = ""


@dataclass(frozen=True)
class RecommendationInput:
    text: str
    person: Person | None
    due_on: date | None


def record_result(
    occurrence: Occurrence,
    actor: Person,
    *,
    checked_on: date,
    objects: str,
    findings: Sequence[FindingInput],
    conclusion: str,
    recommendations: Sequence[RecommendationInput],
    without_recommendations: bool,
    today: date,
    uploads: Sequence[Upload] = (),
    expected_version: int | None,
) -> None:
    """Record who checked, when, what was found per criterion, the conclusion and the
    recommendations (each a follow-up task of the plan for the person named)."""
    check_fresh(occurrence, expected_version)
    if occurrence.is_done:
        raise DomainError(_("Результат этой проверки уже записан"))
    _check_result(checked_on, objects, conclusion, findings, today)
    recommendations = [r for r in recommendations if r.text.strip()]
    for recommendation in recommendations:
        if recommendation.person is None:
            raise DomainError(_("Укажите, кому адресована рекомендация"), field="recommendations")
        if recommendation.person.school_id != occurrence.check.school_id:
            raise DomainError(_("Сотрудник из другой школы"), field="recommendations")
        if recommendation.due_on is None or recommendation.due_on < checked_on:
            raise DomainError(
                _("Срок рекомендации — не раньше даты проверки"), field="recommendations"
            )
    for upload in uploads:  # every file checked before anything is written
        check_upload(upload)
    violations = sum(finding.violations for finding in findings)
    if violations and not recommendations and not without_recommendations:
        raise DomainError(
            _(
                "Найдено нарушений: %(count)d, а рекомендаций нет. Если так и задумано, "
                "отметьте «Без рекомендаций» и сохраните ещё раз.",
                count=violations,
            ),
            field="without_recommendations",
        )
    occurrence.is_done = True
    occurrence.checked_by = actor
    occurrence.checked_on = checked_on
    occurrence.objects = " ".join((objects or "").split())[:2000]
    occurrence.conclusion = (conclusion or "").strip()[:10000]
    occurrence.recorded_at = datetime.now().astimezone()
    for finding in findings:
        occurrence.findings.append(
            Finding(
                criterion=finding.criterion[:500],
                violations=finding.violations,
                comment=(finding.comment or "").strip()[:2000],
            )
        )
    for upload in uploads:
        key, name = store_upload(upload)
        occurrence.attachments.append(
            Attachment(file_name=name, file_key=key, uploaded_by_id=actor.id)
        )
    db.session.flush()
    for recommendation in recommendations:
        task = _follow_up(occurrence, actor, recommendation)
        occurrence.recommendations.append(
            Recommendation(
                text=recommendation.text.strip()[:2000],
                person=recommendation.person,
                due_on=recommendation.due_on,
                task_id=task.id if task else None,
            )
        )
    db.session.flush()
    audit.record_new(
        "control.result",
        "control_check",
        occurrence.check_id,
        occurrence.check.school_id,
        actor,
        occurrence=f"{occurrence.label} ({ru_date(occurrence.due_on)})",
        checked_on=ru_date(checked_on),
        violations=violations,
        recommendations=len(recommendations),
    )
    work.sync_task(occurrence.check)


def _check_result(
    checked_on: date,
    objects: str,
    conclusion: str,
    findings: Sequence[FindingInput],
    today: date,
) -> None:
    """What a result needs, recorded or corrected: who checked what, and a conclusion."""
    if checked_on > today:
        raise DomainError(_("Дата проверки не может быть позже сегодняшней"), field="checked_on")
    if not (objects or "").strip():
        raise DomainError(
            _("Укажите, что проверено: классы, учителя или «весь журнал»"), field="objects"
        )
    if not (conclusion or "").strip():
        raise DomainError(
            _("Запишите выводы: без них справка по итогам проверки не подписывается"),
            field="conclusion",
        )
    for finding in findings:
        if finding.violations < 0:
            raise DomainError(_("Число нарушений не может быть отрицательным"), field="findings")
        if finding.violations > 100000:
            raise DomainError(_("Слишком большое число нарушений"), field="findings")


def may_correct(actor: Person, occurrence: Occurrence) -> bool:
    """A recorded result is corrected by whoever recorded it, or by the director."""
    return (
        occurrence.is_done
        and actor.school_id == occurrence.check.school_id
        and (actor.is_manager or actor.id == occurrence.checked_by_id)
    )


def correct_result(
    occurrence: Occurrence,
    actor: Person,
    *,
    checked_on: date,
    objects: str,
    conclusion: str,
    violations: Sequence[int],
    reason: str,
    today: date,
    expected_version: int | None,
) -> bool:
    """Correct a recorded result (its date, what was checked, the conclusion, the violations per
    criterion), with the reason; the before and after go to the check's history. Returns whether
    anything changed. Recommendations already became tasks and are changed there."""
    check_fresh(occurrence, expected_version)
    if not may_correct(actor, occurrence):
        raise DomainError(_("Исправить результат может тот, кто его записал, или директор"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Укажите причину исправления"), field="reason")
    findings = [
        FindingInput(finding.criterion, count, finding.comment)
        for finding, count in zip(occurrence.findings, violations, strict=True)
    ]
    _check_result(checked_on, objects, conclusion, findings, today)
    before = {
        "checked_on": ru_date(occurrence.checked_on) if occurrence.checked_on else None,
        "objects": occurrence.objects,
        "conclusion": occurrence.conclusion,
        "violations": [finding.violations for finding in occurrence.findings],
    }
    occurrence.checked_on = checked_on
    occurrence.objects = " ".join(objects.split())[:2000]
    occurrence.conclusion = conclusion.strip()[:10000]
    for finding, count in zip(occurrence.findings, violations, strict=True):
        finding.violations = count
    after = {
        "checked_on": ru_date(checked_on),
        "objects": occurrence.objects,
        "conclusion": occurrence.conclusion,
        "violations": list(violations),
    }
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return False
    # The findings are rows of their own: the occurrence's version moves with them too, so a
    # second correction made from the same form is refused as stale.
    flag_modified(occurrence, "objects")
    db.session.flush()
    audit.record(
        "control.result.correct",
        "control_occurrence",
        occurrence.id,
        school_id=occurrence.check.school_id,
        actor=actor,
        changes={
            "occurrence": [None, f"{occurrence.label} ({ru_date(occurrence.due_on)})"],
            "reason": [None, reason[:500]],
            **changes,
        },
    )
    work.sync_task(occurrence.check)
    return True


def _follow_up(occurrence: Occurrence, actor: Person, recommendation: RecommendationInput):
    """The recommendation as a task of the plan, in the phase of the check's own item."""
    check = occurrence.check
    plan = plans.school_plan(check.school)
    if plan is None:
        return None
    person, due_on = recommendation.person, recommendation.due_on
    if person is None or due_on is None:  # record_result refuses such a recommendation first
        raise ValueError("a recommendation without its person or its date")
    source = db.session.get(Task, check.task_id) if check.task_id else None
    phase = source.phase if source else plans.plan_phases(plan)[-1]
    title = _(
        "По итогам проверки «%(check)s» (%(label)s): %(text)s",
        check=check.title[:120],
        label=occurrence.label,
        text=recommendation.text.strip()[:600],
    )
    task = plans.create_task(
        plan,
        phase,
        actor,
        title=title,
        due_on=due_on,
        assignees=[person],
    )
    if person.id != actor.id:
        _tell_recommended(person, actor, occurrence, recommendation.text, task, due_on)
    return task


def _tell_recommended(
    person: Person, actor: Person, occurrence: Occurrence, text: str, task: Task, due_on: date
) -> None:
    """The person named in a recommendation is told it is now their task, in their language."""
    with notices.in_language(person):
        notices.notify(
            person,
            "recommendation",
            _("Рекомендация по итогам проверки"),
            _(
                "%(actor)s по итогам проверки «%(check)s» (%(label)s) рекомендует: %(text)s\n\n"
                "Это ваша задача плана со сроком до %(due)s.",
                actor=actor.full_name,
                check=occurrence.check.title,
                label=occurrence.label,
                text=text.strip(),
                due=ru_date(due_on),
            ),
            urls.external_url("plans.task", task_id=task.id),
        )


def recommendation_tasks(occurrence: Occurrence) -> dict[int, Task]:
    """The plan's tasks the occurrence's recommendations became, by id: whether each is done."""
    ids = [r.task_id for r in occurrence.recommendations if r.task_id]
    if not ids:
        return {}
    return {task.id: task for task in db.session.scalars(select(Task).where(Task.id.in_(ids)))}


def recommendation_of(task: Task) -> Recommendation | None:
    """The check's recommendation a task of the plan came from, if it did."""
    return db.session.scalar(
        select(Recommendation)
        .where(Recommendation.task_id == task.id)
        .options(selectinload(Recommendation.occurrence).selectinload(Occurrence.check))
    )


def trend(check: ControlCheck) -> list[tuple[str, int]]:
    """Violations per term (quarters of the school years), oldest first, for the check's chart."""
    terms: dict[int, Term] = {}
    for year in years_of(check.school):
        for term in year.terms:
            if term.kind in (TermKind.QUARTER, TermKind.TRIMESTER):
                terms[term.id] = term
    totals: dict[int, int] = {}
    for occurrence in check.occurrences:
        if not occurrence.is_done:
            continue
        inside = [t for t in terms.values() if t.starts_on <= occurrence.due_on <= t.ends_on]
        after = sorted(
            (t for t in terms.values() if t.ends_on >= occurrence.due_on), key=lambda t: t.ends_on
        )
        nearest = next(iter(inside or after), None)
        if nearest is not None:
            totals[nearest.id] = totals.get(nearest.id, 0) + occurrence.violations
    ordered = sorted(totals, key=lambda term_id: terms[term_id].starts_on)
    return [(f"{terms[i].title}, {terms[i].year.title}", totals[i]) for i in ordered]
