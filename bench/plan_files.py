"""The plan's picture and spreadsheet at 100, 1,000 and 5,000 tasks, against plain floors.

A plan of N tasks (in 10 phases, every tenth recurring with 40 occurrences) is built in memory
once; then `plans.timeline.timeline_svg` is timed against a floor that writes the same rows as
plain SVG by string joining (a rect and a text per task, a line per tick, no escaping), and
`plans.sheets.plan_xlsx` against openpyxl's write-only mode writing the same values with no
styles. The ratios say what the escaping, the links and tooltips, and the dates and wrapping
cost; the times say whether 5,000 tasks stay usable (no target: issue #16 asks them measured).

Run: `python -m bench.plan_files` (or `make bench`).
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import Workbook

from bench.common import DEMO_TODAY, empty_app, measure, report_columns
from tracker.plans.models import Phase, Task, TaskStatus
from tracker.plans.sheets import plan_xlsx
from tracker.plans.timeline import timeline_svg

SIZES = (100, 1000, 5000)
REPEATS = {100: 15, 1000: 7, 5000: 3}


def big_plan(n: int) -> tuple[list[Phase], list[Task], dict[int, list[tuple[date, bool]]]]:
    phases = [
        Phase(id=k + 1, title=f"Этап {k + 1}: работы по переходу", sort_order=k) for k in range(10)
    ]
    tasks, ticks = [], {}
    start = DEMO_TODAY - timedelta(days=300)
    for i in range(n):
        phase = phases[i * 10 // n]
        task = Task(
            id=i + 1,
            phase_id=phase.id,
            number=str(i + 1),
            title=f"Мероприятие № {i + 1}: подготовка и проведение работ по электронному журналу",
            deadline_text="по плану",
            status=TaskStatus.DONE if i % 3 == 0 else TaskStatus.PLANNED,
        )
        task.phase = phase
        task.positions, task.assignees = [], []
        if i % 10 == 9:
            ticks[task.id] = [(start + timedelta(days=15 * k), k < 20) for k in range(40)]
        else:
            task.starts_on = start + timedelta(days=i % 500)
            task.due_on = task.starts_on + timedelta(days=20)
        tasks.append(task)
    return phases, tasks, ticks


def svg_floor(tasks: list[Task], ticks: dict[int, list[tuple[date, bool]]]):
    def build() -> str:
        parts = ['<svg xmlns="http://www.w3.org/2000/svg">']
        for row, task in enumerate(tasks):
            y = 34 + row * 20
            parts.append(f'<text x="12" y="{y + 14}">{task.number}. {task.title[:45]}</text>')
            if task.due_on is not None and task.starts_on is not None:
                x = 300 + (task.starts_on - DEMO_TODAY).days
                parts.append(f'<rect x="{x}" y="{y + 4}" width="20" height="12"/>')
            for day, _done in ticks.get(task.id, ()):
                x = 300 + (day - DEMO_TODAY).days
                parts.append(f'<line x1="{x}" y1="{y + 3}" x2="{x}" y2="{y + 17}"/>')
        parts.append("</svg>")
        return "".join(parts)

    return build


def xlsx_floor(tasks: list[Task]):
    def build() -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("План")
        for task in tasks:
            sheet.append(
                [
                    task.phase.title,
                    task.number,
                    task.title,
                    task.starts_on,
                    task.due_on,
                    task.deadline_text,
                    "",
                    "",
                    str(task.status),
                    None,
                ]
            )
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()

    return build


def main() -> None:
    rows = []
    with empty_app():
        for n in SIZES:
            phases, tasks, ticks = big_plan(n)
            svg = measure(
                lambda p=phases, t=tasks, k=ticks: timeline_svg(p, t, DEMO_TODAY, ticks=k),
                svg_floor(tasks, ticks),
                REPEATS[n],
            )
            size = len(timeline_svg(phases, tasks, DEMO_TODAY, ticks=ticks).encode())
            rows.append({"name": f"timeline SVG, {n} tasks", "n": n, "kb": size // 1024, **svg})
            sheet = measure(
                lambda t=tasks: plan_xlsx("План", t, DEMO_TODAY), xlsx_floor(tasks), REPEATS[n]
            )
            size = len(plan_xlsx("План", tasks, DEMO_TODAY))
            rows.append({"name": f"plan XLSX, {n} tasks", "n": n, "kb": size // 1024, **sheet})
    report_columns("plan_files", rows, extra=(("kb", "KB"),))


if __name__ == "__main__":
    main()
