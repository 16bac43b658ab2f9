"""Appending to the audit log. There is deliberately no way here to change or remove an entry.

The log is the lowest domain package: every other part writes to it, and it imports none of
them (an entry names its school and actor by id).
"""

from flask import has_request_context, request
from sqlalchemy import select

from tracker.audit.models import AuditEntry
from tracker.extensions import db, paginate


def _client_address() -> str:
    if has_request_context():
        return request.remote_addr or ""
    return "cli"


def record(
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    school_id: int | None,
    actor=None,
    changes: dict | None = None,
) -> AuditEntry:
    """Append one entry: `changes` maps a field to [before, after] (JSON-safe values)."""
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=object_id,
        school_id=school_id,
        actor_id=getattr(actor, "id", None),
        changes=changes or {},
        address=_client_address(),
    )
    db.session.add(entry)
    return entry


def record_new(
    action: str, object_type: str, object_id: int, school_id: int, actor, **values
) -> AuditEntry:
    """Append one entry of values that did not exist before (each as [None, value])."""
    return record(
        action,
        object_type,
        object_id,
        school_id=school_id,
        actor=actor,
        changes={key: [None, value] for key, value in values.items()},
    )


HISTORY_PAGE = 50


def history(object_type: str, object_id: int, page: int = 1):
    """The entries about one object, newest first, a page of them (a task edited every day
    for years keeps a page as fast as a new one)."""
    return paginate(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
        page,
        HISTORY_PAGE,
    )
