"""The version of a school's records, which feeds' ETags and the kept public pages are keyed by:
it moves with every audit entry about the school, in the same transaction, and reading it costs
the same however long the school's log has grown."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select

from tests.conftest import add_other_school, login, person, post
from tests.ical.test_feeds import queries
from tracker.accounts.models import School
from tracker.audit import services as audit
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.plans.models import Task


def records_version(school_id: int):
    """The school's version and when it last changed, as the feeds and public pages read them
    (with the link's or the slug's row: `ical.services.find_subscription`,
    `publication.services.public_key`)."""
    school = db.session.get_one(School, school_id)
    return str(school.records_version), school.records_changed_at


def test_every_entry_moves_its_schools_version_and_a_rollback_moves_nothing(app, school):
    other = add_other_school()
    db.session.commit()
    before, _at = records_version(school.id)
    others_before = records_version(other.id)
    for number in range(3):
        audit.record("task.edit", "task", number, school_id=school.id)
    audit.record("access.refused", "page", None, school_id=None)  # no school: no version
    db.session.commit()
    after, at = records_version(school.id)
    assert int(after) == int(before) + 3 and at is not None
    assert records_version(other.id) == others_before

    audit.record("task.edit", "task", 1, school_id=school.id)
    db.session.flush()
    db.session.rollback()
    assert records_version(school.id)[0] == after


def test_the_version_is_read_from_the_schools_row_not_counted_from_its_log(app, school):
    """A school's log only grows (every change and every refused access adds an entry): with
    20,000 entries more, a poll still reads one row and never the log."""
    school_id = school.id
    db.session.execute(
        insert(AuditEntry),
        [
            {"action": "task.edit", "object_type": "task", "school_id": school_id, "changes": {}}
            for _ in range(20_000)
        ],
    )
    db.session.commit()
    with queries() as seen:
        version, _at = records_version(school_id)
    assert len(seen) == 1 and "audit_entries" not in seen[0] and "schools" in seen[0]
    audit.record("task.edit", "task", 1, school_id=school_id)
    db.session.commit()
    assert int(records_version(school_id)[0]) == int(version) + 1


def test_the_migration_starts_each_school_from_its_log(app, school):
    """Upgrading a database that already has a log gives each school its number of entries
    and the time of its newest one."""
    school_id = school.id
    entries = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.school_id == school_id)
    )
    newest = db.session.scalar(
        select(func.max(AuditEntry.at)).where(AuditEntry.school_id == school_id)
    )
    db.session.commit()
    db.session.remove()
    downgrade(revision="104798097389")
    upgrade()
    version, at = records_version(school_id)
    assert int(version) == entries and entries > 0
    assert at == newest


@pytest.mark.demo_data
def test_logins_refusals_and_calendar_links_leave_the_version_alone(app, client):
    """Staff logging in every morning must not make every subscribed calendar download its
    whole feed again: only changes to the records move the version."""
    director = person("director")
    school_id = director.school_id
    before = records_version(school_id)
    login(client, "director")
    client.get("/people")  # allowed; and a teacher refused below
    teacher = app.test_client()
    login(teacher, "teacher")
    assert teacher.get("/people").status_code == 403
    db.session.remove()
    assert records_version(school_id) == before
    post(client, "/feeds", {"scope": "mine", "alarm_days": "1"}, page="/feeds")
    db.session.remove()
    assert records_version(school_id) == before

    task = db.session.scalars(select(Task).where(Task.plan.has(school_id=school_id))).first()
    audit.record("task.edit", "task", task.id, school_id=school_id)
    db.session.commit()
    assert int(records_version(school_id)[0]) == int(before[0]) + 1
