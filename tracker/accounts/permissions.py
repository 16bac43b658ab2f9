"""Who may do what with people and positions. Pure functions: views and templates share them."""

from tracker.accounts.models import Person, School


def is_member(user, school: School | None) -> bool:
    return bool(
        school is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.school_id == school.id
    )


def can_manage_school(user, school: School | None) -> bool:
    """The director (or an administrator) may change anything in their own school."""
    return is_member(user, school) and user.is_manager


def can_manage_person(user, person: Person) -> bool:
    return can_manage_school(user, person.school)
