"""The same app on two servers against one database: two gunicorn processes on two ports, as
behind one nginx upstream, share sessions, lock-outs, the kept public page and feeds (a change
through one is seen through the other at once) and uploads, and an upload through one while the
other restarts is kept. On PostgreSQL in CI's second run (and on Redis for the queue when
`TRACKER_TEST_REDIS_URL` names one); on one SQLite file, two processes on one machine, in the
first."""

import hashlib
import os
import re
import secrets

import pytest
import requests
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, database_url
from tests.servers import Server
from tracker.accounts.models import Person
from tracker.extensions import db
from tracker.ical import services as feeds
from tracker.plans.models import Task
from tracker.publication.models import Publication

pytestmark = pytest.mark.demo_data

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BASE_URL = "http://plan.school20.test/"  # the one address both stand behind


@pytest.fixture
def servers(app, database, tmp_path):
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url(database),
        "TRACKER_SECRET_KEY": secrets.token_hex(32),  # the same on both, as the README says
        "TRACKER_BASE_URL": BASE_URL,
        "TRACKER_REDIS_URL": os.environ.get("TRACKER_TEST_REDIS_URL", ""),
    }
    environment.pop("TRACKER_PRODUCTION", None)
    pair = [
        Server(environment, tmp_path / f"instance-{name}", tmp_path / f"{name}.log")
        for name in ("a", "b")
    ]
    for server in pair:
        server.start()
    yield pair
    for server in pair:
        server.stop()


class Browser:
    """One person's cookies, sent to whichever server answers (both stand at one address)."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, server: Server, path: str, **kwargs) -> requests.Response:
        response = self.session.get(server.url + path, allow_redirects=False, timeout=30, **kwargs)
        self._cookies_for_both(server)
        return response

    def post(self, server: Server, path: str, data: dict, page: str, **kwargs):
        token = CSRF.search(self.get(server, page).text)
        assert token, f"no form on {page}"
        response = self.session.post(
            server.url + path,
            data={**data, "csrf_token": token.group(1)},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        self._cookies_for_both(server)
        return response

    def _cookies_for_both(self, server: Server) -> None:
        """A cookie set by one port is sent to the other, as behind one nginx."""
        for cookie in list(self.session.cookies):
            cookie.domain = ""


def test_two_servers_share_sessions_lockouts_pages_feeds_and_files(app, servers):
    a, b = servers
    director = Browser()
    login = {"username": "director", "password": DEMO_PASSWORD}
    assert director.post(a, "/login", login, "/login").status_code == 302
    # The session made by A is good on B.
    assert director.get(b, "/").status_code == 200

    # Lock-out: five failures through A, the sixth try through B waits.
    stranger = Browser()
    wrong = {"username": "hr", "password": "wrong-password"}
    codes = [stranger.post(a, "/login", wrong, "/login").status_code for _ in range(5)]
    waited = stranger.post(b, "/login", {**wrong, "password": DEMO_PASSWORD}, "/login")
    assert codes == [400] * 5 and waited.status_code == 429 and "Retry-After" in waited.headers

    # The public list kept by B follows a withdrawal made through A at once.
    publication = db.session.scalars(select(Publication).order_by(Publication.id)).first()
    title = publication.act.title
    slug = publication.act.school.slug
    assert title in requests.get(f"{b.url}/public/{slug}/documents", timeout=30).text
    page = f"/acts/{publication.act_id}"
    withdrawn = director.post(a, f"/publications/{publication.id}/withdraw", {}, page)
    assert withdrawn.status_code == 302
    assert title not in requests.get(f"{b.url}/public/{slug}/documents", timeout=30).text

    # A feed polled through B changes with a status set through A, and its links are the
    # one address, whatever the port asked.
    owner = db.session.scalar(select(Person).where(Person.username == "director"))
    _token, raw = feeds.create_token(owner, None, "school", 1)
    db.session.commit()
    first = requests.get(f"{b.url}/ical/{raw}.ics", timeout=30)
    assert first.status_code == 200 and BASE_URL + "tasks/" in first.text.replace("\r\n ", "")
    assert str(a.port) not in first.text and str(b.port) not in first.text
    task = next(
        task
        for task in db.session.scalars(select(Task).order_by(Task.id))
        if task.status == "planned" and not task.follows_records and not task.blocked_by
    )
    status_page = f"/tasks/{task.id}"
    changed = director.post(
        a, f"/tasks/{task.id}/status", {"status": "in_progress", "note": ""}, status_page
    )
    assert changed.status_code == 302, changed.text
    again = requests.get(
        f"{b.url}/ical/{raw}.ics", headers={"If-None-Match": first.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 200 and again.text != first.text

    # A file uploaded through A while B restarts is kept, and B serves it byte for byte.
    content = b"%PDF-1.4 scan " + os.urandom(200_000)
    b.stop()
    uploaded = director.post(
        a,
        f"/tasks/{task.id}/status",
        {"status": "in_progress", "note": "скан приказа"},
        status_page,
        files={"file": ("приказ.pdf", content, "application/pdf")},
    )
    b.start()
    assert uploaded.status_code == 302
    download = director.get(b, f"/tasks/{task.id}/file")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).digest() == hashlib.sha256(content).digest()
