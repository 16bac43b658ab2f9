"""Who may do what on an act's route. Pure functions shared by views and templates."""

from tracker.accounts.permissions import can_manage_school, is_member
from tracker.acts.models import LocalAct
from tracker.approvals.models import CollegialBody


def can_record_for(user, body: CollegialBody) -> bool:
    """Only the body's secretary, or the director, records its meetings and decisions."""
    return is_member(user, body.school) and (user.is_manager or body.secretary_id == user.id)


def can_configure_body(user, body: CollegialBody) -> bool:
    return can_manage_school(user, body.school)


def can_issue_orders(user, school) -> bool:
    return can_manage_school(user, school)


def can_correct_decisions(user, school) -> bool:
    return can_manage_school(user, school)


def can_draft_acts(user, school) -> bool:
    return can_manage_school(user, school)


def can_edit_act(user, act: LocalAct) -> bool:
    """The director, or the act's owner, submits it and writes its new versions."""
    return is_member(user, act.school) and (user.is_manager or act.owner_id == user.id)


def can_change_route(user, act: LocalAct) -> bool:
    return can_manage_school(user, act.school)


def can_comment_on(user, act: LocalAct) -> bool:
    """Every member of the school's staff comments on an act opened for discussion."""
    return is_member(user, act.school)
