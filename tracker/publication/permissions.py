"""Who may publish. A pure function for views and pages."""

from tracker.accounts.permissions import can_manage_school


def can_publish(user, school) -> bool:
    """The director (and an administrator) publish, withdraw and re-make the PDF."""
    return can_manage_school(user, school)
