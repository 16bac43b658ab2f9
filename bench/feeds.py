"""Calendar feeds: the builder against `icalendar` alone, a client's full poll against the
304 that answers an unchanged feed, and the SQL queries of a poll.

The teacher of the demo school subscribes to their own feed (a meeting and an order), which is
filled with tasks given to the teacher through `tracker.plans.services.create_task` (as the
director's form adds them), due on successive days: first to 10 items, then to 1,000.
Then, each `REPEATS` times alternately:

- `build_feed` of the feed's 1,000 events (gathered and sequenced once, outside the timing)
  against the floor: `icalendar` alone writing the same 1,000 events, a bare `Calendar` of
  `Event`s with the same properties, alarms and time zone, without SEQUENCE and LAST-MODIFIED
  (no sequences, no database);
- the full request (`GET /ical/<token>.ics` through Flask's test client, every request in its
  own app context and database session as in production, no `If-None-Match`) against the same
  floor and against the second floor, the same events written by plain string joining: the
  feed is unchanged since the last answer, so its stored bytes are read back (issue #20's
  target, ≤ 1.3x);
- the first request after a change, the stored bytes deleted before each one, so the items
  are gathered, sequenced, written and stored again, against the string-joining floor (no
  target: what every change, and a first subscription, pays);
- the repeated request with the ETag of the previous answer (`If-None-Match`, answered 304)
  against that full price: the ratio is what an unchanged hourly poll costs; target < 0.01;
  and the stored full answer against the 304, for what a client without ETags costs;
- the same 304 once the school's audit log has grown by 100,000 entries (years of a busy
  school): the poll reads the version kept on the school's row, so it must not slow down.

The SQL statements of one full request and of one 304 are counted on the feed at 10 items and
again at 1,000 (a `before_cursor_execute` listener), after a first poll each time: the steady
hourly poll, the sequence rows of the items written.

Run: `python -m bench.feeds` (or `make bench`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from icalendar import Alarm, Calendar, Event, vDuration
from sqlalchemy import event, select

from bench.common import DEMO_TODAY, add_tasks, demo_app, measure, report_columns

REPEATS = 16
LOG_ENTRIES = 100_000
ITEMS = 1000
FEW = 10
BASE_URL = "http://localhost/"


def floor_for(feed) -> Callable[[], bytes]:
    """`icalendar` alone writing the same calendar: the same components and properties as
    `build_feed`, from values ready to add, without SEQUENCE and LAST-MODIFIED."""

    def floor() -> bytes:
        calendar = Calendar()
        calendar.add("prodid", "-//tracker//школьный план перехода//RU")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", feed.name)
        calendar.add("x-wr-timezone", feed.timezone)
        calendar.add(
            "refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"}
        )
        calendar.add("x-published-ttl", "PT1H")
        for item in feed.events:
            component = Event()
            component.add("uid", item.uid)
            component.add("dtstamp", feed.stamp)
            component.add("summary", item.summary)
            component.add("description", item.description)
            component.add("url", item.url)
            if item.day is not None:
                component.add("dtstart", item.day)
                component.add("dtend", item.day + timedelta(days=1))
                component.add("transp", "TRANSPARENT")
                before = timedelta(days=feed.alarm_days) - timedelta(hours=9)
            else:
                component.add("dtstart", item.start)
                component.add("dtend", item.end)
                before = timedelta(days=feed.alarm_days)
            component.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
            if feed.alarm_days and not item.cancelled and not item.done:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", item.summary)
                alarm.add("trigger", vDuration(-before))
                component.add_component(alarm)
            calendar.add_component(component)
        if any(item.start is not None for item in feed.events):
            calendar.add_missing_timezones()
        return calendar.to_ical()

    return floor


def joined_floor_for(feed) -> Callable[[], bytes]:
    """The same events written by plain string joining: each item's lines from one f-string,
    its texts escaped by `str.replace`, no folding, no checks: the speed of writing the bytes
    (issue #20's second floor)."""

    def escape(text: str) -> str:
        text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return text.replace("\n", "\\n")

    stamp = feed.stamp.strftime("%Y%m%dT%H%M%SZ")
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tracker//школьный план перехода//RU\r\n"
        f"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:{escape(feed.name)}\r\n"
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n"
        f"X-WR-TIMEZONE:{feed.timezone}\r\n"
    )

    def floor() -> bytes:
        parts = [head]
        for item in feed.events:
            if item.day is not None:
                when = (
                    f"DTSTART;VALUE=DATE:{item.day:%Y%m%d}\r\n"
                    f"DTEND;VALUE=DATE:{item.day + timedelta(days=1):%Y%m%d}\r\n"
                )
            else:
                when = (
                    f"DTSTART;TZID={feed.timezone}:{item.start:%Y%m%dT%H%M%S}\r\n"
                    f"DTEND;TZID={feed.timezone}:{item.end:%Y%m%dT%H%M%S}\r\n"
                )
            summary = escape(item.summary)
            parts.append(
                f"BEGIN:VEVENT\r\nSUMMARY:{summary}\r\n{when}DTSTAMP:{stamp}\r\n"
                f"UID:{item.uid}\r\nSEQUENCE:{item.sequence}\r\n"
                f"DESCRIPTION:{escape(item.description)}\r\n"
                f"STATUS:{'CANCELLED' if item.cancelled else 'CONFIRMED'}\r\nURL:{item.url}\r\n"
                f"BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:{summary}\r\n"
                "TRIGGER:-PT15H\r\nEND:VALARM\r\nEND:VEVENT\r\n"
            )
        parts.append("END:VCALENDAR\r\n")
        return "".join(parts).encode()

    return floor


def subscribe(username: str):
    """A new feed of the person's own items: (token, raw token)."""
    from tracker.accounts.models import Person
    from tracker.extensions import db
    from tracker.ical import services

    owner = db.session.scalar(select(Person).where(Person.username == username))
    token, raw = services.create_token(owner, None, "mine", 1)
    db.session.commit()
    return token, raw


def grow(token, items: int) -> None:
    """Tasks given to the feed's person until the feed holds `items` items."""
    from tracker.accounts.models import Person
    from tracker.extensions import db
    from tracker.ical import services

    owner = token.person
    director = db.session.scalar(select(Person).where(Person.username == "director"))
    _name, events = services.collect(token, BASE_URL, DEMO_TODAY)
    add_tasks(
        director,
        range(len(events), items),
        "Подготовить материалы к заседанию, раздел {number}, с приложениями",
        date(2026, 12, 1),
        365,
        assignees=[owner],
    )
    _name, events = services.collect(token, BASE_URL, DEMO_TODAY)
    assert len(events) == items, len(events)


def feed_of(token, raw: str):
    """The feed's calendar as `build_feed` takes it: its items gathered and sequenced."""
    from tracker.extensions import db
    from tracker.ical import services
    from tracker.ical.builder import Feed

    name, events = services.collect(token, BASE_URL, DEMO_TODAY)
    events = services.sequenced(events)
    db.session.commit()
    subscription = services.find_subscription(raw)
    assert subscription is not None
    stamp = services.validator(subscription, False, DEMO_TODAY).last_modified
    return Feed(name, "Europe/Moscow", tuple(events), stamp, alarm_days=token.alarm_days)


def counted(request: Callable[[], object]) -> int:
    """How many SQL statements `request` runs."""
    from tracker.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        request()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def grow_log(school_id: int, entries: int) -> None:
    """The school's audit log grown to `entries` more, as years of work would (plain INSERTs
    that leave the school's version alone): a poll must cost the same with a long log."""
    from sqlalchemy import insert

    from tracker.audit.models import AuditEntry
    from tracker.extensions import db

    row = {"action": "task.edit", "object_type": "task", "school_id": school_id, "changes": {}}
    for start in range(0, entries, 10_000):
        db.session.execute(insert(AuditEntry), [row] * min(10_000, entries - start))
    db.session.commit()


def main() -> None:
    from tracker.ical.builder import build_feed

    rows = []
    with demo_app() as app:
        client = app.test_client()

        def get(token_raw: str, headers=None):
            def request():
                with app.app_context():  # its own context and session, as in production
                    response = client.get(f"/ical/{token_raw}.ics", headers=headers or {})
                    response.get_data()
                    return response

            return request

        def polls(token_raw: str) -> tuple[int, int]:
            """SQL statements of a full request (once the client has seen the feed: its
            sequence rows exist) and of a 304."""
            etag = get(token_raw)().headers["ETag"]
            return (
                counted(get(token_raw)),
                counted(get(token_raw, {"If-None-Match": etag})),
            )

        token, raw = subscribe("teacher")
        grow(token, FEW)
        few_queries = polls(raw)
        grow(token, ITEMS)
        queries = polls(raw)
        feed = feed_of(token, raw)
        floor = floor_for(feed)
        rows.append(
            {"name": f"build_feed, {ITEMS} items", "items": ITEMS}
            | measure(lambda: build_feed(feed), floor, REPEATS)
        )

        full = get(raw)
        etag = full().headers["ETag"]
        unchanged = get(raw, {"If-None-Match": etag})
        assert unchanged().status_code == 304
        size = len(full().get_data())
        queries = {
            "queries": queries[0],
            "queries_304": queries[1],
            f"queries_{FEW}_items": few_queries[0],
            f"queries_{FEW}_items_304": few_queries[1],
        }
        rows.append(
            {"name": f"full request, {ITEMS} items", "items": ITEMS, "bytes": size, **queries}
            | measure(full, floor, REPEATS)
        )
        rebuilt = get(raw)

        def after_a_change():
            """A full request whose stored bytes are stale: gathered and written again."""
            from sqlalchemy import delete

            from tracker.extensions import db
            from tracker.ical.models import FeedBody

            with app.app_context():
                db.session.execute(delete(FeedBody))
                db.session.commit()
            return rebuilt()

        rows.append(
            {"name": "304 poll vs a full request built after a change", "items": ITEMS, **queries}
            | measure(unchanged, after_a_change, REPEATS)
        )
        rows.append(
            {"name": "stored full request vs 304 poll", "items": ITEMS}
            | measure(full, unchanged, REPEATS)
        )
        joined = joined_floor_for(feed)
        rows.append(
            {"name": f"build_feed, {ITEMS} items, against string joining", "items": ITEMS}
            | measure(lambda: build_feed(feed), joined, REPEATS)
        )
        rows.append(
            {"name": f"full request, {ITEMS} items, against string joining", "items": ITEMS}
            | measure(full, joined, REPEATS)
        )
        rows.append(
            {"name": f"first request after a change, {ITEMS} items, against string joining"}
            | {"items": ITEMS}
            | measure(after_a_change, joined, REPEATS)
        )
        grow_log(token.person.school_id, LOG_ENTRIES)
        assert unchanged().status_code == 304  # the copies were written past the version
        rows.append(
            {"name": f"304 poll, school log of {LOG_ENTRIES:,} entries", "items": ITEMS}
            | measure(unchanged, after_a_change, REPEATS)
        )
        polls_rows = (rows[2], rows[-1])
    report_columns("feeds", rows)
    print(
        f"SQL statements per request: {ITEMS} items {queries['queries']} "
        f"(304: {queries['queries_304']}), {FEW} items {queries[f'queries_{FEW}_items']} "
        f"(304: {queries[f'queries_{FEW}_items_304']}); feed of {ITEMS} items: {size} bytes"
    )
    print(
        f"304 poll / full request: {polls_rows[0]['ratio']:.4f} (target < 0.01); "
        f"with {LOG_ENTRIES:,} entries more in the school's log: {polls_rows[1]['ratio']:.4f} "
        f"({polls_rows[0]['ours_s'] * 1000:.1f} ms, then {polls_rows[1]['ours_s'] * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
