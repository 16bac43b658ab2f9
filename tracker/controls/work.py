"""Recurring work done occurrence by occurrence, and by each person who must do it.

A check's occurrence is the checker's work (the deputy who runs the check). When the plan's item
names other positions beside the checker's (class teachers print their class's journal at each
quarter's end), each holder of those positions has a *part* of every occurrence, done when they
mark it. The director is left out of the parts: on such items the director controls.

The reads here give every person their work as one list (`work_of`): the occurrences they check
and the parts they owe, each with its date and state, for their dashboard, «Мои задачи» and their
calendar feed. A recurring item of the plan follows its occurrences (`sync_task`): «в работе»
once one is done, «выполнено» when every one is, and the phase's progress counts the share of the
occurrences due so far (`shares`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import MANAGING_ROLES, Person, Position, PositionHolder, School
from tracker.accounts.signals import staff_changed
from tracker.audit import services as audit
from tracker.controls.models import (
    STATE_LABELS,
    ControlCheck,
    Occurrence,
    OccurrenceState,
    PartDone,
)
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task, TaskStatus, task_assignees, task_positions
from tracker.types import ru_date

# --- the school's recurring work read as rows ---
#
# The pages that only show work (the dashboard, «Кто отстаёт», the calendar feed, the digest,
# the plan's timeline) read it as plain rows with the attributes of the models the rules below
# ask of: a dashboard's 12 checks and 170 occurrences cost 0.3 ms so, 7 ms as ORM objects. What
# changes the records (`sync_task`, marking a part) reads the objects (`load_objects`).


@dataclass(slots=True, eq=False)
class PersonRow:
    id: int
    full_name: str
    is_active: bool
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGING_ROLES


@dataclass(slots=True, eq=False)
class HolderRow:
    person: PersonRow
    since: date | None


@dataclass(slots=True, eq=False)
class PositionRow:
    id: int
    title: str
    holders: list[HolderRow]


@dataclass(slots=True, eq=False)
class ItemRow:
    """A recurring item of the plan: its status and who it names."""

    id: int
    status: str
    assignees: list[PersonRow]
    positions: list[PositionRow]


@dataclass(slots=True, eq=False)
class PartRow:
    person_id: int


@dataclass(slots=True, eq=False)
class CheckRow:
    id: int
    title: str
    sort_order: int
    position_id: int | None
    task_id: int | None
    position: PositionRow | None
    occurrences: list[OccurrenceRow]


@dataclass(slots=True, eq=False)
class OccurrenceRow:
    id: int
    check: CheckRow
    label: str
    due_on: date
    is_done: bool
    is_orphan: bool
    checked_on: date | None
    parts_done: list[PartRow]


@dataclass(frozen=True)
class Work:
    """One dated thing to do: an occurrence to check (`person` None) or a person's part of it."""

    occurrence: OccurrenceRow
    person: PersonRow | None = None
    part: PartRow | None = None

    @property
    def check(self) -> CheckRow:
        return self.occurrence.check

    @property
    def due_on(self) -> date:
        return self.occurrence.due_on

    @property
    def is_done(self) -> bool:
        return self.part is not None if self.person is not None else self.occurrence.is_done

    @property
    def title(self) -> str:
        return f"{self.check.title} ({self.occurrence.label})"

    def state(self, today: date) -> OccurrenceState:
        if self.is_done:
            return OccurrenceState.DONE
        if self.due_on < today:
            return OccurrenceState.OVERDUE
        if self.due_on - today <= timedelta(days=7):
            return OccurrenceState.DUE
        return OccurrenceState.NOT_YET

    def state_label(self, today: date) -> str:
        return str(STATE_LABELS[self.state(today)])


# --- who does a part ---


def _checks(school: School) -> list[ControlCheck]:
    """The school's checks, each with its occurrences and the positions, holders and people of
    its plan item, in five queries."""
    return list(
        db.session.scalars(
            select(ControlCheck)
            .where(ControlCheck.school_id == school.id)
            .order_by(ControlCheck.sort_order, ControlCheck.id)
            .options(
                selectinload(ControlCheck.position),
                selectinload(ControlCheck.occurrences).selectinload(Occurrence.parts_done),
            )
        )
    )


def _items(checks: Sequence[ControlCheck]) -> dict[int, Task]:
    ids = [check.task_id for check in checks if check.task_id]
    if not ids:
        return {}
    tasks = db.session.scalars(
        select(Task)
        .where(Task.id.in_(ids))
        .options(
            selectinload(Task.positions)
            .selectinload(Position.holders)
            .selectinload(PositionHolder.person),
            selectinload(Task.assignees),
        )
    )
    return {task.id: task for task in tasks}


# A person who owes parts, and since when (None: always); as an object or a row.
Doer = tuple["Person | PersonRow", "date | None"]


def _pairs(check: ControlCheck | CheckRow, item: Task | ItemRow | None) -> list[Doer]:
    """The people who owe a part of the check's occurrences, each with the day they took the
    position (a class teacher who came in December owes nothing for October): the people named
    on its plan item, or else the holders of its positions other than the checker's; never the
    director, never someone who left."""
    if item is None:
        return []
    if item.assignees:
        found: list[Doer] = [(person, None) for person in item.assignees]
    else:
        found = [
            (holder.person, holder.since)
            for position in item.positions
            if position.id != check.position_id
            for holder in position.holders
        ]
    seen: dict[int, Doer] = {}
    for person, since in found:
        if person.is_active and not person.is_manager:
            earlier = seen.get(person.id)
            if earlier is None or (
                earlier[1] is not None and (since is None or since < earlier[1])
            ):
                seen[person.id] = (person, since)
    return sorted(seen.values(), key=lambda pair: pair[0].full_name)


def _before(day: date | None, other: date | None) -> bool:
    """`day` is earlier than `other`, None being the earliest of all."""
    return other is not None and (day is None or day < other)


def _at(pairs: Sequence[Doer], day: date | None) -> list[Person | PersonRow]:
    """Those of `pairs` who owed their part of an occurrence due on `day`."""
    return [person for person, since in pairs if since is None or day is None or since <= day]


def doers(check: ControlCheck, item: Task | None, on: date | None = None) -> list[Person]:
    """The people who owe a part of the check's occurrence due `on` (of any, when None)."""
    return cast(list[Person], _at(_pairs(check, item), on))  # objects in, objects out


@dataclass(frozen=True)
class Parts:
    """Who has done their part of one occurrence, and who has not."""

    done: list[PartDone]
    missing: list[Person]

    @property
    def total(self) -> int:
        return len(self.done) + len(self.missing)


def parts_of(occurrence: Occurrence) -> Parts:
    return part_holders([occurrence])[occurrence.id]


def owes_part(person: Person, occurrence: Occurrence) -> bool:
    check = occurrence.check
    item = _items([check]).get(check.task_id or 0)
    return any(p.id == person.id for p in doers(check, item, occurrence.due_on))


# --- a person's work ---


def _holds(person: Person, check: ControlCheck | CheckRow) -> bool:
    return check.position_id is not None and any(
        position.id == check.position_id for position in person.positions
    )


@dataclass(frozen=True)
class Loaded:
    """A school's checks with their occurrences and plan items as rows, read once for a page
    that asks several questions of them (the dashboard: progress shares and the person's work)."""

    checks: list[CheckRow]
    items: dict[int, ItemRow]


@dataclass(frozen=True)
class Objects:
    """The same as ORM objects, for what writes: `sync_task` sets the items' status."""

    checks: list[ControlCheck]
    items: dict[int, Task]


def load_objects(school: School) -> Objects:
    checks = _checks(school)
    return Objects(checks, _items(checks))


def load(school: School) -> Loaded:
    """The school's checks, occurrences, parts done and recurring items as rows, in six reads
    of columns (in the order of `_checks`: the checks, each one's occurrences by date)."""
    checks = check_rows(school)
    return Loaded(checks, _item_rows([check.task_id for check in checks if check.task_id]))


def check_rows(school: School) -> list[CheckRow]:
    """The school's checks with their occurrences (by date) and the parts done of each."""
    run = db.session.execute
    checks: dict[int, CheckRow] = {}
    for check_id, title, sort_order, position_id, task_id, position_title in run(
        select(
            ControlCheck.id,
            ControlCheck.title,
            ControlCheck.sort_order,
            ControlCheck.position_id,
            ControlCheck.task_id,
            Position.title,
        )
        .outerjoin(Position, Position.id == ControlCheck.position_id)
        .where(ControlCheck.school_id == school.id)
        .order_by(ControlCheck.sort_order, ControlCheck.id)
    ):
        position = PositionRow(position_id, position_title, []) if position_id else None
        checks[check_id] = CheckRow(check_id, title, sort_order, position_id, task_id, position, [])
    if not checks:
        return []
    occurrences: dict[int, OccurrenceRow] = {}
    for occurrence_id, check_id, label, due_on, is_done, is_orphan, checked_on in run(
        select(
            Occurrence.id,
            Occurrence.check_id,
            Occurrence.label,
            Occurrence.due_on,
            Occurrence.is_done,
            Occurrence.is_orphan,
            Occurrence.checked_on,
        )
        .where(Occurrence.check_id.in_(checks))
        .order_by(Occurrence.due_on, Occurrence.id)
    ):
        check = checks[check_id]
        occurrence = OccurrenceRow(
            occurrence_id, check, label, due_on, is_done, is_orphan, checked_on, []
        )
        occurrences[occurrence_id] = occurrence
        check.occurrences.append(occurrence)
    for occurrence_id, person_id in run(
        select(PartDone.occurrence_id, PartDone.person_id)
        .join(Occurrence, Occurrence.id == PartDone.occurrence_id)
        .where(Occurrence.check_id.in_(checks))
        .order_by(PartDone.id)
    ):
        marked = occurrences.get(occurrence_id)
        if marked is not None:  # (one generated between the two reads: not in this page)
            marked.parts_done.append(PartRow(person_id))
    return list(checks.values())


def _item_rows(task_ids: list[int]) -> dict[int, ItemRow]:
    """The recurring items with the people they name and their positions' holders (one row
    for each person, wherever she appears)."""
    if not task_ids:
        return {}
    run = db.session.execute
    items = {
        task_id: ItemRow(task_id, status, [], [])
        for task_id, status in run(select(Task.id, Task.status).where(Task.id.in_(task_ids)))
    }
    if not items:
        return items
    people: dict[int, PersonRow] = {}

    def person(person_id: int, full_name: str, is_active: bool, role: str) -> PersonRow:
        found = people.get(person_id)
        if found is None:
            found = people[person_id] = PersonRow(person_id, full_name, is_active, role)
        return found

    named = (Person.id, Person.full_name, Person.is_active, Person.role)
    for task_id, *who in run(
        select(task_assignees.c.task_id, *named)
        .join(Person, Person.id == task_assignees.c.person_id)
        .where(task_assignees.c.task_id.in_(items))
        .order_by(Person.full_name)
    ):
        items[task_id].assignees.append(person(*who))
    positions: dict[tuple[int, int], PositionRow] = {}
    for task_id, position_id, position_title, since, *who in run(
        select(task_positions.c.task_id, Position.id, Position.title, PositionHolder.since, *named)
        .join(Position, Position.id == task_positions.c.position_id)
        .outerjoin(PositionHolder, PositionHolder.position_id == Position.id)
        .outerjoin(Person, Person.id == PositionHolder.person_id)
        .where(task_positions.c.task_id.in_(items))
        .order_by(task_positions.c.task_id, Position.sort_order, Position.id, PositionHolder.id)
    ):
        position = positions.get((task_id, position_id))
        if position is None:
            position = positions[task_id, position_id] = PositionRow(
                position_id, position_title, []
            )
            items[task_id].positions.append(position)
        if who[0] is not None:
            position.holders.append(HolderRow(person(*who), since))
    return items


def work_of(
    school: School,
    person: Person | None,
    *,
    until: date | None = None,
    loaded: Loaded | None = None,
) -> list[Work]:
    """Every occurrence `person` checks and every part they owe, up to `until` (all when None),
    by date; with `person` None, the whole school's occurrences (the director's view)."""
    loaded = loaded or load(school)
    checks, items = loaded.checks, loaded.items
    found: list[Work] = []
    for check in checks:
        mine = person is None or _holds(person, check)
        pairs = [
            pair
            for pair in _pairs(check, items.get(check.task_id or 0))
            if person is not None and pair[0].id == person.id
        ]
        if not (mine or pairs):
            continue
        for occurrence in check.occurrences:
            if occurrence.is_orphan or (until is not None and occurrence.due_on > until):
                continue
            if mine:
                found.append(Work(occurrence))
            if person is not None and _at(pairs, occurrence.due_on):
                part = next((p for p in occurrence.parts_done if p.person_id == person.id), None)
                found.append(Work(occurrence, person, part))
    found.sort(key=lambda work: (work.due_on, work.check.sort_order, work.person is not None))
    return found


@dataclass(frozen=True)
class WorkSummary:
    overdue: list[Work]
    upcoming: list[Work]


def summary(
    school: School,
    person: Person,
    today: date,
    days: int,
    *,
    everyone: bool = False,
    loaded: Loaded | None = None,
) -> WorkSummary:
    """What is late and what is due within `days`: a person's own (and the next date of each of
    their works that has none so soon: a quarter's end is seen a month ahead), or (`everyone`,
    the director) the whole school's occurrences."""
    horizon = today + timedelta(days=days)
    items = work_of(
        school,
        None if everyone else person,
        until=horizon if everyone else None,
        loaded=loaded,
    )
    open_items = [work for work in items if not work.is_done]
    upcoming = [work for work in open_items if today <= work.due_on <= horizon]
    if not everyone:
        shown = {(work.check.id, work.person is not None) for work in upcoming}
        for work in open_items:
            kind = (work.check.id, work.person is not None)
            if work.due_on > horizon and kind not in shown:
                upcoming.append(work)
                shown.add(kind)
    return WorkSummary(
        overdue=[work for work in open_items if work.due_on < today],
        upcoming=upcoming,
    )


# --- marking a part done ---


def may_mark_part(actor: Person, occurrence: Occurrence, person: Person) -> bool:
    """A person marks their own part; the checker and the director may mark it for them."""
    if actor.school_id != occurrence.check.school_id:
        return False
    return actor.id == person.id or actor.is_manager or _holds(actor, occurrence.check)


def mark_part(
    occurrence: Occurrence, person: Person, actor: Person, *, note: str, today: date
) -> PartDone:
    check = occurrence.check
    if not may_mark_part(actor, occurrence, person):
        raise DomainError(_("Отметить можно только свою часть работы"))
    if occurrence.is_orphan:
        raise DomainError(_("Этого срока больше нет в календаре школы"))
    if not owes_part(person, occurrence):
        raise DomainError(_("%(name)s не участвует в этой работе", name=person.full_name))
    if any(part.person_id == person.id for part in occurrence.parts_done):
        raise DomainError(_("Эта часть уже отмечена выполненной"))
    if occurrence.due_on - today > timedelta(days=31):
        raise DomainError(
            _(
                "Срок — %(day)s: отметить выполнение можно не раньше чем за месяц",
                day=ru_date(occurrence.due_on),
            )
        )
    part = PartDone(
        occurrence=occurrence,
        person_id=person.id,
        done_on=today,
        note=plans.clean_text(note, "note", 2000),
        recorded_by_id=actor.id,
    )
    db.session.add(part)
    db.session.flush()
    audit.record_new(
        "control.part",
        "control_occurrence",
        occurrence.id,
        check.school_id,
        actor,
        occurrence=f"{occurrence.label} ({ru_date(occurrence.due_on)})",
        person=person.full_name,
        **({"note": part.note} if part.note else {}),
    )
    sync_task(check)
    return part


def unmark_part(part: PartDone, actor: Person, reason: str) -> None:
    """Take back a part marked by mistake: its person, the checker or the director, with why."""
    occurrence = part.occurrence
    if not may_mark_part(actor, occurrence, part.person):
        raise DomainError(_("Отметить можно только свою часть работы"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Укажите причину"), field="reason")
    db.session.delete(part)
    db.session.flush()
    db.session.expire(occurrence, ["parts_done"])
    audit.record_new(
        "control.part.undo",
        "control_occurrence",
        occurrence.id,
        occurrence.check.school_id,
        actor,
        occurrence=f"{occurrence.label} ({ru_date(occurrence.due_on)})",
        person=part.person.full_name,
        reason=reason[:500],
    )
    sync_task(occurrence.check)


# --- the plan's recurring items follow their occurrences ---


def _complete(occurrence: Occurrence | OccurrenceRow, pairs: Sequence[Doer]) -> bool:
    done = {part.person_id for part in occurrence.parts_done}
    people = _at(pairs, occurrence.due_on)
    return occurrence.is_done and all(person.id in done for person in people)


def sync_task(check: ControlCheck, loaded: Objects | None = None) -> None:
    """The check's plan item is «в работе» once an occurrence is done and «выполнено» when every
    occurrence generated for it is; its status is not set by hand any more. (`loaded`: the
    school's checks and items, when the caller syncs them all.)"""
    if check.task_id is None:
        return
    item = (loaded.items if loaded else _items([check])).get(check.task_id)
    if item is None or item.status == TaskStatus.CANCELLED:
        return
    pairs = _pairs(check, item)
    occurrences = [o for o in check.occurrences if not o.is_orphan]
    complete = [o for o in occurrences if _complete(o, pairs)]
    started = any(o.is_done or o.parts_done for o in occurrences)
    if occurrences and len(complete) == len(occurrences):
        last = max(o.checked_on or o.due_on for o in occurrences)
        plans.set_derived_status(item, TaskStatus.DONE, last, "")
    else:
        status = TaskStatus.IN_PROGRESS if started else TaskStatus.PLANNED
        plans.set_derived_status(
            item,
            status,
            None,
            _(
                "Выполнено сроков: %(done)d из %(total)d",
                done=len(complete),
                total=len(occurrences),
            ),
        )


@staff_changed.connect
def sync_tasks(school: School, **_extra) -> None:
    """Every recurring item's status again (sent by `accounts.signals.staff_changed`)."""
    loaded = load_objects(school)
    for check in loaded.checks:
        sync_task(check, loaded)


def shares(school: School, today: date, loaded: Loaded | None = None) -> dict[int, float]:
    """For each recurring item of the plan, the share of its occurrences due by today that are
    done (with every part): what the phase's progress counts instead of one status."""
    loaded = loaded or load(school)
    checks, items = loaded.checks, loaded.items
    result: dict[int, float] = {}
    for check in checks:
        if check.task_id is None:
            continue
        pairs = _pairs(check, items.get(check.task_id))
        due = [o for o in check.occurrences if not o.is_orphan and o.due_on <= today]
        done = sum(_complete(o, pairs) for o in due)
        result[check.task_id] = done / len(due) if due else 0.0
    return result


def part_holders(occurrences: Sequence[Occurrence]) -> dict[int, Parts]:
    """`parts_of` for many occurrences of one school: the plan items, the parts done and their
    people read once for all of them."""
    checks = {o.check_id: o.check for o in occurrences}
    items = _items(list(checks.values()))
    done: dict[int, list[PartDone]] = {}
    for part in db.session.scalars(
        select(PartDone)
        .where(PartDone.occurrence_id.in_([o.id for o in occurrences] or [0]))
        .options(selectinload(PartDone.person))
        .order_by(PartDone.id)
    ):
        done.setdefault(part.occurrence_id, []).append(part)
    result = {}
    for occurrence in occurrences:
        check = occurrence.check
        people = doers(check, items.get(check.task_id or 0), occurrence.due_on)
        parts = done.get(occurrence.id, [])
        done_ids = {part.person_id for part in parts}
        result[occurrence.id] = Parts(
            done=parts, missing=[p for p in people if p.id not in done_ids]
        )
    return result


# --- who is behind ---


def work_by_person(school: School, loaded: Loaded | None = None) -> dict[int, list[Work]]:
    """Every person's work at once (`work_of` for the whole staff, the same queries as one)."""
    loaded = loaded or load(school)
    checks, items = loaded.checks, loaded.items
    holders: dict[int, list[int]] = {}
    for position_id, person_id in db.session.execute(
        select(PositionHolder.position_id, PositionHolder.person_id)
        .join(Position)
        .where(Position.school_id == school.id)
        .order_by(PositionHolder.id)
    ):
        holders.setdefault(position_id, []).append(person_id)
    result: dict[int, list[Work]] = {}
    for check in checks:
        checkers = holders.get(check.position_id or 0, [])
        pairs = _pairs(check, items.get(check.task_id or 0))
        for occurrence in check.occurrences:
            if occurrence.is_orphan:
                continue
            for person_id in checkers:
                result.setdefault(person_id, []).append(Work(occurrence))
            done = {part.person_id: part for part in occurrence.parts_done}
            for person in _at(pairs, occurrence.due_on):
                result.setdefault(person.id, []).append(
                    Work(occurrence, person, done.get(person.id))
                )
    return result


@dataclass
class Standing:
    """Where one person (or position) stands: tasks and recurring work late, near and done."""

    overdue: list[Task]
    upcoming: list[Task]
    done: int
    work_overdue: list[Work]
    work_upcoming: int
    work_done: int

    @property
    def late(self) -> int:
        return len(self.overdue) + len(self.work_overdue)


def standing_of(tasks: Sequence[Task], works: Sequence[Work], today: date, days: int) -> Standing:
    horizon = today + timedelta(days=days)
    return Standing(
        overdue=[task for task in tasks if task.is_overdue_on(today)],
        upcoming=[
            task
            for task in tasks
            if not task.is_closed and task.due_on is not None and today <= task.due_on <= horizon
        ],
        done=sum(task.status == TaskStatus.DONE for task in tasks),
        work_overdue=[w for w in works if not w.is_done and w.due_on < today],
        work_upcoming=sum(not w.is_done and today <= w.due_on <= horizon for w in works),
        work_done=sum(w.is_done for w in works),
    )


def _through(loaded: Loaded, work: Work, position: Position) -> bool:
    """The part is owed through `position`: the check's plan item names it and no person."""
    item = loaded.items.get(work.check.task_id or 0)
    return (
        item is not None
        and not item.assignees
        and any(other.id == position.id for other in item.positions)
    )


@dataclass(frozen=True)
class Behind:
    people: list[tuple[Person, Standing]]
    positions: list[tuple[Position, list[Person], Standing]]


def who_is_behind(school: School, today: date, days: int) -> Behind:
    """Every active person's and every position's standing, the latest first: whose tasks (by
    the rule of «мои задачи») and recurring work are overdue, due within `days`, done."""
    plan = plans.school_plan(school)
    tasks = plans.plan_tasks(plan, shown=plans.TASK_OWNERS) if plan else []
    people = [
        person
        for person in db.session.scalars(
            select(Person)
            .where(Person.school_id == school.id, Person.is_active.is_(True))
            .options(selectinload(Person.holdings).selectinload(PositionHolder.position))
            .order_by(Person.full_name)
        )
    ]
    loaded = load(school)
    works = work_by_person(school, loaded)
    rows = [
        (
            person,
            standing_of(
                [task for task in tasks if plans.is_mine(task, person)],
                works.get(person.id, []),
                today,
                days,
            ),
        )
        for person in people
    ]
    rows.sort(key=lambda row: (-row[1].late, row[0].full_name))
    by_position = []
    for position in school.positions:
        holders = [p for p in people if any(h.position_id == position.id for h in p.holdings)]
        runs = [  # the checks this position runs, whoever holds it (a vacant one too)
            Work(occurrence)
            for check in loaded.checks
            if check.position_id == position.id
            for occurrence in check.occurrences
            if not occurrence.is_orphan
        ]
        owed = [  # the parts its holders owe through this position, not through another
            work
            for holder in holders
            for work in works.get(holder.id, [])
            if work.person is not None and _through(loaded, work, position)
        ]
        position_works = runs + owed
        by_position.append(
            (
                position,
                holders,
                standing_of(
                    [task for task in tasks if any(p.id == position.id for p in task.positions)],
                    position_works,
                    today,
                    days,
                ),
            )
        )
    return Behind(people=rows, positions=by_position)


def occurrence_days(school: School) -> dict[int, list[tuple[date, bool]]]:
    """Each recurring plan item's occurrences as (date, complete), for the plan's timeline."""
    loaded = load(school)
    days: dict[int, list[tuple[date, bool]]] = {}
    for check in loaded.checks:
        if check.task_id is None:
            continue
        pairs = _pairs(check, loaded.items.get(check.task_id))
        days[check.task_id] = [
            (occurrence.due_on, _complete(occurrence, pairs))
            for occurrence in check.occurrences
            if not occurrence.is_orphan
        ]
    return days
