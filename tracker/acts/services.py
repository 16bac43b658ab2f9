"""Local acts: a new act with its first edition, the school's acts by where they stand, and the
plan's tasks that stand for steps of an act's way into force.

The plan follows the records: a linked task's status is derived from the days its acts passed
the steps it stands for. Which day that is, the package that keeps the step knows (the
discussion and the councils in `approvals`, the site in `publication`): it answers the signal
`signals.plan_step_done_on`, so this package never imports them.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Person, School
from tracker.acts.models import ActStatus, ActVersion, LocalAct, PlanLink, PlanRole
from tracker.acts.signals import plan_step_done_on
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task, TaskStatus


def create_act(
    school: School, actor: Person, title: str, body_text: str = "", owner: Person | None = None
) -> LocalAct:
    """A new act in draft, with its first version."""
    act = LocalAct(school=school, title=plans.clean_title(title), owner=owner or actor)
    act.versions.append(ActVersion(number=1, body_text=body_text or "", created_by=actor))
    db.session.add(act)
    db.session.flush()
    audit.record_new("act.create", "act", act.id, school.id, actor, title=act.title)
    return act


SECTION_HEADING = re.compile(r"^\s*\d{1,3}\.\s+\S")


def act_sections(text: str) -> list[str]:
    """The headings of an act's sections («2. Правила ведения»): what the staff comment on."""
    return [
        " ".join(line.split())[:300]
        for line in (text or "").splitlines()
        if SECTION_HEADING.match(line)
    ]


def acts_of(school: School) -> list[LocalAct]:
    return list(
        db.session.scalars(
            select(LocalAct).where(LocalAct.school_id == school.id).order_by(LocalAct.id)
        )
    )


def returned_acts(school: School) -> list[LocalAct]:
    """Drafts a body sent back for revision, with its remarks."""
    return list(
        db.session.scalars(
            select(LocalAct)
            .where(
                LocalAct.school_id == school.id,
                LocalAct.status == ActStatus.DRAFT,
                LocalAct.remarks != "",
            )
            .order_by(LocalAct.id)
        )
    )


def acts_awaiting_order(school: School) -> list[LocalAct]:
    return list(
        db.session.scalars(
            select(LocalAct)
            .where(LocalAct.school_id == school.id, LocalAct.status == ActStatus.APPROVED)
            .order_by(LocalAct.id)
        )
    )


# --- the plan follows the records ---


def step_done_on(act: LocalAct, role: PlanRole) -> date | None:
    """The day `act` passed the step `role` stands for (None while it has not), as the one
    package that keeps that step answers."""
    answers = [day for _receiver, day in plan_step_done_on.send(PlanRole(role), act=act)]
    if len(answers) != 1:
        raise LookupError(f"{len(answers)} answers for the plan role {role!r}, expected one")
    return answers[0]


def link_task(task: Task, act: LocalAct, role: PlanRole, actor: Person | None) -> None:
    if task.plan.school_id != act.school_id:
        raise DomainError(_("Задача и акт из разных школ"))
    if db.session.get(PlanLink, (task.id, act.id)) is None:
        db.session.add(PlanLink(task_id=task.id, act_id=act.id, role=role))
        db.session.flush()
        audit.record_new(
            "task.link", "task", task.id, act.school_id, actor, act=act.title, role=str(role)
        )
    sync_task(task)


def sync_plan_for(act: LocalAct) -> None:
    task_ids = db.session.scalars(select(PlanLink.task_id).where(PlanLink.act_id == act.id))
    for task_id in list(task_ids):
        sync_task(db.session.get_one(Task, task_id))  # a link's task is there (foreign key)


def sync_task(task: Task) -> None:
    """Set a linked task's status from its acts' routes: done when every act has passed the
    step, in progress when some have, with the date and protocol in the note."""
    links = list(db.session.scalars(select(PlanLink).where(PlanLink.task_id == task.id)))
    if not links:
        return
    done_days = [step_done_on(link.act, link.role) for link in links]
    if all(done_days):
        status, done_on = TaskStatus.DONE, max(day for day in done_days if day is not None)
    elif any(done_days):
        status, done_on = TaskStatus.IN_PROGRESS, None
    else:
        status, done_on = TaskStatus.PLANNED, None
    notes = []
    for link, day in zip(links, done_days, strict=True):
        if day is not None:
            notes.append(f"«{link.act.title}»: {day:%d.%m.%Y}")
    plans.set_derived_status(task, status, done_on, "; ".join(notes))


def links_of(task: Task) -> list[PlanLink]:
    return list(
        db.session.scalars(
            select(PlanLink).where(PlanLink.task_id == task.id).options(selectinload(PlanLink.act))
        )
    )
