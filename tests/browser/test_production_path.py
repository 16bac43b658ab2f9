"""The whole production path as the README lays it out: gunicorn behind nginx with https (a
self-signed certificate) on a port that is not 443, `proxy_set_header Host $host` (no port),
the test database (PostgreSQL in CI's second run). A person logs in and sends a form in a real
Chromium; the forms' origin is judged against TRACKER_BASE_URL, which has the port."""

import json
import os
import re
import secrets

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.conftest import DEMO_PASSWORD, database_url
from tests.plans.test_views import task_titled
from tests.servers import Nginx, Server

pytestmark = pytest.mark.demo_data


@pytest.fixture
def behind_nginx(app, database, tmp_path):
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url(database),
        "TRACKER_SECRET_KEY": secrets.token_hex(32),
        "TRACKER_BEHIND_PROXY": "1",
        "TRACKER_REDIS_URL": os.environ.get("TRACKER_TEST_REDIS_URL", ""),
    }
    web = Server({}, tmp_path / "instance-web", tmp_path / "gunicorn.log")
    proxy = Nginx(tmp_path / "nginx", web.port)
    web.environment.update(environment)
    web.environment["TRACKER_BASE_URL"] = f"https://localhost:{proxy.port}/"
    web.start()
    proxy.start()
    yield proxy, web
    proxy.stop()
    web.stop()


def test_login_and_a_form_through_nginx_with_https_on_its_own_port(browser, behind_nginx):
    proxy, web = behind_nginx
    task = task_titled("Совещание при директоре об итогах")
    context = browser.new_context(ignore_https_errors=True, locale="ru-RU")
    page = context.new_page()
    try:
        answer = page.goto(proxy.url + "/login")
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        page.fill("#username", "director")
        page.fill("#password", DEMO_PASSWORD)
        page.click("form button[type=submit], form input[type=submit]")
        page.wait_for_url(proxy.url + "/")
        page.goto(f"{proxy.url}/tasks/{task.id}")
        form = page.locator("form:has(textarea[name=body])")
        form.locator("textarea[name=body]").fill("Протокол совещания загружен на сайт школы.")
        with page.expect_navigation():
            form.locator("button[type=submit], input[type=submit]").first.click()
        assert "Протокол совещания загружен на сайт школы." in page.inner_text("main")
        assert "Форма не принята" not in page.inner_text("main")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "production-path-task.png", full_page=True)
        # The session cookie is Secure: the app saw https through X-Forwarded-Proto.
        [session] = [c for c in context.cookies() if c["name"] == "session"]
        assert session["secure"] and session["httpOnly"]
    finally:
        context.close()
    # The access log has the login, under the request id nginx made for it.
    lines = [json.loads(line) for line in web.log.read_text().splitlines() if line.startswith("{")]
    [logged_in] = [
        line for line in lines if line.get("path") == "/login" and line.get("method") == "POST"
    ]
    assert logged_in["status"] == 302 and logged_in["user"] == "director"
    assert re.fullmatch(r"[0-9a-f]{32}", logged_in["request_id"])
    health = requests.get(proxy.url + "/healthz", timeout=30, verify=proxy.folder / "cert.pem")
    assert health.json()["status"] == "ok"
