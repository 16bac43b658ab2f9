"""A new edition of the school's plan imported over the one it has: the differences (new,
changed, gone) shown before anything is written, then applied to the same tasks, so that each
keeps its history, people, status and comments.

A row of the new file is the same task as one of the plan when their titles are the same (after
normalisation), else when their numbers are the same and their titles close. Only what the file
says is compared: the title, the deadline and responsible cells as written, the result, the
number and the phase. A task re-dated or given to someone in the app keeps that as long as its
cells in the file have not changed. A task of the plan that the new file no longer has is
cancelled when it is still open (done work and tasks that follow the approval records are kept
as they are); tasks added in the app (no number) are never touched.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.accounts.models import Person, School
from tracker.audit import services as audit
from tracker.extensions import db
from tracker.plans.importer import (
    PlannedTask,
    fill_task,
    phase_path,
    phase_paths,
    phases_by_path,
)
from tracker.plans.models import STATUS_LABELS, Phase, Plan, Task, TaskStatus
from tracker.plans.parsing import ParsedPlan, normalize_phrase
from tracker.plans.services import _audit_changes, _snapshot

SIMILAR_TITLE = 0.6  # how close two titles under one number must be to be one task
LABELS = {
    "number": _l("№"),
    "title": _l("мероприятие"),
    "phase": _l("этап"),
    "deadline_text": _l("сроки"),
    "responsible_text": _l("ответственный"),
    "expected_result": _l("результат"),
    "status": _l("статус"),
}
# The note a new edition leaves on the tasks it cancels; a later edition that has the task
# again brings it back.
CANCELLED_NOTE = "Нет в новой редакции плана"


@dataclass
class Change:
    task: Task
    row: PlannedTask
    fields: list[tuple[str, str, str]]  # key (of LABELS), before, after

    @property
    def labelled(self) -> list[tuple[str, str, str]]:
        return [(LABELS[key], before, after) for key, before, after in self.fields]


@dataclass
class Differences:
    new: list[PlannedTask] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    gone: list[Task] = field(default_factory=list)  # open: to be cancelled
    kept: list[Task] = field(default_factory=list)  # gone from the file, but done or derived
    same: int = 0
    tasks: dict[int, Task] = field(default_factory=dict)  # id(row) -> its task, when it has one

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.gone)


def _path_text(path: tuple[str, ...]) -> str:
    return " / ".join(title for title in path if title)


def _fields(task: Task, row: PlannedTask) -> list[tuple[str, str, str]]:
    pairs = [
        ("number", task.display_number, row.display_number),
        ("title", task.title, row.title),
        ("phase", _path_text(phase_path(task.phase)), _path_text(row.phase)),
        ("deadline_text", task.deadline_text, row.item.deadline_text),
        ("responsible_text", task.responsible_text, row.item.responsible_text),
        ("expected_result", task.expected_result, row.item.result_text),
    ]
    if _cancelled_by_edition(task):
        pairs.append(
            (
                "status",
                str(STATUS_LABELS[TaskStatus.CANCELLED]),
                str(STATUS_LABELS[TaskStatus.PLANNED]),
            )
        )
    return [(key, before, after) for key, before, after in pairs if before != after]


def _cancelled_by_edition(task: Task) -> bool:
    return task.status == TaskStatus.CANCELLED and task.completion_note.startswith(
        (CANCELLED_NOTE, _("Нет в новой редакции плана"))
    )


def _key(title: str) -> str:
    return normalize_phrase(title)


def differences(plan: Plan, planned: list[PlannedTask]) -> Differences:
    """What applying `planned` (the new file's tasks) to the plan would do."""
    tasks = list(
        db.session.scalars(
            select(Task).where(Task.plan_id == plan.id, Task.from_plan).order_by(Task.sort_order)
        )
    )
    result = Differences()
    free = {task.id: task for task in tasks}
    matched: dict[int, Task] = {}  # index in planned -> task
    by_title: dict[str, list[Task]] = {}
    for task in tasks:
        by_title.setdefault(_key(task.title), []).append(task)
    # One title in several places (a check repeated in two phases): first the task of the same
    # title, phase and number, then of the same phase, then of the same number, then any.
    same_place = (
        lambda task, row: (
            phase_path(task.phase) == row.phase and task.display_number == row.display_number
        ),
        lambda task, row: phase_path(task.phase) == row.phase,
        lambda task, row: task.display_number == row.display_number,
        lambda task, row: True,
    )
    for fits in same_place:
        for index, row in enumerate(planned):
            if index in matched:
                continue
            candidates = [t for t in by_title.get(_key(row.title), []) if t.id in free]
            found = next((t for t in candidates if fits(t, row)), None)
            if found is not None:
                matched[index] = free.pop(found.id)
    for index, row in enumerate(planned):
        if index in matched:
            continue
        for task in list(free.values()):
            if task.display_number != row.display_number:
                continue
            ratio = difflib.SequenceMatcher(a=_key(task.title), b=_key(row.title)).ratio()
            if ratio >= SIMILAR_TITLE:
                matched[index] = free.pop(task.id)
                break
    for index, row in enumerate(planned):
        if index not in matched:
            result.new.append(row)
            continue
        task = matched[index]
        result.tasks[id(row)] = task
        fields = _fields(task, row)
        if fields:
            result.changed.append(Change(task, row, fields))
        else:
            result.same += 1
    for task in sorted(free.values(), key=lambda t: t.sort_order):
        open_task = task.status in (TaskStatus.PLANNED, TaskStatus.IN_PROGRESS)
        (result.gone if open_task and not task.follows_records else result.kept).append(task)
    return result


def apply(
    plan: Plan,
    school: School,
    parsed: ParsedPlan,
    planned: list[PlannedTask],
    actor: Person | None,
    today: date,
    source: str,
) -> Differences:
    """Apply the new edition: changed tasks rewritten from their rows (each change in the
    task's history), new ones added in their phases, open tasks the file no longer has
    cancelled with a note; the order of the plan becomes the file's."""
    found = differences(plan, planned)
    by_code = {position.code: position for position in school.positions}
    phases = phases_by_path(plan, parsed)
    changed = {id(change.row): change for change in found.changed}
    order = 0
    for row in planned:
        order += 1
        task = found.tasks.get(id(row))
        if task is None:
            task = Task(plan=plan, phase=phases[row.phase], sort_order=order)
            fill_task(task, row, by_code)
            db.session.add(task)
            db.session.flush()
            audit.record_new(
                "task.create", "task", task.id, school.id, actor, title=task.title, source="plan"
            )
            continue
        task.sort_order = order
        if id(row) in changed:
            fields = changed[id(row)].fields
            before = _snapshot(task)
            deadline_changed = task.deadline_text != row.item.deadline_text
            responsible_changed = task.responsible_text != row.item.responsible_text
            kept_window = (task.starts_on, task.due_on, task.recurrence)
            kept = (list(task.positions), task.responsible_unmatched, task.responsible_external)
            reopened = _cancelled_by_edition(task)
            fill_task(task, row, by_code)
            if not deadline_changed:  # re-dated in the app: kept while the cell is the same
                task.starts_on, task.due_on, task.recurrence = kept_window
            if not responsible_changed and kept[0]:
                # Positions set in the app stay while the cell is the same (and so does what the
                # cell left unmatched); a task that had none takes what the names now match.
                task.positions = kept[0]
                task.responsible_unmatched, task.responsible_external = kept[1], kept[2]
            if reopened:
                task.status, task.completion_note = TaskStatus.PLANNED, ""
            task.phase = phases[row.phase]
            db.session.flush()
            after = _snapshot(task)
            changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
            changes |= {key: [old, new] for key, old, new in fields if key not in changes}
            audit.record(
                "task.reimport", "task", task.id, school_id=school.id, actor=actor, changes=changes
            )
    note = f"{CANCELLED_NOTE} ({today:%d.%m.%Y})"
    for task in found.gone:
        before = _snapshot(task)
        task.status = TaskStatus.CANCELLED
        task.completion_note = note
        db.session.flush()
        _audit_changes(task, before, actor, "task.reimport")
    for task in [*found.gone, *found.kept]:  # what the file no longer has goes last
        order += 1
        task.sort_order = order
    _order_phases(phases, parsed)
    plan.source_text = source
    db.session.flush()
    audit.record(
        "plan.reimport",
        "plan",
        plan.id,
        school_id=school.id,
        actor=actor,
        changes={
            "new": [None, len(found.new)],
            "changed": [None, len(found.changed)],
            "cancelled": [None, len(found.gone)],
        },
    )
    return found


def _order_phases(phases: dict[tuple[str, ...], Phase], parsed: ParsedPlan) -> None:
    """The phases in the file's order (a new or renamed one where the file has it); those the
    file no longer has keep their place after them."""
    order: dict[tuple[str, ...], int] = {}
    for path in phase_paths(parsed):
        parent = path[:-1]
        order[parent] = order.get(parent, 0) + 1
        phases[path].sort_order = order[parent]
    for path, phase in phases.items():
        if path not in set(phase_paths(parsed)):
            order[path[:-1]] = order.get(path[:-1], 0) + 1
            phase.sort_order = order[path[:-1]]
