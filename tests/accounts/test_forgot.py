"""«Забыли пароль?»: a single-use link valid for an hour, sent to the person's address, the
same answer whether or not the login exists, a limit per person and per address; the message
read back with the standard `email` package, delivered through a real SMTP server on loopback
(aiosmtpd) or, with none configured, written to instance/outbox/."""

import email
import re
import socket
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, login, person, post
from tests.plans.test_views import page_text
from tracker.accounts import services as accounts
from tracker.accounts.models import PasswordReset
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.mail import services as mail
from tracker.mail.models import OutgoingMessage

pytestmark = pytest.mark.demo_data


def outbox(app) -> list[email.message.EmailMessage]:
    folder = Path(app.instance_path) / "outbox"
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/password/reset/\S+", text).group(0)


def ask(client, identifier: str):
    return post(client, "/password/forgot", {"identifier": identifier}, page="/password/forgot")


def test_a_teacher_resets_her_forgotten_password_by_the_link(app, client):
    answer = ask(client, "teacher")
    assert answer.status_code == 200
    said = page_text(answer)
    assert "отправлена ссылка для смены пароля" in said
    [message] = outbox(app)
    assert message["To"] == "teacher@school20.example"
    assert message["Subject"] == "Восстановление пароля — МБОУ СОШ № 20"
    assert "=?utf-8?" in message.as_string().split("Subject:", 1)[1][:40].lower()  # RFC 2047
    html = message.get_body(("html",)).get_content()
    link = link_in(message)
    assert f'href="{link}"' in html
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path)
    assert form.status_code == 200
    weak = post(client, "/" + path, {"password": "short", "repeat": "short"}, page="/" + path)
    assert weak.status_code == 400
    new = "Зелёная-лампа-на-столе-7"
    done = post(client, "/" + path, {"password": new, "repeat": new}, page="/" + path)
    assert done.status_code == 302
    db.session.expire_all()
    assert accounts.authenticate("teacher", new) is not None
    assert accounts.authenticate("teacher", DEMO_PASSWORD) is None
    again = client.get("/" + path)  # single use
    assert again.status_code == 404 and "Ссылка недействительна" in page_text(again)


def test_the_answer_is_the_same_for_an_unknown_login_and_nothing_is_sent(app, client):
    known, unknown = ask(client, "teacher"), ask(client, "no-such-person")
    assert page_text(known) == page_text(unknown)
    assert len(outbox(app)) == 1


def test_a_link_after_an_hour_does_not_work(app, client):
    ask(client, "teacher")
    path = "/" + link_in(outbox(app)[0]).split("://", 1)[1].split("/", 1)[1]
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_a_stranger_cannot_fill_a_mailbox(app, client):
    for _ in range(6):
        ask(client, "teacher")
    assert len(outbox(app)) == accounts.RESETS_PER_PERSON


def test_addresses_are_latin_and_unique_in_the_school(app):
    school = person("director").school
    for bad in ("иванова@школа.рф", "no-at-sign", "a@b", "x" * 250 + "@a.ru"):
        with pytest.raises(DomainError):
            accounts.clean_email(bad, school)
    with pytest.raises(DomainError, match="уже указан"):
        accounts.clean_email("TEACHER@school20.example", school)
    assert accounts.clean_email(" new@school20.ru ", school) == "new@school20.ru"


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_messages_go_through_a_real_smtp_server_and_wait_when_it_is_down(app, client):
    down = free_port()  # nothing listens here
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{down}"
    ask(client, "teacher")
    assert outbox(app) == []  # with a server configured the request sends nothing itself
    sent, failed = mail.deliver_pending()
    assert (sent, failed) == (0, 1)
    waiting = db.session.scalar(select(OutgoingMessage))
    assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error

    handler = Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        assert mail.deliver_pending() == (1, 0)
        assert mail.deliver_pending() == (0, 0)  # sent once
    finally:
        controller.stop()
    [raw] = handler.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "teacher@school20.example"
    assert message.get_body(("plain",)).get_content().count("/password/reset/") == 1
    assert message.get_body(("html",)) is not None
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutgoingMessage.sent_at.is_(None))) == 0


def test_the_director_sees_the_outbox(app, client):
    ask(client, "teacher")
    login(client, "director")
    text = page_text(client.get("/outbox"))
    assert "teacher@school20.example" in text and "Восстановление пароля" in text
    assert "записано" in text
