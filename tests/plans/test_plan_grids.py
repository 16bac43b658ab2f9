"""Plans in the forms education offices and schools write beside the classic table (issue #18):
a roadmap in Word with Roman-numbered phases, numbered sub-phases and a quarter grid under a
merged «Сроки» cell; a cyclogram in Excel with its quarters in the header row; a CSV whose
phases are numbered rows with no deadline; bodies outside the school and acting holders in the
responsible cells. Every row's fields are checked."""

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import Workbook

from tracker.plans.files import rows_of
from tracker.plans.parsing import parse_deadline, parse_plan_rows, parse_responsible

ALIASES = {
    "директор": "director",
    "заместитель директора по увр": "deputy_uvr",
    "заместитель директора по икт": "deputy_ikt",
    "зам директора по икт": "deputy_ikt",
    "классный руководитель": "class_teacher",
    "классные руководители": "class_teacher",
}


def rows(plan):
    """(phase, sub-phase, number, title, deadline, responsible, result) of every item."""
    found = []
    for phase in plan.sections:
        for item in phase.items:
            found.append(
                (
                    phase.title,
                    "",
                    item.number,
                    item.title,
                    item.deadline_text,
                    item.responsible_text,
                    item.result_text,
                )
            )
        for section in phase.sections:
            for item in section.items:
                found.append(
                    (
                        phase.title,
                        section.title,
                        item.number,
                        item.title,
                        item.deadline_text,
                        item.responsible_text,
                        item.result_text,
                    )
                )
    return found


def roadmap_docx() -> bytes:
    """An education office's roadmap: «Сроки исполнения (2025 г.)» merged over four quarter
    columns, the other header cells merged down over the quarter line, a column-numbers row."""
    document = Document()
    document.add_paragraph("Дорожная карта внедрения ЭЖ в общеобразовательных организациях")
    document.add_paragraph("на 2025 год")
    table = document.add_table(rows=0, cols=7)
    body = [
        ["№", "Мероприятие", "Сроки исполнения", "", "", "", "Ответственный"],
        ["", "", "I кв.", "II кв.", "III кв.", "IV кв.", ""],
        ["1", "2", "3", "4", "5", "6", "7"],
        ["I", "Подготовительный этап", "", "", "", "", ""],
        ["1.", "Нормативная база", "", "", "", "", ""],
        ["1.1", "Издать приказ о введении ЭЖ", "+", "", "", "", "И.о. директора"],
        ["1.2", "Разработать положение об ЭЖ", "+", "+", "", "", "Заместитель директора по УВР"],
        ["2.", "Техническая готовность", "", "", "", "", ""],
        [
            "2.1",
            "Подключить школу к региональной системе",
            "",
            "х",
            "",
            "",
            "Министерство образования Ставропольского края, зам. директора по ИКТ",
        ],
        ["II", "Основной этап", "", "", "", "", ""],
        ["3.", "Ведение ЭЖ", "", "", "", "", ""],
        ["3.1", "Проверять заполнение ЭЖ", "+", "+", "+", "+", "Заместитель директора по УВР"],
        [
            "3.2",
            "Отчитаться учредителю",
            "+",
            "",
            "+",
            "",
            "Управление образования администрации города",
        ],
        ["3.3", "Провести родительские собрания", "", "", "", "до 20.12", "Классные руководители"],
    ]
    for values in body:
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    top, under = table.rows[0].cells, table.rows[1].cells
    top[2].merge(top[5]).text = "Сроки исполнения"
    for column in (0, 1, 6):
        text = top[column].text
        top[column].merge(under[column]).text = text
    for index in (3, 4, 9, 10):  # phase and sub-phase rows merged from the title on
        cells = table.rows[index].cells
        title = cells[1].text
        cells[1].merge(cells[6]).text = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_roadmap_with_a_quarter_grid_and_roman_phases():
    plan = parse_plan_rows(rows_of("дорожная карта.docx", roadmap_docx()))
    assert "на 2025 год" in plan.title
    assert [(p.title, [s.title for s in p.sections]) for p in plan.sections] == [
        ("Подготовительный этап", ["Нормативная база", "Техническая готовность"]),
        ("Основной этап", ["Ведение ЭЖ"]),
    ]
    assert rows(plan) == [
        (
            "Подготовительный этап",
            "Нормативная база",
            "1.1",
            "Издать приказ о введении ЭЖ",
            "I квартал 2025",
            "И.о. директора",
            "",
        ),
        (
            "Подготовительный этап",
            "Нормативная база",
            "1.2",
            "Разработать положение об ЭЖ",
            "I–II квартал 2025",
            "Заместитель директора по УВР",
            "",
        ),
        (
            "Подготовительный этап",
            "Техническая готовность",
            "2.1",
            "Подключить школу к региональной системе",
            "II квартал 2025",
            "Министерство образования Ставропольского края, зам. директора по ИКТ",
            "",
        ),
        (
            "Основной этап",
            "Ведение ЭЖ",
            "3.1",
            "Проверять заполнение ЭЖ",
            "Ежеквартально",
            "Заместитель директора по УВР",
            "",
        ),
        (
            "Основной этап",
            "Ведение ЭЖ",
            "3.2",
            "Отчитаться учредителю",
            "I, III квартал 2025",
            "Управление образования администрации города",
            "",
        ),
        (
            "Основной этап",
            "Ведение ЭЖ",
            "3.3",
            "Провести родительские собрания",
            "IV квартал: до 20.12",
            "Классные руководители",
            "",
        ),
    ]
    deadlines = [parse_deadline(row[4]) for row in rows(plan)]
    assert [(d.starts_on, d.due_on, d.recurrence) for d in deadlines] == [
        (date(2025, 1, 1), date(2025, 3, 31), None),
        (date(2025, 1, 1), date(2025, 6, 30), None),
        (date(2025, 4, 1), date(2025, 6, 30), None),
        (None, None, "quarterly"),
        (None, None, None),  # two quarters apart: flagged for the director, not guessed
        (None, None, None),  # a date without its year: flagged
    ]


def test_bodies_outside_the_school_are_kept_apart_and_acting_holders_named():
    acting = parse_responsible("И.о. директора", ALIASES)
    assert (acting.position_codes, acting.unmatched, acting.external) == (("director",), (), ())
    acting_deputy = parse_responsible(
        "врио заместителя директора по УВР",
        ALIASES | {"заместителя директора по увр": "deputy_uvr"},
    )
    assert acting_deputy.position_codes == ("deputy_uvr",)
    both = parse_responsible(
        "Министерство образования Ставропольского края, зам. директора по ИКТ", ALIASES
    )
    assert both.position_codes == ("deputy_ikt",)
    assert both.external == ("Министерство образования Ставропольского края",)
    assert both.unmatched == ()
    office = parse_responsible("Управление образования администрации города", ALIASES)
    assert (office.position_codes, office.unmatched) == ((), ())
    assert office.external == ("Управление образования администрации города",)
    # The school's own administration is no outside body: it is simply not a position.
    own = parse_responsible("Администрация школы", ALIASES)
    assert (own.external, own.unmatched) == ((), ("Администрация школы",))
    for outside in (
        "Комитет по образованию",
        "ИМЦ",
        "Муниципальный координатор",
        "Администрация Промышленного района",
    ):
        assert parse_responsible(outside, ALIASES).external == (outside,), outside


def cyclogram_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Циклограмма контроля ведения ЭЖ"])
    sheet.append([])
    sheet.append(
        [
            "№ п/п",
            "Вид работы",
            "I квартал 2026",
            "II квартал 2026",
            "III квартал 2026",
            "IV квартал 2026",
            "Исполнители",
            "Форма отчётности",
        ]
    )
    sheet.append(
        [
            1,
            "Проверка накопляемости отметок",
            "+",
            "+",
            "+",
            "+",
            "Заместитель директора по УВР",
            "Справка",
        ]
    )
    sheet.append(
        [
            2,
            "Проверка выставления итоговых отметок",
            None,
            "+",
            None,
            "+",
            "Заместитель директора по УВР",
            "Справка",
        ]
    )
    sheet.append(
        [3, "Архивирование журнала", None, None, "v", None, "Зам. директора по ИКТ", "Архив ЭЖ"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_cyclogram_with_quarters_in_its_header_row():
    plan = parse_plan_rows(rows_of("циклограмма.xlsx", cyclogram_xlsx()))
    assert plan.title == "Циклограмма контроля ведения ЭЖ"
    assert rows(plan) == [
        (
            "",
            "",
            "1",
            "Проверка накопляемости отметок",
            "Ежеквартально",
            "Заместитель директора по УВР",
            "Справка",
        ),
        (
            "",
            "",
            "2",
            "Проверка выставления итоговых отметок",
            "II, IV квартал 2026",
            "Заместитель директора по УВР",
            "Справка",
        ),
        (
            "",
            "",
            "3",
            "Архивирование журнала",
            "III квартал 2026",
            "Зам. директора по ИКТ",
            "Архив ЭЖ",
        ),
    ]
    assert parse_deadline("III квартал 2026").due_on == date(2026, 9, 30)


def test_a_school_year_grid_of_terms_is_flagged_not_dated():
    """«I четверть» depends on the school's calendar: kept as written, not turned into a
    calendar quarter."""
    text = (
        "План работы на 2025-2026 учебный год\n"
        "№\tМероприятие\tI четверть\tII четверть\tIII четверть\tIV четверть\tОтветственный\n"
        "1\tМониторинг\t+\t\t\t\tДиректор\n"
    )
    plan = parse_plan_rows(rows_of("план.txt", text.encode("utf-8")))
    [row] = rows(plan)
    assert row[4] == "I четверть"
    assert not parse_deadline(row[4]).is_understood


def test_numbered_phase_rows_without_deadlines_in_a_csv():
    text = (
        "№;Содержание работы;Сроки;Ответственный\n"
        "1.;Организационные мероприятия;;\n"
        "1.1.;Издать приказ;до 01.09.2025;Директор\n"
        "1.2.;Назначить ответственного за ЭЖ;до 01.09.2025;Директор\n"
        "2.;Обучение;;\n"
        "2.1.;Семинар для учителей;сентябрь 2025;Зам. директора по ИКТ\n"
        "3.;Отчёт на совещании;май 2026;\n"
    )
    plan = parse_plan_rows(rows_of("план.csv", text.encode("cp1251")))
    assert [(p.title, len(p.sections)) for p in plan.sections] == [
        ("Организационные мероприятия", 0),
        ("Обучение", 0),
        ("", 0),
    ]
    # «3.» has a deadline and nothing numbered under it: an item missing its responsible
    # (flagged later), not a phase; and outside stage «2.», whose rows are «2.1», «2.2»….
    assert rows(plan) == [
        (
            "Организационные мероприятия",
            "",
            "1.1.",
            "Издать приказ",
            "до 01.09.2025",
            "Директор",
            "",
        ),
        (
            "Организационные мероприятия",
            "",
            "1.2.",
            "Назначить ответственного за ЭЖ",
            "до 01.09.2025",
            "Директор",
            "",
        ),
        (
            "Обучение",
            "",
            "2.1.",
            "Семинар для учителей",
            "сентябрь 2025",
            "Зам. директора по ИКТ",
            "",
        ),
        ("", "", "3.", "Отчёт на совещании", "май 2026", "", ""),
    ]


def test_an_item_with_no_deadline_and_nothing_under_it_stays_an_item():
    text = "№\tМероприятие\tСроки\tОтветственный\n1\tПровести собрание\t\t\n2\tОтчёт\tмай 2026\tДиректор\n"
    plan = parse_plan_rows(rows_of("план.txt", text.encode("utf-8")))
    assert [row[2:4] for row in rows(plan)] == [("1", "Провести собрание"), ("2", "Отчёт")]


def test_merged_phase_rows_one_after_another_are_phases_not_sub_phases():
    text = (
        "№\tМероприятие\tСроки\tОтветственный\n"
        "Подготовительный этап\n"
        "1\tИздать приказ\tдо 01.09.2025\tДиректор\n"
        "Основной этап\n"
        "2\tВести журнал\tЕжемесячно\tКлассные руководители\n"
        "Итоговый этап\n"
        "3\tПодвести итоги\tмай 2026\tДиректор\n"
    )
    plan = parse_plan_rows(rows_of("план.txt", text.encode("utf-8")))
    assert [(p.title, len(p.sections)) for p in plan.sections] == [
        ("Подготовительный этап", 0),
        ("Основной этап", 0),
        ("Итоговый этап", 0),
    ]
    assert [(row[0], row[2]) for row in rows(plan)] == [
        ("Подготовительный этап", "1"),
        ("Основной этап", "2"),
        ("Итоговый этап", "3"),
    ]


def test_a_numbered_item_with_its_own_steps_and_the_closing_rows_of_an_unnumbered_table():
    """«1 | Провести совещание | сентябрь 2024 | Директор» with one step «1.1» stays an item (it
    names who answers for it); rows like totals or signatures are dropped only under the table,
    never among its items."""
    text = (
        "№\tМероприятие\tСроки\tОтветственный\n"
        "1\tПровести совещание\tсентябрь 2024\tДиректор\n"
        "1.1\tПодготовить повестку\tсентябрь 2024\tСекретарь\n"
        "2\tИтоговый отчёт\tмай 2025\tДиректор\n"
    )
    plan = parse_plan_rows(rows_of("план.txt", text.encode()))
    assert [(row[0], row[2]) for row in rows(plan)] == [("", "1"), ("", "1.1"), ("", "2")]
    unnumbered = (
        "Мероприятие\tСроки\tОтветственный\n"
        "Провести совещание\tв течение года\tИванова А.А.\n"
        "Заполнить бланк ____ отчёта\tоктябрь 2024\tДиректор\n"
        "Всего учащихся: подвести итоги\tмай 2025\tДиректор\n"
        "Итого: 3 мероприятия\n"
        "Заместитель директора по УВР\t\tО.В. Сидорова\n"
    )
    plan = parse_plan_rows(rows_of("план.txt", unnumbered.encode()))
    assert [row[3] for row in rows(plan)] == [
        "Провести совещание",
        "Заполнить бланк ____ отчёта",
        "Всего учащихся: подвести итоги",
    ]
    assert [p.title for p in plan.sections] == [""]


@pytest.mark.parametrize(
    ("phrase", "outside"),
    [
        ("Руководитель отделения дополнительного образования", False),  # the school's unit
        ("Иронова А.А.", False),
        ("Директор муниципального бюджетного общеобразовательного учреждения", False),
        ("Школьный координатор регионального этапа", False),
        ("Зам. министра образования", True),
        ("Отдел образования администрации района", True),
        ("МОУО", True),
        ("Представитель УО (по согласованию)", True),
    ],
)
def test_what_is_outside_the_school_and_what_is_not(phrase, outside):
    from tracker.plans.parsing import is_external

    assert is_external(phrase) is outside


def test_a_plan_titled_with_the_date_of_its_order_is_no_calendar_year_plan():
    text = (
        "Утверждено приказом от 28.08.2024 г. План-график введения ЭЖ\n"
        "№\tМероприятие\tСроки\tОтветственный\n"
        "1\tВести ЭЖ\tв течение года\tДиректор\n"
    )
    assert parse_plan_rows(rows_of("план.txt", text.encode())).calendar_year is None
    dated = text.replace("План-график введения ЭЖ", "План-график введения ЭЖ на 2025 год")
    assert parse_plan_rows(rows_of("план.txt", dated.encode())).calendar_year == 2025
