"""The school calendar pages: everyone of the school reads the years, quarters, half-years and
holidays; the director adds and moves them, and the control checks follow their terms."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY, csrf_token, login, person, post
from tests.plans.test_views import page_text
from tracker.accounts.models import School
from tracker.controls import services
from tracker.controls.models import AcademicYear, Holiday, Occurrence, Term, TermKind
from tracker.extensions import db

pytestmark = pytest.mark.demo_data


def school20() -> School:
    return db.session.scalar(select(School).where(School.slug == "school20"))


def years() -> list[AcademicYear]:
    db.session.expire_all()
    return services.years_of(school20())


def calendar_rows() -> tuple[int, int, int]:
    """What the calendar holds: years, terms, holidays (all schools)."""
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (AcademicYear, Term, Holiday)
    )


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def send(client, url: str, prefix: str, **fields):
    """Post one of the page's forms: its fields (and its CSRF token) carry the form's prefix."""
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-csrf_token"] = csrf_token(client, "/calendar")
    return post(client, url, data, page="/calendar")


def error_beside(response, field_id: str) -> str:
    """The error shown under the input with this id (empty if none)."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def quarter(year: AcademicYear, number: int) -> Term:
    return next(t for t in year.terms if t.kind == TermKind.QUARTER and t.number == number)


def tied_to(term: Term) -> list[Occurrence]:
    year = db.session.get(AcademicYear, term.year_id)
    return [o for o in services.occurrences_of(school20(), year) if term.id in o.term_ids]


def with_occurrences(year: AcademicYear, term_number: int) -> tuple[Term, Occurrence, list[int]]:
    """The year's occurrences generated; of those tied to the quarter's end, the first done."""
    services.generate(school20(), None, TODAY, years=[year])
    db.session.commit()
    term = quarter(year, term_number)
    tied = tied_to(term)
    assert len(tied) >= 2, "the demo has several checks at the end of each quarter"
    done = tied[0]
    done.is_done = True
    db.session.commit()
    return term, done, [o.id for o in tied[1:]]


def test_everyone_of_the_school_reads_the_calendar_the_director_changes_it(app, client):
    login(client, "teacher")
    response = client.get("/calendar")
    assert response.status_code == 200
    text = page_text(response)
    for year in years():
        assert f"Учебный год {year.title}" in text
        assert f"{day(year.starts_on)} – {day(year.ends_on)}" in text
    first = years()[0]
    assert "Осенние каникулы" in text and day(first.holidays[0].starts_on) in text
    assert "2 четверть" in text and "1 полугодие" in text
    assert "Новый учебный год" not in text and "Перенести" not in text
    assert "<form" not in response.get_data(as_text=True).split('id="main"')[1].split("</main>")[0]
    # Newest year first.
    titles = re.findall(r"Учебный год (\d{4}/\d\d)", text)
    assert titles == sorted(titles, reverse=True)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/calendar")})
    login(client, "director")
    text = page_text(client.get("/calendar"))
    assert "Новый учебный год" in text and "Перенести" in text
    assert f"Добавить четверть или полугодие в {first.title}" in text
    assert f"Добавить каникулы в {first.title}" in text


def test_the_director_adds_a_year_a_quarter_and_holidays(app, client):
    login(client, "director")
    last = years()[-1]
    starts, ends = date(last.ends_on.year, 9, 1), date(last.ends_on.year + 1, 5, 25)
    title = f"{starts.year}/{str(ends.year)[-2:]}"
    response = send(client, "/calendar/years", "year", starts_on=day(starts), ends_on=day(ends))
    assert response.status_code == 302 and response.headers["Location"].endswith("/calendar")
    text = page_text(client.get("/calendar"))
    assert f"Учебный год {title} добавлен" in text
    assert f"{day(starts)} – {day(ends)}" in text
    year = next(y for y in years() if y.starts_on == starts)

    response = send(
        client,
        f"/calendar/years/{year.id}/terms",
        f"term-{year.id}",
        kind="quarter",
        starts_on=day(starts),
        ends_on=day(starts + timedelta(days=54)),
    )
    assert response.status_code == 302
    text = page_text(client.get("/calendar"))
    assert f"Добавлен период «1 четверть» {title}" in text
    assert day(starts + timedelta(days=54)) in text

    response = send(
        client,
        f"/calendar/years/{year.id}/holidays",
        f"holiday-{year.id}",
        title="Осенние каникулы",
        starts_on=day(starts + timedelta(days=55)),
        ends_on=day(starts + timedelta(days=63)),
    )
    assert response.status_code == 302
    text = page_text(client.get("/calendar"))
    assert f"Каникулы «Осенние каникулы» добавлены в {title}" in text
    assert day(starts + timedelta(days=63)) in text
    year = next(y for y in years() if y.starts_on == starts)
    assert [(t.title, t.ends_on) for t in year.terms] == [
        ("1 четверть", starts + timedelta(days=54))
    ]
    assert [h.title for h in year.holidays] == ["Осенние каникулы"]


REFUSALS = (
    "term ends before it starts",
    "quarters overlap",
    "term outside its year",
    "term moved outside its year",
    "holiday outside its year",
    "year overlaps another",
    "no such date",
    "a fifth quarter",
    "a quarter ending in the holidays",
    "holidays over a quarter's last day",
)


def refusals(year: AcademicYear, other: AcademicYear) -> dict:
    """Each refusal: where it is posted, the form's prefix, what is typed, the field the refusal
    stands beside and its words."""
    first = quarter(year, 1)
    holiday = min(year.holidays, key=lambda h: h.starts_on)  # the autumn one, after the first
    cases = [
        (
            f"/calendar/years/{year.id}/terms",
            f"term-{year.id}",
            dict(
                kind="quarter",
                starts_on=day(year.ends_on),
                ends_on=day(year.ends_on - timedelta(3)),
            ),
            "ends_on",
            "Четверть не может закончиться раньше, чем начнётся",
        ),
        (
            f"/calendar/years/{year.id}/terms",
            f"term-{year.id}",
            dict(
                kind="quarter",
                starts_on=day(first.ends_on - timedelta(days=5)),
                ends_on=day(first.ends_on + timedelta(days=5)),
            ),
            "starts_on",
            "Пересекается с периодом «1 четверть»",
        ),
        (
            f"/calendar/years/{year.id}/terms",
            f"term-{year.id}",
            dict(
                kind="half_year",
                starts_on=day(year.starts_on - timedelta(days=10)),
                ends_on=day(year.starts_on + timedelta(days=10)),
            ),
            "starts_on",
            "Полугодие выходит за учебный год",
        ),
        (
            f"/calendar/terms/{first.id}",
            f"move-{first.id}",
            dict(starts_on=day(first.starts_on), ends_on=day(year.ends_on + timedelta(days=1))),
            "starts_on",
            "Четверть выходит за учебный год",
        ),
        (
            f"/calendar/years/{year.id}/holidays",
            f"holiday-{year.id}",
            dict(
                title="Летние каникулы",
                starts_on=day(year.ends_on + timedelta(days=1)),
                ends_on=day(year.ends_on + timedelta(days=30)),
            ),
            "starts_on",
            "Каникулы вне учебного года",
        ),
        (
            "/calendar/years",
            "year",
            dict(
                starts_on=day(other.ends_on - timedelta(days=1)),
                ends_on=day(other.ends_on + timedelta(days=200)),
            ),
            "starts_on",
            f"Пересекается с учебным годом {other.title}",
        ),
        (
            "/calendar/years",
            "year",
            dict(starts_on="31.02.2030", ends_on="25.05.2031"),
            "starts_on",
            "Нет такой даты: «31.02.2030»",
        ),
        (
            f"/calendar/years/{year.id}/terms",
            f"term-{year.id}",
            dict(
                kind="quarter",
                starts_on=day(holiday.starts_on),
                ends_on=day(holiday.ends_on),
            ),
            "starts_on",
            "В учебном году не больше 4: четверти 1–4",
        ),
        (
            f"/calendar/terms/{first.id}",
            f"move-{first.id}",
            dict(starts_on=day(first.starts_on), ends_on=day(holiday.starts_on + timedelta(1))),
            "ends_on",
            f"это каникулы «{holiday.title}»",
        ),
        (
            f"/calendar/years/{year.id}/holidays",
            f"holiday-{year.id}",
            dict(
                title="Внеплановые каникулы",
                starts_on=day(first.ends_on - timedelta(2)),
                ends_on=day(first.ends_on),
            ),
            "ends_on",
            "это каникулы «Внеплановые каникулы»",
        ),
    ]
    return dict(zip(REFUSALS, cases, strict=True))


@pytest.mark.parametrize("refusal", REFUSALS)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(app, client, refusal):
    login(client, "director")
    year, other = years()[0], years()[-1]
    url, prefix, fields, field, words = refusals(year, other)[refusal]
    before = calendar_rows()
    dates_before = [(t.id, t.starts_on, t.ends_on) for y in years() for t in y.terms]
    response = send(client, url, prefix, **fields)
    assert response.status_code == 400
    assert words in error_beside(response, f"{prefix}-{field}")
    # The page comes back with what was typed, to correct it.
    assert fields["starts_on"] in response.get_data(as_text=True)
    assert calendar_rows() == before
    assert [(t.id, t.starts_on, t.ends_on) for y in years() for t in y.terms] == dates_before


def test_a_teacher_cannot_change_the_calendar(app, client):
    year = years()[0]
    term, holiday = quarter(year, 1), year.holidays[0]
    before = calendar_rows()
    login(client, "teacher")
    new = {"starts_on": "01.09.2040", "ends_on": "25.05.2041"}
    for url, prefix, fields in (
        ("/calendar/years", "year", new),
        (f"/calendar/years/{year.id}/terms", f"term-{year.id}", {"kind": "quarter", **new}),
        (f"/calendar/years/{year.id}/holidays", f"holiday-{year.id}", new),
        (f"/calendar/terms/{term.id}", f"move-{term.id}", new),
    ):
        assert send(client, url, prefix, **fields).status_code == 403, url
    assert post(client, f"/calendar/terms/{term.id}/delete", page="/calendar").status_code == 403
    assert client.get(f"/calendar/terms/{term.id}/delete").status_code == 403
    response = post(client, f"/calendar/holidays/{holiday.id}/delete", page="/calendar")
    assert response.status_code == 403
    assert calendar_rows() == before
    assert quarter(years()[0], 1).ends_on == term.ends_on


def test_another_schools_director_does_not_find_our_calendar(app, client):
    year = years()[0]
    term, holiday = quarter(year, 1), year.holidays[0]
    before = calendar_rows()
    login(client, "director7")
    text = page_text(client.get("/calendar"))
    assert "В календаре ещё нет учебных годов." in text and year.title not in text
    assert client.get(f"/calendar/terms/{term.id}/delete").status_code == 404
    moved = {"starts_on": day(term.starts_on), "ends_on": day(term.ends_on - timedelta(days=1))}
    assert send(client, f"/calendar/terms/{term.id}", f"move-{term.id}", **moved).status_code == 404
    assert post(client, f"/calendar/terms/{term.id}/delete", page="/calendar").status_code == 404
    response = post(client, f"/calendar/holidays/{holiday.id}/delete", page="/calendar")
    assert response.status_code == 404
    response = send(
        client, f"/calendar/years/{year.id}/terms", f"term-{year.id}", kind="quarter", **moved
    )
    assert response.status_code == 404
    assert calendar_rows() == before


def test_moving_a_quarter_moves_its_open_checks_not_the_done_one(app, client):
    year = years()[-1]
    term, done, open_ids = with_occurrences(year, 1)
    old_end, done_due = term.ends_on, done.due_on
    open_dues = {o.id: o.due_on for o in tied_to(term) if not o.is_done}
    everything = {o.id: o.due_on for o in services.occurrences_of(school20(), year)}
    new_end = old_end - timedelta(days=3)
    login(client, "director")
    response = send(
        client,
        f"/calendar/terms/{term.id}",
        f"move-{term.id}",
        starts_on=day(term.starts_on),
        ends_on=day(new_end),
    )
    assert response.status_code == 302
    db.session.expire_all()
    after = {o.id: o.due_on for o in services.occurrences_of(school20(), year)}
    for occurrence_id in open_ids:
        assert after[occurrence_id] == open_dues[occurrence_id] - timedelta(days=3)
    assert db.session.get(Occurrence, done.id).due_on == done_due == old_end
    changed = sum(1 for i, due in everything.items() if i in after and after[i] != due)
    assert changed >= len(open_ids)
    text = page_text(client.get("/calendar"))
    assert f"Четверть перенесена; перенесено проверок: {changed}" in text
    assert day(new_end) in text
    assert quarter(years()[-1], 1).ends_on == new_end


def test_deleting_a_quarter_asks_first_and_keeps_the_done_check(app, client):
    year = years()[-1]
    term, done, open_ids = with_occurrences(year, 4)
    term_id = term.id
    login(client, "director")
    text = page_text(client.get(f"/calendar/terms/{term_id}/delete"))
    assert (
        f"Удалить «4 четверть» {year.title}? Открытые проверки, привязанные к её концу, "
        "будут удалены; проведённые сохранятся." in text
    )
    assert f"Открытых проверок: {len(open_ids)}" in text
    assert "Проведённых проверок: 1" in text

    response = post(client, f"/calendar/terms/{term_id}/delete", page="/calendar")
    assert response.status_code == 302 and response.headers["Location"].endswith("/calendar")
    text = page_text(client.get("/calendar"))
    assert f"«4 четверть» {year.title} удалена" in text
    assert "сохранено проведённых: 1" in text
    db.session.expire_all()
    assert db.session.get(Term, term_id) is None
    kept = db.session.get(Occurrence, done.id)
    assert kept is not None and kept.is_done and kept.is_orphan
    assert all(db.session.get(Occurrence, i) is None for i in open_ids)
    assert [t.title for t in years()[-1].terms if t.kind == TermKind.QUARTER] == [
        "1 четверть",
        "2 четверть",
        "3 четверть",
    ]


def test_the_director_deletes_holidays(app, client):
    year = years()[0]
    holiday_id, title = year.holidays[0].id, year.holidays[0].title
    login(client, "director")
    response = post(client, f"/calendar/holidays/{holiday_id}/delete", page="/calendar")
    assert response.status_code == 302
    text = page_text(client.get("/calendar"))
    assert f"Каникулы «{title}» удалены" in text
    db.session.expire_all()
    assert db.session.get(Holiday, holiday_id) is None
    assert [h.title for h in years()[0].holidays] == ["Зимние каникулы", "Весенние каникулы"]


def test_the_director_lets_the_deputy_keep_the_calendar(app, client):
    deputy = person("deputy_uvr")
    year = years()[0]
    holiday = {
        "title": "Дополнительные каникулы",
        "starts_on": day(quarter(year, 3).starts_on + timedelta(days=20)),
        "ends_on": day(quarter(year, 3).starts_on + timedelta(days=26)),
    }
    url, prefix = f"/calendar/years/{year.id}/holidays", f"holiday-{year.id}"
    as_deputy = app.test_client()
    login(as_deputy, "deputy_uvr")
    assert send(as_deputy, url, prefix, **holiday).status_code == 403
    login(client, "director")
    page = f"/people/{deputy.id}"
    form = {
        "full_name": deputy.full_name,
        "role": "staff",
        "positions": [str(p.id) for p in deputy.positions],
        "is_active": "y",
        "may_edit_calendar": "y",
    }
    assert post(client, page, form, page=page).status_code == 302
    assert "ведёт календарь" in page_text(client.get("/people"))
    assert send(as_deputy, url, prefix, **holiday).status_code == 302
    assert "Дополнительные каникулы" in page_text(as_deputy.get("/calendar"))
