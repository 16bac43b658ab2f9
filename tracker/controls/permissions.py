"""Who may change the school calendar. Pure functions: views and templates share them."""

from tracker.accounts.permissions import can_manage_school


def can_edit_calendar(user, school) -> bool:
    """Years, terms and holidays are the director's (and the managers'), and the keeping of a
    person the director gave that right (the deputy who runs the checks); everyone reads them."""
    return can_manage_school(user, school) or (
        user.is_authenticated
        and user.is_active
        and user.may_edit_calendar
        and user.school_id == school.id
    )
