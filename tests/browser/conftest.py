"""A real Chromium (Debian's package) driven by Playwright against the app served on 127.0.0.1.

Every page a journey passes is checked for accessibility and valid HTML (see `checks.py`): the
`page` fixture and the `new_page` factory watch the pages, the live server keeps the HTML it
sends, and a test whose pages fail the checks fails when its body ends.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.checks import HtmlRecorder, PageChecks, SessionFindings, tool_problems
from tests.conftest import DEMO_PASSWORD, make_app
from tracker.extensions import db
from tracker.queue import queue

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test body passes, its pages must pass the checks: else the test fails here."""
    result = yield
    checks = item.funcargs.get("page_checks") if hasattr(item, "funcargs") else None
    if checks is not None:
        checks.finish()
    return result


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def session_findings():
    """What the page checks found on each distinct page met so far in the session."""
    return SessionFindings()


@pytest.fixture
def page_checks(tmp_path, monkeypatch, session_findings):
    """The accessibility and HTML checks of this test's pages (see `checks.py`)."""
    problems = tool_problems()
    if problems:
        pytest.fail("The browser checks cannot run:\n  " + "\n  ".join(problems))
    checks = PageChecks(tmp_path, session_findings)
    checks.check_before_leaving(monkeypatch)
    return checks


@pytest.fixture
def live_server(tmp_path, database, page_checks):
    """The demo school (the test's own copy of it, on SQLite or PostgreSQL) served by a real
    HTTP server in a thread, on a free port, with the job queue's consumer in threads beside it
    (as `make run` starts `tracker worker` beside the server)."""
    app = make_app(tmp_path, database)
    page_checks.recorder = HtmlRecorder(app)
    server = make_server("127.0.0.1", 0, page_checks.recorder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker = queue.create_consumer(workers=1, periodic=False, initial_delay=0.05, max_delay=0.2)
    worker.start()
    page_checks.base_url = f"http://127.0.0.1:{server.server_port}"
    yield page_checks.base_url
    worker.stop(graceful=True)
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def new_page(browser, page_checks, request):
    """Make a watched page in a context of its own: `new_page(viewport={...})`."""
    contexts = []

    def make(**options):
        options = {"locale": "ru-RU", "viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page_checks.watch(page)
        return page

    yield make
    ARTIFACTS.mkdir(exist_ok=True)
    for number, context in enumerate(contexts):
        suffix = f"-{number + 1}" if number else ""
        for page in context.pages:
            page.screenshot(path=ARTIFACTS / f"{request.node.name}{suffix}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}/")


def log_out(page) -> None:
    page.get_by_role("button", name="Выйти").click()
