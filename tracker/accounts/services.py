"""People, positions and logins of a school. Services flush; the request or command commits."""

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker import urls
from tracker.accounts import notices, throttle
from tracker.accounts.models import (
    MANAGING_ROLES,
    LoginAttempt,
    PasswordReset,
    Person,
    Position,
    PositionHolder,
    Role,
    School,
)
from tracker.accounts.passwords import check_password_rules
from tracker.accounts.signals import staff_changed
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.mail import services as mail
from tracker.types import local_day, normalize_phrase, today_in, utcnow

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Compared against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-" + secrets.token_hex(8))

log = logging.getLogger(__name__)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def known_words(person: Person) -> tuple[str, ...]:
    """What anyone who knows this person knows: their name and their school's, for the
    password rules to try first."""
    return (person.full_name, person.school.short_name, person.school.city)


def random_password(*usernames: str) -> str:
    """A new random password that the rules accept for each of these logins: 16 random
    characters can hold a short login such as «hr» (about one time in seventy)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            for username in usernames or ("",):
                check_password_rules(password, username)
        except DomainError:
            continue
        return password


def clean_full_name(full_name: str) -> str:
    name = " ".join(full_name.split())
    if not name:
        raise DomainError(_("Укажите фамилию, имя и отчество"), field="full_name")
    if len(name) > 200:
        raise DomainError(_("ФИО длиннее 200 символов"), field="full_name")
    return name


def create_person(
    school: School,
    *,
    username: str,
    full_name: str,
    role: Role = Role.STAFF,
    password: str | None = None,
    email: str = "",
    actor: Person | None = None,
    must_change_password: bool | None = None,
) -> tuple[Person, str]:
    """Create a person with a login. Returns the person and the password to hand over.

    A password made here (none given) is an initial one: it must be changed at first login.
    """
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise DomainError(
            _("Логин: от 2 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний"),
            field="username",
        )
    if db.session.scalar(select(func.count()).where(Person.username == username)):
        raise DomainError(_("Такой логин уже занят"), field="username")
    must_change = password is None if must_change_password is None else must_change_password
    password = password or random_password(username)
    check_password_rules(password, username, (full_name, school.short_name))
    person = Person(
        school=school,
        username=username,
        full_name=clean_full_name(full_name),
        role=Role(role),
        email=clean_email(email, school),
        password_hash=generate_password_hash(password),
        session_token=new_session_token(),
        must_change_password=must_change,
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        "person.create",
        "person",
        person.id,
        school_id=school.id,
        actor=actor,
        changes={"username": [None, username], "role": [None, str(person.role)]},
    )
    return person, password


def update_person(
    person: Person,
    *,
    full_name: str,
    role: Role,
    is_active: bool,
    actor: Person,
    may_publish: bool | None = None,
    may_edit_calendar: bool | None = None,
    email: str | None = None,
) -> None:
    """Change a person's name, address (None: unchanged), rights or access; disabling ends
    their sessions at once.
    `may_publish` (None: unchanged) lets them publish the acts in force on the school site,
    `may_edit_calendar` keep the school calendar (years, terms, holidays)."""
    role = Role(role)
    if person.id == actor.id and (not is_active or role not in MANAGING_ROLES):
        raise DomainError(_("Нельзя лишить прав или отключить самого себя"), field="role")
    new_values = {"full_name": clean_full_name(full_name), "role": role, "is_active": is_active}
    if email is not None:
        new_values["email"] = clean_email(email, person.school, person)
    if may_publish is not None:
        new_values["may_publish"] = bool(may_publish)
    if may_edit_calendar is not None:
        new_values["may_edit_calendar"] = bool(may_edit_calendar)
    changes = {}
    for name, value in new_values.items():
        before = getattr(person, name)
        if before != value:
            changes[name] = [str(before), str(value)]
            setattr(person, name, value)
    if not is_active and "is_active" in changes:
        end_sessions(person)
    if "is_active" in changes or "role" in changes:
        db.session.flush()
        staff_changed.send(person.school)
    if changes:
        audit.record(
            "person.update",
            "person",
            person.id,
            school_id=person.school_id,
            actor=actor,
            changes=changes,
        )


def set_positions(person: Person, positions: list[Position], actor: Person | None) -> None:
    """Make the person fill exactly these positions (a new one from today, at the school)."""
    wanted = {position.id for position in positions}
    for position in list(person.positions):
        if position.id not in wanted:
            vacate_position(position, person, actor)
    held = {position.id for position in person.positions}
    for position in positions:
        if position.id not in held:
            fill_position(position, person, actor, since=today_in(person.school.timezone))


def authenticate(username: str, password: str) -> Person | None:
    """The person with this login and password, or None: unknown login and wrong password alike."""
    person = db.session.scalar(select(Person).where(Person.username == username.strip().lower()))
    if person is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(person.password_hash, password) or not person.is_active:
        return None
    return person


def confirms_password(person: Person, password: str) -> bool:
    """Whether the person, already logged in, entered their own password again (to sign)."""
    return bool(password) and check_password_hash(person.password_hash, password)


def change_password(person: Person, current: str, new: str, repeat: str) -> None:
    """Replace the person's password; every other session of theirs ends."""
    if not check_password_hash(person.password_hash, current):
        raise DomainError(_("Текущий пароль введён неверно"), field="current")
    if new != repeat:
        raise DomainError(_("Пароли не совпадают"), field="repeat")
    if new == current:
        raise DomainError(_("Новый пароль должен отличаться от текущего"), field="password")
    check_password_rules(new, person.username, known_words(person))
    _set_password(person, new, "person.password", person)


def _set_password(
    person: Person, password: str, action: str, actor: Person | None, *, temporary: bool = False
) -> None:
    """Keep the new password's hash and end every session of the person; a `temporary` one
    (made by the director or the administrator) must be changed at the next login."""
    person.password_hash = generate_password_hash(password)
    person.must_change_password = temporary
    person.password_changed_at = utcnow()
    end_sessions(person)
    audit.record(
        action,
        "person",
        person.id,
        school_id=person.school_id,
        actor=actor,
        changes={"password": ["***", "*** (сменить при входе)" if temporary else "***"]},
    )


@dataclass(frozen=True)
class LoginResult:
    person: Person | None
    wait_seconds: int = 0  # refused unchecked: the address must wait this long first
    earlier: throttle.Failures | None = None  # tries against the account since its last login


def attempt_login(username: str, password: str, address: str) -> LoginResult:
    """Check a login unless the address must wait first (`accounts.throttle`); every try is
    recorded and audited. An unknown login is counted and answered exactly like a wrong password.
    """
    username = username.strip().lower()[:64]
    address = address[:64]
    now = utcnow()
    verdict = throttle.judge(username, address, now)
    person = authenticate(username, password) if verdict.allowed else None
    db.session.add(
        LoginAttempt(
            username=username,
            address=address,
            at=now,
            succeeded=person is not None,
            refused=not verdict.allowed,
        )
    )
    known = person or db.session.scalar(select(Person).where(Person.username == username))
    changes: dict = {"username": [None, username]}
    if not verdict.allowed:
        changes["wait"] = [None, f"{verdict.wait_seconds} s ({verdict.reason})"]
    audit.record(
        "login.success" if person else ("login.locked" if not verdict.allowed else "login.failed"),
        "person",
        known.id if known else None,
        school_id=known.school_id if known else None,
        actor=person,
        changes=changes,
    )
    if known is not None and person is None and verdict.allowed:
        db.session.flush()
        attack = throttle.under_attack(username, now)
        if attack:
            notices.warn_of_attack(known, *attack, day=local_day(now, known.school.timezone))
    earlier = throttle.since_last_success(username, now) if person else None
    return LoginResult(person=person, wait_seconds=verdict.wait_seconds, earlier=earlier)


def reset_password(person: Person, actor: Person | None) -> str:
    """A new one-time password for a person who lost theirs, made by the director (or the
    administrator's command): every session of theirs ends, and the password must be changed
    at the next login. Returns the password, to be handed over once."""
    if actor is not None and actor.id == person.id:
        raise DomainError(_("Свой пароль меняйте на странице «Смена пароля»"))
    if not person.is_active:
        raise DomainError(_("Учётная запись отключена: сначала включите её"))
    password = random_password(person.username)
    _set_password(person, password, "person.password.reset", actor, temporary=True)
    return password


RESET_VALID = timedelta(hours=1)
RESETS_PER_PERSON = 3  # links an hour, so a stranger cannot fill someone's mailbox
RESETS_PER_ADDRESS = 10
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def clean_email(email: str, school: School, person: Person | None = None) -> str:
    """An address or "": Latin letters only (a Cyrillic domain written in punycode), at most
    254 characters, unique in the school."""
    email = (email or "").strip()
    if not email:
        return ""
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise DomainError(_("Адрес почты латиницей, например ivanova@school20.ru"), field="email")
    taken = db.session.scalar(
        select(Person.id).where(
            Person.school_id == school.id,
            func.lower(Person.email) == email.lower(),
            Person.id != (person.id if person else 0),
        )
    )
    if taken:
        raise DomainError(_("Этот адрес уже указан у другого сотрудника"), field="email")
    return email


SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
FIRST_LINK_VALID = timedelta(hours=72)


def _check_digits(number: str, weights: tuple[int, ...]) -> int:
    return (
        sum(int(digit) * weight for digit, weight in zip(number, weights, strict=False)) % 11 % 10
    )


def clean_inn(inn: str) -> str:
    """An organisation's ИНН: 10 digits, the last a check digit; "" when not given."""
    inn = "".join((inn or "").split())
    if not inn:
        return ""
    if not (inn.isdigit() and len(inn) == 10) or _check_digits(
        inn, (2, 4, 10, 3, 5, 9, 4, 6, 8)
    ) != int(inn[9]):
        raise DomainError(
            _("ИНН организации — 10 цифр; проверьте: контрольная цифра не сходится"), field="inn"
        )
    return inn


def clean_ogrn(ogrn: str) -> str:
    """An organisation's ОГРН: 13 digits, the last the remainder of the first 12 divided by 11
    (its last digit); "" when not given."""
    ogrn = "".join((ogrn or "").split())
    if not ogrn:
        return ""
    if not (ogrn.isdigit() and len(ogrn) == 13) or int(ogrn[:12]) % 11 % 10 != int(ogrn[12]):
        raise DomainError(
            _("ОГРН — 13 цифр; проверьте: контрольная цифра не сходится"), field="ogrn"
        )
    return ogrn


def create_school(
    *,
    slug: str,
    full_name: str,
    short_name: str = "",
    city: str = "",
    address: str = "",
    timezone: str = "Europe/Moscow",
    positions: list[dict],
    inn: str = "",
    ogrn: str = "",
) -> School:
    """A new school with its requisites and a catalogue of positions (code, title, aliases);
    each refusal names its field."""
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise DomainError(
            _("Код школы — латинские буквы, цифры и дефис, от 2 до 63 знаков (school7)"),
            field="slug",
        )
    if db.session.scalar(select(School.id).where(School.slug == slug)):
        raise DomainError(_("Школа с кодом «%(slug)s» уже есть", slug=slug), field="slug")
    full_name = " ".join((full_name or "").split())
    short_name = " ".join((short_name or "").split()) or full_name
    if not full_name or len(full_name) > 500:
        raise DomainError(_("Укажите полное название школы (до 500 знаков)"), field="full_name")
    if len(short_name) > 200:
        raise DomainError(_("Краткое название — до 200 знаков"), field="short_name")
    if timezone not in available_timezones():
        raise DomainError(
            _("Неизвестный часовой пояс «%(zone)s» (например, Europe/Moscow)", zone=timezone),
            field="timezone",
        )
    school = School(
        slug=slug,
        inn=clean_inn(inn),
        ogrn=clean_ogrn(ogrn),
        full_name=full_name,
        short_name=short_name,
        city=" ".join((city or "").split())[:200],
        address=" ".join((address or "").split())[:500],
        timezone=timezone,
    )
    for order, spec in enumerate(positions, start=1):
        school.positions.append(
            Position(
                code=spec["code"],
                title=spec["title"],
                aliases=list(spec.get("aliases", [])),
                sort_order=order,
            )
        )
    db.session.add(school)
    db.session.flush()
    audit.record_new(
        "school.create", "school", school.id, school.id, None, slug=slug, name=short_name
    )
    return school


def _password_link(person: Person, address: str, valid: timedelta) -> str:
    """A single-use link to set a password, valid for `valid`; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        PasswordReset(
            person=person,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            address=address[:64],
            created_at=now,
            expires_at=now + valid,
        )
    )
    return urls.external_url("accounts.reset_by_link", token=token)


def each_school(action: Callable[[School], object], what: str) -> None:
    """Run a periodic job's `action` for every school, each in its own transaction: one
    school's failure is logged and rolled back, and does not cost the others theirs."""
    for school_id in list(db.session.scalars(select(School.id).order_by(School.id))):
        school = db.session.get(School, school_id)
        assert school is not None
        try:
            action(school)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("%s failed for school %s", what, school_id)


def first_login_link(person: Person) -> str:
    """A single-use link for a new person to set their own password (72 hours); sent to their
    address when they have one. Returns the link, to be handed over once."""
    link = _password_link(person, "first-login", FIRST_LINK_VALID)
    if person.email:
        mail.queue(
            to=person.email,
            subject=_("Вход в план перехода — %(school)s", school=person.school.short_name),
            text=_(
                "Здравствуйте, %(name)s!\n\nДля %(school)s открыт план перехода на "
                "электронный журнал; ваш логин — %(username)s. Задайте свой пароль по ссылке "
                "(она действует трое суток и один раз):\n\n%(link)s",
                name=person.full_name,
                school=person.school.short_name,
                username=person.username,
                link=link,
            ),
            kind="first_login",
            school_id=person.school_id,
        )
    db.session.flush()
    return link


def change_own_email(person: Person, email: str) -> bool:
    """The person's own address: removed at once; a new one kept only once confirmed by the
    link sent to it. Returns whether a link was sent."""
    email = clean_email(email, person.school, person)
    if email.lower() == (person.email or "").lower():
        raise DomainError(_("Этот адрес у вас уже указан"), field="email")
    if not email:
        set_email(person, "", person)
        return False
    notices.ask_to_confirm(person, email)
    return True


def set_email(person: Person, email: str, actor: Person | None) -> None:
    """Keep an address (checked again: another person may have taken it meanwhile)."""
    email = clean_email(email, person.school, person)
    if email == person.email:
        return
    audit.record(
        "person.update",
        "person",
        person.id,
        school_id=person.school_id,
        actor=actor,
        changes={"email": [person.email, email]},
    )
    person.email = email


def request_reset(identifier: str, address: str) -> bool:
    """«Забыли пароль?»: a single-use link valid for an hour, sent to the person's address.
    The page answers the same whether or not the login or address exists; too many requests
    for one person or from one address in an hour send nothing more. Returns whether a
    message was queued (for the tests, never for the page)."""
    identifier = (identifier or "").strip().lower()[:254]
    hour_ago = utcnow() - RESET_VALID
    recent_from_address = db.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.address == address, PasswordReset.created_at > hour_ago)
    )
    if not identifier or (recent_from_address or 0) >= RESETS_PER_ADDRESS:
        return False
    person = db.session.scalar(
        select(Person).where(
            Person.is_active.is_(True),
            (Person.username == identifier) | (func.lower(Person.email) == identifier),
        )
    )
    if person is None or not person.email:
        return False
    recent_for_person = db.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.person_id == person.id, PasswordReset.created_at > hour_ago)
    )
    if (recent_for_person or 0) >= RESETS_PER_PERSON:
        return False
    link = _password_link(person, address, RESET_VALID)
    mail.queue(
        to=person.email,
        subject=_("Восстановление пароля — %(school)s", school=person.school.short_name),
        text=_(
            "Здравствуйте, %(name)s!\n\nКто-то (возможно, вы) попросил сменить пароль для "
            "входа в план перехода %(school)s, логин %(username)s. Чтобы задать новый пароль, "
            "откройте ссылку в течение часа:\n\n%(link)s\n\nСсылка действует один раз. Если "
            "вы не просили сменить пароль, ничего не делайте: прежний пароль остаётся в силе.",
            name=person.full_name,
            school=person.school.short_name,
            username=person.username,
            link=link,
        ),
        kind="password_reset",
        school_id=person.school_id,
    )
    audit.record(
        "person.password.request",
        "person",
        person.id,
        school_id=person.school_id,
        actor=None,
        changes={"reset_link": [None, "отправлена на почту"]},
    )
    db.session.flush()
    return True


def reset_by_link(token: str, new: str, repeat: str) -> Person:
    """Set a new password through a «забыли пароль?» link: once, within the hour; every
    session of the person ends."""
    reset = find_reset(token)
    if reset is None:
        raise DomainError(
            _("Ссылка недействительна: она уже использована или прошёл час. Запросите новую.")
        )
    person = reset.person
    if new != repeat:
        raise DomainError(_("Пароли не совпадают"), field="repeat")
    check_password_rules(new, person.username, known_words(person))
    reset.used_at = utcnow()
    _set_password(person, new, "person.password.reset_by_link", person)
    return person


def find_reset(token: str) -> PasswordReset | None:
    """The link's record while it may still be used, or None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(
        select(PasswordReset).where(
            PasswordReset.token_hash == hashlib.sha256(token.encode()).hexdigest()
        )
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    if not reset.person.is_active:
        return None
    return reset


def end_sessions(person: Person) -> None:
    """Every session cookie issued to this person stops working."""
    person.session_token = new_session_token()


def create_position(school: School, title: str, actor: Person) -> Position:
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("Укажите название должности"), field="title")
    if len(title) > 200:
        raise DomainError(_("Название длиннее 200 символов"), field="title")
    if any(position.title.lower() == title.lower() for position in school.positions):
        raise DomainError(_("Такая должность уже есть"), field="title")
    code = f"custom_{secrets.token_hex(4)}"
    order = max((position.sort_order for position in school.positions), default=0) + 1
    position = Position(school=school, code=code, title=title, aliases=[title], sort_order=order)
    db.session.add(position)
    db.session.flush()
    audit.record(
        "position.create",
        "position",
        position.id,
        school_id=school.id,
        actor=actor,
        changes={"title": [None, title]},
    )
    return position


MAX_ALIASES = 60


def edit_position(position: Position, title: str, aliases_text: str, actor: Person) -> None:
    """Rename a position and set the phrases plans use for it (one a line): what the import
    matches a plan's responsible cell against. A phrase another position already answers to
    is refused, naming that position."""
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Укажите название должности"), field="title")
    if len(title) > 200:
        raise DomainError(_("Название длиннее 200 символов"), field="title")
    others = [p for p in position.school.positions if p.id != position.id]
    if any(other.title.lower() == title.lower() for other in others):
        raise DomainError(_("Такая должность уже есть"), field="title")
    aliases: list[str] = []
    for line in (aliases_text or "").splitlines():
        phrase = " ".join(line.split())
        if not phrase or phrase.lower() in (a.lower() for a in aliases):
            continue
        if len(phrase) > 200:
            raise DomainError(
                _("Строка длиннее 200 символов: «%(start)s…»", start=phrase[:40]), field="aliases"
            )
        aliases.append(phrase)
    if len(aliases) > MAX_ALIASES:
        raise DomainError(_("Не больше %(count)d названий", count=MAX_ALIASES), field="aliases")
    taken = {
        key: other
        for other in others
        for phrase in [other.title, *(other.aliases or [])]
        if (key := normalize_phrase(phrase))
    }
    for phrase in [title, *aliases]:
        other = taken.get(normalize_phrase(phrase))
        if other is not None:
            raise DomainError(
                _(
                    "«%(phrase)s» уже означает должность «%(other)s»",
                    phrase=phrase,
                    other=other.title,
                ),
                field="aliases" if phrase != title else "title",
            )
    before = {"title": position.title, "aliases": list(position.aliases or [])}
    position.title, position.aliases = title, aliases
    db.session.flush()
    after = {"title": title, "aliases": aliases}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.record(
            "position.edit",
            "position",
            position.id,
            school_id=position.school_id,
            actor=actor,
            changes=changes,
        )


def fill_position(
    position: Position,
    person: Person,
    actor: Person | None,
    note: str = "",
    since: date | None = None,
) -> None:
    """Put a person into a position (idempotent); `since`: the day they take it (the director's
    page gives today; None, the seed and the demo: from the start)."""
    if person.school_id != position.school_id:
        raise DomainError(_("Сотрудник из другой школы"), field="person")
    if any(holder.person_id == person.id for holder in position.holders):
        return
    position.holders.append(PositionHolder(person=person, note=note.strip()[:200], since=since))
    db.session.flush()
    staff_changed.send(position.school)
    audit.record(
        "position.fill",
        "position",
        position.id,
        school_id=position.school_id,
        actor=actor,
        changes={"holders": [None, person.full_name]},
    )


def vacate_position(position: Position, person: Person, actor: Person | None) -> None:
    for holder in list(position.holders):
        if holder.person_id == person.id:
            db.session.delete(holder)
            db.session.flush()
            db.session.expire(position, ["holders"])
            db.session.expire(person, ["holdings"])
            staff_changed.send(position.school)
            audit.record(
                "position.vacate",
                "position",
                position.id,
                school_id=position.school_id,
                actor=actor,
                changes={"holders": [person.full_name, None]},
            )
            return
    raise DomainError(_("Этот сотрудник не занимает эту должность"), field="person")


def holders(school: School, code: str) -> list[Person]:
    """The active people filling a position, read from the tables (not from collections an
    earlier step of the same transaction may have loaded)."""
    return list(
        db.session.scalars(
            select(Person)
            .join(PositionHolder, PositionHolder.person_id == Person.id)
            .join(Position, Position.id == PositionHolder.position_id)
            .where(Position.school_id == school.id, Position.code == code, Person.is_active)
            .order_by(PositionHolder.id)
        )
    )


def people_by_id(ids: set[int]) -> dict[int, Person]:
    """People by their ids, in one query (none for no ids): the names a history shows."""
    if not ids:
        return {}
    return {
        person.id: person for person in db.session.scalars(select(Person).where(Person.id.in_(ids)))
    }


def active_people(school: School) -> list[Person]:
    """The school's active people by name: whom a task, a body or a check may name."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.school_id == school.id, Person.is_active.is_(True))
            .order_by(Person.full_name)
        )
    )
