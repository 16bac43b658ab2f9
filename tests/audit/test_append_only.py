"""The audit log is append-only: the database itself refuses to change or remove an entry."""

import pytest
from sqlalchemy import JSON, bindparam, func, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import ON_POSTGRESQL
from tracker.audit import services as audit
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.types import UTCDateTime, utcnow

REFUSED = "audit log is append-only"


@pytest.fixture
def entry(school) -> AuditEntry:
    entry = audit.record(
        "task.status",
        "task",
        1,
        school_id=school.id,
        changes={"status": ["planned", "done"]},
    )
    db.session.commit()
    return entry


def stored(entry_id: int) -> tuple | None:
    """The row as the database holds it, read afresh."""
    row = db.session.execute(
        text(
            "SELECT action, object_type, object_id, changes, address FROM audit_entries WHERE id = :id"
        ).columns(changes=JSON),
        {"id": entry_id},
    ).one_or_none()
    return tuple(row) if row else None


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def refused(statement: str, **params) -> None:
    with pytest.raises(DBAPIError, match=REFUSED):
        db.session.execute(text(statement), params)
    db.session.rollback()


def test_an_update_is_refused_and_changes_nothing(entry):
    before = stored(entry.id)
    refused(
        "UPDATE audit_entries SET action = 'tampered', address = '' WHERE id = :id", id=entry.id
    )
    assert stored(entry.id) == before
    refused("UPDATE audit_entries SET changes = '{}'")
    assert stored(entry.id) == before


def test_a_delete_is_refused_and_the_entry_stays(entry):
    before, count = stored(entry.id), entries()
    refused("DELETE FROM audit_entries WHERE id = :id", id=entry.id)
    assert stored(entry.id) == before
    refused("DELETE FROM audit_entries")
    assert stored(entry.id) == before
    assert entries() == count


def test_the_orm_cannot_change_an_entry_either(entry):
    entry_id, before = entry.id, stored(entry.id)
    entry.action = "tampered"
    with pytest.raises(DBAPIError, match=REFUSED):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry_id))
    with pytest.raises(DBAPIError, match=REFUSED):
        db.session.flush()
    db.session.rollback()
    assert stored(entry_id) == before


def test_emptying_the_table_at_once_is_refused(entry):
    # PostgreSQL's TRUNCATE fires no row trigger (a statement trigger refuses it); SQLite has
    # no TRUNCATE, and its DELETE without WHERE keeps firing row triggers when a table has them.
    count = entries()
    refused("TRUNCATE audit_entries" if ON_POSTGRESQL else "DELETE FROM audit_entries")
    assert entries() == count


def test_appending_still_works(entry, school):
    count = entries()
    audit.record(
        "task.redate", "task", 1, school_id=school.id, changes={"due_on": [None, "2026-12-01"]}
    )
    db.session.commit()
    db.session.execute(
        text(
            "INSERT INTO audit_entries (school_id, at, action, object_type, object_id, changes, address) "
            "VALUES (:school, :at, 'task.comment', 'task', 1, '{}', 'sql')"
        ).bindparams(bindparam("at", type_=UTCDateTime)),
        {"school": school.id, "at": utcnow()},
    )
    db.session.commit()
    assert entries() == count + 2
    assert [e.action for e in audit.history("task", 1).items] == [  # newest first
        "task.comment",
        "task.redate",
        "task.status",
    ]
    assert stored(entry.id) == ("task.status", "task", 1, {"status": ["planned", "done"]}, "cli")
