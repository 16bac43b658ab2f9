"""The benchmarks' harness: ours against a floor, alternately, in the same run.

A benchmark times what the tracker does (ours) against a floor: the same amount of work done by
the bare libraries. Only the ratio of the two medians is worth comparing across machines.
"""

from __future__ import annotations

import io
import json
import logging
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

RESULTS = Path(__file__).resolve().parent / "results"
# The day the demo pretends it is (the tests' day), so every run builds the same demo state.
DEMO_TODAY = date(2026, 11, 28)


def measure(ours: Callable[[], object], floor: Callable[[], object], repeats: int) -> dict:
    """Median seconds of `ours` and of `floor`, run alternately after one warm-up of each, and
    their ratio (ours / floor): both see the same machine state, caches and noise."""
    ours(), floor()
    ours_times: list[float] = []
    floor_times: list[float] = []
    for _ in range(repeats):
        for function, times in ((ours, ours_times), (floor, floor_times)):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    ours_s, floor_s = statistics.median(ours_times), statistics.median(floor_times)
    return {"ours_s": ours_s, "floor_s": floor_s, "ratio": ours_s / floor_s, "repeats": repeats}


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in file if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "database": database_kind(),
    }


def print_table(table: list[tuple[str, ...]], left: int = 1) -> None:
    """Print rows of cells aligned in columns: the first `left` to the left, the rest (the
    figures) to the right."""
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for line in table:
        print(
            *(cell.ljust(width) for cell, width in zip(line[:left], widths[:left], strict=True)),
            *(cell.rjust(width) for cell, width in zip(line[left:], widths[left:], strict=True)),
            sep="  ",
        )


@contextmanager
def demo_app(today: date = DEMO_TODAY) -> Iterator:
    """An app context on a new SQLite file built by the migrations, holding the seed school in
    its demo state (`tracker demo`) on `today`; the file is removed afterwards."""
    from flask_migrate import upgrade

    from tracker.demo import demo_password, load_demo
    from tracker.extensions import db

    with (
        tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder,
        bench_database(folder) as url,
    ):
        app = _new_app(folder, today, url)
        with app.app_context():
            quiet_upgrade(upgrade)
            load_demo(today, password=demo_password())
            db.session.commit()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def quiet_upgrade(upgrade: Callable[[], object]) -> None:
    """Alembic's migrations without its INFO lines (shown if a migration fails). Its logging
    setup makes a handler on the stderr of the moment; that handler goes back to the real one."""
    captured = io.StringIO()
    try:
        with redirect_stderr(captured):
            upgrade()
    except BaseException:
        print(captured.getvalue(), file=sys.stderr, end="")
        raise
    finally:
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is captured:
                handler.setStream(sys.stderr)


def measure_reset(
    ours: Callable[[], object],
    floor: Callable[[], object],
    repeats: int,
    reset: Callable[[], object],
) -> dict:
    """`measure` for work that changes the database: `reset()` runs after every call of either,
    outside the timing (a rollback, say), so each call starts from the same state."""

    def timed(function: Callable[[], object]) -> float:
        start = time.perf_counter()
        function()
        elapsed = time.perf_counter() - start
        reset()
        return elapsed

    timed(ours), timed(floor)
    ours_times: list[float] = []
    floor_times: list[float] = []
    for _ in range(repeats):
        ours_times.append(timed(ours))
        floor_times.append(timed(floor))
    ours_s, floor_s = statistics.median(ours_times), statistics.median(floor_times)
    return {"ours_s": ours_s, "floor_s": floor_s, "ratio": ours_s / floor_s, "repeats": repeats}


def report_columns(name: str, rows: list[dict], extra: tuple[tuple[str, str], ...] = ()) -> Path:
    """Print one aligned table of `rows` (each with `name` and `measure`'s keys; `extra` is
    (key, heading) for more columns after the ratio, a missing value as «—»; rows without a
    floor, `floor_s` None, show only their time) and write them with the machine to
    `bench/results/<name>.json`."""

    def cell(value) -> str:
        if value is None:
            return "—"
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    table = [("", "ours ms", "floor ms", "ratio", *(heading for _, heading in extra))]
    for row in rows:
        floor = row.get("floor_s")
        table.append(
            (
                row["name"],
                f"{row['ours_s'] * 1000:.1f}",
                "—" if floor is None else f"{floor * 1000:.1f}",
                "—" if floor is None else f"{row['ratio']:.2f}",
                *(cell(row.get(key)) for key, _ in extra),
            )
        )
    print_table(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {"benchmark": name, "machine": machine(), "rows": rows}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass
class ScaleApp:
    """A benchmark's app on its own database: the demo school and `schools` more."""

    app: Flask
    database: str  # its URL
    password: str  # the demo people's, and the generated schools' people's
    schools: int
    timings: dict[str, float] = field(default_factory=dict)  # seconds each part took to build
    scale: object = None  # bench.scale.ScaleReport, when schools were built


def database_kind() -> str:
    """«postgresql» when TRACKER_DATABASE_URL names a PostgreSQL server, else «sqlite»."""
    return (
        "postgresql"
        if os.environ.get("TRACKER_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )


@contextmanager
def bench_database(folder: str) -> Iterator[str]:
    """Where a benchmark keeps its data: a new SQLite file in `folder`; or, when
    TRACKER_DATABASE_URL names a PostgreSQL server, a new database there, dropped afterwards
    (the database the URL names is only used to create and drop it)."""
    if database_kind() == "sqlite":
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    server = make_url(os.environ["TRACKER_DATABASE_URL"])
    name = f"tracker_bench_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _new_app(folder: str, today: date, url: str) -> Flask:
    from tracker import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(16),
            "INSTANCE_PATH": Path(folder) / "instance",
            "TODAY": today,
            "ACCESS_LOG": False,  # a line per request would drown the tables
            # As production must (TRACKER_BASE_URL): full URLs are built on the configured
            # address, not worked out from each request.
            "BASE_URL": "http://localhost/",
        }
    )


@contextmanager
def empty_app(today: date = DEMO_TODAY) -> Iterator[Flask]:
    """An app context on a new SQLite file built by the migrations, with nothing in it."""
    from flask_migrate import upgrade

    from tracker.extensions import db

    with (
        tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder,
        bench_database(folder) as url,
    ):
        app = _new_app(folder, today, url)
        with app.app_context():
            quiet_upgrade(upgrade)
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


@contextmanager
def scale_app(schools: int, today: date = DEMO_TODAY) -> Iterator[ScaleApp]:
    """`demo_app`'s database plus `schools` generated schools (`bench.scale.build_schools`),
    with the password to log in with. No app context is left pushed: requests made through
    the test client each get their own, as in production (their own database session)."""
    from flask_migrate import upgrade

    from bench.scale import build_schools
    from tracker.demo import demo_password, load_demo
    from tracker.extensions import db

    password = demo_password()
    with (
        tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder,
        bench_database(folder) as url,
    ):
        app = _new_app(folder, today, url)
        built = ScaleApp(app, url, password, schools)
        with app.app_context():
            start = time.perf_counter()
            quiet_upgrade(upgrade)
            load_demo(today, password=password)
            db.session.commit()
            built.timings["demo_s"] = time.perf_counter() - start
            if schools:
                built.scale = build_schools(schools, today, password)
                built.timings["schools_s"] = built.scale.seconds
            if db.engine.dialect.name == "postgresql":
                # What autovacuum does soon after a bulk load: the planner's row counts.
                db.session.commit()
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.exec_driver_sql("ANALYZE")
            db.session.remove()
        try:
            yield built
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def add_tasks(director, numbers: range, title: str, first_day: date, days: int, assignees=()):
    """Tasks the director adds to the last phase of her school's plan (as her form does), one
    for each of `numbers`: `title` formatted with the number, due on successive days from
    `first_day`, `days` of them round; committed."""
    from tracker.extensions import db
    from tracker.plans import services as plans

    plan = plans.school_plan(director.school)
    phase = plans.plan_tasks(plan)[-1].phase
    for number in numbers:
        plans.create_task(
            plan,
            phase,
            director,
            title=title.format(number=number),
            due_on=first_day + timedelta(days=number % days),
            assignees=list(assignees),
        )
    db.session.commit()
