"""Notices by e-mail: each kind switchable by the person, each message with a one-click link that
switches its kind off (RFC 8058), links from TRACKER_BASE_URL. The parts above say when to
notify (`notify`); this part knows the person's address and switches, and writes the message
into the outbox in the transaction of the change it tells of."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select

from tracker import urls
from tracker.accounts.models import Person
from tracker.audit import services as audit
from tracker.config import signing_keys
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.mail import services as mail
from tracker.mail.models import OutgoingMessage
from tracker.types import utcnow

# Each kind of notice, as the person's profile names it.
KINDS = {
    "assigned": _l("Мне поручили задачу или сдвинули её срок"),
    "waiting": _l("Акт ждёт моего совета или приказа"),
    "meeting": _l("Напоминание накануне заседания совета"),
    "recommendation": _l("Рекомендация по итогам проверки стала моей задачей"),
    "digest": _l("Сводка на неделю (по понедельникам в 8:00)"),
}
CONFIRM_VALID = 2 * 24 * 3600  # seconds a link confirming a new address works
CONFIRMS_PER_HOUR = 3  # so the school's mail server is nobody's way to write to strangers
_quiet: ContextVar[bool] = ContextVar("tracker_notices_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Tell nobody of what happens inside (the demo's story of past weeks, a bulk load): no
    notice is queued."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def in_language(person: Person):
    """Write what follows in the language the person reads the app in (a director working in
    English does not send her teachers English mail)."""
    return force_locale(person.locale if person.locale in ("ru", "en") else "ru")


def wants(person: Person, kind: str) -> bool:
    if _quiet.get():
        return False
    return bool(person.email) and person.is_active and kind not in (person.mail_off or [])


def notify(
    person: Person, kind: str, subject: str, body: str, link: str, *, key: str | None = None
) -> bool:
    """Queue a notice of `kind` to the person, unless they have no address or switched the kind
    off; returns whether it was queued. `key`: at most one message per key."""
    assert kind in KINDS, kind
    if not wants(person, kind):
        return False
    unsubscribe = urls.external_url("accounts.unsubscribe", token=unsubscribe_token(person, kind))
    with in_language(person):
        text = _(
            "Здравствуйте, %(name)s!\n\n%(body)s\n\n%(link)s\n\n--\n%(school)s, план перехода.\n"
            "Больше не получать такие письма («%(kind)s»): %(unsubscribe)s\n"
            "Все настройки писем: %(profile)s",
            name=person.full_name,
            body=body,
            link=link,
            school=person.school.short_name,
            kind=str(KINDS[kind]),
            unsubscribe=unsubscribe,
            profile=urls.external_url("accounts.profile"),
        )
    return (
        mail.queue(
            to=person.email,
            subject=f"{subject} — {person.school.short_name}",
            text=text,
            kind=kind,
            school_id=person.school_id,
            unsubscribe_url=unsubscribe,
            key=key,
        )
        is not None
    )


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(signing_keys(current_app.config), salt="tracker-unsubscribe")


def unsubscribe_token(person: Person, kind: str) -> str:
    return _signer().dumps([person.id, kind])


def read_unsubscribe(token: str) -> tuple[Person, str] | None:
    """The person and kind a link switches off, or None for a link that is not ours."""
    try:
        person_id, kind = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    person = db.session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or kind not in KINDS:
        return None
    return person, kind


def switch(person: Person, off: set[str], actor: Person | None) -> bool:
    """Set which kinds the person does not want; returns whether anything changed."""
    off = {kind for kind in off if kind in KINDS}
    before = sorted(person.mail_off or [])
    after = sorted(off)
    if before == after:
        return False
    person.mail_off = after
    audit.record(
        "person.mail",
        "person",
        person.id,
        school_id=person.school_id,
        actor=actor,
        changes={"mail_off": [before, after]},
    )
    return True


# --- a new address, confirmed by a link sent to it ---


def _confirmer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_keys(current_app.config), salt="tracker-email")


def ask_to_confirm(person: Person, email: str) -> None:
    """The person typed a new address of their own: it is kept only once they open the link
    sent to it (so a typo does not send their notices to a stranger)."""
    hour_ago = utcnow() - timedelta(hours=1)
    sent = db.session.scalar(
        select(func.count())
        .select_from(OutgoingMessage)
        .where(
            OutgoingMessage.key.like(f"confirm:{person.id}:%"),
            OutgoingMessage.created_at > hour_ago,
        )
    )
    if (sent or 0) >= CONFIRMS_PER_HOUR:
        raise DomainError(
            _("Ссылок подтверждения — не больше трёх в час: проверьте почту или подождите"),
            field="email",
        )
    token = _confirmer().dumps([person.id, email, person.email])
    mail.queue(
        key=f"confirm:{person.id}:{secrets.token_hex(6)}",
        to=email,
        subject=_("Подтвердите адрес почты — %(school)s", school=person.school.short_name),
        text=_(
            "Здравствуйте, %(name)s!\n\nВы указали этот адрес в плане перехода %(school)s "
            "(логин %(username)s). Чтобы письма приходили сюда, откройте ссылку в течение двух "
            "дней:\n\n%(link)s\n\nЕсли это были не вы, ничего не делайте: адрес не изменится.",
            name=person.full_name,
            school=person.school.short_name,
            username=person.username,
            link=urls.external_url("accounts.confirm_email", token=token),
        ),
        kind="confirm_email",
        school_id=person.school_id,
    )


def read_confirmation(token: str) -> tuple[Person, str] | None:
    """The person and the address a confirmation link sets, while it may still be used (the
    address it replaces is still theirs: a link does not work twice)."""
    try:
        person_id, email, previous = _confirmer().loads(token, max_age=CONFIRM_VALID)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    person = db.session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or not person.is_active or person.email != previous:
        return None
    return person, email


# --- someone guessing the person's password ---


def warn_of_attack(person: Person, failures: int, addresses: int, day: date) -> bool:
    """Tell the person, once a day at most, that their password is being guessed
    (`accounts.throttle`: ten failures within the hour). Not a kind to switch off: it is about
    the account's safety. Returns whether a message was queued."""
    if not person.email or not person.is_active or _quiet.get():
        return False
    with in_language(person):
        subject = _("Попытки войти под вашим логином — %(school)s", school=person.school.short_name)
        text = _(
            "Здравствуйте, %(name)s!\n\nЗа последний час под вашим логином (%(username)s) "
            "пытались войти с неверным паролем: %(failures)d раз, с адресов: %(addresses)d. "
            "Вход для вас не закрыт: ждать приходится только адресам, с которых ошибались.\n\n"
            "Если это были не вы, смените пароль: %(link)s",
            name=person.full_name,
            username=person.username,
            failures=failures,
            addresses=addresses,
            link=urls.external_url("accounts.password"),
        )
    queued = mail.queue(
        key=f"attack:{person.id}:{day.isoformat()}",
        to=person.email,
        subject=subject,
        text=text,
        kind="login_attack",
        school_id=person.school_id,
    )
    return queued is not None
