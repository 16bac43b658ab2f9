"""The office form of a Russian organisational document (ГОСТ Р 7.0.97) on top of python-docx.

A4; margins 30 (left), 10 (right), 20 (top and bottom) mm; Times New Roman 14 pt, 12 pt in
tables; first-line indent 1.25 cm; page numbers from page 2, centred at the top. Every piece of
text goes through `docx_form.clean()`, so what a user typed cannot break the XML or the layout.

Imported when a document is written (`builders`), not with the pages: python-docx is 8 MB of
every process that loads it, and a web worker mostly serves pages.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from tracker.documents.docx_form import clean

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
INDENT = Cm(1.25)


def _set_fonts(style_or_run_element, size: Pt | None = None) -> None:
    """Times New Roman for Latin, Cyrillic and complex scripts alike (Word picks the font by
    script: setting only `name` leaves Cyrillic to the theme font on some systems)."""
    rpr = style_or_run_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element = rpr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                rpr.append(element)
            element.set(qn("w:val"), str(int(size.pt * 2)))


class OfficeDocument:
    """A document in the school's office form; `save()` gives its bytes."""

    def __init__(self, *, title: str = "", landscape: bool = False):
        self.doc = Document()
        properties = self.doc.core_properties
        properties.title = clean(title)[:250]
        properties.author = "tracker"
        properties.language = "ru-RU"
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        section.left_margin, section.right_margin = Mm(30), Mm(10)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.header_distance = Mm(10)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = BODY_SIZE
        _set_fonts(normal.element, BODY_SIZE)
        paragraph_format = normal.paragraph_format
        paragraph_format.space_before = Pt(0)
        paragraph_format.space_after = Pt(0)
        paragraph_format.line_spacing = 1.0
        self._language(normal.element)
        self._page_numbers(section)

    @staticmethod
    def _language(style_element) -> None:
        rpr = style_element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "ru-RU")
        rpr.append(lang)

    @staticmethod
    def _page_numbers(section) -> None:
        """Numbers from page 2, centred at the top: the first page's header stays empty."""
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
            else:
                field = OxmlElement("w:instrText")
                field.set(qn("xml:space"), "preserve")
                field.text = text
            run._r.append(field)

    # --- paragraphs ---

    def paragraph(
        self,
        text: str = "",
        *,
        bold: bool = False,
        align: str = "justify",
        indent: bool = True,
        size: Pt | None = None,
        space_after: int = 0,
        keep_with_next: bool = False,
        container=None,
    ):
        """One paragraph; `container` is a table cell when the text goes into a table."""
        target = container if container is not None else self.doc
        paragraph = target.add_paragraph()
        paragraph.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        paragraph.paragraph_format.first_line_indent = INDENT if indent else Cm(0)
        paragraph.paragraph_format.space_after = Pt(space_after)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        lines = clean(text).split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.bold = bold or None
            if size is not None:
                run.font.size = size
            if number < len(lines) - 1:
                run.add_break()
        return paragraph

    def heading(self, text: str, *, space_before: int = 12):
        paragraph = self.paragraph(
            text, bold=True, align="center", indent=False, keep_with_next=True
        )
        paragraph.paragraph_format.space_before = Pt(space_before)
        paragraph.paragraph_format.space_after = Pt(6)
        return paragraph

    def blank_line(self) -> None:
        self.paragraph("", indent=False)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # --- tables ---

    def table(self, header: list[str], rows: list[list[str]], widths_cm: list[float] | None = None):
        """A bordered table in 12 pt, its header row repeated on every page."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._fill_row(table.rows[0], header, bold=True)
        header_properties = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_properties.append(repeat)
        for values in rows:
            self._fill_row(table.add_row(), values)
        for row in table.rows:  # a row stays whole on one page, as a signed list must
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if widths_cm:
            self.set_widths(table, widths_cm)
        return table

    @staticmethod
    def set_widths(table, widths_cm: list[float]) -> None:
        """Column widths as Word and LibreOffice both read them: the grid and every cell."""
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=False):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(width)

    def _fill_row(self, row, values: list[str], bold: bool = False) -> None:
        for cell, value in zip(row.cells, values, strict=False):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT
            lines = clean(value).split("\n")
            for number, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = TABLE_SIZE
                run.bold = bold or None
                if number < len(lines) - 1:
                    run.add_break()

    def borderless(self, columns: int, widths_cm: list[float]):
        """A table with no borders: the stamps above a title, the date and number of an order."""
        table = self.doc.add_table(rows=1, cols=columns)
        table.autofit = False
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        table._tbl.tblPr.append(borders)
        self.set_widths(table, widths_cm)
        return table

    def cell_lines(self, cell, lines: list[str], *, align: str = "left", bold_first: bool = False):
        """Lines into a cell of a borderless table, in body size with no indent."""
        first = True
        for number, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.alignment = {
                "left": WD_ALIGN_PARAGRAPH.LEFT,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
            }[align]
            run = paragraph.add_run(clean(line))
            run.bold = (bold_first and number == 0) or None

    def signature(self, position: str, name: str) -> None:
        """«Директор ____________ Т. П. Иванова» across the page."""
        table = self.borderless(3, [7.0, 5.0, 5.0])
        cells = table.rows[0].cells
        self.cell_lines(cells[0], [position])
        self.cell_lines(cells[1], ["____________"], align="center")
        self.cell_lines(cells[2], [name], align="right")

    def save(self) -> bytes:
        buffer = BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
