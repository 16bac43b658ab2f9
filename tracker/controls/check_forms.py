"""Forms of a control check's rule and of recording an occurrence's result."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.controls.services import FindingInput, RecommendationInput
from tracker.errors import DomainError
from tracker.forms import RuDateField, VersionedForm, parse_ru_date
from tracker.types import whole_number

MAX_RECOMMENDATIONS = 3


class RuleForm(VersionedForm):
    rule = SelectField(_l("Правило"))
    month_day = IntegerField(
        _l("День месяца (пусто — последний рабочий день)"),
        validators=[Optional(), NumberRange(1, 31, _l("День месяца — от 1 до 31"))],
    )
    offset_days = IntegerField(
        _l("Сдвиг от конца периода, дней"),
        default=0,
        validators=[Optional(), NumberRange(-60, 60, _l("Сдвиг — от −60 до 60 дней"))],
    )
    dates = TextAreaField(
        _l("Даты по плану ВШК (через запятую или с новой строки, например 15.10.2026)"),
        validators=[Length(max=5000)],
    )
    once_on = RuDateField(_l("Дата (для однократной проверки)"), validators=[Optional()])
    position = SelectField(_l("Ответственный"), coerce=int)
    criteria = TextAreaField(_l("Критерии (по одному в строке)"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Сохранить правило"))


class ResultForm(VersionedForm):
    checked_on = RuDateField(
        _l("Дата проверки"), validators=[InputRequired(_l("Укажите дату проверки"))]
    )
    objects = StringField(_l("Что проверено: классы или учителя"), validators=[Length(max=2000)])
    conclusion = TextAreaField(_l("Выводы"), validators=[Length(max=10000)])
    without_recommendations = BooleanField(_l("Без рекомендаций — так и задумано"))
    files = MultipleFileField(_l("Вложения (например, скан выгрузки)"))
    submit = SubmitField(_l("Записать результат"))


class CorrectionForm(VersionedForm):
    """The author's or the director's correction of a recorded result, with the reason."""

    checked_on = RuDateField(
        _l("Дата проверки"), validators=[InputRequired(_l("Укажите дату проверки"))]
    )
    objects = StringField(_l("Что проверено: классы или учителя"), validators=[Length(max=2000)])
    conclusion = TextAreaField(_l("Выводы"), validators=[Length(max=10000)])
    reason = StringField(
        _l("Причина исправления"),
        validators=[InputRequired(_l("Укажите причину исправления")), Length(max=500)],
    )
    submit = SubmitField(_l("Сохранить исправление"))


class PartForm(FlaskForm):
    """A person marks their part of an occurrence done (or the checker marks it for them)."""

    person = HiddenField()
    note = StringField(_l("Комментарий (необязательно)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Отметить: моя часть выполнена"))


class UndoPartForm(FlaskForm):
    reason = StringField(
        _l("Причина отмены отметки"),
        validators=[InputRequired(_l("Укажите причину")), Length(max=500)],
    )
    submit = SubmitField(_l("Снять отметку"))


def parse_dates(text: str | None) -> list:
    days = []
    for part in (text or "").replace(";", ",").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            days.append(parse_ru_date(part))
        except ValueError as error:
            raise DomainError(_l("Не дата: «%(text)s»", text=part[:20]), field="dates") from error
    return days


def parse_findings(criteria: list[str], data) -> list:
    """finding-<n>-violations and finding-<n>-comment for each criterion of the check."""
    findings = []
    for number, criterion in enumerate(criteria):
        text = (data.get(f"finding-{number}-violations") or "0").strip()
        if whole_number(text.removeprefix("-"), 6) is None:
            raise DomainError(
                _l("«%(criterion)s»: число нарушений — целое число", criterion=criterion[:60]),
                field="findings",
            )
        comment = (data.get(f"finding-{number}-comment") or "")[:2000]
        findings.append(FindingInput(criterion, int(text), comment))
    return findings


def parse_recommendations(people: dict, data) -> list:
    """rec-<n>-text, rec-<n>-person and rec-<n>-due_on; empty rows are skipped."""
    result = []
    for number in range(MAX_RECOMMENDATIONS):
        text = (data.get(f"rec-{number}-text") or "").strip()
        if not text:
            continue
        person_id = data.get(f"rec-{number}-person") or ""
        chosen = whole_number(person_id, 9)
        person = people.get(chosen) if chosen is not None else None
        due_text = (data.get(f"rec-{number}-due_on") or "").strip()
        try:
            due_on = parse_ru_date(due_text) if due_text else None
        except ValueError as error:
            raise DomainError(
                _l("Срок рекомендации — дата, например 15.12.2026"), field="recommendations"
            ) from error
        result.append(RecommendationInput(text[:2000], person, due_on))
    return result
