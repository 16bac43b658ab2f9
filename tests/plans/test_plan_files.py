"""Plans as other schools keep them (issue #18): a Word table with a title block, its columns in
another order, a result column, the row of column numbers, merged phase rows and the header
repeated after a page break; an Excel sheet with separate start and end dates under a title
block; a CSV with «;» inside quotes. Every row's fields are checked, not only counts."""

import io
from datetime import date, datetime

import pytest
from docx import Document
from openpyxl import Workbook

from tracker.plans.files import rows_of
from tracker.plans.parsing import PlanFormatError, parse_plan_rows


def docx_plan() -> bytes:
    document = Document()
    document.add_paragraph("УТВЕРЖДАЮ")
    document.add_paragraph("Директор МБОУ СОШ № 7 ________ И. С. Петров")
    document.add_paragraph("Дорожная карта перехода на электронный журнал")
    unrelated = document.add_table(rows=1, cols=2)  # a signature block, not the plan
    unrelated.rows[0].cells[0].text = "Согласовано"
    table = document.add_table(rows=0, cols=5)
    for values in (
        ["№ п/п", "Содержание работы", "Ответственные", "Сроки исполнения", "Ожидаемый результат"],
        ["1", "2", "3", "4", "5"],
        ["Организационный этап"] * 5,  # a merged row
        ["1.", "Издать приказ о переходе", "Директор", "до 15.09.2023", "Приказ"],
        [
            "2.",
            "Обучить педагогов\nработе в ЭЖ",
            "Зам. директора по ИКТ",
            "Сентябрь-октябрь 2023 г.",
            "",
        ],
        ["№ п/п", "Содержание работы", "Ответственные", "Сроки исполнения", "Ожидаемый результат"],
        ["3.", "Провести мониторинг", "Заместитель директора по УВР", "Ежемесячно", "Справка"],
    ):
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = table.rows[2].cells
    merged[0].merge(merged[4])
    merged[0].text = "Организационный этап"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def items(plan):
    return [
        (section.title, item)
        for phase in plan.sections
        for section in [phase, *phase.sections]
        for item in section.items
    ]


def test_a_word_table_is_read_by_its_headers_not_its_order():
    plan = parse_plan_rows(rows_of("дорожная карта.docx", docx_plan()))
    assert "Дорожная карта перехода на электронный журнал" in plan.title
    assert [phase.title for phase in plan.sections] == ["Организационный этап"]
    found = [
        (phase, i.number, i.title, i.deadline_text, i.responsible_text, i.result_text)
        for phase, i in items(plan)
    ]
    assert found == [
        (
            "Организационный этап",
            "1.",
            "Издать приказ о переходе",
            "до 15.09.2023",
            "Директор",
            "Приказ",
        ),
        (
            "Организационный этап",
            "2.",
            "Обучить педагогов работе в ЭЖ",
            "Сентябрь-октябрь 2023 г.",
            "Зам. директора по ИКТ",
            "",
        ),
        (
            "Организационный этап",
            "3.",
            "Провести мониторинг",
            "Ежемесячно",
            "Заместитель директора по УВР",
            "Справка",
        ),
    ]


def test_an_excel_sheet_with_start_and_end_columns_under_a_title_block():
    book = Workbook()
    sheet = book.active
    sheet.append(["Сетевой график"])
    sheet.append(["перехода на ведение электронного журнала"])
    sheet.append([])
    sheet.append(["на 2023/24 учебный год"])
    sheet.append(["№", "Задача", "Дата начала", "Дата окончания", "Исполнитель"])
    sheet.append(["I. Подготовка"])
    sheet.append(
        [
            1,
            "Собрать согласия родителей",
            datetime(2023, 9, 1),
            datetime(2023, 9, 15),
            "Классные руководители",
        ]
    )
    sheet.append([2, "Настроить расписание", None, date(2023, 8, 31), "Зам. директора по УВР"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = rows_of("график.xlsx", buffer.getvalue())
    plan = parse_plan_rows(rows)
    assert plan.title.startswith("Сетевой график перехода")
    found = [
        (phase, i.number, i.title, i.deadline_text, i.responsible_text) for phase, i in items(plan)
    ]
    assert found == [
        (
            "I. Подготовка",
            "1",
            "Собрать согласия родителей",
            "с 01.09.2023 по 15.09.2023",
            "Классные руководители",
        ),
        ("I. Подготовка", "2", "Настроить расписание", "до 31.08.2023", "Зам. директора по УВР"),
    ]


def test_a_csv_with_a_semicolon_inside_quotes():
    text = (
        "№;Мероприятие;Срок;Ответственный\r\n"
        "Этап 1;;;\r\n"
        '1;"Проверить журналы; составить справку";Май 2024 г.;"Директор; зам. директора по ВР"\r\n'
    ).encode("cp1251")
    plan = parse_plan_rows(rows_of("plan.csv", text))
    [(phase, item)] = items(plan)
    assert (phase, item.number, item.title, item.deadline_text, item.responsible_text) == (
        "Этап 1",
        "1",
        "Проверить журналы; составить справку",
        "Май 2024 г.",
        "Директор; зам. директора по ВР",
    )


def test_a_header_the_parser_does_not_know_is_named_in_the_refusal():
    rows = rows_of(
        "plan.txt", "№\tЧто делаем\tКогда\tКто\n1\tСовещание\tМай 2023\tДиректор\n".encode()
    )
    with pytest.raises(
        PlanFormatError,
        match="Строка 1: не найден столбец мероприятий: заголовки «Что делаем», «Когда», «Кто» не узнаны",
    ):
        parse_plan_rows(rows)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "файл пуст"),
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "рисунок PNG"),
        (b"PK\x03\x04broken", "повреждён"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "под паролем"),
    ],
)
def test_what_is_not_a_plan_file_is_refused_in_russian(content, said):
    with pytest.raises(PlanFormatError, match=said):
        rows_of("plan", content)


def test_a_word_document_without_a_table_is_refused():
    document = Document()
    document.add_paragraph("План: провести совещание в мае")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(PlanFormatError, match="нет таблицы"):
        rows_of("plan.docx", buffer.getvalue())


def test_an_item_that_begins_like_a_header_is_kept_not_dropped():
    rows = rows_of(
        "plan.txt",
        (
            "№\tМероприятие\tСрок\tОтветственный\n"
            "1\tСовещание\tМай 2024\tДиректор\n"
            "\tМероприятия для родителей\tсентябрь 2024\tИсполнитель - директор\n"
            "№\tМероприятие\tСрок\tОтветственный\n"  # repeated after a page break: skipped
        ).encode(),
    )
    plan = parse_plan_rows(rows)
    assert [i.title for _phase, i in items(plan)] == ["Совещание", "Мероприятия для родителей"]


def test_a_line_break_inside_a_word_cell_is_text():
    rows = rows_of(
        "plan.txt",
        "№\tМероприятие\tСрок\n1\tСовещание\x0bс педагогами\tМай 2024\n".encode("cp1251"),
    )
    [(_phase, item)] = items(parse_plan_rows(rows))
    assert item.title == "Совещание с педагогами"


def test_a_csv_with_an_unclosed_quote_is_refused_not_a_crash():
    text = ('№;Мероприятие;Срок\n1;"Совещание;Май 2024\n' + "2;Дело;Май 2024\n" * 20000).encode()
    with pytest.raises(PlanFormatError, match="проверьте кавычки"):
        rows_of("plan.csv", text)


def test_a_zip_that_unpacks_into_gigabytes_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (101 * 1024 * 1024))
    with pytest.raises(PlanFormatError, match="слишком большой объём"):
        rows_of("bomb.docx", buffer.getvalue())


def test_a_small_sheet_with_a_huge_merged_range_is_read_as_its_rows():
    """A merge over 200,000 rows in a file of a few kilobytes (written into the sheet's XML, as
    an attacker would) is applied to the rows read, not expanded into cells; a range merged down
    within the table gives its text to every row it covers."""
    import zipfile

    book = Workbook()
    sheet = book.active
    sheet.append(["№", "Мероприятие", "Сроки", "Ответственный"])
    sheet.append([1, "Издать приказ", "май 2025", "Директор"])
    sheet.append([2, "Обучить педагогов", "июнь 2025", None])
    buffer = io.BytesIO()
    book.save(buffer)
    merges = '<mergeCells count="2"><mergeCell ref="D2:D3"/><mergeCell ref="F1:XFD1048576"/></mergeCells>'
    patched = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(patched, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData>" + merges.encode())
            target.writestr(entry, data)
    assert len(patched.getvalue()) < 10_000
    rows = rows_of("план.xlsx", patched.getvalue())
    assert [cells[:4] for _n, cells in rows] == [
        ["№", "Мероприятие", "Сроки", "Ответственный"],
        ["1", "Издать приказ", "май 2025", "Директор"],
        ["2", "Обучить педагогов", "июнь 2025", "Директор"],
    ]
