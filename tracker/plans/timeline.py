"""The plan as a picture: a timeline (Gantt-like) and the phases' progress over time, drawn on
the server as SVG, so they read and print without JavaScript. Pure: rows and dates in, text out.

The timeline has a row per phase and per task. A task with dates is one bar from its start (or
its deadline) to its deadline; an overdue one is red, a done one green. A recurring item has no
bar but a tick at each of its occurrences. A vertical line marks today. Every bar and tick links
to its task's page and carries its words as a tooltip (`<title>`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.plans.models import Phase, Task, TaskStatus
from tracker.types import xml_safe

SVG = "http://www.w3.org/2000/svg"
LABEL_WIDTH = 300
CHART_WIDTH = 900
ROW = 20
TOP = 34  # room for the months' names
LABEL_CHARS = 46


@dataclass(frozen=True)
class Scale:
    """Days to x: the chart's first day at x0, `per_day` pixels a day."""

    first: date
    last: date
    x0: float
    per_day: float

    def x(self, day: date) -> float:
        return round(self.x0 + (day - self.first).days * self.per_day, 2)


# A recurring item's occurrence on the timeline: its date and whether it is done.
Tick = tuple[date, bool]


def _span(tasks: Sequence[Task], ticks: Mapping[int, Sequence[Tick]], today: date):
    days = [today]
    for task in tasks:
        days += [day for day in (task.starts_on, task.due_on) if day]
        days += [day for day, _done in ticks.get(task.id, ())]
    first, last = min(days), max(days)
    first = first.replace(day=1)  # whole months
    last = (last.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, last


def scale_for(tasks: Sequence[Task], ticks: Mapping[int, Sequence[Tick]], today: date) -> Scale:
    first, last = _span(tasks, ticks, today)
    days = max((last - first).days, 1)
    return Scale(first, last, LABEL_WIDTH, CHART_WIDTH / days)


def _months(first: date, last: date):
    month = first
    while month < last:
        yield month
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _el(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(
        parent,
        tag,
        {key.rstrip("_").replace("_", "-"): xml_safe(v) for key, v in attributes.items()},
    )
    if text is not None:
        element.text = xml_safe(text)
    return element


def _svg_root(width: int, height: int, title: str) -> ET.Element:
    """An SVG picture of the given size, its title the name a screen reader says."""
    ET.register_namespace("", SVG)
    root = ET.Element(
        f"{{{SVG}}}svg",
        {
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "font-family": "DejaVu Sans, Liberation Sans, Arial, sans-serif",
            "font-size": "11",
        },
    )
    _el(root, "title", title)
    return root


def timeline_svg(
    phases: Sequence[Phase],
    tasks: Sequence[Task],
    today: date,
    *,
    ticks: Mapping[int, Sequence[Tick]] | None = None,
    task_url: str = "/tasks/{id}",
    title: str = "",
) -> str:
    """The timeline of `tasks` (in print order) grouped by the top `phases` they belong to."""
    ticks = ticks or {}
    scale = scale_for(tasks, ticks, today)
    by_phase: dict[int, list[Task]] = {}
    for task in tasks:
        top = task.phase.parent_id or task.phase_id
        by_phase.setdefault(top, []).append(task)
    rows = sum(1 + len(by_phase.get(phase.id, [])) for phase in phases if phase.id in by_phase)
    height = TOP + rows * ROW + 10
    width = LABEL_WIDTH + CHART_WIDTH + 10
    root = _svg_root(width, height, title or "Диаграмма сроков плана")
    _el(
        root,
        "style",
        ".bar{fill:#4a74a8}.bar.done{fill:#3c8d52}.bar.overdue{fill:#c0392b}"
        ".bar.cancelled{fill:#b8bcc2}.tick{stroke:#6a4aa8;stroke-width:2}"
        ".tick.done{stroke:#3c8d52}.tick.overdue{stroke:#c0392b}"
        ".phase{font-weight:bold}.grid{stroke:#e3e6ea}#today{stroke:#d35400;stroke-width:2}"
        "a text{fill:#1f4e8c}",
    )
    grid = _el(root, "g", class_="months")
    labelled = -1000.0
    for month in _months(scale.first, scale.last):
        x = scale.x(month)
        _el(grid, "line", class_="grid", x1=x, y1=TOP - 14, x2=x, y2=height)
        if x - labelled >= 40:  # a month's name where it does not run into the last one
            _el(grid, "text", f"{month:%m.%y}", x=x + 2, y=TOP - 18)
            labelled = x
    y = TOP
    for phase in phases:
        members = by_phase.get(phase.id)
        if not members:
            continue
        _el(root, "text", _label(phase.title), class_="phase", x=4, y=y + 14)
        y += ROW
        for task in members:
            link = _el(root, "a", href=task_url.format(id=task.id))
            name = task.numbered()
            _el(link, "text", _label(name), x=12, y=y + 14)
            state = "overdue" if task.is_overdue_on(today) else str(task.status)
            if task.due_on is not None:
                start = task.starts_on or task.due_on
                x = scale.x(start)
                bar_width = max(scale.x(task.due_on + timedelta(days=1)) - x, 3)
                bar = _el(
                    link,
                    "rect",
                    class_=f"bar {state}",
                    x=x,
                    y=y + 4,
                    width=round(bar_width, 2),
                    height=ROW - 8,
                    data_task=task.id,
                )
                _el(bar, "title", f"{name}: {task.window_text}")
            for day, done in ticks.get(task.id, ()):
                if done:
                    tick_state = "done"
                else:
                    tick_state = "overdue" if day < today else ""
                tick = _el(
                    link,
                    "line",
                    class_=f"tick {tick_state}".strip(),
                    x1=scale.x(day),
                    y1=y + 3,
                    x2=scale.x(day),
                    y2=y + ROW - 3,
                    data_task=task.id,
                )
                _el(tick, "title", f"{name}: {day:%d.%m.%Y}")
            y += ROW
    x = scale.x(today)
    line = _el(root, "line", id="today", x1=x, y1=TOP - 14, x2=x, y2=height, data_day=today)
    _el(line, "title", f"Сегодня {today:%d.%m.%Y}")
    return ET.tostring(root, encoding="unicode")


def progress_svg(
    phases: Sequence[Phase], tasks: Sequence[Task], today: date, *, title: str = ""
) -> str:
    """Each phase's share of tasks done, month by month up to today (by the days tasks were
    done), as lines on one chart; cancelled tasks are left out."""
    by_phase: dict[int, list[Task]] = {}
    for task in tasks:
        if task.status != TaskStatus.CANCELLED:
            by_phase.setdefault(task.phase.parent_id or task.phase_id, []).append(task)
    done_days = [task.done_on for task in tasks if task.done_on]
    first = min([*done_days, today]).replace(day=1)
    months = list(_months(first, today + timedelta(days=1)))[-24:] or [today.replace(day=1)]
    width, height, left, top, bottom = 760, 260, 40, 16, 40
    plot_w, plot_h = width - left - 180, height - top - bottom
    root = _svg_root(width, height, title or "Ход работ по этапам во времени")
    for percent in (0, 50, 100):
        y = top + plot_h * (1 - percent / 100)
        _el(root, "line", x1=left, y1=y, x2=left + plot_w, y2=y, stroke="#e3e6ea")
        _el(root, "text", f"{percent}%", x=2, y=y + 4)
    step = plot_w / max(len(months) - 1, 1)
    for index, month in enumerate(months):
        if len(months) <= 12 or index % 3 == 0:
            _el(root, "text", f"{month:%m.%y}", x=left + index * step - 12, y=height - bottom + 16)
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
    shown = [phase for phase in phases if by_phase.get(phase.id)]
    for number, phase in enumerate(shown):
        members = by_phase[phase.id]
        points = []
        for index, month in enumerate(months):
            end = min((month.replace(day=28) + timedelta(days=4)).replace(day=1), today)
            done = sum(1 for t in members if t.done_on and t.done_on <= end)
            y = top + plot_h * (1 - done / len(members))
            points.append(f"{left + index * step:.1f},{y:.1f}")
        colour = colours[number % len(colours)]
        line = _el(
            root,
            "polyline",
            points=" ".join(points),
            fill="none",
            stroke=colour,
            stroke_width=2,
            data_phase=phase.id,
        )
        _el(line, "title", phase.title)
        _el(
            root,
            "text",
            _label(phase.title)[:28],
            x=left + plot_w + 10,
            y=top + 14 + number * 16,
            fill=colour,
        )
    return ET.tostring(root, encoding="unicode")
