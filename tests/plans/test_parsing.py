"""Tests for reading the plan-schedule: deadlines, responsible cells and the table itself."""

import tomllib
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest

from tracker.plans.parsing import (
    AS_NEEDED,
    CONTINUOUS,
    DAILY,
    DURING_YEAR,
    END_OF_QUARTER,
    END_OF_QUARTER_HALF_YEAR,
    END_OF_QUARTER_HALF_YEAR_YEAR,
    END_OF_YEAR,
    HALF_YEARLY,
    INTERNAL_CONTROL_PLAN,
    MONTHLY,
    QUARTERLY,
    RECURRENCES,
    WEEKLY,
    YEARLY,
    Deadline,
    PlanFormatError,
    normalize_phrase,
    parse_deadline,
    parse_plan_text,
    parse_responsible,
)

SEEDS = Path(__file__).parents[2] / "seeds"
SEED_PLAN = SEEDS / "plan-grafik-school20.txt"


def _seed_text() -> str:
    return SEED_PLAN.read_text(encoding="utf-8")


def _seed_rows() -> list[list[str]]:
    """Item rows of the seed plan, read independently of the parser under test."""
    rows = []
    for line in _seed_text().splitlines():
        cells = [cell.strip() for cell in line.split("\t")]
        if cells[0].isdigit():
            rows.append(cells)
    return rows


def _seed_aliases() -> dict[str, str]:
    with (SEEDS / "positions.toml").open("rb") as handle:
        positions = tomllib.load(handle)["position"]
    return {alias: position["code"] for position in positions for alias in position["aliases"]}


SEED_DEADLINES = sorted({row[2] for row in _seed_rows()})
SEED_RESPONSIBLES = sorted({row[3] for row in _seed_rows()})
ALIASES = _seed_aliases()


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


def test_seed_has_the_phrases_these_tests_expect():
    assert len(_seed_rows()) == 22
    assert "Август-сентябрь 2023 г." in SEED_DEADLINES
    assert "В конце каждой Четверти и полугодия" in SEED_DEADLINES
    assert len(SEED_DEADLINES) == 13
    assert len(SEED_RESPONSIBLES) == 12


@pytest.mark.parametrize("phrase", SEED_DEADLINES)
def test_every_seed_deadline_is_understood(phrase):
    deadline = parse_deadline(phrase)
    assert deadline.text == phrase
    assert deadline.is_understood
    # A seed phrase is either a window or a recurrence, never both.
    assert (deadline.due_on is None) == (deadline.recurrence is not None)


@pytest.mark.parametrize(
    ("phrase", "starts_on", "due_on"),
    [
        ("Май 2023г.", date(2023, 5, 1), date(2023, 5, 31)),
        ("Май 2024г.", date(2024, 5, 1), date(2024, 5, 31)),
        ("Июнь 2023г.", date(2023, 6, 1), date(2023, 6, 30)),
        ("Август 2023г.", date(2023, 8, 1), date(2023, 8, 31)),
        ("Сентябрь 2023г.", date(2023, 9, 1), date(2023, 9, 30)),
        ("Август-сентябрь 2023 г.", date(2023, 8, 1), date(2023, 9, 30)),
        ("Август-сентябрь 2023г.", date(2023, 8, 1), date(2023, 9, 30)),
        ("Июнь-август 2023г.", date(2023, 6, 1), date(2023, 8, 31)),
        # case, grammatical form, year words and dashes
        ("май 2023", date(2023, 5, 1), date(2023, 5, 31)),
        ("МАЙ 2023 ГОДА", date(2023, 5, 1), date(2023, 5, 31)),
        ("в мае 2023 года", date(2023, 5, 1), date(2023, 5, 31)),
        ("Май  2023 год", date(2023, 5, 1), date(2023, 5, 31)),
        ("сентября 2023 г", date(2023, 9, 1), date(2023, 9, 30)),
        ("Август – сентябрь 2023 г.", date(2023, 8, 1), date(2023, 9, 30)),
        ("Август—сентябрь 2023г.", date(2023, 8, 1), date(2023, 9, 30)),
        ("март-апрель 2024", date(2024, 3, 1), date(2024, 4, 30)),
        # across the year end
        ("декабрь 2023 - январь 2024", date(2023, 12, 1), date(2024, 1, 31)),
        ("ноябрь-февраль 2024", date(2023, 11, 1), date(2024, 2, 29)),
        ("декабрь 2023 – январь", date(2023, 12, 1), date(2024, 1, 31)),
        # leap years
        ("февраль 2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("февраль 2023", date(2023, 2, 1), date(2023, 2, 28)),
        ("февраль 2100", date(2100, 2, 1), date(2100, 2, 28)),
        ("29.02.2024", date(2024, 2, 29), date(2024, 2, 29)),
        # days and day ranges
        ("01.09.2023", date(2023, 9, 1), date(2023, 9, 1)),
        ("1.9.2023", date(2023, 9, 1), date(2023, 9, 1)),
        ("1 сентября 2023 г.", date(2023, 9, 1), date(2023, 9, 1)),
        ("с 01.09.2023 по 15.09.2023", date(2023, 9, 1), date(2023, 9, 15)),
        ("с 01.09.2023 г. до 15.09.2023 г.", date(2023, 9, 1), date(2023, 9, 15)),
        ("01.09.2023 - 15.09.2023", date(2023, 9, 1), date(2023, 9, 15)),
        ("01.09.2023–15.09.2023", date(2023, 9, 1), date(2023, 9, 15)),
        ("с 1 по 15 сентября 2023 г.", date(2023, 9, 1), date(2023, 9, 15)),
        ("25 декабря 2023 - 10 января 2024", date(2023, 12, 25), date(2024, 1, 10)),
        ("1 сентября - октябрь 2023", date(2023, 9, 1), date(2023, 10, 31)),
    ],
)
def test_window(phrase, starts_on, due_on):
    assert parse_deadline(phrase) == Deadline(phrase, starts_on, due_on, None)


@pytest.mark.parametrize(
    ("phrase", "due_on"),
    [
        ("до 01.09.2023", date(2023, 9, 1)),
        ("До 01.09.2023г.", date(2023, 9, 1)),
        ("до 1 сентября 2023 г.", date(2023, 9, 1)),
        ("не позднее 15.10.2023", date(2023, 10, 15)),
        ("к 1 сентября 2023 года", date(2023, 9, 1)),
        ("до конца мая 2024 г.", date(2024, 5, 31)),
        ("до конца февраля 2024", date(2024, 2, 29)),
    ],
)
def test_deadline_without_start(phrase, due_on):
    deadline = parse_deadline(phrase)
    assert (deadline.starts_on, deadline.due_on, deadline.recurrence) == (None, due_on, None)
    assert deadline.is_understood


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("В конце каждой четверти", END_OF_QUARTER),
        ("В конце каждой четверти, полугодия, года", END_OF_QUARTER_HALF_YEAR_YEAR),
        ("В конце каждой Четверти и полугодия", END_OF_QUARTER_HALF_YEAR),
        ("в  конце   каждой четверти и полугодия ", END_OF_QUARTER_HALF_YEAR),
        ("В конце учебного года", END_OF_YEAR),
        ("По плану ВШК", INTERNAL_CONTROL_PLAN),
        ("по плану  вшк.", INTERNAL_CONTROL_PLAN),
        ("Ежемесячно", MONTHLY),
        ("каждый месяц", MONTHLY),
        ("В течение года", DURING_YEAR),
        ("в течение учебного года", DURING_YEAR),
        ("В течение 2023-2024 учебного года", DURING_YEAR),
        ("Постоянно", CONTINUOUS),
        ("ПОСТОЯННО", CONTINUOUS),
    ],
)
def test_recurrence(phrase, code):
    assert parse_deadline(phrase) == Deadline(phrase, None, None, code)


def test_every_recurrence_has_a_label_that_parses_back_to_it():
    assert set(RECURRENCES) == {
        END_OF_QUARTER,
        END_OF_QUARTER_HALF_YEAR_YEAR,
        END_OF_QUARTER_HALF_YEAR,
        END_OF_YEAR,
        INTERNAL_CONTROL_PLAN,
        MONTHLY,
        DURING_YEAR,
        CONTINUOUS,
        DAILY,
        WEEKLY,
        QUARTERLY,
        HALF_YEARLY,
        YEARLY,
        AS_NEEDED,
    }
    assert RECURRENCES[END_OF_QUARTER] == "В конце каждой четверти"
    assert END_OF_YEAR == "end_of_school_year"
    for code, label in RECURRENCES.items():
        assert parse_deadline(label).recurrence == code


@pytest.mark.parametrize(
    "phrase",
    [
        "31.02.2024",
        "29.02.2023",
        "31 апреля 2024 г.",
        "01.13.2024",
        "15.09.2023 - 01.09.2023",
        "с 15.09.2023 по 01.09.2023",
        "октябрь-сентябрь 2023 2023",
        "когда-нибудь",
        "",
        "   ",
        "\t\n",
        "Май",
        "2023",
        "до мая 2024",
        "с 01.09.2023",
        "Май 2023г. (уточнить)",
        "01.09.2023 -",
        "по мере необходимости (уточнить)",
    ],
)
def test_not_understood_keeps_only_the_text(phrase):
    parsed = parse_deadline(phrase)
    assert (parsed.text, parsed.starts_on, parsed.due_on, parsed.recurrence) == (
        phrase,
        None,
        None,
        None,
    )
    assert not parsed.is_understood


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("31.02.2024", "такой даты нет"),
        ("01.13.2024", "такой даты нет"),
        ("с 15.09.2023 по 01.09.2023", "окончание (01.09.2023) раньше начала (15.09.2023)"),
        ("Май", "не указан год"),
        ("ноябрь-февраль", "не указан год"),
        ("до мая 2024", "«до» месяца неоднозначно"),
        ("с 01.09.2023", "указано только начало"),
        ("когда-нибудь", ""),
    ],
)
def test_what_is_not_understood_says_why_when_it_can(phrase, why):
    reason = parse_deadline(phrase).reason
    assert reason.startswith(why) and bool(reason) == bool(why)


def test_deadline_is_frozen():
    deadline = parse_deadline("Май 2023г.")
    with pytest.raises(FrozenInstanceError):
        deadline.due_on = None  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Responsible cells
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Пункт 1. Зам.директора  по АХЧ!", "пункт 1 зам директора по ахч"),
        ("Ответственный — Фёдоров", "ответственный федоров"),
        ("  ", ""),
        ("родителей(законных представителей)", "родителей законных представителей"),
    ],
)
def test_normalize_phrase(text, expected):
    assert normalize_phrase(text) == expected


@pytest.mark.parametrize("text", SEED_RESPONSIBLES)
def test_every_seed_responsible_matches_fully(text):
    match = parse_responsible(text, ALIASES)
    assert match.text == text
    assert match.position_codes
    assert match.unmatched == ()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Директор", ("director",)),
        ("Зам.директора по АХЧ", ("deputy_ahch",)),
        ("Ответственный за опробацию ведения электронного журнала успеваемости", ("ej_officer",)),
        ("Ответственный за апробацию ведения электронного журнала успеваемости", ("ej_officer",)),
        ("Специалист по кадрам, классные руководители", ("hr", "class_teacher")),
        ("Педагогический совет ОУ", ("ped_council_secretary",)),
        ("Председатель Совета родителей", ("parents_council_chair",)),
        ("Зам. директора", ("deputy_uvr",)),
        ("Зам.директора", ("deputy_uvr",)),
        ("Заместитель Директора по УВР", ("deputy_uvr",)),
        (
            "Контроль – заместитель и директора, классные руководители",
            ("deputy_uvr", "director", "class_teacher"),
        ),
        (
            "Контроль - Заместитель директора по УВР, классные руководители",
            ("deputy_uvr", "class_teacher"),
        ),
        ("Контроль: директор", ("director",)),
        ("Директор; зам. директора по ВР", ("director", "deputy_vr")),
        ("Директор, директор, Руководитель ОУ", ("director",)),
        ("Учителя и классные руководители", ("teacher", "class_teacher")),
    ],
)
def test_responsible_codes(text, codes):
    match = parse_responsible(text, ALIASES)
    assert match.position_codes == codes
    assert match.unmatched == ()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Зам директора  по АХЧ", ("deputy_ahch",)),
        ("Заместитель директра по УВР", ("deputy_uvr",)),
        ("Специалист по кадрм", ("hr",)),
        ("Классные руководитеи", ("class_teacher",)),
    ],
)
def test_responsible_survives_typos(text, codes):
    match = parse_responsible(text, ALIASES)
    assert (match.position_codes, match.unmatched) == (codes, ())


def test_fuzzy_match_covers_a_spelling_missing_from_the_aliases():
    aliases = {"Ответственный за апробацию ведения электронного журнала успеваемости": "ej"}
    match = parse_responsible(
        "Ответственный за опробацию ведения электронного журнала успеваемости", aliases
    )
    assert match.position_codes == ("ej",)


def test_a_typo_equally_close_to_two_positions_is_not_guessed():
    match = parse_responsible(
        "Зам директора по ХВР", {"зам директора по увр": "uvr", "зам директора по авр": "avr"}
    )
    assert match.position_codes == ()
    assert match.unmatched == ("Зам директора по ХВР",)


@pytest.mark.parametrize(
    ("text", "codes", "unmatched"),
    [
        ("Директор, завхоз Петров", ("director",), ("завхоз Петров",)),
        ("Директор и завхоз Петров", ("director",), ("завхоз Петров",)),
        ("Иванов и Петров", (), ("Иванов и Петров",)),
        ("  Библиотекарь ;  Директор", ("director",), ("Библиотекарь",)),
        ("Контроль – медсестра", (), ("медсестра",)),
        ("", (), ()),
        (" , ; ", (), ()),
    ],
)
def test_unmatched_parts_are_kept_as_written(text, codes, unmatched):
    match = parse_responsible(text, ALIASES)
    assert (match.position_codes, match.unmatched) == (codes, unmatched)


def test_responsible_without_aliases_matches_nothing():
    match = parse_responsible("Директор", {})
    assert (match.position_codes, match.unmatched) == ((), ("Директор",))


# ---------------------------------------------------------------------------------------------
# The plan table
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_plan():
    return parse_plan_text(_seed_text())


def test_seed_plan_title(seed_plan):
    assert seed_plan.title == (
        "ПЛАН-ГРАФИК Перехода МБОУ СОШ № 20 г. Ставрополя "
        "на электронный учет успеваемости и посещаемости обучающихся"
    )


def test_seed_plan_structure(seed_plan):
    outline = [
        (phase.title, len(phase.items), [(sub.title, len(sub.items)) for sub in phase.sections])
        for phase in seed_plan.sections
    ]
    assert outline == [
        (
            "Подготовительный этап",
            0,
            [
                ("Подготовка материально-технической базы", 3),
                (
                    "Подготовка кадров ОУ, обучающихся, родителей(законных представителей) "
                    "к переходу на электронную форму ведения журналов успеваемости",
                    3,
                ),
            ],
        ),
        (
            "Основная работа по переходу",
            0,
            [
                ("Этап проектирования нормативного и регламентационного обеспечения", 5),
                ("Этап согласования и принятия нормативного и регламентационного обеспечения", 5),
                (
                    "Контроль за организацией работы по апробации и внедрению "
                    "электронных дневников успеваемости",
                    6,
                ),
            ],
        ),
    ]
    assert all(not sub.sections for phase in seed_plan.sections for sub in phase.sections)


def _all_items(plan):
    return [item for phase in plan.sections for sub in phase.sections for item in sub.items]


def test_seed_plan_items(seed_plan):
    items = _all_items(seed_plan)
    assert len(items) == 22
    approval = seed_plan.sections[1].sections[1]
    assert [item.number for item in approval.items] == ["1", "2", "5", "6", "7"]
    assert approval.items[2].title == "Утверждение и введение в действие принятых локальных Актов"
    assert (
        approval.items[4].title == "Публикация всей нормативной базы по внедрению ЭЖ на Сайте школы"
    )
    assert approval.items[3].deadline_text == "Август-сентябрь 2023г."
    assert approval.items[3].responsible_text == "Зам. директора"

    first = items[0]
    assert first.number == "1"
    assert first.title.startswith("Административное совещание по организации работы")
    assert (first.deadline_text, first.responsible_text, first.checks) == (
        "Май 2023г.",
        "Директор",
        (),
    )
    assert "Необходимым для работы с ЭЖ" in seed_plan.sections[0].sections[1].items[0].title


def test_seed_plan_checks(seed_plan):
    control = seed_plan.sections[1].sections[2]
    first = control.items[0]
    assert first.deadline_text == "По плану ВШК"
    assert first.checks == (
        "Проверка своевременности выставления отметок",
        "Проверка наполняемости отметок (в течение отчетного периода)",
        "Проверка отражения посещаемости занятий",
        "Проверка выполнения учебной программы",
        "Проверка заполнения раздела домашних заданий",
        "Проверка домашних заданий на соответствие возрастным особенностям обучающихся "
        "требованиям по содержанию и объему",
        "Учет замененных и пропущенных уроков(занятий)",
        "Ведение табеля учета рабочего времени Педагогических работников",
    )
    assert first.title.startswith("-проверка своевременности выставления отметок; -проверка")
    assert sum(1 for item in _all_items(seed_plan) if item.checks) == 1


def test_seed_plan_cells_all_parse(seed_plan):
    for item in _all_items(seed_plan):
        assert parse_deadline(item.deadline_text).is_understood, item.deadline_text
        assert parse_responsible(item.responsible_text, ALIASES).unmatched == ()


def test_crlf_and_bom_give_the_same_plan(seed_plan):
    text = "\ufeff" + _seed_text().replace("\n", "\r\n")
    assert parse_plan_text(text) == seed_plan


def test_extra_cells_go_to_the_responsible_cell():
    text = (
        "\tМероприятия\tСроки\tОтветственный\n"
        "Этап\n"
        "1\tСовещание\tМай 2023г.\tДиректор\tЗам. директора\t\n"
    )
    plan = parse_plan_text(text)
    assert plan.title == ""
    item = plan.sections[0].items[0]
    assert item.responsible_text == "Директор, Зам. директора"


def test_header_after_header_is_a_phase_and_before_items_a_sub_phase():
    text = (
        "План\n"
        "№\tМероприятия\tСроки\tОтветственный\n"
        "Фаза А\t\t\t\n"
        "\t«Подэтап 1»\n"
        "1\tПервое\tМай 2023г.\tДиректор\n"
        "\n"
        "Подэтап 2\n"
        "\tБез номера\t01.09.2023\n"
        "Фаза Б\n"
        "Подэтап 3\n"
        "3\t  Третье   мероприятие \t\t\n"
    )
    plan = parse_plan_text(text)
    assert plan.title == "План"
    assert [phase.title for phase in plan.sections] == ["Фаза А", "Фаза Б"]
    phase_a, phase_b = plan.sections
    assert [sub.title for sub in phase_a.sections] == ["Подэтап 1", "Подэтап 2"]
    unnumbered = phase_a.sections[1].items[0]
    assert (unnumbered.number, unnumbered.title, unnumbered.deadline_text) == (
        "",
        "Без номера",
        "01.09.2023",
    )
    third = phase_b.sections[0].items[0]
    assert (third.number, third.title, third.deadline_text, third.responsible_text) == (
        "3",
        "Третье мероприятие",
        "",
        "",
    )


def test_first_header_before_items_is_a_phase_of_its_own():
    plan = parse_plan_text("Мероприятия\nРаздел\n1\tДело\tМай 2023г.\tДиректор\n")
    assert len(plan.sections) == 1
    assert plan.sections[0].title == "Раздел"
    assert [item.title for item in plan.sections[0].items] == ["Дело"]
    assert plan.sections[0].sections == ()


def test_items_before_any_header_go_to_an_untitled_phase():
    plan = parse_plan_text("1\tДело\tМай 2023г.\tДиректор\n")
    assert plan.title == ""
    assert plan.sections[0].title == ""
    assert plan.sections[0].items[0].title == "Дело"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\t\t\n",
        "\ufeff",
        "ПЛАН-ГРАФИК\n\tМероприятия\tСроки\tОтветственный\nПодготовительный этап\t\t\t\n",
    ],
)
def test_text_without_items_is_rejected(text):
    with pytest.raises(PlanFormatError, match="^В тексте плана не найдено ни одного мероприятия$"):
        parse_plan_text(text)


@pytest.mark.parametrize(
    ("text", "line_number"),
    [
        ("\tМероприятия\n1\tДело\tМай 2023г.\tДиректор\nРаздел\tлишнее\n", 3),
        ("\tМероприятия\n\n1\tДело\n2\t\tМай 2023г.\tДиректор\n", 4),
    ],
)
def test_malformed_row_names_its_line(text, line_number):
    with pytest.raises(PlanFormatError, match=f"^Строка {line_number}: ") as caught:
        parse_plan_text(text)
    assert caught.value.line_number == line_number
    assert isinstance(caught.value, ValueError)


# --- misreadings are worse than «не распознано» (issue #18) ---


@pytest.mark.parametrize(
    "phrase",
    ["в конце 1 четверти", "В конце II четверти", "в конце 3 четверти 2023 года"],
)
def test_the_end_of_one_named_quarter_is_not_every_quarter(phrase):
    deadline = parse_deadline(phrase)
    assert deadline.recurrence != END_OF_QUARTER
    assert not deadline.is_understood  # flagged, until the school calendar can date it


@pytest.mark.parametrize(
    ("phrase", "starts_on", "due_on"),
    [
        ("в течение 2023 года", date(2023, 1, 1), date(2023, 12, 31)),
        ("В течении 2024 г. года", date(2024, 1, 1), date(2024, 12, 31)),
        ("в конце 2023 года", date(2023, 12, 1), date(2023, 12, 31)),
    ],
)
def test_a_calendar_year_is_that_year_not_a_school_year(phrase, starts_on, due_on):
    assert parse_deadline(phrase) == Deadline(phrase, starts_on, due_on, None)


def test_a_school_year_with_its_years_is_still_the_school_year():
    assert parse_deadline("В течение 2023-2024 учебного года").recurrence == DURING_YEAR
    assert parse_deadline("в конце 2023/2024 учебного года").recurrence == END_OF_YEAR


@pytest.mark.parametrize(
    "text",
    [
        "заместитель директора по ИКТ",
        "Заместитель директора по НМР",
        "зам. директора по ИКТ",
        "руководитель ШМО",
        "Руководитель МО",
    ],
)
def test_a_position_the_school_has_not_is_not_guessed_as_a_near_one(text):
    match = parse_responsible(text, ALIASES)
    assert match.position_codes == () and match.unmatched == (text,)


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("Ежедневно", DAILY),
        ("еженедельно", WEEKLY),
        ("1 раз в неделю", WEEKLY),
        ("1 раз в месяц", MONTHLY),
        ("Ежеквартально", QUARTERLY),
        ("1 раз в четверть", QUARTERLY),
        ("Раз в полугодие", HALF_YEARLY),
        ("Ежегодно", YEARLY),
        ("ежегодно с 2024 года", YEARLY),
        ("Конец года", END_OF_YEAR),
        ("По мере необходимости", AS_NEEDED),
    ],
)
def test_frequent_recurrences_of_other_schools(phrase, code):
    assert parse_deadline(phrase) == Deadline(phrase, None, None, code)


@pytest.mark.parametrize(
    ("phrase", "starts_on", "due_on"),
    [
        ("в срок до 01.09.2023", None, date(2023, 9, 1)),
        ("В срок до 1 сентября 2023 г.", None, date(2023, 9, 1)),
        ("01.09.23", date(2023, 9, 1), date(2023, 9, 1)),
        ("с 01.09.23 по 15.09.23", date(2023, 9, 1), date(2023, 9, 15)),
        ("01.09.23 - 30.09.23", date(2023, 9, 1), date(2023, 9, 30)),
        ("II квартал 2024 г.", date(2024, 4, 1), date(2024, 6, 30)),
        ("IV кв. 2023", date(2023, 10, 1), date(2023, 12, 31)),
        ("в I квартале 2024 года", date(2024, 1, 1), date(2024, 3, 31)),
    ],
)
def test_more_date_forms(phrase, starts_on, due_on):
    assert parse_deadline(phrase) == Deadline(phrase, starts_on, due_on, None)


@pytest.mark.parametrize("phrase", ["01.09.2", "01.09.123", "V квартал 2024", "ежегодно с весны"])
def test_near_misses_are_not_understood_rather_than_misread(phrase):
    assert not parse_deadline(phrase).is_understood


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("в течение 2023-2024 года", DURING_YEAR),
        ("в течение 2023/24 учебного года", DURING_YEAR),
        ("Ежегодно с 2025", YEARLY),
    ],
)
def test_school_years_written_as_two_years_and_yearly_without_the_word_year(phrase, code):
    assert parse_deadline(phrase).recurrence == code


@pytest.mark.parametrize(
    ("phrase", "starts_on", "due_on"),
    [
        ("в течение 2023 г.", date(2023, 1, 1), date(2023, 12, 31)),
        ("в конце 2023 г.", date(2023, 12, 1), date(2023, 12, 31)),
    ],
)
def test_a_calendar_year_with_the_abbreviation(phrase, starts_on, due_on):
    assert parse_deadline(phrase) == Deadline(phrase, starts_on, due_on, None)
