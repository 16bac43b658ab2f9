"""How often one person may ask for costly work: the files the worker makes (consent forms of a
class list, a big plan), a school template checked in its child process. Each ask is a row,
counted over the last hour in the ask's own transaction, so every worker and server counts the
same asks and a refused or failed ask counts nothing. Over the limit the person is told, in
Russian, how long to wait (the views answer 429)."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from tracker.accounts.models import CostlyRequest, Person
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.types import utcnow

HOUR = timedelta(hours=1)
PER_HOUR = {
    "prepared_file": 12,  # a consents ZIP of a whole school is 25–30 s of the worker's CPU
    "template_upload": 10,  # each checked in a child process for up to 5 s of CPU
}


class TooOften(DomainError):
    """Over a person's limit for costly work: the answer is 429, not 400."""

    status = 429


def _wait_text(until: datetime, now: datetime) -> str:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return _("Попробуйте через %(minutes)d мин.", minutes=minutes)


def spend(person: Person, kind: str, now: datetime | None = None) -> None:
    """Count one ask of `kind` for the person, or refuse it when the last hour holds the limit."""
    now = now or utcnow()
    limit = PER_HOUR[kind]
    db.session.execute(
        delete(CostlyRequest).where(
            CostlyRequest.person_id == person.id, CostlyRequest.at < now - 24 * HOUR
        )
    )
    recent = db.session.scalars(
        select(CostlyRequest.at)
        .where(
            CostlyRequest.person_id == person.id,
            CostlyRequest.kind == kind,
            CostlyRequest.at > now - HOUR,
        )
        .order_by(CostlyRequest.at)
    ).all()
    if len(recent) >= limit:
        wait = _wait_text(recent[-limit] + HOUR, now)
        if kind == "template_upload":
            told = _("За последний час вы загрузили шаблонов: %(count)d — это предел.", count=limit)
            raise TooOften(f"{told} {wait}", "file")
        told = _("За последний час вы заказали файлов: %(count)d — это предел.", count=limit)
        raise TooOften(f"{told} {wait}")
    db.session.add(CostlyRequest(person_id=person.id, kind=kind, at=now))
