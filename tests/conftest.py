"""Fixtures: an app on a real SQLite file built by the migrations, the seed school, people."""

import re
import secrets
import shutil
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Role, School
from tracker.extensions import db
from tracker.plans.importer import import_plan
from tracker.seed import SEEDS, load_seed

DEMO_PASSWORD = "demo-pass-123"
TODAY = date(2026, 11, 28)


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production: its own `g` and database session.

    Without this, requests made while a test holds an app context would share that context's
    `g` (the logged-in user, the CSRF token) and session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(tmp_path: Path, database: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": secrets.token_hex(16),
            "TESTING": True,
            "INSTANCE_PATH": tmp_path / "instance",
            "TODAY": TODAY,
        }
    )
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """One database built by the Alembic migrations; each test gets its own copy of the file."""
    folder = tmp_path_factory.mktemp("template")
    database = folder / "template.sqlite3"
    app = make_app(folder, database)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory, migrated_database) -> Path:
    """The seed school with its demo state and a second school, built once for the session."""
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "demo.sqlite3"
    shutil.copy(migrated_database, database)
    app = make_app(folder, database)
    with app.app_context():
        from tracker.demo import load_demo

        load_seed(SEEDS)
        load_demo(TODAY, password=DEMO_PASSWORD)
        add_other_school()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return database


@pytest.fixture
def app(request, tmp_path, migrated_database):
    """The app on its own SQLite file: empty (migrated) by default, the demo with `demo_data`."""
    marker = request.node.get_closest_marker("demo_data")
    template = request.getfixturevalue("demo_database") if marker else migrated_database
    database = tmp_path / "tracker.sqlite3"
    shutil.copy(template, database)
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


@pytest.fixture
def login_as(client):
    def do(username: str):
        login(client, username)
        return client

    return do
