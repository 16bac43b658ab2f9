"""Many schools besides the demo one, for measuring the pages at scale (`bench.pages`).

`build_schools(n, today, password)` adds schools `school-0001`…, each as a real school would be
after two years of work:

- the seed's positions; 15 people with Russian names (one per position, two more class
  teachers, two more teachers), all with the given password; logins `s0001.director`…;
- the seed plan imported (`import_plan`), six past tasks marked done or in progress;
- the four collegial bodies staffed; two acts adopted by the pedagogical council, given the
  parents' council's opinion and enacted by one director's order, the plan's approval items
  linked to them; the first act published (`publish(..., convert=False)`: no LibreOffice in
  bulk, so the PDF is marked failed, as when LibreOffice is missing);
- the seed's school calendar (`load_calendar`), the control checks (`load_checks`), their
  occurrences for the last two school years begun by `today` (`generate`), and a result for
  eight in nine occurrences due before `today`, one in 25 with violations and a
  recommendation (which becomes a follow-up task of the plan).

Two paths build the same rows:

- `bulk=False`: every school through the services, as the pages would. 0.5–0.9 s a school
  on a 2-core machine (two thirds of it recording ~150 control results, a fifth the approval
  route keeping the linked plan tasks in step): 5–9 minutes for N = 600, too slow for a
  benchmark that builds a new database for each N.
- `bulk=True` (the default): the first school is built through the services as above, all but
  its publication. Its rows are then read once, table by table in foreign-key order, and
  written again for every other school with plain INSERTs: every id moved past the table's
  last one (one offset per table, so references inside the copy stay consistent), every
  foreign key moved by its target table's offset, the ids inside JSON moved too (an
  occurrence's `term_ids`, the agenda item ids of a recorded meeting's audit entry), the
  audit entries' `object_id` moved by their object type's table; the school's own
  requisites, its people's logins, names and session tokens set anew, and every text
  mentioning the first school's names or its people's names (full, and «Фамилия И. О.»)
  rewritten with the new ones (the act's text, the audit trail, a follow-up task's
  responsible). Finally each school's first act is published through the service, which
  builds its DOCX from its own data. Same tables, same invariants (unique logins and tokens,
  one route per act, occurrences on the calendar's dates, the plan following the records);
  only the ids and names differ from one school to the next, and the timestamps are the
  first school's. About 0.05 s a school (the publication's DOCX most of it): N = 600 in
  under 30 s. `bulk=False` and `bulk=True` were checked to write the same rows, table by
  table, ids and timestamps aside.

One shortcut on both paths: a password hash (scrypt, ~0.1 s) is computed once per password
and reused for every person built here. It is a real hash of that password (logins work);
only its salt is shared. The session is committed and cleared every `COMMIT_EVERY` schools to
keep memory flat. The copy refuses a first school holding what it cannot copy faithfully
(files, generated documents, feed tokens).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from unittest import mock

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Position, PositionHolder, Role, School
from tracker.acts.models import LocalAct, PlanRole
from tracker.acts.samples import sample_text
from tracker.acts.services import create_act
from tracker.approvals.meetings import ItemDecision
from tracker.approvals.models import BodyKind, Decision
from tracker.approvals.orders import issue_order
from tracker.approvals.route import submit_for_review
from tracker.controls.services import (
    FindingInput,
    RecommendationInput,
    generate,
    load_calendar,
    load_checks,
    occurrences_of,
    years_of,
)
from tracker.demo import PLAN_ROLES as DEMO_PLAN_ROLES
from tracker.demo import checker_of, hold_meeting, link_plan_roles, record_check, staff_councils
from tracker.extensions import db
from tracker.seed import SEEDS, position_specs, read_toml

COMMIT_EVERY = 25
SLUG = "school-{:04d}"
LOGIN = "s{:04d}.{}"
TIMEZONE = "Europe/Moscow"
CITIES = (
    "Ставрополь",
    "Невинномысск",
    "Пятигорск",
    "Кисловодск",
    "Ессентуки",
    "Михайловск",
    "Георгиевск",
    "Буденновск",
    "Минеральные Воды",
    "Изобильный",
)
# Surnames in the masculine form; the feminine adds «а» (Иванов → Иванова).
SURNAMES = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
)
MALE_NAMES = (
    "Александр",
    "Алексей",
    "Андрей",
    "Антон",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Игорь",
    "Максим",
    "Михаил",
    "Николай",
    "Павел",
    "Роман",
    "Сергей",
    "Юрий",
)
FEMALE_NAMES = (
    "Анна",
    "Валентина",
    "Галина",
    "Екатерина",
    "Елена",
    "Ирина",
    "Марина",
    "Мария",
    "Наталья",
    "Ольга",
    "Светлана",
    "Татьяна",
    "Юлия",
    "Людмила",
    "Надежда",
    "Оксана",
)
# Fathers' names and the patronymics made from them (masculine, feminine).
PATRONYMICS = (
    ("Александрович", "Александровна"),
    ("Алексеевич", "Алексеевна"),
    ("Андреевич", "Андреевна"),
    ("Викторович", "Викторовна"),
    ("Владимирович", "Владимировна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Евгеньевич", "Евгеньевна"),
    ("Иванович", "Ивановна"),
    ("Михайлович", "Михайловна"),
    ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"),
    ("Петрович", "Петровна"),
    ("Сергеевич", "Сергеевна"),
    ("Юрьевич", "Юрьевна"),
)
# Besides one person per seed position: more class teachers and teachers (login suffix, code).
EXTRA_PEOPLE = (
    ("class_teacher2", "class_teacher"),
    ("class_teacher3", "class_teacher"),
    ("teacher2", "teacher"),
    ("teacher3", "teacher"),
)
SECOND_ACT = "Положение о защите персональных данных при ведении электронного журнала"
SECOND_ACT_TEXT = (
    "1. Общие положения\n1.1. Положение определяет порядок обработки персональных данных "
    "обучающихся и их родителей при ведении электронного журнала.\n2. Доступ\n2.1. Классный "
    "руководитель видит данные обучающихся своего класса, администрация — всех."
)
# The demo's plan roles but the discussion: the generated schools hold none.
PLAN_ROLES = {
    prefix: role for prefix, role in DEMO_PLAN_ROLES.items() if role != PlanRole.DISCUSSION
}


@dataclass
class ScaleReport:
    schools: int = 0
    people: int = 0
    tasks: int = 0
    occurrences: int = 0
    results: int = 0
    publications: int = 0
    seconds: float = 0.0
    bulk: bool = True
    slugs: list[str] = field(default_factory=list)

    @property
    def per_school(self) -> float:
        return self.seconds / self.schools if self.schools else 0.0


def full_name(rng: random.Random, female: bool) -> str:
    surname = rng.choice(SURNAMES)
    surname = surname + "а" if female else surname
    given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    return f"{surname} {given} {patronymic}"


def short_name(name: str) -> str:
    """«Иванова Т. П.», as `Person.short_name` makes it."""
    surname, *given = name.split()
    return " ".join([surname, *(f"{part[0]}." for part in given)])


@dataclass(frozen=True)
class Identity:
    """What makes one generated school different from another: all of it from its index."""

    index: int
    slug: str
    full_name: str
    short_name: str
    city: str
    people: tuple[tuple[str, str, str], ...]  # (username, position code, full name)

    @property
    def plan_title(self) -> str:
        return (
            f"План-график перехода {self.short_name} на электронный учет успеваемости "
            "и посещаемости обучающихся"
        )

    def login(self, suffix: str) -> str:
        return LOGIN.format(self.index, suffix)


def identity(index: int, positions: list[dict]) -> Identity:
    # Made-up names, the same on every run: not a secret, so not the `secrets` module.
    rng = random.Random(index)  # noqa: S311  # nosec B311
    city = CITIES[index % len(CITIES)]
    number = 100 + index  # clear of the seed school's № 20
    wanted = [(spec["demo"], spec["code"]) for spec in positions] + list(EXTRA_PEOPLE)
    names: list[str] = []
    for _ in wanted:  # no two alike, even as «Фамилия И. О.»: the copy renames by them
        name = full_name(rng, female=rng.random() < 0.75)
        while short_name(name) in {short_name(other) for other in names}:
            name = full_name(rng, female=rng.random() < 0.75)
        names.append(name)
    return Identity(
        index=index,
        slug=SLUG.format(index),
        full_name=(
            "Муниципальное бюджетное общеобразовательное учреждение средняя "
            f"общеобразовательная школа № {number} города {city}"
        ),
        short_name=f"МБОУ СОШ № {number}",
        city=city,
        people=tuple(
            (LOGIN.format(index, login), code, name)
            for (login, code), name in zip(wanted, names, strict=True)
        ),
    )


@contextmanager
def _one_hash_per_password() -> Iterator[None]:
    """`create_person` with the scrypt hash of each password computed once (see above)."""
    original: Callable[[str], str] = accounts.generate_password_hash

    @cache
    def hashed(password: str) -> str:
        return original(password)

    with mock.patch.object(accounts, "generate_password_hash", hashed):
        yield


@dataclass(frozen=True)
class _Seed:
    """What every school is built from, read once."""

    positions: list[dict]
    plan_text: str
    calendar_path: Path
    checks_path: Path


def _read_seed() -> _Seed:
    requisites = read_toml(SEEDS / "school20.toml")
    return _Seed(
        positions=position_specs(SEEDS),
        plan_text=(SEEDS / requisites["plan_file"]).read_text(encoding="utf-8"),
        calendar_path=SEEDS / "calendar.toml",
        checks_path=SEEDS / "controls.toml",
    )


def _free_indexes(n: int) -> list[int]:
    taken = set(db.session.scalars(select(School.slug).where(School.slug.like("school-%"))))
    indexes: list[int] = []
    index = 0
    while len(indexes) < n:
        index += 1
        if SLUG.format(index) not in taken:
            indexes.append(index)
    return indexes


def build_schools(n: int, today: date, password: str, *, bulk: bool = True) -> ScaleReport:
    """Add `n` schools (`school-0001`… after those already there), committing as it goes."""
    seed = _read_seed()
    identities = [identity(index, seed.positions) for index in _free_indexes(n)]
    report = ScaleReport(bulk=bulk)
    start = time.perf_counter()
    school_ids: list[int] = []
    from tracker.accounts import notices

    with _one_hash_per_password(), notices.quiet():  # a bulk load tells nobody
        if not bulk:
            for number, ident in enumerate(identities, start=1):
                school_ids.append(_build_school(ident, seed, today, password, publish=True))
                if number % COMMIT_EVERY == 0:
                    _commit()
        elif identities:
            first = identities[0]
            batch = [_build_school(first, seed, today, password, publish=False)]
            snapshot = _Snapshot(batch[0], first)
            for ident in identities[1:]:
                batch.append(snapshot.copy(ident))
                if len(batch) == COMMIT_EVERY:
                    school_ids += _publish_all(batch)
                    batch = []
            school_ids += _publish_all(batch)
    _commit()
    report.seconds = time.perf_counter() - start
    report.schools = len(school_ids)
    report.slugs = [ident.slug for ident in identities]
    _count(report, school_ids)
    return report


def _commit() -> None:
    db.session.commit()
    db.session.expunge_all()


def _publish_all(school_ids: list[int]) -> list[int]:
    """Each school's first act on its site, through the service; then a commit."""
    for school_id in school_ids:
        _publish(school_id)
    _commit()
    return school_ids


def _publish(school_id: int) -> None:
    from tracker.publication import services as publication

    act = db.session.scalar(
        select(LocalAct).where(LocalAct.school_id == school_id).order_by(LocalAct.id).limit(1)
    )
    director = db.session.scalar(
        select(Person)
        .join(PositionHolder, PositionHolder.person_id == Person.id)
        .join(Position, Position.id == PositionHolder.position_id)
        .where(Position.school_id == school_id, Position.code == "director")
        .order_by(Person.id)
        .limit(1)
    )
    publication.publish(act, director, convert=False)


def _count(report: ScaleReport, school_ids: list[int]) -> None:
    from tracker.controls.models import ControlCheck, Occurrence
    from tracker.plans.models import Plan, Task
    from tracker.publication.models import Publication

    def count(query) -> int:
        total = 0
        for start in range(0, len(school_ids), 500):  # SQLite's limit on bound parameters
            total += db.session.scalar(query(school_ids[start : start + 500])) or 0
        return total

    report.people = count(
        lambda ids: select(func.count(Person.id)).where(Person.school_id.in_(ids))
    )
    report.tasks = count(
        lambda ids: select(func.count(Task.id)).join(Plan).where(Plan.school_id.in_(ids))
    )
    occurrences = select(func.count(Occurrence.id)).join(ControlCheck)
    report.occurrences = count(lambda ids: occurrences.where(ControlCheck.school_id.in_(ids)))
    report.results = count(
        lambda ids: occurrences.where(ControlCheck.school_id.in_(ids), Occurrence.is_done)
    )
    report.publications = count(
        lambda ids: select(func.count(Publication.id)).where(Publication.school_id.in_(ids))
    )


def _build_school(ident: Identity, seed: _Seed, today: date, password: str, *, publish: bool):
    """One school through the services; its id."""
    from tracker.plans.importer import import_plan

    school = School(
        slug=ident.slug,
        full_name=ident.full_name,
        short_name=ident.short_name,
        city=ident.city,
        address=f"г. {ident.city}",
        website="",
        timezone=TIMEZONE,
    )
    db.session.add(school)
    for order, spec in enumerate(seed.positions, start=1):
        school.positions.append(
            Position(
                code=spec["code"], title=spec["title"], aliases=spec["aliases"], sort_order=order
            )
        )
    db.session.flush()
    people = _people(school, ident, password)
    tasks = import_plan(school, seed.plan_text, title=ident.plan_title).tasks
    director = people[ident.login("director")]
    _move_plan(tasks, director, today)
    acts = _approvals(school, tasks, people, ident, director, today)
    _controls(school, seed, people[ident.login("class_teacher")], director, today)
    if publish:
        from tracker.publication import services as publication

        publication.publish(acts[0], director, convert=False)
    db.session.flush()
    return school.id


def _people(school: School, ident: Identity, password: str) -> dict[str, Person]:
    by_code = {position.code: position for position in school.positions}
    people = {}
    for username, code, name in ident.people:
        person, _ = accounts.create_person(
            school,
            username=username,
            full_name=name,
            role=Role.DIRECTOR if code == "director" else Role.STAFF,
            password=password,
            must_change_password=False,
        )
        accounts.fill_position(by_code[code], person, actor=None)
        people[username] = person
    return people


def _move_plan(tasks, director: Person, today: date) -> None:
    """A few past tasks done and one in progress, by their first responsible person."""
    from tracker.plans import services as plans
    from tracker.plans.models import TaskStatus

    dated = [task for task in tasks if task.due_on and task.due_on < today]
    for number, task in enumerate(dated[:6]):
        holders = [h.person for p in task.positions for h in p.holders]
        actor = holders[0] if holders else director
        status = TaskStatus.IN_PROGRESS if number == 5 else TaskStatus.DONE
        plans.change_status(task, actor, status, note="Выполнено в срок.")


def _approvals(
    school: School,
    tasks: list,
    people: dict[str, Person],
    ident: Identity,
    director: Person,
    today: date,
) -> list:
    """The councils staffed; two acts adopted, given the parents' opinion and enacted."""
    people = {username.split(".", 1)[1]: person for username, person in people.items()}
    bodies = staff_councils(school, director, people, ped_members=30)
    owner = people["deputy_uvr"]
    title, text = sample_text(school, "ezh_regulation")
    acts = [
        create_act(school, owner, title, text),
        create_act(school, owner, SECOND_ACT, SECOND_ACT_TEXT),
    ]
    link_plan_roles(tasks, acts, director, PLAN_ROLES)
    for act in acts:
        submit_for_review(act, owner, None)
    council_day = today - timedelta(days=40)
    for body, day, present, decision in (
        (bodies[BodyKind.PED_COUNCIL], council_day, 26, ItemDecision(Decision.ADOPTED, 25, 0, 1)),
        (
            bodies[BodyKind.PARENTS_COUNCIL],
            council_day + timedelta(days=6),
            10,
            ItemDecision(Decision.OPINION_FOR, 10, 0, 0),
        ),
    ):
        hold_meeting(
            body,
            day=day,
            place="Актовый зал",
            present=present,
            acts=acts,
            decision=decision,
            today=today,
        )
    order_day = council_day + timedelta(days=9)
    issue_order(
        school,
        director,
        number="12",
        issued_on=order_day,
        title="Об утверждении локальных актов о ведении электронного журнала",
        acts=acts,
        in_force_on=order_day,
        today=today,
    )
    return acts


def _controls(school: School, seed: _Seed, teacher: Person, director: Person, today: date) -> None:
    """The calendar and checks; occurrences of the two latest begun years; results recorded."""
    load_calendar(school, seed.calendar_path)
    load_checks(school, seed.checks_path)
    years = [year for year in years_of(school) if year.starts_on <= today][-2:]
    generate(school, None, today, years=years)
    past = sorted(  # ties broken by id: every school, and every database, alike
        (
            occurrence
            for year in years
            for occurrence in occurrences_of(school, year)
            if occurrence.due_on < today
        ),
        key=lambda occurrence: (occurrence.due_on, occurrence.id),
    )
    for number, occurrence in enumerate(past):
        if number % 9 == 8:
            continue  # left overdue
        checker = checker_of(occurrence.check, director)
        if number % 25 != 7:
            record_check(occurrence, checker, today)
            continue
        record_check(
            occurrence,
            checker,
            today,
            violation=FindingInput(
                occurrence.check.criteria[0], 2, "5А, 7Б: отметки внесены через день"
            ),
            conclusion="Отметки в двух классах внесены с опозданием.",
            recommendations=[
                RecommendationInput(
                    "Вносить отметки в день урока", teacher, occurrence.due_on + timedelta(days=10)
                )
            ],
        )


# --- the bulk path: the first school's rows copied for the others (see the docstring) ---

SKIP_TABLES = frozenset({"login_attempts", "feed_tokens", "feed_sequences", "feed_misses"})
# Rows that hold files or bytes made from the school's data: the first school must have none
# when it is copied (its publication comes after, through the service, for every school).
NOT_COPIED = ("generated_documents", "publications", "document_templates", "control_attachments")
# A term-end occurrence's key names its term: "2024:end:term-37".
TERM_KEY = re.compile(r"\bterm-(\d+)\b")
AUDIT_OBJECTS = {
    "school": "schools",
    "person": "people",
    "position": "positions",
    "plan": "plans",
    "task": "tasks",
    "act": "local_acts",
    "body": "collegial_bodies",
    "meeting": "meetings",
    "order": "orders",
    "year": "academic_years",
    "control_check": "control_checks",
    "document": "generated_documents",
    "document_template": "document_templates",
}


class _Snapshot:
    """The rows of one school, read once, to be written again as other schools."""

    def __init__(self, school_id: int, ident: Identity) -> None:
        self.school_id = school_id
        self.ident = ident
        self.tables: list[tuple[Table, list[dict]]] = []
        self.spans: dict[str, tuple[int, int]] = {}  # table: (lowest id, highest id)
        self.targets: dict[str, dict[str, str]] = {}  # table: {column: referenced table}
        session: Session = db.session
        session.flush()
        owned: dict[str, list[int]] = {}
        for table in db.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            query = self._owned_rows(table, owned)
            if query is None:
                continue
            rows = [dict(row._mapping) for row in session.execute(query)]
            if table.name in NOT_COPIED and rows:
                raise ValueError(f"the first school has {table.name}: it cannot be copied")
            if not rows:
                continue
            if "id" in table.c:
                ids = [row["id"] for row in rows]
                owned[table.name] = ids
                self.spans[table.name] = (min(ids), max(ids))
            self.targets[table.name] = {
                key.parent.name: key.column.table.name for key in table.foreign_keys
            }
            self.tables.append((table, rows))
        for table, rows in self.tables:
            if table.name == "tasks" and any(row["completion_file_key"] for row in rows):
                raise ValueError("the first school has task files: they cannot be copied")
            if table.name == "audit_entries":
                unknown = {row["object_type"] for row in rows} - set(AUDIT_OBJECTS)
                if unknown:
                    raise ValueError(f"audit entries about {unknown}: not known to the copy")

    def _owned_rows(self, table: Table, owned: dict[str, list[int]]):
        if table.name == "schools":
            return select(table).where(table.c.id == self.school_id)
        if "school_id" in table.c:
            query = select(table).where(table.c.school_id == self.school_id)
        else:
            link = next(
                (
                    key
                    for key in sorted(table.foreign_keys, key=lambda key: key.parent.name)
                    if not key.parent.nullable and key.column.table.name in owned
                ),
                None,
            )
            if link is None:
                return None
            query = select(table).where(link.parent.in_(owned[link.column.table.name]))
        return query.order_by(table.c.id) if "id" in table.c else query

    def copy(self, ident: Identity) -> int:
        """Write the rows again as the school `ident`; its id."""
        session: Session = db.session
        deltas = {}
        for name, (lowest, _highest) in self.spans.items():
            table = db.metadata.tables[name]
            last = session.scalar(select(func.max(table.c.id))) or 0
            deltas[name] = last + 1 - lowest
        rename = _renamer(self.ident, ident)
        names = {username: name for username, _code, name in ident.people}
        for table, rows in self.tables:
            written = [self._moved(table, row, deltas, rename) for row in rows]
            if table.name == "schools":
                for row in written:
                    row.update(
                        slug=ident.slug,
                        full_name=ident.full_name,
                        short_name=ident.short_name,
                        city=ident.city,
                        address=f"г. {ident.city}",
                    )
            elif table.name == "people":
                for row in written:  # login and name rewritten like every text; checked
                    if names.get(row["username"]) != row["full_name"]:
                        raise ValueError(f"{row['username']}: not renamed as {ident.slug}'s")
                    row["session_token"] = accounts.new_session_token()
            session.execute(table.insert(), written)
        if session.get_bind().dialect.name == "postgresql":
            # Explicit ids leave the sequences behind: the next ORM insert must not reuse one.
            for name in self.spans:
                session.execute(
                    text("SELECT setval(pg_get_serial_sequence(:name, 'id'), :last)"),
                    {"name": name, "last": self.spans[name][1] + deltas[name]},
                )
        return self.school_id + deltas["schools"]

    def _moved(self, table: Table, row: dict, deltas: dict[str, int], rename) -> dict:
        targets = self.targets[table.name]
        moved = {}
        for name, value in row.items():
            target = targets.get(name)
            if name == "id" and table.name in deltas:
                value += deltas[table.name]
            elif target is not None and value is not None:
                value = self._moved_id(target, value, deltas)
            elif isinstance(value, str):
                value = rename(value)
            elif isinstance(value, list | dict):
                value = _renamed_json(value, rename)
            moved[name] = value
        if table.name == "control_occurrences":
            moved["term_ids"] = [self._moved_id("terms", i, deltas) for i in row["term_ids"]]
            moved["period_key"] = TERM_KEY.sub(
                lambda match: f"term-{self._moved_id('terms', int(match.group(1)), deltas)}",
                row["period_key"],
            )
        elif table.name == "audit_entries":
            if row["object_id"] is not None:
                target = AUDIT_OBJECTS[row["object_type"]]
                moved["object_id"] = self._moved_id(target, row["object_id"], deltas)
            if row["action"] == "meeting.record":
                decisions = moved["changes"]["decisions"]
                decisions[1] = {
                    str(self._moved_id("agenda_items", int(key), deltas)): value
                    for key, value in decisions[1].items()
                }
        return moved

    def _moved_id(self, target: str, value: int, deltas: dict[str, int]) -> int:
        lowest, highest = self.spans.get(target, (0, -1))
        if not lowest <= value <= highest:
            raise ValueError(f"{target} {value} is not the first school's: it cannot be copied")
        return value + deltas[target]


def _renamer(old: Identity, new: Identity) -> Callable[[str], str]:
    """Rewrites the first school's names, and its people's names and logins, as the new
    school's: in one pass, so a name that is also another's new name is not rewritten twice."""
    names = {old.full_name: new.full_name, old.short_name: new.short_name}
    for (login, _, before), (new_login, _, after) in zip(old.people, new.people, strict=True):
        names[login] = new_login
        names[before] = after
        names[short_name(before)] = short_name(after)
    pattern = re.compile(
        "|".join(re.escape(name) + r"(?!\d)" for name in sorted(names, key=len, reverse=True))
    )

    def rename(value: str) -> str:
        return pattern.sub(lambda match: names[match.group(0)], value)

    return rename


def _renamed_json(value, rename: Callable[[str], str]):
    if isinstance(value, str):
        return rename(value)
    if isinstance(value, list):
        return [_renamed_json(item, rename) for item in value]
    if isinstance(value, dict):
        return {rename(key): _renamed_json(item, rename) for key, item in value.items()}
    return value


def main() -> None:
    """`python -m bench.scale N --password P`: add N generated schools to the database that
    `TRACKER_DATABASE_URL` names (the demo loaded first, as `bench.load` does)."""
    import argparse

    from tracker import create_app
    from tracker.types import today_in

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("schools", type=int)
    parser.add_argument("--password", required=True)
    options = parser.parse_args()
    app = create_app()
    with app.app_context():
        built = build_schools(options.schools, today_in(TIMEZONE), options.password)
    print(
        f"Добавлено школ: {built.schools} ({built.slugs[0]} … {built.slugs[-1]}), "
        f"сотрудников: {built.people}, задач: {built.tasks}, проверок: {built.occurrences}; "
        f"{built.seconds:.1f} с."
    )


if __name__ == "__main__":
    main()
