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
from datetime import date
from pathlib import Path

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
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def report(name: str, rows: list[dict]) -> Path:
    """Print one aligned table of `rows` (each with `name` and `measure`'s keys) and write
    them with the machine to `bench/results/<name>.json`."""
    table = [("", "ours ms", "floor ms", "ratio")] + [
        (
            row["name"],
            f"{row['ours_s'] * 1000:.1f}",
            f"{row['floor_s'] * 1000:.1f}",
            f"{row['ratio']:.2f}",
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table) for column in range(4)]
    for line in table:
        print(
            line[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)),
            sep="  ",
        )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {"benchmark": name, "machine": machine(), "rows": rows}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


@contextmanager
def demo_app(today: date = DEMO_TODAY) -> Iterator:
    """An app context on a new SQLite file built by the migrations, holding the seed school in
    its demo state (`tracker demo`) on `today`; the file is removed afterwards."""
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.demo import load_demo
    from tracker.extensions import db

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "SECRET_KEY": secrets.token_hex(16),
                "INSTANCE_PATH": Path(folder) / "instance",
                "TODAY": today,
            }
        )
        with app.app_context():
            quiet_upgrade(upgrade)
            load_demo(today, password=secrets.token_urlsafe(12))
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
