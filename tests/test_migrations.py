"""The migrations and the models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tracker.extensions import db


def script_directory(app) -> ScriptDirectory:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config)


def test_single_head(app):
    assert len(script_directory(app).get_heads()) == 1


def test_migrations_build_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_file_names_sort_by_date(app):
    import re

    for script in script_directory(app).walk_revisions():
        name = script.path.rsplit("/", 1)[-1]
        assert re.match(r"^\d{8}_\d{4}_[0-9a-f]+_\w+\.py$", name), name


def test_downgrade_to_empty_and_upgrade_again(app):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {"schools", "people", "positions", "tasks", "audit_entries"} <= tables
