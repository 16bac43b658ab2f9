from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

ALARMS = [
    (0, _l("без напоминания")),
    (1, _l("за день")),
    (2, _l("за два дня")),
    (3, _l("за три дня")),
    (7, _l("за неделю")),
]


class FeedForm(FlaskForm):
    scope = SelectField(_l("Что показывать"))
    alarm_days = SelectField(_l("Напоминание"), coerce=int, choices=ALARMS, default=1)
    submit = SubmitField(_l("Получить ссылку"))
