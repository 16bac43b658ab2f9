"""The top menu: each role's sections in the plan's order, the current one marked, the chosen
language; built once per variant and never carried from one person's role to another's."""

import re

import pytest

from tests.conftest import login, post, switch_to

pytestmark = pytest.mark.demo_data

EVERYONE = ["Главная", "План", "Акты", "Советы", "Приказы", "Контроль", "Календарь", "Документы"]
EVERYONE += ["Ждут меня"]
MANAGERS = ["Кто отстаёт", "Назначения", "Сотрудники", "Письма"]


def menu(response) -> list[tuple[str, str, bool]]:
    """(label, address, marked current) of each link in the page's menu."""
    html = response.get_data(as_text=True)
    nav = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S).group(1)
    return [
        (label, href, bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav
        )
    ]


def test_a_teacher_sees_the_sections_of_her_work_and_where_she_is(app, client):
    login(client, "teacher")
    items = menu(client.get("/plan"))
    assert [label for label, _href, _current in items] == EVERYONE
    assert [label for label, _href, current in items if current] == ["План"]
    assert dict((label, href) for label, href, _c in items)["Документы"] == "/documents"
    # Any page of a section marks it; a page outside the menu marks nothing.
    check = re.search(r'href="(/controls/checks/\d+)"', client.get("/controls").get_data(True))
    assert [label for label, _h, current in menu(client.get(check.group(1))) if current] == [
        "Контроль"
    ]
    assert [label for label, _h, current in menu(client.get("/calendar")) if current] == [
        "Календарь"
    ]
    assert not [label for label, _h, current in menu(client.get("/feeds")) if current]


def test_the_director_sees_the_managers_sections_and_a_teacher_after_her_does_not(app, client):
    login(client, "director")
    director = [label for label, _h, _c in menu(client.get("/plan"))]
    assert director == EVERYONE + MANAGERS + ["Школы"]  # the demo's director runs it too
    switch_to(client, "teacher")  # the same page, the same language: only the role differs
    assert [label for label, _h, _c in menu(client.get("/plan"))] == EVERYONE
    for _href, _label, current in menu(client.get("/people")):
        assert not current  # refused to her: no section of hers is marked


def test_the_menu_follows_the_chosen_language(app, client):
    login(client, "director")
    menu(client.get("/"))
    post(client, "/language", {"locale": "en"}, page="/")
    english = menu(client.get("/"))
    assert english[0] == ("Home", "/", True)
    assert "Staff" in [label for label, _h, _c in english]
    post(client, "/language", {"locale": "ru"}, page="/")
    assert menu(client.get("/"))[0] == ("Главная", "/", True)
