"""Who may publish. A pure function for views and pages."""

from tracker.accounts.models import Role
from tracker.accounts.permissions import can_manage_school


def can_publish(user, school) -> bool:
    """The director (and an administrator) publish, withdraw and re-make the PDF, and so does
    a person of the school the director gave that right."""
    return can_manage_school(user, school) or (
        user.is_authenticated
        and user.is_active
        and user.may_publish
        and user.school_id == school.id
    )


def can_sign(user, school) -> bool:
    """Only the school's director signs for it (an administrator manages, but is not the
    person whose name and position the signature carries)."""
    return can_manage_school(user, school) and user.role == Role.DIRECTOR
