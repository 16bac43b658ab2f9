from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from tracker.accounts.models import Role
from tracker.accounts.notices import KINDS
from tracker.forms import IdListField

ROLE_LABELS = {
    Role.DIRECTOR: _l("Директор: управляет всем в школе"),
    Role.STAFF: _l("Сотрудник: работает со своими задачами"),
    Role.ADMIN: _l("Администратор: управляет всем в школе"),
}


class LoginForm(FlaskForm):
    username = StringField(
        _l("Логин"),
        validators=[InputRequired(_l("Введите логин")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Пароль"),
        validators=[InputRequired(_l("Введите пароль")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Войти"))


TOO_LONG = _l("Пароль должен быть от 8 до 128 символов")


class ResetForm(FlaskForm):
    """A new password twice: through a «забыли пароль?» link (and, with the current one, on the
    change of password)."""

    password = PasswordField(
        _l("Новый пароль (от 8 до 128 символов)"),
        validators=[InputRequired(_l("Введите новый пароль")), Length(max=128, message=TOO_LONG)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Новый пароль ещё раз"),
        validators=[InputRequired(_l("Повторите новый пароль")), Length(max=128, message=TOO_LONG)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Задать пароль"))


class PasswordForm(ResetForm):
    current = PasswordField(
        _l("Текущий пароль"),
        validators=[InputRequired(_l("Введите текущий пароль")), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Сменить пароль"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Выйти"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Язык"), choices=[("ru", "Русский"), ("en", "English")])
    submit = SubmitField(_l("Сменить язык"))


class PersonForm(FlaskForm):
    full_name = StringField(
        _l("Фамилия, имя, отчество"),
        validators=[
            InputRequired(_l("Укажите ФИО")),
            Length(max=200, message=_l("ФИО длиннее 200 символов")),
        ],
    )
    email = StringField(
        _l("Адрес почты (необязательно: для напоминаний и восстановления пароля)"),
        validators=[Length(max=254)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "inputmode": "email"},
    )
    role = SelectField(
        _l("Права"), choices=[(str(role), label) for role, label in ROLE_LABELS.items()]
    )
    positions = IdListField(_l("Должности"))


class PersonCreateForm(PersonForm):
    username = StringField(
        _l("Логин"),
        validators=[InputRequired(_l("Укажите логин")), Length(max=64)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Добавить сотрудника"))


class PersonEditForm(PersonForm):
    is_active = BooleanField(_l("Учётная запись активна"))
    may_publish = BooleanField(_l("Может публиковать действующие акты на сайте школы"))
    may_edit_calendar = BooleanField(
        _l("Может вести календарь школы (учебные годы, четверти, каникулы)")
    )
    submit = SubmitField(_l("Сохранить"))


class PositionCreateForm(FlaskForm):
    title = StringField(
        _l("Новая должность"),
        validators=[InputRequired(_l("Укажите название")), Length(max=200)],
    )
    submit = SubmitField(_l("Добавить должность"))


class PositionEditForm(FlaskForm):
    title = StringField(
        _l("Название должности"),
        validators=[InputRequired(_l("Укажите название")), Length(max=200)],
    )
    aliases = TextAreaField(
        _l(
            "Как эту должность называют в планах — по строке на вариант "
            "(«зам. директора по УВР», «заместителя директора по УВР»)"
        ),
        validators=[Length(max=20000)],
        render_kw={"rows": 10},
    )
    submit = SubmitField(_l("Сохранить"))


class FillPositionForm(FlaskForm):
    person = SelectField(_l("Сотрудник"), coerce=int)
    note = StringField(_l("Примечание (например, класс)"), validators=[Length(max=200)])
    submit = SubmitField(_l("Назначить"))


class VacatePositionForm(FlaskForm):
    submit = SubmitField(_l("Снять с должности"))


class ForgotForm(FlaskForm):
    identifier = StringField(
        _l("Логин или адрес почты"),
        validators=[InputRequired(_l("Введите логин или адрес почты")), Length(max=254)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Прислать ссылку"))


class EmailForm(FlaskForm):
    """A person's own address: a new one is kept once confirmed by the link sent to it."""

    email = StringField(
        _l("Адрес почты"),
        validators=[Length(max=254, message=_l("Адрес длиннее 254 символов"))],
        render_kw={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"},
    )
    submit = SubmitField(_l("Сохранить адрес"))


class MailForm(FlaskForm):
    """Which notices the person gets: one box per kind (accounts.notices.KINDS)."""

    submit = SubmitField(_l("Сохранить настройки писем"))

    def chosen_off(self) -> set[str]:
        return {kind for kind in KINDS if not self[kind].data}


for _kind, _label in KINDS.items():
    setattr(MailForm, _kind, BooleanField(_label))


class ConfirmForm(FlaskForm):
    """One button: confirm what the page says (a new address, switching a kind of mail off)."""

    submit = SubmitField(_l("Подтвердить"))
