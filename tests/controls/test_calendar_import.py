"""The school's calendar schedule pasted as schools write it (Roman numerals, «с … г. по … г.»,
days and months without the year, two-digit years, a quarter split by holidays): read into the
year, its quarters, half-years and holidays, previewed, saved in one piece, the checks
regenerated; what is not understood is named with its line."""

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
        ("I триместр: 01.09.2029 - 30.11.2029", 1, "триместры пока не поддерживаются"),
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
