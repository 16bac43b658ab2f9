"""The iCalendar feed (RFC 5545) as a pure function: events in, bytes out.

Chosen for what real clients show: deadlines are all-day VEVENTs (Google Calendar and Outlook do
not show VTODO), `todo=True` gives VTODOs for task clients; meetings are timed in the school's
time zone with its VTIMEZONE; UIDs are stable, SEQUENCE rises with each change of date or
title, a cancelled item stays as STATUS:CANCELLED. Escaping and 75-octet folding are the
`icalendar` package's (it folds on character boundaries, never inside a UTF-8 sequence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Todo, vDuration, vText

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
        text = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
        return text.encode(self.encoding)


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


def _alarm(days: int, all_day: bool, summary: str, to_do: bool) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", Text(summary))
    # An all-day item starts at midnight: the reminder comes at 9:00 the day(s) before.
    before = timedelta(days=days) - timedelta(hours=9) if all_day else timedelta(days=days)
    # A to-do has DUE and no start: its reminder counts from DUE (RFC 5545 3.8.6.3).
    parameters = {"RELATED": "END"} if to_do else {}
    alarm.add("trigger", vDuration(-before), parameters=parameters)
    return alarm


def _component(item: FeedEvent, feed: Feed):
    as_todo = feed.todo and item.is_deadline and item.day is not None
    component = Todo() if as_todo else Event()
    component.add("uid", item.uid)
    component.add("dtstamp", feed.stamp)
    component.add("sequence", item.sequence)
    if item.last_modified is not None:
        component.add("last-modified", item.last_modified)
    summary = clean(item.summary, SUMMARY_LIMIT)
    component.add("summary", Text(summary))
    if item.description:
        component.add("description", Text(clean(item.description, DESCRIPTION_LIMIT)))
    if item.url:
        component.add("url", item.url)
    if as_todo:
        component.add("due", item.day)
        status = "CANCELLED" if item.cancelled else "COMPLETED" if item.done else "NEEDS-ACTION"
        component.add("status", status)
    elif item.day is not None:
        component.add("dtstart", item.day)
        component.add("dtend", item.day + timedelta(days=1))
        component.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        component.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    else:
        if item.start is None:
            raise ValueError(f"{item.uid}: an item needs a day or a start")
        component.add("dtstart", item.start)
        component.add("dtend", item.end or item.start + timedelta(hours=2))
        component.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if feed.alarm_days > 0 and not item.cancelled and not item.done:
        component.add_component(_alarm(feed.alarm_days, item.day is not None, summary, as_todo))
    return component


def build_feed(feed: Feed) -> bytes:
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
    for item in feed.events:
        calendar.add_component(_component(item, feed))
    starts = [item.start.date() for item in feed.events if item.start is not None]
    if starts:
        # The zone's rules from the first meeting on: one plain block for Moscow (+03:00 since
        # 2014), not its whole history, which some readers resolve wrongly.
        calendar.add_missing_timezones(first_date=min(starts) - timedelta(days=1))
    return calendar.to_ical()


def aware(moment: datetime, timezone: str) -> datetime:
    """A stored instant shown in the school's zone (so clients get TZID=Europe/Moscow)."""
    return moment.astimezone(ZoneInfo(timezone))
