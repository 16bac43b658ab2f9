"""Logins and the director's management of people and positions."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, login, person, post
from tests.plans.test_views import page_text
from tracker.accounts.models import Position, PositionHolder
from tracker.extensions import db

pytestmark = pytest.mark.demo_data


@pytest.mark.parametrize(
    ("username", "password"), [("director", "wrong-password"), ("nobody", DEMO_PASSWORD)]
)
def test_wrong_password_and_unknown_user_get_the_same_answer(app, client, username, password):
    response = post(client, "/login", {"username": username, "password": password})
    assert response.status_code == 400
    assert "Неверный логин или пароль" in page_text(response)
    assert client.get("/").status_code == 302


def test_a_replayed_session_cookie_stops_working_after_logout(app, client):
    login(client, "teacher")
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    post(client, "/logout", page="/")
    assert client.get("/").status_code == 302
    client.set_cookie("session", cookie)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_director_adds_a_person_who_then_logs_in(app, client):
    login(client, "director")
    class_teacher = db.session.scalar(select(Position).where(Position.code == "class_teacher"))
    response = post(
        client,
        "/people",
        {
            "full_name": "  Зайцева   Ольга Игоревна ",
            "username": "zaytseva",
            "role": "staff",
            "positions": [str(class_teacher.id)],
        },
        page="/people",
        follow_redirects=True,
    )
    text = page_text(response)
    password = re.search(r"начальный пароль: (\S+) —", text).group(1)
    assert "Зайцева Ольга Игоревна" in text
    post(client, "/logout", page="/")
    response = login(client, "zaytseva", password)
    # The initial password was seen by the director: it must be replaced first.
    assert response.headers["Location"].endswith("/password")
    assert client.get("/").headers["Location"].endswith("/password")
    response = post(
        client,
        "/password",
        {
            "current": password,
            "password": "Ставрополь-весна-2026",
            "repeat": "Ставрополь-весна-2026",
        },
        page="/password",
        follow_redirects=True,
    )
    assert "Пароль изменён" in page_text(response)
    assert "Здравствуйте, Зайцева Ольга Игоревна" in page_text(client.get("/"))
    assert [p.code for p in person("zaytseva").positions] == ["class_teacher"]


@pytest.mark.parametrize(
    ("username", "full_name", "message"),
    [
        ("teacher", "Новый Учитель", "Такой логин уже занят"),
        ("Иван Петров", "Петров Иван", "Логин: от 2 до 64 латинских букв"),
        ("petrov", "", "Укажите ФИО"),
        ("petrov", "<script>x</script>" * 20, "ФИО длиннее 200 символов"),
    ],
)
def test_bad_new_person_is_refused_beside_the_field(app, client, username, full_name, message):
    login(client, "director")
    count = len(person("director").school.people)
    response = post(
        client,
        "/people",
        {"full_name": full_name, "username": username, "role": "staff"},
        page="/people",
    )
    assert response.status_code == 400
    assert message in page_text(response)
    db.session.expire_all()
    assert len(person("director").school.people) == count


def test_disabling_a_person_ends_their_session(app, client):
    teacher = person("teacher")
    teacher_client = app.test_client()
    login(teacher_client, "teacher")
    login(client, "director")
    response = post(
        client,
        f"/people/{teacher.id}",
        {"full_name": teacher.full_name, "role": "staff"},
        page="/people",
    )
    assert response.status_code == 302
    assert teacher_client.get("/").status_code == 302
    response = post(teacher_client, "/login", {"username": "teacher", "password": DEMO_PASSWORD})
    assert response.status_code == 400


def test_director_cannot_lock_themselves_out(app, client):
    director = person("director")
    login(client, "director")
    response = post(
        client,
        f"/people/{director.id}",
        {"full_name": director.full_name, "role": "staff", "is_active": "y"},
        page="/people",
    )
    assert response.status_code == 400
    assert "Нельзя лишить прав или отключить самого себя" in page_text(response)
    db.session.expire_all()
    assert person("director").role == "director"


def test_fill_and_vacate_a_position_from_the_assignment_page(app, client):
    hr = db.session.scalar(select(Position).where(Position.code == "hr"))
    teacher = person("teacher")
    login(client, "director")
    response = post(
        client,
        f"/positions/{hr.id}/fill",
        {"person": str(teacher.id), "note": "0,5 ставки", "back": "assign"},
        page="/assign",
        follow_redirects=True,
    )
    assert "Специалист по кадрам: назначение сохранено" in page_text(response)
    assert "Фёдоров Алексей Михайлович (0,5 ставки)" in page_text(response)
    response = post(
        client,
        f"/positions/{hr.id}/vacate/{teacher.id}",
        {"back": "assign"},
        page="/assign",
        follow_redirects=True,
    )
    assert "сотрудник снят с должности" in page_text(response)
    holders = db.session.scalars(
        select(PositionHolder).where(PositionHolder.position_id == hr.id)
    ).all()
    assert [holder.person.username for holder in holders] == ["hr"]


def test_fill_position_with_nobody_chosen_says_so(app, client):
    hr = db.session.scalar(select(Position).where(Position.code == "hr"))
    login(client, "director")
    response = post(
        client,
        f"/positions/{hr.id}/fill",
        {"person": "", "back": "assign"},
        page="/assign",
        follow_redirects=True,
    )
    assert "Выберите сотрудника из списка" in page_text(response)


def test_new_position_and_duplicate(app, client):
    login(client, "director")
    response = post(
        client, "/positions", {"title": "Педагог-психолог"}, page="/people", follow_redirects=True
    )
    assert "Должность добавлена" in page_text(response)
    response = post(client, "/positions", {"title": "педагог-психолог"}, page="/people")
    assert response.status_code == 400
    assert "Такая должность уже есть" in page_text(response)


def form_as_shown(html: str) -> dict[str, list[str]]:
    """What a browser would send from the page's person form, left as it is shown."""
    from html.parser import HTMLParser

    sent: dict[str, list[str]] = {}

    class Form(HTMLParser):
        select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name"):
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                if kind not in ("submit", "file"):
                    sent.setdefault(a["name"], []).append(a.get("value", "y"))
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                sent.setdefault(self.select, []).append(a.get("value", ""))

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    Form().feed(html.split('<form method="post" class="card"', 1)[1].split("</form>", 1)[0])
    return sent


def test_saving_a_persons_page_as_shown_keeps_their_positions(app, client):
    """The page shows the positions the person fills checked, so saving it after changing
    another field (here the right to publish) keeps them."""
    deputy = person("deputy_uvr")
    held = sorted(position.title for position in deputy.positions)
    assert held
    login(client, "director")
    html = client.get(f"/people/{deputy.id}").get_data(as_text=True)
    form = form_as_shown(html)
    assert sorted(form["positions"]) == sorted(str(p.id) for p in deputy.positions)
    form["may_publish"] = ["y"]
    form.pop("csrf_token", None)
    response = post(client, f"/people/{deputy.id}", form, page=f"/people/{deputy.id}")
    assert response.status_code == 302
    db.session.expire_all()
    deputy = person("deputy_uvr")
    assert sorted(position.title for position in deputy.positions) == held and deputy.may_publish
