"""The migrations and the models describe the same schema, on SQLite and on PostgreSQL."""

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
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
