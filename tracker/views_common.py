"""Small helpers every blueprint's views share."""

from collections.abc import Callable
from typing import TypeVar

from flask import url_for

from tracker.errors import DomainError
from tracker.extensions import db

T = TypeVar("T")

BACK_ENDPOINTS = {
    "assign": "plans.assign",
    "people": "accounts.people",
    "dashboard": "plans.dashboard",
    "plan": "plans.plan",
}


def safe_back(name: str | None) -> str:
    """A redirect target chosen from a fixed list, never a URL from the request."""
    return url_for(BACK_ENDPOINTS.get(name or "", "plans.dashboard"))


def form_error(form, error: DomainError) -> None:
    """Put a service's refusal beside the field it concerns (or on top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(str(error))
    else:
        form.form_errors.append(str(error))


def attempt(form, action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run one service call as the request's one transaction.

    On success the request commits; when the rules refuse, everything is rolled back and the
    reason is shown beside its field. Returns (succeeded, what the action returned).
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        form_error(form, error)
        return False, None
    db.session.commit()
    return True, result
