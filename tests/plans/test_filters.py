"""The plan page's filters are found by the database (`plans.services.filter_clause`): the
tasks each filter keeps are those the rule people read on the page gives, at the edges too."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, person
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import CLOSED_STATUSES, OVERDUE, REVIEW, SOON, Task, TaskStatus

pytestmark = pytest.mark.demo_data


def expected(tasks, chosen: plans.TaskFilter, today: date) -> list[int]:
    """The rule as the page says it, in plain Python: a position's tasks; a status as shown
    (overdue: due before today and not done or cancelled); a month keeps the tasks whose window
    (start, else the due day, to the due day) touches it; «soon»: open and due from today to 30
    days on; «review»: what the director must make clear (`Task.needs_review`)."""
    kept = []
    for task in tasks:
        if chosen.only_ids is not None and task.id not in chosen.only_ids:
            continue
        if chosen.position_id and chosen.position_id not in {p.id for p in task.positions}:
            continue
        overdue = task.due_on is not None and task.due_on < today
        overdue = overdue and task.status not in CLOSED_STATUSES
        if chosen.status == SOON:
            soon = task.due_on is not None and today <= task.due_on <= today + timedelta(30)
            if not soon or task.status in CLOSED_STATUSES:
                continue
        elif chosen.status == REVIEW:
            if not task.needs_review:
                continue
        elif chosen.status and (OVERDUE if overdue else task.status) != chosen.status:
            continue
        if chosen.month:
            end = (chosen.month + timedelta(days=32)).replace(day=1)
            if task.due_on is None or not (
                (task.starts_on or task.due_on) < end and task.due_on >= chosen.month
            ):
                continue
        kept.append(task.id)
    return kept


def test_every_filter_keeps_the_tasks_the_page_promises(app):
    plan = plans.school_plan(person("director").school)
    tasks = plans.plan_tasks(plan)
    # The edges: due today, due yesterday but done, a window across a month's end, no date;
    # due on the 30th day from today and on the 31st, and done within the 30 days.
    edges = tasks[:9]
    edges[0].due_on, edges[0].status = TODAY, TaskStatus.PLANNED
    edges[1].due_on, edges[1].status = TODAY - timedelta(days=1), TaskStatus.DONE
    edges[2].due_on, edges[2].status = TODAY - timedelta(days=1), TaskStatus.IN_PROGRESS
    edges[3].starts_on, edges[3].due_on = date(2026, 11, 20), date(2027, 1, 10)
    edges[4].starts_on, edges[4].due_on, edges[4].recurrence = None, None, None
    edges[6].due_on, edges[6].status = TODAY + timedelta(days=30), TaskStatus.PLANNED
    edges[7].due_on, edges[7].status = TODAY + timedelta(days=31), TaskStatus.PLANNED
    edges[8].due_on, edges[8].status = TODAY + timedelta(days=3), TaskStatus.DONE
    edges[5].status = TaskStatus.CANCELLED
    db.session.commit()
    tasks = plans.plan_tasks(plan)
    positions = sorted({p.id for task in tasks for p in task.positions})
    statuses = [None, OVERDUE, SOON, REVIEW, *map(str, TaskStatus)]
    months = [None, date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2023, 9, 1)]
    mine = frozenset(plans.my_task_ids(plan, person("teacher")))
    checked = 0
    for position_id in [None, *positions[:4]]:
        for status in statuses:
            for month in months:
                for only_ids in (None, mine):
                    chosen = plans.TaskFilter(
                        position_id=position_id, status=status, month=month, only_ids=only_ids
                    )
                    found = db.session.scalars(
                        select(Task.id)
                        .where(Task.plan_id == plan.id, plans.filter_clause(chosen, TODAY))
                        .order_by(Task.sort_order)
                    ).all()
                    assert found == expected(tasks, chosen, TODAY), chosen
                    checked += bool(found)
    assert checked > 30  # many combinations keep something: not a comparison of empties
    assert expected(tasks, plans.TaskFilter(status=OVERDUE), TODAY).count(edges[2].id) == 1
    assert edges[1].id not in expected(tasks, plans.TaskFilter(status=OVERDUE), TODAY)
    soon = expected(tasks, plans.TaskFilter(status=SOON), TODAY)
    assert edges[0].id in soon and edges[6].id in soon
    assert edges[7].id not in soon and edges[8].id not in soon
    assert edges[4].id in expected(tasks, plans.TaskFilter(status=REVIEW), TODAY)
    month = plans.TaskFilter(month=date(2026, 12, 1))
    assert edges[3].id in expected(tasks, month, TODAY)  # November to January touches December
