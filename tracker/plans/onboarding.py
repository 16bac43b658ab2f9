"""A new school comes aboard (the installation's operator, on the web or with `tracker schools
create`): its requisites, the usual catalogue of positions (`seeds/catalogue.toml`), its first
director with a single-use link to set a password, and, if asked, school № 20's plan as a
template re-dated to the school's coming year."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from sqlalchemy import func, select

from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Role, School
from tracker.audit import services as audit
from tracker.config import SEEDS
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.importer import ImportResult, import_plan
from tracker.plans.models import Plan, Task
from tracker.types import today_in

TEMPLATE_TITLE = "План-график перехода на электронный журнал"
# The time zones of Russia, west to east, as the school's requisites offer them.
TIMEZONES = (
    ("Europe/Kaliningrad", "Калининград (МСК−1)"),
    ("Europe/Moscow", "Москва (МСК)"),
    ("Europe/Samara", "Самара (МСК+1)"),
    ("Asia/Yekaterinburg", "Екатеринбург (МСК+2)"),
    ("Asia/Omsk", "Омск (МСК+3)"),
    ("Asia/Novosibirsk", "Новосибирск (МСК+4)"),
    ("Asia/Krasnoyarsk", "Красноярск (МСК+4)"),
    ("Asia/Irkutsk", "Иркутск (МСК+5)"),
    ("Asia/Yakutsk", "Якутск (МСК+6)"),
    ("Asia/Vladivostok", "Владивосток (МСК+7)"),
    ("Asia/Magadan", "Магадан (МСК+8)"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский (МСК+9)"),
)


@dataclass
class Onboarded:
    school: School
    director: Person
    link: str  # the director's first-login link, shown once
    template: ImportResult | None = None
    years: int = 0  # how many years the template's dates were moved on


def catalogue() -> list[dict]:
    with (SEEDS / "catalogue.toml").open("rb") as file:
        return tomllib.load(file)["position"]


def _template_text() -> str:
    with (SEEDS / "school20.toml").open("rb") as file:
        plan_file = tomllib.load(file)["plan_file"]
    return (SEEDS / plan_file).read_text("utf-8")


def onboard_school(
    *,
    slug: str,
    full_name: str,
    short_name: str = "",
    city: str = "",
    address: str = "",
    timezone: str = "Europe/Moscow",
    inn: str = "",
    ogrn: str = "",
    director_login: str,
    director_name: str,
    director_email: str = "",
    template: bool = False,
    actor: Person | None = None,
) -> Onboarded:
    """Create the school, its positions and its director (filling the director's position);
    each refusal names its field and nothing is kept (the caller's transaction)."""
    school = accounts.create_school(
        slug=slug,
        full_name=full_name,
        short_name=short_name,
        city=city,
        address=address,
        timezone=timezone,
        positions=catalogue(),
        inn=inn,
        ogrn=ogrn,
    )
    director, _password = accounts.create_person(
        school,
        username=director_login,
        full_name=director_name,
        role=Role.DIRECTOR,
        email=director_email,
        actor=actor,
        must_change_password=True,
    )
    accounts.fill_position(
        next(p for p in school.positions if p.code == "director"), director, actor=actor
    )
    done = Onboarded(school, director, "")
    if template:
        done.template = import_plan(school, _template_text(), title=TEMPLATE_TITLE, actor=actor)
        done.years = plans.years_to_come(done.template.tasks, today_in(school.timezone))
        plans.shift_plan(done.template.tasks, done.years, actor)
    done.link = accounts.first_login_link(director)
    return done


@dataclass
class SchoolRow:
    school: School
    people: int
    tasks: int
    plan: str


def schools_overview() -> list[SchoolRow]:
    """Every school of the installation with how many people and tasks it has: what the
    operator sees (nothing inside a school)."""
    people = (
        select(Person.school_id, func.count().label("n"))
        .where(Person.is_active)
        .group_by(Person.school_id)
        .subquery()
    )
    tasks = (
        select(Plan.school_id, func.count(Task.id).label("n"), func.min(Plan.title).label("title"))
        .join(Task, Task.plan_id == Plan.id, isouter=True)
        .group_by(Plan.school_id)
        .subquery()
    )
    rows = db.session.execute(
        select(School, people.c.n, tasks.c.n, tasks.c.title)
        .join(people, people.c.school_id == School.id, isouter=True)
        .join(tasks, tasks.c.school_id == School.id, isouter=True)
        .order_by(School.short_name, School.id)
    )
    return [SchoolRow(school, n or 0, t or 0, title or "") for school, n, t, title in rows]


def set_operator(person: Person, on: bool, actor: Person | None = None) -> None:
    """Let a person run the installation (create schools, see their list), or stop them."""
    if person.runs_installation == on:
        return
    person.runs_installation = on
    db.session.flush()
    audit.record(
        "person.operator",
        "person",
        person.id,
        school_id=person.school_id,
        actor=actor,
        changes={"runs_installation": [not on, on]},
    )
