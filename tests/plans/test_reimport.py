"""New editions of a plan, applied to the same tasks (plans.reimport): the cases a review found
wrong — a table without numbers, one title in two phases, a task an earlier edition cancelled,
a responsible phrase the school has since taught a position."""

from datetime import date

import pytest
from sqlalchemy import select

from tracker.accounts import services as accounts
from tracker.extensions import db
from tracker.plans import reimport
from tracker.plans.files import text_rows
from tracker.plans.importer import import_plan, read_plan
from tracker.plans.models import Task, TaskStatus
from tracker.plans.services import create_task, school_plan
from tracker.seed import SEEDS, read_toml

TODAY = date(2026, 10, 1)


@pytest.fixture
def school(app):
    made = accounts.create_school(
        slug="school9",
        full_name="МБОУ СОШ № 9",
        positions=read_toml(SEEDS / "catalogue.toml")["position"],
    )
    db.session.commit()
    return made


def edition(school, text: str) -> reimport.Differences:
    """Apply a new edition of the school's plan from its text, as the confirmation does."""
    parsed, planned = read_plan(school, text_rows(text))
    found = reimport.apply(school_plan(school), school, parsed, planned, None, TODAY, text)
    db.session.commit()
    return found


def tasks_of(school) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task).where(Task.plan.has(school_id=school.id)).order_by(Task.sort_order)
        )
    )


def test_a_table_without_numbers_is_not_doubled_and_tasks_added_in_the_app_are_kept(school):
    text = "Мероприятие\tСроки\tОтветственный\nСовещание\tсентябрь 2026\tДиректор\nОтчёт\tмай 2027\tДиректор\n"
    result = import_plan(school, text)
    create_task(
        result.plan,
        result.tasks[0].phase,
        None,
        title="Follow-up",
        due_on=date(2026, 11, 1),
        assignees=[],
    )
    db.session.commit()
    found = edition(school, text)
    assert (len(found.new), len(found.changed), len(found.gone), found.same) == (0, 0, 0, 2)
    assert [t.title for t in tasks_of(school)] == ["Совещание", "Отчёт", "Follow-up"]


def test_one_title_in_two_phases_is_matched_in_its_own_phase(school):
    """A second «Совещание» inserted in «Подготовка» and the one in «Работа» renumbered: the May
    meeting (commented) stays the May meeting in «Работа»; the inserted one is new."""
    first = (
        "№\tМероприятие\tСроки\tОтветственный\nПодготовка\n1\tСовещание\tсентябрь 2026\tДиректор\n"
        "Работа\n2\tСовещание\tмай 2027\tДиректор\n"
    )
    import_plan(school, first)
    db.session.commit()
    may = next(t for t in tasks_of(school) if t.phase.title == "Работа")
    second = (
        "№\tМероприятие\tСроки\tОтветственный\nПодготовка\n1\tСовещание\tсентябрь 2026\tДиректор\n"
        "2\tСовещание\tоктябрь 2026\tДиректор\nРабота\n3\tСовещание\tмай 2027\tДиректор\n"
    )
    found = edition(school, second)
    assert [row.display_number for row in found.new] == ["2"]
    assert [(c.task.id, c.fields) for c in found.changed] == [(may.id, [("number", "2", "3")])]
    may = db.session.get(Task, may.id)
    assert (may.phase.title, may.due_on, may.number) == ("Работа", date(2027, 5, 31), "3")


def test_a_task_cancelled_by_one_edition_comes_back_with_the_next(school):
    full = "№\tМероприятие\tСроки\tОтветственный\n1\tА\tсентябрь 2026\tДиректор\n2\tБ\tоктябрь 2026\tДиректор\n"
    import_plan(school, full)
    db.session.commit()
    edition(school, "№\tМероприятие\tСроки\tОтветственный\n1\tА\tсентябрь 2026\tДиректор\n")
    b = next(t for t in tasks_of(school) if t.title == "Б")
    assert b.status == TaskStatus.CANCELLED
    found = edition(school, full)
    assert [(label, old, new) for c in found.changed for label, old, new in c.fields] == [
        ("status", "Отменено", "Запланировано")
    ]
    b = db.session.get(Task, b.id)
    assert (b.status, b.completion_note) == (TaskStatus.PLANNED, "")


def test_a_phrase_taught_to_a_position_is_matched_by_the_next_edition(school):
    text = "№\tМероприятие\tСроки\tОтветственный\n1\tАудит ЭЖ\tсентябрь 2026\tЗам по качеству\n"
    import_plan(school, text)
    db.session.commit()
    [task] = tasks_of(school)
    assert task.positions == [] and task.needs_review
    deputy = next(p for p in school.positions if p.code == "deputy_uvr")
    accounts.edit_position(
        deputy, deputy.title, "\n".join([*deputy.aliases, "зам по качеству"]), None
    )
    db.session.commit()
    edition(school, text.replace("сентябрь 2026", "октябрь 2026"))
    task = db.session.get(Task, task.id)
    assert [p.code for p in task.positions] == ["deputy_uvr"]
    assert task.responsible_unmatched == "" and not task.needs_review
