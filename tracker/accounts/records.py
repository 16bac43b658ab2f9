"""The version of a school's records: what a calendar feed's ETag and a kept public page are
keyed by. It lives on the school's row and moves, in the same transaction, with every audit
entry about the school's records, so that reading it is one primary-key read however long the
log grows."""

from collections import Counter

from sqlalchemy import event, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from tracker.accounts.models import School
from tracker.audit.models import AuditEntry
from tracker.types import utcnow

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
    schools = School.metadata.tables[School.__tablename__]  # `__table__` is typed FromClause
    for school_id, count in added.items():
        session.connection().execute(
            update(schools)
            .where(schools.c.id == school_id)
            .values(records_version=schools.c.records_version + count, records_changed_at=utcnow())
        )
        loaded = session.identity_map.get(identity_key(School, school_id))
        if loaded is not None:  # read again when next asked (`records_version`)
            session.expire(loaded, ["records_version", "records_changed_at"])
