"""tracker: a school's transition project as a living plan."""

import os
from pathlib import Path

from flask import Flask, has_request_context, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker import config as config_module
from tracker import queue
from tracker.extensions import babel, csrf, db, init_migrations, login_manager

ROOT = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    languages = ("ru", "en")
    if not has_request_context():
        return "ru"
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return "ru"


def create_app(config: dict | None = None) -> Flask:
    config = dict(config or {})
    instance = Path(
        config.pop("INSTANCE_PATH", None)
        or os.environ.get("TRACKER_INSTANCE_PATH")
        or ROOT / "instance"
    )
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(config_module.DEFAULTS)
    if "SQLALCHEMY_DATABASE_URI" not in config or "SECRET_KEY" not in config:
        app.config.from_mapping(config_module.from_environment(instance))
    app.config.from_mapping(config)
    found = config_module.problems(app.config)
    if found:
        raise SystemExit("tracker: " + "; ".join(found))

    db.init_app(app)
    init_migrations(app, ROOT / "migrations")
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    queue.init_app(app)

    from tracker import web

    # Every part's tables join the metadata (for Alembic and relationships by name), and every
    # listener and signal receiver is connected before the first request or command: the
    # version of a school's records follows its audit entries (`accounts.records`); the plan's
    # approval items ask `approvals` and `publication` for their days (`acts.signals`); the
    # recurring items re-derive their statuses when the staff changes (`accounts.signals`); the
    # worker's jobs are registered with the queue and its given-up jobs kept (`jobs.services`).
    from tracker.accounts import records as _records  # noqa: F401
    from tracker.acts import models as _acts_models  # noqa: F401
    from tracker.approvals import models as _approvals_models  # noqa: F401
    from tracker.approvals import queries as _approval_days  # noqa: F401
    from tracker.audit import models as _audit_models  # noqa: F401
    from tracker.controls import models as _controls_models  # noqa: F401
    from tracker.controls import work as _recurring_work  # noqa: F401
    from tracker.documents import models as _documents_models  # noqa: F401
    from tracker.ical import models as _ical_models  # noqa: F401
    from tracker.jobs import services as _failed_jobs  # noqa: F401
    from tracker.mail import models as _mail_models  # noqa: F401
    from tracker.publication import models as _publication_models  # noqa: F401
    from tracker.publication import services as _publication_days  # noqa: F401
    from tracker.reminders import services as _reminders  # noqa: F401

    web.init_app(app)

    from tracker.accounts.views import bp as accounts_bp
    from tracker.acts.views import bp as acts_bp
    from tracker.approvals.views import bp as approvals_bp
    from tracker.controls.calendar_views import bp as calendar_bp
    from tracker.controls.views import bp as controls_bp
    from tracker.documents.views import bp as documents_bp
    from tracker.health import bp as health_bp
    from tracker.ical.views import bp as ical_bp
    from tracker.plans.onboarding_views import bp as schools_bp
    from tracker.plans.views import bp as plans_bp
    from tracker.publication.views import bp as publication_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(acts_bp)
    app.register_blueprint(approvals_bp)
    app.register_blueprint(controls_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(ical_bp)
    app.register_blueprint(publication_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(schools_bp)
    app.register_blueprint(health_bp)

    from tracker.cli import register_commands

    register_commands(app)

    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Durability for the embedded database: every connection, not just the first."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
