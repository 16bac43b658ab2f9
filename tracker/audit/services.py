"""Appending to the audit log. There is deliberately no way here to change or remove an entry."""

from collections import Counter
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.util import identity_key

from tracker.accounts.models import School
from tracker.audit.models import AuditEntry
from tracker.extensions import db, paginate
from tracker.types import utcnow


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


# Entries that change nothing a page or a feed shows: a login, a refusal, a new password, a
# calendar link made or revoked. They leave the version alone, so that staff logging in do not
# send every subscribed calendar the whole feed again.
NOT_RECORDS = frozenset(
    {
        "login.success",
        "login.failed",
        "login.locked",
        "access.refused",
        "person.password",
        "feed.create",
        "feed.revoke",
    }
)


@event.listens_for(Session, "before_flush")
def _move_records_versions(session: Session, _context, _instances) -> None:
    """Each school's version moves by the entries about its records a flush writes, in the
    same transaction (committed or rolled back with them): one UPDATE a school. Writers of a
    school then wait on its row, so its versions follow the order of their commits."""
    added = Counter(
        entry.school_id
        for entry in session.new
        if isinstance(entry, AuditEntry)
        and entry.school_id is not None
        and entry.action not in NOT_RECORDS
    )
    schools = School.__table__
    for school_id, count in added.items():
        session.connection().execute(
            update(schools)
            .where(schools.c.id == school_id)
            .values(records_version=schools.c.records_version + count, records_changed_at=utcnow())
        )
        loaded = session.identity_map.get(identity_key(School, school_id))
        if loaded is not None:  # read again when next asked (`records_version`)
            session.expire(loaded, ["records_version", "records_changed_at"])


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


def records_version(school_id: int) -> tuple[str, datetime | None]:
    """A version of the school's records, and when they last changed: every change adds an
    audit entry, which moves the school's counter (but for `NOT_RECORDS`), so a page or feed
    built from the records stays the same while this does. Read from the school's row, however
    long its log grows: no query when the request has the school already."""
    school = db.session.get_one(School, school_id)
    return str(school.records_version), school.records_changed_at


HISTORY_PAGE = 50


def history(object_type: str, object_id: int, page: int = 1):
    """The entries about one object, newest first, a page of them (a task edited every day
    for years keeps a page as fast as a new one)."""
    return paginate(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .options(selectinload(AuditEntry.actor)),
        page,
        HISTORY_PAGE,
    )
