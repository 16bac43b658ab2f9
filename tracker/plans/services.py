"""Tasks of a plan: editing, assignment, status, comments, and the reads the pages need.

Every change appends to the audit log with the values before and after. Services flush and never
commit: the request (or the command) commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, case, false, func, not_, or_, select, true
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import ORMOption

from tracker import urls
from tracker.accounts import notices
from tracker.accounts.models import Person, Position, PositionHolder, School
from tracker.accounts.signals import staff_changed
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import (
    CLOSED_STATUSES,
    OVERDUE,
    REVIEW,
    SOON,
    SOON_DAYS,
    Phase,
    Plan,
    Task,
    TaskComment,
    TaskStatus,
    task_assignees,
    task_positions,
    window_of,
)
from tracker.plans.uploads import Upload, store_upload
from tracker.types import shift_years, today_in, xml_safe

MAX_TITLE = 1000
MAX_TEXT = 10000

# What a list of tasks shows of each, a query each instead of one per task: its owners (a
# calendar feed needs no more), and its blockers (the plan's pages, the documents).
TASK_OWNERS = (selectinload(Task.positions), selectinload(Task.assignees))
TASK_ROWS = (*TASK_OWNERS, selectinload(Task.blocked_by))
# What a row of the plan page prints of a task, and no more (its texts stay in the database).
PLAN_ROW = (
    load_only(
        Task.phase_id,
        Task.number,
        Task.sub_number,
        Task.title,
        Task.deadline_text,
        Task.starts_on,
        Task.due_on,
        Task.recurrence,
        Task.responsible_external,
        Task.responsible_unmatched,
        Task.status,
    ),
    *TASK_OWNERS,
)
# An export that names the people: those of each task's positions too.
TASK_NAMES = (
    selectinload(Task.positions).selectinload(Position.holders).selectinload(PositionHolder.person),
    selectinload(Task.assignees),
)


# --- validation shared by forms of every kind (web, command line) ---


def clean_title(title: str) -> str:
    title = " ".join(xml_safe(title).split())
    if not title:
        raise DomainError(_("Название не может быть пустым"), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("Название длиннее %(limit)d символов", limit=MAX_TITLE), field="title")
    return title


def clean_text(text: str, field_name: str, limit: int = MAX_TEXT) -> str:
    text = xml_safe(text).strip()
    if len(text) > limit:
        raise DomainError(_("Текст длиннее %(limit)d символов", limit=limit), field=field_name)
    return text


def check_window(starts_on: date | None, due_on: date | None) -> None:
    if starts_on and due_on and due_on < starts_on:
        raise DomainError(_("Срок окончания раньше начала"), field="due_on")
    if starts_on and not due_on:
        raise DomainError(_("Укажите и дату окончания"), field="due_on")


# --- audit helpers ---


def _names(items: Iterable) -> list[str]:
    return [getattr(item, "full_name", "") or getattr(item, "title", "") for item in items]


def _snapshot(task: Task) -> dict:
    return {
        "title": task.title,
        "starts_on": task.starts_on.isoformat() if task.starts_on else None,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "status": str(task.status),
        "completion_note": task.completion_note,
        "completion_file": task.completion_file_name,
        "positions": _names(task.positions),
        "assignees": _names(task.assignees),
        "blocked_by": [other.display_number + " " + other.title[:60] for other in task.blocked_by],
    }


def _audit_changes(task: Task, before: dict, actor: Person | None, action: str) -> bool:
    after = _snapshot(task)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.record(
            action, "task", task.id, school_id=task.plan.school_id, actor=actor, changes=changes
        )
    return bool(changes)


def owners(task: Task) -> list[Person]:
    """Whose the task is: the people named on it, else the active holders of its positions."""
    if task.assignees:
        return [person for person in task.assignees if person.is_active]
    people = {p.id: p for position in task.positions for p in position.people if p.is_active}
    return list(people.values())


def _window_text(starts_on: date | None, due_on: date | None) -> str:
    if due_on is None:
        return _("без срока")
    if starts_on and starts_on != due_on:
        return _("с %(start)s по %(end)s", start=f"{starts_on:%d.%m.%Y}", end=f"{due_on:%d.%m.%Y}")
    return _("до %(end)s", end=f"{due_on:%d.%m.%Y}")


@dataclass
class _Change:
    """A task that became someone's, or whose window moved: one line of a notice."""

    task: Task
    new: bool
    before: dict


def _changes(
    task: Task, before: dict, owners_before: set[int], actor: Person | None
) -> list[tuple[Person, _Change]]:
    """Who is to hear of this task's change: those it became theirs, and its other owners
    when its window moved (never the one who made the change; a change made by no one, such
    as a template moved to this year, tells nobody)."""
    if actor is None:
        return []
    moved = (before["starts_on"], before["due_on"]) != (
        task.starts_on.isoformat() if task.starts_on else None,
        task.due_on.isoformat() if task.due_on else None,
    )
    return [
        (person, _Change(task, person.id not in owners_before, before))
        for person in owners(task)
        if person.id != actor.id and (person.id not in owners_before or moved)
    ]


def _tell(changes: list[tuple[Person, _Change]], actor: Person | None) -> None:
    """One notice per person, however many tasks a bulk change touched."""
    if actor is None:
        return
    by_person: dict[int, tuple[Person, list[_Change]]] = {}
    for person, change in changes:
        by_person.setdefault(person.id, (person, []))[1].append(change)
    for person, mine in by_person.values():
        with notices.in_language(person):
            if len(mine) == 1:
                subject, body = _one_change(mine[0], actor)
                link = urls.external_url("plans.task", task_id=mine[0].task.id)
            else:
                subject = _("Изменения в ваших задачах плана: %(count)d", count=len(mine))
                lines = "\n".join(_change_line(change) for change in mine)
                body = _("%(actor)s:", actor=actor.full_name) + "\n" + lines
                link = urls.external_url("plans.plan", mine=1)
            notices.notify(person, "assigned", subject, body, link)


def _windows(change: _Change) -> tuple[str, str]:
    """The task's window before the change and now, as the notice words them."""
    task, before = change.task, change.before
    old = _window_text(
        date.fromisoformat(before["starts_on"]) if before["starts_on"] else None,
        date.fromisoformat(before["due_on"]) if before["due_on"] else None,
    )
    return old, _window_text(task.starts_on, task.due_on)


def _one_change(change: _Change, actor: Person) -> tuple[str, str]:
    old, window = _windows(change)
    if change.new:
        return _("Вам поручена задача плана"), _(
            "%(actor)s поручил(а) вам задачу плана перехода «%(title)s». Срок: %(window)s.",
            actor=actor.full_name,
            title=change.task.title,
            window=window,
        )
    return _("Изменён срок вашей задачи"), _(
        "%(actor)s изменил(а) срок задачи «%(title)s»: было %(old)s, теперь %(new)s.",
        actor=actor.full_name,
        title=change.task.title,
        old=old,
        new=window,
    )


def _change_line(change: _Change) -> str:
    old, window = _windows(change)
    if change.new:
        return _(
            "• поручена задача «%(title)s», срок: %(window)s",
            title=change.task.title,
            window=window,
        )
    return _(
        "• изменён срок задачи «%(title)s»: было %(old)s, теперь %(new)s",
        title=change.task.title,
        old=old,
        new=window,
    )


def _same_school(task: Task, items: Iterable, what: str) -> None:
    for item in items:
        if item.school_id != task.plan.school_id:
            raise DomainError(what)


def _check_no_cycle(task: Task, blockers: Sequence[Task]) -> None:
    seen: set[int] = set()
    stack = list(blockers)
    while stack:
        other = stack.pop()
        if other.id == task.id:
            raise DomainError(_("Задача не может зависеть сама от себя"), field="blocked_by")
        if other.id not in seen:
            seen.add(other.id)
            stack.extend(other.blocked_by)


# --- writes ---


def edit_task(
    task: Task,
    actor: Person,
    *,
    title: str,
    starts_on: date | None,
    due_on: date | None,
    positions: Sequence[Position],
    assignees: Sequence[Person],
    blocked_by: Sequence[Task],
) -> bool:
    """The director's edit of one task. Returns whether anything changed."""
    title = clean_title(title)
    check_window(starts_on, due_on)
    _same_school(task, positions, _("Должность из другой школы"))
    _same_school(task, assignees, _("Сотрудник из другой школы"))
    for blocker in blocked_by:
        if blocker.plan_id != task.plan_id:
            raise DomainError(_("Задача из другого плана"), field="blocked_by")
    _check_no_cycle(task, blocked_by)
    before = _snapshot(task)
    owners_before = {person.id for person in owners(task)}
    task.title = title
    task.starts_on, task.due_on = starts_on, due_on
    task.positions = list(positions)
    task.assignees = list(assignees)
    task.blocked_by = list(blocked_by)
    db.session.flush()
    changed = _audit_changes(task, before, actor, "task.edit")
    if changed:
        _tell(_changes(task, before, owners_before, actor), actor)
    if changed and (before["positions"], before["assignees"]) != (
        _names(task.positions),
        _names(task.assignees),
    ):
        staff_changed.send(task.plan.school)
    return changed


def create_task(
    plan: Plan,
    phase: Phase,
    actor: Person | None,
    *,
    title: str,
    due_on: date,
    assignees: Sequence[Person],
) -> Task:
    """A new task at the end of a phase (a follow-up of a control check, for instance)."""
    title = clean_title(title)
    check_window(None, due_on)
    for person in assignees:
        if person.school_id != plan.school_id:
            raise DomainError(_("Сотрудник из другой школы"), field="assignees")
    last = db.session.scalar(
        select(Task.sort_order).where(Task.plan_id == plan.id).order_by(Task.sort_order.desc())
    )
    task = Task(
        plan=plan,
        phase=phase,
        number="",
        title=title,
        deadline_text=f"{due_on:%d.%m.%Y}",
        due_on=due_on,
        responsible_text=", ".join(p.full_name for p in assignees),
        sort_order=(last or 0) + 1,
        from_plan=False,
    )
    task.assignees = list(assignees)
    db.session.add(task)
    db.session.flush()
    audit.record_new(
        "task.create",
        "task",
        task.id,
        plan.school_id,
        actor,
        **{key: value for key, value in _snapshot(task).items() if value},
    )
    return task


def may_cancel(actor: Person) -> bool:
    """Whoever works on a task marks it in progress or done; cancelling it (or bringing a
    cancelled one back) is the director's, as re-dating is."""
    return actor.is_manager


def change_status(
    task: Task,
    actor: Person,
    status: TaskStatus,
    *,
    note: str = "",
    upload: Upload | None = None,
) -> None:
    """Move a task to another status, with an optional note and file (kept on the task)."""
    status = TaskStatus(status)
    note = clean_text(note, "note")
    if task.follows_records and status != task.status:
        raise DomainError(
            _(
                "Статус этой задачи следует из записей — решений советов и приказов или "
                "проведённых проверок и отмеченных сроков; он меняется вместе с ними"
            ),
            field="status",
        )
    if status == TaskStatus.DONE:
        open_blockers = [other for other in task.blocked_by if other.status not in CLOSED_STATUSES]
        if open_blockers:
            numbers = ", ".join(other.display_number for other in open_blockers)
            raise DomainError(
                _("Сначала должны быть выполнены задачи: %(numbers)s", numbers=numbers),
                field="status",
            )
    if status == task.status and not note and upload is None:
        raise DomainError(_("Статус не изменился"), field="status")
    if TaskStatus.CANCELLED in (status, task.status) and status != task.status:
        if not may_cancel(actor):
            raise DomainError(
                _(
                    "Отменить задачу или вернуть отменённую может только директор: отметьте «В "
                    "работе» или «Выполнено» либо напишите комментарий"
                ),
                field="status",
            )
    if upload is not None:
        task.completion_file_key, task.completion_file_name = store_upload(upload)
    before = _snapshot(task)
    before["completion_file"] = before["completion_file"] if upload is None else None
    if status == TaskStatus.DONE and task.status != TaskStatus.DONE:
        task.done_on = today_in(task.plan.school.timezone)
    elif status != TaskStatus.DONE:
        task.done_on = None
    task.status = status
    if note:
        task.completion_note = note
    db.session.flush()
    _audit_changes(task, before, actor, "task.status")


def set_derived_status(task: Task, status: TaskStatus, done_on: date | None, note: str) -> None:
    """The status of a task that follows the approval records, written by that part alone."""
    task.follows_records = True
    if (task.status, task.done_on, task.completion_note) == (status, done_on, note):
        return
    before = _snapshot(task)
    task.status, task.done_on, task.completion_note = status, done_on, note
    db.session.flush()
    _audit_changes(task, before, None, "task.derived")


def add_comment(task: Task, actor: Person, body: str) -> TaskComment:
    body = clean_text(body, "body", 5000)
    if not body:
        raise DomainError(_("Комментарий пустой"), field="body")
    comment = TaskComment(task=task, author=actor, body=body)
    db.session.add(comment)
    db.session.flush()
    audit.record(
        "task.comment",
        "task",
        task.id,
        school_id=task.plan.school_id,
        actor=actor,
        changes={"comment": [None, body[:200]]},
    )
    return comment


def assign_tasks(
    tasks: Sequence[Task], people: Sequence[Person], actor: Person, *, replace: bool
) -> int:
    """Give tasks to people, in bulk; `replace` drops the people assigned before."""
    if not tasks:
        raise DomainError(_("Отметьте хотя бы одну задачу"), field="task_ids")
    if not people:
        raise DomainError(_("Выберите сотрудника"), field="person")
    changed = 0
    told: list[tuple[Person, _Change]] = []
    for task in tasks:
        _same_school(task, people, _("Сотрудник из другой школы"))
        before = _snapshot(task)
        owners_before = {person.id for person in owners(task)}
        if replace:
            task.assignees = list(people)
        else:
            task.assignees = list(dict.fromkeys([*task.assignees, *people]))
        db.session.flush()
        if _audit_changes(task, before, actor, "task.assign"):
            changed += 1
            told += _changes(task, before, owners_before, actor)
    _tell(told, actor)
    if changed:
        staff_changed.send(tasks[0].plan.school)
    return changed


def redate_tasks(
    tasks: Sequence[Task], starts_on: date | None, due_on: date | None, actor: Person | None
) -> int:
    """Set one window on several tasks."""
    if not tasks:
        raise DomainError(_("Отметьте хотя бы одну задачу"), field="task_ids")
    if due_on is None:
        raise DomainError(_("Укажите дату окончания"), field="due_on")
    check_window(starts_on, due_on)
    changed = 0
    told: list[tuple[Person, _Change]] = []
    for task in tasks:
        before = _snapshot(task)
        owners_before = {person.id for person in owners(task)}
        task.starts_on, task.due_on = starts_on, due_on
        db.session.flush()
        if _audit_changes(task, before, actor, "task.redate"):
            changed += 1
            told += _changes(task, before, owners_before, actor)
    _tell(told, actor)
    return changed


def shift_plan(tasks: Sequence[Task], years: int, actor: Person | None) -> int:
    """Move every dated task by whole years (a plan written for another year, a template);
    each move is a re-dating in the task's history. Returns how many moved."""
    if not years:
        return 0
    moved = 0
    for task in tasks:
        if task.due_on:
            moved += redate_tasks(
                [task],
                shift_years(task.starts_on, years) if task.starts_on else None,
                shift_years(task.due_on, years),
                actor,
            )
    return moved


def years_to_come(tasks: Sequence[Task], today: date) -> int:
    """Whole years to move a template plan by so that it begins this month or later."""
    starts = [task.starts_on or task.due_on for task in tasks if task.due_on]
    if not starts:
        return 0
    first, month = min(d for d in starts if d), today.replace(day=1)
    years = 0
    while shift_years(first, years) < month:
        years += 1
    return years


# --- reads for the pages ---

# What a task's page shows of it, loaded with it: a query each instead of one per use.
TASK_PAGE = (
    joinedload(Task.plan),
    joinedload(Task.phase).joinedload(Phase.parent),
    selectinload(Task.positions),
    selectinload(Task.assignees),
    selectinload(Task.blocked_by),
    selectinload(Task.comments).joinedload(TaskComment.author),
)


def school_plan(school: School) -> Plan | None:
    return db.session.scalar(
        select(Plan).where(Plan.school_id == school.id).order_by(Plan.id).limit(1)
    )


def plan_tasks(plan: Plan, shown: Sequence[ORMOption] = TASK_ROWS) -> list[Task]:
    """Every task of the plan in print order, with its phase and what `shown` loads (its
    owners and blockers)."""
    return plan_contents(plan, shown)[1]


def plan_contents(
    plan: Plan, shown: Sequence[ORMOption] = TASK_ROWS
) -> tuple[list[Phase], list[Task]]:
    """The plan's top phases (`plan_phases`) and every task in print order with what `shown`
    loads; a task's phase and its parent are then found in the session, with no query."""
    phases = plan_phases(plan)
    tasks = db.session.scalars(
        select(Task).where(Task.plan_id == plan.id).order_by(Task.sort_order).options(*shown)
    )
    return phases, list(tasks)


def plan_phases(plan: Plan) -> list[Phase]:
    """The plan's top phases in print order, each with its sub-phases: one query for all."""
    phases = list(
        db.session.scalars(
            select(Phase).where(Phase.plan_id == plan.id).order_by(Phase.sort_order, Phase.id)
        )
    )
    children: dict[int, list[Phase]] = {phase.id: [] for phase in phases}
    for phase in phases:
        if phase.parent_id in children:
            children[phase.parent_id].append(phase)
    for phase in phases:
        set_committed_value(phase, "children", children[phase.id])
    return [phase for phase in phases if phase.parent_id is None]


def tasks_by_ids(plan: Plan, ids: Iterable[int]) -> list[Task]:
    ids = list(ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Task).where(Task.plan_id == plan.id, Task.id.in_(ids)).order_by(Task.sort_order)
        )
    )


def held_by(person: Person):
    """The ids of the positions a person holds, as a subquery (her holdings not loaded)."""
    return select(PositionHolder.position_id).where(PositionHolder.person_id == person.id)


def mine_clause(person: Person):
    """Tasks that are a person's: given to them, or to their position with nobody named."""
    assigned = select(task_assignees.c.task_id).where(task_assignees.c.person_id == person.id)
    unassigned = (
        ~select(task_assignees.c.task_id).where(task_assignees.c.task_id == Task.id).exists()
    )
    by_position = select(task_positions.c.task_id).where(
        task_positions.c.position_id.in_(held_by(person))
    )
    return or_(Task.id.in_(assigned), unassigned & Task.id.in_(by_position))


def my_task_ids(plan: Plan, person: Person) -> set[int]:
    """The ids of the tasks given to the person or to their positions (no task loaded)."""
    return set(
        db.session.scalars(select(Task.id).where(Task.plan_id == plan.id, mine_clause(person)))
    )


@dataclass(frozen=True)
class FeedTask:
    """What a calendar feed says of a task, read as rows (a feed of a thousand tasks is not a
    thousand objects)."""

    id: int
    title: str
    status: str
    due_on: date | None
    window: str  # `Task.window_text`
    owners: str  # its positions, then the people named, as «Ответственные» reads


def feed_tasks(plan: Plan, where: ColumnElement[bool]) -> list[FeedTask]:
    """The plan's tasks that `where` keeps (e.g. `mine_clause`), in print order, each with its
    positions' titles and its people's names: three queries, whatever their number."""
    kept = and_(Task.plan_id == plan.id, where)
    rows = db.session.execute(
        select(
            Task.id,
            Task.title,
            Task.status,
            Task.starts_on,
            Task.due_on,
            Task.recurrence,
            Task.deadline_text,
        )
        .where(kept)
        .order_by(Task.sort_order, Task.id)
    ).all()
    ids = select(Task.id).where(kept)
    owners: dict[int, list[str]] = {}
    positions = (
        select(task_positions.c.task_id, Position.title)
        .join(Position, Position.id == task_positions.c.position_id)
        .where(task_positions.c.task_id.in_(ids))
        .order_by(task_positions.c.task_id, Position.sort_order, Position.id)
    )
    people = (
        select(task_assignees.c.task_id, Person.full_name)
        .join(Person, Person.id == task_assignees.c.person_id)
        .where(task_assignees.c.task_id.in_(ids))
        .order_by(task_assignees.c.task_id, Person.full_name, Person.id)
    )
    for query in (positions, people):  # its positions first, then the people named
        for task_id, text in db.session.execute(query):
            owners.setdefault(task_id, []).append(text)
    return [
        FeedTask(
            id=row.id,
            title=row.title,
            status=row.status,
            due_on=row.due_on,
            window=window_of(row.starts_on, row.due_on, row.recurrence) or row.deadline_text,
            owners=", ".join(owners.get(row.id, [])),
        )
        for row in rows
    ]


@dataclass
class PhaseProgress:
    """Tasks done of those not cancelled; a recurring item counts the share of its occurrences
    due so far that are done, so `done` may be fractional."""

    phase: Phase
    done: float = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def done_text(self) -> str:
        """«12» or «12,5»: a share of recurring items shows its tenth."""
        return f"{self.done:.1f}".rstrip("0").rstrip(".").replace(".", ",")


DASHBOARD_ROWS = 25  # tasks a dashboard list shows; the rest are one link away


@dataclass(frozen=True)
class Listed:
    """The first tasks of a dashboard list, in the plan's order, and how many it holds in all:
    a plan of 5,000 tasks gives a list of 25 and a link, not a page of thousands."""

    tasks: list[Task]
    total: int

    def __iter__(self):
        return iter(self.tasks)

    def __len__(self) -> int:
        return len(self.tasks)

    def __bool__(self) -> bool:
        return bool(self.tasks)

    @property
    def more(self) -> int:
        return self.total - len(self.tasks)


EMPTY = Listed([], 0)


@dataclass
class Dashboard:
    progress: list[PhaseProgress]
    overdue: Listed
    upcoming: Listed
    mine: Listed
    mine_closed: int = 0
    needs_review: Listed = EMPTY
    colleagues: Listed = EMPTY


UPCOMING_DAYS = SOON_DAYS


def is_mine(task: Task, person: Person) -> bool:
    """The one rule of «мои задачи», as `mine_clause` asks the database: I am named on the task,
    or nobody is and I hold one of its positions."""
    if task.assignees:
        return any(other.id == person.id for other in task.assignees)
    held = {position.id for position in person.positions}
    return any(position.id in held for position in task.positions)


def colleagues_clause(person: Person) -> ColumnElement[bool]:
    """Tasks of my position that the director named to someone else: «у коллег», not mine."""
    named = select(task_assignees.c.task_id)
    named_me = named.where(task_assignees.c.person_id == person.id)
    by_position = select(task_positions.c.task_id).where(
        task_positions.c.position_id.in_(held_by(person))
    )
    return and_(Task.id.in_(named), Task.id.not_in(named_me), Task.id.in_(by_position))


def phase_progress(
    plan: Plan, phases: Sequence[Phase], shares: dict[int, float]
) -> list[PhaseProgress]:
    """Each top phase's tasks done of those not cancelled, counted by the database; a recurring
    item (`shares`) counts the share of its occurrences due so far that are done."""
    progress = {phase.id: PhaseProgress(phase) for phase in phases}
    top = func.coalesce(Phase.parent_id, Phase.id)
    in_plan = select(top, Task.status).join(Phase, Phase.id == Task.phase_id)
    counted = db.session.execute(
        in_plan.add_columns(func.count())
        .where(Task.plan_id == plan.id, Task.status != TaskStatus.CANCELLED)
        .group_by(top, Task.status)
    )
    for phase_id, status, count in counted:
        if phase_id in progress:
            progress[phase_id].total += count
            progress[phase_id].done += count if status == TaskStatus.DONE else 0
    if shares:
        recurring = in_plan.add_columns(Task.id).where(
            Task.id.in_(shares), Task.status != TaskStatus.CANCELLED
        )
        for phase_id, status, task_id in db.session.execute(recurring):
            if phase_id in progress:  # its share instead of its status
                progress[phase_id].done += shares[task_id] - (status == TaskStatus.DONE)
    return list(progress.values())


def dashboard(
    plan: Plan, person: Person, today: date, shares: dict[int, float] | None = None
) -> Dashboard:
    """What a person sees first: progress, what is late, what is near, what is theirs and what
    of their position's is with colleagues. `shares`: the done share of each recurring item
    (`controls.work.shares`), which progress counts instead of its status.

    The director sees the whole school's late and near tasks; everyone else sees their own.
    Counted and cut by the database: the page costs the same for a plan of 30 tasks or 5,000.
    """
    phases = plan_phases(plan)  # a task's phase is then found in the session, with no query
    mine = mine_clause(person)
    scope = true() if person.is_manager else mine
    is_open = Task.status.not_in(CLOSED_STATUSES)
    lists = {
        "overdue": and_(scope, Task.overdue_clause(today)),
        "upcoming": and_(scope, Task.soon_clause(today)),
        "mine": and_(mine, is_open),
        "colleagues": and_(colleagues_clause(person), is_open),
        "needs_review": Task.needs_review_clause() if person.is_manager else false(),
        "mine_closed": and_(mine, Task.status.in_(CLOSED_STATUSES)),
    }
    # One read of the plan's ids with a mark for each list a task is in, in the plan's order:
    # each list keeps its first tasks and counts the rest (rows of integers, not objects).
    marked = db.session.execute(
        select(Task.id, *(case((where, 1), else_=0) for where in lists.values()))
        .where(Task.plan_id == plan.id, or_(*lists.values()))
        .order_by(Task.sort_order, Task.id)
    )
    shown: dict[str, list[int]] = {name: [] for name in lists}
    totals = dict.fromkeys(lists, 0)
    for task_id, *marks in marked:
        for name, mark in zip(lists, marks, strict=True):
            if mark:
                totals[name] += 1
                if len(shown[name]) < DASHBOARD_ROWS:
                    shown[name].append(task_id)
    wanted = {task_id for name, ids in shown.items() if name != "mine_closed" for task_id in ids}
    tasks = {
        task.id: task
        for task in db.session.scalars(
            select(Task).where(Task.id.in_(wanted)).options(*TASK_OWNERS)  # the lists name owners
        )
    }
    listed = {
        name: Listed([tasks[task_id] for task_id in ids], totals[name])
        for name, ids in shown.items()
        if name != "mine_closed"
    }
    return Dashboard(
        progress=phase_progress(plan, phases, shares or {}),
        mine_closed=totals["mine_closed"],
        **listed,
    )


@dataclass(frozen=True)
class TaskFilter:
    position_id: int | None = None
    person_id: int | None = None  # shown in the form; its tasks come through only_ids
    status: str | None = None
    month: date | None = None  # the first day of a month
    only_ids: frozenset[int] | None = None  # e.g. a person's own tasks


PLAN_PAGE = 100  # tasks on one page of the plan


@dataclass(frozen=True)
class TaskPage:
    """One page of the plan's shown tasks, in the page's order (phase by phase), grouped by
    the phase (or sub-phase) each stands in; with what a pager asks of a page."""

    by_section: dict[int, list[Task]]
    page: int
    pages: int
    count: int  # the shown tasks on all pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def plan_page(
    plan: Plan, phases: Sequence[Phase], chosen: TaskFilter, today: date, page: int
) -> TaskPage:
    """One page of the tasks the filters keep (all of the plan's with none), in the order the
    plan reads (each phase, then its sub-phases; within one, the plan's order): counted,
    ordered and cut by the database, only the page's tasks loaded, whatever the plan's size.
    A page out of range gives the nearest."""
    kept = and_(Task.plan_id == plan.id, filter_clause(chosen, today))
    count = db.session.scalar(select(func.count()).where(kept)) or 0
    pages = max(1, -(-count // PLAN_PAGE))
    page = min(max(page, 1), pages)
    sections = [section for phase in phases for section in (phase, *phase.children)]
    rank = (
        case({section.id: n for n, section in enumerate(sections)}, value=Task.phase_id)
        if sections
        else None
    )
    ids = list(
        db.session.scalars(
            select(Task.id)
            .where(kept)
            .order_by(func.coalesce(rank, len(sections)), Task.sort_order, Task.id)
            .limit(PLAN_PAGE)
            .offset((page - 1) * PLAN_PAGE)
        )
    )
    loaded = {
        task.id: task
        for task in db.session.scalars(
            select(Task).where(Task.id.in_(ids or [0])).options(*PLAN_ROW)
        )
    }
    by_section: dict[int, list[Task]] = {}
    for task_id in ids:
        by_section.setdefault(loaded[task_id].phase_id, []).append(loaded[task_id])
    return TaskPage(by_section, page, pages, count)


def filter_clause(chosen: TaskFilter, today: date) -> ColumnElement[bool]:
    """The plan page's filters as SQL conditions on Task, so the database finds, counts and
    pages the tasks whatever the size of the plan: the tasks of a position; of a status as
    people see it (overdue is derived from the day, never stored), or due in the next 30 days,
    or to be reviewed (the dashboard's lists); a month keeps the tasks
    whose window touches it; `only_ids`, e.g. a person's own."""
    conditions: list[ColumnElement[bool]] = []
    if chosen.only_ids is not None:
        conditions.append(Task.id.in_(sorted(chosen.only_ids) or [0]))
    if chosen.position_id:
        conditions.append(
            Task.id.in_(
                select(task_positions.c.task_id).where(
                    task_positions.c.position_id == chosen.position_id
                )
            )
        )
    overdue = Task.overdue_clause(today)
    if chosen.status == OVERDUE:
        conditions.append(overdue)
    elif chosen.status == SOON:
        conditions.append(Task.soon_clause(today))
    elif chosen.status == REVIEW:
        conditions.append(Task.needs_review_clause())
    elif chosen.status:
        conditions.append(and_(Task.status == chosen.status, not_(overdue)))
    if chosen.month:
        month_end = (chosen.month.replace(day=28) + timedelta(days=4)).replace(day=1)
        conditions += [
            Task.due_on.is_not(None),
            func.coalesce(Task.starts_on, Task.due_on) < month_end,
            Task.due_on >= chosen.month,
        ]
    return and_(true(), *conditions)


def task_count(plan: Plan) -> int:
    return db.session.scalar(select(func.count()).where(Task.plan_id == plan.id)) or 0


def due_months(plan: Plan) -> list[date]:
    """The first day of every month some task of the plan is due in, in order."""
    days = db.session.scalars(
        select(Task.due_on).where(Task.plan_id == plan.id, Task.due_on.is_not(None)).distinct()
    )
    return sorted({day.replace(day=1) for day in days if day is not None})


def filter_tasks(plan: Plan, tasks: Iterable[Task], chosen: TaskFilter, today: date) -> list[Task]:
    """Of the plan's loaded tasks, those the filters keep (`filter_clause`), in their order."""
    kept = set(
        db.session.scalars(
            select(Task.id).where(Task.plan_id == plan.id, filter_clause(chosen, today))
        )
    )
    return [task for task in tasks if task.id in kept]
