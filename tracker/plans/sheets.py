"""The plan as a spreadsheet (XLSX, openpyxl): one row per task, as the plan page shows them
(its filters kept), with the phase, dates as real dates, positions, people and status, so a
deputy can sort and filter it in Excel or LibreOffice. Written in openpyxl's write-only mode:
a plan of 5,000 tasks streams instead of building every cell in memory first."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time

from tracker.plans.models import Task
from tracker.types import xml_safe

COLUMNS = (
    ("Этап", 34),
    ("№", 6),
    ("Мероприятие", 60),
    ("Начало", 12),
    ("Срок", 12),
    ("Срок по плану", 24),
    ("Ответственные (должности)", 30),
    ("Исполнители", 34),
    ("Статус", 14),
    ("Дата выполнения", 14),
)
DATE_FORMAT = "DD.MM.YYYY"


def _phase_title(task: Task) -> str:
    phase = task.phase
    return f"{phase.parent.title} / {phase.title}" if phase.parent else phase.title


def plan_xlsx(title: str, tasks: Sequence[Task], today: date) -> bytes:
    """The tasks in print order, each a row; the header frozen and filterable."""
    # openpyxl (10 MB) is imported when a plan is exported, not by every process serving pages.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=True)
    sheet: Worksheet = book.create_sheet("План")
    for index, (_name, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A3"
    last = chr(64 + len(COLUMNS))
    sheet.auto_filter.ref = f"A2:{last}{len(tasks) + 2}"
    heading = WriteOnlyCell(sheet, f"{title} (состояние на {today:%d.%m.%Y})")
    heading.font = Font(bold=True, size=12)
    sheet.append([heading])
    header = []
    for name, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for task in tasks:
        values = (
            _phase_title(task),
            task.display_number,
            task.title,
            task.starts_on,
            task.due_on,
            task.recurrence_label or task.deadline_text,
            task.responsible_shown,
            ", ".join(task.people_names),
            task.shown_status_label(today),
            task.done_on,
        )
        row = []
        for value in values:
            if isinstance(value, date):  # a spreadsheet's date is a day at midnight
                value = datetime.combine(value, time())
            if isinstance(value, str):
                value = xml_safe(value)
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, datetime):
                cell.number_format = DATE_FORMAT
            else:
                cell.data_type = "s"  # «=…» or «-проверка…» is text, never a formula
                cell.alignment = wrap
            row.append(cell)
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
