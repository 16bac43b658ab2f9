from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length


class PublishForm(FlaskForm):
    replaces = SelectField(_l("Заменяет ранее опубликованный акт"), coerce=int, default=0)
    signature = FileField(_l("Файл электронной подписи (.sig), если есть"))
    signed_by = StringField(_l("Кем подписан (как в сертификате)"), validators=[Length(max=300)])
    submit = SubmitField(_l("Опубликовать на сайте"))
