"""Fixtures: an app on a database built by the migrations, the seed school, people.

The database is a SQLite file unless `TRACKER_TEST_DATABASE_URL` names a PostgreSQL server
(`postgresql+psycopg://postgres@127.0.0.1:5432/test`): then every test gets its own database
on that server. Either way each test starts from a copy of a template built once per session:
a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL.
"""

import functools
import os
import re
import secrets
import shutil
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Role, School
from tracker.extensions import db
from tracker.plans.importer import import_plan
from tracker.seed import SEEDS, load_seed

DEMO_PASSWORD = "demo-pass-123"
TODAY = date(2026, 11, 28)

# The server to test on; unset: SQLite files. Its own database is only used to create others.
TEST_DATABASE_URL = os.environ.get("TRACKER_TEST_DATABASE_URL") or None
ON_POSTGRESQL = TEST_DATABASE_URL is not None
if ON_POSTGRESQL and make_url(TEST_DATABASE_URL).get_backend_name() != "postgresql":
    raise pytest.UsageError("TRACKER_TEST_DATABASE_URL must be a postgresql:// URL")

only_sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="looks at the SQLite database itself")
only_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs PostgreSQL: set TRACKER_TEST_DATABASE_URL"
)

# A database is a SQLite file (Path) or the URL of a database on the server (str).
Database = Path | str


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production: its own `g` and database session.

    Without this, requests made while a test holds an app context would share that context's
    `g` (the logged-in user, the CSRF token) and session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def database_url(database: Database) -> str:
    return f"sqlite:///{database}" if isinstance(database, Path) else database


def make_app(tmp_path: Path, database: Database):
    """The app on `database`: a SQLite file, or the URL of a database on the server."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(database),
            "SECRET_KEY": secrets.token_hex(16),
            "TESTING": True,
            "INSTANCE_PATH": tmp_path / "instance",
            "TODAY": TODAY,
            # A line per request would bury the failures' output; tests/test_production.py
            # turns it on where it looks at it.
            "ACCESS_LOG": False,
        }
    )
    app.test_client_class = FreshContextClient
    return app


@functools.cache
def _server():
    """The server's maintenance database, in autocommit: CREATE/DROP DATABASE run outside a
    transaction. No pool: a template must have no open connection when it is copied."""
    return create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _create_on_server(prefix: str, template: str) -> str:
    name = f"{prefix}_{secrets.token_hex(4)}"
    # UTF-8 and a fixed locale whatever the cluster was initialised with (Cyrillic everywhere).
    # LC_CTYPE C.UTF-8 folds case for all of Unicode; LC_COLLATE C.UTF-8 sorts by code point,
    # as SQLite does.
    with _server().connect() as connection:
        connection.exec_driver_sql(
            f'CREATE DATABASE "{name}" TEMPLATE "{template}" '
            "ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def empty_database(folder: Path, name: str) -> Database:
    """A new database with nothing in it: `folder/tracker.sqlite3`, or `<name>_<random>`."""
    if not ON_POSTGRESQL:
        return folder / "tracker.sqlite3"
    return _create_on_server(name, "template0")


def copy_database(template: Database, folder: Path, name: str) -> Database:
    """A new database holding what `template` holds; every engine on `template` must be
    disposed first. SQLite: `folder/tracker.sqlite3`; PostgreSQL: `<name>_<random>`."""
    if isinstance(template, Path):
        database = folder / "tracker.sqlite3"
        shutil.copy(template, database)
        return database
    return _create_on_server(name, make_url(template).database)


def drop_database(database: Database) -> None:
    """Remove a database made by `empty_database` or `copy_database`, even while in use."""
    if isinstance(database, Path):
        return  # it lives in a temporary folder that pytest cleans up
    name = make_url(database).database
    with _server().connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Database:
    """One database built by the Alembic migrations; each test gets its own copy of it."""
    folder = tmp_path_factory.mktemp("template")
    database = empty_database(folder, "tracker_tpl")
    app = make_app(folder, database)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield database
    drop_database(database)


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, migrated_database) -> Database:
    """The seed school with its demo state and a second school, built once for the session."""
    folder = tmp_path_factory.mktemp("demo")
    database = copy_database(migrated_database, folder, "tracker_tpl_demo")
    app = make_app(folder, database)
    with app.app_context():
        from tracker.demo import load_demo

        load_seed(SEEDS)
        load_demo(TODAY, password=DEMO_PASSWORD)
        add_other_school()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield database
    drop_database(database)


@pytest.fixture
def database(request, tmp_path, migrated_database) -> Database:
    """This test's own database, dropped after it: empty (migrated) by default, the demo with
    `demo_data`. On SQLite it is the file `tmp_path / "tracker.sqlite3"`."""
    marker = request.node.get_closest_marker("demo_data")
    template = request.getfixturevalue("demo_database") if marker else migrated_database
    database = copy_database(template, tmp_path, "tracker_t")
    yield database
    drop_database(database)


@pytest.fixture
def app(tmp_path, database):
    """The app on this test's own database (see `database`)."""
    app = make_app(tmp_path, database)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def school(app) -> School:
    school = load_seed(SEEDS).school
    db.session.commit()
    return school


def person(username: str) -> Person:
    return db.session.scalars(db.select(Person).where(Person.username == username)).one()


def add_other_school() -> School:
    """A second school with its own director and plan: its objects must stay invisible."""
    other = School(
        slug="school7", full_name="МБОУ СОШ № 7", short_name="СОШ № 7", city="Ставрополь"
    )
    db.session.add(other)
    db.session.flush()
    accounts.create_person(
        other,
        username="director7",
        full_name="Петров Пётр Петрович",
        role=Role.DIRECTOR,
        password=DEMO_PASSWORD,
    )
    import_plan(other, (SEEDS / "plan-grafik-school20.txt").read_text(encoding="utf-8"))
    db.session.flush()
    return other


CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, page: str = "/login") -> str:
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    match = CSRF_PATTERN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post(client, url: str, data: dict | None = None, page: str = "/login", **kwargs):
    """Post a form as a browser would: with the CSRF token of the session."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, page))
    return client.post(url, data=data, **kwargs)


def login(client, username: str, password: str = DEMO_PASSWORD):
    response = post(client, "/login", {"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def switch_to(client, username: str):
    """Log out whoever is in, then log in as `username` (a logged-in session's /login keeps
    its person)."""
    post(client, "/logout", page="/")
    return login(client, username)


@pytest.fixture
def login_as(client):
    def do(username: str):
        login(client, username)
        return client

    return do


@pytest.fixture
def sqlite_app(request, tmp_path):
    """The demo on a SQLite file whatever the test database, for what only SQLite has (its
    file, its locking, its online backup): on PostgreSQL runs these tests still run."""
    if not ON_POSTGRESQL:
        yield request.getfixturevalue("app")
        return
    from tracker.demo import load_demo

    app = make_app(tmp_path, tmp_path / "sqlite-demo.sqlite3")
    with app.app_context():
        upgrade()
        load_seed(SEEDS)
        load_demo(TODAY, password=DEMO_PASSWORD)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()
