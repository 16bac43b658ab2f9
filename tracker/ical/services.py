"""Calendar feeds: secret tokens (only their hashes kept), what each feed holds, and the
cheap validator that lets a client's hourly poll end in a 304.

The feed's ETag is derived from the version of the school's records: every change to them
appends an audit entry, which moves the version kept on the school's row, so a feed whose
school has not changed since the client's copy is answered without building it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, or_, select, true, update
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Person, Position, School
from tracker.approvals.models import (
    AgendaItem,
    ApprovalStep,
    CollegialBody,
    Meeting,
    MeetingState,
    Order,
)
from tracker.approvals.queries import member_bodies, running_discussions
from tracker.audit import services as audit
from tracker.controls import work
from tracker.errors import DomainError
from tracker.extensions import db, first_row, insert_missing
from tracker.ical.builder import Feed, FeedEvent, aware, build_feed
from tracker.ical.models import FeedBody, FeedMiss, FeedSequence, FeedToken
from tracker.plans import services as plans
from tracker.plans.models import (
    OVERDUE,
    Task,
    TaskStatus,
    is_overdue,
    status_word,
    task_positions,
)
from tracker.queue import crontab, periodic
from tracker.types import utcnow

TOKEN_BYTES = 24  # 192 random bits
ALARM_CHOICES = (0, 1, 2, 3, 7)
MISS_WINDOW = timedelta(minutes=10)
MISS_LIMIT = 20


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- tokens ---


def scope_choices(person: Person) -> list[tuple[str, str]]:
    """The feeds a person may subscribe to."""
    school = person.school
    choices = [("mine", _("Мои сроки, проверки и заседания"))]
    if person.is_manager:
        choices.append(("school", _("Весь план школы")))
        positions = list(school.positions)
    else:
        positions = list(person.positions)
    choices += [(f"position:{p.id}", _("Должность: %(title)s", title=p.title)) for p in positions]
    bodies = db.session.scalars(
        select(CollegialBody).where(CollegialBody.school_id == school.id).order_by(CollegialBody.id)
    )
    choices += [(f"body:{b.id}", _("Заседания: %(title)s", title=b.title)) for b in bodies]
    return choices


def create_token(
    person: Person, actor: Person | None, scope: str, alarm_days: int
) -> tuple[FeedToken, str]:
    """A new feed; returns the token (shown once) beside its record."""
    if scope not in {value for value, _label in scope_choices(person)}:
        raise DomainError(_("Такой календарь вам недоступен"), field="scope")
    if alarm_days not in ALARM_CHOICES:
        raise DomainError(_("Напоминание — за 0, 1, 2, 3 или 7 дней"), field="alarm_days")
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = FeedToken(person=person, token_hash=digest(raw), scope=scope, alarm_days=alarm_days)
    db.session.add(token)
    db.session.flush()
    audit.record_new(
        "feed.create",
        "person",
        person.id,
        person.school_id,
        actor,
        scope=scope,
        feed=token.id,
    )
    return token, raw


def revoke_token(token: FeedToken, actor: Person | None) -> None:
    if token.revoked_at is not None:
        raise DomainError(_("Ссылка уже отозвана"))
    token.revoked_at = utcnow()
    db.session.execute(delete(FeedBody).where(FeedBody.token_id == token.id))
    db.session.flush()
    audit.record(
        "feed.revoke",
        "person",
        token.person_id,
        school_id=token.person.school_id,
        actor=actor,
        changes={"feed": [token.id, None]},
    )


def regenerate_token(token: FeedToken, actor: Person | None) -> tuple[FeedToken, str]:
    """A new secret for the same feed; the old link stops working."""
    revoke_token(token, actor)
    return create_token(token.person, actor, token.scope, token.alarm_days)


def tokens_of(person: Person) -> list[FeedToken]:
    return list(
        db.session.scalars(
            select(FeedToken)
            .where(FeedToken.person_id == person.id, FeedToken.revoked_at.is_(None))
            .order_by(FeedToken.id)
        )
    )


@dataclass(frozen=True)
class Subscription:
    """What an hourly poll needs of a feed link, read as one row with its person's school: the
    link, the school's day and the version of its records. The link's objects are loaded only
    when its feed is written again."""

    token_id: int
    scope: str
    alarm_days: int
    created_at: datetime
    last_used_at: datetime | None
    timezone: str
    records_version: int
    records_changed_at: datetime | None


def _subscription_statement():
    tokens, people, schools = FeedToken.__table__, Person.__table__, School.__table__
    return (
        select(
            tokens.c.id,
            tokens.c.scope,
            tokens.c.alarm_days,
            tokens.c.created_at,
            tokens.c.last_used_at,
            schools.c.timezone,
            schools.c.records_version,
            schools.c.records_changed_at,
        )
        .join(people, people.c.id == tokens.c.person_id)
        .join(schools, schools.c.id == people.c.school_id)
        .where(
            tokens.c.token_hash == bindparam("token_hash"),
            tokens.c.revoked_at.is_(None),
            people.c.is_active.is_(True),
        )
    )


# Built once: a poll's cost is mostly this statement's construction when built per request.
SUBSCRIPTION = _subscription_statement()


def find_subscription(raw: str) -> Subscription | None:
    """The feed link a token opens, as one row with what a poll needs: None for an unknown,
    revoked or disabled one (its person switched off)."""
    if not raw or len(raw) > 100:
        return None
    row = first_row(SUBSCRIPTION, {"token_hash": digest(raw)})
    return Subscription(*row) if row is not None else None


def record_miss(address: str) -> None:
    db.session.add(FeedMiss(address=address[:64]))
    db.session.flush()


def too_many_misses(address: str, now: datetime) -> bool:
    count = db.session.execute(
        select(func.count())
        .select_from(FeedMiss)
        .where(FeedMiss.address == address[:64], FeedMiss.at > now - MISS_WINDOW)
    ).scalar_one()
    return count >= MISS_LIMIT


# --- the cheap validator ---


@dataclass(frozen=True)
class Validator:
    etag: str
    last_modified: datetime


def validator(feed: Subscription, todo: bool, today: date) -> Validator:
    """ETag and Last-Modified from the version of the school's records and the day (the feed
    says what is overdue as of today): read with the link, no query of their own."""
    at = feed.records_changed_at or feed.created_at
    key = (
        f"{feed.token_id}:{feed.scope}:{feed.alarm_days}:{int(todo)}:{feed.records_version}:{today}"
    )
    start_of_day = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    return Validator(hashlib.sha256(key.encode()).hexdigest()[:32], max(at, start_of_day))


# --- what a feed holds ---


def _task_events(
    tasks: list[plans.FeedTask], base_url: str, slug: str, today: date
) -> list[FeedEvent]:
    events = []
    for task in tasks:
        if task.due_on is None:
            continue  # a recurring or undated item has no day to show
        late = is_overdue(task.due_on, task.status, today)
        url = f"{base_url}tasks/{task.id}"
        events.append(
            FeedEvent(
                uid=f"task-{task.id}@{slug}.tracker",
                summary=("Выполнено: " if task.status == TaskStatus.DONE else "") + task.title,
                day=task.due_on,
                description=(
                    f"Срок: {task.window}\nОтветственные: {task.owners or '—'}\n"
                    f"Статус: {status_word(OVERDUE if late else task.status)}\n{url}"
                ),
                url=url,
                cancelled=task.status == TaskStatus.CANCELLED,
                done=task.status == TaskStatus.DONE,
            )
        )
    return events


def _work_events(items, base_url: str, slug: str) -> list[FeedEvent]:
    """Recurring work (`controls.work.Work`): a check's occurrence for whoever runs it, or a
    person's own part of one (a class teacher's print-out at a quarter's end)."""
    events = []
    for item in items:
        occurrence, check = item.occurrence, item.check
        url = f"{base_url}controls/occurrences/{occurrence.id}"
        if item.person is None:
            uid = f"occurrence-{occurrence.id}@{slug}.tracker"
            summary = f"Проверка ЭЖ: {check.title} ({occurrence.label})"
            who = f"Ответственный: {check.position.title if check.position else '—'}"
        else:
            uid = f"part-{occurrence.id}-{item.person.id}@{slug}.tracker"
            summary = f"{check.title} ({occurrence.label})"
            who = "Ваша часть: отметьте её выполненной на странице срока."
        events.append(
            FeedEvent(
                uid=uid,
                summary=summary,
                day=occurrence.due_on,
                description=f"Срок: {occurrence.due_on:%d.%m.%Y}\n{who}\n{url}",
                url=url,
                done=item.is_done,
            )
        )
    return events


def _discussion_events(discussions, base_url: str, slug: str) -> list[FeedEvent]:
    """The last day for remarks on each project under public discussion: every member of the
    staff may send theirs."""
    events = []
    for discussion in discussions:
        act = discussion.act
        url = f"{base_url}acts/{act.id}#discussion"
        events.append(
            FeedEvent(
                uid=f"discussion-{discussion.id}@{slug}.tracker",
                summary=f"Замечания к проекту «{act.title}»: последний день",
                day=discussion.closes_on,
                description=f"Обсуждение до {discussion.closes_on:%d.%m.%Y}\n{url}",
                url=url,
            )
        )
    return events


def _meeting_events(meetings, base_url: str, slug: str, timezone: str) -> list[FeedEvent]:
    events = []
    for meeting in meetings:
        url = f"{base_url}meetings/{meeting.id}"
        start = aware(meeting.held_at, timezone)
        agenda = "; ".join(item.act.title for item in meeting.items)
        not_held = meeting.state == MeetingState.NO_QUORUM
        what = "заседание не состоялось (нет кворума)" if not_held else "заседание"
        events.append(
            FeedEvent(
                uid=f"meeting-{meeting.id}@{slug}.tracker",
                summary=f"{meeting.body.title}: {what}, протокол № {meeting.protocol_number}",
                cancelled=not_held,
                start=start,
                end=start + timedelta(hours=2),
                description=(f"Место: {meeting.place or '—'}\nПовестка: {agenda or '—'}\n{url}"),
                url=url,
                is_deadline=False,
            )
        )
    return events


def _order_events(orders, base_url: str, slug: str) -> list[FeedEvent]:
    return [
        FeedEvent(
            uid=f"order-{order.id}@{slug}.tracker",
            summary=f"Ознакомиться с приказом № {order.number} «{order.title}»",
            day=order.issued_on,
            description=f"Приказ от {order.issued_on:%d.%m.%Y} № {order.number}\n{base_url}orders",
            url=f"{base_url}orders",
        )
        for order in orders
    ]


def _occurrences(school: School, position_ids: list[int] | None) -> list[work.OccurrenceRow]:
    """The school's occurrences (those of the checks the positions run), by date, as rows."""
    return sorted(
        (
            occurrence
            for check in work.check_rows(school)
            if position_ids is None or check.position_id in position_ids
            for occurrence in check.occurrences
        ),
        key=lambda occurrence: occurrence.due_on,
    )


def _meetings(school: School, body_ids: list[int] | None):
    query = (
        select(Meeting)
        .join(CollegialBody, CollegialBody.id == Meeting.body_id)
        .where(CollegialBody.school_id == school.id)
        .options(
            selectinload(Meeting.body),
            selectinload(Meeting.items)
            .selectinload(AgendaItem.step)
            .selectinload(ApprovalStep.act),
        )
        .order_by(Meeting.held_at)
    )
    if body_ids is not None:
        query = query.where(Meeting.body_id.in_(body_ids or [0]))
    return list(db.session.scalars(query))


def collect(token: FeedToken, base_url: str, today: date) -> tuple[str, list[FeedEvent]]:
    """The feed's name and its items, unsequenced."""
    person = token.person
    school = person.school
    plan = plans.school_plan(school)
    slug = school.slug
    kind, _sep, ident = token.scope.partition(":")
    events: list[FeedEvent] = []
    if kind in ("mine", "school"):
        everything = kind == "school"
        where = true() if everything else plans.mine_clause(person)
        tasks = plans.feed_tasks(plan, where) if plan else []
        bodies = None if everything else member_bodies(person)  # the school's feed: all
        events += _task_events(tasks, base_url, slug, today)
        if everything:
            events += _work_events(map(work.Work, _occurrences(school, None)), base_url, slug)
        else:  # the checks I run and the parts I owe, read once
            events += _work_events(work.work_of(school, person), base_url, slug)
            events += _discussion_events(running_discussions(school).values(), base_url, slug)
        events += _meeting_events(
            _meetings(school, bodies),
            base_url,
            slug,
            school.timezone,
        )
        orders = db.session.scalars(
            select(Order).where(Order.school_id == school.id).order_by(Order.issued_on)
        )
        events += _order_events(orders, base_url, slug)
        name = (
            f"{school.short_name}: план перехода"
            if everything
            else f"{school.short_name}: {person.short_name}"
        )
    elif kind == "position":
        position = db.session.get_one(Position, int(ident))  # never deleted
        of_position = Task.id.in_(
            select(task_positions.c.task_id).where(task_positions.c.position_id == position.id)
        )
        tasks = plans.feed_tasks(plan, of_position) if plan else []
        events += _task_events(tasks, base_url, slug, today)
        occurrences = _occurrences(school, [position.id])
        events += _work_events(map(work.Work, occurrences), base_url, slug)
        name = f"{school.short_name}: {position.title}"
    else:
        body = db.session.get_one(CollegialBody, int(ident))  # never deleted
        events += _meeting_events(_meetings(school, [body.id]), base_url, slug, school.timezone)
        name = f"{school.short_name}: {body.title}"
    return name, events


def _fingerprint(event: FeedEvent) -> str:
    when = event.day or event.start
    if when is None:
        raise ValueError(f"{event.uid}: an item needs a day or a start")
    key = f"{when.isoformat()}|{event.summary}|{event.cancelled}|{event.done}"
    return hashlib.sha256(key.encode()).hexdigest()


def sequenced(events: list[FeedEvent]) -> list[FeedEvent]:
    """Each event with its SEQUENCE and LAST-MODIFIED: raised when its date, title or status
    changed since a client last saw it. Two queries for all of them, and two first polls of
    the same new item at the same moment both succeed (the second keeps the first's row)."""
    from dataclasses import replace

    uids = [event.uid for event in events]
    known = known_sequences(uids)
    now = utcnow()
    fingerprints = {event.uid: _fingerprint(event) for event in events}
    unseen = [uid for uid in dict.fromkeys(uids) if uid not in known]
    if unseen:
        rows = [
            {"uid": uid, "fingerprint": fingerprints[uid], "sequence": 0, "modified_at": now}
            for uid in unseen
        ]
        insert_missing(FeedSequence, rows, "uid")
        known |= known_sequences(unseen)
    result = []
    for event in events:
        row = known[event.uid]
        if row.fingerprint != fingerprints[event.uid]:
            row.fingerprint, row.sequence, row.modified_at = (
                fingerprints[event.uid],
                row.sequence + 1,
                now,
            )
        result.append(replace(event, sequence=row.sequence, last_modified=row.modified_at))
    db.session.flush()
    return result


def known_sequences(uids: list[str]) -> dict[str, FeedSequence]:
    if not uids:
        return {}
    rows = db.session.scalars(select(FeedSequence).where(FeedSequence.uid.in_(uids)))
    return {row.uid: row for row in rows}


USE_RECORDED_EVERY = timedelta(hours=1)
STORED_FOR_IDLE = timedelta(days=30)  # a feed nobody fetched for this long keeps no bytes


@periodic(crontab(minute="40", hour="2"))
def forget_idle_feeds() -> None:
    """Nightly: the stored bytes of feeds no calendar fetched for 30 days are dropped (the next
    fetch writes them again), so the table holds what calendars actually poll."""
    idle = select(FeedToken.id).where(
        or_(
            FeedToken.last_used_at.is_(None),
            FeedToken.last_used_at < utcnow() - STORED_FOR_IDLE,
        )
    )
    db.session.execute(delete(FeedBody).where(FeedBody.token_id.in_(idle)))
    db.session.commit()


def touch(feed: Subscription) -> None:
    """Note that the feed was fetched (the «Календари» page shows it): at most once an hour, so
    that an hourly poll answered from what is stored writes nothing else."""
    now = utcnow()
    if feed.last_used_at is None or now - feed.last_used_at >= USE_RECORDED_EVERY:
        db.session.execute(
            update(FeedToken).where(FeedToken.id == feed.token_id).values(last_used_at=now)
        )


STORED_BODY = select(FeedBody.body).where(
    FeedBody.slot == bindparam("slot"), FeedBody.key == bindparam("key")
)


def feed_bytes(
    feed: Subscription, base_url: str, today: date, todo: bool, check: Validator
) -> bytes:
    """The feed's bytes, as stored when nothing they hold has changed since they were written
    (the key is the feed's ETag and the address its links are built on), else gathered,
    written and stored for the next client: one read for a stored feed, whatever its size."""
    slot = f"{feed.token_id}:{int(todo)}"
    key = hashlib.sha256(f"{check.etag}|{base_url}".encode()).hexdigest()
    stored = db.session.scalar(STORED_BODY, {"slot": slot, "key": key})
    if stored is not None:
        return stored
    name, events = collect(db.session.get_one(FeedToken, feed.token_id), base_url, today)
    events = sequenced(events)
    body = build_feed(
        Feed(
            name=name,
            timezone=feed.timezone,
            events=tuple(events),
            stamp=check.last_modified,
            alarm_days=feed.alarm_days,
            todo=todo,
        )
    )
    # Two workers building the same feed at once: the second's row is quietly skipped.
    db.session.execute(delete(FeedBody).where(FeedBody.slot == slot))
    row = {"slot": slot, "token_id": feed.token_id, "key": key, "body": body, "built_at": utcnow()}
    insert_missing(FeedBody, [row], "slot")
    return body
