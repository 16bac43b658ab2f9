"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

import re
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import drop_database, empty_database, make_app
from tracker.extensions import db


def script_directory(app) -> ScriptDirectory:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def drift() -> list:
    """What autogenerate would write: nothing when the database matches the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def assert_audit_log_refuses_changes() -> None:
    """The append-only triggers are in place (they are not part of the models)."""
    db.session.execute(
        text(
            "INSERT INTO audit_entries (at, action, object_type, changes, address) "
            "VALUES (CURRENT_TIMESTAMP, 'probe', 'probe', '{}', 'test')"
        )
    )
    db.session.commit()
    for statement in ("UPDATE audit_entries SET action = 'changed'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_single_head(app):
    assert len(script_directory(app).get_heads()) == 1


def test_file_names_sort_by_date(app):
    for script in script_directory(app).walk_revisions():
        name = script.path.rsplit("/", 1)[-1]
        assert re.match(r"^\d{8}_\d{4}_[0-9a-f]+_\w+\.py$", name), name


def test_upgrade_from_an_empty_database(tmp_path):
    database = empty_database(tmp_path, "tracker_t")
    try:
        app = make_app(tmp_path, database)
        with app.app_context():
            assert inspect(db.engine).get_table_names() == []
            upgrade()
            assert current_revision() == script_directory(app).get_current_head()
            tables = set(inspect(db.engine).get_table_names())
            assert tables == set(db.metadata.tables) | {"alembic_version"}
            assert drift() == []
            assert_audit_log_refuses_changes()
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(database)


def test_migrations_build_the_models_schema(app):
    assert drift() == []


def test_downgrade_step_by_step_to_empty_and_upgrade_again(app):
    scripts = script_directory(app)
    head = scripts.get_current_head()
    assert current_revision() == head
    for script in scripts.walk_revisions():  # newest first
        downgrade(revision="-1")
        assert current_revision() == script.down_revision
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()
    assert current_revision() == head
    tables = set(inspect(db.engine).get_table_names())
    assert tables == set(db.metadata.tables) | {"alembic_version"}
    assert drift() == []
    assert_audit_log_refuses_changes()


@pytest.mark.demo_data
def test_a_downgrade_and_upgrade_keep_the_data_of_tables_they_do_not_drop(app):
    """A SQLite batch migration rebuilds tables: no cascade may empty the rows that point at
    them (task_positions, task_assignees, position_holders)."""

    def counts() -> dict:
        return {
            table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            for table in (
                "tasks",
                "task_positions",
                "task_assignees",
                "position_holders",
                "people",
                "audit_entries",
            )
        }

    before = counts()
    assert before["task_positions"] > 0 and before["position_holders"] > 0
    db.session.remove()
    head = ScriptDirectory.from_config(
        app.extensions["migrate"].migrate.get_config()
    ).get_current_head()
    previous = (
        ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        .get_revision(head)
        .down_revision
    )
    downgrade(revision=previous)
    upgrade()
    db.session.remove()
    assert counts() == before


@pytest.mark.demo_data
def test_old_meetings_get_their_state_and_their_school_year(app, capfd):
    """Meetings saved before 047f55458e9d: attendance short of quorum did not take place; the
    protocol year becomes the school year from 1 August, except where numbers would clash."""
    bodies = db.session.execute(
        text("SELECT id, members_count FROM collegial_bodies ORDER BY id LIMIT 2")
    ).all()
    db.session.remove()
    downgrade(revision="5c2e9a7d41b3")
    rows = [
        # body, held at (UTC), number, calendar year, present
        (bodies[0].id, datetime(2026, 2, 15, 12), 3, 2026, bodies[0].members_count),
        (bodies[0].id, datetime(2026, 9, 10, 12), 4, 2026, 1),  # below any quorum
        (bodies[0].id, datetime(2026, 7, 31, 22), 5, 2026, None),  # 01.08 in Moscow
        (bodies[1].id, datetime(2025, 9, 1, 12), 7, 2025, None),
        (bodies[1].id, datetime(2026, 3, 1, 12), 7, 2026, None),  # clashes as 2025/2026
    ]
    ids = []
    for body_id, held_at, number, year, present in rows:
        ids.append(
            db.session.execute(
                text(
                    "INSERT INTO meetings (body_id, held_at, place, protocol_number, "
                    "protocol_year, present_count, lock_version, created_at) VALUES "
                    "(:body, :held, '', :number, :year, :present, 1, :held) RETURNING id"
                ),
                {
                    "body": body_id,
                    "held": held_at,
                    "number": number,
                    "year": year,
                    "present": present,
                },
            ).scalar_one()
        )
    db.session.commit()
    db.session.remove()
    upgrade()

    def meeting_rows() -> list:
        return [
            tuple(
                db.session.execute(
                    text("SELECT protocol_year, state FROM meetings WHERE id = :id"), {"id": i}
                ).one()
            )
            for i in ids
        ]

    assert meeting_rows() == [
        (2025, "held"),
        (2026, "no_quorum"),
        (2026, "planned"),
        (2025, "planned"),
        (2026, "planned"),
    ]
    assert f"meetings of body {bodies[1].id}: numbers clash" in capfd.readouterr().err
    db.session.remove()
    downgrade(revision="047f55458e9d")
    assert [year for year, _state in meeting_rows()] == [2026, 2026, 2026, 2025, 2026]
    db.session.remove()
    upgrade()


@pytest.mark.demo_data
def test_files_on_disk_move_into_the_database_checked_by_their_hash(app, client, capfd):
    """Files kept in instance/uploads/ before 607fa9837975 are moved in under their keys; every
    one downloads byte for byte afterwards; one named but missing is reported, not invented."""
    from pathlib import Path

    from tests.conftest import login
    from tracker.controls.models import Attachment, Occurrence

    db.session.remove()
    downgrade(revision="f2c7dd077c9a")
    folder = Path(app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "a" * 32: b"%PDF-1.4 scan of the order\n" + bytes(range(256)) * 40,
        "b" * 32: b"%PDF-1.4 act",
    }
    for key, content in files.items():
        (folder / key).write_bytes(content)
    task_id = db.session.execute(text("SELECT id FROM tasks ORDER BY id LIMIT 1")).scalar_one()
    db.session.execute(
        text(
            "UPDATE tasks SET completion_file_key = :k, completion_file_name = 'скан.pdf' WHERE id = :id"
        ),
        {"k": "a" * 32, "id": task_id},
    )
    occurrence_id = db.session.execute(
        text("SELECT id FROM control_occurrences WHERE is_done ORDER BY id LIMIT 1")
    ).scalar_one()
    for key in ("b" * 32, "c" * 32):  # the second is named but not on disk
        db.session.execute(
            text(
                "INSERT INTO control_attachments (occurrence_id, file_name, file_key, "
                "uploaded_at) VALUES (:o, 'акт.pdf', :k, :at)"
            ),
            {"o": occurrence_id, "k": key, "at": datetime(2026, 11, 2, 9)},
        )
    db.session.commit()
    db.session.remove()
    upgrade()
    assert f"file {'c' * 32} is named by a record but is not in" in capfd.readouterr().err
    kept = dict(db.session.execute(text("SELECT key, sha256 FROM stored_files")).all())
    assert set(kept) == set(files)
    for key in files:
        (folder / key).unlink()  # the folder is gone: what downloads comes from the database
    login(client, "director")
    assert client.get(f"/tasks/{task_id}/file").data == files["a" * 32]
    attachments = db.session.scalars(
        select(Attachment).where(Attachment.occurrence_id == occurrence_id)
    ).all()
    by_key = {attachment.file_key: attachment.id for attachment in attachments}
    url = f"/controls/occurrences/{occurrence_id}/files/"
    assert client.get(url + str(by_key["b" * 32])).data == files["b" * 32]
    assert client.get(url + str(by_key["c" * 32])).status_code == 404
    assert db.session.get(Occurrence, occurrence_id) is not None
    # Down again: the files are written back where the older version looks for them.
    db.session.remove()
    downgrade(revision="f2c7dd077c9a")
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == files
    db.session.remove()
    upgrade()
