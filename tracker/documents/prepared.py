"""Files made off the request, for the person who asked (the consents of a class list, the
plan of a big school): the request writes what to make and
answers at once; the worker makes it (`prepare`); the person's page shows «готовится» and then
the file, which only they can download. An hour later the file and what it was made from are
forgotten (`forget_expired`): the consents of a class list carry pupils' names."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from tracker.accounts import limits
from tracker.accounts.models import Person, School
from tracker.documents import builders
from tracker.documents import consents as consent_forms
from tracker.documents.data import plan_doc
from tracker.documents.generation import DOCX
from tracker.documents.models import PreparedFile, PreparedState
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans import sheets
from tracker.queue import after_commit, crontab, job, periodic
from tracker.types import utcnow

KEEP = timedelta(hours=1)
AT_ONCE = 2  # files of one person being made at the same time
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ask_consents(
    school: School, person: Person, pupils: tuple[builders.Consent, ...], as_zip: bool
) -> PreparedFile:
    """The consent forms of a class list, to be made by the worker."""
    return _ask(
        school,
        person,
        "consents",
        {"pupils": [asdict(pupil) for pupil in pupils], "zip": as_zip},
    )


def ask_plan(
    school: School, person: Person, fmt: str, task_ids: list[int], today: date
) -> PreparedFile:
    """The plan as the page shows it (these tasks), as XLSX or DOCX, to be made by the worker:
    a plan of thousands of tasks takes seconds."""
    assert fmt in ("xlsx", "docx"), fmt
    return _ask(school, person, f"plan_{fmt}", {"ids": list(task_ids), "today": today.isoformat()})


def _plan_file(school: School, fmt: str, ids: set[int], today: date) -> consent_forms.Download:
    plan = plans.school_plan(school)
    if plan is None:
        raise ValueError("У школы нет плана")
    if fmt == "xlsx":
        _phases, tasks = plans.plan_contents(plan, shown=plans.TASK_NAMES)
        return consent_forms.Download(
            f"План {today:%d.%m.%Y}.xlsx",
            XLSX,
            sheets.plan_xlsx(plan.title, [t for t in tasks if t.id in ids], today),
        )
    return consent_forms.Download(
        f"План-график {today:%d.%m.%Y}.docx",
        DOCX,
        builders.build_plan(plan_doc(school, today, only_ids=ids)),
    )


def _ask(school: School, person: Person, kind: str, params: dict) -> PreparedFile:
    waiting = db.session.scalar(
        select(func.count()).where(
            PreparedFile.person_id == person.id, PreparedFile.state == PreparedState.PENDING
        )
    )
    if (waiting or 0) >= AT_ONCE:
        raise limits.TooOften(
            _(
                "Ещё готовятся ваши файлы (%(count)d): дождитесь их, потом закажите следующий.",
                count=waiting,
            )
        )
    limits.spend(person, "prepared_file")
    prepared = PreparedFile(
        school_id=school.id,
        person_id=person.id,
        kind=kind,
        params=params,
        expires_at=utcnow() + KEEP,
    )
    db.session.add(prepared)
    db.session.flush()
    after_commit(prepare, prepared.id, school_id=school.id)
    return prepared


def _make(prepared: PreparedFile) -> consent_forms.Download:
    school = db.session.get(School, prepared.school_id)
    assert school is not None  # the file goes with its school
    if prepared.kind == "consents":
        pupils = tuple(builders.Consent(**pupil) for pupil in prepared.params.get("pupils", []))
        return consent_forms.consents(school, pupils, as_zip=bool(prepared.params.get("zip")))
    if prepared.kind in ("plan_xlsx", "plan_docx"):
        return _plan_file(
            school,
            prepared.kind.removeprefix("plan_"),
            set(prepared.params.get("ids", [])),
            date.fromisoformat(prepared.params["today"]),
        )
    raise ValueError(f"unknown kind of prepared file: {prepared.kind}")


@job(retries=1, retry_delay=10)
def prepare(file_id: int, school_id: int | None = None) -> None:
    """The worker's job: make the file once (a ready or failed one is left alone)."""
    prepared = db.session.get(PreparedFile, file_id)
    if prepared is None or prepared.state != PreparedState.PENDING:
        return
    try:
        made = _make(prepared)
    except Exception as error:  # a school's template that fails, say: the person is told why
        prepared.state = PreparedState.FAILED
        prepared.error = (getattr(error, "message", None) or str(error))[:1000]
    else:
        prepared.filename, prepared.media_type = made.filename, made.media_type
        prepared.content = made.content
        prepared.state = PreparedState.READY
    prepared.params = {}  # what it was made from is not kept beyond the making
    db.session.commit()


@periodic(crontab(minute="*/5"))
def prepare_missing() -> None:
    """Every five minutes: files asked for over five minutes ago and still not made (the job
    lost with a killed worker, or the queue down when it was asked) are asked for again."""
    stale = utcnow() - timedelta(minutes=5)
    for prepared in db.session.scalars(
        select(PreparedFile).where(
            PreparedFile.state == PreparedState.PENDING, PreparedFile.created_at < stale
        )
    ):
        after_commit(prepare, prepared.id, school_id=prepared.school_id)
    db.session.commit()


@periodic(crontab(minute="*/10"))
def forget_expired() -> None:
    """Every ten minutes: files an hour old are deleted with what they were made from."""
    db.session.execute(delete(PreparedFile).where(PreparedFile.expires_at < utcnow()))
    db.session.commit()


def of_person(file_id: int, person: Person) -> PreparedFile | None:
    """The file, only for the person who asked for it and only while it is kept."""
    prepared = db.session.scalar(
        select(PreparedFile).where(PreparedFile.id == file_id, PreparedFile.person_id == person.id)
    )
    if prepared is None or prepared.expires_at < utcnow():
        return None
    return prepared
