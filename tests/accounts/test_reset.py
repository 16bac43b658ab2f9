"""A person who lost their password: the director gives a one-time one (or the administrator's
command does); the old password and every session stop working, and the new one must be
changed at the first login."""

import re

import pytest

from tests.conftest import DEMO_PASSWORD, login, person, post
from tests.plans.test_views import page_text
from tracker.accounts import services as accounts
from tracker.extensions import db

pytestmark = pytest.mark.demo_data


def test_the_director_resets_a_teachers_password_and_the_old_one_stops(app, client):
    teacher = person("teacher")
    other = app.test_client()
    login(other, "teacher")  # a session the teacher left open somewhere
    assert other.get("/").status_code == 200
    login(client, "director")
    page = f"/people/{teacher.id}"
    answer = post(client, f"{page}/reset-password", page=page, follow_redirects=True)
    text = page_text(answer)
    new = re.search(r"Новый пароль для входа: (\S+) —", text).group(1)
    assert "Все прежние входы этого сотрудника завершены" in text
    assert other.get("/").status_code == 302  # the open session ended
    db.session.expire_all()
    assert accounts.authenticate("teacher", DEMO_PASSWORD) is None
    assert accounts.authenticate("teacher", new) is not None
    post(client, "/logout", page="/")
    logged = post(client, "/login", {"username": "teacher", "password": new})
    assert logged.status_code == 302
    assert client.get("/", follow_redirects=True).request.path == "/password"


def test_the_director_cannot_reset_her_own_password_here(app, client):
    director = person("director")
    login(client, "director")
    page = f"/people/{director.id}"
    answer = post(client, f"{page}/reset-password", page=page, follow_redirects=True)
    assert "Свой пароль меняйте на странице «Смена пароля»" in page_text(answer)
    db.session.expire_all()
    assert accounts.authenticate("director", DEMO_PASSWORD) is not None


def test_the_command_resets_a_password(app, runner):
    result = runner.invoke(args=["users", "reset-password", "Teacher"])
    assert result.exit_code == 0, result.output
    new = re.search(r"Новый пароль: (\S+)", result.output).group(1)
    db.session.expire_all()
    assert accounts.authenticate("teacher", new) is not None
    assert person("teacher").must_change_password
    missing = runner.invoke(args=["users", "reset-password", "nobody"])
    assert missing.exit_code == 1 and "Нет пользователя «nobody»" in missing.output
