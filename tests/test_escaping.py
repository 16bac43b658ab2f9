"""`<script>` typed into every text field comes out as text on every page, never as markup."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import login, person, post
from tests.plans.test_views import task_titled
from tracker.accounts.models import Position
from tracker.acts.models import LocalAct
from tracker.extensions import db

pytestmark = pytest.mark.demo_data
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_every_text_field_is_escaped_everywhere(app, client, runner):
    task = task_titled("Анализ активности обучающихся")
    teacher = person("teacher")
    login(client, "director")
    assert (
        post(client, "/positions", {"title": "Должность " + EVIL}, page="/people").status_code
        == 302
    )
    position = next(
        p for p in person("director").school.positions if p.title.startswith("Должность")
    )
    assert (
        post(
            client,
            f"/people/{teacher.id}",
            {
                "full_name": "Фёдоров " + EVIL,
                "role": "staff",
                "is_active": "y",
                "positions": [str(position.id)],
            },
            page="/people",
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            f"/tasks/{task.id}/edit",
            {
                "title": "Анализ " + EVIL,
                "due_on": "31.05.2027",
                "assignees": [str(teacher.id)],
                "positions": [str(position.id)],
            },
            page="/people",
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            f"/tasks/{task.id}/status",
            {"status": "in_progress", "note": EVIL},
            page="/people",
        ).status_code
        == 302
    )
    assert (
        post(client, f"/tasks/{task.id}/comments", {"body": EVIL}, page="/people").status_code
        == 302
    )
    export_act = db.session.scalar(
        select(LocalAct).where(LocalAct.title.startswith("Регламент выгрузки"))
    )
    act_page = f"/acts/{export_act.id}"
    assert (
        post(
            client,
            f"{act_page}/discussion/comments",
            {"section": "", "text": EVIL},
            page=act_page,
        ).status_code
        == 302
    )
    assert post(client, "/acts", {"title": "Акт " + EVIL}, page="/acts").status_code == 302
    pages = [
        "/acts",
        act_page,
        "/awaiting",
        "/",
        "/plan",
        "/assign",
        "/people",
        f"/people/{teacher.id}",
        f"/tasks/{task.id}",
        f"/tasks/{task.id}/edit",
        f"/plan?position={position.id}",
    ]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<img src=x" not in html, url
        if url not in ("/", "/awaiting"):  # the dashboard shows this task nowhere
            assert "&lt;script&gt;" in html, url
    # The data keeps what was typed, exactly: escaping is the output's job.
    data = json.loads(runner.invoke(args=["export"]).output)
    exported = [p["title"] for p in data["schools"][0]["positions"]]
    assert "Должность " + EVIL in exported
    assert "Должность " + EVIL in db.session.scalars(select(Position.title)).all()
