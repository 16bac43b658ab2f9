"""Nothing half-written: one transaction per request, and two writers on one SQLite file."""

import threading

import pytest
from sqlalchemy import select, text

from tests.conftest import login, person, post
from tests.plans.test_views import task_titled
from tracker.audit import services as audit
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import TaskComment, TaskStatus

pytestmark = pytest.mark.demo_data


def crashed_status_change(app, client, monkeypatch):
    """The director saves a task's status and the request fails between the task and its audit
    entry, as a power cut or a full disk would: the answer, as production gives it."""
    task = task_titled("Совещание при директоре об итогах")

    def crash(*args, **kwargs):
        raise RuntimeError("the power went out between the task and its audit entry")

    login(client, "director")
    monkeypatch.setattr(audit, "record", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.testing = False
    return post(
        client,
        f"/tasks/{task.id}/status",
        {"status": "done", "note": "готово"},
        page=f"/tasks/{task.id}",
    )


def test_a_crash_between_two_writes_of_a_request_leaves_nothing(app, client, monkeypatch):
    response = crashed_status_change(app, client, monkeypatch)
    assert response.status_code == 500
    assert "Изменения не сохранены" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    after = task_titled("Совещание при директоре об итогах")
    assert after.status == TaskStatus.PLANNED and after.completion_note == ""


def test_two_writers_on_the_sqlite_file_at_once_both_succeed(sqlite_app):
    app = sqlite_app
    pragmas = {
        name: db.session.execute(text(f"PRAGMA {name}")).scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def writer(number: int) -> None:
        with app.app_context():
            try:
                task = task_titled("Выгрузка данных")
                author = person("director")
                barrier.wait()
                for index in range(40):
                    plans.add_comment(task, author, f"писатель {number}, запись {index}")
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 -- reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    bodies = db.session.scalars(select(TaskComment.body)).all()
    assert len([b for b in bodies if b.startswith("писатель")]) == 80
