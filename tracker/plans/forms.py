from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.forms import IdListField, RuDateField
from tracker.plans.models import STATUS_LABELS


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Статус"), choices=[(str(key), label) for key, label in STATUS_LABELS.items()]
    )
    note = TextAreaField(_l("Отметка о выполнении"), validators=[Length(max=10000)])
    file = FileField(_l("Файл (PDF, DOCX, XLSX, ODT, PNG, JPEG до 10 МБ)"))
    submit = SubmitField(_l("Сохранить статус"))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Комментарий"),
        validators=[InputRequired(_l("Комментарий пустой")), Length(max=5000)],
    )
    submit = SubmitField(_l("Добавить комментарий"))


class TaskEditForm(FlaskForm):
    title = TextAreaField(
        _l("Название"),
        validators=[
            InputRequired(_l("Название не может быть пустым")),
            Length(max=1000, message=_l("Название длиннее 1000 символов")),
        ],
    )
    starts_on = RuDateField(_l("Начало"))
    due_on = RuDateField(_l("Срок"))
    positions = IdListField(_l("Ответственные должности"))
    assignees = IdListField(_l("Исполнители"))
    blocked_by = IdListField(_l("Зависит от задач"))
    submit = SubmitField(_l("Сохранить"))


class BulkAssignForm(FlaskForm):
    task_ids = IdListField(_l("Задачи"))
    person = SelectField(_l("Сотрудник"), coerce=int, validate_choice=True)
    replace = SelectField(
        _l("Как назначить"),
        choices=[("add", _l("добавить к исполнителям")), ("replace", _l("заменить исполнителей"))],
    )
    starts_on = RuDateField(_l("Начало"))
    due_on = RuDateField(_l("Срок"))
    assign = SubmitField(_l("Назначить отмеченные"))
    redate = SubmitField(_l("Установить срок отмеченным"))


class PlanUploadForm(FlaskForm):
    """A plan-schedule file to preview before importing."""

    file = FileField(_l("Файл плана: DOCX (таблица Word), XLSX, CSV или текст, до 5 МБ"))
    title = StringField(
        _l("Название плана (необязательно: иначе — заголовок из файла)"),
        validators=[Length(max=500)],
    )
    submit = SubmitField(_l("Показать, как он будет загружен"))
