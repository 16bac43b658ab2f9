"""Reading a school's plan-schedule (план-график) pasted from Word.

Pure functions only: the caller passes the text in, nothing here touches files, the database or
the clock. Three layers:

* :func:`parse_deadline` turns a «Сроки» cell into a date window and/or a recurrence;
* :func:`parse_responsible` maps an «Ответственный» cell onto position codes;
* :func:`parse_plan_text` turns the tab-separated table into phases, sub-phases and items.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date

from tracker.types import normalize_phrase

__all__ = [
    "CONTINUOUS",
    "DURING_YEAR",
    "END_OF_QUARTER",
    "END_OF_QUARTER_HALF_YEAR",
    "END_OF_QUARTER_HALF_YEAR_YEAR",
    "END_OF_YEAR",
    "FUZZY_CUTOFF",
    "INTERNAL_CONTROL_PLAN",
    "MONTHLY",
    "RECURRENCES",
    "Deadline",
    "ParsedItem",
    "ParsedPlan",
    "ParsedSection",
    "PlanFormatError",
    "ResponsibleMatch",
    "normalize_phrase",
    "parse_deadline",
    "parse_plan_text",
    "parse_responsible",
]

# ---------------------------------------------------------------------------------------------
# Recurrences
# ---------------------------------------------------------------------------------------------

END_OF_QUARTER = "end_of_quarter"
END_OF_QUARTER_HALF_YEAR_YEAR = "end_of_quarter_half_year_year"
END_OF_QUARTER_HALF_YEAR = "end_of_quarter_half_year"
END_OF_YEAR = "end_of_school_year"
INTERNAL_CONTROL_PLAN = "internal_control_plan"
MONTHLY = "monthly"
DURING_YEAR = "during_year"
CONTINUOUS = "continuous"
DAILY = "daily"
WEEKLY = "weekly"
QUARTERLY = "quarterly"
HALF_YEARLY = "half_yearly"
YEARLY = "yearly"
AS_NEEDED = "as_needed"

RECURRENCES: dict[str, str] = {
    END_OF_QUARTER: "В конце каждой четверти",
    END_OF_QUARTER_HALF_YEAR_YEAR: "В конце каждой четверти, полугодия, года",
    END_OF_QUARTER_HALF_YEAR: "В конце каждой четверти и полугодия",
    END_OF_YEAR: "В конце учебного года",
    INTERNAL_CONTROL_PLAN: "По плану ВШК",
    MONTHLY: "Ежемесячно",
    DURING_YEAR: "В течение учебного года",
    CONTINUOUS: "Постоянно",
    DAILY: "Ежедневно",
    WEEKLY: "Еженедельно",
    QUARTERLY: "Ежеквартально",
    HALF_YEARLY: "Раз в полугодие",
    YEARLY: "Ежегодно",
    AS_NEEDED: "По мере необходимости",
}

# Keys are already normalised (see normalize_phrase), so case, commas and extra spaces in the
# source do not matter; «в течении» is the misspelling schools write as often as the right one.
_RECURRENCE_PHRASES: dict[str, str] = {
    "в конце каждой четверти": END_OF_QUARTER,
    "в конце четверти": END_OF_QUARTER,
    "в конце каждой четверти полугодия года": END_OF_QUARTER_HALF_YEAR_YEAR,
    "в конце каждой четверти полугодия и года": END_OF_QUARTER_HALF_YEAR_YEAR,
    "в конце четверти полугодия года": END_OF_QUARTER_HALF_YEAR_YEAR,
    "в конце каждой четверти и полугодия": END_OF_QUARTER_HALF_YEAR,
    "в конце каждой четверти полугодия": END_OF_QUARTER_HALF_YEAR,
    "в конце четверти и полугодия": END_OF_QUARTER_HALF_YEAR,
    "в конце учебного года": END_OF_YEAR,
    "в конце года": END_OF_YEAR,
    "по плану вшк": INTERNAL_CONTROL_PLAN,
    "согласно плану вшк": INTERNAL_CONTROL_PLAN,
    "в соответствии с планом вшк": INTERNAL_CONTROL_PLAN,
    "ежемесячно": MONTHLY,
    "каждый месяц": MONTHLY,
    "в течение года": DURING_YEAR,
    "в течение учебного года": DURING_YEAR,
    "в течении года": DURING_YEAR,
    "в течении учебного года": DURING_YEAR,
    "постоянно": CONTINUOUS,
    "ежедневно": DAILY,
    "каждый день": DAILY,
    "еженедельно": WEEKLY,
    "каждую неделю": WEEKLY,
    "раз в неделю": WEEKLY,
    "1 раз в неделю": WEEKLY,
    "раз в месяц": MONTHLY,
    "1 раз в месяц": MONTHLY,
    "ежеквартально": QUARTERLY,
    "раз в квартал": QUARTERLY,
    "1 раз в квартал": QUARTERLY,
    "раз в четверть": QUARTERLY,
    "1 раз в четверть": QUARTERLY,
    "каждую четверть": QUARTERLY,
    "раз в полугодие": HALF_YEARLY,
    "1 раз в полугодие": HALF_YEARLY,
    "каждое полугодие": HALF_YEARLY,
    "по полугодиям": HALF_YEARLY,
    "ежегодно": YEARLY,
    "раз в год": YEARLY,
    "1 раз в год": YEARLY,
    "каждый год": YEARLY,
    "конец года": END_OF_YEAR,
    "конец учебного года": END_OF_YEAR,
    "по окончании учебного года": END_OF_YEAR,
    "по мере необходимости": AS_NEEDED,
    "по необходимости": AS_NEEDED,
}

# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A parsed «Сроки» cell: the original phrase, a date window and/or a recurrence."""

    text: str
    starts_on: date | None
    due_on: date | None
    recurrence: str | None
    reason: str = ""  # why it was not understood, when the parser can say (in Russian)

    @property
    def is_understood(self) -> bool:
        """True when a date window or a recurrence was recognised in the phrase."""
        return self.starts_on is not None or self.due_on is not None or self.recurrence is not None


def _month_forms() -> dict[str, int]:
    # Nominative, genitive, dative, instrumental and prepositional forms: plans write
    # «Май», «до 1 мая», «к маю», «в мае»; abbreviations come from hand-typed tables.
    soft = ("ь", "я", "ю", "ем", "е")
    hard = ("", "а", "у", "ом", "е")
    stems = (
        ("январ", soft),
        ("феврал", soft),
        ("март", hard),
        ("апрел", soft),
        (None, ("май", "мая", "маю", "маем", "мае")),
        ("июн", soft),
        ("июл", soft),
        ("август", hard),
        ("сентябр", soft),
        ("октябр", soft),
        ("ноябр", soft),
        ("декабр", soft),
    )
    forms: dict[str, int] = {}
    for number, (stem, endings) in enumerate(stems, start=1):
        for ending in endings:
            forms[(stem or "") + ending] = number
    abbreviations = {
        "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "авг": 8,
        "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
    }  # fmt: skip
    forms.update(abbreviations)
    return forms


_MONTHS = _month_forms()
_YEAR_WORDS = frozenset({"г", "гг", "год", "года", "году", "годы"})
_DUE_PREFIXES = frozenset({"до", "к", "по"})
_RANGE_SEPARATORS = frozenset({"по", "до"})

_TOKEN_RE = re.compile(
    r"(?P<date>\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d))"
    r"|(?P<num>\d+)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<dash>[-‐‑‒–—―−])"
    r"|(?P<skip>[.,])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


@dataclass
class _Point:
    """One end of a window as written; missing parts are filled from the other end."""

    day: int | None
    month: int | None
    year: int | None


class _NotUnderstood(Exception):
    """Internal signal: the phrase is not a date form this parser knows; its message, when it
    has one, says why in Russian (for the import's preview)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


NO_YEAR = "не указан год"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(text.lower().replace("ё", "е")):
        kind = match.lastgroup or "other"
        if kind in ("skip", "space"):
            continue
        if kind == "other":
            raise _NotUnderstood
        value = match.group()
        previous = tokens[-1] if tokens else None
        # «2023г.», «2023 года»: the year word carries nothing once the year is read.
        if (
            kind == "word"
            and value in _YEAR_WORDS
            and previous is not None
            and (previous.kind == "date" or (previous.kind == "num" and len(previous.text) == 4))
        ):
            continue
        tokens.append(_Token(kind, value))
    return tokens


class _Reader:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def word(self, offset: int = 0) -> str | None:
        token = self.peek(offset)
        return token.text if token is not None and token.kind == "word" else None

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def point(self) -> _Point:
        token = self.peek()
        if token is None:
            raise _NotUnderstood
        day: int | None
        month: int | None
        year: int | None
        if token.kind == "date":
            self.pos += 1
            day, month, year = (int(part) for part in token.text.split("."))
            if year < 100:  # «01.09.23»: the years of this century
                year += 2000
            return _Point(day, month, year)
        day = month = year = None
        if token.kind == "num" and len(token.text) <= 2:
            day = int(token.text)
            self.pos += 1
        month_word = self.word()
        if month_word in _MONTHS:
            month = _MONTHS[month_word]
            self.pos += 1
            token = self.peek()
            if token is not None and token.kind == "num" and len(token.text) == 4:
                year = int(token.text)
                self.pos += 1
        elif day is None:
            raise _NotUnderstood
        return _Point(day, month, year)


def _first_day(point: _Point) -> date:
    if point.month is None:
        raise _NotUnderstood
    if point.year is None:
        raise _NotUnderstood(NO_YEAR)
    return date(point.year, point.month, point.day or 1)


def _last_day(point: _Point) -> date:
    if point.month is None:
        raise _NotUnderstood
    if point.year is None:
        raise _NotUnderstood(NO_YEAR)
    if point.day is not None:
        return date(point.year, point.month, point.day)
    return date(point.year, point.month, calendar.monthrange(point.year, point.month)[1])


def _complete_range(start: _Point, end: _Point) -> None:
    """Fill what one end leaves implicit from the other («ноябрь-февраль 2024»)."""
    if end.month is None:
        raise _NotUnderstood
    if end.year is None:
        if start.year is None or start.month is None:
            raise _NotUnderstood(NO_YEAR if start.month is not None else "")
        end.year = start.year + (1 if end.month < start.month else 0)
    if start.month is None:
        start.month = end.month
    if start.year is None:
        # A first month later than the last one can only mean the window crosses New Year.
        start.year = end.year - (1 if start.month > end.month else 0)


def _parse_window(text: str) -> tuple[date | None, date]:
    reader = _Reader(_tokenize(text))
    if reader.word() == "в" and reader.word(1) == "срок":  # «в срок до 01.09.2023»
        reader.pos += 2
    due_only = month_end = from_marker = False
    if reader.word() == "не" and reader.word(1) in ("позднее", "позже"):
        reader.pos += 2
        due_only = True
    elif reader.word() in _DUE_PREFIXES:
        reader.pos += 1
        due_only = True
    elif reader.word() == "с":
        reader.pos += 1
        from_marker = True
    elif reader.word() == "в":
        reader.pos += 1
        if reader.word() in ("течение", "течении"):
            reader.pos += 1
    if due_only and reader.word() == "конца":
        reader.pos += 1
        month_end = True

    start = reader.point()
    if due_only:
        # «до мая» reads as "before May", which is ambiguous between 30 April and 31 May;
        # only a day or «до конца мая» gives a deadline we can stand behind.
        if not reader.at_end():
            raise _NotUnderstood
        if start.day is None and not month_end:
            raise _NotUnderstood("«до» месяца неоднозначно: укажите день или «до конца» месяца")
        return None, _last_day(start)

    if reader.at_end():
        # «с 01.09.2023» alone has no deadline, so it is not a window this tracker can use.
        if from_marker:
            raise _NotUnderstood("указано только начало, нет срока окончания")
        return _first_day(start), _last_day(start)

    separator = reader.peek()
    if separator is None or not (
        separator.kind == "dash"
        or (separator.kind == "word" and separator.text in _RANGE_SEPARATORS)
    ):
        raise _NotUnderstood
    reader.pos += 1
    end = reader.point()
    if not reader.at_end():
        raise _NotUnderstood
    _complete_range(start, end)
    starts_on, due_on = _first_day(start), _last_day(end)
    if starts_on > due_on:
        raise _NotUnderstood(f"окончание ({due_on:%d.%m.%Y}) раньше начала ({starts_on:%d.%m.%Y})")
    return starts_on, due_on


_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_TWO_YEARS_RE = re.compile(r"\b((?:19|20)\d\d) ((?:19|20)?\d\d)\b")
# «В течение 2023 года», «в конце 2023 года»: a calendar year (not a school year), and its end.
_CALENDAR_YEAR_RE = re.compile(
    r"^в (течение|течении|конце) ((?:19|20)\d\d)(?: г| года| году| г года)$"
)


def _recurrence_of(text: str) -> str | None:
    normalized = normalize_phrase(text)
    if normalized in _RECURRENCE_PHRASES:
        return _RECURRENCE_PHRASES[normalized]
    # «В течение 2023-2024 учебного года»: the years add nothing the recurrence does not say.
    # Only years, and only of a school year: «в конце 1 четверти» is one quarter, not every
    # one, and «в течение 2023 года» a calendar year (`_calendar_year`), not a school year.
    # A school year is «учебного» or two years in a row («2023-2024», «2023/24»).
    words = normalized.split()
    two_years = _TWO_YEARS_RE.search(normalized)
    if "учебного" not in words and two_years is None:
        return None
    if two_years is not None:
        normalized = normalized.replace(two_years.group(0), " ")
    without_years = " ".join(
        word for word in normalized.split() if not _YEAR_RE.match(word) and word not in ("г", "гг")
    )
    return _RECURRENCE_PHRASES.get(without_years)


_YEARLY_FROM_RE = re.compile(
    r"^ежегодно (?:с|начиная с) ((?:19|20)\d\d)(?: г| года| году| г года)?$"
)
_QUARTER_OF_YEAR_RE = re.compile(
    r"^(?:в\s+)?(I|II|III|IV|[1-4])(?:\s*[-‐‑‒–—]\s*(I|II|III|IV|[1-4]))?\s*"
    r"(?:квартал|квартале|квартала|кварталы|кв\.?)\s*((?:19|20)\d\d)\s*"
    r"(?:г\.?|года|году)?\s*$",
    re.IGNORECASE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _quarter_of_year(text: str) -> tuple[date, date] | None:
    """«II квартал 2024 г.»: April to June of 2024 (a calendar quarter, not a school one);
    «I–II квартал 2024»: January to June. A list («I, III кварталы») is not a range."""
    found = _QUARTER_OF_YEAR_RE.match(" ".join(text.split()))
    if found is None:
        return None
    first = _ROMAN[found.group(1).lower()]
    last = _ROMAN[(found.group(2) or found.group(1)).lower()]
    year = int(found.group(3))
    if last < first:
        return None
    last_month = 3 * last
    return date(year, 3 * first - 2, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def _calendar_year(text: str) -> tuple[date, date] | None:
    """«В течение 2023 года»: 01.01–31.12; «в конце 2023 года»: December."""
    found = _CALENDAR_YEAR_RE.match(normalize_phrase(text))
    if found is None:
        return None
    year = int(found.group(2))
    if found.group(1) == "конце":
        return date(year, 12, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


# In a plan for one calendar year («на 2025 год»), the year of these phrases is that year.
_THIS_YEAR_PHRASES = {
    "в течение года": False,
    "в течении года": False,
    "в течение всего года": False,
    "в конце года": True,
    "конец года": True,
    "до конца года": True,
}


def parse_deadline(text: str, calendar_year: int | None = None) -> Deadline:
    """Parse a «Сроки» cell into a :class:`Deadline`; never raises.

    Understood forms: a month or a month range with a year (``Май 2023г.``,
    ``Август-сентябрь 2023 г.``, ``ноябрь-февраль 2024``, ``декабрь 2023 - январь 2024``),
    a day (``01.09.2023``, ``1 сентября 2023 г.``), a day range (``с 01.09.2023 по 15.09.2023``,
    ``01.09.2023 - 15.09.2023``), a deadline without a start (``до 01.09.2023``,
    ``до 1 сентября 2023 г.``, ``до конца мая 2024``) and the recurrences of
    :data:`RECURRENCES`. A month means the whole month. Anything else, including impossible
    dates and windows that end before they start, gives a Deadline whose only set field is
    ``text`` (and ``reason``, when it can say why). In a plan for one calendar year
    (``calendar_year``), «в течение года» is that year and «в конце года» its December.
    """
    empty = Deadline(text=text, starts_on=None, due_on=None, recurrence=None)
    if not text or not text.strip():
        return empty
    if calendar_year is not None and normalize_phrase(text) in _THIS_YEAR_PHRASES:
        if _THIS_YEAR_PHRASES[normalize_phrase(text)]:
            return replace(
                empty, starts_on=date(calendar_year, 12, 1), due_on=date(calendar_year, 12, 31)
            )
        return replace(
            empty, starts_on=date(calendar_year, 1, 1), due_on=date(calendar_year, 12, 31)
        )
    recurrence = _recurrence_of(text)
    if recurrence is not None:
        return Deadline(text=text, starts_on=None, due_on=None, recurrence=recurrence)
    if _YEARLY_FROM_RE.match(normalize_phrase(text)):
        return Deadline(text=text, starts_on=None, due_on=None, recurrence=YEARLY)
    window = _calendar_year(text) or _quarter_of_year(text)
    if window is not None:
        return Deadline(text=text, starts_on=window[0], due_on=window[1], recurrence=None)
    try:
        starts_on, due_on = _parse_window(text)
    except _NotUnderstood as error:
        return replace(empty, reason=error.reason)
    except (ValueError, OverflowError):
        return replace(empty, reason="такой даты нет")
    return Deadline(text=text, starts_on=starts_on, due_on=due_on, recurrence=None)


# ---------------------------------------------------------------------------------------------
# Responsible people
# ---------------------------------------------------------------------------------------------

FUZZY_CUTOFF = 0.88

# «Контроль – ...» names who checks the work, not a position; the positions follow it.
_ROLE_MARKER_RE = re.compile(
    r"^\s*(?:контроль|ответственн(?:ый|ые)|исполнител(?:ь|и)|соисполнител(?:ь|и))"
    r"\s*[-‐‑‒–—―−:]\s*",
    re.IGNORECASE,
)
_PART_SEPARATOR_RE = re.compile(r"[,;\n]")
_AND_RE = re.compile(r"\s+и\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ResponsibleMatch:
    """The positions named by an «Ответственный» cell and the parts that named none."""

    text: str
    position_codes: tuple[str, ...]
    unmatched: tuple[str, ...]
    # Bodies outside the school (the education office, a ministry): kept as written, never
    # matched to a position of the school.
    external: tuple[str, ...] = ()


# «И.о. заместителя директора по УВР», «врио директора»: the acting holder answers as the
# position itself.
_ACTING_PREFIXES = (
    "временно исполняющий обязанности ",
    "временно исполняющего обязанности ",
    "исполняющий обязанности ",
    "исполняющего обязанности ",
    "вр и о ",
    "врио ",
    "и о ",
)
# The first letters of words that name a body outside the school.
_EXTERNAL_WORDS = (
    "министерств",
    "минобр",
    "минпросвещ",
    "минцифр",
    "департамент",
    "роспотребнадзор",
    "рособрнадзор",
    "прокуратур",
    "гибдд",
    "госавтоинспекц",
    "цоко",
    "рцои",
    "муниципальн",
    "региональн",
    "федеральн",
    "учредител",
    "провайдер",
    "поставщик",
    "разработчик",
)
_OFFICE_WORDS = ("управлени", "комитет")
_DEPARTMENT = frozenset({"отдел", "отдела", "отделу", "отделом", "отделе"})  # not «отделение»
# The education office by its initials: «УО», «ГУО», «МУО», «РУО», «ОО администрации».
_OFFICE_ABBREVIATIONS = frozenset(
    {
        "уо",
        "гуо",
        "муо",
        "руо",
        "моуо",
        "гороо",
        "роно",
        "гороно",
        "имц",
        "иро",
        "омвд",
        "пдн",
        "кдн",
    }
)
# Words that make a phrase the school's own, whatever else it says («директор муниципального
# бюджетного общеобразовательного учреждения», «школьный координатор регионального этапа»).
_SCHOOL_TOKENS = frozenset({"мбоу", "моу", "мкоу", "гбоу", "маоу", "оу", "зам", "завуч"})
_SCHOOL_WORDS = (
    "школ",
    "общеобразовательн",
    "отделени",  # «отделение дополнительного образования» of the school
    "директор",
    "заместител",
    "учител",
    "педагог",
    "классн",
    "ответственн",
    "секретар",
    "библиотекар",
    "психолог",
)
_TERRITORY_WORDS = ("город", "район", "муниципал", "округ", "област", "кра", "республик")


def is_external(phrase: str) -> bool:
    """Whether a part of the responsible cell names a body outside the school: a ministry, the
    education office («управление образования», «комитет по образованию»), the city's
    administration, a regional centre. «Администрация» alone is the school's own."""
    words = normalize_phrase(phrase).split()
    if any(word.startswith(("министерств", "министр", "минобр", "минпросвещ")) for word in words):
        return True  # «Зам. министра образования»: a ministry's, whatever its office
    if any(word.startswith(_SCHOOL_WORDS) or word in _SCHOOL_TOKENS for word in words):
        return False
    if any(word.startswith(_EXTERNAL_WORDS) or word in _OFFICE_ABBREVIATIONS for word in words):
        return True
    if any(word.startswith("образовани") for word in words) and any(
        word.startswith(_OFFICE_WORDS) or word in _DEPARTMENT for word in words
    ):
        return True
    return any(word.startswith("администрац") for word in words) and any(
        word.startswith(_TERRITORY_WORDS) for word in words
    )


def _without_acting(key: str) -> str | None:
    for prefix in _ACTING_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return None


class _AliasIndex:
    def __init__(self, aliases: tuple[tuple[str, str], ...]) -> None:
        self.exact: dict[str, str] = {}
        self.fuzzy: dict[str, str | None] = {}  # a plan repeats its phrases: each looked up once
        for alias, code in aliases:
            key = normalize_phrase(alias)
            if key:
                # Two spellings collapsing to one key keep the first code: dict order is the
                # order the caller listed its positions in.
                self.exact.setdefault(key, code)

    def lookup_exact(self, phrase: str) -> str | None:
        key = normalize_phrase(phrase)
        if key in self.exact:
            return self.exact[key]
        acting = _without_acting(key)
        return self.exact.get(acting) if acting else None

    def lookup(self, phrase: str) -> str | None:
        key = normalize_phrase(phrase)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        key = _without_acting(key) or key
        if key in self.exact:
            return self.exact[key]
        if key not in self.fuzzy:
            if len(self.fuzzy) > 10_000:
                self.fuzzy.clear()
            self.fuzzy[key] = self._closest(key)
        return self.fuzzy[key]

    def _closest(self, key: str) -> str | None:
        best_ratio = 0.0
        best_codes: set[str] = set()
        matcher = difflib.SequenceMatcher(b=key, autojunk=False)
        for alias, code in self.exact.items():
            matcher.set_seq1(alias)
            # Only a ratio at the cutoff or the best so far matters, and quick_ratio bounds it.
            if matcher.real_quick_ratio() < max(best_ratio, FUZZY_CUTOFF):
                continue
            if matcher.quick_ratio() < max(best_ratio, FUZZY_CUTOFF):
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best_ratio, best_codes = ratio, {code}
            elif ratio == best_ratio:
                best_codes.add(code)
        # A typo equally close to two different positions is a guess, not a match; and the
        # closest alias must be the phrase's own words, each misspelt a little at most.
        if best_ratio >= FUZZY_CUTOFF and len(best_codes) == 1:
            code = next(iter(best_codes))
            if any(_same_words(key, alias) for alias, c in self.exact.items() if c == code):
                return code
        return None


WORD_CUTOFF = 0.75  # how close a misspelt word must be to its alias's word
SHORT_WORD = 3  # words this short (УВР, ИКТ, НМР, ШМО, ОУ) must be exact: they name the area


@functools.lru_cache(maxsize=32)
def _alias_index(aliases: tuple[tuple[str, str], ...]) -> _AliasIndex:
    """One index per school's aliases, reused for every row of its plan."""
    return _AliasIndex(aliases)


def _same_words(phrase: str, alias: str) -> bool:
    """Whether a phrase is an alias with its words misspelt a little: as many words, each equal
    or close, and every short word (an abbreviation naming the area) exact. «Заместитель
    директра по УВР» is; «заместитель директора по ИКТ» is not the deputy for ВР, nor
    «руководитель ШМО» the head of the school (руководитель ОУ)."""
    ours, theirs = phrase.split(), alias.split()
    if len(ours) != len(theirs):
        return False
    for word, other in zip(ours, theirs, strict=True):
        if word == other:
            continue
        if min(len(word), len(other)) <= SHORT_WORD:
            return False
        if difflib.SequenceMatcher(a=word, b=other, autojunk=False).ratio() < WORD_CUTOFF:
            return False
    return True


_INITIALS_RE = re.compile(
    r"\b[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s[А-ЯЁ]\.\s?[А-ЯЁ]\."
)
# What a responsible part adds to the position it names: a remark in brackets («(по
# согласованию)», «(Петрова А.А.)»), the grades («1-11 классов», «5-9 кл.», «9 класса»), a
# person's initials. The position is matched without them; the cell keeps them as written.
_QUALIFIER_RES = (
    re.compile(r"\([^)]*\)"),
    re.compile(
        r"\s+\d+(?:\s*[-–]\s*\d+)?(?:-?х|-?ых)?\s*(?:классов|класса|классы|кл)\b\.?", re.IGNORECASE
    ),
    _INITIALS_RE,
)


def _without_qualifiers(part: str) -> str:
    for pattern in _QUALIFIER_RES:
        part = pattern.sub(" ", part)
    return " ".join(part.split()) or part


def _match_part(part: str, index: _AliasIndex) -> tuple[list[str], list[str]]:
    """Codes and unmatched texts for one comma-separated part of the cell."""
    bare = _without_qualifiers(part)
    if bare != part and normalize_phrase(bare):
        codes, unmatched = _match_part(bare, index)
        return codes, [part] if unmatched else []
    code = index.lookup_exact(part)
    if code is not None:
        return [code], []
    pieces = [piece.strip() for piece in _AND_RE.split(part) if piece.strip()]
    piece_codes = [index.lookup(piece) for piece in pieces] if len(pieces) > 1 else []
    # Trying the pieces before a fuzzy match of the whole part matters: «заместитель и
    # директора» is a close typo of «заместитель директора» but names two people.
    if piece_codes and all(piece_codes):
        return [c for c in piece_codes if c], []
    code = index.lookup(part)
    if code is not None:
        return [code], []
    if any(piece_codes):
        codes = [c for c in piece_codes if c]
        unmatched = [piece for piece, c in zip(pieces, piece_codes, strict=True) if c is None]
        return codes, unmatched
    return [], [part]


def parse_responsible(text: str, aliases: dict[str, str]) -> ResponsibleMatch:
    """Match an «Ответственный» cell against position aliases.

    ``aliases`` maps an alias phrase (any spelling: it is normalised with
    :func:`normalize_phrase`) to a position code. A leading marker such as ``Контроль –`` is
    dropped, the cell is split on commas and semicolons, and each part is matched whole or, failing
    that, piece by piece around the word «и»; each piece matches exactly after normalisation or by
    a close fuzzy match (difflib ratio >= 0.88). Codes come in order of appearance without
    duplicates; parts that match nothing are kept, trimmed, in ``unmatched``; parts that name a
    body outside the school (:func:`is_external`) and no position in ``external``. «И.о.» before
    a position names the position.
    """
    index = _alias_index(tuple(aliases.items()))
    body = _ROLE_MARKER_RE.sub("", text, count=1)
    codes: list[str] = []
    unmatched: list[str] = []
    external: list[str] = []
    for raw_part in _PART_SEPARATOR_RE.split(body):
        part = raw_part.strip()
        if not normalize_phrase(part):
            continue
        if is_external(_without_qualifiers(part)) and index.lookup_exact(part) is None:
            external.append(part)
            continue
        part_codes, part_unmatched = _match_part(part, index)
        codes.extend(code for code in part_codes if code not in codes)
        unmatched.extend(part_unmatched)
    return ResponsibleMatch(
        text=text,
        position_codes=tuple(codes),
        unmatched=tuple(unmatched),
        external=tuple(external),
    )


# ---------------------------------------------------------------------------------------------
# The plan table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedItem:
    """One row of the plan: an activity with its deadline and responsible cells as written."""

    number: str
    title: str
    deadline_text: str
    responsible_text: str
    checks: tuple[str, ...]
    result_text: str = ""  # «Результат», «Форма отчётности»: what the item is to produce


@dataclass(frozen=True)
class ParsedSection:
    """A phase or a sub-phase with its items and sub-phases."""

    title: str
    items: tuple[ParsedItem, ...]
    sections: tuple[ParsedSection, ...]


@dataclass(frozen=True)
class ParsedPlan:
    """The whole plan-schedule: its heading and its phases."""

    title: str
    sections: tuple[ParsedSection, ...]
    calendar_year: int | None = None  # the one calendar year the title names («на 2025 год»)


class PlanFormatError(ValueError):
    """The text is not a plan-schedule table; the message is in Russian for the user."""

    def __init__(self, message: str, line_number: int | None = None) -> None:
        self.line_number = line_number
        super().__init__(f"Строка {line_number}: {message}" if line_number else message)


_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)*[.)]?$")
# A phase's number: «I», «II.», up to twelve phases.
_ROMAN_NUMBER_RE = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\.?$")
_ROMAN_QUARTERS = ("I", "II", "III", "IV")
# A column of a quarter grid: «I», «II квартал», «3 кв.», «IV квартал 2024 г.», «I четверть»
# (a bare Arabic «1» only under a merged «Сроки» cell, see `_with_subheader`).
_QUARTER_HEAD_RE = re.compile(
    r"^(I|II|III|IV|[1-4])\s*(квартал|кв\.?|четверть)?\s*(?:((?:19|20)\d\d)\s*(?:г\.?|года)?)?$",
    re.IGNORECASE,
)
# What a quarter grid's cell holds when the item falls in that quarter.
_GRID_MARKS = frozenset({"+", "х", "x", "v", "✓", "✔", "√", "•", "●", "■", "*", "да"})
# The words a plan's header row uses for each column, after normalize_phrase; a header cell is
# one of them, or one of them followed by more words («сроки исполнения (дата)»).
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("№", "n", "no", "номер", "п п", "№ п п", "n п п", "номер п п"),
    "title": (
        "мероприятия",
        "мероприятие",
        "мероприятий",
        "наименование мероприятия",
        "наименование мероприятий",
        "перечень мероприятий",
        "содержание мероприятия",
        "содержание мероприятий",
        "содержание работы",
        "содержание работ",
        "содержание деятельности",
        "задача",
        "задачи",
        "наименование работ",
        "вид работы",
        "виды работ",
    ),
    "deadline": (
        "сроки",
        "срок",
        "сроки исполнения",
        "срок исполнения",
        "сроки проведения",
        "срок проведения",
        "сроки реализации",
        "срок реализации",
        "дата",
        "даты",
        "период",
        "период исполнения",
        "время проведения",
        "срок по плану",
        "сроки по плану",
    ),
    "start": ("дата начала", "начало", "срок начала", "начало работ"),
    "phase": (
        "этап",
        "этапы",
        "этап работы",
        "этапы работы",
        "этап реализации",
        "этапы реализации",
        "направление",
        "направления",
        "направление работы",
        "направления работы",
        "направление деятельности",
        "раздел",
    ),
    "end": ("дата окончания", "окончание", "срок окончания", "срок завершения", "завершение"),
    "responsible": (
        "ответственный",
        "ответственные",
        "ответственный исполнитель",
        "ответственные исполнители",
        "исполнитель",
        "исполнители",
        "ответственные лица",
        "ответственное лицо",
    ),
    "result": (
        "результат",
        "результаты",
        "ожидаемый результат",
        "ожидаемые результаты",
        "форма отчетности",
        "форма отчета",
        "итоговый документ",
        "выход",
        "продукт",
        "форма представления результата",
    ),
}
_WORD_COLUMN = {
    normalize_phrase(word) or word: column
    for column, words in COLUMN_WORDS.items()
    for word in words
}


def _quarter_head(cell: str, bare_numbers: bool = False) -> tuple[int, str, int | None] | None:
    """A quarter grid's column: (quarter, «квартал» or «четверть», year or None)."""
    found = _QUARTER_HEAD_RE.match(" ".join(cell.split()))
    if found is None:
        return None
    number, word, year = found.groups()
    if not word and not (number.upper() in _ROMAN_QUARTERS[:4] and not number.isdigit()):
        if not bare_numbers:
            return None
    quarter = _ROMAN[number.lower()]
    kind = "четверть" if word and word.lower() == "четверть" else "квартал"
    return quarter, kind, int(year) if year else None


def column_of(cell: str) -> str | None:
    """Which column a header cell names, or None."""
    quarter = _quarter_head(cell)
    if quarter is not None:
        return f"q{quarter[0]}"
    key = normalize_phrase(cell) or cell.strip()
    if key in _WORD_COLUMN:
        return _WORD_COLUMN[key]
    words = key.split()
    for length in range(len(words) - 1, 0, -1):
        column = _WORD_COLUMN.get(" ".join(words[:length]))
        if column is not None and column != "number":
            return column
    return None


@dataclass(frozen=True)
class Columns:
    """Where each column of the table is (cell indexes): found from its header row, or the
    classic order «№ | Мероприятия | Сроки | Ответственный» when the table has none."""

    number: int | None = 0
    title: int = 1
    deadline: int | None = 2
    start: int | None = None
    end: int | None = None
    responsible: int | None = 3
    result: int | None = None
    width: int = 4  # cells past the header's last one are added to the responsible cell
    unused: tuple[str, ...] = ()  # header cells no column was found for
    phase: int | None = None  # a column of phases merged down the table («Этап», «Задачи»)
    # A quarter grid: the columns of quarters I–IV, marked where the item falls.
    q1: int | None = None
    q2: int | None = None
    q3: int | None = None
    q4: int | None = None
    quarter_word: str = "квартал"  # or «четверть», the school's term
    quarter_year: int | None = None  # from the grid's heads or the plan's title

    def cell(self, cells: list[str], index: int | None) -> str:
        return cells[index] if index is not None and index < len(cells) else ""

    @classmethod
    def at(
        cls,
        found: dict[str, int],
        width: int,
        unused: tuple[str, ...] = (),
        quarter_word: str = "квартал",
        quarter_year: int | None = None,
    ) -> Columns:
        """The columns at these indexes (kind → index; «title» required), the others absent:
        what a header row names (`detect_columns`) or the director chose on the preview."""
        return cls(
            number=found.get("number"),
            title=found["title"],
            deadline=found.get("deadline"),
            start=found.get("start"),
            end=found.get("end"),
            responsible=found.get("responsible"),
            result=found.get("result"),
            phase=found.get("phase"),
            width=width,
            unused=unused,
            q1=found.get("q1"),
            q2=found.get("q2"),
            q3=found.get("q3"),
            q4=found.get("q4"),
            quarter_word=quarter_word,
            quarter_year=quarter_year,
        )

    @property
    def quarters(self) -> tuple[int | None, int | None, int | None, int | None]:
        return (self.q1, self.q2, self.q3, self.q4)

    def grid_deadline(self, cells: list[str]) -> str:
        """A quarter grid's marks as a deadline phrase for `parse_deadline`: «II квартал 2024»,
        «I–III квартал 2024», «Ежеквартально» when all four are marked; a list of quarters or
        text in the cells is written as it is (and not understood)."""
        marked = [
            (quarter, _collapse(self.cell(cells, index)))
            for quarter, index in enumerate(self.quarters, start=1)
            if index is not None and self.cell(cells, index).strip()
        ]
        if not marked:
            return ""
        word = self.quarter_word
        year = f" {self.quarter_year}" if self.quarter_year else ""
        if any(text.lower() not in _GRID_MARKS for _quarter, text in marked):
            return "; ".join(f"{_ROMAN_QUARTERS[q - 1]} {word}: {text}" for q, text in marked)
        numbers = [quarter for quarter, _text in marked]
        if len(numbers) == 4:
            return "Ежеквартально" if word == "квартал" else "Каждую четверть"
        if numbers == list(range(numbers[0], numbers[-1] + 1)):
            span = _ROMAN_QUARTERS[numbers[0] - 1]
            if len(numbers) > 1:
                span += f"–{_ROMAN_QUARTERS[numbers[-1] - 1]}"
            return f"{span} {word}{year}"
        return ", ".join(_ROMAN_QUARTERS[q - 1] for q in numbers) + f" {word}{year}"


@dataclass(frozen=True)
class Header:
    """Where a table's header is: its row (an index into the rows), its cells with a second
    header line folded in (`_with_subheader`), the rows it takes (one or two)."""

    index: int
    cells: list[str]
    size: int


def header_of(rows: list[tuple[int, list[str]]]) -> Header | None:
    """The table's header, or None when no row names its columns."""
    index = next((i for i, (_n, cells) in enumerate(rows) if _is_column_header(cells)), None)
    if index is None:
        return None
    cells = rows[index][1]
    if index + 1 < len(rows) and (folded := _with_subheader(cells, rows[index + 1][1])):
        return Header(index, folded, 2)
    return Header(index, cells, 1)


def detect_columns(cells: list[str]) -> Columns | None:
    """The columns a header row names, or None when it is not a header row: it must name the
    items' column and one more, and not begin with an item's number."""
    if cells and _NUMBER_RE.match(cells[0]):
        return None
    every: dict[str, list[int]] = {}
    unused = []
    quarter_word, quarter_year = "квартал", None
    for index, cell in enumerate(cells):
        column = column_of(cell) if cell else None
        if column is None:
            if cell:
                unused.append(_collapse(cell))
            continue
        every.setdefault(column, []).append(index)
        head = _quarter_head(cell) if column.startswith("q") else None
        if head is not None:
            quarter_word, quarter_year = head[1], head[2] or quarter_year
    titles = every.get("title", [])
    if len(titles) > 1:
        # «Задачи | Мероприятия»: the activities are the items; the tasks (or directions)
        # they serve, merged down the table, are its phases.
        main = [i for i in titles if not normalize_phrase(cells[i]).startswith(_GROUP_WORDS)]
        if main:
            every["title"] = main[:1]
            every.setdefault("phase", [i for i in titles if i not in main][:1])
    deadlines = every.get("deadline", [])
    if "start" in every and "end" not in every and deadlines:
        # «Начало | Срок»: the second date is the end; a further «Срок по плану», the phrase.
        every["end"] = deadlines[:1]
        every["deadline"] = deadlines[1:]
    found = {column: indexes[0] for column, indexes in every.items() if indexes}
    if "title" not in found or len(found) < 2:
        return None
    number = found.get("number")
    if number is None and found["title"] > 0 and 0 not in found.values():
        number = 0  # an unnamed first column before the items' one holds their numbers
    return Columns.at(
        {**found, "number": number} if number is not None else found,
        len(cells),
        unused=tuple(unused),
        quarter_word=quarter_word,
        quarter_year=quarter_year,
    )


# The words of a column that groups the activities (when the table has an activities column too).
_GROUP_WORDS = ("задач", "направлен")
_SUB_START = ("начало", "с", "дата начала", "срок начала", "от")
_SUB_END = ("окончание", "по", "до", "дата окончания", "срок окончания", "завершение")


def _with_subheader(header: list[str], below: list[str]) -> list[str] | None:
    """The header with its second line folded in, or None when the row below is not one. A
    second header line splits a merged cell into sub-columns: the quarters of a «Сроки» or
    «Кварталы» cell («I | II | III | IV», «1 кв. | 2 кв.»), or its start and end («начало |
    окончание»). Its other cells are empty or repeat the cell above (Word repeats a cell merged
    down)."""
    cells = list(header) + [""] * max(0, len(below) - len(header))
    folded = False
    for index, cell in enumerate(below):
        text = _collapse(cell)
        if not text or text == _collapse(cells[index]):
            continue
        # The merged cell above: the nearest header cell at or before this column (as the
        # header has it, not as this loop has rewritten it).
        owner = next(
            (header[i] for i in range(min(index, len(header) - 1), -1, -1) if header[i]), ""
        )
        owner_key = normalize_phrase(owner)
        under_dates = column_of(owner) == "deadline" or any(
            word in owner_key for word in ("квартал", "четверт", "срок", "период")
        )
        quarter = _quarter_head(text, bare_numbers=under_dates) if under_dates else None
        if quarter is not None:
            number, word, year = quarter
            cells[index] = f"{_ROMAN_QUARTERS[number - 1]} {word}" + (f" {year}" if year else "")
        elif under_dates and normalize_phrase(text) in _SUB_START:
            cells[index] = "дата начала"
        elif under_dates and normalize_phrase(text) in _SUB_END:
            cells[index] = "дата окончания"
        else:
            return None
        folded = True
    return cells if folded else None


_FULL_DATE_RE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_FOR_YEAR_RE = re.compile(r"\bна ((?:19|20)\d\d) (?:год|г)\b")
_TITLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _single_year(title: str) -> int | None:
    """The calendar year a plan is for when its title names exactly one («на 2024 год»); a
    school year («2024–2025 учебный год», «2024/25») names none."""
    # «Утверждено приказом от 28.08.2024 № 45»: the date of an order names no plan's year.
    undated = _FULL_DATE_RE.sub(" ", title)
    normalized = normalize_phrase(undated)
    if "учебн" in normalized or _TWO_YEARS_RE.search(normalized):
        return None
    named = _FOR_YEAR_RE.findall(normalized)  # «на 2025 год»
    if len(set(named)) == 1:
        return int(named[0])
    years = set(_TITLE_YEAR_RE.findall(undated))
    return int(years.pop()) if len(years) == 1 else None


def _is_column_numbers(cells: list[str]) -> bool:
    """The row of column numbers under a header: «1 2 3 4 5»."""
    filled = [cell for cell in cells if cell]
    return len(filled) >= 3 and filled == [str(n) for n in range(1, len(filled) + 1)]


_CHECK_DASHES = "-‐‑‒–—―−•"
_QUOTE_PAIRS = (("«", "»"), ('"', '"'), ("„", "“"), ("“", "”"))


def _collapse(text: str) -> str:
    return " ".join(text.split())


_DATED_RE = re.compile(r"(?:19|20)\d\d|\d{1,2}\.\d{1,2}")


def _is_column_header(cells: list[str]) -> bool:
    # Whole-cell comparison (or a column word followed by more words), so that an item titled
    # «Третье мероприятие» or «Провести мероприятия ...» is never taken for the header; and a
    # row with a date in it is an item («Мероприятия для родителей | сентябрь 2024 | …»).
    if _NUMBER_RE.match(cells[0]) or any(
        _DATED_RE.search(cell)
        for cell in cells
        if _quarter_head(cell) is None and column_of(cell) is None
    ):
        return False
    if detect_columns(cells) is not None:
        return True
    # A header row of the items' column alone (the classic table's merged first line).
    return sum(1 for cell in cells if cell) == 1 and any(
        normalize_phrase(cell).startswith("мероприят") and normalize_phrase(cell) in _WORD_COLUMN
        for cell in cells
    )


def _header_title(cell: str) -> str:
    title = _collapse(cell)
    for opening, closing in _QUOTE_PAIRS:
        if len(title) >= 2 and title.startswith(opening) and title.endswith(closing):
            return title[1:-1].strip()
    return title


def _split_checks(title: str) -> tuple[str, ...]:
    parts = [part.strip() for part in title.split(";")]
    parts = [part for part in parts if part]
    if len(parts) < 2 or not all(part[0] in _CHECK_DASHES for part in parts):
        return ()
    checks = []
    for part in parts:
        check = part.lstrip(_CHECK_DASHES + " ").rstrip(";. ")
        checks.append(check[:1].upper() + check[1:])
    return tuple(checks)


@dataclass
class _Line:
    number: int
    kind: str  # "header" or "item"
    header: str = ""
    item: ParsedItem | None = None
    # A phase row's own number: «II» (a phase) or «2.» (a phase, or a sub-phase under a Roman
    # one); "" for a merged row, placed by what follows it.
    header_number: str = ""
    level: int | None = None  # a phase of the phases column: always a phase


@dataclass
class _SectionBuilder:
    title: str
    items: list[ParsedItem] = field(default_factory=list)
    sections: list[_SectionBuilder] = field(default_factory=list)

    def freeze(self) -> ParsedSection:
        return ParsedSection(
            title=self.title,
            items=tuple(self.items),
            sections=tuple(section.freeze() for section in self.sections),
        )


def _classify(line_number: int, cells: list[str], columns: Columns = Columns()) -> _Line:
    filled = [cell for cell in cells if cell]
    # Checked before items: Word exports a merged header row with a leading empty cell too
    # (the title lines of the seed plan start with a tab), so a lone text cell is a header
    # wherever it sits.
    if len(filled) == 1 and not _NUMBER_RE.match(filled[0]):
        return _Line(line_number, "header", header=_header_title(filled[0]))
    number = columns.cell(cells, columns.number)
    title = _collapse(columns.cell(cells, columns.title))
    if _ROMAN_NUMBER_RE.match(number) and title:
        return _Line(line_number, "header", header=_header_title(title), header_number=number)
    if number and normalize_phrase(number) in ("", "n", "no", "номер", "п п", "n п п", "№ п п"):
        named = ", ".join(f"«{_collapse(cell)}»" for cell in cells[1:] if cell)
        raise PlanFormatError(
            f"не найден столбец мероприятий: заголовки {named} не узнаны; назовите столбец "
            "мероприятий «Мероприятие», «Содержание работы» или «Задача»",
            line_number,
        )
    if number and not _NUMBER_RE.match(number):
        raise PlanFormatError(
            "не удалось разобрать строку: ожидался заголовок раздела (одна ячейка с текстом) "
            "или мероприятие (№, мероприятие, сроки, ответственный)",
            line_number,
        )
    if not title:
        raise PlanFormatError(
            f"у мероприятия № {number or '(без номера)'} нет названия", line_number
        )
    deadline = _collapse(columns.cell(cells, columns.deadline))
    start, end = (_collapse(columns.cell(cells, i)) for i in (columns.start, columns.end))
    if not deadline and end:  # separate start and end columns: the phrase parser reads them
        if start:
            deadline = f"с {start} по {end}"
        else:
            deadline = (
                end if normalize_phrase(end).startswith(("до ", "не позднее ")) else f"до {end}"
            )
    elif not deadline and start:
        # A phrase typed across merged start and end cells («в течение года») is the phrase;
        # a date with no end is kept as «с …», and flagged as such.
        deadline = f"с {start}" if any(ch.isdigit() for ch in start) else start
    if not deadline:
        deadline = columns.grid_deadline(cells)
    # Extra cells are usually a stray tab or an extra column; keeping them in the responsible
    # cell shows them to the user instead of losing them.
    extra = cells[columns.width :] if columns.width < len(cells) else []
    responsible = ", ".join(
        cell for cell in [columns.cell(cells, columns.responsible), *extra] if cell
    )
    item = ParsedItem(
        number=number,
        title=title,
        deadline_text=deadline,
        responsible_text=responsible,
        checks=_split_checks(title),
        result_text=_collapse(columns.cell(cells, columns.result)),
    )
    return _Line(line_number, "item", item=item)


_CLOSING_WORDS = ("итого", "всего", "исполнитель", "исп ", "составил", "подготовил", "подпись")


def _is_closing(cells: list[str], columns: Columns) -> bool:
    """A row under the table that is not an item: «Итого: 8 мероприятий», «Исполнитель:
    Петрова А.А., тел. …», a signature («Заместитель директора по УВР | ____ | О.В. Сидорова»):
    no number, nothing in the deadline columns, and totals' words, a line to sign on, or a
    person's initials last. (Only the rows of this kind at the end of the table are dropped.)"""
    if _NUMBER_RE.match(columns.cell(cells, columns.number).strip()):
        return False
    when = (columns.deadline, columns.start, columns.end, *columns.quarters)
    if any(columns.cell(cells, index).strip() for index in when if index is not None):
        return False
    filled = [cell for cell in cells if cell.strip()]
    if not filled:
        return False
    first = normalize_phrase(filled[0]).split()
    if first and first[0] in _CLOSING_WORDS:
        return True
    if any("___" in cell for cell in filled):
        return True
    dated = any(_DATED_RE.search(cell) for cell in filled)
    return not dated and len(filled) >= 2 and bool(_INITIALS_RE.search(filled[-1]))


def _find_numbered_phases(lines: list[_Line]) -> None:
    """A numbered row whose next row is numbered under it («2. Обучение» before «2.1 …») is a
    phase, not an item: when it names no one responsible, or when at least two rows are
    numbered under it (a stage with its own dates and the deputy who leads it)."""
    for position, line in enumerate(lines[:-1]):
        item, following = line.item, lines[position + 1].item
        if item is None or following is None or not item.number:
            continue
        if item.responsible_text and not _numbered_under(item.number, lines[position + 1 :], 2):
            continue
        stem = item.number.rstrip(".)")
        if following.number.startswith(stem + ".") and len(following.number.rstrip(".)")) > len(
            stem
        ):
            lines[position] = _Line(
                line.number, "header", header=item.title, header_number=item.number
            )


def _numbered_under(number: str, lines: list[_Line], count: int) -> bool:
    """Whether the `count` item rows that follow are all numbered under `number`."""
    stem = number.rstrip(".)") + "."
    following = [line.item for line in lines[:count]]
    return len(following) == count and all(
        item is not None and item.number.startswith(stem) for item in following
    )


def _phase_levels(lines: list[_Line]) -> list[int | None]:
    """Each header line's level from its own number: 1 for a phase, 2 for a sub-phase; None
    for an unnumbered (merged) row. Roman numerals are phases, and numbered rows under them
    sub-phases; without Roman ones, «2.» is a phase and «2.1» a sub-phase."""
    roman = any(_ROMAN_NUMBER_RE.match(line.header_number) for line in lines)
    levels: list[int | None] = []
    for line in lines:
        if line.level is not None:
            levels.append(line.level)
        elif not line.header_number:
            levels.append(None)
        elif _ROMAN_NUMBER_RE.match(line.header_number):
            levels.append(1)
        else:
            depth = len(line.header_number.rstrip(".)").split("."))
            levels.append(min(2, depth + roman))
    return levels


def tab_rows(text: str) -> list[tuple[int, list[str]]]:
    """Tab-separated text (as Word writes a table) as numbered rows of cells, blank lines
    left out, each keeping its line number."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # Not str.splitlines(): Word puts \x0b for a manual line break inside a cell, and that
    # must stay within its row.
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = []
    for line_number, raw in enumerate(raw_lines, start=1):
        cells = [cell.strip() for cell in raw.split("\t")]
        if any(cells):
            rows.append((line_number, cells))
    return rows


def parse_plan_text(text: str) -> ParsedPlan:
    """Parse a plan-schedule table exported from Word as tab-separated text.

    Columns are ``№ | Мероприятия | Сроки | Ответственный``. The non-blank lines before the
    column header (the line with «Мероприятия») form the title; without such a line the title is
    empty and every line is read as the table. A line with a single text cell is a header: a phase
    when the next non-blank line is a header too, otherwise a sub-phase of the current phase (a
    phase of its own when there is none yet or the current one holds items of its own); a Roman
    numeral is a phase, and a numbered row with nothing but a title is a phase when the rows
    under it are numbered under it. A line with a number (or nothing) in the first cell
    and a title in the second is an item; cells past the fourth are added to the responsible cell.
    Items before any header go to a phase with an empty title.

    Raises :class:`PlanFormatError` (message in Russian, with the line number) for a line that is
    neither, and when the text holds no item at all.
    """
    return parse_plan_rows(tab_rows(text))


def parse_plan_rows(
    rows: list[tuple[int, list[str]]], columns: Columns | None = None
) -> ParsedPlan:
    """Parse a plan-schedule table given as numbered rows of cells (from text, CSV, a Word
    table or a sheet): see `parse_plan_text`. The header row's words say which column is which
    (`COLUMN_WORDS`); a table without one is read as «№ | Мероприятия | Сроки | Ответственный»;
    `columns`, when given, says it instead (the director's correction on the preview)."""
    header = header_of(rows)
    title = ""
    chosen = columns
    columns = columns or Columns()
    repeats: list[list[str]] = []
    if header is not None:
        title = _collapse(" ".join(cell for _, cells in rows[: header.index] for cell in cells))
        body = header.index + header.size
        repeats = [[normalize_phrase(c) for c in cells] for _n, cells in rows[header.index : body]]
        columns = chosen or detect_columns(header.cells) or Columns()
        rows = rows[body:]
    if columns.quarter_year is None and any(columns.quarters):
        columns = replace(columns, quarter_year=_single_year(title))

    # A page break in Word repeats the column header inside the body (the same rows again, not
    # any row that begins like a header); the row of column numbers under it is no item.
    lines: list[_Line] = []
    group = ""
    rows = [
        (number, cells)
        for number, cells in rows
        if [normalize_phrase(cell) for cell in cells] not in repeats
        and not _is_column_numbers(cells)
    ]
    # Totals and signatures close the table: the rows of that kind after its last other row.
    end = len(rows)
    while end and _is_closing(rows[end - 1][1], columns):
        end -= 1
    for line_number, cells in rows[:end]:
        if columns.phase is not None:
            value = _collapse(columns.cell(cells, columns.phase))
            if value and value != group:
                group = value
                lines.append(_Line(line_number, "header", header=_header_title(value), level=1))
            cells = [cell if i != columns.phase else "" for i, cell in enumerate(cells)]
            if not any(cells):
                continue
        lines.append(_classify(line_number, cells, columns))
    _find_numbered_phases(lines)
    if not any(line.kind == "item" for line in lines):
        raise PlanFormatError("В тексте плана не найдено ни одного мероприятия")

    phases: list[_SectionBuilder] = []
    phase: _SectionBuilder | None = None
    current: _SectionBuilder | None = None
    levels = _phase_levels(lines)
    stem = ""
    for position, line in enumerate(lines):
        if line.kind == "header":
            next_is_header = position + 1 < len(lines) and lines[position + 1].kind == "header"
            section = _SectionBuilder(line.header)
            level = levels[position]
            # An unnumbered header before items is a sub-phase of a phase that holds
            # sub-phases (one opened by two headers in a row), and a phase of its own after
            # a phase that holds items («Этап 1 | items | Этап 2 | items»).
            flat = phase is not None and bool(phase.items)
            if level == 1 or phase is None or (level is None and (next_is_header or flat)):
                phases.append(section)
                phase = section
            else:
                phase.sections.append(section)
            current = section
            # A stage opened by its number («1.») holds the rows numbered under it («1.1»).
            stem = line.header_number.rstrip(".)") if line.header_number[:1].isdigit() else ""
            continue
        if current is None:
            current = phase = _SectionBuilder("")
            phases.append(phase)
        item = line.item
        if item is not None and stem and item.number and not item.number.startswith(stem + "."):
            # «2. Итоговый отчёт» after stage «1.»'s rows is outside the stage.
            stem = ""
            if current is phase or phase is None:
                current = phase = _SectionBuilder("")
                phases.append(phase)
            else:
                current = phase
        if item is not None:
            current.items.append(item)

    return ParsedPlan(
        title=title,
        sections=tuple(phase.freeze() for phase in phases),
        calendar_year=_single_year(title),
    )
