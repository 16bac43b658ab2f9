"""Small helpers every blueprint's views share."""

import io
from collections.abc import Callable
from datetime import date
from typing import Generic, NamedTuple, TypeVar

from flask import abort, send_file, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.documents.models import GeneratedDocument
from tracker.errors import DomainError, StaleForm
from tracker.extensions import db
from tracker.plans.uploads import stored_file
from tracker.types import today_in
from tracker.web import record_refusal

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


def refused_status(form) -> int:
    """The status of a page showing a form the rules refused: 429 for a person over a limit
    (`accounts.limits`), else 400."""
    return getattr(form, "refused_status", 400)


class Outcome(NamedTuple, Generic[T]):
    """How a service call as the request's transaction went: `done` when it committed, with
    what the service returned as `value` (None when the rules refused). A view that uses the
    value of a service that always returns one narrows it after `done` (`assert value is not
    None`)."""

    done: bool
    value: T | None = None


def attempt(form, action: Callable[[], T]) -> Outcome[T]:
    """Run one service call as the request's one transaction.

    On success the request commits; when the rules refuse, everything is rolled back and the
    reason is shown beside its field."""
    try:
        result = action()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        form_error(form, error)
        form.refused_status = getattr(error, "status", 400)
        return Outcome(False)
    except (StaleDataError, IntegrityError):
        # Someone else's change landed between our checks and our write (a version bumped, a
        # unique number taken): refused with the advice to reload, never merged.
        db.session.rollback()
        form_error(form, StaleForm())
        return Outcome(False)
    return Outcome(True, result)


def school_today() -> date:
    """Today at the user's school; the TODAY setting pins it (tests, screenshots of a demo)."""
    return today_in(current_user.school.timezone)


def own(
    model, object_id: int, school_of: Callable = lambda obj: obj.school_id, options: tuple = ()
):
    """Load an object of the user's own school, or 404: another school's objects do not exist
    here, and asking for one is logged as refused access. `options`: what a page shows of it,
    loaded with it (SQLAlchemy loader options)."""
    obj = db.session.get(model, object_id, options=options)
    if obj is None:
        abort(404)
    if school_of(obj) != current_user.school_id:
        record_refusal(model.__tablename__, object_id)
        abort(404)
    return obj


def posted_button():
    """The form of a button's POST, its CSRF token alone: checked, or 400."""
    from flask_wtf import FlaskForm

    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    return form


def flash_errors(form, fallback: str = "") -> None:
    """Say why a form posted from a page's button was refused: its reasons in one message
    (the form's own first, then the fields'), or `fallback` when it gives none."""
    from flask import flash

    reasons = [str(error) for error in form.form_errors] + [
        str(error) for name, errors in form.errors.items() if name is not None for error in errors
    ]
    if reasons or fallback:
        flash("; ".join(reasons) or fallback, "error")


def button(action: Callable[[], object], success: str, back: str):
    """A button's POST: run the service as the request's transaction, say how it went, go back
    to the page."""
    from flask import flash, redirect

    form = posted_button()
    done, _result = attempt(form, action)
    if done:
        flash(success, "success")
    else:
        flash_errors(form)
    return redirect(back)


def generated(action: Callable[[], GeneratedDocument], back: str, form=None):
    """Make a document as the request's transaction and send the user to its file (a form of
    its CSRF token alone unless one is given); a refusal goes back to `back` with the reason."""
    from flask import redirect

    form = form if form is not None else posted_button()
    done, document = attempt(form, action)
    if not done:
        flash_errors(form)
        return redirect(back)
    assert document is not None  # done: the document the action made or found
    return redirect(url_for("documents.download", document_id=document.id))


def send_upload(key: str, name: str):
    """A stored upload as a download under its display name; 404 when it is not there."""
    content = stored_file(key)
    if content is None:
        abort(404)
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name)
