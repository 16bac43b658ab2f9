"""Form pieces every part uses: Russian dates, id lists."""

from datetime import date, datetime
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField
from wtforms.validators import ValidationError

from tracker.types import whole_number

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")

T = TypeVar("T")


def parse_ru_date(text: str) -> date:
    """05.06.2023 (or 2023-06-05, what a date picker sends); ValueError for a day that does not
    exist, such as 31.02.2024."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class RuDateField(StringField):
    """A date typed as дд.мм.гггг; empty means no date."""

    # A text input whose value is a date, as WTForms' own DateField declares it in its stubs.
    data: date | None  # type: ignore[assignment]

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"placeholder": "дд.мм.гггг", "inputmode": "numeric"})
        super().__init__(label, validators, **kwargs)
        self.date_value: date | None = None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d.%m.%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        # Blanks alone are no date, and no input for InputRequired (which reads raw_data).
        self.raw_data = valuelist if text else []
        self.data = None
        if not text:
            return
        try:
            self.data = parse_ru_date(text)
        except ValueError as error:
            self.data = None
            raise ValueError(
                _l("Нет такой даты: «%(text)s». Формат: дд.мм.гггг", text=text[:20])
            ) from error


def validated(data: T | None) -> T:
    """The data of a field its validators require (InputRequired, NumberRange), read once the
    form has validated: None there is the form's mistake (a validator missing), not the user's."""
    if data is None:
        raise ValueError("a required field has no data: is its validator missing?")
    return data


def ids_from(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        number = whole_number(value)
        if number is None:
            raise ValidationError(_l("Неверный выбор"))
        ids.append(number)
    return ids


class IdListField(Field):
    """Several ids from checkboxes or a multiple select."""

    def process_formdata(self, valuelist):
        self.data = ids_from(valuelist)

    def process_data(self, value):
        """From the object a form edits (records or their ids), the ids it shows checked."""
        self.data = [getattr(item, "id", item) for item in value or []]

    def _value(self):
        return ""


class VersionedForm(FlaskForm):
    """Carries the version of the record the form was made from (optimistic check)."""

    lock_version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        value = self.lock_version.data or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1
