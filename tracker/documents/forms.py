from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, SubmitField


class TransitionOrderForm(FlaskForm):
    act = SelectField(_l("Положение в приложении"), coerce=int)
    submit = SubmitField(_l("Сформировать приказ"))


class ConsentsForm(FlaskForm):
    file = FileField(_l("Список класса (CSV: ФИО; класс) — необязательно"))
    output = RadioField(
        _l("Как выдать"),
        choices=[
            ("docx", _l("Один DOCX, по странице на ученика")),
            ("zip", _l("ZIP, файл на ученика")),
        ],
        default="docx",
    )
    submit = SubmitField(_l("Сформировать согласия"))


class TemplateUploadForm(FlaskForm):
    kind = SelectField(_l("Вид документа"))
    file = FileField(_l("Шаблон DOCX"))
    submit = SubmitField(_l("Загрузить шаблон"))
