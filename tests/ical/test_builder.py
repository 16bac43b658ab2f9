"""The feed builder alone, events in, bytes out, read back the way calendar clients read them.

Every calendar built here is parsed twice: by `icalendar` (what the builder writes with) and by
`vobject` (an independent parser, its own unfolding, unescaping and time zones); the two must
agree on every item. `recurring_ical_events` expands the calendar over a period as a client
does when it draws a month. The helpers are shared with `test_feeds.py` and the browser test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from tracker.ical.builder import DESCRIPTION_LIMIT, SUMMARY_LIMIT, Feed, FeedEvent, build_feed

MOSCOW = ZoneInfo("Europe/Moscow")
STAMP = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
# Titles people type: every character iCalendar escapes, a line break, a Windows path, quotes,
# a title longer than a line in Cyrillic (two octets a letter), symbols of three and four octets.
NASTY_TITLES = [
    "Согласовать график: 5А, 5Б; 6В — до обеда",
    "Путь к папке: C:\\Документы\\ЭЖ; копия, архив",
    "Первая строка\nвторая строка, с запятой",
    'Кавычки «ёлочки» и "прямые", апостроф \' и двоеточие: всё',
    "Очень длинное название мероприятия плана перехода на электронный журнал успеваемости "
    "обучающихся с подготовкой локальных актов, приказов и протоколов заседаний советов",
    "Смешанный текст ✓ ☎ № 20 — 𝄞 и 😀 в конце, и ещё 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
    "\\;,\\,;\\\\ только знаки: \\n не перевод строки",
]


# --- reading a calendar the way clients do ---


def physical_lines(data: bytes) -> list[bytes]:
    """The content lines as sent: CRLF-terminated, at most 75 octets, each one valid UTF-8 on
    its own (a fold never splits a character), continuation lines starting with a space."""
    assert data.endswith(b"\r\n"), data[-20:]
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # raises if a fold cut a character in two
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    return lines


def unfolded(data: bytes) -> list[str]:
    """The logical lines (RFC 5545 §3.1 unfolding), for asserting on the written form."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def property_lines(data: bytes, name: str, within: tuple[str, ...] = ("VEVENT", "VTODO")):
    """The unfolded lines of property `name` directly inside an event or a to-do (not those of
    a VTIMEZONE or a VALARM)."""
    found, stack = [], []
    for line in unfolded(data):
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            stack.pop()
        elif stack and stack[-1] in within and line.split(":", 1)[0].split(";")[0] == name:
            found.append(line)
    return found


@dataclass(frozen=True)
class Item:
    """One VEVENT or VTODO as a parser read it; both parsers must give equal ones."""

    kind: str
    uid: str
    summary: str
    description: str
    url: str
    status: str
    sequence: int
    start: date | datetime | None  # a date, or the wall-clock time (naive) in `tzid`
    end: date | datetime | None
    due: date | None
    tzid: str | None
    triggers: tuple[timedelta, ...]


def _wall(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _icalendar_item(component) -> Item:
    def dt(name):
        prop = component.get(name)
        return None if prop is None else prop.dt

    start = component.get("DTSTART")
    return Item(
        kind=component.name,
        uid=str(component["UID"]),
        summary=str(component.get("SUMMARY", "")),
        description=str(component.get("DESCRIPTION", "")),
        url=str(component.get("URL", "")),
        status=str(component.get("STATUS", "")),
        sequence=int(component.get("SEQUENCE", 0)),
        start=_wall(dt("DTSTART")),
        end=_wall(dt("DTEND")),
        due=dt("DUE"),
        tzid=start.params.get("TZID") if start is not None else None,
        triggers=tuple(alarm["TRIGGER"].dt for alarm in component.walk("VALARM")),
    )


def _vobject_item(component) -> Item:
    def value(name, default=None):
        line = getattr(component, name, None) if name in component.contents else None
        return default if line is None else line.value

    start = value("dtstart")
    tzid = None
    if isinstance(start, datetime) and start.tzinfo is not None:
        tzid = vobject.icalendar.TimezoneComponent.pickTzid(start.tzinfo)
    return Item(
        kind=component.name,
        uid=value("uid"),
        summary=value("summary", ""),
        description=value("description", ""),
        url=value("url", ""),
        status=value("status", ""),
        sequence=int(value("sequence", 0)),
        start=_wall(start),
        end=_wall(value("dtend")),
        due=value("due"),
        tzid=tzid,
        triggers=tuple(alarm.trigger.value for alarm in component.contents.get("valarm", [])),
    )


@dataclass
class Parsed:
    calendar: icalendar.Calendar
    other: vobject.base.Component  # vobject's reading
    items: dict[str, Item]  # by UID, as both parsers agree

    def instants(self) -> dict[str, tuple[datetime, datetime]]:
        """Timed items' start and end as absolute instants, in icalendar's reading."""
        return {
            str(c["UID"]): (c["DTSTART"].dt.astimezone(UTC), c["DTEND"].dt.astimezone(UTC))
            for c in self.calendar.walk("VEVENT")
            if isinstance(c["DTSTART"].dt, datetime)
        }

    def other_instants(self) -> dict[str, tuple[datetime, datetime]]:
        """The same in vobject's reading (which uses the feed's own VTIMEZONE)."""
        return {
            c.uid.value: (c.dtstart.value.astimezone(UTC), c.dtend.value.astimezone(UTC))
            for c in self.other.contents.get("vevent", [])
            if isinstance(c.dtstart.value, datetime)
        }

    def expanded(self, first: date, last: date) -> dict[str, object]:
        """What a client draws between two days: UID -> the occurrence's DTSTART value."""
        occurrences = recurring_ical_events.of(self.calendar, components=["VEVENT"]).between(
            first, last
        )
        return {str(o["UID"]): o["DTSTART"].dt for o in occurrences}


def parse(data: bytes) -> Parsed:
    """Read a feed with both parsers, check its lines, and return their common view."""
    physical_lines(data)
    calendar = icalendar.Calendar.from_ical(data)
    other = vobject.readOne(data.decode("utf-8"), validate=True)
    ours = [_icalendar_item(c) for c in calendar.subcomponents if c.name in ("VEVENT", "VTODO")]
    theirs = [
        _vobject_item(c) for name in ("vevent", "vtodo") for c in other.contents.get(name, [])
    ]
    assert len({item.uid for item in ours}) == len(ours), "UIDs repeat"
    by_uid = {item.uid: item for item in ours}
    assert by_uid == {item.uid: item for item in theirs}
    assert str(calendar["X-WR-CALNAME"]) == other.x_wr_calname.value
    return Parsed(calendar, other, by_uid)


# --- feeds to build ---


def deadline(uid="task-1@school20.tracker", summary="Сдать отчёт", day=date(2026, 12, 10), **kw):
    return FeedEvent(uid=uid, summary=summary, day=day, **kw)


def meeting(uid="meeting-1@school20.tracker", start=datetime(2026, 12, 3, 15, 0), **kw):
    start = start.replace(tzinfo=MOSCOW)
    return FeedEvent(
        uid=uid,
        summary="Педагогический совет: заседание, протокол № 2",
        start=start,
        end=start + timedelta(hours=2),
        is_deadline=False,
        **kw,
    )


def feed(*events: FeedEvent, **kw) -> Feed:
    options = {"name": "МБОУ СОШ № 20: Фёдоров А. М.", "timezone": "Europe/Moscow", **kw}
    return Feed(events=tuple(events), stamp=STAMP, **options)


# --- the tests ---


def test_a_deadline_is_an_all_day_event_from_its_day_to_the_next():
    data = build_feed(feed(deadline(description="Срок: 10.12.2026", url="https://x/tasks/1")))
    assert property_lines(data, "DTSTART") == ["DTSTART;VALUE=DATE:20261210"]
    assert property_lines(data, "DTEND") == ["DTEND;VALUE=DATE:20261211"]
    assert property_lines(data, "TRANSP") == ["TRANSP:TRANSPARENT"]  # nobody is made busy
    assert property_lines(data, "DTSTAMP") == ["DTSTAMP:20261128T093000Z"]
    parsed = parse(data)
    [item] = parsed.items.values()
    assert (item.kind, item.start, item.end) == ("VEVENT", date(2026, 12, 10), date(2026, 12, 11))
    assert (item.status, item.url) == ("CONFIRMED", "https://x/tasks/1")
    # A client drawing December shows it on the 10th only.
    assert parsed.expanded(date(2026, 12, 10), date(2026, 12, 11)) == {item.uid: item.start}
    assert parsed.expanded(date(2026, 12, 11), date(2026, 12, 12)) == {}
    assert parsed.expanded(date(2026, 12, 9), date(2026, 12, 10)) == {}


def test_the_same_feed_gives_the_same_bytes_with_its_sequence_and_last_modified():
    changed = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    one = feed(deadline(sequence=3, last_modified=changed), meeting(sequence=1))
    assert build_feed(one) == build_feed(one)
    data = build_feed(one)
    items = parse(data).items
    assert items["task-1@school20.tracker"].sequence == 3
    assert items["meeting-1@school20.tracker"].sequence == 1
    assert property_lines(data, "LAST-MODIFIED") == ["LAST-MODIFIED:20261127T080000Z"]


@pytest.mark.parametrize("title", NASTY_TITLES)
@pytest.mark.parametrize("shift", range(4))
def test_titles_are_escaped_and_folded_without_splitting_a_character(title, shift):
    # `shift` moves the fold points by 0-3 octets: each lands at every place inside characters
    # of two, three and four octets.
    summary = "x" * shift + title
    data = build_feed(feed(deadline(summary=summary, description=summary * 3)))
    lines = physical_lines(data)
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    [written] = property_lines(data, "SUMMARY")
    escaped = (
        summary.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )
    assert written == "SUMMARY:" + escaped
    [item] = parse(data).items.values()
    assert item.summary == summary and item.description == summary * 3


def test_backslash_n_in_a_title_is_kept_as_typed():
    """BUG: `icalendar` turns the two characters `\\N` of a text into a line break before
    escaping (its `escape_char` starts with `.replace(r"\\N", "\\n")`), so a path such as
    `\\\\NAS\\Общие` or `C:\\Notes` reaches every client broken in two lines."""
    summary = "Выложить в \\\\NAS\\Общие\\Notes и C:\\New"
    data = build_feed(feed(deadline(summary=summary)))
    [item] = parse(data).items.values()
    assert item.summary == summary


def test_control_characters_are_dropped_and_long_texts_cut():
    summary = "Отчёт\x00\x07 за\x1b четверть\x7f" + "я" * 400
    data = build_feed(feed(deadline(summary=summary, description="д" * 5000)))
    [item] = parse(data).items.values()
    assert item.summary == ("Отчёт за четверть" + "я" * 400)[:SUMMARY_LIMIT]
    assert item.description == "д" * DESCRIPTION_LIMIT
    assert not any(ord(ch) < 32 and ch not in "\r\n" for ch in data.decode("utf-8"))


def test_a_meeting_is_timed_in_the_school_zone_with_its_vtimezone():
    data = build_feed(feed(meeting(), deadline()))
    assert property_lines(data, "DTSTART")[0] == "DTSTART;TZID=Europe/Moscow:20261203T150000"
    assert property_lines(data, "DTEND")[0] == "DTEND;TZID=Europe/Moscow:20261203T170000"
    parsed = parse(data)
    [zone] = parsed.calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Moscow"
    item = parsed.items["meeting-1@school20.tracker"]
    assert (item.tzid, item.start) == ("Europe/Moscow", datetime(2026, 12, 3, 15, 0))
    assert parsed.instants()["meeting-1@school20.tracker"] == (
        datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
    )
    assert "meeting-1@school20.tracker" in parsed.expanded(date(2026, 12, 3), date(2026, 12, 4))
    assert property_lines(data, "TRANSP") == ["TRANSP:TRANSPARENT"]  # only the deadline's


def test_the_vtimezone_gives_the_meeting_the_same_instant_in_an_independent_parser():
    """BUG (interoperability): `build_feed` calls `calendar.add_missing_timezones()` with its
    default range, 1970–2038, so the VTIMEZONE of Europe/Moscow is the zone's whole history:
    six blocks, long multi-valued RDATE lists, the 2011–2014 +04:00 period. Valid, but a reader
    that uses the VTIMEZONE itself rather than a zone it knows by the TZID's name, and handles
    RDATE lists only partly (vobject keeps the first date of each list), puts a 15:00 meeting at
    11:00 UTC instead of 12:00. A VTIMEZONE starting at the feed's first meeting
    (`add_missing_timezones(first_date=...)`) is one STANDARD block at +03:00 that every reader
    agrees on."""
    parsed = parse(build_feed(feed(meeting())))
    assert parsed.other_instants() == parsed.instants()


@pytest.mark.parametrize("days", [1, 2, 3, 7])
def test_reminders_come_the_configured_days_before(days):
    parsed = parse(build_feed(feed(deadline(), meeting(), alarm_days=days)))
    by_uid = {str(c["UID"]): c for c in parsed.calendar.walk("VEVENT")}
    # The deadline's reminder: 9:00 on the day `days` before; the meeting's: `days` before it.
    [alarm_at] = [a.trigger for a in by_uid["task-1@school20.tracker"].alarms.times]
    assert alarm_at == datetime(2026, 12, 10, 9, 0) - timedelta(days=days)
    [alarm_at] = [a.trigger for a in by_uid["meeting-1@school20.tracker"].alarms.times]
    assert alarm_at == datetime(2026, 12, 3, 15, 0, tzinfo=MOSCOW) - timedelta(days=days)
    for component in by_uid.values():
        [alarm] = component.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert str(alarm["DESCRIPTION"]) == str(component["SUMMARY"])


def test_no_reminder_when_none_is_wanted_nor_for_what_is_cancelled_or_done():
    data = build_feed(feed(deadline(), meeting(), alarm_days=0))
    assert "BEGIN:VALARM" not in unfolded(data)
    data = build_feed(
        feed(
            deadline(uid="task-1@s", cancelled=True),
            deadline(uid="task-2@s", done=True),
            deadline(uid="task-3@s"),
            alarm_days=2,
        )
    )
    items = parse(data).items
    assert [items[f"task-{n}@s"].triggers for n in (1, 2, 3)] == [
        (),
        (),
        (-timedelta(days=1, hours=15),),
    ]
    assert [items[f"task-{n}@s"].status for n in (1, 2, 3)] == [
        "CANCELLED",
        "CONFIRMED",
        "CONFIRMED",
    ]


def test_the_calendar_names_itself_and_asks_to_be_refreshed_hourly():
    data = build_feed(feed(deadline()))
    lines = unfolded(data)
    for expected in (
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:МБОУ СОШ № 20: Фёдоров А. М.",
        "X-WR-TIMEZONE:Europe/Moscow",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ):
        assert expected in lines
    assert "PRODID:-//tracker//школьный план перехода//RU" in lines
    other = parse(data).other
    assert other.refresh_interval.value == "PT1H" and other.x_published_ttl.value == "PT1H"
    assert other.method.value == "PUBLISH"


def test_the_task_client_form_gives_vtodos_due_on_their_day():
    data = build_feed(
        feed(
            deadline(uid="task-1@s"),
            deadline(uid="task-2@s", done=True),
            deadline(uid="task-3@s", cancelled=True),
            meeting(),
            todo=True,
        )
    )
    assert property_lines(data, "DUE") == ["DUE;VALUE=DATE:20261210"] * 3
    items = parse(data).items
    tasks = [items[f"task-{n}@s"] for n in (1, 2, 3)]
    assert {item.kind for item in tasks} == {"VTODO"}
    assert [item.status for item in tasks] == ["NEEDS-ACTION", "COMPLETED", "CANCELLED"]
    assert {(item.due, item.start, item.end) for item in tasks} == {
        (date(2026, 12, 10), None, None)
    }
    # A meeting is not a task: it stays an event with its time.
    assert items["meeting-1@school20.tracker"].kind == "VEVENT"


def test_a_todo_reminder_is_related_to_its_due_date():
    """BUG: in the task-client form (`?kind=todo`) a VTODO has DUE and no DTSTART, but its
    VALARM's TRIGGER is relative to the start (no RELATED parameter). RFC 5545 §3.8.6.3: a
    trigger relative to START needs DTSTART in the VTODO; for a to-do it must be
    `TRIGGER;RELATED=END:...` (relative to DUE). Clients drop or misplace such reminders;
    `icalendar`'s own alarm computation refuses it ("No DTSTART given")."""
    data = build_feed(feed(deadline(), alarm_days=1, todo=True))
    [todo] = icalendar.Calendar.from_ical(data).walk("VTODO")
    [alarm] = todo.walk("VALARM")
    assert "DTSTART" in todo or alarm["TRIGGER"].params.get("RELATED") == "END"


def test_an_empty_feed_is_still_a_calendar_both_parsers_read():
    parsed = parse(build_feed(feed()))
    assert parsed.items == {}
    assert str(parsed.calendar["X-WR-CALNAME"]) == "МБОУ СОШ № 20: Фёдоров А. М."


# --- the writer gives icalendar's own bytes ---


def every_kind_of_item(shift: int) -> list[FeedEvent]:
    """Deadlines and meetings, open, done and cancelled, with long and awkward texts whose fold
    points move by `shift` octets, a URL long enough to fold, a meeting in UTC."""
    url = "https://plan.school20.ru:8443/tasks/" + "1" * (60 + shift)
    items = []
    for number, title in enumerate(NASTY_TITLES):
        text = "x" * shift + title
        items.append(
            deadline(
                uid=f"task-{number}@school20.tracker",
                summary=text,
                description=text * 2,
                url=url,
                sequence=number,
                last_modified=STAMP - timedelta(days=number),
                done=number == 2,
                cancelled=number == 3,
            )
        )
    items.append(meeting(last_modified=STAMP, url=url))
    items.append(meeting(uid="meeting-2@school20.tracker", cancelled=True))
    start = datetime(2026, 12, 4, 9, tzinfo=UTC)
    items.append(FeedEvent(uid="m-utc@x", summary="В UTC", start=start, is_deadline=False))
    return items


@pytest.mark.parametrize("shift", range(4))
@pytest.mark.parametrize("todo", [False, True])
@pytest.mark.parametrize("alarm_days", [0, 1, 2])
def test_the_writer_gives_the_bytes_icalendars_objects_give(shift, todo, alarm_days):
    from tests.ical.reference import reference_feed

    written = feed(*every_kind_of_item(shift), todo=todo, alarm_days=alarm_days)
    assert build_feed(written) == reference_feed(written)
    empty = feed(todo=todo, alarm_days=alarm_days)
    assert build_feed(empty) == reference_feed(empty)
