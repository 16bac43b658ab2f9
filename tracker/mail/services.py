"""Messages: queued as rows of the outbox (`queue`), made into RFC 5322 messages with a plain
and an HTML part (`build`; the standard `email` package writes RFC 2047 subjects and the
List-Unsubscribe headers of RFC 2369/8058), and delivered (`deliver_pending`): through SMTP when
`TRACKER_SMTP_URL` is set (smtp://user:password@host:587, STARTTLS; smtps:// for TLS from the
start), otherwise as `.eml` files in `instance/outbox/`, so a new installation shows what it
would send without sending anything."""

from __future__ import annotations

import html as html_escape
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import CursorResult, or_, select, update

from tracker.extensions import db
from tracker.mail.models import MAX_ATTEMPTS, OutgoingMessage
from tracker.queue import after_commit, crontab, job, periodic
from tracker.types import utcnow

CLAIM = timedelta(minutes=5)  # a message being sent is not taken by another worker meanwhile


def queue(
    *,
    to: str,
    subject: str,
    text: str,
    kind: str,
    school_id: int | None,
    html: str = "",
    unsubscribe_url: str = "",
    key: str | None = None,
) -> OutgoingMessage | None:
    """A message to send once the current transaction commits (the caller's change and the
    message are kept together or not at all). With a `key`, a message of that key already
    queued is not queued again (None): a digest scheduled twice is sent once."""
    if key is not None:
        if db.session.scalar(select(OutgoingMessage.id).where(OutgoingMessage.key == key)):
            return None
    message = OutgoingMessage(
        key=key,
        school_id=school_id,
        kind=kind,
        to_address=to,
        subject=subject[:255],
        text=text,
        html=html or _html_of(text),
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(message)
    db.session.flush()
    after_commit(send_message, message.id, school_id=school_id)
    return message


def _html_of(text: str) -> str:
    """The plain text as HTML: paragraphs kept, links clickable."""
    paragraphs = []
    for block in text.split("\n\n"):
        lines = []
        for line in block.split("\n"):
            escaped = html_escape.escape(line)
            if line.startswith(("http://", "https://")):
                escaped = f'<a href="{escaped}">{escaped}</a>'
            lines.append(escaped)
        paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"></head><body>'
        + "".join(paragraphs)
        + "</body></html>"
    )


def sender() -> str:
    return current_app.config.get("MAIL_FROM") or formataddr(("План перехода", "tracker@localhost"))


def build(message: OutgoingMessage) -> EmailMessage:
    email = EmailMessage(policy=SMTP)
    email["From"] = sender()
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = make_msgid(idstring=f"tracker-{message.id}")
    email["Auto-Submitted"] = "auto-generated"
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.text)
    email.add_alternative(message.html or _html_of(message.text), subtype="html")
    return email


def outbox_folder() -> Path:
    return Path(current_app.instance_path) / "outbox"


def _waiting(now):
    """Not sent, not given up on, and not being sent by another worker right now."""
    return (
        OutgoingMessage.sent_at.is_(None),
        OutgoingMessage.attempts < MAX_ATTEMPTS,
        or_(OutgoingMessage.claimed_until.is_(None), OutgoingMessage.claimed_until < now),
    )


def deliver(message_id: int) -> bool | None:
    """Send one message: True when sent, False when the server refused it (the attempt is
    counted), None when it is not to be sent (sent already, given up on, or being sent by
    another worker). The message is claimed in its own committed statement first, so two
    workers never send it both; a worker killed while sending leaves a claim that lapses."""
    now = utcnow()
    claimed: CursorResult = db.session.execute(  # type: ignore[assignment]
        update(OutgoingMessage)
        .where(OutgoingMessage.id == message_id, *_waiting(now))
        .values(claimed_until=now + CLAIM)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    message = db.session.get(OutgoingMessage, message_id)
    assert message is not None  # claimed just now
    message.attempts += 1
    message.claimed_until = None
    try:
        _send(build(message), message, current_app.config.get("SMTP_URL") or "")
    except Exception as error:  # noqa: BLE001 -- any failure is an attempt; the next goes on
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        db.session.commit()
        return False
    message.sent_at = utcnow()
    message.last_error = ""
    db.session.commit()
    return True


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send what waits (oldest first); returns (sent, failed). Each message is committed on its
    own, so a crash in the middle sends none twice to completion and loses none."""
    ids = list(
        db.session.scalars(
            select(OutgoingMessage.id)
            .where(*_waiting(utcnow()))
            .order_by(OutgoingMessage.id)
            .limit(limit)
        )
    )
    db.session.commit()
    results = [deliver(message_id) for message_id in ids]
    return results.count(True), results.count(False)


class NotSent(Exception):
    """The mail server refused or did not answer: the queue tries again later."""


@job(retries=MAX_ATTEMPTS, retry_delay=60)
def send_message(message_id: int, school_id: int | None = None) -> None:
    """The queue's job for one message: sent at once, retried a minute later while the server
    refuses, until the message is given up on (the director sees it on the outbox page)."""
    if deliver(message_id) is False:
        message = db.session.get(OutgoingMessage, message_id)
        if message is not None and not message.failed:
            raise NotSent(message.last_error)


@periodic(crontab(minute="*/5"))
def send_waiting() -> None:
    """Every five minutes: whatever a lost job left in the outbox."""
    deliver_pending(limit=500)


def _send(email: EmailMessage, message: OutgoingMessage, url: str) -> None:
    if not url:
        folder = outbox_folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message.id:06d}-{message.kind}.eml").write_bytes(email.as_bytes())
        return
    parts = urlsplit(url)
    timeout = current_app.config["SMTP_TIMEOUT"]  # a server that hangs holds a worker no longer
    port = parts.port or (465 if parts.scheme == "smtps" else 587)
    if parts.scheme == "smtps":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            parts.hostname or "localhost",
            port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(parts.hostname or "localhost", port, timeout=timeout)
    with server:
        if parts.scheme == "smtp" and server.has_extn("starttls"):
            server.starttls(context=ssl.create_default_context())
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(email)


def recent(school_id: int, limit: int = 50) -> list[OutgoingMessage]:
    return list(
        db.session.scalars(
            select(OutgoingMessage)
            .where(OutgoingMessage.school_id == school_id)
            .order_by(OutgoingMessage.id.desc())
            .limit(limit)
        )
    )
