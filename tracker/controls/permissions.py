"""Who may change the school calendar. Pure functions: views and templates share them."""

from tracker.accounts.permissions import can_manage_school


def can_edit_calendar(user, school) -> bool:
    """Years, terms and holidays are the director's (and the managers'); everyone reads them."""
    return can_manage_school(user, school)
