"""Notices by e-mail, as the people who get them see them: sent by the worker through a real SMTP
server on loopback (aiosmtpd), read back with the standard `email` package: the subject, both
parts, the links, the one-click unsubscribe; each kind switchable on the profile; a new own
address kept only once confirmed; the weekly digest and the day-before reminder sent once."""

import email
import re
import socket
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.accounts.test_forgot import Collect, free_port
from tests.conftest import login, person, post
from tests.plans.test_views import page_text
from tracker.approvals.meetings import create_meeting
from tracker.approvals.models import BodyKind
from tracker.approvals.queries import body_of_kind
from tracker.extensions import db
from tracker.mail.models import MAX_ATTEMPTS, OutgoingMessage
from tracker.plans import services as plans
from tracker.plans.models import Task
from tracker.queue import run_pending
from tracker.reminders import services as reminders

pytestmark = pytest.mark.demo_data
BASE = "https://plan.school20.ru/"


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback that keeps what it receives; the app sends through it."""
    handler = Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app.config["BASE_URL"] = BASE
    yield handler
    controller.stop()


def received(handler) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=policy.default) for raw in handler.messages]


def last_id() -> int:
    return db.session.scalar(select(func.max(OutgoingMessage.id))) or 0


def new_since(first: int) -> list[OutgoingMessage]:
    return list(
        db.session.scalars(
            select(OutgoingMessage).where(OutgoingMessage.id > first).order_by(OutgoingMessage.id)
        )
    )


def a_task(title_start: str) -> Task:
    return db.session.scalar(select(Task).where(Task.title.startswith(title_start)))


def test_a_teacher_given_a_task_gets_one_message_with_its_link_and_a_one_click_unsubscribe(
    app, client, smtp
):
    assert last_id() == 0  # the demo's story of past weeks left nothing to send
    task = a_task("Публикация всей")
    plans.assign_tasks([task], [person("teacher")], person("director"), replace=True)
    db.session.commit()
    assert smtp.messages == []  # the request sends nothing itself: the worker does
    run_pending()
    [message] = received(smtp)
    assert message["To"] == "teacher@school20.example"
    assert message["Subject"] == "Вам поручена задача плана — МБОУ СОШ № 20"
    assert "=?utf-8?" in smtp.messages[0].decode().split("Subject:", 1)[1].split("\n")[0]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Иванова Татьяна Петровна поручил(а) вам задачу плана перехода «Публикация всей" in plain
    assert f"{BASE}tasks/{task.id}" in plain and f'href="{BASE}tasks/{task.id}"' in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(BASE + "mail/unsubscribe/") and unsubscribe in plain

    # Opening the link changes nothing; the mail client's one-click POST (no CSRF token, no
    # session) switches this kind off, and only this kind.
    path = "/" + unsubscribe.removeprefix(BASE)
    assert "Больше не присылать письма «Мне поручили задачу" in page_text(client.get(path))
    assert person("teacher").mail_off == []
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "больше не будут приходить" in page_text(answer)
    db.session.expire_all()
    assert person("teacher").mail_off == ["assigned"]
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert client.get(path[:-3] + "xyz").status_code == 404  # a forged link

    first = last_id()
    other = a_task("Составить план дополнительного")
    plans.assign_tasks([other], [person("teacher")], person("director"), replace=False)
    db.session.commit()
    assert new_since(first) == []  # switched off: nothing queued
    login(client, "teacher")
    text = page_text(client.get("/profile"))
    assert "Какие письма присылать" in text


def test_re_dating_a_task_tells_its_owners_but_not_the_one_who_moved_it(app):
    first = last_id()
    task = a_task("Публикация всей")
    plans.assign_tasks(
        [task], [person("teacher"), person("director")], person("director"), replace=True
    )
    db.session.commit()
    assert [m.to_address for m in new_since(first)] == ["teacher@school20.example"]
    first = last_id()
    plans.redate_tasks([task], date(2026, 12, 10), date(2026, 12, 20), person("director"))
    db.session.commit()
    [message] = new_since(first)
    assert message.to_address == "teacher@school20.example"
    assert "теперь с 10.12.2026 по 20.12.2026" in message.text
    first = last_id()
    plans.redate_tasks([task], date(2026, 12, 10), date(2026, 12, 20), person("director"))
    db.session.commit()
    assert new_since(first) == []  # the same window again is no change


def test_profile_switches_and_a_new_own_address_kept_only_once_confirmed(app, client):
    login(client, "teacher")
    page = "/profile"
    answer = post(
        client,
        page,
        {"mail-assigned": "y", "mail-meeting": "y", "mail-submit": "1"},
        page=page,
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert set(person("teacher").mail_off) == {"waiting", "recommendation", "digest"}

    for bad, said in (
        ("учитель@школа.рф", "Адрес почты латиницей"),
        ("hr@school20.example", "уже указан у другого сотрудника"),
        ("teacher@school20.example", "у вас уже указан"),
    ):
        answer = post(client, page, {"email-email": bad, "email-submit": "1"}, page=page)
        assert answer.status_code == 400 and said in page_text(answer), bad

    first = last_id()
    answer = post(
        client, page, {"email-email": "petrova@mail.example", "email-submit": "1"}, page=page
    )
    assert answer.status_code == 302
    assert "отправлена ссылка" in page_text(client.get(page))
    db.session.expire_all()
    assert person("teacher").email == "teacher@school20.example"  # not yet
    [message] = new_since(first)
    assert message.to_address == "petrova@mail.example"
    link = re.search(r"http\S+/email/confirm/\S+", message.text).group(0)
    path = "/" + link.split("/", 3)[3]
    assert "Сохранить адрес petrova@mail.example" in page_text(client.get(path))
    db.session.expire_all()
    assert person("teacher").email == "teacher@school20.example"  # opening is not confirming
    assert post(client, path, page=path).status_code == 302
    db.session.expire_all()
    assert person("teacher").email == "petrova@mail.example"
    assert client.get(path).status_code == 404  # once
    # Removing the address needs no link.
    post(client, page, {"email-email": "", "email-submit": "1"}, page=page)
    db.session.expire_all()
    assert person("teacher").email == ""


def test_an_act_submitted_waits_for_its_council_and_its_secretary_is_told(app):
    from tracker.acts.models import ActStatus, LocalAct
    from tracker.approvals.route import submit_for_review

    act = db.session.scalar(
        select(LocalAct).where(LocalAct.status == ActStatus.DRAFT).order_by(LocalAct.id)
    )
    first = last_id()
    submit_for_review(act, person("director"), None)
    db.session.commit()
    sent = new_since(first)
    assert sent, "the council's secretary is told"
    secretary = body_of_kind(act.school, act.route[0]).secretary
    assert [m.to_address for m in sent] == [secretary.email]
    assert "ждёт рассмотрения" in sent[0].subject and act.title in sent[0].text


def monday_8am(school) -> datetime:
    """The next Monday, 08:00 at the school, in UTC."""
    from zoneinfo import ZoneInfo

    day = date(2026, 12, 7)  # a Monday
    return datetime(
        day.year, day.month, day.day, 8, 5, tzinfo=ZoneInfo(school.timezone)
    ).astimezone(UTC)


def test_the_weekly_digest_goes_out_once_on_monday_morning_and_not_when_empty(app):
    school = person("director").school
    now = monday_8am(school)
    assert reminders.remind_school(school, now - timedelta(days=1)) == 0  # Sunday
    assert reminders.remind_school(school, now - timedelta(hours=2)) == 0  # Monday, 06:05
    first = last_id()
    sent = reminders.remind_school(school, now)
    db.session.commit()
    digests = [m for m in new_since(first) if m.kind == "digest"]
    assert sent >= len(digests) > 3
    deputy = next(m for m in digests if m.to_address == "deputy_uvr@school20.example")
    assert "Сводка на неделю с 07.12.2026" in deputy.text, deputy.text
    assert "Просрочено" in deputy.text or "Срок в ближайшие две недели" in deputy.text
    # Everyone got theirs only: the teacher's digest has nothing of the deputy's checks.
    for message in digests:
        assert message.text.count("Сводка на неделю с") == 1
    # Run again in the same hour and the next (the job scheduled twice): nothing more.
    first = last_id()
    assert reminders.remind_school(school, now) == 0
    assert reminders.remind_school(school, now + timedelta(hours=1)) == 0
    assert new_since(first) == []

    # A person with nothing due gets no digest; one who switched it off neither.
    from tracker.accounts import services as accounts

    accounts.create_person(
        school,
        username="newcomer",
        full_name="Новикова Нина Олеговна",
        role="staff",
        email="newcomer@school20.example",
    )
    person("deputy_uvr").mail_off = ["digest"]
    db.session.commit()
    first = last_id()
    next_week = now + timedelta(days=7)
    reminders.remind_school(school, next_week)
    db.session.commit()
    addresses = {m.to_address for m in new_since(first) if m.kind == "digest"}
    assert addresses and "newcomer@school20.example" not in addresses
    assert "deputy_uvr@school20.example" not in addresses


def test_members_are_reminded_the_day_before_a_meeting_once(app):
    from tests.approvals.conftest import at

    school = person("director").school
    body = body_of_kind(school, BodyKind.PED_COUNCIL)
    meeting = create_meeting(
        body,
        body.secretary,
        held_at=at("15.12.2026"),
        place="Актовый зал",
        protocol_number=7,
        acts=[],
    )
    db.session.commit()
    from zoneinfo import ZoneInfo

    evening_before = datetime(2026, 12, 14, 9, 0, tzinfo=ZoneInfo(school.timezone)).astimezone(UTC)
    first = last_id()
    assert reminders.meeting_reminders(school, date(2026, 12, 13)) == 0  # two days before
    reminders.remind_school(school, evening_before)
    db.session.commit()
    reminded = [m for m in new_since(first) if m.kind == "meeting"]
    addresses = {m.to_address for m in reminded}
    assert "teacher@school20.example" in addresses and body.secretary.email in addresses
    assert "parents_chair@school20.example" not in addresses  # not a member of this council
    assert "Завтра, 15.12.2026 15:00, заседание: Педагогический совет" in reminded[0].text
    assert "Актовый зал" in reminded[0].text
    first = last_id()
    reminders.remind_school(school, evening_before + timedelta(hours=3))
    assert [m for m in new_since(first) if m.kind == "meeting"] == []
    assert f"/meetings/{meeting.id}" in reminded[0].text


def test_a_refusing_or_silent_mail_server_costs_retries_not_the_request_and_loses_nothing(app):
    """A server that answers 451 to every message, then one that accepts and never answers:
    each attempt is counted, the job is retried, and the message is sent once the server
    works."""
    app.config["SMTP_TIMEOUT"] = 0.5
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{silent.getsockname()[1]}"
    first = last_id()
    plans.assign_tasks(
        [a_task("Публикация всей")], [person("teacher")], person("director"), replace=True
    )
    db.session.commit()
    started = time.monotonic()
    assert run_pending() == 1  # the first attempt: silence, then a timeout
    assert time.monotonic() - started < 5
    [message] = new_since(first)
    db.session.refresh(message)
    assert message.sent_at is None and message.attempts == 1 and "timed out" in message.last_error
    silent.close()

    class Refuse(Collect):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            return "451 Try again later"

    refusing = Controller(Refuse(), hostname="127.0.0.1", port=free_port())
    refusing.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{refusing.port}"
    run_pending(retries_too=True, limit=2)
    refusing.stop()
    db.session.refresh(message)
    assert message.sent_at is None and message.attempts == 3 and "451" in message.last_error

    handler = Collect()
    working = Controller(handler, hostname="127.0.0.1", port=free_port())
    working.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{working.port}"
    run_pending(retries_too=True)
    working.stop()
    db.session.refresh(message)
    assert message.sent_at is not None and message.attempts == 4
    assert len(handler.messages) == 1
    assert MAX_ATTEMPTS > message.attempts


def test_a_message_claimed_by_a_worker_killed_mid_send_is_sent_once_after_the_claim_lapses(app):
    from tracker.mail import services as mail

    first = last_id()
    plans.assign_tasks(
        [a_task("Публикация всей")], [person("teacher")], person("director"), replace=True
    )
    db.session.commit()
    [message] = new_since(first)
    message.claimed_until = datetime.now(UTC) + timedelta(minutes=4)  # a worker has it
    db.session.commit()
    assert mail.deliver(message.id) is None  # not taken twice
    message.claimed_until = datetime.now(UTC) - timedelta(seconds=1)  # the worker died
    db.session.commit()
    assert mail.deliver(message.id) is True
    assert mail.deliver(message.id) is None  # sent once
    mail.deliver_pending()  # the sweep: the demo's waiting messages, not this one again
    db.session.refresh(message)
    assert message.attempts == 1 and message.sent_at is not None


def test_two_workers_racing_for_one_message_send_it_once(app, smtp):
    from tracker.mail import services as mail

    first = last_id()
    plans.assign_tasks(
        [a_task("Публикация всей")], [person("teacher")], person("director"), replace=True
    )
    db.session.commit()
    [message] = new_since(first)
    results = []

    def worker():
        with app.app_context():
            results.append(mail.deliver(message.id))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [None, None, None, True]
    assert len(smtp.messages) == 1


def test_each_person_gets_mail_in_the_language_they_read_the_app_in(app, client):
    """The director works in English; her Russian-reading teacher gets Russian mail, her
    English-reading deputy English mail."""
    person("deputy_uvr").locale = "en"
    db.session.commit()
    login(client, "director")
    post(client, "/language", {"locale": "en"}, page="/")
    first = last_id()
    task = a_task("Публикация всей")
    from tests.conftest import csrf_token

    page = "/assign"
    for username in ("teacher", "deputy_uvr"):
        answer = client.post(
            "/assign",
            data={
                "csrf_token": csrf_token(client, page),
                "task_ids": str(task.id),
                "person": str(person(username).id),
                "replace": "add",
                "assign": "1",
            },
        )
        assert answer.status_code == 302, page_text(answer)[:300]
    by_address = {m.to_address: m for m in new_since(first)}
    russian = by_address["teacher@school20.example"]
    english = by_address["deputy_uvr@school20.example"]
    assert russian.subject.startswith("Вам поручена задача плана")
    assert "поручил(а) вам задачу" in russian.text and "Здравствуйте" in russian.text
    assert english.subject.startswith("A task of the plan is given to you")
    assert english.text.startswith("Hello, ") and "Stop these messages" in english.text


def test_confirmation_links_are_limited_to_three_an_hour(app):
    from tracker.accounts import services as accounts

    teacher = person("teacher")
    for n in range(3):
        assert accounts.change_own_email(teacher, f"new{n}@mail.example")
    db.session.commit()
    with pytest.raises(Exception, match="не больше трёх в час"):
        accounts.change_own_email(teacher, "new4@mail.example")


def test_a_bulk_change_sends_each_owner_one_message_listing_the_tasks(app):
    tasks = db.session.scalars(select(Task).where(Task.due_on.is_not(None)).limit(3)).all()
    plans.assign_tasks(tasks, [person("teacher")], person("director"), replace=True)
    db.session.commit()
    first = last_id()
    plans.redate_tasks(tasks, date(2027, 1, 10), date(2027, 1, 20), person("director"))
    db.session.commit()
    [message] = new_since(first)
    assert message.to_address == "teacher@school20.example"
    assert message.subject.startswith("Изменения в ваших задачах плана: 3")
    assert message.text.count("• изменён срок задачи") == 3
    assert "/plan?mine=1" in message.text
