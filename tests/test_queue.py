"""The job queue with its real consumer (Huey's threads, as `tracker worker` runs them): on its
embedded SQLite storage always, and on Redis when `TRACKER_TEST_REDIS_URL` names one (`.ci/run`
starts a Redis where none answers and sets it). A change commits, the worker sends its message
through a real SMTP server; a refused request enqueues nothing."""

import email
import os
import secrets
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.accounts.test_forgot import Collect, free_port
from tests.conftest import person
from tracker import queue as queue_module
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL")
STORAGES = ["sqlite", *(["redis"] if REDIS_URL else [])]
pytestmark = pytest.mark.demo_data


@pytest.fixture(params=STORAGES)
def storage(request, app):
    if request.param == "redis":
        app.config["REDIS_URL"] = REDIS_URL
        app.config["QUEUE_NAME"] = f"tracker-test-{secrets.token_hex(4)}"
    queue_module.init_app(app)
    yield request.param
    queue_module.queue.storage.flush_all()


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_sends_what_a_committed_change_queued_and_nothing_for_a_refused_one(
    app, storage
):
    handler = Collect()
    server = Controller(handler, hostname="127.0.0.1", port=free_port())
    server.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}"
    task = db.session.scalar(select(Task).where(Task.title.startswith("Публикация всей")))
    plans.assign_tasks([task], [person("hr")], person("director"), replace=True)
    db.session.rollback()  # refused: nothing is queued
    assert len(queue_module.queue) == 0
    plans.assign_tasks([task], [person("teacher")], person("director"), replace=True)
    db.session.commit()
    assert len(queue_module.queue) == 1
    kind = type(queue_module.queue.storage).__name__
    assert kind == ("RedisStorage" if storage == "redis" else "SqliteStorage")
    worker = queue_module.queue.create_consumer(
        workers=2, periodic=False, initial_delay=0.05, max_delay=0.2
    )
    worker.start()
    try:
        assert wait_for(lambda: handler.messages), "the worker sent nothing"
    finally:
        worker.stop(graceful=True)
        server.stop()
    [raw] = handler.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "teacher@school20.example"
    assert "Публикация всей" in message.get_body(("plain",)).get_content()
    assert len(queue_module.queue) == 0


def test_tracker_worker_once_runs_what_waits(app, storage):
    """`tracker worker --once`: what waits in the queue is run and counted; with no mail server
    the messages are written to the instance's outbox as .eml files."""
    task = db.session.scalar(select(Task).where(Task.title.startswith("Публикация всей")))
    plans.assign_tasks([task], [person("teacher")], person("director"), replace=True)
    db.session.commit()
    answer = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert answer.exit_code == 0, answer.output
    assert answer.output.strip() == "Выполнено заданий: 1"
    [path] = (Path(app.instance_path) / "outbox").glob("*-assigned.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "teacher@school20.example"


def test_the_scheduled_jobs_run_at_their_hours_and_change_nothing_when_run_twice(app):
    from datetime import datetime

    from tracker.controls import services as controls
    from tracker.controls.models import Occurrence

    due = {
        task.name: task.validate_datetime
        for task in queue_module.queue._registry.periodic_tasks  # what the scheduler looks at
    }
    assert set(due) == {
        "remind",
        "send_waiting",
        "make_missing_pdfs",
        "generate_everywhere",
        "forget_expired",
        "prepare_missing",
        "forget_idle_feeds",
    }
    assert due["remind"](datetime(2026, 12, 7, 5, 0)) and not due["remind"](
        datetime(2026, 12, 7, 5, 1)
    )
    assert due["generate_everywhere"](datetime(2026, 12, 7, 1, 30))
    assert not due["generate_everywhere"](datetime(2026, 12, 7, 2, 30))
    before = db.session.scalar(select(func.count()).select_from(Occurrence))
    controls.generate_everywhere.call_local()
    after = db.session.scalar(select(func.count()).select_from(Occurrence))
    controls.generate_everywhere.call_local()
    assert db.session.scalar(select(func.count()).select_from(Occurrence)) == after >= before
