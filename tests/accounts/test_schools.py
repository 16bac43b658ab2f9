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
    link = accounts.first_login_link(director, "http://plan.example/")
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
