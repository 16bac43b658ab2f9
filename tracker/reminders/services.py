"""Scheduled notices: the weekly digest (Monday, 08:00 at the school) and the reminder the day
before a council meeting. The worker's scheduler runs `remind` every hour; each school is looked
at in its own time zone, and every message has a key (`digest:<week>:<person>`,
`meeting:<meeting>:<person>`), so a run repeated, or scheduled twice, sends nothing twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import urls
from tracker.accounts import notices
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, PositionHolder, School
from tracker.approvals.models import CollegialBody, Meeting, MeetingState
from tracker.approvals.queries import Awaiting, awaiting, belongs, running_discussions
from tracker.controls import work
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task
from tracker.queue import crontab, periodic
from tracker.types import utcnow

DIGEST_DAYS = 14  # the digest lists what is due within two weeks
DIGEST_HOURS = range(8, 12)  # Monday from 08:00 (a worker down at 08:00 still sends by noon)
MEETING_FROM_HOUR = 8  # the day-before reminder goes from 08:00 on


@periodic(crontab(minute="0"))
def remind() -> None:
    """Every hour: each school's digests and meeting reminders due at its local time."""
    now = utcnow()
    accounts.each_school(lambda school: remind_school(school, now), "reminders")


def remind_school(school: School, now: datetime) -> int:
    """What is due at this school now; returns how many messages were queued."""
    local = now.astimezone(ZoneInfo(school.timezone))
    sent = 0
    if local.hour >= MEETING_FROM_HOUR:
        sent += meeting_reminders(school, local.date())
    if local.weekday() == 0 and local.hour in DIGEST_HOURS:
        sent += weekly_digests(school, local.date())
    return sent


def _people(school: School) -> list[Person]:
    """The school's active people with an address, their positions loaded."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.school_id == school.id, Person.is_active, Person.email != "")
            .options(selectinload(Person.holdings).selectinload(PositionHolder.position))
            .order_by(Person.id)
        )
    )


def _planned(school: School, since: date, until: date) -> list[Meeting]:
    """Planned meetings of the school's bodies on days since..until (at the school)."""
    start = datetime.combine(since - timedelta(days=1), time.min, tzinfo=UTC)
    meetings = db.session.scalars(
        select(Meeting)
        .join(CollegialBody, CollegialBody.id == Meeting.body_id)
        .where(
            CollegialBody.school_id == school.id,
            Meeting.state == MeetingState.PLANNED,
            Meeting.held_at >= start,
            Meeting.held_at < datetime.combine(until + timedelta(days=2), time.min, tzinfo=UTC),
        )
        .options(selectinload(Meeting.body))
        .order_by(Meeting.held_at)
    )
    return [m for m in meetings if since <= m.held_on <= until]


def _when(meeting: Meeting) -> str:
    local = meeting.held_at.astimezone(ZoneInfo(meeting.body.school.timezone))
    return f"{local:%d.%m.%Y %H:%M}"


def meeting_reminders(school: School, today: date) -> int:
    """The day before a meeting, each member of its body is reminded of it (once)."""
    tomorrow = today + timedelta(days=1)
    meetings = _planned(school, tomorrow, tomorrow)
    if not meetings:
        return 0
    sent = 0
    for person in _people(school):
        for meeting in meetings:
            if belongs(person, meeting.body):
                with notices.in_language(person):
                    sent += _remind_of(person, meeting)
    return sent


def _remind_of(person: Person, meeting: Meeting) -> int:
    """One member's reminder of tomorrow's meeting, with its agenda; 1 when queued."""
    agenda = "\n".join(f"• {item.step.act.title}" for item in meeting.items)
    body = _(
        "Завтра, %(when)s, заседание: %(body)s, протокол № %(number)d.%(place)s",
        when=_when(meeting),
        body=meeting.body.title,
        number=meeting.protocol_number,
        place=f" {_('Место')}: {meeting.place}." if meeting.place else "",
    )
    if agenda:
        body += "\n\n" + _("Повестка:") + "\n" + agenda
    return int(
        notices.notify(
            person,
            "meeting",
            _("Завтра заседание: %(body)s", body=meeting.body.title),
            body,
            urls.external_url("approvals.meeting", meeting_id=meeting.id),
            key=f"meeting:{meeting.id}:{meeting.held_at:%Y%m%d%H%M}:{person.id}",
        )
    )


@dataclass
class Digest:
    """One person's week: what is late, what is due within two weeks, meetings, approvals."""

    overdue: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due or self.meetings or self.waiting)

    def text(self, today: date) -> str:
        parts = [_("Сводка на неделю с %(day)s.", day=f"{today:%d.%m.%Y}")]
        for title, lines in (
            (_("Просрочено"), self.overdue),
            (_("Срок в ближайшие две недели"), self.due),
            (_("Заседания советов"), self.meetings),
            (_("Ждут вашего решения"), self.waiting),
        ):
            if lines:
                parts.append(f"{title} ({len(lines)}):\n" + "\n".join(f"• {x}" for x in lines))
        return "\n\n".join(parts)


def _task_line(task: Task) -> str:
    number = f"{task.display_number} " if task.display_number else ""
    due = f" — {_('срок до')} {task.due_on:%d.%m.%Y}" if task.due_on else ""
    return f"{number}{task.title}{due}"


def _waiting_lines(waits: Awaiting, today: date) -> list[str]:
    lines = []
    for body, acts, meetings in waits.bodies:
        lines += [_("«%(act)s» — в повестку: %(body)s", act=a.title, body=body.title) for a in acts]
        lines += [
            _("записать заседание %(when)s: %(body)s", when=_when(m), body=body.title)
            for m in meetings
            if m.held_on < today
        ]
    lines += [_("«%(act)s» — приказ об утверждении", act=act.title) for act in waits.orders]
    lines += [_("«%(act)s» — возвращён на доработку", act=act.title) for act in waits.returned]
    lines += [_("«%(act)s» — подвести итоги обсуждения", act=d.act.title) for d in waits.expired]
    return lines


def digest_of(
    person: Person,
    today: date,
    tasks: list[Task],
    loaded: work.Loaded,
    meetings: list[Meeting],
    running: dict,
) -> Digest:
    """A person's digest from what the school's run has read once for everyone."""
    horizon = today + timedelta(days=DIGEST_DAYS)
    digest = Digest()
    for task in tasks:
        if task.is_closed or not plans.is_mine(task, person):
            continue
        if task.is_overdue_on(today):
            digest.overdue.append(_task_line(task))
        elif task.due_on is not None and today <= task.due_on <= horizon:
            digest.due.append(_task_line(task))
    for item in work.work_of(person.school, person, until=horizon, loaded=loaded):
        if item.is_done:
            continue
        line = f"{item.title} — {_('срок')} {item.due_on:%d.%m.%Y}"
        if item.due_on < today:
            digest.overdue.append(line)
        elif item.due_on <= horizon:
            digest.due.append(line)
    digest.meetings = [
        f"{_when(m)} — {m.body.title}, {_('протокол')} № {m.protocol_number}"
        for m in meetings
        if belongs(person, m.body)
    ]
    digest.waiting = _waiting_lines(awaiting(person, today, running), today)
    return digest


def weekly_digests(school: School, today: date) -> int:
    """Monday's digest for every person of the school with an address who wants it and has
    something in it (an empty digest is not sent)."""
    people = [p for p in _people(school) if notices.wants(p, "digest")]
    if not people:
        return 0
    plan = plans.school_plan(school)
    tasks = plans.plan_tasks(plan, shown=plans.TASK_OWNERS) if plan else []
    loaded = work.load(school)
    meetings = _planned(school, today, today + timedelta(days=DIGEST_DAYS))
    running = running_discussions(school)
    sent = 0
    for person in people:
        with notices.in_language(person):
            sent += _send_digest(person, today, tasks, loaded, meetings, running)
    return sent


def _send_digest(person, today, tasks, loaded, meetings, running) -> int:
    year, week, _day = today.isocalendar()
    digest = digest_of(person, today, tasks, loaded, meetings, running)
    if not digest:
        return 0
    return int(
        notices.notify(
            person,
            "digest",
            _("Сводка на неделю с %(day)s", day=f"{today:%d.%m.%Y}"),
            digest.text(today),
            urls.external_url("plans.dashboard"),
            key=f"digest:{year}-W{week:02d}:{person.id}",
        )
    )
