"""Monday's weekly digest at scale: N schools of P people each (600 × 80 by default).

Ours is what the worker does on Monday at 08:00: `reminders.weekly_digests` for every school
(each person's tasks, recurring work, meetings and approvals read, the message written to the
outbox with its key), then the queue's jobs delivering every message (as .eml files: no mail
server). The floor renders the same messages without the queue: the same texts made into the
same RFC 5322 messages (plain and HTML parts) by the standard `email` package, nothing read and
nothing kept. Reported: time per message of each, the ratio, and the queue's throughput.

    .venv/bin/python -m bench.digest [--schools 600] [--people 80]
"""

from __future__ import annotations

import argparse
import json
import secrets
import time
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP

from bench.common import DEMO_TODAY, RESULTS, demo_app, machine, print_table


def _fill_schools(people: int) -> int:
    """Give every person an address and every school `people` people (the added ones teachers
    and class teachers, members of the pedagogical council), in bulk; returns the people with
    an address."""
    from sqlalchemy import func, insert, select, update

    from tracker.accounts.models import Person, Position, PositionHolder, School
    from tracker.extensions import db

    db.session.execute(
        update(Person).where(Person.email == "").values(email=Person.username + "@school.example")
    )
    password_hash = db.session.scalar(select(Person.password_hash).limit(1))
    for school_id, count in db.session.execute(
        select(School.id, func.count(Person.id)).join(Person).group_by(School.id)
    ).all():
        positions = dict(
            db.session.execute(
                select(Position.code, Position.id).where(
                    Position.school_id == school_id,
                    Position.code.in_(["teacher", "class_teacher"]),
                )
            ).all()
        )
        if len(positions) < 2 or count >= people:
            continue
        rows = []
        for number in range(people - count):
            username = f"t{school_id}-{number}"
            rows.append(
                {
                    "school_id": school_id,
                    "username": username,
                    "full_name": f"Учителева Анна Номер{number}",
                    "email": f"{username}@school.example",
                    "password_hash": password_hash,
                    "role": "staff",
                    "is_active": True,
                    "session_token": secrets.token_hex(16),
                    "locale": "ru",
                    "must_change_password": False,
                    "may_publish": False,
                    "may_edit_calendar": False,
                    "mail_off": [],
                }
            )
        ids = db.session.scalars(insert(Person).returning(Person.id), rows).all()
        db.session.execute(
            insert(PositionHolder),
            [  # every other one a class teacher, who owes a part of the recurring checks
                {"position_id": positions[("teacher", "class_teacher")[n % 2]], "person_id": i}
                for n, i in enumerate(ids)
            ],
        )
    db.session.commit()
    return db.session.scalar(select(func.count(Person.id)).where(Person.email != "")) or 0


def _floor(messages: list[tuple[str, str, str, str]]) -> None:
    from tracker.mail.services import _html_of

    for to, subject, text, unsubscribe in messages:
        email = EmailMessage(policy=SMTP)
        email["From"] = "План перехода <tracker@localhost>"
        email["To"] = to
        email["Subject"] = subject
        email["List-Unsubscribe"] = f"<{unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(text)
        email.add_alternative(_html_of(text), subtype="html")
        email.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--people", type=int, default=80)
    options = parser.parse_args()
    from sqlalchemy import select

    from bench.scale import build_schools
    from tracker.accounts.models import School
    from tracker.demo import demo_password
    from tracker.extensions import db
    from tracker.mail.models import OutgoingMessage
    from tracker.queue import queue, run_pending
    from tracker.reminders.services import weekly_digests

    monday = DEMO_TODAY + timedelta(days=(7 - DEMO_TODAY.weekday()) % 7)
    assert monday.weekday() == 0
    with demo_app() as app:
        started = time.perf_counter()
        build_schools(options.schools - 1, DEMO_TODAY, demo_password())
        people = _fill_schools(options.people)
        built = time.perf_counter() - started
        db.session.execute(OutgoingMessage.__table__.delete())
        queue.flush()
        db.session.commit()
        school_ids = list(db.session.scalars(select(School.id).order_by(School.id)))

        started = time.perf_counter()
        queued = 0
        for school_id in school_ids:
            school = db.session.get(School, school_id)
            assert school is not None
            queued += weekly_digests(school, monday)
            db.session.commit()
            db.session.expunge_all()
        digest_s = time.perf_counter() - started
        jobs_waiting = len(queue)

        app.config["SMTP_URL"] = ""
        started = time.perf_counter()
        delivered = run_pending(limit=10**7)
        deliver_s = time.perf_counter() - started

        messages = [
            (m.to_address, m.subject, m.text, m.unsubscribe_url)
            for m in db.session.scalars(select(OutgoingMessage))
        ]
        sent = sum(1 for m in db.session.scalars(select(OutgoingMessage.sent_at)) if m)
        started = time.perf_counter()
        _floor(messages)
        floor_s = time.perf_counter() - started
        again = sum(weekly_digests(db.session.get(School, i), monday) for i in school_ids[:20])

    per_message = (digest_s + deliver_s) / max(queued, 1)
    result_rate = round(delivered / deliver_s, 1) if deliver_s else None
    floor_per = floor_s / max(len(messages), 1)
    result = {
        "benchmark": "digest",
        "machine": machine(),
        "monday": monday.isoformat(),
        "schools": len(school_ids),
        "people_with_address": people,
        "build_s": round(built, 1),
        "digests_queued": queued,
        "jobs_enqueued": jobs_waiting,
        "jobs_run": delivered,
        "sent": sent,
        "digest_s": round(digest_s, 2),
        "deliver_s": round(deliver_s, 2),
        "ours_ms_per_message": round(per_message * 1000, 3),
        "floor_ms_per_message": round(floor_per * 1000, 3),
        "ratio": round(per_message / floor_per, 2) if floor_per else None,
        "queue_messages_per_s": result_rate,
        "sent_again_by_a_second_run_of_20_schools": again,
        "rows": [
            {
                "name": f"weekly digest, {len(school_ids)} schools × {options.people} people: "
                f"per message ({queued} messages, queue {result_rate}/s)",
                "ours_s": per_message,
                "floor_s": floor_per,
                "ratio": per_message / floor_per if floor_per else None,
                "repeats": 1,
            }
        ],
    }
    print_table(
        [
            ("", "messages", "seconds", "ms / message"),
            (
                "digests read and queued",
                f"{queued}",
                f"{digest_s:.1f}",
                f"{digest_s / max(queued, 1) * 1000:.2f}",
            ),
            (
                "delivered by the queue's jobs",
                f"{delivered}",
                f"{deliver_s:.1f}",
                f"{deliver_s / max(delivered, 1) * 1000:.2f}",
            ),
            (
                "ours in all",
                f"{queued}",
                f"{digest_s + deliver_s:.1f}",
                f"{per_message * 1000:.2f}",
            ),
            (
                "floor (the same messages, no queue)",
                f"{len(messages)}",
                f"{floor_s:.1f}",
                f"{floor_per * 1000:.2f}",
            ),
        ]
    )
    print(
        f"{len(school_ids)} schools, {people} people with an address: ratio {result['ratio']}, "
        f"queue {result['queue_messages_per_s']} messages/s, "
        f"a second run sent {again} (20 schools)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "digest.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
