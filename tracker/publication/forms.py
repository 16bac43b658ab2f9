from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class PublishForm(FlaskForm):
    replaces = SelectField(_l("Заменяет ранее опубликованный акт"), coerce=int, default=0)
    signature = FileField(_l("Файл электронной подписи (.sig), если есть"))
    signed_by = StringField(_l("Кем подписан (как в сертификате)"), validators=[Length(max=300)])
    submit = SubmitField(_l("Опубликовать на сайте"))


class SignForm(FlaskForm):
    password = PasswordField(
        _l("Ваш пароль"),
        validators=[InputRequired(_l("Введите пароль: им вы подтверждаете подпись"))],
    )
    submit = SubmitField(_l("Подписать"))


class VerifyForm(FlaskForm):
    key = StringField(
        _l("Ключ подписи"),
        validators=[InputRequired(_l("Введите ключ подписи")), Length(max=80)],
    )
    file = FileField(_l("Файл PDF, который проверить"))
    submit = SubmitField(_l("Проверить"))
