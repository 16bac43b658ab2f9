"""The owner's login while her account is under attack (issue #19): 10,000 failed tries against
the director from 1,000 addresses in the last hour, then she logs in from the address she
always uses.

- ours: the director's login (the login page, then the form sent) with those 10,000 rows in
  `login_attempts`;
- floor: the same login of an account nobody attacks (the teacher's), in the same database,
  from her own address: everything a login does but the lock-out's counting of failures.

Also timed, without a floor: an attacker's try answered 429 at once (nothing slept, no password
checked).

    .venv/bin/python -m bench.login_attack
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from bench.common import demo_app, measure, report_columns

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FAILURES = 10_000
ADDRESSES = 1_000
REPEATS = 30


def log_in(app, username: str, password: str, address: str, expected: int = 302) -> None:
    """The login page, then the form sent, each in its own app context as in production."""
    with app.app_context():
        _log_in(app.test_client(), username, password, address, expected)


def _log_in(client, username: str, password: str, address: str, expected: int) -> None:
    client.environ_base["REMOTE_ADDR"] = address
    token = CSRF.search(client.get("/login").get_data(as_text=True))
    if token is None:
        raise RuntimeError("no CSRF token on /login")
    data = {"username": username, "password": password, "csrf_token": token.group(1)}
    with client.application.app_context():
        response = client.post("/login", data=data)
    if response.status_code != expected:
        raise RuntimeError(f"login as {username}: {response.status_code}, not {expected}")


def main() -> None:
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from tracker.accounts.models import LoginAttempt, Person
    from tracker.demo import demo_password
    from tracker.extensions import db
    from tracker.types import utcnow

    with demo_app() as app:
        password = demo_password()
        for person in db.session.scalars(select(Person)):
            person.password_hash = generate_password_hash(password)
            person.must_change_password = False
        db.session.commit()
        log_in(app, "director", password, "192.0.2.10")
        log_in(app, "teacher", password, "192.0.2.20")
        now = utcnow()
        db.session.execute(
            insert(LoginAttempt),
            [
                {
                    "username": "director",
                    "address": f"10.{n % ADDRESSES // 250}.{n % 250}.1",
                    "at": now - timedelta(seconds=n % 3000),
                    "succeeded": False,
                }
                for n in range(FAILURES)
            ],
        )
        db.session.commit()
        owner = measure(
            lambda: log_in(app, "director", password, "192.0.2.10"),
            lambda: log_in(app, "teacher", password, "192.0.2.20"),
            REPEATS,
        )
        start = time.perf_counter()
        for _ in range(REPEATS):
            log_in(app, "director", password, "10.0.0.1", expected=429)
        refused = (time.perf_counter() - start) / REPEATS
    report_columns(
        "login_attack",
        [
            {"name": "owner's login, 10,000 failures against her", **owner},
            {"name": "attacker's try, answered 429", "ours_s": refused, "floor_s": None},
        ],
    )


if __name__ == "__main__":
    main()
