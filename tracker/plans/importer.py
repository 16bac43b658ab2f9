"""Turning a plan-schedule text into phases and tasks, through the two phrase parsers."""

from dataclasses import dataclass

from sqlalchemy import select

from tracker.accounts.models import Person, School
from tracker.audit import services as audit
from tracker.extensions import db
from tracker.plans.files import rows_of, text_rows
from tracker.plans.models import Phase, Plan, Task
from tracker.plans.parsing import (
    Columns,
    ParsedItem,
    ParsedSection,
    PlanFormatError,
    parse_deadline,
    parse_plan_rows,
    parse_responsible,
)


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
    source = "\n".join("\t".join(cells) for _number, cells in rows)
    return import_plan_rows(school, rows, source, title, actor)


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
    existing = db.session.scalar(select(Plan.title).where(Plan.school_id == school.id).limit(1))
    if existing is not None:
        raise PlanFormatError(
            f"У школы уже есть план «{existing}»: второй план не был бы виден ни на одной "
            "странице. Повторный импорт с показом различий пока не сделан; измените задачи "
            "на странице плана."
        )
    parsed = parse_plan_rows(rows, columns)
    plan = Plan(school=school, title=(title or parsed.title)[:500], source_text=text)
    db.session.add(plan)
    by_code = {position.code: position for position in school.positions}
    aliases = position_aliases(school)
    tasks: list[Task] = []
    items = 0

    def add_item(phase: Phase, item: ParsedItem) -> None:
        nonlocal items
        items += 1
        deadline = parse_deadline(item.deadline_text)
        responsible = parse_responsible(item.responsible_text, aliases)
        parts = [(None, item.title)] if not item.checks else list(enumerate(item.checks, start=1))
        for sub_number, title_text in parts:
            task = Task(
                plan=plan,
                phase=phase,
                number=item.number,
                sub_number=sub_number,
                sort_order=len(tasks) + 1,
                title=title_text,
                deadline_text=item.deadline_text,
                starts_on=deadline.starts_on,
                due_on=deadline.due_on,
                recurrence=deadline.recurrence,
                responsible_text=item.responsible_text,
                responsible_unmatched=", ".join(responsible.unmatched),
                responsible_external=", ".join(responsible.external),
                expected_result=item.result_text,
                positions=[by_code[code] for code in responsible.position_codes if code in by_code],
            )
            db.session.add(task)
            tasks.append(task)

    def add_section(section: ParsedSection, order: int, parent: Phase | None) -> None:
        phase = Phase(plan=plan, parent=parent, title=section.title, sort_order=order)
        db.session.add(phase)
        for item in section.items:
            add_item(phase, item)
        for sub_order, child in enumerate(section.sections, start=1):
            add_section(child, sub_order, phase)

    for order, section in enumerate(parsed.sections, start=1):
        add_section(section, order, None)
    db.session.flush()
    audit.record(
        "plan.import",
        "plan",
        plan.id,
        school_id=school.id,
        actor=actor,
        changes={"items": [None, items], "tasks": [None, len(tasks)]},
    )
    return ImportResult(plan=plan, items=items, tasks=tasks)
