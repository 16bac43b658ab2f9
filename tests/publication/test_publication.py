"""The acts in force on the school site: what a visitor sees and downloads, and what never
reaches them."""

import json
import shutil
from datetime import datetime
from io import BytesIO
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from tests.conftest import TODAY, login, person, post
from tests.documents.test_builders import all_text
from tests.ical.test_feeds import queries
from tests.plans.test_views import page_text
from tracker.acts.models import LocalAct
from tracker.approvals.meetings import ItemDecision, create_meeting, record_meeting
from tracker.approvals.models import BodyKind, Decision
from tracker.approvals.orders import issue_order
from tracker.approvals.queries import body_of_kind
from tracker.audit.models import AuditEntry
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import Task, TaskStatus
from tracker.publication import services as publication
from tracker.publication.models import Publication
from tracker.queue import run_pending

pytestmark = pytest.mark.demo_data
REGULATION = "Положение об электронном журнале успеваемости"
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"
DRAFT = "Регламент выгрузки электронного журнала на бумажный носитель"
PAGE = "/public/school20/documents"


def act_titled(title: str) -> LocalAct:
    return db.session.scalar(select(LocalAct).where(LocalAct.title == title))


def put_in_force(act: LocalAct) -> None:
    """The data act through its councils and the director's order, as the services record it
    (quietly: the notices of the way are not what these tests count)."""
    from tracker.accounts import notices

    with notices.quiet():
        _put_in_force(act)


def _put_in_force(act: LocalAct) -> None:
    from tests.approvals.conftest import at

    school = act.school
    for kind, number, day, decision in (
        (BodyKind.PED_COUNCIL, 2, "20.11.2026", Decision.ADOPTED),
        (BodyKind.PARENTS_COUNCIL, 2, "24.11.2026", Decision.OPINION_FOR),
    ):
        body = body_of_kind(school, kind)
        meeting = create_meeting(
            body, body.secretary, held_at=at(day), place="", protocol_number=number, acts=[act]
        )
        present = 25 if kind == BodyKind.PED_COUNCIL else 10
        record_meeting(
            meeting,
            body.secretary,
            present_count=present,
            decisions={meeting.items[0].id: ItemDecision(decision, present, 0, 0)},
            today=TODAY,
            expected_version=None,
        )
    issue_order(
        school,
        person("director"),
        number="51",
        issued_on=TODAY,
        title="Об утверждении положения",
        acts=[act],
        in_force_on=None,
        today=TODAY,
    )
    db.session.commit()


def test_a_visitor_sees_the_regulation_with_its_three_requisites_and_downloads_it(app, client):
    text = page_text(client.get(PAGE))
    assert "Муниципальное бюджетное общеобразовательное учреждение" in text
    assert REGULATION in text
    assert "Принято педагогическим советом протокол от 29.08.2026 № 1" in text
    assert "Учтено мнение: Совет родителей протокол от 04.09.2026 № 1" in text
    assert "Утверждено приказом директора от 07.09.2026 № 45" in text
    assert "Действует с 07.09.2026" in text
    published = db.session.scalars(select(Publication)).one()
    docx = client.get(f"/public/school20/files/{published.id}.docx")
    assert docx.status_code == 200
    stamps = all_text(Document(BytesIO(docx.data)))
    assert "протокол от 29.08.2026 № 1" in stamps and "от 07.09.2026 № 45" in stamps
    pdf = client.get(f"/public/school20/files/{published.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    again = client.get(
        f"/public/school20/files/{published.id}.pdf", headers={"If-None-Match": pdf.headers["ETag"]}
    )
    assert again.status_code == 304


def test_drafts_are_nowhere_public(app, client):
    for url in (PAGE, PAGE + "/embed", PAGE + ".json", PAGE + ".atom"):
        body = client.get(url).get_data(as_text=True)
        assert DRAFT not in body and DATA_ACT not in body, url
    ids = db.session.scalars(select(Publication.id)).all()
    for guess in range(1, max(ids) + 20):
        if guess in ids:
            continue
        for kind in ("docx", "pdf", "sig"):
            assert client.get(f"/public/school20/files/{guess}.{kind}").status_code == 404
    assert client.get(f"/public/school20/files/{ids[0]}.exe").status_code == 404
    assert client.get("/public/no-such-school/documents").status_code == 404
    assert client.get("/public/no-such-school/documents.json").status_code == 404


def test_a_withdrawn_act_leaves_the_page_and_its_files_answer_404(app, client):
    published = db.session.scalars(select(Publication)).one()
    publication.withdraw(published, person("director"))
    db.session.commit()
    assert REGULATION not in page_text(client.get(PAGE))
    assert client.get(f"/public/school20/files/{published.id}.docx").status_code == 404
    assert json.loads(client.get(PAGE + ".json").data)["documents"] == []


def test_only_an_act_in_force_is_published(app):
    before = db.session.scalar(select(func.count()).select_from(Publication))
    with pytest.raises(DomainError, match="только действующий акт"):
        publication.publish(act_titled(DATA_ACT), person("director"), convert=False)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Publication)) == before


@pytest.mark.parametrize(
    ("signature", "signed_by", "message"),
    [
        (b"", "Иванова Т. П.", "Файл подписи пуст"),
        (b"0" * (1024 * 1024 + 1), "Иванова Т. П.", "больше 1 МБ"),
        (b"\x30\x82signature", "", "Укажите, кем подписан"),
    ],
)
def test_a_bad_signature_file_is_refused(app, signature, signed_by, message):
    with pytest.raises(DomainError, match=message):
        publication.publish(
            act_titled(REGULATION),
            person("director"),
            signature=signature,
            signed_by=signed_by,
            convert=False,
        )


def test_a_signed_republication_supersedes_the_first_and_keeps_it_as_history(app, client):
    first = db.session.scalars(select(Publication)).one()
    second = publication.publish(
        act_titled(REGULATION),
        person("director"),
        signature=b"\x30\x82\x05detached-cms",
        signature_name="polozhenie.pdf.sig",
        signed_by="Иванова Татьяна Петровна, директор, сертификат 01A2B3",
        convert=False,
    )
    db.session.commit()
    assert first.superseded_by_id == second.id
    text = page_text(client.get(PAGE))
    assert "Документ подписан электронной подписью: Иванова Татьяна Петровна" in text
    assert "Прежние редакции (1)" in text and "PDF готовится" in text
    assert client.get(f"/public/school20/files/{second.id}.sig").data == b"\x30\x82\x05detached-cms"
    assert client.get(f"/public/school20/files/{first.id}.docx").status_code == 200
    data = json.loads(client.get(PAGE + ".json").data)
    assert len(data["documents"]) == 1 and len(data["documents"][0]["superseded"]) == 1
    atom = ET.fromstring(client.get(PAGE + ".atom").data)
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.find("{http://www.w3.org/2005/Atom}title").text for e in entries] == [REGULATION]


def test_while_libreoffice_converts_another_request_can_still_write(sqlite_app, monkeypatch):
    """The conversion may take a minute; other schools' logins and records must not wait. On
    SQLite a write transaction locks the whole file, so the test runs there on every backend:
    the worker holds no transaction while LibreOffice runs."""
    app = sqlite_app
    act = act_titled(DATA_ACT)
    put_in_force(act)
    db.session.commit()
    school_id = act.school_id
    other = create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool, connect_args={"timeout": 0.3}
    )
    written = []

    def slow_libreoffice(docx: bytes):
        with other.begin() as connection:  # "database is locked" if the worker held a write
            connection.execute(
                text("UPDATE schools SET city = city WHERE id = :id"), {"id": school_id}
            )
        written.append(docx[:2])
        return b"%PDF-1.4 converted", ""

    monkeypatch.setattr(publication, "to_pdf", slow_libreoffice)
    published = publication.publish(act, person("director"))
    db.session.commit()
    assert written == [] and published.pdf_state == "pending"  # not in the request
    run_pending()  # (with the demo's own publication, built here on PostgreSQL runs: ready)
    other.dispose()
    db.session.refresh(published)
    assert written == [b"PK"]
    assert published.pdf == b"%PDF-1.4 converted" and published.pdf_state == "ready"


def test_publishing_answers_at_once_and_the_pdf_appears_once_the_worker_has_run(
    app, client, monkeypatch
):
    act = act_titled(DATA_ACT)
    put_in_force(act)
    converted = []
    monkeypatch.setattr(
        publication, "to_pdf", lambda docx: converted.append(docx) or (b"%PDF-1.4 made", "")
    )
    login(client, "director")
    page = f"/acts/{act.id}"
    response = post(client, f"{page}/publish", page=page)
    assert response.status_code == 302 and converted == []
    assert "DOCX; PDF готовится" in page_text(client.get(page))
    public = page_text(client.get(PAGE))
    assert DATA_ACT in public and "PDF готовится" in public
    published = publication.current_publication(act)
    assert client.get(f"/public/school20/files/{published.id}.pdf").status_code == 404
    assert run_pending() == 1 and len(converted) == 1
    assert converted[0] == published.document.content  # the PDF of the very DOCX published
    public = page_text(client.get(PAGE))
    assert "PDF готовится" not in public.split(DATA_ACT, 1)[1].split("Положение", 1)[0]
    pdf = client.get(f"/public/school20/files/{published.id}.pdf")
    assert pdf.status_code == 200 and pdf.data == b"%PDF-1.4 made"
    assert run_pending() == 0
    publication.make_pdf.call_local(published.id)  # a job run twice changes nothing
    assert len(converted) == 1


def test_without_libreoffice_publishing_goes_on_with_docx_and_the_director_is_told(
    app, client, monkeypatch
):
    act = act_titled(DATA_ACT)
    put_in_force(act)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    login(client, "director")
    page = f"/acts/{act.id}"
    response = post(client, f"{page}/publish", page=page)
    assert response.status_code == 302
    assert run_pending(retries_too=True) == 3  # the job and its two retries
    text = page_text(client.get(page))
    assert "PDF сделать не удалось (LibreOffice не установлен)" in text
    public = page_text(client.get(PAGE))
    assert DATA_ACT in public and "PDF готовится" in public
    outbox = page_text(client.get("/outbox"))
    assert "PDF опубликованного акта" in outbox and "LibreOffice не установлен" in outbox
    monkeypatch.undo()
    published = publication.current_publication(act)
    response = post(client, f"/publications/{published.id}/pdf", page=page)
    assert "PDF готовится заново" in page_text(client.get(page))
    assert run_pending() == 1
    assert "DOCX и PDF" in page_text(client.get(page))


def test_the_plans_publication_item_completes_when_every_act_is_published(app):
    task = db.session.scalar(select(Task).where(Task.title.startswith("Публикация всей")))
    assert task.status == TaskStatus.IN_PROGRESS  # the regulation is on the site, the data act not
    act = act_titled(DATA_ACT)
    put_in_force(act)
    before = datetime.now(ZoneInfo("Europe/Moscow")).date()
    publication.publish(act, person("director"), convert=False)
    db.session.commit()
    after = datetime.now(ZoneInfo("Europe/Moscow")).date()
    # The day it went on the site, at the school: the clock's, not a pinned one.
    assert task.status == TaskStatus.DONE and task.done_on in {before, after}


def test_the_embeddable_page_may_be_framed_only_by_the_named_sites(app, client):
    app.config["EMBED_ORIGINS"] = ["https://school20.example", "javascript:alert(1)"]
    response = client.get(PAGE + "/embed")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https://school20.example" in policy and "javascript" not in policy
    assert "X-Frame-Options" not in response.headers
    assert "<header" not in response.get_data(as_text=True)
    full = client.get(PAGE)
    assert full.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in full.headers["Content-Security-Policy"]


def count_queries(client, url: str) -> int:
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_public_pages_queries_do_not_grow_with_the_acts_on_them(app, client):
    one = {url: count_queries(client, url) for url in (PAGE, PAGE + ".json")}
    act = act_titled(DATA_ACT)
    put_in_force(act)
    publication.publish(act, person("director"), convert=False)
    db.session.commit()
    assert {url: count_queries(client, url) for url in (PAGE, PAGE + ".json")} == one


def test_the_director_gives_a_person_the_right_to_publish_and_takes_it_back(app, client):
    act = act_titled(DATA_ACT)
    put_in_force(act)
    db.session.commit()
    deputy = person("deputy_uvr")
    page = f"/acts/{act.id}"
    as_deputy = app.test_client()
    login(as_deputy, "deputy_uvr")
    assert post(as_deputy, f"{page}/publish", page=page).status_code == 403
    assert publication.current_publication(act) is None
    assert "Опубликовать" not in page_text(as_deputy.get(page))

    def give(right: bool) -> None:
        form = {
            "full_name": deputy.full_name,
            "role": "staff",
            "positions": [str(p.id) for p in deputy.positions],
        }
        if right:
            form["may_publish"] = "y"
        form["is_active"] = "y"
        response = post(client, f"/people/{deputy.id}", form, page=f"/people/{deputy.id}")
        assert response.status_code == 302

    login(client, "director")
    give(True)
    assert "публикует на сайте" in page_text(client.get("/people"))
    assert "Опубликовать на сайте" in page_text(as_deputy.get(page))
    response = post(as_deputy, f"{page}/publish", page=page)
    assert response.status_code == 302
    assert DATA_ACT in page_text(app.test_client().get(PAGE))
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "person.update", AuditEntry.object_id == deputy.id)
        .order_by(AuditEntry.id.desc())
    )
    assert (
        entry.changes["may_publish"] == ["False", "True"]
        and entry.actor_id == person("director").id
    )

    give(False)
    published = publication.current_publication(act)
    assert post(as_deputy, f"/publications/{published.id}/withdraw", page=page).status_code == 403
    # A teacher cannot give themselves the right: the people pages are the director's.
    as_teacher = app.test_client()
    login(as_teacher, "teacher")
    teacher = person("teacher")
    refused = post(
        as_teacher,
        f"/people/{teacher.id}",
        {"full_name": teacher.full_name, "role": "staff", "may_publish": "y", "is_active": "y"},
    )
    assert refused.status_code == 403 and not db.session.get(type(teacher), teacher.id).may_publish


def test_a_school_site_polling_the_list_gets_304_until_the_records_change(app, client):
    """The list is kept rendered and answered 304 while nothing changed; a publication (any
    record of the school) changes it at once, for the page, the embed, the JSON and the Atom."""
    urls = (PAGE, PAGE + "/embed", PAGE + ".json", PAGE + ".atom")
    first = {url: client.get(url) for url in urls}
    for url, response in first.items():
        assert response.status_code == 200 and response.headers["ETag"], url
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and not again.data, url
        with queries() as statements:
            assert client.get(url).data == response.data  # the kept rendering, the same bytes
        assert len(statements) == 1, (url, statements)  # the school, with its records' version
    assert DATA_ACT not in first[PAGE].get_data(as_text=True)
    act = act_titled(DATA_ACT)
    put_in_force(act)
    publication.publish(act, person("director"), convert=False)
    db.session.commit()
    for url, response in first.items():
        fresh = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert fresh.status_code == 200 and DATA_ACT in fresh.get_data(as_text=True), url
        assert fresh.headers["ETag"] != response.headers["ETag"]
    # Another host name gets links of its own, not the kept page of the first.
    elsewhere = client.get(PAGE + ".json", base_url="https://school20.example")
    assert "https://school20.example/public/school20/" in elsewhere.get_data(as_text=True)
    assert elsewhere.headers["ETag"] != client.get(PAGE + ".json").headers["ETag"]
    # Another school's list is its own, however the kept pages are keyed.
    other = client.get("/public/school7/documents").get_data(as_text=True)
    assert DATA_ACT not in other and REGULATION not in other


def test_a_pdf_whose_job_was_lost_is_asked_for_again_by_the_sweep(app, monkeypatch):
    """A worker killed while converting: the publication stays «pending»; ten minutes on, the
    sweep asks again and the PDF is made once."""
    from datetime import UTC, timedelta

    from tracker.queue import queue

    act = act_titled(DATA_ACT)
    put_in_force(act)
    published = publication.publish(act, person("director"))
    db.session.commit()
    queue.flush()  # the job is lost with the worker
    monkeypatch.setattr(publication, "to_pdf", lambda docx: (b"%PDF-1.4 at last", ""))
    publication.make_missing_pdfs.call_local()
    assert run_pending() == 0  # asked only minutes ago: the first job may still be running
    published.pdf_asked_at = datetime.now(UTC) - timedelta(minutes=11)
    db.session.commit()
    publication.make_missing_pdfs.call_local()
    assert run_pending() == 1
    db.session.refresh(published)
    assert published.pdf_state == "ready" and published.pdf == b"%PDF-1.4 at last"
    publication.make_missing_pdfs.call_local()
    assert run_pending() == 0
