"""A plan imported on the web: the file uploaded as a draft, shown as a preview (every row as
the task it will become, what was not understood flagged, the columns as found from the header
and editable one by one), and written only when the director confirms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.accounts.models import Person, School
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans import reimport
from tracker.plans.files import Table, rows_of, source_text, tables_of
from tracker.plans.importer import ImportResult, import_plan_rows, read_plan
from tracker.plans.models import Plan, PlanDraft, window_of
from tracker.plans.parsing import (
    Columns,
    PlanFormatError,
    detect_columns,
    header_of,
)
from tracker.plans.services import school_plan

MAX_FILE = 5 * 1024 * 1024
# What a column of the table can be, as the preview's choices name it.
COLUMN_LABELS = {
    "": _l("не использовать"),
    "number": _l("№"),
    "title": _l("Мероприятие"),
    "deadline": _l("Сроки"),
    "start": _l("Дата начала"),
    "end": _l("Дата окончания"),
    "responsible": _l("Ответственный"),
    "result": _l("Результат"),
    "phase": _l("Этап (разделы плана)"),
    "q1": _l("I квартал (отметки)"),
    "q2": _l("II квартал (отметки)"),
    "q3": _l("III квартал (отметки)"),
    "q4": _l("IV квартал (отметки)"),
}
KINDS = tuple(kind for kind in COLUMN_LABELS if kind)


@dataclass
class PreviewRow:
    phase: str
    number: str
    title: str
    deadline: str
    when: str  # the window or recurrence understood, "" when not
    positions: list[str]
    unmatched: str
    result: str
    external: str = ""
    why: str = ""  # why the deadline was not understood, when the parser can say

    @property
    def flagged(self) -> bool:
        """A deadline not understood, a responsible phrase not found, or nobody at all."""
        return not self.when or bool(self.unmatched) or not self.positions


@dataclass
class Preview:
    header: list[tuple[int, str, str]] = field(default_factory=list)  # index, cell, column
    rows: list[PreviewRow] = field(default_factory=list)
    title: str = ""
    error: str = ""
    tables: list[Table] = field(default_factory=list)  # a Word document's tables to choose from
    table: int = 0  # the one shown
    plan: Plan | None = None  # the school's plan, when this is a new edition of it
    differences: reimport.Differences | None = None

    @property
    def flagged(self) -> int:
        return sum(row.flagged for row in self.rows)


def upload(school: School, person: Person, filename: str, content: bytes, title: str) -> PlanDraft:
    """Keep the file as a draft once it reads as a table; nothing of the plan is written. A
    school that has a plan gets a new edition of it: the preview shows the differences."""
    if not content:
        raise DomainError(_("Выберите файл плана"), field="file")
    if len(content) > MAX_FILE:
        raise DomainError(_("Файл больше 5 МБ"), field="file")
    try:
        rows_of(filename, content)
    except PlanFormatError as error:
        raise DomainError(str(error), field="file") from None
    draft = PlanDraft(
        school_id=school.id,
        person_id=person.id,
        filename=filename[-255:],
        content=content,
        title=" ".join((title or "").split())[:500],
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def _columns(draft: PlanDraft, cells: list[str]) -> Columns | None:
    """The columns as the director chose them, or None when she has not."""
    if not draft.columns:
        return None
    chosen = {kind: int(index) for kind, index in draft.columns.items() if kind in KINDS}
    found = detect_columns(cells)  # the grid's word and year, when its header names them
    return Columns.at(
        chosen,
        max(len(cells), 1 + max(chosen.values())),
        quarter_word=found.quarter_word if found else "квартал",
        quarter_year=found.quarter_year if found else None,
    )


def _read(draft: PlanDraft) -> tuple[list[tuple[int, list[str]]], list[str], bool, Columns | None]:
    """The draft's rows, the cells that name its columns, whether it has a header, and the
    columns she chose (None: as its header names them)."""
    rows = rows_of(draft.filename, draft.content, draft.table)
    cells, has_header = _table_cells(rows)
    return rows, cells, has_header, _columns(draft, cells)


def _table_cells(rows: list[tuple[int, list[str]]]) -> tuple[list[str], bool]:
    """The cells that name the columns: the header row's, or, in a table without one, as many
    empty ones as its widest row has (so every column can be chosen); whether it has a header."""
    header = header_of(rows)
    if header is not None:
        return header.cells, True
    return [""] * max((len(cells) for _number, cells in rows), default=0), False


def preview(draft: PlanDraft, school: School) -> Preview:
    """Every row as the task it will become, with the columns used (the same as `confirm`)."""
    rows, cells, has_header, chosen = _read(draft)
    columns = chosen or (detect_columns(cells) if has_header else None) or Columns()
    by_index = {index: kind for kind in KINDS if (index := getattr(columns, kind)) is not None}
    result = Preview(header=[(i, cell, by_index.get(i, "")) for i, cell in enumerate(cells)])
    result.tables, found = tables_of(draft.filename, draft.content)
    result.table = found if draft.table is None else draft.table
    try:
        parsed, planned = read_plan(school, rows, chosen)
    except PlanFormatError as error:
        result.error = str(error)
        return result
    result.title = draft.title or parsed.title
    titles = {p.code: p.title for p in school.positions}
    for row in planned:
        deadline, responsible = row.deadline, row.responsible
        result.rows.append(
            PreviewRow(
                phase=row.phase[-1],
                number=row.display_number,
                title=row.title,
                deadline=row.item.deadline_text,
                when=window_of(deadline.starts_on, deadline.due_on, deadline.recurrence),
                positions=[titles.get(code, code) for code in responsible.position_codes],
                unmatched=", ".join(responsible.unmatched),
                result=row.item.result_text,
                external=", ".join(responsible.external),
                why=deadline.reason,
            )
        )
    result.plan = school_plan(school)
    if result.plan is not None:
        result.title = result.plan.title
        result.differences = reimport.differences(result.plan, planned)
    return result


def set_table(draft: PlanDraft, index: int | None) -> None:
    """The director's choice of the document's table; its columns are found anew."""
    offered, _found = tables_of(draft.filename, draft.content)
    if index is None or index not in {table.index for table in offered}:
        raise DomainError(_("Выберите одну из таблиц документа"), field="table")
    draft.table = index
    draft.columns = None


def set_columns(draft: PlanDraft, chosen: dict[int, str]) -> None:
    """The director's columns: each kind at most once, the items' column exactly once."""
    kinds: dict[str, int] = {}
    for index, kind in sorted(chosen.items()):
        if not kind:
            continue
        if kind not in COLUMN_LABELS:
            raise DomainError(_("Неизвестный вид столбца"), field="columns")
        if kind in kinds:
            raise DomainError(
                _(
                    "«%(kind)s» выбран для двух столбцов (%(first)d и %(second)d)",
                    kind=COLUMN_LABELS[kind],
                    first=kinds[kind] + 1,
                    second=index + 1,
                ),
                field="columns",
            )
        kinds[kind] = index
    if "title" not in kinds:
        raise DomainError(_("Укажите, в каком столбце мероприятия"), field="columns")
    draft.columns = kinds


def confirm(
    draft: PlanDraft, school: School, actor: Person, today: date
) -> ImportResult | reimport.Differences:
    """Write the plan as the preview shows it (a new edition: apply its differences); the
    draft goes."""
    rows, _cells, _has_header, columns = _read(draft)
    source = source_text(rows)
    plan = school_plan(school)
    try:
        if plan is None:
            result: ImportResult | reimport.Differences = import_plan_rows(
                school, rows, source, draft.title or None, actor, columns=columns
            )
        else:
            parsed, planned = read_plan(school, rows, columns)
            result = reimport.apply(plan, school, parsed, planned, actor, today, source)
    except PlanFormatError as error:
        raise DomainError(str(error), field="columns") from None
    db.session.delete(draft)
    return result
