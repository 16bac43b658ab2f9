"""Who may do what with a plan and its tasks. Pure functions, shared by views and templates."""

from tracker.accounts.permissions import can_manage_school, is_member
from tracker.plans.models import Plan, Task


def can_view_plan(user, plan: Plan) -> bool:
    """Everyone in the school may read its plan."""
    return is_member(user, plan.school)


def can_manage_plan(user, plan: Plan) -> bool:
    return can_manage_school(user, plan.school)


def can_work_on_task(user, task: Task) -> bool:
    """Change the status of and comment on a task: the director, or a person it is given to
    (by name or through a position they fill)."""
    if not is_member(user, task.plan.school):
        return False
    if user.is_manager:
        return True
    if any(person.id == user.id for person in task.assignees):
        return True
    mine = {position.id for position in user.positions}
    return any(position.id in mine for position in task.positions)


def can_edit_task(user, task: Task) -> bool:
    return can_manage_plan(user, task.plan)
