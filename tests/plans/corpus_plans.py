"""A corpus of plan-schedules as Russian schools and education offices write them (issue #18):
21 files in DOCX, XLSX, CSV and text, each with what a careful human reads in every row.
`build(folder)` writes the files and returns the expectations; `tests/plans/test_corpus.py`
reads every file with the importer and compares every row's fields.

Expected-row notation (E(...)):
  ph   phase path, a tuple of titles ("" = no phase)
  n    the number as shown («1.1», «3», «» for none)
  t    the task title
  d    the deadline a careful human reads:
         "W:2024-09-01:2024-09-30" a window, "D:2024-09-01" a deadline with no start,
         "R:monthly" a recurrence (codes of tracker.plans.parsing.RECURRENCES),
         "V" vague / not derivable from the phrase (flagging it is right)
       a human reading that needs the title's year (e.g. «август-сентябрь» under «2024-2025
       учебный год») is written as W:..., a parser that leaves it "not understood" is FLAGGED,
       one that gives another window is MISREAD.
  r    the positions of the school's catalogue the cell names (set of codes)
  ext  how many parts of the cell name bodies outside the school
  res  the expected result / report form ("" when the file has no such column)
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment

OUT = ""
EXPECTED: list[dict] = []


def E(ph, n, t, d, r=(), res="", ext=0):
    if isinstance(ph, str):
        ph = (ph,)
    return {"ph": list(ph), "n": n, "t": t, "d": d, "r": sorted(r), "res": res, "ext": ext}


def register(name, kind, rows, title_has=(), phases=None, note="", title_not=()):
    phases = phases if phases is not None else sorted({tuple(r["ph"]) for r in rows})
    EXPECTED.append(
        {
            "file": name,
            "kind": kind,
            "rows": rows,
            "title_has": list(title_has),
            "title_not": list(title_not),
            "phases": [list(p) for p in phases],
            "note": note,
        }
    )


# ---------------------------------------------------------------------------------- DOCX utils


def doc_with_title(lines):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for line in lines:
        doc.add_paragraph(line)
    return doc


def set_cell(cell, text):
    """Text with «\n» as separate paragraphs (what Enter inside a Word cell gives)."""
    cell.text = ""
    parts = text.split("\n")
    cell.paragraphs[0].add_run(parts[0])
    for part in parts[1:]:
        cell.add_paragraph(part)


def set_cell_br(cell, text):
    """Text with «\n» as manual line breaks (Shift+Enter)."""
    cell.text = ""
    run_parts = text.split("\n")
    p = cell.paragraphs[0]
    for i, part in enumerate(run_parts):
        run = p.add_run(part)
        if i < len(run_parts) - 1:
            run.add_break()


def add_row(table, cells):
    row = table.add_row()
    for cell, text in zip(row.cells, cells, strict=False):
        set_cell(cell, text)
    return row


def add_merged_row(table, text, start=0):
    row = table.add_row()
    merged = row.cells[start].merge(row.cells[len(row.cells) - 1])
    set_cell(merged, text)
    return row


def save_doc(doc, name):
    doc.save(os.path.join(OUT, name))


# ================================================================== 01 DOCX: дорожная карта ЭЖ
def f01():
    name = "01_dorozhnaya_karta_EZh.docx"
    doc = doc_with_title(
        [
            "УТВЕРЖДАЮ",
            "Директор МБОУ «СОШ № 7»",
            "__________ И.И. Иванов",
            "Приказ № 245-о от 30.08.2024 г.",
            "ДОРОЖНАЯ КАРТА",
            "по переходу на ведение электронного журнала успеваемости",
            "в МБОУ «СОШ № 7» на 2024-2025 учебный год",
        ]
    )
    head = [
        "№ п/п",
        "Наименование мероприятия",
        "Срок исполнения",
        "Ответственный исполнитель",
        "Ожидаемый результат",
        "Отметка о выполнении",
    ]
    t = doc.add_table(rows=1, cols=6)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, head, strict=False):
        set_cell(c, h)
    add_row(t, ["1", "2", "3", "4", "5", "6"])
    P1, P2, P3 = (
        "I. Нормативно-правовое обеспечение",
        "II. Организационное и техническое обеспечение",
        "III. Методическое и информационное сопровождение",
    )
    rows = []
    add_merged_row(t, P1)
    data = [
        (
            "1.1.",
            "Издание приказа о переходе на ведение электронного журнала успеваемости",
            "до 01.09.2024",
            "Директор",
            "Приказ",
            "выполнено",
            P1,
            "D:2024-09-01",
            {"director"},
        ),
        (
            "1.2.",
            "Разработка и утверждение Положения о ведении электронного журнала",
            "август-сентябрь",
            "Заместитель директора по УВР",
            "Положение",
            "",
            P1,
            "W:2024-08-01:2024-09-30",
            {"deputy_uvr"},
        ),
        (
            "1.3.",
            "Назначение ответственного за ведение ЭЖ",
            "01.09.24",
            "Директор",
            "Приказ",
            "",
            P1,
            "W:2024-09-01:2024-09-01",
            {"director"},
        ),
        (
            "1.4.",
            "Внесение изменений в должностные инструкции педагогических работников",
            "сентябрь 2024 г.",
            "Директор, специалист по кадрам",
            "Должностные инструкции",
            "",
            P1,
            "W:2024-09-01:2024-09-30",
            {"director", "hr"},
        ),
    ]
    for n, title, d, r, res, mark, ph, exp_d, codes in data:
        add_row(t, [n, title, d, r, res, mark])
        rows.append(E(ph, n, title, exp_d, codes, res))
    add_merged_row(t, P2)
    data = [
        (
            "2.1.",
            "Проверка технической готовности (компьютеры, доступ к сети Интернет)",
            "01.09.2024–30.09.2024",
            "Системный администратор",
            "Акт готовности",
            "",
            P2,
            "W:2024-09-01:2024-09-30",
            set(),
        ),
        (
            "2.2.",
            "Формирование в ЭЖ списков классов, учебного плана, расписания",
            "с 1 по 15 сентября 2024 г.",
            "Ответственный за ведение ЭЖ",
            "Заполненный ЭЖ",
            "",
            P2,
            "W:2024-09-01:2024-09-15",
            {"ej_officer"},
        ),
        (
            "2.3.",
            "Выдача логинов и паролей обучающимся и родителям",
            "2 неделя сентября",
            "Классные руководители 1-11 классов",
            "Реестр выдачи",
            "",
            P2,
            "W:2024-09-09:2024-09-15",
            {"class_teacher"},
        ),
        (
            "2.4.",
            "Контроль заполнения электронного журнала",
            "ежемесячно",
            "Зам. директора по УВР\nОтветственный за ведение ЭЖ",
            "Справка",
            "",
            P2,
            "R:monthly",
            {"deputy_uvr", "ej_officer"},
        ),
        (
            "2.5.",
            "Ведение электронного журнала в соответствии с Положением",
            "постоянно",
            "Учителя-предметники",
            "",
            "",
            P2,
            "R:continuous",
            {"teacher"},
        ),
    ]
    for n, title, d, r, res, mark, ph, exp_d, codes in data:
        add_row(t, [n, title, d, r, res, mark])
        rows.append(E(ph, n, title, exp_d, codes, res))
    add_merged_row(t, P3)
    data = [
        (
            "3.1.",
            "Обучение педагогов работе в ЭЖ (семинары, консультации)",
            "IV квартал 2024",
            "Методист",
            "План обучения",
            "",
            P3,
            "W:2024-10-01:2024-12-31",
            {"methodologist"},
        ),
        (
            "3.2.",
            "Информирование родителей о ведении ЭЖ на родительских собраниях",
            "сентябрь-октябрь 2024 года",
            "Классные руководители",
            "Протоколы собраний",
            "",
            P3,
            "W:2024-09-01:2024-10-31",
            {"class_teacher"},
        ),
        (
            "3.3.",
            "Анализ ведения ЭЖ, подведение итогов",
            "в конце каждой четверти",
            "Иванова И.И., зам. директора по УВР",
            "Справка",
            "",
            P3,
            "R:end_of_quarter",
            {"deputy_uvr"},
        ),
        (
            "3.4.",
            "Отчёт о реализации дорожной карты",
            "май",
            "Директор",
            "Отчёт",
            "",
            P3,
            "W:2025-05-01:2025-05-31",
            {"director"},
        ),
    ]
    for n, title, d, r, res, mark, ph, exp_d, codes in data:
        add_row(t, [n, title, d, r, res, mark])
        rows.append(E(ph, n, title, exp_d, codes, res))
    doc.add_paragraph("")
    doc.add_paragraph("Исполнитель: Петрова А.А., тел. 8 (3452) 12-34-56")
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["ДОРОЖНАЯ КАРТА", "2024-2025 учебный год"],
        note="7-paragraph title block; numbered header row; line break in a responsible cell; "
        "signature paragraph after the table",
    )


# ============================================================ 02 DOCX: ФГОС, начало/окончание
def f02():
    name = "02_plan_grafik_FGOS.docx"
    doc = doc_with_title(
        [
            "План-график (дорожная карта) введения обновлённых ФГОС НОО и ФГОС ООО",
            "в МАОУ «Гимназия № 3» на 2024/2025 учебный год",
        ]
    )
    t = doc.add_table(rows=2, cols=6)
    t.style = "Table Grid"
    _h1, _h2 = t.rows[0].cells, t.rows[1].cells
    for i, text in ((0, "№"), (1, "Мероприятие"), (4, "Ответственные"), (5, "Результат")):
        m = t.cell(0, i).merge(t.cell(1, i))
        set_cell(m, text)
    m = t.cell(0, 2).merge(t.cell(0, 3))
    set_cell(m, "Сроки")
    set_cell(t.cell(1, 2), "начало")
    set_cell(t.cell(1, 3), "окончание")
    rows = []
    P1, P2, P3 = (
        "Организационно-управленческое обеспечение",
        "Кадровое обеспечение",
        "Информационное обеспечение",
    )
    r = t.add_row().cells
    set_cell(r[0], "1.")
    set_cell(r[1].merge(r[5]), P1)
    data = [
        (
            "1.1.",
            "Создание рабочей группы по введению обновлённых ФГОС",
            "26.08.2024",
            "30.08.2024",
            "Директор",
            "Приказ",
            P1,
            "W:2024-08-26:2024-08-30",
            {"director"},
        ),
        (
            "1.2.",
            "Разработка плана методической работы, обеспечивающей введение ФГОС",
            "сентябрь 2024",
            "май 2025",
            "Заместитель директора по НМР",
            "План",
            P1,
            "W:2024-09-01:2025-05-31",
            {"deputy_nmr"},
        ),
        (
            "1.3.",
            "Корректировка ООП НОО и ООП ООО",
            "",
            "до 01.09.2024",
            "Рабочая группа",
            "ООП",
            P1,
            "D:2024-09-01",
            set(),
        ),
    ]
    for n, title, s, e, resp, res, ph, exp_d, codes in data:
        add_row(t, [n, title, s, e, resp, res])
        rows.append(E(ph, n, title, exp_d, codes, res))
    # a phase row that carries the stage's own period, as roadmaps often do
    add_row(t, ["2.", P2, "сентябрь 2024", "май 2025", "Зам. директора по УВР", ""])
    data = [
        (
            "2.1.",
            "Анализ кадрового обеспечения введения обновлённых ФГОС",
            "сентябрь 2024",
            "сентябрь 2024",
            "Зам. директора по УВР",
            "Справка",
            P2,
            "W:2024-09-01:2024-09-30",
            {"deputy_uvr"},
        ),
        (
            "2.3.",
            "Методическое сопровождение педагогов",
            "01.09.2024",
            "",
            "Руководители ШМО",
            "",
            P2,
            "V",
            {"head_mo"},
        ),
    ]
    n, title, s, e, resp, res, ph, exp_d, codes = data[0]
    add_row(t, [n, title, s, e, resp, res])
    rows.append(E(ph, n, title, exp_d, codes, res))
    # «в течение года» written across both date columns (merged), as schools do
    r = t.add_row().cells
    set_cell(r[0], "2.2.")
    set_cell(r[1], "Курсы повышения квалификации педагогов по обновлённым ФГОС")
    set_cell(r[2].merge(r[3]), "в течение года")
    set_cell(r[4], "Зам. директора по НМР")
    set_cell(r[5], "Удостоверения")
    rows.append(
        E(
            P2,
            "2.2.",
            "Курсы повышения квалификации педагогов по обновлённым ФГОС",
            "R:during_year",
            {"deputy_nmr"},
            "Удостоверения",
        )
    )
    n, title, s, e, resp, res, ph, exp_d, codes = data[1]
    add_row(t, [n, title, s, e, resp, res])
    rows.append(E(ph, n, title, exp_d, codes, res))
    r = t.add_row().cells
    set_cell(r[0], "3.")
    set_cell(r[1].merge(r[5]), P3)
    r = t.add_row().cells
    set_cell(r[0], "3.1.")
    set_cell(r[1], "Размещение информации о введении ФГОС на сайте школы")
    set_cell(r[2].merge(r[3]), "ежемесячно")
    set_cell(r[4], "Ответственный за ведение сайта")
    set_cell(r[5], "Информация на сайте")
    rows.append(
        E(
            P3,
            "3.1.",
            "Размещение информации о введении ФГОС на сайте школы",
            "R:monthly",
            set(),
            "Информация на сайте",
        )
    )
    add_row(
        t,
        [
            "3.2.",
            "Проведение родительских собраний по вопросам введения ФГОС",
            "",
            "15.09.2024",
            "Классные руководители",
            "Протоколы",
        ],
    )
    rows.append(
        E(
            P3,
            "3.2.",
            "Проведение родительских собраний по вопросам введения ФГОС",
            "D:2024-09-15",
            {"class_teacher"},
            "Протоколы",
        )
    )
    doc.add_paragraph("")
    doc.add_paragraph("Заместитель директора по УВР ____________ О.В. Сидорова")
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["ФГОС"],
        phases=[(P1,), (P2,), (P3,)],
        note="two-row header Сроки/начало/окончание; phase row «2.» carries its period; "
        "«в течение года» merged over both date columns; signature paragraph after table",
    )


# ====================================================== 03 DOCX: план ВШК по месяцам, title in table
def f03():
    name = "03_plan_VShK.docx"
    doc = Document()
    t = doc.add_table(rows=0, cols=7)
    t.style = "Table Grid"
    # title block inside the table: rows 1-4, header in row 5
    add_merged_row(t, "УТВЕРЖДАЮ: Директор МБОУ «Лицей № 2» ____________ Н.П. Смирнова")
    add_merged_row(t, "ПЛАН ВНУТРИШКОЛЬНОГО КОНТРОЛЯ")
    add_merged_row(t, "на 2024-2025 учебный год")
    add_merged_row(t, "Цель: совершенствование деятельности ОУ, повышение качества образования")
    add_row(
        t,
        [
            "№",
            "Содержание работы",
            "Цель контроля",
            "Объект контроля",
            "Сроки проведения",
            "Ответственные",
            "Итоговый документ",
        ],
    )
    rows = []
    months = [
        (
            "СЕНТЯБРЬ",
            [
                (
                    "1",
                    "Проверка рабочих программ по учебным предметам и внеурочной деятельности",
                    "Соответствие ФГОС",
                    "Рабочие программы",
                    "1-2 неделя",
                    "Руководители ШМО",
                    "Справка",
                    "W:2024-09-01:2024-09-15",
                    {"head_mo"},
                ),
                (
                    "2",
                    "Проверка личных дел обучающихся",
                    "Соблюдение единых требований",
                    "Личные дела\n1-11 классы",
                    "до 15.09",
                    "Зам. директора по УВР",
                    "Справка",
                    "D:2024-09-15",
                    {"deputy_uvr"},
                ),
                (
                    "3",
                    "Входные контрольные работы",
                    "Уровень остаточных знаний",
                    "2-11 классы",
                    "3-4 неделя сентября",
                    "Учителя-предметники, руководители ШМО",
                    "Анализ",
                    "W:2024-09-16:2024-09-30",
                    {"teacher", "head_mo"},
                ),
            ],
        ),
        (
            "ОКТЯБРЬ",
            [
                (
                    "4",
                    "Адаптация обучающихся 1, 5, 10 классов",
                    "Изучение адаптации",
                    "1, 5, 10 классы",
                    "в течение месяца",
                    "Педагог-психолог, социальный педагог, классные руководители",
                    "Справка",
                    "W:2024-10-01:2024-10-31",
                    {"psychologist", "social_pedagogue", "class_teacher"},
                ),
                (
                    "5",
                    "Проверка ведения электронного журнала",
                    "Своевременность выставления отметок",
                    "ЭЖ",
                    "ежемесячно",
                    "Ответственный за ведение ЭЖ",
                    "Справка",
                    "R:monthly",
                    {"ej_officer"},
                ),
            ],
        ),
        (
            "НОЯБРЬ",
            [
                (
                    "6",
                    "Итоги I четверти",
                    "Анализ успеваемости",
                    "1-11 классы",
                    "в конце I четверти",
                    "Заместитель директора по УВР",
                    "Педсовет",
                    "V",
                    {"deputy_uvr"},
                ),
                (
                    "7",
                    "Контроль посещаемости учебных занятий",
                    "Профилактика пропусков",
                    "Журналы",
                    "еженедельно",
                    "Социальный педагог",
                    "Справка",
                    "R:weekly",
                    {"social_pedagogue"},
                ),
                (
                    "8",
                    "Работа учителей со слабоуспевающими обучающимися",
                    "",
                    "Учителя",
                    "1 раз в четверть",
                    "Учителя-предметники",
                    "Отчёт",
                    "R:quarterly",
                    {"teacher"},
                ),
            ],
        ),
        (
            "МАЙ",
            [
                (
                    "9",
                    "Подготовка к итоговой аттестации",
                    "Готовность к ГИА",
                    "9, 11 классы",
                    "май",
                    "Администрация",
                    "Совещание",
                    "W:2025-05-01:2025-05-31",
                    set(),
                ),
                (
                    "10",
                    "Анализ выполнения плана ВШК",
                    "Итоги года",
                    "",
                    "до 31.05.2025",
                    "Директор",
                    "Анализ",
                    "D:2025-05-31",
                    {"director"},
                ),
            ],
        ),
    ]
    for month, items in months:
        add_merged_row(t, month)
        for n, title, goal, obj, d, resp, res, exp_d, codes in items:
            add_row(t, [n, title, goal, obj, d, resp, res])
            rows.append(E(month, n, title, exp_d, codes, res))
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["ВНУТРИШКОЛЬНОГО КОНТРОЛЯ", "2024-2025"],
        note="title block inside the table, header in row 5; extra columns Цель/Объект контроля; "
        "month phases; dates without year",
    )


# ============================================================ 04 XLSX: циклограмма, merged cells
def f04():
    name = "04_ciklogramma_UVR.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Циклограмма"
    ws["A1"] = "Циклограмма деятельности заместителя директора по УВР"
    ws.merge_cells("A1:F1")
    ws["A2"] = "МБОУ «СОШ № 12» на 2024-2025 учебный год"
    ws.merge_cells("A2:F2")
    ws["E4"] = "Утверждено приказом № 112 от 29.08.2024"
    header = [
        "№ п/п",
        "Содержание работы",
        "Сроки",
        "Ответственные",
        "Отметка о выполнении",
        "Примечание",
    ]
    for i, h in enumerate(header, 1):
        ws.cell(5, i, h)
    for i in range(1, 7):
        ws.cell(6, i, i)
    rows = []
    P1, P2 = "Работа с педагогическими кадрами", "Контроль за образовательным процессом"
    ws["A7"] = P1
    ws.merge_cells("A7:F7")
    # row 8: typed «сентябрь 2024», Excel stored a date shown as «Сентябрь 2024»
    ws.append([])
    ws.cell(8, 1, 1)
    ws.cell(8, 2, "Составление графика открытых уроков и предметных недель")
    c = ws.cell(8, 3, datetime(2024, 9, 1))
    c.number_format = "MMMM YYYY"
    ws.cell(8, 4, "Зам. директора по УВР")
    rows.append(
        E(
            P1,
            "1",
            "Составление графика открытых уроков и предметных недель",
            "W:2024-09-01:2024-09-30",
            {"deputy_uvr"},
        )
    )
    # rows 9-11: deadline merged over 9-10, responsible merged over 9-11
    ws.cell(9, 1, 2)
    ws.cell(9, 2, "Аттестация педагогических работников")
    ws.cell(9, 3, "в течение года")
    ws.cell(9, 4, "Зам. директора по УВР")
    ws.cell(10, 1, 3)
    ws.cell(10, 2, "Курсовая подготовка педагогов")
    ws.merge_cells("C9:C10")
    ws.cell(11, 1, 4)
    ws.cell(11, 2, "Проверка рабочих программ")
    c = ws.cell(11, 3, datetime(2024, 9, 15))
    c.number_format = "DD.MM.YYYY"
    ws.merge_cells("D9:D11")
    rows += [
        E(P1, "2", "Аттестация педагогических работников", "R:during_year", {"deputy_uvr"}),
        E(P1, "3", "Курсовая подготовка педагогов", "R:during_year", {"deputy_uvr"}),
        E(P1, "4", "Проверка рабочих программ", "W:2024-09-15:2024-09-15", {"deputy_uvr"}),
    ]
    ws["A12"] = P2
    ws.merge_cells("A12:F12")
    # unnumbered items, deadline and responsible merged over two rows
    ws.cell(13, 2, "Посещение уроков")
    ws.cell(13, 3, "еженедельно")
    ws.cell(13, 4, "Директор, зам. директора по УВР")
    ws.cell(14, 2, "Проверка дневников обучающихся")
    ws.merge_cells("C13:C14")
    ws.merge_cells("D13:D14")
    ws.cell(15, 2, "Мониторинг успеваемости по итогам четверти")
    ws.cell(15, 3, "в конце каждой четверти")
    ws.cell(15, 4, "Зам. директора по УВР,\nклассные руководители")
    ws.cell(15, 4).alignment = Alignment(wrap_text=True)
    ws.cell(16, 2, "Подготовка статистического отчёта ОО-1")
    ws.cell(16, 3, "до 20.09.2024")
    ws.cell(16, 4, "Зам. директора по УВР")
    ws.cell(16, 6, "")
    rows += [
        E(P2, "", "Посещение уроков", "R:weekly", {"director", "deputy_uvr"}),
        E(P2, "", "Проверка дневников обучающихся", "R:weekly", {"director", "deputy_uvr"}),
        E(
            P2,
            "",
            "Мониторинг успеваемости по итогам четверти",
            "R:end_of_quarter",
            {"deputy_uvr", "class_teacher"},
        ),
        E(P2, "", "Подготовка статистического отчёта ОО-1", "D:2024-09-20", {"deputy_uvr"}),
    ]
    ws["A18"] = "Итого: 8 мероприятий"
    ws.merge_cells("A18:F18")
    ws["B20"] = "Заместитель директора по УВР"
    ws["D20"] = "О.В. Сидорова"
    wb.save(os.path.join(OUT, name))
    register(
        name,
        "xlsx",
        rows,
        title_has=["Циклограмма", "2024-2025"],
        phases=[(P1,), (P2,)],
        note="header in row 5 under a title block; column numbers row; Excel month-formatted date; "
        "vertically merged deadline/responsible; unnumbered items; «Итого» and signature rows",
    )


# ================================================= 05 CSV «;» from Excel, ГИА plan with many commas
def f05():
    name = "05_plan_GIA_excel.csv"
    P1, P2 = "1. Организационно-методическая работа", "2. Работа с обучающимися и родителями"
    lines = [
        [
            "План мероприятий по подготовке к государственной итоговой аттестации в 2024-2025 учебном году",
            "",
            "",
            "",
            "",
        ],
        ["№ п/п", "Мероприятие", "Срок исполнения", "Ответственные", "Форма отчётности"],
        [P1, "", "", "", ""],
    ]
    rows = []
    data = [
        (
            "1.1",
            "Изучение нормативных документов, регламентирующих проведение ГИА, с педагогами, выпускниками, родителями",
            "сентябрь 2024 г.",
            "Зам. директора по УВР, руководители ШМО, учителя-предметники, классные руководители",
            "Протокол",
            P1,
            "W:2024-09-01:2024-09-30",
            {"deputy_uvr", "head_mo", "teacher", "class_teacher"},
        ),
        (
            "1.2",
            "Формирование базы данных выпускников 9, 11 классов, сбор заявлений, согласий на обработку персональных данных",
            "до 01.02.2025",
            "Зам. директора по УВР, классные руководители, секретарь",
            "База данных",
            P1,
            "D:2025-02-01",
            {"deputy_uvr", "class_teacher", "secretary"},
        ),
        (
            "1.3",
            "Проведение пробных экзаменов по русскому языку, математике, предметам по выбору",
            "декабрь 2024 – январь 2025",
            "Зам. директора по УВР, руководители ШМО, учителя-предметники",
            "Анализ, справка",
            P1,
            "W:2024-12-01:2025-01-31",
            {"deputy_uvr", "head_mo", "teacher"},
        ),
        (
            "1.4",
            "Анализ результатов пробных экзаменов, корректировка планов подготовки, индивидуальных маршрутов",
            "февраль 2025",
            "Руководители ШМО, учителя-предметники",
            "Справка",
            P1,
            "W:2025-02-01:2025-02-28",
            {"head_mo", "teacher"},
        ),
    ]
    for n, title, d, resp, res, ph, exp_d, codes in data:
        lines.append([n, title, d, resp, res])
        rows.append(E(ph, n, title, exp_d, codes, res))
    lines.append([P2, "", "", "", ""])
    data = [
        (
            "2.1",
            "Консультации по предметам, индивидуальная работа со слабоуспевающими, мотивированными выпускниками",
            "в течение учебного года",
            "Учителя-предметники, педагог-психолог",
            "График консультаций",
            P2,
            "R:during_year",
            {"teacher", "psychologist"},
        ),
        (
            "2.2",
            "Родительские собрания по вопросам подготовки, проведения ГИА, ознакомление с правилами, порядком",
            "октябрь, январь, апрель",
            "Директор, зам. директора по УВР, классные руководители",
            "Протоколы, листы ознакомления",
            P2,
            "V",
            {"director", "deputy_uvr", "class_teacher"},
        ),
        (
            "2.3",
            "Психологическая подготовка выпускников: тренинги, консультации, анкетирование",
            "1 раз в четверть",
            "Педагог-психолог, классные руководители",
            "Отчёт",
            P2,
            "R:quarterly",
            {"psychologist", "class_teacher"},
        ),
        (
            "2.4",
            "Информирование о результатах ГИА, сроках подачи апелляций",
            "май-июнь 2025",
            "Зам. директора по УВР, классные руководители",
            "Журнал, ведомость",
            P2,
            "W:2025-05-01:2025-06-30",
            {"deputy_uvr", "class_teacher"},
        ),
    ]
    for n, title, d, resp, res, ph, exp_d, codes in data:
        lines.append([n, title, d, resp, res])
        rows.append(E(ph, n, title, exp_d, codes, res))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(
        lines
    )  # as Excel writes «CSV (;)»
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    register(
        name,
        "csv",
        rows,
        title_has=["государственной итоговой аттестации"],
        phases=[(P1,), (P2,)],
        note='Excel «CSV UTF-8 (;)»: fields with commas are not quoted (Excel quotes only ; " newline)',
    )


# ============================================== 06 CSV «;» CP1251: title block, swapped order, etc.
def f06():
    name = "06_plan_FGOS_SOO_cp1251.csv"
    lines = [
        ";;;;Приложение 1 к приказу;",
        ";;;;от 28.08.2024 № 156;",
        "План мероприятий по введению ФГОС СОО;;;;;",
        "на 2024-2025 учебный год;;;;;",
        "№ п/п;Содержание работы;Ответственный исполнитель;Сроки проведения;Ожидаемый результат;Примечание",
        "1;2;3;4;5;6",
    ]
    rows = []
    P = ""
    data = [
        (
            "1",
            "Заседание рабочей группы по введению ФГОС СОО",
            "Директор",
            "до 1 сентября",
            "Протокол",
            "D:2024-09-01",
            {"director"},
        ),
        (
            "2",
            "Мониторинг готовности педагогов к введению ФГОС СОО",
            "Методист",
            "в течение 2024-2025 уч. года",
            "Аналитическая справка",
            "R:during_year",
            {"methodologist"},
        ),
        (
            "3",
            "Посещение уроков в 10 классах",
            "Зам. директора по УВР",
            "по графику",
            "Справка",
            "V",
            {"deputy_uvr"},
        ),
        (
            "4",
            "Проведение диагностических работ",
            "Руководители ШМО",
            "апрель, май 2025",
            "Анализ",
            "V",
            {"head_mo"},
        ),
        (
            "5",
            "Организация внеурочной деятельности в 10-11 классах",
            "Зам. директора по ВР",
            "01.09.2024–30.09.2024",
            "Расписание",
            "W:2024-09-01:2024-09-30",
            {"deputy_vr"},
        ),
        # the two columns swapped in this one row (a person in the deadline column)
        (
            "6",
            "Обновление раздела сайта «ФГОС СОО»",
            "октябрь 2024",
            "Иванова И.И.",
            "Страница на сайте",
            "W:2024-10-01:2024-10-31",
            set(),
        ),
        (
            "7",
            "Сдача отчётов классных руководителей о работе с родителями",
            "Классные руководители",
            "до 25 числа каждого месяца",
            "Отчёт",
            "V",
            {"class_teacher"},
        ),
        (
            "8",
            "Промежуточный анализ реализации плана",
            "Зам. директора по УВР",
            "до конца 1 полугодия",
            "Справка",
            "D:2024-12-31",
            {"deputy_uvr"},
        ),
        (
            "9",
            "Индивидуальные консультации для родителей",
            "Педагог-психолог, социальный педагог",
            "по мере необходимости",
            "",
            "R:as_needed",
            {"psychologist", "social_pedagogue"},
        ),
        (
            "10",
            "Итоговый анализ введения ФГОС СОО",
            "Директор",
            "2024-2025",
            "Отчёт",
            "V",
            {"director"},
        ),
    ]
    for n, title, resp, d, res, exp_d, codes in data:
        lines.append(";".join([n, title, resp, d, res, ""]))
        rows.append(E(P, n, title, exp_d, codes, res))
    lines.append("Итого;;;;;")
    lines.append("Исполнитель: Петрова А.А., тел. 8-912-345-67-89;;;;;")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write("\r\n".join(lines).encode("cp1251"))
    register(
        name,
        "csv",
        rows,
        title_has=["ФГОС СОО", "2024-2025"],
        phases=[("",)],
        note="CP1251; header in row 5; responsible before deadline; empty last column; swapped cells; "
        "«Итого» and signature lines",
    )


# ============================================== 07 CSV «,» UTF-8: quoted multi-line cells, checks
def f07():
    name = "07_plan_profilaktika_comma.csv"
    lines = [
        [
            "№",
            "Наименование мероприятия",
            "Сроки",
            "Ответственные",
            "Целевая аудитория",
            "Ожидаемый результат",
        ],
        ["1. Профилактика безнадзорности и правонарушений", "", "", "", "", ""],
    ]
    rows = []
    P1, P2 = "1. Профилактика безнадзорности и правонарушений", "2. Работа с родителями"
    data = [
        (
            "1.1",
            "Сверка списков обучающихся, состоящих на различных видах учёта",
            "сентябрь 2024",
            "Социальный педагог",
            "1-11 классы",
            "Банк данных",
            P1,
            "W:2024-09-01:2024-09-30",
            {"social_pedagogue"},
        ),
        (
            "1.2",
            "Заседания Совета профилактики",
            "ежемесячно",
            "Зам. директора по ВР\nСоциальный педагог",
            "Обучающиеся группы риска",
            "Протоколы",
            P1,
            "R:monthly",
            {"deputy_vr", "social_pedagogue"},
        ),
        (
            "1.3",
            "Рейды: - посещение семей;\n- проверка внешнего вида;\n- контроль посещаемости",
            "1 раз в четверть",
            "Социальный педагог, классные руководители",
            "",
            "Акты",
            P1,
            "R:quarterly",
            {"social_pedagogue", "class_teacher"},
        ),
        (
            "1.4",
            "Неделя правовых знаний",
            "10.10.2024-15.10.2024",
            "Зам. директора по ВР",
            "5-11 классы",
            "",
            P1,
            "W:2024-10-10:2024-10-15",
            {"deputy_vr"},
        ),
    ]
    for n, title, d, resp, aud, res, ph, exp_d, codes in data:
        lines.append([n, title, d, resp, aud, res])
        rows.append(E(ph, n, title, exp_d, codes, res))
    lines.append([P2, "", "", "", "", ""])
    data = [
        (
            "2.1",
            "Общешкольное родительское собрание",
            "IV квартал 2024",
            "Директор",
            "Родители",
            "Протокол",
            P2,
            "W:2024-10-01:2024-12-31",
            {"director"},
        ),
        (
            "2.2",
            "Индивидуальные беседы с родителями",
            "постоянно",
            "Классные руководители,\nродители",
            "Родители",
            "",
            P2,
            "R:continuous",
            {"class_teacher"},
        ),
        (
            "2.3",
            "Лекторий для родителей",
            "ноябрь 2024 - март",
            "Педагог-психолог",
            "Родители",
            "",
            P2,
            "W:2024-11-01:2025-03-31",
            {"psychologist"},
        ),
    ]
    for n, title, d, resp, aud, res, ph, exp_d, codes in data:
        lines.append([n, title, d, resp, aud, res])
        rows.append(E(ph, n, title, exp_d, codes, res))
    buf = io.StringIO()
    csv.writer(buf, delimiter=",", lineterminator="\n").writerows(lines)
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(buf.getvalue())
    register(
        name,
        "csv",
        rows,
        phases=[(P1,), (P2,)],
        note="comma CSV; quoted multi-line cells; checks «- …; - …»; Целевая аудитория column",
    )


# ================================================== 08 TXT (tab) from Word, UTF-8
def f08():
    name = "08_plan_VR_word_paste.txt"
    P1, P2 = "Гражданско-патриотическое воспитание", "Работа с родителями"
    L = [
        "План воспитательной работы МБОУ «СОШ № 4»",
        "на 2024-2025 учебный год",
        "",
        "№\tМероприятия\tСроки\tОтветственный",
        f"\t{P1}\t\t",
    ]
    rows = []
    data = [
        (
            "1",
            "Торжественная линейка «День знаний»",
            "01.09.2024",
            "Зам. директора по ВР",
            P1,
            "W:2024-09-01:2024-09-01",
            {"deputy_vr"},
        ),
        (
            "2",
            "Уроки мужества, посвящённые Дню Героев Отечества",
            "декабрь 2024 г.",
            "Советник директора по воспитанию\x0bКлассные руководители",
            P1,
            "W:2024-12-01:2024-12-31",
            {"deputy_vr", "class_teacher"},
        ),
        (
            "3",
            "Церемония поднятия Государственного флага РФ",
            "еженедельно",
            "Советник директора по воспитанию",
            P1,
            "R:weekly",
            {"deputy_vr"},
        ),
        (
            "4",
            "Мероприятия, посвящённые Дню Победы",
            "в мае 2025 года",
            "Зам. директора по ВР, классные руководители",
            P1,
            "W:2025-05-01:2025-05-31",
            {"deputy_vr", "class_teacher"},
        ),
        # deadline and responsible swapped in this row
        (
            "5",
            "Конкурс чтецов «Живое слово»",
            "Иванова И.И.",
            "до 01.10.2024",
            P1,
            "D:2024-10-01",
            set(),
        ),
    ]
    for n, title, d, resp, ph, exp_d, codes in data:
        L.append("\t".join([n, title, d, resp]))
        rows.append(E(ph, n, title, exp_d, codes))
    L.append(f"\t{P2}\t\t")
    data = [
        (
            "6",
            "Родительский всеобуч",
            "1 раз в полугодие",
            "Педагог-психолог",
            P2,
            "R:half_yearly",
            {"psychologist"},
        ),
        (
            "7",
            "Заседания родительского комитета",
            "по мере необходимости",
            "Председатель родительского комитета",
            P2,
            "R:as_needed",
            {"parents_council_chair"},
        ),
        (
            "8",
            "Анализ воспитательной работы за год",
            "в конце 2024-2025 учебного года",
            "Зам. директора по ВР",
            P2,
            "R:end_of_school_year",
            {"deputy_vr"},
        ),
        (
            "9",
            "Отчёт о работе с семьями «группы риска»",
            "до конца мая 2025",
            "Социальный педагог",
            P2,
            "D:2025-05-31",
            {"social_pedagogue"},
        ),
        (
            "10",
            "Участие родителей в общешкольных мероприятиях",
            "в течение 2024/2025 учебного года",
            "Родители",
            P2,
            "R:during_year",
            set(),
        ),
    ]
    for n, title, d, resp, ph, exp_d, codes in data:
        L.append("\t".join([n, title, d, resp]))
        rows.append(E(ph, n, title, exp_d, codes))
    L.append("")
    L.append("Итого мероприятий: 10")
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\r\n") as f:
        f.write("\n".join(L) + "\n")
    register(
        name,
        "txt",
        rows,
        title_has=["План воспитательной работы", "2024-2025"],
        phases=[(P1,), (P2,)],
        note="Word table pasted as text: leading-tab phase rows, \\x0b line break, swapped row, «Итого»",
    )


# ================================================== 09 TXT (tab) copied from Excel, CP1251
def _f09(name, multiline_in_last):
    L = [
        "Сетевой график по внедрению электронного журнала на 2024-2025 учебный год",
        "№ п/п\tНаименование мероприятия\tСроки\tОтветственные\tРезультат",
    ]
    rows = []
    resp2 = (
        "Зам. директора по ИКТ"
        if multiline_in_last
        else '"Зам. директора по ИКТ\nОтветственный за ведение ЭЖ"'
    )
    codes2 = {"deputy_ikt"} if multiline_in_last else {"deputy_ikt", "ej_officer"}
    res2 = '"Приказ\nНастроенный ЭЖ"' if multiline_in_last else "Настроенный ЭЖ"
    data = [
        (
            "1",
            "Создание рабочей группы",
            "август 2024",
            "Директор",
            "Приказ",
            "W:2024-08-01:2024-08-31",
            {"director"},
            "Приказ",
        ),
        (
            "2",
            "Настройка ЭЖ: справочники, классы, предметы",
            "с 1 по 15 сентября 2024 г.",
            resp2,
            res2,
            "W:2024-09-01:2024-09-15",
            codes2,
            "Приказ Настроенный ЭЖ" if multiline_in_last else "Настроенный ЭЖ",
        ),
        (
            "3",
            "Обучение педагогов",
            "сентябрь-октябрь 2024 года",
            "Зам. директора по ИКТ",
            "Протоколы",
            "W:2024-09-01:2024-10-31",
            {"deputy_ikt"},
            "Протоколы",
        ),
        (
            "4",
            "Проверка заполнения ЭЖ",
            "еженедельно",
            "Зам. директора по УВР",
            "Справка",
            "R:weekly",
            {"deputy_uvr"},
            "Справка",
        ),
        (
            "5",
            "Отчёт о работе ЭЖ",
            "в конце каждой четверти",
            "Ответственный за ведение ЭЖ",
            "Отчёт",
            "R:end_of_quarter",
            {"ej_officer"},
            "Отчёт",
        ),
    ]
    for n, title, d, resp, res, exp_d, codes, exp_res in data:
        L.append("\t".join([n, title, d, resp, res]))
        rows.append(E("", n, title, exp_d, codes, exp_res))
    with open(os.path.join(OUT, name), "wb") as f:
        f.write("\r\n".join(L).encode("cp1251"))
    register(
        name,
        "txt",
        rows,
        title_has=["Сетевой график"],
        phases=[("",)],
        note="copied from Excel: a multi-line cell comes out quoted and spread over two lines ("
        + ("last column" if multiline_in_last else "a middle column")
        + ")",
    )


def f09():
    _f09("09_plan_EZh_excel_paste_cp1251.txt", True)


def f09b():
    _f09("09b_plan_EZh_excel_paste_middle_cell_cp1251.txt", False)


# ========================================== 10 XLSX: квартальная сетка, план на календарный год
def f10():
    name = "10_plan_antiterror_2025_kvartaly.xlsx"
    wb = Workbook()
    ws = wb.active
    ws["A1"] = (
        "План мероприятий по обеспечению антитеррористической защищённости МБОУ «СОШ № 9» на 2025 год"
    )
    ws.merge_cells("A1:I1")
    ws.append([])
    ws.append(
        [
            "№ п/п",
            "Наименование мероприятия",
            "Срок исполнения",
            None,
            None,
            None,
            "Ответственные",
            "Целевая аудитория",
            "Отметка о выполнении",
        ]
    )
    ws.merge_cells("C3:F3")
    ws.append([None, None, "I кв.", "II кв.", "III кв.", "IV кв.", None, None, None])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("G3:G4")
    ws.merge_cells("H3:H4")
    ws.merge_cells("I3:I4")
    rows = []
    data = [
        (
            "1",
            "Инструктажи по действиям при угрозе теракта",
            ["+", "", "+", ""],
            "Директор, зам. директора по АХЧ",
            "Работники",
            "V",
            {"director", "deputy_ahch"},
        ),
        (
            "2",
            "Проверка системы видеонаблюдения и тревожной кнопки",
            ["+", "+", "+", "+"],
            "Заместитель директора по АХЧ",
            "",
            "R:quarterly",
            {"deputy_ahch"},
        ),
        (
            "3",
            "Учебная эвакуация обучающихся и работников",
            ["", "+", "", ""],
            "Директор, классные руководители",
            "Обучающиеся, работники",
            "W:2025-04-01:2025-06-30",
            {"director", "class_teacher"},
        ),
        (
            "4",
            "Обновление паспорта безопасности",
            ["", "", "+", "+"],
            "Директор",
            "",
            "W:2025-07-01:2025-12-31",
            {"director"},
        ),
        (
            "5",
            "Классные часы по антитеррористической безопасности",
            ["+", "+", "+", "+"],
            "Классные руководители",
            "1-11 классы",
            "R:quarterly",
            {"class_teacher"},
        ),
        (
            "6",
            "Совместные учения с территориальными органами безопасности",
            ["", "", "", "+"],
            "Директор, ОМВД России по району",
            "",
            "W:2025-10-01:2025-12-31",
            {"director"},
        ),
    ]
    for n, title, marks, resp, aud, exp_d, codes in data:
        ws.append([int(n), title, *marks, resp, aud, ""])
        ext = 1 if "ОМВД" in resp else 0
        rows.append(E("", n, title, exp_d, codes, ext=ext))
    # «в течение года» typed across the four quarter cells (merged)
    r = ws.max_row + 1
    ws.cell(r, 1, 7)
    ws.cell(r, 2, "Контроль пропускного режима")
    ws.cell(r, 3, "в течение года")
    ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=6)
    ws.cell(r, 7, "Зам. директора по АХЧ")
    rows.append(
        E("", "7", "Контроль пропускного режима", "W:2025-01-01:2025-12-31", {"deputy_ahch"})
    )
    wb.save(os.path.join(OUT, name))
    register(
        name,
        "xlsx",
        rows,
        title_has=["2025 год"],
        phases=[("",)],
        note="quarter grid under a merged «Срок исполнения»; calendar year 2025 in the title; "
        "the police (ОМВД) in a responsible cell",
    )


# ==================================== 11 DOCX: сетевой график with an «Этап» column (merged down)
def f11():
    name = "11_setevoy_grafik_etapy.docx"
    doc = doc_with_title(
        ["Сетевой график по введению ФГОС ООО в МБОУ «ООШ № 15»", "на 2024-2025 учебный год"]
    )
    head = [
        "Этап",
        "№",
        "Содержание работы",
        "Исполнители",
        "Сроки проведения",
        "Форма отчётности",
        "Примечание",
    ]
    t = doc.add_table(rows=1, cols=7)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, head, strict=False):
        set_cell(c, h)
    stages = [
        (
            "Подготовительный",
            [
                (
                    "1",
                    "Изучение нормативных документов",
                    "Зам. директора по УВР",
                    "август 2024",
                    "Протокол",
                    "W:2024-08-01:2024-08-31",
                    {"deputy_uvr"},
                ),
                (
                    "2",
                    "Анализ ресурсного обеспечения",
                    "Директор, зам. директора по АХЧ",
                    "до 25.08.2024",
                    "Справка",
                    "D:2024-08-25",
                    {"director", "deputy_ahch"},
                ),
            ],
        ),
        (
            "Основной",
            [
                (
                    "3",
                    "Реализация рабочих программ",
                    "Учителя-предметники",
                    "в течение учебного года",
                    "Отчёт",
                    "R:during_year",
                    {"teacher"},
                ),
                (
                    "4",
                    "Мониторинг образовательных результатов",
                    "Руководители ШМО",
                    "1 раз в четверть",
                    "Справка",
                    "R:quarterly",
                    {"head_mo"},
                ),
                (
                    "5",
                    "Методические семинары",
                    "Зам. директора по НМР",
                    "по плану методической работы",
                    "Материалы",
                    "V",
                    {"deputy_nmr"},
                ),
            ],
        ),
        (
            "Аналитический",
            [
                (
                    "6",
                    "Анализ результатов введения ФГОС ООО",
                    "Зам. директора по УВР",
                    "май 2025",
                    "Аналитическая справка",
                    "W:2025-05-01:2025-05-31",
                    {"deputy_uvr"},
                ),
            ],
        ),
    ]
    rows = []
    for stage, items in stages:
        first = len(t.rows)
        for n, title, resp, d, res, exp_d, codes in items:
            add_row(t, ["", n, title, resp, d, res, ""])
            rows.append(E(stage, n, title, exp_d, codes, res))
        last = len(t.rows) - 1
        m = t.cell(first, 0).merge(t.cell(last, 0)) if last > first else t.cell(first, 0)
        set_cell(m, stage)
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["Сетевой график"],
        note="first column «Этап» merged down (the phases); responsible before deadline; Примечание",
    )


# ===================== 12 DOCX: план противодействия коррупции на 2025 год, «Задачи» + «Мероприятия»
def f12():
    name = "12_plan_antikorrupciya_2025.docx"
    doc = doc_with_title(
        [
            "УТВЕРЖДЕН приказом от 27.12.2024 № 301",
            "План мероприятий по противодействию коррупции в МБОУ «СОШ № 21» на 2025 год",
        ]
    )
    head = [
        "№ п/п",
        "Задачи",
        "Мероприятия",
        "Срок исполнения",
        "Ответственные",
        "Ожидаемый результат",
    ]
    t = doc.add_table(rows=1, cols=6)
    t.style = "Table Grid"
    for c, h in zip(t.rows[0].cells, head, strict=False):
        set_cell(c, h)
    groups = [
        (
            "Совершенствование нормативной базы",
            [
                (
                    "1",
                    "Анализ локальных актов на коррупциогенность",
                    "I квартал 2025",
                    "Директор",
                    "Заключение",
                    "W:2025-01-01:2025-03-31",
                    {"director"},
                ),
                (
                    "2",
                    "Актуализация плана противодействия коррупции",
                    "в конце года",
                    "Директор",
                    "План",
                    "W:2025-12-01:2025-12-31",
                    {"director"},
                ),
            ],
        ),
        (
            "Антикоррупционное просвещение",
            [
                (
                    "3",
                    "Классные часы «Мои права и обязанности»",
                    "в течение года",
                    "Классные руководители",
                    "Сценарии",
                    "W:2025-01-01:2025-12-31",
                    {"class_teacher"},
                ),
                (
                    "4",
                    "Информирование родителей о порядке приёма в школу",
                    "до 01.04.2025",
                    "Секретарь",
                    "Информация на сайте",
                    "D:2025-04-01",
                    {"secretary"},
                ),
                (
                    "5",
                    "Отчёт о выполнении плана",
                    "ежеквартально",
                    "Специалист по кадрам",
                    "Отчёт",
                    "R:quarterly",
                    {"hr"},
                ),
            ],
        ),
    ]
    rows = []
    for task, items in groups:
        first = len(t.rows)
        for n, title, d, resp, res, exp_d, codes in items:
            add_row(t, [n, "", title, d, resp, res])
            rows.append(E(task, n, title, exp_d, codes, res))
        last = len(t.rows) - 1
        m = t.cell(first, 1).merge(t.cell(last, 1))
        set_cell(m, task)
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["противодействию коррупции", "2025 год"],
        phases=[(task,) for task, _items in groups],
        note="«Задачи» column (merged down) before «Мероприятия»; calendar-year plan",
    )


# ======================== 13 DOCX: approval table, then the plan split in two tables (page break)
def f13():
    name = "13_plan_dva_razdela_dve_tablicy.docx"
    doc = Document()
    a = doc.add_table(rows=1, cols=2)
    set_cell(
        a.cell(0, 0), "СОГЛАСОВАНО\nна заседании педагогического совета\nпротокол № 1 от 29.08.2024"
    )
    set_cell(a.cell(0, 1), "УТВЕРЖДАЮ\nДиректор МБОУ «СОШ № 30»\n_______ А.В. Кузнецов")
    doc.add_paragraph("План-график подготовки к введению ЭЖ на 2024-2025 учебный год")
    head = ["№", "Мероприятие", "Сроки", "Ответственный"]
    t1 = doc.add_table(rows=1, cols=4)
    for c, h in zip(t1.rows[0].cells, head, strict=False):
        set_cell(c, h)
    P1, P2 = "Раздел 1. Подготовка", "Раздел 2. Внедрение"
    add_merged_row(t1, P1)
    rows = []
    for n, title, d, resp, exp_d, codes in [
        ("1", "Приказ о внедрении ЭЖ", "до 30.08.2024", "Директор", "D:2024-08-30", {"director"}),
        (
            "2",
            "Обучение педагогов",
            "сентябрь 2024",
            "Зам. директора по ИКТ",
            "W:2024-09-01:2024-09-30",
            {"deputy_ikt"},
        ),
    ]:
        add_row(t1, [n, title, d, resp])
        rows.append(E(P1, n, title, exp_d, codes))
    doc.add_paragraph("")  # Word splits the table here (page break before the next section)
    t2 = doc.add_table(rows=0, cols=4)
    add_merged_row(t2, P2)
    for n, title, d, resp, exp_d, codes in [
        ("3", "Ведение ЭЖ всеми педагогами", "с 01.10.2024", "Учителя", "V", {"teacher"}),
        (
            "4",
            "Контроль ведения ЭЖ",
            "ежемесячно",
            "Зам. директора по УВР",
            "R:monthly",
            {"deputy_uvr"},
        ),
        (
            "5",
            "Отчёт о внедрении ЭЖ",
            "до 30.05.2025",
            "Зам. директора по ИКТ",
            "D:2025-05-30",
            {"deputy_ikt"},
        ),
    ]:
        add_row(t2, [n, title, d, resp])
        rows.append(E(P2, n, title, exp_d, codes))
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["ЭЖ"],
        phases=[(P1,), (P2,)],
        note="approval table first; plan continues in a second table without a header",
    )


# ================= 14 XLSX: the app's own «План» export (Этап | № | … | Начало | Срок | …) re-uploaded
def f14():
    name = "14_reimport_app_export.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "План"
    ws.append(["Дорожная карта ЭЖ (состояние на 15.10.2024)"])
    ws.append(
        [
            "Этап",
            "№",
            "Мероприятие",
            "Начало",
            "Срок",
            "Срок по плану",
            "Ответственные (должности)",
            "Исполнители",
            "Статус",
            "Дата выполнения",
        ]
    )
    P1, P2 = "Нормативное обеспечение", "Организационное обеспечение"
    data = [
        (
            P1,
            "1.1",
            "Приказ о переходе на ЭЖ",
            None,
            date(2024, 9, 1),
            "до 01.09.2024",
            "Директор",
            "Иванов И.И.",
            "Выполнено",
            date(2024, 8, 30),
            "D:2024-09-01|W:2024-09-01:2024-09-01",
            {"director"},
        ),
        (
            P1,
            "1.2",
            "Положение о ЭЖ",
            date(2024, 8, 1),
            date(2024, 9, 30),
            "август-сентябрь 2024",
            "Заместитель директора по УВР",
            "Сидорова О.В.",
            "Выполнено",
            date(2024, 9, 20),
            "W:2024-08-01:2024-09-30",
            {"deputy_uvr"},
        ),
        (
            P2,
            "2.1",
            "Обучение педагогов",
            date(2024, 10, 1),
            date(2024, 12, 31),
            "IV квартал 2024",
            "Заместитель директора по ИКТ",
            "",
            "В работе",
            None,
            "W:2024-10-01:2024-12-31",
            {"deputy_ikt"},
        ),
        (
            P2,
            "2.2",
            "Контроль заполнения ЭЖ",
            None,
            None,
            "Ежемесячно",
            "Заместитель директора по УВР",
            "",
            "В работе",
            None,
            "R:monthly",
            {"deputy_uvr"},
        ),
    ]
    rows = []
    for ph, n, title, s, e, text, resp, people, status, done, exp_d, codes in data:
        vals = [
            ph,
            n,
            title,
            s and datetime.combine(s, datetime.min.time()),
            e and datetime.combine(e, datetime.min.time()),
            text,
            resp,
            people,
            status,
            done and datetime.combine(done, datetime.min.time()),
        ]
        ws.append(vals)
        for col in (4, 5, 10):
            ws.cell(ws.max_row, col).number_format = "DD.MM.YYYY"
        rows.append(E(ph, n, title, exp_d, codes))
    wb.save(os.path.join(OUT, name))
    register(
        name,
        "xlsx",
        rows,
        phases=[(P1,), (P2,)],
        note="the tracker's own plan_xlsx layout (tracker/plans/sheets.py COLUMNS) uploaded back",
    )


# ======================== 15 TSV UTF-8: муниципальная дорожная карта (УО), header with Цель/Задачи
def f15():
    name = "15_municipal_roadmap_tab.txt"
    P1 = "Нормативно-правовое и организационное обеспечение"
    L = [
        "Дорожная карта по введению электронных журналов в общеобразовательных организациях города на 2024-2025 учебный год",
        "",
        "№ п/п\tНаименование мероприятия\tСрок исполнения\tОтветственный исполнитель\tОжидаемый результат",
        f"{P1}\t\t\t\t",
    ]
    rows = []
    data = [
        (
            "1",
            "Приказ управления образования о введении ЭЖ",
            "до 15.08.2024",
            "УО администрации города",
            "Приказ",
            "D:2024-08-15",
            set(),
            1,
        ),
        (
            "2",
            "Назначение в ОО ответственных за ведение ЭЖ",
            "до 01.09.2024",
            "Руководители ОО",
            "Приказы ОО",
            "D:2024-09-01",
            {"director"},
            0,
        ),
        (
            "3",
            "Приказ ОО о ведении ЭЖ",
            "до 01.09.2024",
            "Директор муниципального бюджетного общеобразовательного учреждения",
            "Приказ",
            "D:2024-09-01",
            {"director"},
            0,
        ),
        (
            "4",
            "Обучение школьных администраторов ЭЖ",
            "сентябрь 2024 г.",
            "ИМЦ, администратор ЭЖ",
            "Сертификаты",
            "W:2024-09-01:2024-09-30",
            {"ej_officer"},
            1,
        ),
        (
            "5",
            "Участие школьных координаторов в муниципальном этапе конкурса",
            "ноябрь 2024",
            "Школьный координатор муниципального этапа ВсОШ",
            "Заявки",
            "W:2024-11-01:2024-11-30",
            set(),
            0,
        ),
        (
            "6",
            "Мониторинг заполнения ЭЖ в ОО",
            "ежемесячно",
            "Муниципальный координатор",
            "Справка",
            "R:monthly",
            set(),
            1,
        ),
        (
            "7",
            "Отчёт о введении ЭЖ в школе",
            "декабрь 2024 – январь 2025",
            "Администрация МБОУ СОШ № 3 г. Краснодара",
            "Отчёт",
            "W:2024-12-01:2025-01-31",
            set(),
            0,
        ),
    ]
    for n, title, d, resp, res, exp_d, codes, ext in data:
        L.append("\t".join([n, title, d, resp, res]))
        rows.append(E(P1, n, title, exp_d, codes, res, ext=ext))
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    register(
        name,
        "txt",
        rows,
        title_has=["Дорожная карта"],
        phases=[(P1,)],
        note="education office roadmap; external bodies and school staff with «муниципальный» in the name",
    )


# ========================= 16 XLSX: header that carries the year, title block with «Задачи:»
def f16():
    name = "16_plan_header_with_year.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["План мероприятий по введению ФГОС НОО"])
    ws.append(["Цель: обеспечение введения ФГОС НОО"])
    ws.append(["№ п/п", "Мероприятие", "Сроки (2024-2025 уч. год)", "Ответственные"])
    rows = []
    for n, title, d, resp, exp_d, codes in [
        (
            "1",
            "Изучение ФГОС НОО",
            "сентябрь 2024",
            "Учителя начальных классов",
            "W:2024-09-01:2024-09-30",
            {"teacher"},
        ),
        (
            "2",
            "Разработка рабочих программ",
            "до 31.08.2024",
            "Руководители ШМО",
            "D:2024-08-31",
            {"head_mo"},
        ),
    ]:
        ws.append([int(n), title, d, resp])
        rows.append(E("", n, title, exp_d, codes))
    wb.save(os.path.join(OUT, name))
    register(name, "xlsx", rows, phases=[("",)], note="the deadline header names the school year")


def f17():
    name = "17_plan_zadachi_titleblock.csv"
    L = [
        "Дорожная карта по повышению качества образования на 2024-2025 учебный год;;;",
        "Задачи:;;;",
        "1. Повысить качество подготовки к ГИА;;;",
        "№ п/п;Наименование мероприятия;Срок исполнения;Ответственный",
        "1;Анализ результатов ГИА-2024;август 2024;Зам. директора по УВР",
        "2;Корректировка рабочих программ;до 01.09.2024;Учителя-предметники",
    ]
    rows = [
        E("", "1", "Анализ результатов ГИА-2024", "W:2024-08-01:2024-08-31", {"deputy_uvr"}),
        E("", "2", "Корректировка рабочих программ", "D:2024-09-01", {"teacher"}),
    ]
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    register(
        name, "csv", rows, phases=[("",)], note="«Задачи:» line in the title block above the header"
    )


# ================== 02b DOCX: the same plan with a one-row header «Дата начала | Дата окончания»
def f02b():
    name = "02b_plan_grafik_FGOS_data_nachala.docx"
    doc = doc_with_title(
        [
            "План-график (дорожная карта) введения обновлённых ФГОС НОО и ФГОС ООО",
            "в МАОУ «Гимназия № 3» на 2024/2025 учебный год",
        ]
    )
    t = doc.add_table(rows=1, cols=6)
    t.style = "Table Grid"
    for c, h in zip(
        t.rows[0].cells,
        ["№", "Мероприятие", "Дата начала", "Дата окончания", "Ответственные", "Результат"],
        strict=False,
    ):
        set_cell(c, h)
    rows = []
    P1, P2, P3 = (
        "Организационно-управленческое обеспечение",
        "Кадровое обеспечение",
        "Информационное обеспечение",
    )
    r = t.add_row().cells
    set_cell(r[0], "1.")
    set_cell(r[1].merge(r[5]), P1)
    for n, title, s_, e, resp, res, exp_d, codes in [
        (
            "1.1.",
            "Создание рабочей группы по введению обновлённых ФГОС",
            "26.08.2024",
            "30.08.2024",
            "Директор",
            "Приказ",
            "W:2024-08-26:2024-08-30",
            {"director"},
        ),
        (
            "1.2.",
            "Разработка плана методической работы",
            "сентябрь 2024",
            "май 2025",
            "Заместитель директора по НМР",
            "План",
            "W:2024-09-01:2025-05-31",
            {"deputy_nmr"},
        ),
        (
            "1.3.",
            "Корректировка ООП НОО и ООП ООО",
            "",
            "до 01.09.2024",
            "Рабочая группа",
            "ООП",
            "D:2024-09-01",
            set(),
        ),
    ]:
        add_row(t, [n, title, s_, e, resp, res])
        rows.append(E(P1, n, title, exp_d, codes, res))
    # the phase row carries the stage's own period, as roadmaps often do
    add_row(t, ["2.", P2, "сентябрь 2024", "май 2025", "Зам. директора по УВР", ""])
    add_row(
        t,
        [
            "2.1.",
            "Анализ кадрового обеспечения",
            "сентябрь 2024",
            "сентябрь 2024",
            "Зам. директора по УВР",
            "Справка",
        ],
    )
    rows.append(
        E(
            P2,
            "2.1.",
            "Анализ кадрового обеспечения",
            "W:2024-09-01:2024-09-30",
            {"deputy_uvr"},
            "Справка",
        )
    )
    r = t.add_row().cells
    set_cell(r[0], "2.2.")
    set_cell(r[1], "Курсы повышения квалификации педагогов")
    set_cell(r[2].merge(r[3]), "в течение года")
    set_cell(r[4], "Зам. директора по НМР")
    set_cell(r[5], "Удостоверения")
    rows.append(
        E(
            P2,
            "2.2.",
            "Курсы повышения квалификации педагогов",
            "R:during_year",
            {"deputy_nmr"},
            "Удостоверения",
        )
    )
    add_row(
        t,
        ["2.3.", "Методическое сопровождение педагогов", "01.09.2024", "", "Руководители ШМО", ""],
    )
    rows.append(E(P2, "2.3.", "Методическое сопровождение педагогов", "V", {"head_mo"}))
    r = t.add_row().cells
    set_cell(r[0], "3.")
    set_cell(r[1].merge(r[5]), P3)
    add_row(
        t,
        [
            "3.1.",
            "Проведение родительских собраний",
            "",
            "15.09.2024",
            "Классные руководители",
            "Протоколы",
        ],
    )
    rows.append(
        E(
            P3,
            "3.1.",
            "Проведение родительских собраний",
            "D:2024-09-15",
            {"class_teacher"},
            "Протоколы",
        )
    )
    doc.add_paragraph("Заместитель директора по УВР ____________ О.В. Сидорова")
    save_doc(doc, name)
    register(
        name,
        "docx",
        rows,
        title_has=["ФГОС"],
        phases=[(P1,), (P2,), (P3,)],
        title_not=["Сидорова"],
        note="one-row header Дата начала/Дата окончания; phase «2.» carries its period; merged «в течение "
        "года»; 2-paragraph title and a signature paragraph after the table",
    )


# ================= 05b CSV «;» from Excel, four columns, commas outnumber semicolons
def f05b():
    name = "05b_plan_GIA_excel_4col.csv"
    lines = [["№ п/п", "Мероприятие", "Сроки", "Ответственные"]]
    rows = []
    data = [
        (
            "1",
            "Ознакомление выпускников, родителей с нормативными документами, порядком проведения ГИА",
            "сентябрь 2024 г.",
            "Зам. директора по УВР, классные руководители, учителя-предметники",
            "W:2024-09-01:2024-09-30",
            {"deputy_uvr", "class_teacher", "teacher"},
        ),
        (
            "2",
            "Сбор заявлений, согласий на обработку персональных данных, копий документов",
            "до 01.02.2025",
            "Зам. директора по УВР, классные руководители, секретарь",
            "D:2025-02-01",
            {"deputy_uvr", "class_teacher", "secretary"},
        ),
        (
            "3",
            "Пробные экзамены по русскому языку, математике, предметам по выбору",
            "декабрь 2024 – январь 2025",
            "Зам. директора по УВР, руководители ШМО, учителя-предметники",
            "W:2024-12-01:2025-01-31",
            {"deputy_uvr", "head_mo", "teacher"},
        ),
        (
            "4",
            "Консультации, индивидуальная работа со слабоуспевающими, мотивированными выпускниками",
            "в течение учебного года",
            "Учителя-предметники, педагог-психолог, классные руководители",
            "R:during_year",
            {"teacher", "psychologist", "class_teacher"},
        ),
        (
            "5",
            "Психологическая подготовка: тренинги, консультации, анкетирование",
            "1 раз в четверть",
            "Педагог-психолог, социальный педагог, классные руководители",
            "R:quarterly",
            {"psychologist", "social_pedagogue", "class_teacher"},
        ),
    ]
    for n, title, d, resp, exp_d, codes in data:
        lines.append([n, title, d, resp])
        rows.append(E("", n, title, exp_d, codes))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(lines)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(buf.getvalue().encode("cp1251"))
    register(
        name,
        "csv",
        rows,
        phases=[("",)],
        note="Excel «CSV (разделители - точки с запятой)» in CP1251; more commas than semicolons",
    )


# ============ 18 XLSX: ВШК with dates shown as «ДД.ММ», «Отметка о выполнении» between columns
def f18():
    name = "18_plan_VShK_excel_ddmm.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["План-график внутришкольного контроля на 2024-2025 учебный год"])
    ws.append(
        ["№", "Мероприятие", "Дата", "Отметка о выполнении", "Ответственный", "Форма отчётности"]
    )
    rows = []
    data = [
        # drafted in June 2024: Excel stored the year of typing, the sheet shows «15.10» / «20.05»
        (
            "1",
            "Проверка техники чтения во 2-4 классах",
            datetime(2024, 10, 15),
            "DD.MM",
            "",
            "Руководители ШМО",
            "Справка",
            "W:2024-10-15:2024-10-15",
            {"head_mo"},
        ),
        (
            "2",
            "Итоговые контрольные работы",
            datetime(2024, 5, 20),
            "DD.MM",
            "",
            "Зам. директора по УВР",
            "Анализ",
            "W:2025-05-20:2025-05-20",
            {"deputy_uvr"},
        ),
        (
            "3",
            "Промежуточная аттестация",
            "с 15.04 по 15.05",
            None,
            "",
            "Учителя-предметники",
            "Протоколы",
            "W:2025-04-15:2025-05-15",
            {"teacher"},
        ),
        (
            "4",
            "Проверка журналов",
            "ежемесячно",
            None,
            "выполнено",
            "Зам. директора по УВР",
            "Справка",
            "R:monthly",
            {"deputy_uvr"},
        ),
        (
            "5",
            "Отчёт за I полугодие",
            datetime(2024, 12, 27),
            "DD.MM.YYYY",
            "",
            "Зам. директора по УВР",
            "Отчёт",
            "W:2024-12-27:2024-12-27",
            {"deputy_uvr"},
        ),
    ]
    for n, title, d, fmt, mark, resp, res, exp_d, codes in data:
        ws.append([int(n), title, d, mark, resp, res])
        if fmt:
            ws.cell(ws.max_row, 3).number_format = fmt
        rows.append(E("", n, title, exp_d, codes, res))
    wb.save(os.path.join(OUT, name))
    register(
        name,
        "xlsx",
        rows,
        phases=[("",)],
        note="dates formatted «ДД.ММ» (year hidden); «Отметка о выполнении» between Дата and Ответственный",
    )


FILES = (f01, f02, f02b, f03, f04, f05, f05b, f06, f07, f08, f09, f09b, f10, f11, f12, f13, f14)
FILES += (f15, f16, f17, f18)


def build(folder) -> list[dict]:
    """Write every file of the corpus into `folder`; what each row must read as."""
    global OUT
    OUT = str(folder)
    EXPECTED.clear()
    for make in FILES:
        make()
    return list(EXPECTED)
