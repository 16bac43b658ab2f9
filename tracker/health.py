"""`/healthz` for a load balancer or a monitor: does this server answer, and can it work?

200 when the database answers, its schema is at the migrations' head and the job queue's
storage (Redis, or the SQLite file) answers; 503 naming what does not. Open without a login and
telling nothing private: each part says «ok» or the kind of its failure, never its message
(which may hold an address or a password).
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from tracker.extensions import db
from tracker.queue import queue

bp = Blueprint("health", __name__)


def _heads() -> set[str]:
    """The migrations' heads, read from their folder once per process."""
    kept = current_app.extensions.get("migration_heads")
    if kept is None:
        from alembic.script import ScriptDirectory  # imported here: no page needs Alembic

        directory = current_app.extensions["migrate"].directory
        kept = set(ScriptDirectory(directory).get_heads())
        current_app.extensions["migration_heads"] = kept
    return kept


def _database() -> str:
    db.session.execute(text("SELECT 1"))
    return "ok"


def _migrations() -> str:
    from alembic.runtime.migration import MigrationContext

    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    return "ok" if current == _heads() else "behind: run «tracker db upgrade»"


def _queue() -> str:
    queue.storage.queue_size()
    return "ok"


def checks() -> dict[str, str]:
    found = {}
    for name, check in (("database", _database), ("migrations", _migrations), ("queue", _queue)):
        try:
            found[name] = check()
        except Exception as error:  # a health check reports every failure, whatever it is
            found[name] = f"error: {type(error).__name__}"
            db.session.rollback()
    db.session.rollback()
    return found


@bp.get("/healthz")
def healthz():
    found = checks()
    healthy = all(value == "ok" for value in found.values())
    response = jsonify({"status": "ok" if healthy else "failing", **found})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
