"""A plan-schedule as schools keep it, read into numbered rows of cells for the table parser
(`parsing.parse_plan_rows`): a Word table (DOCX: a merged cell once, in its first column,
several lines of a cell kept together), an Excel sheet (XLSX: dates as дд.мм.гггг), CSV with
«;» or «,» (quotes kept), or text from Word (tab-separated) in UTF-8, UTF-16 or Windows-1251."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.plans.parsing import PlanFormatError, detect_columns, tab_rows
from tracker.types import MONTH_NAMES, decode_text

Rows = list[tuple[int, list[str]]]
MAX_ROWS = 20_000
MAX_UNPACKED = 100 * 1024 * 1024  # a DOCX or XLSX of 5 MB that unpacks into gigabytes is refused


@dataclass(frozen=True)
class Table:
    """One of a Word document's tables, as the preview offers it to choose."""

    index: int
    rows: int
    heading: str  # its first row, shortened


def _package(content: bytes) -> str | None:
    """«docx» or «xlsx» for an Office file, None for anything else; refused when damaged."""
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except zipfile.BadZipFile:
        raise PlanFormatError("файл повреждён: архив DOCX или XLSX не читается") from None
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise PlanFormatError("файл распаковывается в слишком большой объём (больше 100 МБ)")
    names = {entry.filename for entry in entries}
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise PlanFormatError("это архив ZIP, но не документ Word (DOCX) и не таблица Excel (XLSX)")


def rows_of(filename: str, content: bytes, table: int | None = None) -> Rows:
    """The file's rows (1-based numbers as the school sees them: a table's row, a sheet's row,
    a text's line); PlanFormatError in Russian for what is none of these. `table` picks one of
    a Word document's tables (`tables_of`); by default the plan's is found."""
    package = _package(content)
    if package == "docx":
        return _docx_rows(content, table)
    if package == "xlsx":
        return _xlsx_rows(content)
    try:
        text = decode_text(content)
    except ValueError as error:
        raise PlanFormatError(f"{filename}: {error}") from None
    return text_rows(text)


def source_text(rows: Rows) -> str:
    """A table's rows as tab-separated text: what a plan keeps of the file it came from."""
    return "\n".join("\t".join(cells) for _number, cells in rows)


def text_rows(text: str) -> Rows:
    """Text from Word (tab-separated), from Excel (tab-separated, a cell with line breaks in
    quotes) or CSV («;» or «,», whichever splits its first lines into the same number of cells)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    sample = [line for line in lines[:50] if line.strip()]
    if not any("\t" in line for line in sample):
        delimiter = _delimiter(sample)
        if delimiter:
            return _read_csv(text, delimiter)
    elif any(line.count('"') % 2 for line in lines):
        # Excel puts a cell with a line break in quotes: the quotes hold the row together.
        return _read_csv(text, "\t")
    rows = tab_rows(text)
    if len(rows) > MAX_ROWS:
        raise PlanFormatError(f"в файле больше {MAX_ROWS} строк")
    return rows


def _delimiter(sample: list[str]) -> str | None:
    """«;» or «,»: the one that splits the most of the sample's lines into the same number of
    cells (Excel's «;» CSV leaves commas in the text unquoted); None for neither."""
    best, best_score = None, 0
    for delimiter in (";", ","):
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if len(row) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = widths.count(common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str, delimiter: str) -> Rows:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: Rows = []
    try:
        start = 1
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append((start, cells))
            if len(rows) > MAX_ROWS:
                raise PlanFormatError(f"в файле больше {MAX_ROWS} строк")
            start = reader.line_num + 1
    except csv.Error as error:  # an unclosed quote swallowing the rest, say
        raise PlanFormatError(
            f"CSV не читается (строка {reader.line_num}): проверьте кавычки ({error})"
        ) from None
    return rows


def _numbered(rows: list[list[str]]) -> Rows:
    numbered = [(number, cells) for number, cells in enumerate(rows, start=1) if any(cells)]
    if len(numbered) > MAX_ROWS:
        raise PlanFormatError(f"в файле больше {MAX_ROWS} строк")
    return numbered


def _word(content: bytes):
    from docx import Document

    try:
        return Document(io.BytesIO(content))
    except Exception:  # a damaged or foreign package: python-docx raises many kinds
        raise PlanFormatError(
            "документ Word не читается: он повреждён или защищён паролем"
        ) from None


def document_rows(filename: str, content: bytes) -> Rows:
    """Everything a file says, as rows: a Word document's paragraphs and every table's rows in
    the document's order (a calendar schedule is a title, a table of terms, a line, a table of
    holidays); any other file as `rows_of` reads it."""
    if _package(content) != "docx":
        return rows_of(filename, content)
    from docx.table import Table as WordTable

    rows: list[list[str]] = []
    for block in _word(content).iter_inner_content():
        if isinstance(block, WordTable):
            rows.extend(_row_cells(row) for row in block.rows)
        elif block.text.strip():
            rows.append([block.text.strip()])
    return _numbered(rows)


def _docx_tables(content: bytes) -> tuple[list[list[list[str]]], list[list[str]]]:
    """A Word document's tables as rows of cells, and the paragraphs before each table and
    after the last one (`between[i]` stands before table i)."""
    from docx.table import Table as WordTable

    tables: list[list[list[str]]] = []
    between: list[list[str]] = [[]]
    for block in _word(content).iter_inner_content():
        if isinstance(block, WordTable):
            tables.append([_row_cells(row) for row in block.rows])
            between.append([])
        elif block.text.strip():
            between[-1].append(" ".join(block.text.split()))
    if not tables:
        raise PlanFormatError("в документе Word нет таблицы: план-график должен быть таблицей")
    return tables, between


def _plan_table(tables: list[list[list[str]]]) -> int:
    """The table that holds the plan: the first with a header row naming its columns, else
    the largest."""
    return next(
        (i for i, t in enumerate(tables) if any(detect_columns(cells) for cells in t[:10])),
        max(range(len(tables)), key=lambda i: len(tables[i])),
    )


def tables_of(filename: str, content: bytes) -> tuple[list[Table], int]:
    """A Word document's tables of more than one row, when it has two or more of them, and the
    one read by default; ([], 0) for anything else."""
    if _package(content) != "docx":
        return [], 0
    tables, _between = _docx_tables(content)
    offered = [
        Table(
            index=i,
            rows=len(rows),
            heading=" | ".join(" ".join(c.split()) for c in rows[0] if c)[:120],
        )
        for i, rows in enumerate(tables)
        if len(rows) > 1
    ]
    return (offered, _plan_table(tables)) if len(offered) > 1 else ([], 0)


def _docx_rows(content: bytes, table: int | None = None) -> Rows:
    """The Word table that holds the plan (`table`, or `_plan_table`), each merged cell once;
    the paragraphs before it (its title block; eight lines at most) as the title; and the
    tables of the same width that follow it (a plan continued after a page or a section
    heading, which becomes a phase row). What follows them (a signature) is left out."""
    tables, between = _docx_tables(content)
    if table is None or not 0 <= table < len(tables):
        table = _plan_table(tables)
    title = [line for lines in between[: table + 1] for line in lines][-8:]
    rows = [[" ".join(title)]] * bool(title) + tables[table]
    width = max((len(cells) for cells in tables[table]), default=0)
    header = tables[table][0] if tables[table] else []
    for following in range(table + 1, len(tables)):
        more = tables[following]
        if not more or max(len(cells) for cells in more) != width:
            break
        rows += [[line] for line in between[following] if len(line) <= 200]
        rows += more[1:] if more[0] == header else more
    return _numbered(rows)


def _row_cells(row) -> list[str]:
    """A table row's cells on the table's grid: a horizontally merged cell's text once, in its
    first column, and empty cells for the rest of its span (python-docx repeats it), so that a
    header's cells stand over their columns (a merged «Сроки» over «I | II | III | IV»). A cell
    merged down keeps its text in every row, as python-docx gives it."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            cells.append("")
            continue
        seen.add(id(cell._tc))
        cells.append(_cell_lines(cell._tc))
    return cells


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_PARTS = {f"{_W}t": None, f"{_W}tab": " ", f"{_W}br": "\n", f"{_W}cr": "\n"}


def _cell_lines(tc) -> str:
    """A cell's paragraphs as lines, the empty ones left out: its text runs, a tab as a space
    and a line break as a new line (what python-docx's Paragraph.text gives, in a tenth of the
    time: a plan of 5,000 rows has 25,000 cells)."""
    lines = []
    for paragraph in tc.iterchildren(f"{_W}p"):
        parts = [
            element.text or "" if (said := _TEXT_PARTS[element.tag]) is None else said
            for element in paragraph.iter(*_TEXT_PARTS)
        ]
        line = "".join(parts).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


MAX_MERGES = 10_000


def _xlsx_rows(content: bytes) -> Rows:
    """The active sheet's rows, read as a stream: a cell merged down repeats its text in every
    row it covers (as Word gives it), a cell merged across stands in its first column; dates
    as the sheet shows them (`_cell_text`). Merged ranges are read from the sheet's XML and
    applied to the rows read, so a range over a million rows costs nothing."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged or encrypted workbook
        raise PlanFormatError(
            "таблица Excel не читается: она повреждена или защищена паролем"
        ) from None
    sheet: Any = book.active
    if sheet is None or not hasattr(sheet, "iter_rows"):  # a chart sheet, or none
        raise PlanFormatError("в книге Excel нет листа с таблицей")
    rows: list[list[str]] = []
    filled = blank_run = 0
    for cells in sheet.iter_rows():
        row = [_cell_text(cell) for cell in cells]
        rows.append(row)
        blank_run = 0 if any(row) else blank_run + 1
        filled += blank_run == 0
        # Excel keeps formatted empty rows down to row 1,048,576: a thousand of them in a row
        # end the table.
        if filled > MAX_ROWS or blank_run > 1000:
            break
    merges = _merged_ranges(book, sheet)
    book.close()
    for first_row, column, last_row in merges:
        if first_row > len(rows) or column > len(rows[first_row - 1]):
            continue
        top = rows[first_row - 1][column - 1]
        for row in rows[first_row : min(last_row, len(rows))]:
            row.extend([""] * (column - len(row)))
            row[column - 1] = top
    return _numbered(rows)


def _merged_ranges(book: Any, sheet: Any) -> list[tuple[int, int, int]]:
    """The sheet's ranges merged down: (first row, column, last row), from its XML."""
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]
    from openpyxl.utils.cell import range_boundaries

    path = getattr(sheet, "_worksheet_path", None)
    if path is None:
        return []
    found = []
    with book._archive.open(path) as stream:
        for _event, element in iterparse(stream):
            if element.tag.endswith("}mergeCell"):
                try:
                    min_col, min_row, _max_col, max_row = range_boundaries(element.get("ref", ""))
                except (TypeError, ValueError):
                    continue
                if min_col and min_row and max_row and max_row > min_row:
                    found.append((min_row, min_col, max_row))
                if len(found) > MAX_MERGES:
                    raise PlanFormatError(f"в таблице Excel больше {MAX_MERGES} объединённых ячеек")
            element.clear()
    return found


def _cell_text(cell: Any) -> str:
    """A cell as the sheet shows it: a date typed as «сентябрь 2024» (Excel keeps 01.09.2024,
    formatted as a month) is the month; a date shown without its year («20.05») is written
    without it (Excel filled in the year it was typed in, which may not be the plan's)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, date):  # a datetime too
        shown = (cell.number_format or "").lower().split(";")[0]
        shown = shown.split("]")[-1]  # «[$-419]mmmm yyyy»: the locale is not the format
        if "d" not in shown and "m" in shown and "y" in shown:
            return f"{MONTH_NAMES[value.month - 1]} {value.year}"
        if "d" in shown and "y" not in shown:
            return f"{value:%d.%m}"
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
