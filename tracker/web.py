"""What every page shares: the login loader, id converter, headers, error pages, filters."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, render_template
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from tracker.accounts.models import Person
from tracker.extensions import db, login_manager

# Larger ids cannot exist in any of our tables; refusing them here gives a 404, not an overflow.
MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return number


@login_manager.user_loader
def load_person(session_token: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(Person.session_token == session_token, Person.is_active.is_(True))
    )


def ru_date(value: date | datetime | None) -> str:
    """05.06.2023: the form Russian office documents use."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo("Europe/Moscow"))
    return value.strftime("%d.%m.%Y")


def ru_datetime(value: datetime | None, timezone: str = "Europe/Moscow") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M")


def long_date(value: date | None) -> str:
    """5 июня 2023 г."""
    if value is None:
        return ""
    text = format_date(value, "d MMMM y")
    return f"{text} г." if str(get_locale()) == "ru" else text


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    app.jinja_env.filters["ru_date"] = ru_date
    app.jinja_env.filters["ru_datetime"] = ru_datetime
    app.jinja_env.filters["long_date"] = long_date

    @app.context_processor
    def _locale():
        return {"current_locale": str(get_locale() or "ru")}

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    error_texts = {
        400: (_l("Неверный запрос"), _l("Запрос не удалось разобрать. Обновите страницу.")),
        403: (_l("Нет доступа"), _l("У вас нет прав на это действие.")),
        404: (_l("Не найдено"), _l("Такой страницы нет или она вам недоступна.")),
        413: (_l("Слишком большой запрос"), _l("Файл или форма больше допустимого (10 МБ).")),
        500: (_l("Ошибка на сервере"), _l("Что-то пошло не так. Изменения не сохранены.")),
    }

    def error_page(error):
        code = getattr(error, "code", 500) or 500
        title, text = error_texts.get(code, error_texts[500])
        if code == 500:
            db.session.rollback()
        return render_template("errors/error.html", code=code, title=title, text=text), code

    for code in error_texts:
        app.register_error_handler(code, error_page)
