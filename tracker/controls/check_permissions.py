"""Who may change a check's rule and record its results. Pure functions for views and pages."""

from tracker.accounts.permissions import is_member


def can_record_check(user, check) -> bool:
    """The people in the check's responsible position (the deputy), or the director."""
    if not is_member(user, check.school):
        return False
    if user.is_manager:
        return True
    return check.position_id is not None and any(
        position.id == check.position_id for position in user.positions
    )
