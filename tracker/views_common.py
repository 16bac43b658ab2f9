"""Small helpers every blueprint's views share."""

from flask import url_for

from tracker.errors import DomainError

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
