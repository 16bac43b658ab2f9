"""A plan of 5,000 rows imported from each kind of file (issue #18: «in a few seconds»).

An education office's roadmap of 5,000 items in 10 phases, its deadlines and responsible cells
in the forms schools write (dates, months, ranges, recurrences, a deputy by area, two positions,
an office outside the school, a typo), is written once as CSV, XLSX and DOCX. For each file:

* **preview**: what the preview computes (`files.rows_of`, `parsing.parse_plan_rows`, each row's
  `parse_deadline` and `parse_responsible` against the catalogue's aliases), against a floor
  that only reads the same cells with the bare library (csv, openpyxl read-only, python-docx);
* **import**: the whole import into a new school's plan on the bench database, committed
  (then the school's plan removed for the next round), against the same floor.

The ratios say what reading a plan costs on top of reading its file; the seconds say whether
5,000 rows stay within a few seconds (target: 5 s for the import of each kind).

Run: `python -m bench.plan_import` (or `make bench`).
"""

from __future__ import annotations

import csv
import io

from bench.common import empty_app, measure, report_columns

ROWS = 5000
PHASES = 10
IMPORT_SECONDS = 5.0
DEADLINES = (
    "до 01.09.2026",
    "сентябрь 2026",
    "с 01.10.2026 по 15.10.2026",
    "Ежемесячно",
    "в течение 2026-2027 учебного года",
    "II квартал 2027",
    "ноябрь-декабрь 2026 г.",
    "по мере необходимости",
)
RESPONSIBLE = (
    "Директор",
    "Зам. директора по УВР",
    "Заместитель директора по ИКТ, классные руководители",
    "Управление образования администрации города",
    "И.о. директора",
    "Заместитель директра по УВР",
    "Руководители ШМО",
)
HEADER = ["№ п/п", "Содержание работы", "Сроки исполнения", "Ответственные", "Результат"]


def table() -> list[list[str]]:
    rows = [HEADER, ["1", "2", "3", "4", "5"]]
    for i in range(ROWS):
        if i % (ROWS // PHASES) == 0:
            rows.append([f"Этап {i // (ROWS // PHASES) + 1}. Работы по переходу", "", "", "", ""])
        rows.append(
            [
                f"{i + 1}.",
                f"Мероприятие № {i + 1}: подготовка и проведение работ по электронному журналу",
                DEADLINES[i % len(DEADLINES)],
                RESPONSIBLE[i % len(RESPONSIBLE)],
                "Справка" if i % 3 == 0 else "",
            ]
        )
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue().encode("cp1251")


def as_xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("План")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_docx(rows: list[list[str]]) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Дорожная карта перехода на электронный журнал")
    grid = document.add_table(rows=len(rows), cols=len(HEADER))
    for row, values in zip(grid.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def floor_of(kind: str, content: bytes):
    """Only read the file's cells with the bare library."""

    def read_csv() -> int:
        text = content.decode("cp1251")
        return sum(len(row) for row in csv.reader(io.StringIO(text), delimiter=";"))

    def read_xlsx() -> int:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        count = sum(len(row) for row in book.active.iter_rows(values_only=True))
        book.close()
        return count

    def read_docx() -> int:
        from docx import Document

        document = Document(io.BytesIO(content))
        return sum(len(cell.text) for t in document.tables for row in t.rows for cell in row.cells)

    return {"csv": read_csv, "xlsx": read_xlsx, "docx": read_docx}[kind]


def main() -> None:
    from sqlalchemy import delete

    from tracker.accounts import services as accounts
    from tracker.extensions import db
    from tracker.plans.files import rows_of
    from tracker.plans.importer import import_plan_file, position_aliases
    from tracker.plans.models import Plan
    from tracker.plans.parsing import parse_deadline, parse_plan_rows, parse_responsible
    from tracker.seed import SEEDS, read_toml

    rows = table()
    files = {"csv": as_csv(rows), "xlsx": as_xlsx(rows), "docx": as_docx(rows)}
    results = []
    with empty_app():
        school = accounts.create_school(
            slug="bench-import",
            full_name="МБОУ СОШ № 5000",
            positions=read_toml(SEEDS / "catalogue.toml")["position"],
        )
        db.session.commit()
        aliases = position_aliases(school)
        for kind, content in files.items():
            name = f"plan.{kind}"

            def preview(name=name, content=content) -> int:
                parsed = parse_plan_rows(rows_of(name, content))
                count = 0
                for phase in parsed.sections:
                    for item in [i for s in (phase, *phase.sections) for i in s.items]:
                        parse_deadline(item.deadline_text)
                        parse_responsible(item.responsible_text, aliases)
                        count += 1
                return count

            def full_import(name=name, content=content) -> int:
                result = import_plan_file(school, name, content)
                db.session.commit()
                db.session.execute(delete(Plan).where(Plan.school_id == school.id))
                db.session.commit()
                return len(result.tasks)

            assert preview() == ROWS, kind
            floor = floor_of(kind, content)
            shown = measure(preview, floor, 3)
            results.append({"name": f"preview of {ROWS} rows, {kind.upper()}", **shown})
            written = measure(full_import, floor, 3)
            results.append(
                {
                    "name": f"import of {ROWS} rows, {kind.upper()}",
                    **written,
                    "within": "yes" if written["ours_s"] <= IMPORT_SECONDS else "NO",
                }
            )
    report_columns("plan_import", results, extra=(("within", f"≤ {IMPORT_SECONDS:.0f} s"),))


if __name__ == "__main__":
    main()
