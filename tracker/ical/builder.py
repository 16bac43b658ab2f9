"""The iCalendar feed (RFC 5545) as a pure function: events in, bytes out.

Chosen for what real clients show: deadlines are all-day VEVENTs (Google Calendar and Outlook do
not show VTODO), `todo=True` gives VTODOs for task clients; meetings are timed in the school's
time zone with its VTIMEZONE; UIDs are stable, SEQUENCE rises with each change of date or
title, a cancelled item stays as STATUS:CANCELLED. Escaping and 75-octet folding are the
`icalendar` package's (it folds on character boundaries, never inside a UTF-8 sequence).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration, vText

# Characters XML and iCalendar readers choke on; newlines stay (escaped by icalendar).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SUMMARY_LIMIT = 250
DESCRIPTION_LIMIT = 4000


def clean(text: str, limit: int) -> str:
    return _CONTROL.sub("", text or "")[:limit]


class Text(vText):
    """TEXT escaped by RFC 5545 §3.3.11 alone. (icalendar first turns a typed «\\N» into a line
    break, so «C:\\Notes» would reach clients split in two.)"""

    encoding: str  # set by vText.__new__ (a slot icalendar leaves unannotated)

    def to_ical(self) -> bytes:
        return _text(str(self)).encode(self.encoding)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    day: date | None = None  # an all-day item (a deadline)
    start: datetime | None = None  # a timed item (a meeting), timezone-aware
    end: datetime | None = None
    description: str = ""
    url: str = ""
    cancelled: bool = False
    done: bool = False
    sequence: int = 0
    last_modified: datetime | None = None
    is_deadline: bool = True  # becomes a VTODO in the task-client form


@dataclass(frozen=True)
class Feed:
    name: str
    timezone: str
    events: tuple[FeedEvent, ...]
    stamp: datetime  # DTSTAMP of every item: when the data last changed, so bytes are stable
    alarm_days: int = 1
    todo: bool = False


def _fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 §3.1) as `icalendar` folds it: pieces of at
    most 74 octets after the first, cut between characters (never inside a UTF-8 sequence) and
    never right after a backslash or a caret, so an escape stays whole."""
    if len(line) < 38:
        return line
    data = line.encode()
    if len(data) < 75:
        return line
    pieces = []
    start = 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back to its character's start
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def _text(value: str) -> str:
    """TEXT escaped by RFC 5545 §3.3.11 (as `Text`)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _zone(moment: datetime) -> str:
    """The TZID of an aware moment: its IANA name, or «UTC»."""
    return getattr(moment.tzinfo, "key", "UTC")


def _moment(moment: datetime) -> str:
    """A DATE-TIME after the property's name: in its zone by TZID, or in UTC with «Z»."""
    zone = _zone(moment)
    if zone == "UTC":
        return ":" + _utc(moment)
    return f";TZID={zone}:{moment:%Y%m%dT%H%M%S}"


def _duration(delta: timedelta) -> str:
    """A DURATION value as `icalendar`'s vDuration writes it."""
    sign = ""
    if delta.days < 0:
        sign, delta = "-", -delta
    time_part = ""
    if delta.seconds:
        hours, minutes, seconds = (
            delta.seconds // 3600,
            delta.seconds % 3600 // 60,
            delta.seconds % 60,
        )
        time_part = "T" + (f"{hours}H" if hours else "")
        if minutes or (hours and seconds):
            time_part += f"{minutes}M"
        if seconds:
            time_part += f"{seconds}S"
    if delta.days == 0 and time_part:
        return f"{sign}P{time_part}"
    return f"{sign}P{abs(delta.days)}D{time_part}"


def _alarm_lines(days: int, all_day: bool, summary: str, to_do: bool) -> list[str]:
    # An all-day item starts at midnight: the reminder comes at 9:00 the day(s) before.
    before = timedelta(days=days) - timedelta(hours=9) if all_day else timedelta(days=days)
    # A to-do has DUE and no start: its reminder counts from DUE (RFC 5545 3.8.6.3).
    related = ";RELATED=END" if to_do else ""
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        _fold("DESCRIPTION:" + summary),
        f"TRIGGER{related}:{_duration(-before)}",
        "END:VALARM",
    ]


def _component(item: FeedEvent, feed: Feed, stamp: str) -> str:
    """One item's lines, in the order `icalendar` gives its properties (an event's canonical
    ones first, then the rest alphabetically; a to-do's alphabetically)."""
    as_todo = feed.todo and item.is_deadline and item.day is not None
    summary = _text(clean(item.summary, SUMMARY_LIMIT))
    description = (
        _fold("DESCRIPTION:" + _text(clean(item.description, DESCRIPTION_LIMIT)))
        if item.description
        else None
    )
    modified = f"LAST-MODIFIED:{_utc(item.last_modified)}" if item.last_modified else None
    url = _fold("URL:" + item.url) if item.url else None
    if as_todo:
        assert item.day is not None
        status = "CANCELLED" if item.cancelled else "COMPLETED" if item.done else "NEEDS-ACTION"
        lines = [
            "BEGIN:VTODO",
            description,
            "DTSTAMP:" + stamp,
            f"DUE;VALUE=DATE:{item.day:%Y%m%d}",
            modified,
            f"SEQUENCE:{item.sequence}",
            "STATUS:" + status,
            _fold("SUMMARY:" + summary),
            _fold("UID:" + item.uid),
            url,
        ]
    else:
        if item.day is not None:
            start = f"DTSTART;VALUE=DATE:{item.day:%Y%m%d}"
            end = f"DTEND;VALUE=DATE:{item.day + timedelta(days=1):%Y%m%d}"
        elif item.start is not None:
            start = "DTSTART" + _moment(item.start)
            end = "DTEND" + _moment(item.end or item.start + timedelta(hours=2))
        else:
            raise ValueError(f"{item.uid}: an item needs a day or a start")
        lines = [
            "BEGIN:VEVENT",
            _fold("SUMMARY:" + summary),
            start,
            end,
            "DTSTAMP:" + stamp,
            _fold("UID:" + item.uid),
            f"SEQUENCE:{item.sequence}",
            description,
            modified,
            "STATUS:" + ("CANCELLED" if item.cancelled else "CONFIRMED"),
            "TRANSP:TRANSPARENT" if item.day is not None else None,  # a deadline frees the day
            url,
        ]
    if feed.alarm_days > 0 and not item.cancelled and not item.done:
        lines += _alarm_lines(feed.alarm_days, item.day is not None, summary, as_todo)
    lines.append("END:VTODO" if as_todo else "END:VEVENT")
    return "\r\n".join(line for line in lines if line is not None) + "\r\n"


@functools.lru_cache(maxsize=256)
def _timezone(zone: str, first: date) -> Timezone:
    """A zone's VTIMEZONE from a day on, made once per process (it costs more than a hundred
    items): public rules, nothing of anyone's."""
    return Timezone.from_tzid(zone, first_date=first)


def build_feed(feed: Feed) -> bytes:
    """The calendar's head (and the VTIMEZONE of its meetings) by `icalendar`, its items written
    line by line: the same bytes `icalendar`'s objects would give (tests/ical/reference.py), at
    the speed of joining strings."""
    calendar = Calendar()
    calendar.add("prodid", "-//tracker//школьный план перехода//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", Text(clean(feed.name, SUMMARY_LIMIT)))
    calendar.add("x-wr-timezone", feed.timezone)
    calendar.add(
        "refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"}
    )
    calendar.add("x-published-ttl", "PT1H")
    starts = [item.start for item in feed.events if item.day is None and item.start is not None]
    zones = sorted({_zone(start) for start in starts} - {"UTC"})
    for zone in zones:
        # The zone's rules from the first meeting on: one plain block for Moscow (+03:00 since
        # 2014), not its whole history, which some readers resolve wrongly.
        first = min(start.date() for start in starts) - timedelta(days=1)
        try:
            calendar.add_component(_timezone(zone, first))
        except ValueError:  # a zone icalendar does not know: the TZID alone, as before
            continue
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    stamp = _utc(feed.stamp)
    items = "".join(_component(item, feed, stamp) for item in feed.events)
    return head[: -len(end)] + items.encode() + end


def aware(moment: datetime, timezone: str) -> datetime:
    """A stored instant shown in the school's zone (so clients get TZID=Europe/Moscow)."""
    return moment.astimezone(ZoneInfo(timezone))
