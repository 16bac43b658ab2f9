"""The first page of `/plan` for a plan of 5,000 tasks against the same page of a 100-task plan
(issue #20: within 2x). The demo school's plan is grown by tasks the director adds (as her form
does), first to 100, then to 5,000; each time the director's `/plan` (no filter: the whole plan,
a hundred tasks a page) is asked for through the test client, each request in its own app
context as in production; then the same with a filter (`?status=planned`: every added task
is planned), which the database finds, counts and pages; and the director's dashboard, whose
lists the database counts and cuts to their first 25 tasks (the added tasks fall due from
01.11.2026 over 300 days, so on 28.11.2026 the lists «просрочено» and «ближайшие 30 дней» hold
hundreds of them).

    .venv/bin/python -m bench.plan_pages
"""

from __future__ import annotations

import secrets
import statistics
import time
from datetime import date

from bench.common import add_tasks, demo_app, report_columns

SMALL, BIG = 100, 5000
REPEATS = 15


FILTERED = "/plan?status=planned"  # a filter: the database finds, counts and pages the tasks


def median_ms(app, client, path: str = "/plan") -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        with app.app_context():
            response = client.get(path)
            response.get_data()
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from bench.pages import logged_in
    from tracker.accounts.models import Person
    from tracker.extensions import db
    from tracker.plans import services as plans

    password = "Bench-" + secrets.token_hex(8)
    with demo_app() as app:
        director = db.session.scalar(select(Person).where(Person.username == "director"))
        director.password_hash = generate_password_hash(password)
        director.must_change_password = False
        plan = plans.school_plan(director.school)

        def grow(to: int) -> None:
            have = len(plans.plan_tasks(plan))
            title = "Проверка ведения журнала № {number}"
            add_tasks(director, range(have, to), title, date(2026, 11, 1), 300)

        grow(SMALL)
        client = logged_in(app, "director", password)
        small, small_filtered = median_ms(app, client), median_ms(app, client, FILTERED)
        small_board = median_ms(app, client, "/")
        grow(BIG)
        big, big_filtered = median_ms(app, client), median_ms(app, client, FILTERED)
        big_board = median_ms(app, client, "/")
    report_columns(
        "plan_pages",
        [
            {
                "name": f"/plan first page, {BIG} tasks vs {SMALL}",
                "ours_s": big,
                "floor_s": small,
                "ratio": big / small,
                "repeats": REPEATS,
            },
            {
                "name": f"{FILTERED} first page, {BIG} tasks vs {SMALL}",
                "ours_s": big_filtered,
                "floor_s": small_filtered,
                "ratio": big_filtered / small_filtered,
                "repeats": REPEATS,
            },
            {
                "name": f"the director's dashboard, {BIG} tasks vs {SMALL}",
                "ours_s": big_board,
                "floor_s": small_board,
                "ratio": big_board / small_board,
                "repeats": REPEATS,
            },
        ],
    )


if __name__ == "__main__":
    main()
