"""A new school comes aboard: its requisites checked field by field, the usual catalogue of
positions (so a plan's responsible phrases find their positions), and its first director, who
sets a password by a single-use link and logs in."""

import re

import pytest

from tests.conftest import post
from tests.plans.test_views import page_text
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.parsing import parse_responsible
from tracker.seed import SEEDS, read_toml

CATALOGUE = read_toml(SEEDS / "catalogue.toml")["position"]


def new_school(**changes):
    values = {
        "slug": "school7",
        "full_name": "МБОУ «Средняя общеобразовательная школа № 7»",
        "short_name": "МБОУ СОШ № 7",
        "city": "Ставрополь",
        "timezone": "Europe/Moscow",
        "positions": CATALOGUE,
    } | changes
    return accounts.create_school(**values)


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"slug": ""}, "slug", "Код школы"),
        ({"slug": "школа7"}, "slug", "Код школы"),
        ({"slug": "s"}, "slug", "Код школы"),
        ({"full_name": "   "}, "full_name", "полное название"),
        ({"full_name": "Ш" * 501}, "full_name", "полное название"),
        ({"timezone": "MSK"}, "timezone", "часовой пояс"),
    ],
)
def test_requisites_are_refused_beside_their_field(app, changes, field, said):
    with pytest.raises(DomainError, match=said) as refused:
        new_school(**changes)
    assert refused.value.field == field


def test_the_catalogue_names_what_plans_of_other_schools_say(app):
    school = new_school()
    aliases = {alias: p.code for p in school.positions for alias in p.aliases}
    for phrase, code in (
        ("Зам. директора по ИКТ", "deputy_ikt"),
        ("заместитель директора по НМР", "deputy_nmr"),
        ("руководители ШМО", "head_mo"),
        ("классного руководителя", "class_teacher"),
        ("И.о. директора", "director"),
        ("педагог-психолог", "psychologist"),
        ("Социальный педагог", "social_pedagogue"),
        ("библиотекарь", "librarian"),
    ):
        assert parse_responsible(phrase, aliases).position_codes == (code,), phrase
    # A bare «заместитель директора» names no one: it is flagged, not guessed.
    assert parse_responsible("Зам. директора", aliases).position_codes == ()


def test_the_first_director_sets_a_password_by_the_link_and_logs_in(app, client):
    school = new_school()
    director, _password = accounts.create_person(
        school, username="petrov7", full_name="Петров Иван Сергеевич", role=Role.DIRECTOR
    )
    link = accounts.first_login_link(director)
    db.session.commit()
    path = "/" + link.split("/", 3)[3]
    new = "Жёлтый-трамвай-идёт-в-депо-7"
    answer = post(client, path, {"password": new, "repeat": new}, page=path)
    assert answer.status_code == 302
    assert post(client, path, {"password": new, "repeat": new}, page="/login").status_code == 404
    login = post(client, "/login", {"username": "petrov7", "password": new})
    assert login.status_code == 302
    text = page_text(client.get("/"))
    assert "Петров И. С." in text
    assert re.search(r"/password/reset/[\w-]{40,}$", link)


SCHOOL_FORM = {
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»",
    "short_name": "МБОУ СОШ № 31",
    "slug": "school31",
    "city": "Михайловск",
    "address": "ул. Ленина, 1",
    "inn": "7707083893",
    "ogrn": "1027700132195",
    "timezone": "Europe/Samara",
    "director_name": "Петров Иван Сергеевич",
    "director_login": "petrov31",
    "director_email": "petrov31@school31.example",
    "template": "y",
}


@pytest.mark.demo_data
def test_the_operator_creates_a_school_and_its_director_comes_in(app, client):
    """On «Школы» the installation's operator creates a school from the template plan; the link
    shown once lets its director in, to her own school with the plan re-dated ahead."""
    from datetime import date

    from sqlalchemy import func, select

    from tests.conftest import login
    from tracker.accounts.models import Person, School
    from tracker.plans.models import Plan, Task

    login(client, "director")  # the demo's director runs the demo installation
    page = client.get("/admin/schools")
    assert page.status_code == 200 and "МБОУ СОШ № 20" in page_text(page)
    answer = post(client, "/admin/schools", SCHOOL_FORM, page="/admin/schools")
    assert answer.status_code == 200
    text = page_text(answer)
    assert "Школа «МБОУ СОШ № 31» создана" in text
    assert "Директор — Петров Иван Сергеевич, логин petrov31." in text
    assert "Она же отправлена на petrov31@school31.example." in text
    link = re.search(r'value="(http[^"]+/password/reset/[\w-]+)"', answer.text).group(1)
    school = db.session.scalar(select(School).where(School.slug == "school31"))
    assert (school.inn, school.ogrn, school.timezone, school.city) == (
        "7707083893",
        "1027700132195",
        "Europe/Samara",
        "Михайловск",
    )
    assert len(school.positions) == len(CATALOGUE)
    tasks = db.session.scalars(select(Task).join(Plan).where(Plan.school_id == school.id)).all()
    assert len(tasks) >= 20
    # The template's dates are moved to come: none is before this year.
    assert min(t.due_on for t in tasks if t.due_on) >= date(date.today().year - 1, 1, 1)
    # The new school's row in the list; nothing of its plan shows beyond the count.
    listing = page_text(client.get("/admin/schools"))
    assert "МБОУ СОШ № 31 school31 Михайловск Europe/Samara 1 задач:" in listing

    post(client, "/logout", page="/")
    path = "/" + link.split("/", 3)[3]
    new = "Жёлтый-трамвай-идёт-в-депо-7"
    assert post(client, path, {"password": new, "repeat": new}, page=path).status_code == 302
    assert post(client, "/login", {"username": "petrov31", "password": new}).status_code == 302
    home = page_text(client.get("/"))
    assert "МБОУ СОШ № 31" in home and "Школы" not in home.split("Ждут меня")[0][-50:]
    assert client.get("/admin/schools").status_code == 403
    people = db.session.scalar(
        select(func.count()).select_from(Person).where(Person.school_id == school.id)
    )
    assert people == 1


@pytest.mark.demo_data
@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"slug": "school20"}, "Школа с кодом «school20» уже есть"),
        ({"slug": "школа"}, "Код школы — латинские буквы"),
        ({"inn": "7707083894"}, "ИНН организации — 10 цифр"),
        ({"inn": "77070838"}, "ИНН организации — 10 цифр"),
        ({"ogrn": "1027700132194"}, "ОГРН — 13 цифр"),
        ({"director_login": "director"}, "Такой логин уже занят"),
        ({"director_login": "петров"}, "Логин: от 2 до 64"),
        ({"director_name": ""}, "Укажите ФИО директора"),
        ({"full_name": ""}, "Укажите полное название школы"),
        ({"timezone": "Mars/Olympus"}, "Неверный вариант"),
        ({"director_email": "not-an-address"}, "адрес"),
    ],
)
def test_a_bad_school_is_refused_beside_its_field_and_nothing_is_kept(app, client, changes, said):
    from sqlalchemy import func, select

    from tests.conftest import login
    from tracker.accounts.models import Person, School

    login(client, "director")
    schools = db.session.scalar(select(func.count()).select_from(School))
    people = db.session.scalar(select(func.count()).select_from(Person))
    answer = post(client, "/admin/schools", SCHOOL_FORM | changes, page="/admin/schools")
    assert answer.status_code == 400
    assert said in page_text(answer)
    assert db.session.scalar(select(func.count()).select_from(School)) == schools
    assert db.session.scalar(select(func.count()).select_from(Person)) == people
