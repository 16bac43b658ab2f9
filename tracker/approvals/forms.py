import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.approvals.meetings import ItemDecision
from tracker.approvals.models import VOTING_RULE_LABELS, Decision, VotingRule
from tracker.errors import DomainError
from tracker.forms import IdListField, RuDateField, VersionedForm


class BodyForm(FlaskForm):
    members_count = IntegerField(
        _l("Число членов"),
        validators=[InputRequired(_l("Укажите число членов")), NumberRange(0, 10000)],
    )
    chair = SelectField(_l("Председатель"), coerce=int)
    secretary = SelectField(_l("Секретарь"), coerce=int)
    quorum_numerator = IntegerField(_l("Кворум: числитель"), validators=[NumberRange(1, 100)])
    quorum_denominator = IntegerField(_l("Кворум: знаменатель"), validators=[NumberRange(1, 100)])
    voting_rule = SelectField(
        _l("Решения принимаются"),
        choices=[(rule.value, label) for rule, label in VOTING_RULE_LABELS.items()],
        default=VotingRule.MAJORITY.value,
    )
    submit = SubmitField(_l("Сохранить"))


class MeetingCreateForm(FlaskForm):
    held_on = RuDateField(_l("Дата заседания"), validators=[InputRequired(_l("Укажите дату"))])
    held_time = StringField(_l("Время (чч:мм)"), default="15:00", validators=[Length(max=5)])
    place = StringField(_l("Место"), validators=[Length(max=300)])
    protocol_number = IntegerField(
        _l("Номер протокола"),
        validators=[InputRequired(_l("Укажите номер протокола")), NumberRange(1, 100000)],
    )
    acts = IdListField(_l("Повестка: акты, ожидающие решения"))
    submit = SubmitField(_l("Создать заседание"))


class RescheduleForm(VersionedForm):
    held_on = RuDateField(_l("Новая дата"), validators=[InputRequired(_l("Укажите дату"))])
    held_time = StringField(_l("Время (чч:мм)"), default="15:00", validators=[Length(max=5)])
    place = StringField(_l("Место"), validators=[Length(max=300)])
    protocol_number = IntegerField(
        _l("Номер протокола"),
        validators=[InputRequired(_l("Укажите номер протокола")), NumberRange(1, 100000)],
    )
    submit = SubmitField(_l("Перенести заседание"))


class CancelMeetingForm(VersionedForm):
    reason = TextAreaField(
        _l("Причина отмены"),
        validators=[InputRequired(_l("Укажите причину отмены")), Length(max=2000)],
    )
    submit = SubmitField(_l("Отменить заседание"))


class AgendaAddForm(VersionedForm):
    acts = IdListField(_l("Добавить в повестку"))
    submit = SubmitField(_l("Добавить в повестку"))


class RemoveItemForm(VersionedForm):
    submit = SubmitField(_l("Снять с повестки"))


class MoveItemForm(VersionedForm):
    target = SelectField(
        _l("Перенести на заседание"),
        coerce=int,
        validators=[InputRequired(_l("Выберите заседание"))],
    )
    submit = SubmitField(_l("Перенести"))


class MeetingRecordForm(VersionedForm):
    present_count = IntegerField(
        _l("Присутствовало членов"),
        validators=[InputRequired(_l("Укажите, сколько присутствовало")), NumberRange(0, 10000)],
    )
    submit = SubmitField(_l("Записать решения"))


class CorrectionForm(VersionedForm):
    present_count = IntegerField(
        _l("Присутствовало членов"), validators=[Optional(), NumberRange(0, 10000)]
    )
    reason = TextAreaField(
        _l("Причина исправления"),
        validators=[InputRequired(_l("Укажите причину исправления")), Length(max=2000)],
    )
    submit = SubmitField(_l("Исправить решение"))


class OrderForm(FlaskForm):
    number = StringField(
        _l("Номер приказа"), validators=[InputRequired(_l("Укажите номер")), Length(max=32)]
    )
    issued_on = RuDateField(_l("Дата приказа"), validators=[InputRequired(_l("Укажите дату"))])
    title = StringField(
        _l("Заголовок"),
        validators=[InputRequired(_l("Укажите заголовок")), Length(max=1000)],
    )
    in_force_on = RuDateField(_l("Вступает в силу"), validators=[Optional()])
    acts = IdListField(_l("Утверждаемые акты"))
    submit = SubmitField(_l("Издать приказ"))


class LaterOrderForm(FlaskForm):
    kind = RadioField(
        _l("Вид приказа"),
        choices=[
            ("amend", _l("О внесении изменений")),
            ("repeal", _l("О признании утратившим силу")),
        ],
        default="amend",
        validators=[InputRequired(_l("Выберите вид приказа"))],
    )
    number = StringField(
        _l("Номер приказа"), validators=[InputRequired(_l("Укажите номер")), Length(max=32)]
    )
    issued_on = RuDateField(_l("Дата приказа"), validators=[InputRequired(_l("Укажите дату"))])
    title = StringField(
        _l("Заголовок (если пусто — обычный для этого вида)"), validators=[Length(max=1000)]
    )
    changes = TextAreaField(
        _l("Какие изменения вносятся (для приказа о внесении изменений)"),
        validators=[Length(max=5000)],
    )
    in_force_on = RuDateField(_l("Вступает в силу / утрачивает силу с"), validators=[Optional()])
    acts = IdListField(_l("Акты"))
    submit = SubmitField(_l("Издать приказ"))


def parse_item_decisions(items, data) -> dict:
    """The per-item fields of the meeting form (item-<id>-decision, -for, -against, ...)."""

    def number(name: str) -> int | None:
        text = (data.get(name) or "").strip()
        if not text:
            return None  # refused by the service when a decision needs it, never read as 0
        if not re.fullmatch(r"-?[0-9]{1,6}", text):
            raise DomainError(_l("Число голосов — целое число"), field="items")
        return int(text)

    result = {}
    for item in items:
        prefix = f"item-{item.id}-"
        choice = data.get(prefix + "decision") or ""
        if not choice:
            continue
        if choice not in {decision.value for decision in Decision}:
            raise DomainError(_l("Неизвестное решение"), field="items")
        result[item.id] = ItemDecision(
            decision=Decision(choice),
            votes_for=number(prefix + "for"),
            votes_against=number(prefix + "against"),
            votes_abstained=number(prefix + "abstained"),
            remarks=(data.get(prefix + "remarks") or "")[:5000],
            speaker=(data.get(prefix + "speaker") or "")[:300],
            speeches=(data.get(prefix + "speeches") or "")[:40000],
        )
    return result
