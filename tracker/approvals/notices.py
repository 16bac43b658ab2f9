"""Notices of the approval route: an act that waits for a council (to its secretary) or for the
director's order (to the director), sent once per step and person."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import urls
from tracker.accounts import notices
from tracker.accounts.models import Person, Role
from tracker.acts.models import LocalAct
from tracker.approvals.models import StepKind
from tracker.approvals.queries import current_step
from tracker.extensions import db


def directors(school_id: int) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person).where(
                Person.school_id == school_id, Person.role == Role.DIRECTOR, Person.is_active
            )
        )
    )


def tell_waiting(act: LocalAct, actor: Person | None) -> None:
    """The act now waits for its current step: tell whoever takes it (not the one who made the
    change that brought it there)."""
    step = current_step(act)
    if step is None:
        return
    if step.kind == StepKind.ENACT:
        people = directors(act.school_id)
    else:
        assert step.body is not None  # a council's step names its council
        secretary = step.body.secretary
        people = [secretary] if secretary is not None else directors(act.school_id)
    link = urls.external_url("acts.act", act_id=act.id)
    for person in people:
        if actor is not None and person.id == actor.id:
            continue
        with notices.in_language(person):
            if step.kind == StepKind.ENACT:
                subject = _("Акт ждёт приказа")
                body = _(
                    "Акт «%(title)s» прошёл все советы своего маршрута и ждёт приказа об "
                    "утверждении и введении в действие.",
                    title=act.title,
                )
            else:
                assert step.body is not None
                subject = _("Акт ждёт рассмотрения: %(body)s", body=step.body.title)
                body = _(
                    "Акт «%(title)s» (редакция %(version)d) ждёт рассмотрения: %(body)s. "
                    "Включите его в повестку ближайшего заседания.",
                    title=act.title,
                    version=step.version_number,
                    body=step.body.title,
                )
            notices.notify(
                person, "waiting", subject, body, link, key=f"waiting:{step.id}:{person.id}"
            )
