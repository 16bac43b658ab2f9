"""The dashboard's lists and progress are found by the database (`plans.services.dashboard`):
each role's lists hold the tasks the rules people read on the page give, at the edges too; a
big plan gives the first tasks of a list and a link to all of them, never thousands of rows."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, login, person
from tests.plans.test_views import add_tasks, page_text
from tracker.accounts.models import Person
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import CLOSED_STATUSES, Task, TaskStatus

pytestmark = pytest.mark.demo_data


def expected(tasks: list[Task], who: Person, today: date, shares: dict[int, float]) -> dict:
    """The page's rules in plain Python, over every task of the plan."""
    held = {position.id for position in who.positions}

    def is_open(task: Task) -> bool:
        return task.status not in CLOSED_STATUSES

    def colleagues(task: Task) -> bool:
        named = {other.id for other in task.assignees}
        return bool(named) and who.id not in named and bool(held & {p.id for p in task.positions})

    mine = [task for task in tasks if plans.is_mine(task, who)]
    scope = tasks if who.is_manager else mine
    horizon = today + timedelta(days=plans.UPCOMING_DAYS)
    progress: dict[int, list[float]] = {}
    for task in tasks:
        top = task.phase.parent or task.phase
        figures = progress.setdefault(top.id, [0.0, 0])
        if task.status != TaskStatus.CANCELLED:
            figures[1] += 1
            figures[0] += shares.get(task.id, float(task.status == TaskStatus.DONE))
    return {
        "overdue": [t.id for t in scope if t.is_overdue_on(today)],
        "upcoming": [
            t.id for t in scope if is_open(t) and t.due_on and today <= t.due_on <= horizon
        ],
        "mine": [t.id for t in mine if is_open(t)],
        "mine_closed": sum(not is_open(t) for t in mine),
        "colleagues": [t.id for t in tasks if is_open(t) and colleagues(t)],
        "needs_review": [t.id for t in tasks if t.needs_review] if who.is_manager else [],
        "progress": {
            phase_id: (round(done, 6), total) for phase_id, (done, total) in progress.items()
        },
    }


def found(board: plans.Dashboard) -> dict:
    return {
        "overdue": [t.id for t in board.overdue],
        "upcoming": [t.id for t in board.upcoming],
        "mine": [t.id for t in board.mine],
        "mine_closed": board.mine_closed,
        "colleagues": [t.id for t in board.colleagues],
        "needs_review": [t.id for t in board.needs_review],
        "progress": {item.phase.id: (round(item.done, 6), item.total) for item in board.progress},
    }


def test_every_role_sees_the_tasks_the_rules_give(app, monkeypatch):
    monkeypatch.setattr(plans, "DASHBOARD_ROWS", 10_000)  # whole lists, to compare every task
    director = person("director")
    plan = plans.school_plan(director.school)
    tasks = plans.plan_tasks(plan)
    # The edges: due today, due at the horizon and a day past it, overdue but done, cancelled,
    # no date (to be reviewed), a task of the teacher's position named to a colleague, and
    # another one done.
    edges = tasks[:8]
    edges[0].due_on, edges[0].status = TODAY, TaskStatus.PLANNED
    edges[1].due_on, edges[1].status = TODAY + timedelta(days=30), TaskStatus.IN_PROGRESS
    edges[2].due_on, edges[2].status = TODAY + timedelta(days=31), TaskStatus.PLANNED
    edges[3].due_on, edges[3].status = TODAY - timedelta(days=1), TaskStatus.DONE
    edges[4].due_on, edges[4].status = TODAY - timedelta(days=3), TaskStatus.CANCELLED
    edges[5].starts_on, edges[5].due_on, edges[5].recurrence = None, None, None
    teacher = person("teacher")
    edges[6].positions = list(teacher.positions)
    edges[6].assignees = [person("class_teacher")]
    edges[6].status, edges[6].due_on = TaskStatus.PLANNED, TODAY - timedelta(days=2)
    edges[7].positions, edges[7].assignees = list(teacher.positions), [person("class_teacher")]
    edges[7].status = TaskStatus.DONE
    db.session.commit()
    tasks = plans.plan_tasks(plan)
    shares = {tasks[9].id: 0.5, tasks[10].id: 1 / 3}
    people = db.session.scalars(
        select(Person).where(Person.school_id == director.school_id, Person.is_active)
    ).all()
    assert len(people) >= 8
    for who in people:
        board = plans.dashboard(plan, who, TODAY, shares)
        assert found(board) == expected(tasks, who, TODAY, shares), who.username
    seen = found(plans.dashboard(plan, teacher, TODAY, shares))
    assert edges[6].id in seen["colleagues"] and edges[6].id not in seen["mine"]
    assert found(plans.dashboard(plan, director, TODAY, shares))["needs_review"] == [edges[5].id]


def test_a_big_plan_gives_the_first_tasks_of_each_list_and_a_link_to_all(app, client):
    plan = add_tasks(60, "Просроченная сверка {n:02d}", lambda n: TODAY - timedelta(1 + n % 10))
    director = person("director")
    overdue = plans.dashboard(plan, director, TODAY).overdue
    assert len(overdue) == plans.DASHBOARD_ROWS and overdue.total > 60
    login(client, "director")
    page = client.get("/").get_data(as_text=True)
    text = page_text(client.get("/"))
    shown = text.split("Просрочено", 1)[1].split("Ближайшие 30 дней", 1)[0]
    assert f"Показаны первые 25 из {overdue.total}." in shown
    assert shown.count("Просроченная сверка") == 25 - (overdue.total - 60)
    assert 'href="/plan?status=overdue"' in page
    listed = page_text(client.get("/plan?status=overdue"))
    assert f"Показано задач: {overdue.total} из" in listed
    # The coming deadlines, and what is to be made clear, lead to the plan filtered the same way.
    add_tasks(30, "Сверка на неделе {n:02d}", lambda n: TODAY + timedelta(1 + n % 10))
    add_tasks(30, "Срок не разобран {n:02d}", lambda n: TODAY + timedelta(200))
    unclear = db.session.scalars(select(Task).where(Task.title.startswith("Срок не разобран")))
    for task in unclear:
        task.starts_on = task.due_on = None  # as an import leaves «по мере необходимости»
    db.session.commit()
    board = plans.dashboard(plan, director, TODAY)
    for listed, status in ((board.upcoming, "soon"), (board.needs_review, "review")):
        assert listed.more > 0
        assert f'href="/plan?status={status}"' in client.get("/").get_data(as_text=True)
        shown = page_text(client.get(f"/plan?status={status}"))
        assert f"Показано задач: {listed.total} из" in shown
    # Progress still counts every task of the plan, not the 25 shown.
    last = plans.dashboard(plan, director, TODAY).progress[-1]
    assert last.total >= 60
