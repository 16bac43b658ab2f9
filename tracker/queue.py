"""The job queue: slow and scheduled work off the request, on Huey.

Huey keeps its queue in a SQLite file, `instance/jobs.sqlite3`, by default (nothing to install)
and in Redis when `TRACKER_REDIS_URL` is set (several app servers and workers on several
machines). `tracker worker` runs the consumer: its threads take jobs off the queue and its
scheduler starts the periodic ones.

The records, not the queue, say what is still to do: a message not sent, a PDF not made. A job
is a nudge to do it now, idempotent (it looks at the record first), retried a few times; a
periodic sweep finds what a lost job (a worker killed, Redis down at the moment of enqueueing)
left undone. A job is enqueued only once the transaction that asked for it commits
(`after_commit`), so the worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.extensions import db

log = logging.getLogger(__name__)

queue = Huey("tracker", results=False, utc=True, storage_class=MemoryStorage)
_PENDING = "tracker.jobs_after_commit"
_apps: list[Flask] = []  # the app the consumer's threads run jobs in (the last one set up)

__all__ = [
    "after_commit",
    "crontab",
    "in_queue_app",
    "init_app",
    "job",
    "periodic",
    "queue",
    "run_pending",
]


def init_app(app: Flask) -> None:
    """Point the queue at this installation's storage: Redis when configured, else the SQLite
    file in the instance folder."""
    url = app.config.get("REDIS_URL") or ""
    name = app.config.get("QUEUE_NAME") or "tracker"
    if url:
        queue.storage = RedisStorage(name=name, url=url)
    else:
        path = Path(app.instance_path) / "jobs.sqlite3"
        queue.storage = SqliteStorage(name=name, filename=str(path))
    _apps[:] = [app]


@contextmanager
def _rolled_back_on_failure() -> Iterator[None]:
    """A failed job's changes are rolled back: nothing half-written is committed after it."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise


@contextmanager
def in_queue_app() -> Iterator[None]:
    """The app's context and a database session of its own, for the consumer's threads."""
    with _apps[-1].app_context():
        try:
            with _rolled_back_on_failure():
                yield
        finally:
            db.session.remove()


def _in_app(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a job in the app's context (the consumer's threads have none); a job called where a
    context exists (a command, a test) uses that one."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            with _rolled_back_on_failure():
                return function(*args, **kwargs)
        with in_queue_app():
            return function(*args, **kwargs)

    return run


def job(*, retries: int = 3, retry_delay: int = 60) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """A function the worker runs: `f.schedule(args, delay=…)` or `after_commit(f, …)`."""

    def decorate(function: Callable[..., Any]) -> TaskWrapper:
        return queue.task(retries=retries, retry_delay=retry_delay)(_in_app(function))

    return decorate


def periodic(schedule: Callable[..., bool]) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """A function the worker's scheduler starts on `schedule` (a huey `crontab`, in UTC)."""

    def decorate(function: Callable[..., Any]) -> TaskWrapper:
        return queue.periodic_task(schedule)(_in_app(function))

    return decorate


def after_commit(task: TaskWrapper, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` once the current transaction commits; nothing when it
    rolls back."""
    db.session.info.setdefault(_PENDING, []).append((task, args, kwargs))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for task, args, kwargs in session.info.pop(_PENDING, []):
        try:
            task(*args, **kwargs)
        except Exception:  # the queue is down: the record stays undone, the sweep finds it
            log.exception("could not enqueue %s", task.name)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


def run_pending(limit: int = 1000, *, retries_too: bool = False) -> int:
    """Run what waits in the queue, in this process (`tracker worker --once`, the tests);
    `retries_too`: the retries scheduled for later as well, as if their time had come (each
    job's retries until none is left). Returns how many jobs ran."""
    ran = 0
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)  # huey's UTC is naive
    while ran < limit:
        task = queue.dequeue()
        if task is None and retries_too:
            for due in queue.read_schedule(later):
                queue.enqueue(due)
            task = queue.dequeue()
        if task is None:
            break
        queue.execute(task, timestamp=later if retries_too else None)
        ran += 1
    return ran
