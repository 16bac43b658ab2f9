"""Configuration from the environment, with safe defaults kept under `instance/`."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

# The seed school's plain files: requisites, positions, plan, calendar, checks, acts' texts.
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SECRET_FILE = "secret_key"  # noqa: S105  # nosec B105 -- the file name, not the key


def instance_secret(instance: Path) -> str:
    """A random key made once per installation and kept, so sessions survive a restart."""
    path = instance / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as file:
        key = secrets.token_hex(32)
        file.write(key)
    return key


def from_environment(instance: Path) -> dict:
    database_url = os.environ.get("TRACKER_DATABASE_URL") or (
        f"sqlite:///{instance / 'tracker.sqlite3'}"
    )
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Behind a reverse proxy that terminates https, trust its X-Forwarded-* headers.
        "BEHIND_PROXY": os.environ.get("TRACKER_BEHIND_PROXY") == "1",
        "SECRET_KEY": os.environ.get("TRACKER_SECRET_KEY") or instance_secret(instance),
        # Keys being retired (space-separated): sessions and links signed with them still work
        # while everyone moves to the new one (README, «Смена секретного ключа»).
        "SECRET_KEY_FALLBACKS": os.environ.get("TRACKER_SECRET_KEY_FALLBACKS", "").split(),
        # The address people reach the app at (https://plan.school20.ru/): every full URL the
        # app writes and the origin its forms must come from (`tracker.urls`). Required in
        # production; the development server without one uses the request's address.
        "BASE_URL": os.environ.get("TRACKER_BASE_URL", ""),
        # Served by gunicorn (or told so): settings the development server does without are
        # required (`problems`).
        "PRODUCTION": os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")
        or os.environ.get("TRACKER_PRODUCTION") == "1",
        # The school sites allowed to frame the embeddable public page (space-separated origins,
        # e.g. "https://school20.ru https://www.school20.ru"); none by default.
        "EMBED_ORIGINS": os.environ.get("TRACKER_EMBED_ORIGINS", "").split(),
        # Outgoing mail: smtp://user:password@host:587 (STARTTLS) or smtps://…:465; with none,
        # messages are written to instance/outbox/ as .eml files. The sender's address.
        "SMTP_URL": os.environ.get("TRACKER_SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("TRACKER_MAIL_FROM", ""),
        # The job queue: Redis (redis://host:6379/0) for several machines; with none, a SQLite
        # file in the instance folder.
        "REDIS_URL": os.environ.get("TRACKER_REDIS_URL", ""),
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "ru",
    "SMTP_TIMEOUT": 15,  # seconds a mail server may keep silent before the attempt fails
    "BIG_EXPORT": 500,  # tasks: a plan export bigger than this is written by the worker
    "BABEL_DEFAULT_TIMEZONE": "Europe/Moscow",
    "LANGUAGES": ("ru", "en"),
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_TIME_LIMIT": None,
    # Werkzeug's own limit for a form field kept in memory: a 10 MB text field gets a 413.
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    "SESSION_IDLE_SECONDS": 2 * 3600,
    "SESSION_ABSOLUTE_SECONDS": 12 * 3600,
    # The origin of a form is judged against TRACKER_BASE_URL (`tracker.urls.OriginCSRF`), not
    # by Flask-WTF's comparison of the Referer with the Host header.
    "WTF_CSRF_SSL_STRICT": False,
}


def signing_keys(config) -> list[str]:
    """The keys a signature may be made with, for itsdangerous: the retiring ones first, the
    current one (which signs) last."""
    return [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]


def problems(config) -> list[str]:
    """What keeps this configuration from serving: a TRACKER_BASE_URL that is not an http(s)
    address, or none in production. Each is one line for the log."""
    from tracker.urls import origin

    found = []
    base_url = config.get("BASE_URL") or ""
    if base_url and origin(base_url) is None:
        found.append(
            f"TRACKER_BASE_URL={base_url!r} is not an http(s) address like https://plan.school20.ru/"
        )
    elif not base_url and config.get("PRODUCTION"):
        found.append(
            "TRACKER_BASE_URL is required in production: the address people open, "
            "like https://plan.school20.ru/ (every link and the forms' origin come from it)"
        )
    return found
