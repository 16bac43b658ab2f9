"""The whole plan as plain data (for `tracker export --format json`)."""

from datetime import date, datetime

from tracker.accounts.models import School
from tracker.plans import services as plans
from tracker.plans.models import Phase, Task


def iso(day: date | datetime | None) -> str | None:
    return day.isoformat() if day else None


def task_data(task: Task, today: date) -> dict:
    return {
        "id": task.id,
        "number": task.display_number,
        "title": task.title,
        "deadline_text": task.deadline_text,
        "window": {"starts_on": iso(task.starts_on), "due_on": iso(task.due_on)}
        if task.due_on
        else None,
        "recurrence": task.recurrence,
        "responsible_text": task.responsible_text,
        "responsible_unmatched": task.responsible_unmatched or None,
        "positions": [position.code for position in task.positions],
        "assignees": [person.username for person in task.assignees],
        "status": str(task.status),
        "is_overdue": task.is_overdue_on(today),
        "completion_note": task.completion_note,
        "blocked_by": [other.id for other in task.blocked_by],
        "comments": [
            {
                "author": comment.author.username if comment.author else None,
                "at": comment.created_at.isoformat(),
                "body": comment.body,
            }
            for comment in task.comments
        ],
    }


def phase_data(phase: Phase, tasks_by_phase: dict[int, list[Task]], today: date) -> dict:
    return {
        "title": phase.title,
        "tasks": [task_data(task, today) for task in tasks_by_phase.get(phase.id, [])],
        "phases": [phase_data(child, tasks_by_phase, today) for child in phase.children],
    }


def export_schools(schools: list[School], today: date) -> dict:
    """Schools with their positions, people, plans, acts, councils' decisions and orders;
    no password hashes, no tokens."""
    from tracker.approvals.export import approvals_data

    result = []
    for school in schools:
        plan = plans.school_plan(school)
        tasks_by_phase: dict[int, list[Task]] = {}
        if plan is not None:
            for task in plans.plan_tasks(plan):
                tasks_by_phase.setdefault(task.phase_id, []).append(task)

        result.append(
            {
                "slug": school.slug,
                "full_name": school.full_name,
                "short_name": school.short_name,
                "city": school.city,
                "timezone": school.timezone,
                "positions": [
                    {
                        "code": position.code,
                        "title": position.title,
                        "people": [person.username for person in position.people],
                    }
                    for position in school.positions
                ],
                "people": [
                    {
                        "username": person.username,
                        "full_name": person.full_name,
                        "role": str(person.role),
                        "is_active": person.is_active,
                        "positions": [position.code for position in person.positions],
                    }
                    for person in school.people
                ],
                **approvals_data(school),
                "plan": None
                if plan is None
                else {
                    "title": plan.title,
                    "phases": [
                        phase_data(phase, tasks_by_phase, today)
                        for phase in plans.plan_phases(plan)
                    ],
                },
            }
        )
    return {"exported_on": today.isoformat(), "schools": result}
