"""«Who is behind»: the director's page by person and by position, and the plan's person filter
under the same rule as «мои задачи»."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, login, person
from tests.plans.test_views import page_text, task_titled
from tracker.accounts.models import Person
from tracker.extensions import db
from tracker.plans import services as plans

pytestmark = pytest.mark.demo_data


def row_of(text: str, name: str) -> str:
    return text.split(name, 1)[1][:600]


def test_the_director_sees_who_is_behind_and_on_what(app, client):
    login(client, "director")
    text = page_text(client.get("/plan/people"))
    people = text.split("По сотрудникам", 1)[1].split("По должностям", 1)[0]
    first = people.split("Выполнено", 1)[1]
    # The deputy left October's check of the marks' count undone: she heads the list.
    assert first.strip().startswith("Смирнова Елена Викторовна")
    assert "Проверка наполняемости отметок (в течение отчетного периода) (октябрь 2026)" in (
        row_of(people, "Смирнова Елена Викторовна")
    )
    positions = text.split("По должностям", 1)[1]
    assert "Заместитель директора по УВР" in positions
    assert "Классный руководитель" in positions and "Новикова М. Д., Орлов Д. П." in positions


def test_a_person_behind_on_a_task_named_to_her_is_listed_with_it(app, client):
    task = task_titled("Составление графика обучения")
    teacher = person("teacher")
    plans.assign_tasks([task], [teacher], person("director"), replace=True)
    task.starts_on, task.due_on = None, TODAY - timedelta(days=1)  # made late
    db.session.commit()
    login(client, "director")
    text = page_text(client.get("/plan/people"))
    assert task.numbered(80)[:40] in row_of(text, teacher.full_name)


def test_the_plan_shows_a_persons_tasks_by_the_rule_of_mine(app, client):
    deputy = db.session.scalar(select(Person).where(Person.username == "deputy_uvr"))
    plan = plans.school_plan(deputy.school)
    expected = plans.my_task_ids(plan, deputy)
    assert len(expected) >= 14  # through her position, none of them named to her
    login(client, "director")
    text = page_text(client.get(f"/plan?person={deputy.id}"))
    shown = re.search(r"Показано задач: (\d+) из (\d+)", text)
    assert int(shown.group(1)) == len(expected)
    # Naming a colleague on one of her position's tasks moves it to «у коллег» on her dashboard.
    task = next(t for t in plans.plan_tasks(plan) if t.id in expected and not t.follows_records)
    plans.assign_tasks([task], [person("ej_officer")], person("director"), replace=True)
    db.session.commit()
    again = page_text(client.get(f"/plan?person={deputy.id}"))
    assert f"Показано задач: {len(expected) - 1} из" in again


def test_a_teacher_cannot_open_who_is_behind(app, client):
    login(client, "teacher")
    assert client.get("/plan/people").status_code == 403
