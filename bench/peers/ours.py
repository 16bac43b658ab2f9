"""Our side of `make bench-peers`: the tracker as a school's technician would run it beside
Redmine and Radicale, loaded the same way.

The demo school on a new SQLite file, its plan grown by 1,000 tasks the director gives the
teacher (as her form does), so that the director's `/plan` shows its first hundred and the
teacher's calendar feed holds 1,000 items; gunicorn with 2 workers on 127.0.0.1 (the peers'
puma and gunicorn have 2 processes too), `TRACKER_BASE_URL` set as production wants it. Then
`measure.sh` (the peers' own load step: `wrk` at 1 and 4 connections, a new connection per
request) on:

- `/plan` as the director (her session cookie), beside Redmine's `/issues?per_page=100`;
- the feed, a full answer (no `If-None-Match`), beside Radicale's 1,000-event calendar;

and the resident memory of the server's processes after the load, as the peers' scripts take
it. The server is stopped and the data removed at the end.

    python -m bench.peers.ours [--out bench/results/peers] [--items 1000]
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import date
from pathlib import Path

from bench.load import Client, children, free_port, memory_kb, run, wait_for

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


def seed(url: str, folder: str, items: int, password: str) -> str:
    """The plan grown and the teacher's feed made: the feed's path."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from bench.common import add_tasks
    from tracker import create_app
    from tracker.accounts.models import Person
    from tracker.extensions import db
    from tracker.ical import services

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(16),
            "INSTANCE_PATH": Path(folder) / "instance",
            "ACCESS_LOG": False,
        }
    )
    with app.app_context():
        people = {p.username: p for p in db.session.scalars(select(Person))}
        director, teacher = people["director"], people["teacher"]
        director.password_hash = generate_password_hash(password)
        director.must_change_password = False
        token, raw = services.create_token(teacher, None, "mine", 1)
        db.session.commit()
        _name, events = services.collect(token, "http://127.0.0.1/", date.today())
        title = "Подготовить материалы к заседанию, раздел {number}, с приложениями"
        add_tasks(director, range(len(events), items), title, date.today(), 365, [teacher])
        db.session.remove()
        db.engine.dispose()
    return f"/ical/{raw}.ics"


def rss_mib(pid: int) -> tuple[int, int]:
    """(total, largest) resident MiB of the server and its workers, what the peers' scripts
    take with `ps -o rss` (VmRSS)."""
    sizes = [memory_kb(p, "VmRSS") for p in [pid, *children(pid)]]
    known = [size for size in sizes if size is not None]
    return sum(known) // 1024, max(known, default=0) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "peers"))
    parser.add_argument("--items", type=int, default=1000)
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    result = out / f"tracker-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    port = free_port()
    password = "Peers-" + secrets.token_hex(8)
    with tempfile.TemporaryDirectory(prefix="tracker-peers-") as folder:
        url = f"sqlite:///{Path(folder) / 'tracker.sqlite3'}"
        env = {
            **os.environ,
            "TRACKER_DATABASE_URL": url,
            "TRACKER_SECRET_KEY": secrets.token_hex(32),
            "TRACKER_BASE_URL": f"http://127.0.0.1:{port}/",
            "TRACKER_INSTANCE_PATH": str(Path(folder) / "instance"),
        }
        run([str(BIN / "flask"), "--app", "tracker", "db", "upgrade"], env)
        run([str(BIN / "tracker"), "demo", f"--password={password}"], env)
        feed = seed(url, folder, options.items, password)
        log = (out / "tracker-gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603 -- our own venv's gunicorn, fixed arguments
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
            + ["tracker:create_app()"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        lines = []
        try:
            wait_for(port)
            director = Client(port)
            director.log_in("director", password)
            cookie = "; ".join(f"{k}={v}" for k, v in director.cookies.items())
            _s, _h, page = director.request("GET", "/plan")
            rows = page.count(b'<td class="num">')
            _s, _h, body = Client(port).request("GET", feed)
            events = body.count(b"BEGIN:VEVENT")
            lines.append(
                f"SEED tracker plan_rows_on_page={rows} feed_items={events} "
                f"feed_bytes={len(body)} plan_bytes={len(page)}"
            )
            print(lines[-1], flush=True)
            base = f"http://127.0.0.1:{port}"
            for label, path, headers in (
                ("tracker_plan_html", "/plan", [f"Cookie: {cookie}"]),
                ("tracker_feed_ics", feed, []),
            ):
                measured = subprocess.run(  # noqa: S603, S607 -- the peers' load step
                    ["bash", str(HERE / "measure.sh"), label, base + urllib.parse.quote(path)]
                    + headers,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                for line in measured.splitlines():
                    if line.startswith("RESULT"):
                        lines.append(line)
                        print(line, flush=True)
            total, largest = rss_mib(server.pid)
            lines.append(
                f"RSS tracker gunicorn total_MiB={total} largest_MiB={largest} "
                f"processes={1 + len(children(server.pid))}"
            )
            print(lines[-1], flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
    result.write_text("\n".join(lines) + "\n")
    print(f"results in {result}")


if __name__ == "__main__":
    main()
