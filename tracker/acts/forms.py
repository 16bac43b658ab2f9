"""The forms of an act's page: a new draft, its route, its submission, a new edition, its public
discussion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.forms import IdListField, RuDateField, VersionedForm


class ActCreateForm(FlaskForm):
    sample = SelectField(
        _l("Образец"),
        choices=[
            ("", _l("— без образца —")),
            ("ezh_regulation", _l("Положение об электронном журнале успеваемости")),
        ],
        default="",
    )
    title = StringField(
        _l("Название акта (по образцу — можно не заполнять)"), validators=[Length(max=1000)]
    )
    body_text = TextAreaField(_l("Текст (разделы и пункты)"), validators=[Length(max=200_000)])
    submit = SubmitField(_l("Создать проект"))


class ActSubmitForm(VersionedForm):
    submit = SubmitField(_l("Направить на согласование"))


class ActVersionForm(VersionedForm):
    body_text = TextAreaField(_l("Текст новой редакции"), validators=[Length(max=200_000)])
    submit = SubmitField(_l("Сохранить новую редакцию"))


class RouteForm(VersionedForm):
    councils = IdListField(_l("Кто рассматривает"))
    submit = SubmitField(_l("Сохранить маршрут"))


class DiscussionOpenForm(VersionedForm):
    opens_on = RuDateField(_l("Начало обсуждения"), validators=[InputRequired(_l("Укажите дату"))])
    closes_on = RuDateField(
        _l("Последний день обсуждения"), validators=[InputRequired(_l("Укажите дату"))]
    )
    submit = SubmitField(_l("Открыть обсуждение"))


class DiscussionCloseForm(VersionedForm):
    submit = SubmitField(_l("Завершить обсуждение"))


class DiscussionCommentForm(FlaskForm):
    section = SelectField(_l("Раздел"), validate_choice=False)
    text = TextAreaField(
        _l("Замечание или предложение"),
        validators=[InputRequired(_l("Напишите замечание или предложение")), Length(max=5000)],
    )
    submit = SubmitField(_l("Отправить замечание"))
