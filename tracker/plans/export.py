"""A school's plan as plain data: its phases and tasks (part of `tracker export --format json`)."""

from datetime import date, datetime

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
        "responsible_external": task.responsible_external or None,
        "expected_result": task.expected_result or None,
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
