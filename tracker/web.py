"""What every page shares: the login loader, id converter, headers, error pages, filters."""

import logging
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import (
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from tracker import logs
from tracker.accounts.models import Person
from tracker.accounts.permissions import can_manage_school
from tracker.audit import services as audit
from tracker.extensions import db, login_manager
from tracker.types import ru_date as format_day

log = logging.getLogger(__name__)

# Larger ids cannot exist in any of our tables; refusing them here gives a 404, not an overflow.
MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return number


# Built once, as every logged-in request runs it: building it cost as much as running it.
PERSON_OF_SESSION = (
    select(Person)
    .where(Person.session_token == bindparam("session_token"), Person.is_active.is_(True))
    .options(joinedload(Person.school))  # every page shows it or reads its time zone
)


@login_manager.user_loader
def load_person(session_token: str) -> Person | None:
    return db.session.scalar(PERSON_OF_SESSION, {"session_token": session_token})


def ru_date(value: date | datetime | None) -> str:
    """05.06.2023: the form Russian office documents use."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo("Europe/Moscow"))
    return format_day(value)


def ru_datetime(value: datetime | None, timezone: str = "Europe/Moscow") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


def ru_datetime_zone(value: datetime | None, timezone: str = "Europe/Moscow") -> str:
    """07.12.2026 10:15 (UTC+3): a moment a document records, with the school's offset."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    return f"{local:%d.%m.%Y %H:%M} (UTC{hours:+d})"


def long_date(value: date | None) -> str:
    """5 июня 2023 г."""
    if value is None:
        return ""
    text = format_date(value, "d MMMM y")
    return f"{text} г." if str(get_locale()) == "ru" else text


def record_refusal(object_type: str = "page", object_id: int | None = None) -> None:
    """Log a refused access (who asked for what), in its own small transaction."""
    user = current_user if current_user and current_user.is_authenticated else None
    audit.record(
        "access.refused",
        object_type,
        object_id,
        school_id=getattr(user, "school_id", None),
        actor=user,
        changes={"request": [None, f"{request.method} {request.path}"[:300]]},
    )
    db.session.commit()


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def get_signing_serializer(self, app: Flask):
        """Flask builds the cookie's signer for every request, a visitor's without a cookie
        too; it depends only on the keys, so each app keeps the one for its current keys."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = app.extensions.get("tracker.session_signer")
        if kept is None or kept[0] != keys:
            kept = app.extensions["tracker.session_signer"] = (
                keys,
                super().get_signing_serializer(app),
            )
        return kept[1]


# Pages a person who must change their password may still open.
OPEN_WHILE_CHANGING_PASSWORD = {
    "accounts.password",
    "accounts.reset_by_link",
    "accounts.logout",
    "accounts.language",
    "static",
}


# How often the idle clock is moved on: a session cookie signed and sent at most once a minute.
SEEN_STEP_SECONDS = 60


def signed_in() -> bool:
    """Whether a person is logged in on this request. Flask-Login keeps the logged-in id in the
    session (`login_user` sets `_user_id`; no «remember me» cookie is used here), so a visitor
    without one (the public page, a calendar's poll) is not looked up at all."""
    return "_user_id" in session and current_user.is_authenticated


def check_session() -> ResponseReturnValue | None:
    """End sessions idle or old past their limits; send a new person to change their password."""
    if not signed_in():
        return None
    now = int(time.time())
    config = current_app.config
    login_at, seen_at = session.get("login_at", 0), session.get("seen_at", 0)
    if (
        now - seen_at > config["SESSION_IDLE_SECONDS"]
        or now - login_at > config["SESSION_ABSOLUTE_SECONDS"]
    ):
        logout_user()
        session.clear()
        flash(_l("Сеанс завершён по времени. Войдите снова."), "info")
        return redirect(url_for("accounts.login"))
    if now - seen_at >= SEEN_STEP_SECONDS:  # an unchanged session is not sent again
        session["seen_at"] = now
    if current_user.must_change_password and request.endpoint not in OPEN_WHILE_CHANGING_PASSWORD:
        return redirect(url_for("accounts.password"))
    return None


# The top menu's sections: endpoint, label, the endpoint prefix that marks it current (else the
# endpoint itself), and who sees it (everyone, the school's managers, the installation's).
SECTIONS = (
    ("plans.dashboard", _l("Главная"), None, ""),
    ("plans.plan", _l("План"), None, ""),
    ("acts.index", _l("Акты"), None, ""),
    ("approvals.bodies", _l("Советы"), None, ""),
    ("approvals.orders", _l("Приказы"), None, ""),
    ("controls.grid", _l("Контроль"), "controls.", ""),
    ("calendar_pages.calendar", _l("Календарь"), "calendar_pages.", ""),
    ("documents.index", _l("Документы"), None, ""),
    ("approvals.awaiting", _l("Ждут меня"), None, ""),
    ("plans.behind", _l("Кто отстаёт"), None, "manager"),
    ("plans.assign", _l("Назначения"), None, "manager"),
    ("accounts.people", _l("Сотрудники"), None, "manager"),
    ("accounts.outbox", _l("Письма"), None, "manager"),
    ("schools.schools", _l("Школы"), None, "installation"),
)


def _current_section(endpoint: str) -> str | None:
    for section, _label, prefix, _who in SECTIONS:
        if endpoint == section or (prefix and endpoint.startswith(prefix)):
            return section
    return None


def section_links() -> Markup:
    """The top menu's items for the logged-in person, as HTML. Nothing in them is private: they
    depend on the language, on whether she manages the school or the installation and on the
    section she is in, so each app builds each variant once and reuses it (16 links and labels
    a page otherwise)."""
    manager = can_manage_school(current_user, current_user.school)
    installation = bool(current_user.runs_installation)
    current = _current_section(request.endpoint or "")
    key = (str(get_locale() or "ru"), request.script_root, manager, installation, current)
    built = current_app.extensions.setdefault("tracker.sections", {})
    if key not in built:
        items = []
        for section, label, _prefix, who in SECTIONS:
            if (who == "manager" and not manager) or (who == "installation" and not installation):
                continue
            mark = Markup(' aria-current="page"') if section == current else ""
            items.append(
                Markup('<li><a href="{}"{}>{}</a></li>').format(url_for(section), mark, label)
            )
        built[key] = Markup("\n      ").join(items)
    return built[key]


def init_app(app: Flask) -> None:
    logs.init_app(app)
    app.session_interface = SessionInterface()
    if app.config.get("BEHIND_PROXY"):
        # Flask's documented way to wrap its WSGI app in middleware, though Flask types it a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.before_request(check_session)
    app.url_map.converters["id"] = IdConverter
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    app.jinja_env.filters["ru_date"] = ru_date
    app.jinja_env.filters["ru_datetime"] = ru_datetime
    app.jinja_env.filters["ru_datetime_zone"] = ru_datetime_zone
    app.jinja_env.filters["long_date"] = long_date

    @app.context_processor
    def _locale():
        return {"current_locale": str(get_locale() or "ru"), "section_links": section_links}

    @app.after_request
    def _security_headers(response):
        # A page that allows framing by named origins (the embeddable public page) sets its own
        # CSP; X-Frame-Options, which cannot name several origins, is left off for it.
        present = {name.lower(): value for name, value in response.headers.items()}
        embeddable = "frame-ancestors 'none'" not in present.get(
            "content-security-policy", "frame-ancestors 'none'"
        )
        for name, value in SECURITY_HEADERS.items():
            if (name == "X-Frame-Options" and embeddable) or name.lower() in present:
                continue
            response.headers.add(name, value)  # (setdefault raises and catches a KeyError)
        if signed_in():
            response.headers["Cache-Control"] = "no-store"
        return response

    CSRF_REFUSED = (
        _l("Форма не принята"),
        _l(
            "Форма устарела или отправлена не со страницы этого сайта. Обновите страницу и "
            "отправьте её ещё раз."
        ),
    )
    error_texts = {
        400: (_l("Неверный запрос"), _l("Запрос не удалось разобрать. Обновите страницу.")),
        403: (_l("Нет доступа"), _l("У вас нет прав на это действие.")),
        404: (_l("Не найдено"), _l("Такой страницы нет или она вам недоступна.")),
        413: (_l("Слишком большой запрос"), _l("Файл или форма больше допустимого (10 МБ).")),
        500: (_l("Ошибка на сервере"), _l("Что-то пошло не так. Изменения не сохранены.")),
    }

    def error_page(error, texts=None):
        code = getattr(error, "code", 500) or 500
        title, text = texts or error_texts.get(code, error_texts[500])
        if code in (403, 500):
            db.session.rollback()
        if code == 403:
            record_refusal()
        page = render_template(
            "errors/error.html", code=code, title=title, text=text, request_id=logs.request_id()
        )
        return page, code

    for code in error_texts:
        app.register_error_handler(code, error_page)

    @app.errorhandler(CSRFError)
    def refused_form(error):
        """A form without its token or from another origin: refused, and the reason logged."""
        log.warning("form refused (CSRF): %s", error.description)
        return error_page(error, CSRF_REFUSED)
