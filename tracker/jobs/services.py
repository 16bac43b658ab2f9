"""What the worker could not do: a job that failed on its last retry is written down here (the
queue itself forgets it), and the director sees it beside the outbox."""

from __future__ import annotations

import logging

from flask import has_app_context
from huey import signals
from sqlalchemy import select

from tracker.extensions import db
from tracker.jobs.models import FailedJob
from tracker.queue import in_queue_app, queue

log = logging.getLogger(__name__)

# What a failed job is called on the director's page.
NAMES = {
    "make_pdf": "PDF опубликованного акта",
    "send_message": "Отправка письма",
}


@queue.signal(signals.SIGNAL_ERROR)
def _given_up(signal, task, error=None) -> None:
    """Keep the failure of a job that has no retry left."""
    if task.retries:
        return
    try:
        if has_app_context():
            record(task, error)
        else:
            with in_queue_app():
                record(task, error)
    except Exception:  # the database is down too: the log is all that is left
        log.exception("could not record the failure of %s", task.name)


def record(task, error: BaseException | None) -> FailedJob:
    kwargs = dict(task.kwargs or {})
    school_id = kwargs.pop("school_id", None)
    failure = FailedJob(
        school_id=school_id if isinstance(school_id, int) else None,
        name=task.name[:200],
        arguments=", ".join(
            [*(repr(a) for a in task.args or ()), *(f"{k}={v!r}" for k, v in kwargs.items())]
        )[:500],
        error=f"{type(error).__name__}: {error}"[:2000] if error else "",
    )
    db.session.add(failure)
    db.session.commit()
    return failure


def failures_of(school_id: int, limit: int = 50) -> list[FailedJob]:
    return list(
        db.session.scalars(
            select(FailedJob)
            .where(FailedJob.school_id == school_id)
            .order_by(FailedJob.id.desc())
            .limit(limit)
        )
    )


def title(failure: FailedJob) -> str:
    return NAMES.get(failure.name, failure.name)
