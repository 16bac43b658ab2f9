"""The feed as `icalendar`'s objects write it: the builder as it was before it wrote the lines
itself (issue #20). The tests hold the writer to the same bytes for every kind of item."""

from datetime import timedelta

from icalendar import Alarm, Calendar, Event, Todo, vDuration

from tracker.ical.builder import DESCRIPTION_LIMIT, SUMMARY_LIMIT, Feed, FeedEvent, Text, clean


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


def reference_feed(feed: Feed) -> bytes:
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
