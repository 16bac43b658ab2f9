"""Calendar feeds over HTTP as calendar clients poll them, and the subscriptions page.

Every feed fetched here is read by two parsers that must agree (`icalendar` and `vobject`, see
`test_builder.parse`), its lines checked (75 octets, UTF-8 each) and expanded over its period
as a client draws it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, delete, event, insert, select
from sqlalchemy.pool import NullPool

from tests.conftest import ON_POSTGRESQL, login, person, post
from tests.ical.test_builder import NASTY_TITLES, Parsed, parse, property_lines
from tests.plans.test_views import page_text
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Position, Role, School
from tracker.acts.services import create_act
from tracker.approvals.meetings import create_meeting
from tracker.approvals.models import BodyKind, CollegialBody
from tracker.approvals.queries import body_of_kind
from tracker.approvals.route import submit_for_review
from tracker.audit.models import AuditEntry
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.ical import services
from tracker.ical.models import FeedBody, FeedMiss, FeedSequence, FeedToken
from tracker.plans import services as plans
from tracker.plans.models import Task, TaskStatus
from tracker.types import utcnow

pytestmark = pytest.mark.demo_data

HTTPS = "https://plan.school20.ru"  # the address `tracker ical-url` is configured with


# --- helpers ---


def new_feed(username: str, scope: str = "mine", alarm_days: int = 1) -> str:
    _token, raw = services.create_token(person(username), None, scope, alarm_days)
    db.session.commit()
    return raw


def add_tasks(username: str, count: int, first_day=date(2026, 12, 1), title="Задача") -> list:
    """`count` new tasks given to one person, due on successive days, by the director."""
    owner, director = person(username), person("director")
    plan = plans.school_plan(owner.school)
    phase = plans.plan_tasks(plan)[-1].phase
    tasks = [
        plans.create_task(
            plan,
            phase,
            director,
            title=f"{title} № {number + 1}",
            due_on=first_day + timedelta(days=number % 90),
            assignees=[owner],
        )
        for number in range(count)
    ]
    db.session.commit()
    return tasks


def fetch(client, raw: str, method: str = "GET", **kwargs):
    return client.open(f"/ical/{raw}.ics", method=method, **kwargs)


def calendar(response) -> Parsed:
    assert response.status_code == 200, response.status
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return parse(response.get_data())


def task_uid(task: Task) -> str:
    return f"task-{task.id}@school20.tracker"


@contextmanager
def queries() -> Iterator[list[str]]:
    """The SQL statements run on the app's engine inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def raw_from(html: str) -> str:
    match = re.search(r'value="https?://[^"]+/ical/([A-Za-z0-9_-]+)\.ics"', html)
    assert match, "no feed link on the page"
    return match.group(1)


# --- what a feed holds ---


def test_a_persons_feed_reads_alike_in_two_parsers_with_every_kind_of_item(app, client):
    tasks = add_tasks("teacher", 3)
    raw = new_feed("teacher", alarm_days=2)
    response = fetch(client, raw)
    parsed = calendar(response)
    assert response.headers["Content-Disposition"] == 'inline; filename="tracker.ics"'
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert str(parsed.calendar["X-WR-CALNAME"]) == "МБОУ СОШ № 20: " + person("teacher").short_name
    assert parsed.other.refresh_interval.value == "PT1H"
    assert str(parsed.calendar["X-PUBLISHED-TTL"]) == "PT1H"
    items = parsed.items
    for number, task in enumerate(tasks):
        item = items[task_uid(task)]
        assert item.kind == "VEVENT" and item.summary == task.title
        assert item.start == date(2026, 12, 1 + number)
        assert item.end == item.start + timedelta(days=1)
        assert item.url == f"http://localhost/tasks/{task.id}"
        assert "Срок: " in item.description and person("teacher").full_name in item.description
        assert item.triggers == (-timedelta(days=1, hours=15),)  # 9:00 two days before
    # The pedagogical council's meeting (the teacher sits on it), in the school's zone.
    meeting = items["meeting-1@school20.tracker"]
    assert meeting.tzid == "Europe/Moscow" and isinstance(meeting.start, datetime)
    assert meeting.end - meeting.start == timedelta(hours=2)
    assert meeting.triggers == (-timedelta(days=2),)
    assert [str(z["TZID"]) for z in parsed.calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    assert any(uid.startswith("order-") for uid in items)
    # Drawn as a client draws the term: every dated item on its day.
    shown = parsed.expanded(date(2026, 8, 1), date(2027, 1, 1))
    assert set(shown) == set(items)
    assert all(shown[task_uid(t)] == items[task_uid(t)].start for t in tasks)


def test_uids_stay_and_sequence_rises_after_a_redate_and_a_title_change(app, client):
    task, other = add_tasks("teacher", 2)
    raw = new_feed("teacher")
    first = fetch(client, raw)
    second = fetch(client, raw)
    assert first.get_data() == second.get_data()  # nothing changed: the same bytes
    before = calendar(first).items
    assert {item.sequence for item in before.values()} == {0}

    plans.redate_tasks([task], None, date(2026, 12, 20), person("director"))
    db.session.commit()
    after = calendar(fetch(client, raw)).items
    assert set(after) == set(before)
    assert (after[task_uid(task)].sequence, after[task_uid(task)].start) == (1, date(2026, 12, 20))
    assert after[task_uid(other)] == before[task_uid(other)]

    task = db.session.get(Task, task.id)
    plans.edit_task(
        task,
        person("director"),
        title="Новое название, с запятой",
        starts_on=None,
        due_on=task.due_on,
        positions=task.positions,
        assignees=task.assignees,
        blocked_by=task.blocked_by,
    )
    db.session.commit()
    again = calendar(fetch(client, raw)).items
    assert again[task_uid(task)].sequence == 2
    assert again[task_uid(task)].summary == "Новое название, с запятой"
    # Another fetch without a change keeps the sequence.
    assert calendar(fetch(client, raw)).items[task_uid(task)].sequence == 2


def test_two_first_polls_of_a_new_item_at_the_same_moment_both_get_the_calendar(
    app, client, monkeypatch
):
    """The phone and the laptop poll together: the other poll records the new item between
    this one's read and its write; this one keeps that record and answers, not a 500."""
    raw = new_feed("teacher")
    (task,) = add_tasks("teacher", 1, title="Новая задача")
    uid = task_uid(task)
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    read_before_the_other = services.known_sequences

    def the_other_poll_writes_meanwhile(uids):
        found = read_before_the_other(uids)
        if uid in uids and uid not in found:
            with other.begin() as connection:
                connection.execute(
                    insert(FeedSequence.__table__).values(
                        uid=uid, fingerprint="seen-by-the-other", sequence=0, modified_at=utcnow()
                    )
                )
        return found

    monkeypatch.setattr(services, "known_sequences", the_other_poll_writes_meanwhile)
    parsed = calendar(fetch(client, raw))
    other.dispose()
    assert "Новая задача № 1" in parsed.items[uid].summary
    # The other poll saw it otherwise (its fingerprint differs): this one's view counts as a change.
    assert parsed.items[uid].sequence == 1


def test_an_unchanged_feed_is_answered_304_and_head_works(app, client):
    add_tasks("teacher", 2)
    raw = new_feed("teacher")
    full = fetch(client, raw)
    etag, modified = full.headers["ETag"], full.headers["Last-Modified"]
    assert full.headers["Cache-Control"] == "private, no-cache"

    again = fetch(client, raw, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    by_date = fetch(client, raw, headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304

    head = fetch(client, raw, method="HEAD")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert head.headers["ETag"] == etag
    assert head.headers["Content-Length"] == str(len(full.get_data()))
    assert fetch(client, raw, method="HEAD", headers={"If-None-Match": etag}).status_code == 304

    # The task-client form is another representation: its own ETag.
    todo = client.get(f"/ical/{raw}.ics?kind=todo", headers={"If-None-Match": etag})
    assert todo.status_code == 200 and todo.headers["ETag"] != etag

    # A change anywhere in the school makes the old copy stale.
    add_tasks("teacher", 1, title="Ещё одна")
    changed = fetch(client, raw, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Ещё одна № 1" in {item.summary for item in calendar(changed).items.values()}


def test_an_unchanged_school_still_gets_the_new_days_status_labels(app, client):
    """BUG: each task's DESCRIPTION says «Статус: …» as of the day of the request
    (`shown_status_label(today)`: «Просрочено» once the due day has passed), but the ETag and
    Last-Modified (`services.validator`) depend only on the school's newest audit entry. A
    client polling with If-None-Match keeps «Статус: Запланировано» on an overdue task until
    someone changes something in the school. Fix in `tracker/ical/services.py`, `validator`:
    put the school's today into the ETag key (one rebuild per client per day) and make
    Last-Modified at least the start of that day (so If-Modified-Since agrees)."""
    [task] = add_tasks("teacher", 1)  # due 01.12.2026; the tests' today is 28.11.2026
    raw = new_feed("teacher")
    first = fetch(client, raw)
    assert "Статус: Запланировано" in calendar(first).items[task_uid(task)].description
    app.config["TODAY"] = date(2026, 12, 3)
    later = fetch(client, raw, headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200
    assert "Статус: Просрочено" in calendar(later).items[task_uid(task)].description


def test_titles_with_punctuation_line_breaks_and_long_cyrillic_reach_the_feed_intact(app, client):
    tasks = add_tasks("teacher", len(NASTY_TITLES))
    for task, title in zip(tasks, NASTY_TITLES, strict=True):
        task.title = title  # as stored (the web form would fold the line break into a space)
    db.session.commit()
    response = fetch(client, new_feed("teacher"))
    parsed = calendar(response)  # every line <= 75 octets, each valid UTF-8 on its own
    for task, title in zip(tasks, NASTY_TITLES, strict=True):
        assert parsed.items[task_uid(task)].summary == title
    assert any(line.startswith(b" ") for line in response.get_data().split(b"\r\n"))


def test_a_task_without_a_due_date_is_left_out(app, client):
    deputy = person("deputy_uvr")
    mine = plans.feed_tasks(plans.school_plan(deputy.school), plans.mine_clause(deputy))
    undated = [task for task in mine if task.due_on is None]
    dated = [task for task in mine if task.due_on is not None]
    assert undated and dated
    items = calendar(fetch(client, new_feed("deputy_uvr"))).items
    assert {task_uid(task) for task in dated} <= set(items)
    assert not {task_uid(task) for task in undated} & set(items)

    # A dated task whose date is removed leaves the feed; the rest stays readable.
    task, kept = add_tasks("teacher", 2)
    raw = new_feed("teacher")
    assert task_uid(task) in calendar(fetch(client, raw)).items
    task = db.session.get(Task, task.id)
    plans.edit_task(
        task,
        person("director"),
        title=task.title,
        starts_on=None,
        due_on=None,
        positions=task.positions,
        assignees=task.assignees,
        blocked_by=[],
    )
    db.session.commit()
    items = calendar(fetch(client, raw)).items
    assert task_uid(task) not in items and task_uid(kept) in items


def test_a_cancelled_task_stays_as_cancelled_and_a_done_one_says_so(app, client):
    cancelled, done, open_one = add_tasks("teacher", 3)
    raw = new_feed("teacher")
    fetch(client, raw)
    plans.change_status(db.session.get(Task, cancelled.id), person("director"), "cancelled")
    plans.change_status(db.session.get(Task, done.id), person("director"), TaskStatus.DONE)
    db.session.commit()
    response = fetch(client, raw)
    items = calendar(response).items
    item = items[task_uid(cancelled)]
    assert (item.status, item.sequence, item.triggers) == ("CANCELLED", 1, ())
    assert item.start == cancelled.due_on  # still on its day, so clients strike it through
    assert items[task_uid(done)].summary == "Выполнено: " + done.title
    assert items[task_uid(done)].triggers == ()
    assert items[task_uid(open_one)].status == "CONFIRMED"
    assert "STATUS:CANCELLED" in property_lines(response.get_data(), "STATUS")

    todo = calendar(client.get(f"/ical/{raw}.ics?kind=todo")).items
    assert todo[task_uid(cancelled)].status == "CANCELLED"
    assert todo[task_uid(done)].status == "COMPLETED"
    assert todo[task_uid(open_one)].status == "NEEDS-ACTION"


def test_the_task_client_form_gives_vtodos_due_on_their_day(app, client):
    tasks = add_tasks("teacher", 2)
    response = client.get(f"/ical/{new_feed('teacher')}.ics?kind=todo")
    parsed = calendar(response)
    for task in tasks:
        item = parsed.items[task_uid(task)]
        assert (item.kind, item.due, item.start, item.end) == ("VTODO", task.due_on, None, None)
    lines = property_lines(response.get_data(), "DUE")
    assert f"DUE;VALUE=DATE:{tasks[0].due_on:%Y%m%d}" in lines
    assert parsed.items["meeting-1@school20.tracker"].kind == "VEVENT"
    assert not [line for line in property_lines(response.get_data(), "DTSTART", ("VTODO",))]


def test_the_token_is_kept_only_as_its_hash(app, client):
    login(client, "teacher")
    page = post(client, "/feeds", {"scope": "mine", "alarm_days": "1"}, page="/feeds")
    from_page = raw_from(page.get_data(as_text=True))
    from_service = new_feed("director", "school")
    _token, regenerated = services.regenerate_token(
        services.create_token(person("ped_secretary"), None, "mine", 3)[0], None
    )
    db.session.commit()
    raws = [from_page, from_service, regenerated]
    hashes = set(db.session.scalars(select(FeedToken.token_hash)))
    assert {services.digest(raw) for raw in raws} <= hashes
    # No column of any table holds a token itself: tokens, audit log and everything else.
    for table in db.metadata.sorted_tables:
        rows = repr(db.session.execute(table.select()).all())
        for raw in raws:
            assert raw not in rows, f"a token is stored in {table.name}"
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("feed.%"))).all()
    assert {entry.action for entry in audit} >= {"feed.create", "feed.revoke"}
    if not ON_POSTGRESQL:  # nor anywhere in the database file and its journal
        path = db.engine.url.database
        for suffix in ("", "-wal"):
            try:
                content = open(path + suffix, "rb").read()
            except FileNotFoundError:
                continue
            assert not any(raw.encode() in content for raw in raws)


def test_a_link_that_opens_nothing_gets_the_same_bare_404(app, client):
    unknown = fetch(client, "x" * 32)
    assert unknown.status_code == 404
    body = unknown.get_data()

    revoked = new_feed("teacher")
    token = find_token(revoked)
    services.revoke_token(token, person("teacher"))
    disabled = new_feed("class_teacher")
    accounts.update_person(
        person("class_teacher"),
        full_name=person("class_teacher").full_name,
        role=person("class_teacher").role,
        is_active=False,
        actor=person("director"),
    )
    # A person who never changed anything can be deleted (the audit log keeps the others):
    # the database drops their tokens with them.
    leaver, _password = accounts.create_person(
        person("director").school, username="leaver", full_name="Уходов Иван", role=Role.STAFF
    )
    deleted = new_feed("leaver")
    db.session.execute(delete(Person).where(Person.id == leaver.id))
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(FeedToken).where(FeedToken.person_id == leaver.id)) is None

    for raw in (revoked, disabled, deleted, "y" * 101, "%00"):
        response = fetch(client, raw)
        assert response.status_code == 404, raw
        assert response.get_data() == body  # the same page: nothing tells them apart
        assert "ETag" not in response.headers and "Last-Modified" not in response.headers
    text = body.decode()
    assert "Не найдено" in text
    for name in ("Фёдоров", "МБОУ", "отозван", "отключ"):
        assert name not in text


def test_another_schools_person_gets_only_their_own_schools_feed(app, client):
    school20 = db.session.scalar(select(School).where(School.slug == "school20"))
    school7 = db.session.scalar(select(School).where(School.slug == "school7"))
    ids7 = {task.id for task in plans.plan_tasks(plans.school_plan(school7))}
    for scope in ("mine", "school"):
        response = fetch(client, new_feed("director7", scope))
        parsed = calendar(response)
        assert str(parsed.calendar["X-WR-CALNAME"]).startswith("СОШ № 7:")
        # Their own items holds nothing yet (no position, nothing assigned); the whole plan does.
        assert bool(parsed.items) == (scope == "school")
        for uid, item in parsed.items.items():
            assert uid.endswith("@school7.tracker")
            assert uid.startswith("task-") and int(uid[5:].split("@")[0]) in ids7
            assert item.url == f"http://localhost/tasks/{uid[5:].split('@')[0]}"
        assert "school20" not in response.get_data(as_text=True)
        assert school20.short_name not in response.get_data(as_text=True)
    # Nor can such a feed be made of the other school's positions or councils.
    position20 = db.session.scalar(select(Position).where(Position.school_id == school20.id))
    body20 = db.session.scalar(select(CollegialBody).where(CollegialBody.school_id == school20.id))
    for scope in (f"position:{position20.id}", f"body:{body20.id}"):
        with pytest.raises(DomainError):
            services.create_token(person("director7"), person("director7"), scope, 1)
    # And school 20's whole plan holds nothing of school 7.
    items20 = calendar(fetch(client, new_feed("director", "school"))).items
    assert not {f"task-{task_id}@school20.tracker" for task_id in ids7} & set(items20)
    assert all(uid.endswith("@school20.tracker") for uid in items20)


def test_a_positions_feed_and_a_councils_feed_hold_what_they_name(app, client):
    school = person("director").school
    deputy = next(p for p in school.positions if p.code == "deputy_uvr")
    theirs = [
        task
        for task in plans.plan_tasks(plans.school_plan(school))
        if deputy in task.positions and task.due_on is not None
    ]
    assert theirs
    parsed = calendar(fetch(client, new_feed("director", f"position:{deputy.id}")))
    assert str(parsed.calendar["X-WR-CALNAME"]) == f"МБОУ СОШ № 20: {deputy.title}"
    tasks = {uid for uid in parsed.items if uid.startswith("task-")}
    assert tasks == {task_uid(task) for task in theirs}
    assert not [uid for uid in parsed.items if uid.startswith(("meeting-", "order-"))]

    council = body_of_kind(school, BodyKind.PARENTS_COUNCIL)
    parsed = calendar(fetch(client, new_feed("parents_secretary", f"body:{council.id}")))
    assert str(parsed.calendar["X-WR-CALNAME"]) == f"МБОУ СОШ № 20: {council.title}"
    [(uid, item)] = parsed.items.items()
    assert uid == "meeting-2@school20.tracker" and item.tzid == "Europe/Moscow"
    assert item.summary.startswith(council.title + ": заседание")


def test_a_burst_of_wrong_tokens_is_answered_429(app, client):
    good = new_feed("teacher")
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    for number in range(services.MISS_LIMIT):
        response = fetch(client, f"guess{number:03d}" * 4, environ_overrides=attacker)
        assert response.status_code == 404
    slowed = fetch(client, "guess-next" * 4, environ_overrides=attacker)
    assert slowed.status_code == 429
    assert slowed.headers["Retry-After"] == "600"
    assert slowed.mimetype == "text/plain"
    # Another address is not affected; the burst's address waits out the window.
    assert fetch(client, good, environ_overrides={"REMOTE_ADDR": "198.51.100.2"}).status_code == 200
    for miss in db.session.scalars(select(FeedMiss)):
        miss.at -= services.MISS_WINDOW + timedelta(seconds=1)
    db.session.commit()
    assert fetch(client, "guess-late" * 4, environ_overrides=attacker).status_code == 404
    assert fetch(client, good, environ_overrides=attacker).status_code == 200


# --- links: the command line and the page ---


def test_ical_url_prints_a_new_working_link_each_time(app, client, runner):
    app.config["BASE_URL"] = HTTPS + "/"
    links = []
    for _ in range(2):
        result = runner.invoke(args=["ical-url", "teacher"])
        assert result.exit_code == 0, result.output
        [line] = result.output.splitlines()
        assert re.fullmatch(rf"{re.escape(HTTPS)}/ical/[A-Za-z0-9_-]{{32}}\.ics", line), line
        links.append(line)
    assert links[0] != links[1]
    for link in links:
        response = client.get(link.removeprefix(HTTPS), base_url=HTTPS)
        assert "МБОУ СОШ № 20" in str(calendar(response).calendar["X-WR-CALNAME"])
    failed = runner.invoke(args=["ical-url", "nobody"])
    assert failed.exit_code == 1 and "Ошибка" in failed.output


def test_the_feeds_page_shows_a_new_link_once_with_https_webcal_and_a_qr(app, client):
    login(client, "teacher")
    assert "Календарь в телефоне" in page_text(client.get("/"))
    # The app behind https: the link takes the request's address.
    created = post(
        client,
        "/feeds",
        {"scope": "mine", "alarm_days": "2"},
        page="/feeds",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/feeds"},  # CSRF over https checks the referrer
    )
    assert created.status_code == 200, page_text(created)
    html = created.get_data(as_text=True)
    raw = raw_from(html)
    assert f'value="https://localhost/ical/{raw}.ics"' in html
    assert f'href="webcal://localhost/ical/{raw}.ics"' in html
    assert re.search(r"<figure class=\"qr\"><svg[^>]*>.*</svg>", html, re.S)
    assert "QR-код ссылки на календарь" in html
    assert "Ссылка показана один раз" in page_text(created)
    assert calendar(fetch(client, raw, base_url="https://localhost")).items

    again = client.get("/feeds")
    assert raw not in again.get_data(as_text=True)  # shown once only
    listed = again.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    assert "Мои сроки, проверки и заседания" in listed and "за два дня" in listed
    [token] = services.tokens_of(person("teacher"))
    assert token.alarm_days == 2 and token.last_used_at is not None


def test_a_feed_not_offered_is_refused_on_the_page(app, client):
    login(client, "teacher")
    response = post(client, "/feeds", {"scope": "school", "alarm_days": "1"}, page="/feeds")
    assert response.status_code == 400
    response = post(client, "/feeds", {"scope": "mine", "alarm_days": "5"}, page="/feeds")
    assert response.status_code == 400
    assert services.tokens_of(person("teacher")) == []


def test_a_new_link_replaces_the_old_one_and_a_revoked_one_stops(app, client):
    login(client, "teacher")
    first = raw_from(post(client, "/feeds", {"scope": "mine"}, page="/feeds").get_data(True))
    [token] = services.tokens_of(person("teacher"))
    renewed = post(client, f"/feeds/{token.id}/regenerate", page="/feeds")
    assert renewed.status_code == 200
    second = raw_from(renewed.get_data(as_text=True))
    assert second != first
    assert fetch(client, first).status_code == 404
    assert calendar(fetch(client, second)).items

    [token] = services.tokens_of(person("teacher"))
    revoked = post(client, f"/feeds/{token.id}/revoke", page="/feeds", follow_redirects=True)
    assert "Ссылка отозвана" in page_text(revoked)
    assert fetch(client, second).status_code == 404
    assert services.tokens_of(person("teacher")) == []
    # A revoked subscription can be neither revoked again nor renewed.
    assert post(client, f"/feeds/{token.id}/revoke", page="/feeds").status_code == 404
    assert post(client, f"/feeds/{token.id}/regenerate", page="/feeds").status_code == 404


def test_a_person_cannot_revoke_or_renew_anothers_link(app, client):
    raw = new_feed("director", "school")
    [token] = services.tokens_of(person("director"))
    login(client, "teacher")
    assert post(client, f"/feeds/{token.id}/revoke", page="/feeds").status_code == 404
    assert post(client, f"/feeds/{token.id}/regenerate", page="/feeds").status_code == 404
    assert raw not in client.get("/feeds").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FeedToken, token.id).revoked_at is None
    assert fetch(client, raw).status_code == 200


# --- the cost of a poll ---


def statements_of(client, raw: str) -> list[str]:
    """The SQL of one feed request, once the client has seen the feed (the steady hourly poll:
    sequence rows exist)."""
    fetch(client, raw)
    with queries() as statements:
        assert fetch(client, raw).status_code == 200
    return statements


def summary(statements: list[str]) -> str:
    """Each statement's first line, counted: what to read when the numbers differ."""
    lines = [" ".join(statement.split())[:90] for statement in statements]
    return "\n".join(f"{lines.count(line)} x {line}" for line in dict.fromkeys(lines))


def test_the_queries_of_a_feed_request_do_not_grow_with_its_items(app, client):
    add_tasks("teacher", 3)
    raw = new_feed("teacher")
    with queries() as first_few:  # the first poll writes the items' sequence rows
        few_items = len(calendar(fetch(client, raw)).items)
    few = statements_of(client, raw)

    add_tasks("teacher", 50, first_day=date(2027, 1, 10), title="Ещё задача")
    with queries() as first_many:  # the first poll after the change: 50 new sequence rows
        many_items = len(calendar(fetch(client, raw)).items)
    many = statements_of(client, raw)
    assert many_items == few_items + 50
    assert len(many) == len(few), summary(many)
    # The feed's last use is noted at most once an hour: the very first poll's UPDATE aside.
    first_few = [sql for sql in first_few if not sql.startswith("UPDATE feed_tokens")]
    assert len(first_many) == len(first_few), summary(first_many)
    with queries() as unchanged:
        etag = fetch(client, raw).headers["ETag"]
    commits: list[object] = []
    committed = commits.append
    event.listen(db.engine, "commit", committed)
    try:
        with queries() as not_modified:
            assert fetch(client, raw, headers={"If-None-Match": etag}).status_code == 304
    finally:
        event.remove(db.engine, "commit", committed)
    assert not commits  # an unchanged poll within the hour writes nothing, commits nothing
    # A full answer of an unchanged feed reads its stored bytes: one statement more than a 304.
    assert len(unchanged) == len(not_modified) + 1, summary(unchanged)
    assert "FROM feed_bodies" in unchanged[-1]


def find_token(raw: str) -> FeedToken:
    """The link a raw token opens, as an object (`services.find_subscription` and its row)."""
    found = services.find_subscription(raw)
    assert found is not None, "the link opens nothing"
    return db.session.get_one(FeedToken, found.token_id)


def stored_bodies(raw: str) -> list:
    token = find_token(raw)
    return list(db.session.scalars(select(FeedBody).where(FeedBody.token_id == token.id)))


def test_an_unchanged_feed_is_served_from_its_stored_bytes_until_anything_it_shows_changes(
    app, client
):
    [task] = add_tasks("teacher", 1, title="Сдать отчёт")
    raw = new_feed("teacher")
    first = fetch(client, raw)
    [stored] = stored_bodies(raw)
    assert stored.body == first.get_data()
    with queries() as again:  # no ETag sent: a full answer, read back, nothing gathered
        assert fetch(client, raw).get_data() == first.get_data()
    assert not [sql for sql in again if "FROM tasks" in sql], summary(again)

    plans.redate_tasks([task], None, date(2026, 12, 20), person("director"))
    db.session.commit()
    item = calendar(fetch(client, raw)).items[task_uid(task)]
    assert (item.start, item.sequence) == (date(2026, 12, 20), 1)
    [stored] = stored_bodies(raw)  # replaced, not added to
    assert b"20261220" in stored.body

    # The next day the same records read otherwise («Просрочено»): the stored bytes are not used.
    app.config["TODAY"] = date(2026, 12, 21)
    assert "Статус: Просрочено" in calendar(fetch(client, raw)).items[task_uid(task)].description

    # The task-client form is stored beside the events, each under its own key.
    todo = client.get(f"/ical/{raw}.ics?kind=todo")
    assert b"BEGIN:VTODO" in todo.get_data()
    assert len(stored_bodies(raw)) == 2
    assert b"BEGIN:VEVENT" in fetch(client, raw).get_data()


def test_stored_feed_bytes_follow_the_configured_address_and_go_with_the_link(app, client):
    add_tasks("teacher", 1)
    raw = new_feed("teacher")
    app.config["BASE_URL"] = HTTPS + "/"
    hosts = {urlsplit(item.url).netloc for item in calendar(fetch(client, raw)).items.values()}
    assert hosts == {"plan.school20.ru"}
    app.config["BASE_URL"] = "https://plan.example.org/"  # the school moved its address
    hosts = {urlsplit(item.url).netloc for item in calendar(fetch(client, raw)).items.values()}
    assert hosts == {"plan.example.org"}

    [token] = services.tokens_of(person("teacher"))
    services.revoke_token(token, None)
    db.session.commit()
    assert stored_bodies_of(token.id) == []
    assert fetch(client, raw).status_code == 404


def stored_bodies_of(token_id: int) -> list:
    return list(db.session.scalars(select(FeedBody).where(FeedBody.token_id == token_id)))


def test_the_last_use_of_a_feed_is_noted_once_an_hour_by_full_answers_and_304s(app, client):
    raw = new_feed("teacher")
    [token] = services.tokens_of(person("teacher"))
    assert token.last_used_at is None
    etag = fetch(client, raw).headers["ETag"]
    db.session.expire_all()
    first_use = db.session.get(FeedToken, token.id).last_used_at
    assert first_use is not None
    assert fetch(client, raw, headers={"If-None-Match": etag}).status_code == 304
    db.session.expire_all()
    assert db.session.get(FeedToken, token.id).last_used_at == first_use  # within the hour
    db.session.get(FeedToken, token.id).last_used_at = first_use - timedelta(hours=2)
    db.session.commit()
    assert fetch(client, raw, headers={"If-None-Match": etag}).status_code == 304
    db.session.expire_all()
    assert db.session.get(FeedToken, token.id).last_used_at > first_use


def test_the_queries_of_a_feed_do_not_grow_with_the_agenda_items_of_its_meetings(app, client):
    """BUG: `services._meeting_events` builds each meeting's agenda from `item.act`, which is
    `item.step.act`: two lazy loads per agenda item (`_meetings` loads `Meeting.items` only), so
    a council's feed costs two queries more per act on its agenda. Fix in
    `tracker/ical/services.py`, `_meetings`: `selectinload(Meeting.items)
    .selectinload(AgendaItem.step).selectinload(ApprovalStep.act)`."""
    school = person("director").school
    council = body_of_kind(school, BodyKind.PED_COUNCIL)
    raw = new_feed("director", f"body:{council.id}")
    few = statements_of(client, raw)

    author = person("deputy_uvr")
    acts = []
    for number in range(10):
        act = create_act(school, author, f"Положение № {number + 1}", "1. Текст.")
        submit_for_review(act, author, None)
        acts.append(act)
    create_meeting(
        council,
        person("ped_secretary"),
        held_at=datetime(2026, 12, 15, 11, 0, tzinfo=UTC),
        place="Актовый зал",
        protocol_number=2,
        acts=acts,
    )
    db.session.commit()
    assert len(calendar(fetch(client, raw)).items) == 2
    many = statements_of(client, raw)
    assert len(many) == len(few), summary(many)


def test_a_meeting_without_quorum_shows_as_not_held_in_the_members_calendars(app, client):
    """The secretary records no quorum; the teacher's calendar says the meeting did not take
    place, the next one stands as planned."""
    from tests.approvals.conftest import at
    from tests.conftest import TODAY
    from tracker.approvals.meetings import record_meeting

    school = person("teacher").school
    ped = body_of_kind(school, BodyKind.PED_COUNCIL)
    act = create_act(school, person("deputy_uvr"), "Положение о дневнике", "1. Текст")
    submit_for_review(act, person("deputy_uvr"), None)
    failed = create_meeting(
        ped, ped.secretary, held_at=at("20.11.2026"), place="", protocol_number=2, acts=[act]
    )
    record_meeting(
        failed, ped.secretary, present_count=5, decisions={}, today=TODAY, expected_version=None
    )
    later = create_meeting(
        ped, ped.secretary, held_at=at("10.12.2026"), place="", protocol_number=3, acts=[act]
    )
    db.session.commit()
    items = calendar(fetch(client, new_feed("teacher"))).items
    not_held = items[f"meeting-{failed.id}@school20.tracker"]
    assert not_held.status == "CANCELLED" and "не состоялось (нет кворума)" in not_held.summary
    assert items[f"meeting-{later.id}@school20.tracker"].status != "CANCELLED"


def test_each_tasks_item_says_what_its_task_page_says(app, client):
    """The feed reads tasks as rows (`plans.feed_tasks`): every item's window, owners and
    status read as the task itself gives them (its positions, then its people; overdue from
    the day), over the school's whole plan."""
    director = person("director")
    plan = plans.school_plan(director.school)
    tasks = plans.plan_tasks(plan)
    late = next(task for task in tasks if task.due_on and task.status == TaskStatus.PLANNED)
    late.due_on = date(2026, 11, 20)  # before the tests' today
    late.assignees = [person("teacher"), person("deputy_uvr")]
    db.session.commit()
    items = calendar(fetch(client, new_feed("director", "school"))).items
    today = app.config["TODAY"]
    shown = 0
    for task in plans.plan_tasks(plan):
        if task.due_on is None:
            continue
        owners = [p.title for p in task.positions] + [p.full_name for p in task.assignees]
        assert items[task_uid(task)].description == (
            f"Срок: {task.window_text}\nОтветственные: {', '.join(owners) or '—'}\n"
            f"Статус: {task.shown_status_label(today)}\n{items[task_uid(task)].url}"
        )
        shown += 1
    assert shown >= 15  # the dated tasks of the demo plan
    assert "Статус: Просрочено" in items[task_uid(late)].description


def test_a_feed_no_calendar_fetched_for_a_month_keeps_no_stored_bytes(app, client):
    idle, polled = new_feed("teacher"), new_feed("director")
    fetch(client, idle)
    fetch(client, polled)
    [idle_token] = services.tokens_of(person("teacher"))
    idle_token.last_used_at = utcnow() - timedelta(days=31)
    db.session.commit()
    services.forget_idle_feeds.call_local()
    db.session.expire_all()
    assert stored_bodies(idle) == []
    assert len(stored_bodies(polled)) == 1  # fetched today: kept
    assert calendar(fetch(client, idle)).items  # the next fetch writes it again
    assert len(stored_bodies(idle)) == 1
