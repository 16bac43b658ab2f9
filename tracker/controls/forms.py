from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.controls.models import TermKind
from tracker.forms import RuDateField


def _starts(label):
    return RuDateField(label, validators=[InputRequired(_l("Укажите дату начала"))])


def _ends(label):
    return RuDateField(label, validators=[InputRequired(_l("Укажите дату окончания"))])


class YearForm(FlaskForm):
    starts_on = _starts(_l("Начало учебного года"))
    ends_on = _ends(_l("Окончание учебного года"))
    submit = SubmitField(_l("Добавить учебный год"))


class TermForm(FlaskForm):
    kind = SelectField(
        _l("Вид периода"),
        choices=[
            (TermKind.QUARTER.value, _l("Четверть")),
            (TermKind.HALF_YEAR.value, _l("Полугодие")),
            (TermKind.TRIMESTER.value, _l("Триместр")),
        ],
        default=TermKind.QUARTER.value,
    )
    starts_on = _starts(_l("Начало"))
    ends_on = _ends(_l("Окончание"))
    submit = SubmitField(_l("Добавить период"))


class TermMoveForm(FlaskForm):
    starts_on = _starts(_l("Начало"))
    ends_on = _ends(_l("Окончание"))
    submit = SubmitField(_l("Сохранить даты"))


class HolidayForm(FlaskForm):
    title = StringField(_l("Название (например, «Осенние каникулы»)"), validators=[Length(max=200)])
    starts_on = _starts(_l("Первый день"))
    ends_on = _ends(_l("Последний день"))
    submit = SubmitField(_l("Добавить каникулы"))


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Удалить"))


class CalendarImportForm(FlaskForm):
    """The school's calendar schedule, pasted as it is written or uploaded as a file (its text
    is then shown here to check)."""

    file = FileField(_l("или файл графика: DOCX, XLSX, CSV или текст, до 1 МБ"))
    text = TextAreaField(
        _l("Календарный учебный график: четверти, полугодия, каникулы — строка на период"),
        validators=[Length(max=20000, message=_l("Текст длиннее 20 000 знаков"))],
        render_kw={"rows": 14},
    )
    preview = SubmitField(_l("Показать, что получится"))
    save = SubmitField(_l("Сохранить учебный год"))
