"""Everything a school owns as plain data (`tracker export --format json`): each part gives its
own section (`plans.export`, `approvals.export`), put together here above them all."""

from datetime import date

from tracker.accounts.models import School
from tracker.approvals.export import approvals_data
from tracker.controls.export import controls_data
from tracker.plans import services as plan_services
from tracker.plans.export import phase_data
from tracker.plans.models import Task


def export_schools(schools: list[School], today: date) -> dict:
    """Schools with their positions, people, plans, calendars, control checks with their
    occurrences and results, acts, councils' decisions and orders; no password hashes, no
    tokens."""
    result = []
    for school in schools:
        plan = plan_services.school_plan(school)
        tasks_by_phase: dict[int, list[Task]] = {}
        if plan is not None:
            for task in plan_services.plan_tasks(plan):
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
                        "email": person.email,
                        "mail_off": sorted(person.mail_off or []),
                        "role": str(person.role),
                        "is_active": person.is_active,
                        "positions": [position.code for position in person.positions],
                    }
                    for person in school.people
                ],
                **approvals_data(school),
                **controls_data(school, today),
                "plan": None
                if plan is None
                else {
                    "title": plan.title,
                    "phases": [
                        phase_data(phase, tasks_by_phase, today)
                        for phase in plan_services.plan_phases(plan)
                    ],
                },
            }
        )
    return {"exported_on": today.isoformat(), "schools": result}
