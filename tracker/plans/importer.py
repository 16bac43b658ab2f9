"""Turning a plan-schedule text into phases and tasks, through the two phrase parsers."""

from dataclasses import dataclass

from sqlalchemy import select

from tracker.accounts.models import Person, Position, School
from tracker.audit import services as audit
from tracker.extensions import db
from tracker.plans.files import rows_of, source_text, text_rows
from tracker.plans.models import Phase, Plan, Task
from tracker.plans.parsing import (
    Columns,
    Deadline,
    ParsedItem,
    ParsedPlan,
    ParsedSection,
    PlanFormatError,
    ResponsibleMatch,
    parse_deadline,
    parse_plan_rows,
    parse_responsible,
)
from tracker.plans.services import school_plan


@dataclass
class ImportResult:
    plan: Plan
    items: int
    tasks: list[Task]

    @property
    def needs_review(self) -> list[Task]:
        return [task for task in self.tasks if task.needs_review]


def position_aliases(school: School) -> dict[str, str]:
    """Every phrase that names a position of this school, mapped to the position's code."""
    aliases: dict[str, str] = {}
    for position in school.positions:
        for phrase in [position.title, *(position.aliases or [])]:
            aliases.setdefault(phrase, position.code)
    return aliases


def import_plan(
    school: School, text: str, title: str | None = None, actor: Person | None = None
) -> ImportResult:
    """Create a plan from its text. Phrases no parser knows are kept and flagged, never dropped.

    Raises PlanFormatError (a ValueError with a Russian message) when the text holds no items.
    """
    return import_plan_rows(school, text_rows(text), text, title, actor)


def import_plan_file(
    school: School, filename: str, content: bytes, title: str | None = None, actor=None
) -> ImportResult:
    """Create a plan from a file: DOCX, XLSX, CSV or text (`files.rows_of`)."""
    rows = rows_of(filename, content)
    return import_plan_rows(school, rows, source_text(rows), title, actor)


@dataclass(frozen=True)
class PlannedTask:
    """A task as a plan's row gives it: where it sits (the titles of its phase and sub-phase),
    its number, title and what its deadline and responsible cells were read as. An item that
    packs several checks («- …; - …») gives one per check, numbered 1, 2, …"""

    phase: tuple[str, ...]
    number: str
    sub_number: int | None
    title: str
    item: ParsedItem
    deadline: Deadline
    responsible: ResponsibleMatch

    @property
    def display_number(self) -> str:
        """As `Task.display_number` prints it: «3» or «3.2» for a check packed into item 3."""
        return self.number if self.sub_number is None else f"{self.number}.{self.sub_number}"


def phase_paths(parsed: ParsedPlan) -> list[tuple[str, ...]]:
    """Every phase and sub-phase of the plan, in order, as the titles leading to it."""
    paths: list[tuple[str, ...]] = []

    def walk(section: ParsedSection, path: tuple[str, ...]) -> None:
        paths.append((*path, section.title))
        for child in section.sections:
            walk(child, (*path, section.title))

    for section in parsed.sections:
        walk(section, ())
    return paths


def planned_tasks(parsed: ParsedPlan, aliases: dict[str, str]) -> list[PlannedTask]:
    """Every task the plan's rows give, in order: what the import writes, the preview shows and
    a re-import compares (one reading for the three)."""
    planned: list[PlannedTask] = []

    def walk(section: ParsedSection, path: tuple[str, ...]) -> None:
        here = (*path, section.title)
        for item in section.items:
            deadline = parse_deadline(item.deadline_text, parsed.calendar_year)
            responsible = parse_responsible(item.responsible_text, aliases)
            parts = [(None, item.title)] if not item.checks else list(enumerate(item.checks, 1))
            for sub_number, title in parts:
                planned.append(
                    PlannedTask(here, item.number, sub_number, title, item, deadline, responsible)
                )
        for child in section.sections:
            walk(child, here)

    for section in parsed.sections:
        walk(section, ())
    return planned


def read_plan(
    school: School, rows: list[tuple[int, list[str]]], columns: Columns | None = None
) -> tuple[ParsedPlan, list[PlannedTask]]:
    """A plan's rows read as the school's tasks (its positions' aliases): the parsed plan and
    every task it gives."""
    parsed = parse_plan_rows(rows, columns)
    return parsed, planned_tasks(parsed, position_aliases(school))


def fill_task(task: Task, planned: PlannedTask, by_code: dict[str, Position]) -> None:
    """Write what the plan's row says onto a task (a new one, or one a re-import changes)."""
    item, deadline, responsible = planned.item, planned.deadline, planned.responsible
    task.number, task.sub_number, task.title = planned.number, planned.sub_number, planned.title
    task.deadline_text = item.deadline_text
    task.starts_on, task.due_on = deadline.starts_on, deadline.due_on
    task.recurrence = deadline.recurrence
    task.responsible_text = item.responsible_text
    task.responsible_unmatched = ", ".join(responsible.unmatched)
    task.responsible_external = ", ".join(responsible.external)
    task.expected_result = item.result_text
    task.positions = [by_code[code] for code in responsible.position_codes if code in by_code]


def phase_path(phase: Phase) -> tuple[str, ...]:
    """A phase as the titles leading to it: (phase,) or (phase, sub-phase)."""
    return (phase.parent.title, phase.title) if phase.parent else (phase.title,)


def phases_by_path(plan: Plan, parsed: ParsedPlan) -> dict[tuple[str, ...], Phase]:
    """The plan's phases for the parsed plan's phase paths: found by their titles, or added."""
    existing: dict[tuple[str, ...], Phase] = {}
    known: list[Phase] = (
        list(db.session.scalars(select(Phase).where(Phase.plan_id == plan.id))) if plan.id else []
    )
    for phase in known:
        existing.setdefault(phase_path(phase), phase)
    orders: dict[tuple[str, ...], int] = {}
    for path in phase_paths(parsed):
        if path in existing:
            continue
        parent = existing.get(path[:-1]) if len(path) > 1 else None
        siblings = [p for p in existing.values() if p.parent is parent]
        orders[path[:-1]] = orders.get(path[:-1], len(siblings)) + 1
        phase = Phase(plan=plan, parent=parent, title=path[-1], sort_order=orders[path[:-1]])
        db.session.add(phase)
        existing[path] = phase
    return existing


def import_plan_rows(
    school: School,
    rows: list[tuple[int, list[str]]],
    text: str,
    title: str | None = None,
    actor: Person | None = None,
    columns: Columns | None = None,
) -> ImportResult:
    """Create a plan from its table's rows; `text` is kept as the plan's source; `columns`
    when the director said which column is which."""
    existing = school_plan(school)
    if existing is not None:
        raise PlanFormatError(
            f"У школы уже есть план «{existing.title}»: загрузите новую редакцию на странице "
            "«Загрузить план-график» — различия будут показаны перед тем, как их применить."
        )
    parsed = parse_plan_rows(rows, columns)
    plan = Plan(school=school, title=(title or parsed.title)[:500], source_text=text)
    db.session.add(plan)
    by_code = {position.code: position for position in school.positions}
    phases = phases_by_path(plan, parsed)
    tasks: list[Task] = []
    planned = planned_tasks(parsed, position_aliases(school))
    for order, row in enumerate(planned, start=1):
        task = Task(plan=plan, phase=phases[row.phase], sort_order=order)
        fill_task(task, row, by_code)
        db.session.add(task)
        tasks.append(task)
    db.session.flush()
    items = len({id(row.item) for row in planned})
    audit.record(
        "plan.import",
        "plan",
        plan.id,
        school_id=school.id,
        actor=actor,
        changes={"items": [None, items], "tasks": [None, len(tasks)]},
    )
    return ImportResult(plan=plan, items=items, tasks=tasks)
