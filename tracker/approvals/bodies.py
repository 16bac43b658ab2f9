"""The school's collegial bodies: made on first use, staffed and given their quorum by the
director."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.accounts.models import Person, School
from tracker.approvals.models import (
    BODY_TITLES,
    BodyKind,
    CollegialBody,
    VotingRule,
)
from tracker.approvals.queries import bodies_of
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db


def ensure_bodies(school: School) -> list[CollegialBody]:
    """The school's collegial bodies, created on first use (members and officers filled later)."""
    existing = {body.kind: body for body in bodies_of(school)}
    for kind in BodyKind:
        if kind not in existing:
            body = CollegialBody(school=school, kind=kind, title=str(BODY_TITLES[kind]))
            db.session.add(body)
            existing[kind] = body
    db.session.flush()
    return [existing[kind] for kind in BodyKind]


def update_body(
    body: CollegialBody,
    actor: Person,
    *,
    members_count: int,
    chair: Person | None,
    secretary: Person | None,
    quorum_numerator: int,
    quorum_denominator: int,
    voting_rule: str = VotingRule.MAJORITY,
) -> None:
    if members_count < 0 or members_count > 10000:
        raise DomainError(_("Число членов — от 0 до 10000"), field="members_count")
    if not 0 < quorum_numerator <= quorum_denominator <= 100:
        raise DomainError(_("Кворум — дробь от 1/100 до 1/1"), field="quorum_numerator")
    if voting_rule not in {rule.value for rule in VotingRule}:
        raise DomainError(_("Неизвестное правило голосования"), field="voting_rule")
    for person in (chair, secretary):
        if person is not None and person.school_id != body.school_id:
            raise DomainError(_("Сотрудник из другой школы"))
    body.members_count = members_count
    body.chair, body.secretary = chair, secretary
    body.quorum_numerator, body.quorum_denominator = quorum_numerator, quorum_denominator
    body.voting_rule = VotingRule(voting_rule)
    db.session.flush()
    audit.record_new(
        "body.update",
        "body",
        body.id,
        body.school_id,
        actor,
        members_count=members_count,
        chair=chair.full_name if chair else None,
        secretary=secretary.full_name if secretary else None,
        quorum=f"{quorum_numerator}/{quorum_denominator}",
        voting_rule=str(voting_rule),
    )
