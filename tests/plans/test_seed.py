"""The seed plan-schedule becomes the school's plan: every item, in its phase, as printed."""

import json

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.importer import import_plan
from tracker.plans.models import Task
from tracker.seed import SEEDS, load_seed

# (phase, sub-phase, printed numbers) as the school's text has them: gaps kept.
EXPECTED_SECTIONS = [
    ("Подготовительный этап", "Подготовка материально-технической базы", ["1", "2", "3"]),
    ("Подготовительный этап", "Подготовка кадров ОУ", ["1", "2", "3"]),
    ("Основная работа по переходу", "Этап проектирования", ["1", "2", "3", "4", "5"]),
    ("Основная работа по переходу", "Этап согласования", ["1", "2", "5", "6", "7"]),
    ("Основная работа по переходу", "Контроль за организацией", ["1", "2", "3", "4", "5", "6"]),
]


def sections_of(plan):
    result = []
    for phase in plans.plan_phases(plan):
        for child in phase.children:
            numbers = list(dict.fromkeys(task.number for task in child.tasks))
            result.append((phase.title, child.title, numbers))
    return result


def test_seed_loads_all_22_items_in_their_phases(school):
    plan = plans.school_plan(school)
    found = sections_of(plan)
    assert len(found) == len(EXPECTED_SECTIONS)
    for (phase, child, numbers), (want_phase, want_child, want_numbers) in zip(
        found, EXPECTED_SECTIONS, strict=True
    ):
        assert phase == want_phase
        assert child.startswith(want_child)
        assert numbers == want_numbers
    assert sum(len(numbers) for _, _, numbers in found) == 22


def test_the_packed_control_item_becomes_eight_checks(school):
    tasks = plans.plan_tasks(plans.school_plan(school))
    checks = [task for task in tasks if task.sub_number is not None]
    assert [task.display_number for task in checks] == [f"1.{n}" for n in range(1, 9)]
    assert checks[0].title == "Проверка своевременности выставления отметок"
    assert all(task.recurrence == "internal_control_plan" for task in checks)
    assert all(task.deadline_text == "По плану ВШК" for task in checks)


def test_every_seed_task_has_a_window_or_recurrence_and_positions(school):
    tasks = plans.plan_tasks(plans.school_plan(school))
    assert len(tasks) == 29
    for task in tasks:
        assert task.is_deadline_understood, task.deadline_text
        assert task.positions, task.responsible_text
        assert not task.needs_review
    first = tasks[0]
    assert (first.starts_on.isoformat(), first.due_on.isoformat()) == ("2023-05-01", "2023-05-31")
    council = next(task for task in tasks if task.title.startswith("Проведение педагогического"))
    assert [position.code for position in council.positions] == ["ped_council_secretary"]


def table_counts() -> dict:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_second_seed_changes_nothing(school):
    before = table_counts()
    report = load_seed(SEEDS)
    db.session.commit()
    assert report.created == []
    assert table_counts() == before


def school_positions(school) -> list[dict]:
    return [{"code": p.code, "title": p.title, "aliases": p.aliases} for p in school.positions]


def test_a_second_plan_is_refused_not_hidden(school):
    with pytest.raises(ValueError, match="У школы уже есть план"):
        import_plan(
            school, "\tМероприятия\tСроки\tОтветственный\nЭтап\t\t\t\n1\tА\tМай 2024г.\tДиректор\n"
        )


def test_unknown_phrases_are_kept_and_listed_for_the_director(school):
    from tracker.accounts.services import create_school

    school = create_school(
        slug="school7", full_name="Школа № 7", short_name="", positions=school_positions(school)
    )
    text = (
        "\tМероприятия\tСроки\tОтветственный\n"
        "Этап\t\t\t\n"
        "1\tСобрать согласия\tкогда-нибудь\tЗавхоз Петров\n"
        "2\tПровести совещание\tМай 2024г.\tДиректор, дворник\n"
    )
    result = import_plan(school, text, title="Проверочный план")
    db.session.commit()
    assert [task.title for task in result.needs_review] == [
        "Собрать согласия",
        "Провести совещание",
    ]
    odd = result.tasks[0]
    assert odd.deadline_text == "когда-нибудь" and odd.due_on is None and odd.recurrence is None
    assert odd.responsible_unmatched == "Завхоз Петров"
    assert result.tasks[1].responsible_unmatched == "дворник"
    assert [p.code for p in result.tasks[1].positions] == ["director"]


def test_export_lists_every_item_with_text_window_and_positions(school, runner):
    result = runner.invoke(args=["export", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [exported] = data["schools"]
    tasks = [
        task
        for phase in exported["plan"]["phases"]
        for child in phase["phases"]
        for task in child["tasks"]
    ]
    seed_text = (SEEDS / "plan-grafik-school20.txt").read_text(encoding="utf-8")
    assert len(tasks) == db.session.scalar(select(func.count()).select_from(Task))
    for task in tasks:
        assert task["deadline_text"] in seed_text
        assert task["window"] or task["recurrence"], task
        assert task["positions"], task
        assert task["responsible_text"] in seed_text
    window = next(t for t in tasks if t["deadline_text"] == "Август-сентябрь 2023 г.")["window"]
    assert window == {"starts_on": "2023-08-01", "due_on": "2023-09-30"}
