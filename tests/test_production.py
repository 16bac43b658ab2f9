"""Production as a sysadmin finds it: links from TRACKER_BASE_URL whatever the Host header, forms
judged by that address behind a proxy on its own port (and every refusal logged), a health URL,
and one JSON log line per request and per error with a request id."""

import io
import json
import logging
import re

import pytest
from huey.storage import RedisStorage
from sqlalchemy import text

from tests.conftest import CSRF_PATTERN, login, person, post
from tests.plans.test_views import page_text
from tests.test_durability import crashed_status_change
from tracker import create_app
from tracker.extensions import db
from tracker.ical import services as feeds
from tracker.mail.models import OutgoingMessage
from tracker.queue import queue

pytestmark = pytest.mark.demo_data

BASE = "https://plan.school20.example:8443"


@pytest.fixture
def log_lines():
    """The JSON lines the app logs while the test runs."""
    stream = io.StringIO()
    logger = logging.getLogger("tracker")
    [json_handler] = [h for h in logger.handlers if type(h.formatter).__name__ == "JsonLines"]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_handler.formatter)
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


# --- full URLs only from TRACKER_BASE_URL ---


def test_links_in_a_feed_a_public_list_and_a_reset_mail_ignore_the_host_header(app, client):
    app.config["BASE_URL"] = BASE + "/"
    _token, raw = feeds.create_token(person("class_teacher"), None, "mine", 1)
    db.session.commit()
    evil = {"Host": "evil.example"}
    feed = client.get(f"/ical/{raw}.ics", headers=evil).get_data(as_text=True)
    public = client.get("/public/school20/documents.json", headers=evil).get_data(as_text=True)
    post(client, "/password/forgot", {"identifier": "director"}, page="/password/forgot")
    post(
        client,
        "/password/forgot",
        {"identifier": "director"},
        page="/password/forgot",
        headers=evil,
    )
    mails = " ".join(m.text for m in db.session.query(OutgoingMessage).all())
    for written in (feed, public, mails):
        assert "evil.example" not in written
    assert f"{BASE}/tasks/" in feed.replace("\r\n ", "")
    assert f"{BASE}/public/school20/" in public
    assert f"{BASE}/password/reset/" in mails


def test_production_refuses_to_start_without_its_address(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    monkeypatch.delenv("TRACKER_BASE_URL", raising=False)
    with pytest.raises(SystemExit, match="TRACKER_BASE_URL is required in production"):
        create_app({"INSTANCE_PATH": tmp_path / "instance"})
    monkeypatch.setenv("TRACKER_BASE_URL", "plan.school20.ru")
    with pytest.raises(SystemExit, match="is not an http\\(s\\) address"):
        create_app({"INSTANCE_PATH": tmp_path / "instance"})
    monkeypatch.setenv("TRACKER_BASE_URL", BASE)
    assert create_app({"INSTANCE_PATH": tmp_path / "instance"}).config["PRODUCTION"] is True


# --- forms behind a proxy: the origin against TRACKER_BASE_URL ---


def proxied_login(client, origin: str, host: str = "https://plan.school20.example"):
    """The login form as nginx passes it on with `proxy_set_header Host $host` (no port) and
    https: the browser's Origin and Referer carry the port."""
    page = client.get("/login", base_url=host).get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    assert match
    return client.post(
        "/login",
        base_url=host,
        data={
            "username": "director",
            "password": "demo-pass-123",
            "csrf_token": match.group(1) or match.group(2),
        },
        headers={"Origin": origin, "Referer": origin + "/login"},
    )


def test_a_form_behind_a_proxy_on_its_own_port_is_accepted(app, client):
    app.config["BASE_URL"] = BASE + "/"
    response = proxied_login(client, BASE)
    assert response.status_code == 302
    assert client.get("/", base_url="https://plan.school20.example").status_code == 200


def test_a_form_from_another_origin_is_refused_and_the_reason_logged(app, client, log_lines):
    app.config["BASE_URL"] = BASE + "/"
    response = proxied_login(client, "https://evil.example")
    assert response.status_code == 400
    assert "Форма не принята" in page_text(response)
    [refusal] = [line for line in log_lines() if line["level"] == "WARNING"]
    assert "evil.example" in refusal["message"] and refusal["path"] == "/login"
    assert refusal["request_id"] == response.headers["X-Request-Id"]
    # Without a token at all: refused, and logged too.
    bare = client.post("/login", data={"username": "director", "password": "x"})
    assert bare.status_code == 400
    assert "token" in [line for line in log_lines() if line["level"] == "WARNING"][1]["message"]


# --- /healthz ---


def test_health_answers_ok_then_names_what_fails(app, client, monkeypatch):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "queue": "ok",
    }
    db.session.execute(text("UPDATE alembic_version SET version_num = '245088a734de'"))
    db.session.commit()
    monkeypatch.setattr(queue, "storage", RedisStorage(name="x", url="redis://127.0.0.1:1/0"))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json["migrations"].startswith("behind")
    assert answer.json["queue"] == "error: ConnectionError"
    assert answer.json["database"] == "ok"
    assert "127.0.0.1" not in answer.get_data(as_text=True)


# --- the log ---


def test_every_request_is_one_json_line_with_its_id(app, client, log_lines):
    app.config["ACCESS_LOG"] = True
    login(client, "teacher")
    answer = client.get("/", headers={"X-Request-Id": "nginx-5f0c2a9e"})
    assert answer.headers["X-Request-Id"] == "nginx-5f0c2a9e"
    access = [line for line in log_lines() if line["logger"] == "tracker.access"]
    last = access[-1]
    assert last["request_id"] == "nginx-5f0c2a9e"
    assert (last["method"], last["path"], last["status"], last["user"]) == (
        "GET",
        "/",
        200,
        "teacher",
    )
    assert last["ms"] >= 0 and last["address"] == "127.0.0.1"
    # A forged id (spaces, markup) is not taken: a new one is made.
    forged = client.get("/", headers={"X-Request-Id": "x y z<script>"})
    assert re.fullmatch(r"[0-9a-f]{16}", forged.headers["X-Request-Id"])


def test_a_server_error_is_logged_with_its_request_id_and_shown_on_the_page(
    app, client, log_lines, monkeypatch
):
    response = crashed_status_change(app, client, monkeypatch)
    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    assert f"Код запроса для администратора: {request_id}" in page_text(response)
    [error] = [line for line in log_lines() if line["level"] == "ERROR"]
    assert error["request_id"] == request_id and error["user"] == "director"
    assert "the power went out" in error["traceback"]


def test_a_rotated_secret_key_keeps_sessions_and_links_while_it_retires(app, client):
    from tracker.accounts import notices

    login(client, "teacher")
    away = app.test_client()  # logged in before the change, and not back before it ends
    login(away, "deputy_uvr")
    link = notices.unsubscribe_token(person("teacher"), "digest")
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-key-" + old[:8]
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert client.get("/").status_code == 200  # and her cookie is signed anew
    assert notices.read_unsubscribe(link) == (person("teacher"), "digest")
    app.config["SECRET_KEY_FALLBACKS"] = []  # retired: the old signatures are worth nothing
    assert client.get("/").status_code == 200
    assert away.get("/").status_code == 302
    assert notices.read_unsubscribe(link) is None
