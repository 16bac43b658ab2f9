"""The school's calendar schedule pasted as schools write it (Roman numerals, «с … г. по … г.»,
days and months without the year, two-digit years, a quarter split by holidays): read into the
year, its quarters, half-years and holidays, previewed, saved in one piece, the checks
regenerated; what is not understood is named with its line."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.plans.test_views import page_text
from tracker.controls.calendar_text import parse_calendar
from tracker.controls.models import AcademicYear, Occurrence
from tracker.extensions import db

pytestmark = pytest.mark.demo_data

SCHEDULE = """Календарный учебный график МБОУ СОШ № 20 на 2029/2030 учебный год
Начало учебного года: 01.09.2029 г.
I четверть: с 01.09.2029 г. по 22.10.2029 г.
II четверть — 01.11.29–28.12.29
III четверть: 11.01.2030-18.02.2030; 28.02.2030-24.03.2030
IV четверть: с 3 апреля по 26 мая
1 полугодие: 01.09.2029 - 28.12.2029
2 полугодие: 11.01.2030 - 26.05.2030
Осенние каникулы: с 23.10.2029 по 31.10.2029
Зимние каникулы – 29.12.2029 – 10.01.2030
Дополнительные каникулы для 1 класса: 19.02.2030-27.02.2030
Весенние каникулы: с 25 марта по 2 апреля
Окончание учебного года: 26.05.2030
Летние каникулы: с 27.05.2030 по 31.08.2030
Промежуточная аттестация: 20.04.2030–20.05.2030
"""


def test_every_line_is_read_with_its_dates():
    parsed = parse_calendar(SCHEDULE)
    assert parsed.first_year == 2029
    assert (parsed.span.starts_on, parsed.span.ends_on) == (date(2029, 9, 1), date(2030, 5, 26))
    assert [(kind, n, s.starts_on, s.ends_on) for kind, n, s in parsed.terms] == [
        ("quarter", 1, date(2029, 9, 1), date(2029, 10, 22)),
        ("quarter", 2, date(2029, 11, 1), date(2029, 12, 28)),
        ("quarter", 3, date(2030, 1, 11), date(2030, 3, 24)),
        ("quarter", 4, date(2030, 4, 3), date(2030, 5, 26)),
        ("half_year", 1, date(2029, 9, 1), date(2029, 12, 28)),
        ("half_year", 2, date(2030, 1, 11), date(2030, 5, 26)),
    ]
    assert [(title, s.starts_on, s.ends_on) for title, s in parsed.holidays] == [
        ("Осенние каникулы", date(2029, 10, 23), date(2029, 10, 31)),
        ("Зимние каникулы", date(2029, 12, 29), date(2030, 1, 10)),
        ("Дополнительные каникулы для 1 класса", date(2030, 2, 19), date(2030, 2, 27)),
        ("Весенние каникулы", date(2030, 3, 25), date(2030, 4, 2)),
        ("Летние каникулы", date(2030, 5, 27), date(2030, 8, 31)),
    ]
    assert parsed.problems == [
        (
            15,
            "непонятно, что за период: «Промежуточная аттестация: 20.04.2030–20.05.2030» "
            "(четверть, полугодие, каникулы?)",
        )
    ]


@pytest.mark.parametrize(
    ("text", "line", "said"),
    [
        ("I четверть: с 01.09.2029", 1, "нет даты окончания"),
        ("I четверть: 27.10.2029 - 01.09.2029", 1, "раньше, чем начинается"),
        (
            "I триместр: 01.09.2029 - 30.11.2029\nI четверть: 01.09.2029 - 27.10.2029",
            0,
            "и четверти, и триместры",
        ),
        ("I четверть: с 1 сентября по 27 октября", 1, "не указан год"),
        ("Осенние каникулы: 28.10.2029 - 05.11.2029", 0, "нет ни одной четверти"),
    ],
)
def test_what_is_not_understood_is_named_with_its_line(text, line, said):
    problems = parse_calendar(text).problems
    assert any(number == line and said in message for number, message in problems), problems


def test_the_director_pastes_the_schedule_previews_and_saves_it(app, client):
    login(client, "director")
    before = db.session.scalar(select(func.count()).select_from(Occurrence))
    answer = post(client, "/calendar/import", {"text": SCHEDULE}, page="/calendar/import")
    assert answer.status_code == 200
    text = page_text(answer)
    assert "Учебный год 01.09.2029–26.05.2030" in text
    assert "III четверть 11.01.2030–24.03.2030" in text
    assert "Строка 15" in text  # the line not understood, named
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AcademicYear)
            .where(AcademicYear.starts_on == date(2029, 9, 1))
        )
        == 0
    )
    answer = post(client, "/calendar/import/save", {"text": SCHEDULE}, page="/calendar/import")
    assert answer.status_code == 302
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.starts_on == date(2029, 9, 1)))
    assert [(t.kind, t.number) for t in sorted(year.terms, key=lambda t: (t.kind, t.number))] == [
        ("half_year", 1),
        ("half_year", 2),
        ("quarter", 1),
        ("quarter", 2),
        ("quarter", 3),
        ("quarter", 4),
    ]
    assert [h.title for h in sorted(year.holidays, key=lambda h: h.starts_on)] == [
        "Осенние каникулы",
        "Зимние каникулы",
        "Дополнительные каникулы для 1 класса",  # inside a quarter: a holiday all the same
        "Весенние каникулы",
    ]
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) > before
    flash = page_text(client.get("/calendar"))
    assert "Учебный год 2029/30 загружен" in flash
    assert "Летние каникулы (27.05.2030–31.08.2030) вне учебного года и не внесены" in flash
    # The same schedule again: refused, nothing doubled.
    again = post(client, "/calendar/import/save", {"text": SCHEDULE}, page="/calendar/import")
    assert again.status_code == 400 and "Пересекается с учебным годом" in page_text(again)


TRIMESTERS = """Календарный учебный график на 2029-2030 учебный год
I триместр: 01.09.2029 – 30.11.2029
II триместр: 01.12.2029 – 28.02.2030
III триместр: 01.03.2030 – 31.05.2030
Осенние каникулы: 28.10.2029 – 05.11.2029
"""


def test_a_school_of_trimesters_gets_its_checks_at_each_trimesters_end(app, client):
    """The checks «at the end of each quarter» fall at the end of each trimester there."""
    from tracker.controls.models import ControlCheck

    parsed = parse_calendar(TRIMESTERS)
    assert parsed.problems == []
    assert [(kind, n, s.ends_on) for kind, n, s in parsed.terms] == [
        ("trimester", 1, date(2029, 11, 30)),
        ("trimester", 2, date(2030, 2, 28)),
        ("trimester", 3, date(2030, 5, 31)),
    ]
    login(client, "director")
    answer = post(client, "/calendar/import/save", {"text": TRIMESTERS}, page="/calendar/import")
    assert answer.status_code == 302
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.starts_on == date(2029, 9, 1)))
    quarterly = [c for c in db.session.scalars(select(ControlCheck)) if "quarter" in c.term_kinds]
    assert quarterly, "the seed school has checks at the end of each quarter"
    dues = {
        o.due_on
        for o in db.session.scalars(
            select(Occurrence).where(
                Occurrence.check_id == quarterly[0].id,
                Occurrence.due_on.between(year.starts_on, year.ends_on),
            )
        )
    }
    offset = quarterly[0].offset_days
    ends = {date(2029, 11, 30), date(2030, 2, 28), date(2030, 5, 31)}
    from datetime import timedelta

    assert {day - timedelta(days=offset) for day in dues} >= ends
    page = page_text(client.get("/calendar"))
    assert "Триместры" in page and "1 триместр" in page
    # A quarter added to a year of trimesters is refused beside the field.
    refused = post(
        client,
        f"/calendar/years/{year.id}/terms",
        {
            f"term-{year.id}-kind": "quarter",
            f"term-{year.id}-starts_on": "01.09.2029",
            f"term-{year.id}-ends_on": "27.10.2029",
        },
        page="/calendar",
    )
    assert refused.status_code == 400
    assert "уже есть триместры" in page_text(refused)


def calendar_docx() -> bytes:
    """A calendar schedule as schools write it in Word: a title, a table of quarters, a line,
    a table of holidays named by season."""
    from docx import Document

    document = Document()
    document.add_paragraph("Календарный учебный график на 2030/2031 учебный год")
    document.add_paragraph("Начало учебного года: 02.09.2030")
    terms = document.add_table(rows=0, cols=4)
    for values in (
        ["Четверть", "Начало", "Окончание", "Продолжительность"],
        ["I четверть", "02.09.2030", "25.10.2030", "8 недель"],
        ["II четверть", "05.11.2030", "27.12.2030", "8 недель"],
        ["III четверть", "13.01.2031", "20.03.2031", "10 недель"],
        ["IV четверть", "31.03.2031", "23.05.2031", "8 недель"],
    ):
        for cell, value in zip(terms.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Каникулы")
    holidays = document.add_table(rows=0, cols=4)
    for values in (
        ["Каникулы", "Начало", "Окончание", "Дней"],
        ["Осенние", "26.10.2030", "04.11.2030", "10"],
        ["Зимние", "28.12.2030", "12.01.2031", "16"],
        ["Весенние", "21.03.2031", "30.03.2031", "10"],
    ):
        for cell, value in zip(holidays.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Окончание учебного года: 23.05.2031")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_calendar_is_uploaded_its_text_shown_then_saved(app, client):
    login(client, "director")
    answer = post(
        client,
        "/calendar/import",
        {"file": (io.BytesIO(calendar_docx()), "график.docx"), "text": ""},
        page="/calendar/import",
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    page = page_text(answer)
    assert "Учебный год 02.09.2030–23.05.2031" in page
    assert "III четверть 13.01.2031–20.03.2031" in page
    assert "Осенние каникулы: 26.10.2030–04.11.2030" in page
    assert "Весенние каникулы: 21.03.2031–30.03.2031" in page
    assert "Строка" not in page  # every line understood
    # The text read from the file is in the field, to correct and save.
    assert "I четверть 02.09.2030 25.10.2030 8 недель" in answer.text
    from tracker.controls.services import calendar_file_text

    saved = post(
        client,
        "/calendar/import/save",
        {"text": calendar_file_text("график.docx", calendar_docx())},
        page="/calendar/import",
    )
    assert saved.status_code == 302
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.starts_on == date(2030, 9, 2)))
    assert [
        (t.number, t.starts_on, t.ends_on) for t in sorted(year.terms, key=lambda t: t.number)
    ] == [
        (1, date(2030, 9, 2), date(2030, 10, 25)),
        (2, date(2030, 11, 5), date(2030, 12, 27)),
        (3, date(2031, 1, 13), date(2031, 3, 20)),
        (4, date(2031, 3, 31), date(2031, 5, 23)),
    ]
    assert sorted((h.title, h.starts_on) for h in year.holidays) == [
        ("Весенние каникулы", date(2031, 3, 21)),
        ("Зимние каникулы", date(2030, 12, 28)),
        ("Осенние каникулы", date(2030, 10, 26)),
    ]


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (b"", "calendar.docx", "Файл пустой"),
        (b"PK\x03\x04broken", "calendar.docx", "повреждён"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "scan.png", "рисунок PNG"),
        (b"x" * (1024 * 1024 + 1), "big.txt", "Файл больше 1 МБ"),
    ],
)
def test_a_bad_calendar_file_is_refused_beside_the_field(app, client, content, name, said):
    login(client, "director")
    answer = post(
        client,
        "/calendar/import",
        {"file": (io.BytesIO(content), name), "text": ""},
        page="/calendar/import",
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400 and said in page_text(answer)


def test_neither_text_nor_file_is_refused_beside_the_field(app, client):
    login(client, "director")
    answer = post(client, "/calendar/import", {"text": "  "}, page="/calendar/import")
    assert answer.status_code == 400
    assert "Вставьте текст графика или выберите файл" in page_text(answer)


def test_next_year_is_proposed_from_this_one_on_the_same_weekdays(app, client):
    login(client, "director")
    post(client, "/calendar/import/save", {"text": SCHEDULE}, page="/calendar/import")
    year = db.session.scalar(select(AcademicYear).where(AcademicYear.starts_on == date(2029, 9, 1)))
    calendar = client.get("/calendar")
    assert f"/calendar/import?from={year.id}" in calendar.text
    answer = client.get(f"/calendar/import?from={year.id}")
    page = page_text(answer)
    assert "предложен по 2029/30" in page
    # 1 September 2030 is a Sunday: the year starts on Monday the 2nd; the rest moves 52 weeks.
    assert "Учебный год 02.09.2030–25.05.2031" in page
    assert "I четверть 02.09.2030–21.10.2030" in page
    assert "III четверть 10.01.2031–23.03.2031" in page
    for old, new in (
        (date(2029, 10, 22), date(2030, 10, 21)),
        (date(2030, 5, 26), date(2031, 5, 25)),
    ):
        assert old.weekday() == new.weekday()
    assert "Осенние каникулы: 22.10.2030–30.10.2030" in page
    # Nothing is kept until she saves (another school's year: tests/test_access.py).
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AcademicYear)
            .where(AcademicYear.starts_on == date(2030, 9, 2))
        )
        == 0
    )
