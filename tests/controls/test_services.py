"""Occurrences on the seed school's real dates, and recording results (each refusal checked to
have changed nothing)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY, person
from tracker.controls import services as controls
from tracker.controls.models import ControlCheck, Finding, Occurrence, Recommendation
from tracker.controls.services import FindingInput, RecommendationInput
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import Task

pytestmark = pytest.mark.demo_data
QUARTER_ENDS = [date(2023, 10, 27), date(2023, 12, 29), date(2024, 3, 22), date(2024, 5, 24)]
MONTH_ENDS = [
    date(2023, 9, 29),
    date(2023, 10, 27),
    date(2023, 11, 30),
    date(2023, 12, 29),
    date(2024, 1, 31),
    date(2024, 2, 29),
    date(2024, 3, 22),
    date(2024, 4, 30),
    date(2024, 5, 24),
]


def school():
    return person("director").school


def year(title: str):
    return next(y for y in controls.years_of(school()) if y.title == title)


def dues(check: ControlCheck, title: str) -> list[date]:
    return sorted(o.due_on for o in check.occurrences if o.year_id == year(title).id)


def check_titled(prefix: str) -> ControlCheck:
    return next(c for c in controls.checks_of(school()) if c.title.startswith(prefix))


def test_the_seed_calendar_and_its_checks(app):
    titles = [y.title for y in controls.years_of(school())]
    assert titles[:3] == ["2023/24", "2024/25", "2025/26"]
    first = year("2023/24")
    assert [(t.title, t.ends_on) for t in first.terms if t.kind == "quarter"] == [
        (f"{n} четверть", day) for n, day in enumerate(QUARTER_ENDS, start=1)
    ]
    assert len(controls.checks_of(school())) == 12


def test_generate_2023_24_gives_one_occurrence_per_quarter_and_per_month(app, runner):
    result = runner.invoke(args=["controls", "generate", "--year", "2023/24"])
    assert result.exit_code == 0, result.output
    assert "создано 85" in result.output
    db.session.expire_all()
    for prefix in ("Выгрузка данных на бумажные", "Организация совмещенного", "Анализ активности"):
        assert dues(check_titled(prefix), "2023/24") == QUARTER_ENDS, prefix
    for check in controls.checks_of(school()):
        if check.rule == "monthly":
            assert dues(check, "2023/24") == MONTH_ENDS, check.title
    assert dues(check_titled("Выгрузка сводной ведомости"), "2023/24") == [date(2024, 5, 24)]
    again = runner.invoke(args=["controls", "generate", "--year", "2023/24"])
    assert "создано 0, перенесено 0, удалено 0" in again.output


def test_an_unknown_year_is_one_line_on_stderr(app, runner):
    result = runner.invoke(args=["controls", "generate", "--year", "1999/00"])
    assert result.exit_code == 1
    assert "Учебного года «1999/00» нет в календаре" in result.output


def test_moving_the_first_quarters_end_moves_only_open_occurrences(app):
    first = year("2023/24")
    controls.generate(school(), None, TODAY, years=[first])
    export = check_titled("Выгрузка данных на бумажные")
    activity = check_titled("Анализ активности")
    done = next(o for o in export.occurrences if o.due_on == date(2023, 10, 27))
    done.is_done = True
    db.session.commit()
    quarter = next(t for t in first.terms if t.kind == "quarter" and t.number == 1)
    report = controls.update_term(
        quarter, person("director"), quarter.starts_on, date(2023, 10, 20), TODAY
    )
    db.session.commit()
    assert report.moved >= 2  # the open quarter checks of the other items
    assert dues(activity, "2023/24")[0] == date(2023, 10, 20)
    assert done.due_on == date(2023, 10, 27)  # done: never moved
    monthly = check_titled("Проверка своевременности")
    assert date(2023, 10, 27) in dues(monthly, "2023/24")  # months do not follow terms


def test_deleting_a_term_keeps_done_occurrences(app):
    first = year("2023/24")
    controls.generate(school(), None, TODAY, years=[first])
    export = check_titled("Выгрузка данных на бумажные")
    third = next(o for o in export.occurrences if o.due_on == date(2024, 3, 22))
    third.is_done = True
    db.session.commit()
    quarter = next(t for t in first.terms if t.kind == "quarter" and t.number == 3)
    controls.delete_term(quarter, person("director"), TODAY)
    db.session.commit()
    activity = check_titled("Анализ активности")
    assert date(2024, 3, 22) not in dues(activity, "2023/24")
    assert third in export.occurrences and third.is_orphan


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2023, 10, 30), date(2023, 10, 1), "не может закончиться раньше"),
        (date(2023, 10, 1), date(2023, 11, 20), "Пересекается с периодом «1 четверть»"),
        (date(2023, 8, 1), date(2023, 8, 20), "выходит за учебный год"),
    ],
)
def test_bad_terms_are_refused(app, start, end, message):
    first = year("2023/24")
    before = len(first.terms)
    with pytest.raises(DomainError, match=message):
        controls.add_term(first, None, "quarter", start, end)
    db.session.rollback()
    db.session.expire_all()
    assert len(year("2023/24").terms) == before


def test_a_holiday_outside_its_year_is_refused(app):
    with pytest.raises(DomainError, match="Каникулы вне учебного года"):
        controls.add_holiday(
            year("2023/24"), None, "Летние", date(2024, 6, 1), date(2024, 8, 31), TODAY
        )


def test_a_year_with_no_terms_creates_no_term_checks_and_says_why(app):
    empty = controls.create_year(school(), None, date(2030, 9, 1), date(2031, 5, 26))
    report = controls.generate(school(), None, TODAY, years=[empty])
    assert any("нет четвертей" in note for note in report.notes)
    activity = check_titled("Анализ активности")  # at the end of each quarter only
    assert [o for o in activity.occurrences if o.year_id == empty.id] == []
    export = check_titled("Выгрузка данных на бумажные")  # quarters, half-years and the year
    assert [o.due_on for o in export.occurrences if o.year_id == empty.id] == [date(2031, 5, 26)]
    monthly = check_titled("Проверка своевременности")
    assert len([o for o in monthly.occurrences if o.year_id == empty.id]) == 9


def open_occurrence() -> Occurrence:
    check = check_titled("Проверка наполняемости")
    return next(o for o in check.occurrences if not o.is_done and o.due_on < TODAY)


def result(occurrence, **changes):
    values = dict(
        checked_on=TODAY,
        objects="5А",
        findings=[FindingInput(c, 0) for c in occurrence.check.criteria],
        conclusion="Нарушений не выявлено.",
        recommendations=[],
        without_recommendations=False,
        today=TODAY,
        expected_version=occurrence.lock_version,
    )
    values.update(changes)
    return lambda: controls.record_result(occurrence, person("deputy_uvr"), **values)


def counts() -> tuple:
    db.session.rollback()
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Finding, Recommendation, Task)
    ) + (db.session.scalar(select(func.count()).where(Occurrence.is_done)),)


def refused(action, message):
    before = counts()
    with pytest.raises(DomainError, match=message):
        action()
    assert counts() == before


def test_bad_results_are_refused_and_nothing_is_kept(app):
    occurrence = open_occurrence()
    criteria = occurrence.check.criteria
    refused(
        result(occurrence, findings=[FindingInput(criteria[0], -1)]),
        "не может быть отрицательным",
    )
    refused(result(occurrence, checked_on=date(2026, 12, 1)), "не может быть позже сегодняшней")
    refused(result(occurrence, objects="  "), "Укажите, что проверено")
    refused(result(occurrence, conclusion="\n "), "Запишите выводы")
    refused(
        result(occurrence, findings=[FindingInput(criteria[0], 2)]),
        "Найдено нарушений: 2, а рекомендаций нет",
    )
    refused(
        result(
            occurrence,
            recommendations=[RecommendationInput("Исправить", person("teacher"), date(2026, 1, 1))],
        ),
        "не раньше даты проверки",
    )
    refused(
        result(
            occurrence,
            recommendations=[RecommendationInput("Исправить", person("director7"), TODAY)],
        ),
        "Сотрудник из другой школы",
    )


def test_a_recommendation_becomes_the_teachers_task(app):
    occurrence = open_occurrence()
    criteria = occurrence.check.criteria
    result(
        occurrence,
        findings=[FindingInput(criteria[0], 2, "5А"), FindingInput(criteria[1], 0)],
        recommendations=[
            RecommendationInput(
                "Выставить недостающие отметки", person("teacher"), date(2026, 12, 10)
            )
        ],
    )()
    db.session.commit()
    assert occurrence.is_done and occurrence.violations == 2
    task = db.session.get(Task, occurrence.recommendations[0].task_id)
    assert task.title.startswith("По итогам проверки «Проверка наполняемости")
    assert "Выставить недостающие отметки" in task.title
    assert task.assignees == [person("teacher")] and task.due_on == date(2026, 12, 10)


def test_violations_without_a_recommendation_pass_when_confirmed(app):
    occurrence = open_occurrence()
    result(
        occurrence,
        findings=[FindingInput(occurrence.check.criteria[0], 1)],
        without_recommendations=True,
    )()
    db.session.commit()
    assert occurrence.is_done and occurrence.recommendations == []


def test_a_result_recorded_twice_at_once_the_second_is_told(app):
    occurrence = open_occurrence()
    version = occurrence.lock_version
    result(occurrence, expected_version=version)()
    db.session.commit()
    refused(result(occurrence, expected_version=version), "Обновите страницу")
