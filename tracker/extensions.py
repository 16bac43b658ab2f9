"""Flask extensions, created unbound and initialised in `create_app`."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Executable, MetaData, Row
from sqlalchemy.orm import DeclarativeBase

from tracker.urls import OriginCSRF

# Stable constraint names, so Alembic can find them again on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The base of every model. At run time it is Flask-SQLAlchemy's `db.Model` (the declarative base
# above with a table-name default and a session-bound query); for the type checker, which cannot
# follow a base class made at run time, it is that declarative base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def first_row(statement: Executable, parameters: dict[str, Any]) -> Row | None:
    """The first row of a read made on a connection of its own, outside the session: a request
    that only reads it (a public page kept rendered, a calendar poll answered 304) then opens
    no transaction and commits nothing. For reads that need no other row of the same moment."""
    with db.engine.connect() as connection:
        return connection.execute(statement, parameters).first()


def insert_missing(model: type[Base], rows: list[dict], key: str) -> None:
    """Insert the rows whose `key` is not there yet, quietly skipping those another request
    inserted a moment before (INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL)."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        db.session.execute(
            postgresql_insert(model).values(rows).on_conflict_do_nothing(index_elements=[key])
        )
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        db.session.execute(
            sqlite_insert(model).values(rows).on_conflict_do_nothing(index_elements=[key])
        )


class Migrations:
    """Flask-Migrate's place in `app.extensions["migrate"]` until it is first used: Alembic
    (11 MB of every web worker's memory) is imported by the `db` commands, the migrations and
    `/healthz`, never by a page. Any attribute asked of it sets Flask-Migrate up on the app,
    which puts its own config in this place, and answers from that."""

    def __init__(self, app: Flask, directory: Path):
        self.app = app
        self.directory = str(directory)

    def __getattr__(self, name: str) -> Any:
        if self.app.extensions.get("migrate") is self:
            from flask_migrate import Migrate

            Migrate().init_app(self.app, db, directory=self.directory)
        return getattr(self.app.extensions["migrate"], name)


class MigrationCommands(click.Group):
    """`flask db …` and `tracker db …`: Flask-Migrate's own group, imported when it is run (the
    group's context is made by it, so its options and subcommands are its own)."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        from flask_migrate.cli import db as commands  # type: ignore[import-not-found]

        return commands.make_context(info_name, args, parent=parent, **extra)


def init_migrations(app: Flask, directory: Path) -> None:
    app.extensions["migrate"] = Migrations(app, directory)
    app.cli.add_command(
        MigrationCommands("db", help="Perform database migrations (Alembic, via Flask-Migrate).")
    )


login_manager = LoginManager()
csrf = OriginCSRF()
babel = Babel()


def paginate(query, page: int, per_page: int):
    """One page of a query's rows, newest-first lists mostly (Flask-SQLAlchemy's Pagination:
    `items`, `page`, `pages`, `total`, `has_prev`, `has_next`). A page number below 1 gives the
    first page, one past the end the last, so an old or edited link still shows rows."""
    page = min(max(page, 1), 1_000_000)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if not result.items and result.page > 1 and result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False)
    return result
