"""The operator's form for a new school."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from tracker.plans.onboarding import TIMEZONES


class SchoolForm(FlaskForm):
    full_name = StringField(
        _l("Полное название"),
        validators=[InputRequired(_l("Укажите полное название школы")), Length(max=500)],
    )
    short_name = StringField(
        _l("Краткое название (МБОУ СОШ № 7)"), validators=[Optional(), Length(max=200)]
    )
    slug = StringField(
        _l("Код школы латиницей (school7): он в адресах календарей и публичной страницы"),
        validators=[InputRequired(_l("Укажите код школы")), Length(max=63)],
    )
    city = StringField(_l("Город"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Адрес"), validators=[Optional(), Length(max=500)])
    inn = StringField(_l("ИНН (необязательно)"), validators=[Optional(), Length(max=20)])
    ogrn = StringField(_l("ОГРН (необязательно)"), validators=[Optional(), Length(max=20)])
    timezone = SelectField(_l("Часовой пояс"), choices=list(TIMEZONES), default="Europe/Moscow")
    director_name = StringField(
        _l("Директор: фамилия, имя, отчество"),
        validators=[InputRequired(_l("Укажите ФИО директора")), Length(max=200)],
    )
    director_login = StringField(
        _l("Логин директора"),
        validators=[InputRequired(_l("Укажите логин директора")), Length(max=64)],
    )
    director_email = EmailField(
        _l("Эл. почта директора (ссылка для входа придёт на неё)"),
        validators=[Optional(), Length(max=254)],
    )
    template = BooleanField(_l("Начать с образца плана (школа № 20), сроки — на ближайший год"))
    submit = SubmitField(_l("Создать школу"))
