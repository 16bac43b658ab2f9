"""Who may generate which documents. Pure functions shared by views and templates."""

from tracker.accounts.permissions import can_manage_school, is_member


def can_generate_school_documents(user, school) -> bool:
    """Orders, the plan and the school's templates are the director's."""
    return can_manage_school(user, school)


def can_make_consents(user, school) -> bool:
    """Any member of staff (class teachers hand them out); nothing is kept."""
    return is_member(user, school)
