"""People, positions and logins of a school. Services flush; the request or command commits."""

import re
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts.models import MANAGING_ROLES, Person, Position, PositionHolder, Role, School
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD, MAX_PASSWORD = 8, 128
# Compared against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-" + secrets.token_hex(8))


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def random_password() -> str:
    return secrets.token_urlsafe(12)


def check_password_rules(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise DomainError(
            _(
                "Пароль должен быть от %(min)d до %(max)d символов",
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
            ),
            field="password",
        )


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
) -> tuple[Person, str]:
    """Create a person with a login. Returns the person and the password to hand over."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise DomainError(
            _("Логин: от 2 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний"),
            field="username",
        )
    if db.session.scalar(select(func.count()).where(Person.username == username)):
        raise DomainError(_("Такой логин уже занят"), field="username")
    password = password or random_password()
    check_password_rules(password)
    person = Person(
        school=school,
        username=username,
        full_name=clean_full_name(full_name),
        role=Role(role),
        email=email.strip(),
        password_hash=generate_password_hash(password),
        session_token=new_session_token(),
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
    person: Person, *, full_name: str, role: Role, is_active: bool, actor: Person
) -> None:
    """Change a person's name, rights or access; disabling ends their sessions at once."""
    role = Role(role)
    if person.id == actor.id and (not is_active or role not in MANAGING_ROLES):
        raise DomainError(_("Нельзя лишить прав или отключить самого себя"), field="role")
    new_values = {"full_name": clean_full_name(full_name), "role": role, "is_active": is_active}
    changes = {}
    for name, value in new_values.items():
        before = getattr(person, name)
        if before != value:
            changes[name] = [str(before), str(value)]
            setattr(person, name, value)
    if not is_active and "is_active" in changes:
        end_sessions(person)
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
    """Make the person fill exactly these positions."""
    wanted = {position.id for position in positions}
    for position in list(person.positions):
        if position.id not in wanted:
            vacate_position(position, person, actor)
    held = {position.id for position in person.positions}
    for position in positions:
        if position.id not in held:
            fill_position(position, person, actor)


def authenticate(username: str, password: str) -> Person | None:
    """The person with this login and password, or None: unknown login and wrong password alike."""
    person = db.session.scalar(select(Person).where(Person.username == username.strip().lower()))
    if person is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(person.password_hash, password) or not person.is_active:
        return None
    return person


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


def fill_position(position: Position, person: Person, actor: Person | None, note: str = "") -> None:
    """Put a person into a position (idempotent)."""
    if person.school_id != position.school_id:
        raise DomainError(_("Сотрудник из другой школы"), field="person")
    if any(holder.person_id == person.id for holder in position.holders):
        return
    position.holders.append(PositionHolder(person=person, note=note.strip()[:200]))
    db.session.flush()
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
