"""The documents pages as the staff use them: generate, download, consents from a class list."""

import zipfile
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.conftest import login, person, post, switch_to
from tests.documents.test_builders import all_text
from tests.plans.test_views import page_text
from tracker.acts.models import LocalAct
from tracker.acts.services import act_sections
from tracker.approvals.route import new_version
from tracker.documents import prepared
from tracker.documents.models import GeneratedDocument, PreparedFile
from tracker.extensions import db
from tracker.queue import run_pending

pytestmark = pytest.mark.demo_data
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(GeneratedDocument))


def test_the_owner_generates_an_acts_docx_and_downloads_it(app, client):
    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Регламент")))
    login(client, "deputy_uvr")
    page = f"/acts/{act.id}"
    response = post(client, f"{page}/docx", page=page)
    assert response.status_code == 302 and "/documents/" in response.headers["Location"]
    download = client.get(response.headers["Location"])
    assert download.status_code == 200 and download.mimetype == DOCX
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    assert "РЕГЛАМЕНТ" in all_text(Document(BytesIO(download.data)))
    assert "Документ (DOCX)" in page_text(client.get(page))


def test_consents_from_a_cp1251_class_list_one_docx_or_a_zip(app, client):
    login(client, "class_teacher")
    before = count()
    csv = "ФИО;Класс\r\nПетров Пётр Ильич;5А\r\n\r\nСидорова Анна;5А\r\n".encode("cp1251")
    response = post(
        client,
        "/documents/consents",
        {"file": (BytesIO(csv), "5а.csv"), "output": "docx"},
        page="/documents",
        content_type="multipart/form-data",
    )
    # The request answers at once with a page that waits for the worker.
    assert response.status_code == 302
    waiting = response.headers["Location"]
    page = client.get(waiting)
    assert "Файл готовится" in page_text(page) and 'http-equiv="refresh"' in page.text
    assert client.get(waiting + "/file").status_code == 404  # not made yet
    assert run_pending() == 1
    page = client.get(waiting)
    assert "Файл готов" in page_text(page)
    download = client.get(waiting + "/file")
    assert download.status_code == 200 and download.mimetype == DOCX
    text = all_text(Document(BytesIO(download.data)))
    assert text.count("СОГЛАСИЕ") == 2 and "Сидорова Анна, 5А класс" in text
    # Only the teacher who asked can see it: the director gets «not found».
    switch_to(client, "director")
    assert client.get(waiting).status_code == 404
    assert client.get(waiting + "/file").status_code == 404
    switch_to(client, "class_teacher")
    response = post(
        client,
        "/documents/consents",
        {"file": (BytesIO(csv), "5а.csv"), "output": "zip"},
        page="/documents",
        content_type="multipart/form-data",
    )
    run_pending()
    zipped = client.get(response.headers["Location"] + "/file")
    names = zipfile.ZipFile(BytesIO(zipped.data)).namelist()
    assert names == ["001 Согласие Петров Пётр Ильич.docx", "002 Согласие Сидорова Анна.docx"]
    assert count() == before  # not kept as the school's documents
    # The pupils' names are not kept beyond the making; the files themselves an hour.
    made = db.session.scalars(select(PreparedFile)).all()
    assert len(made) == 2 and all(file.params == {} for file in made)
    for file in made:
        file.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert client.get(waiting + "/file").status_code == 404
    prepared.forget_expired.call_local()
    assert db.session.scalars(select(PreparedFile)).all() == []


def test_a_file_that_is_not_a_class_list_is_explained_beside_the_field(app, client):
    login(client, "class_teacher")
    response = post(
        client,
        "/documents/consents",
        {"file": (BytesIO(b"\x00\x01PK\x03\x04"), "photo.jpg"), "output": "docx"},
        page="/documents",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Файл не похож на текстовый список (CSV)" in page_text(response)


def test_the_director_makes_the_school_orders_and_the_plan(app, client):
    login(client, "director")
    before = count()
    for url, data in [
        ("/documents/transition-order", {"act": "0"}),
        ("/documents/duties-order", {}),
        ("/documents/plan", {}),
    ]:
        response = post(client, url, data, page="/documents")
        assert response.status_code == 302, url
    assert count() == before + 3
    text = page_text(client.get("/documents"))
    assert "Приказ о переходе на электронный учёт" in text and "План-график на 28.11.2026" in text


def test_an_act_of_another_school_in_the_transition_order_is_not_found(app, client):
    login(client, "director7")
    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Регламент")))
    before = count()
    response = post(client, "/documents/transition-order", {"act": str(act.id)}, page="/documents")
    assert response.status_code == 400  # not among the choices of school № 7
    assert count() == before


def template_docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_school_template_is_checked_then_used_for_its_kind(app, client):
    login(client, "director")
    broken = template_docx("Бланк школы", "{{ title }")
    response = post(
        client,
        "/documents/templates",
        {"template-kind": "act", "template-file": (BytesIO(broken), "бланк.docx")},
        page="/documents",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "абзац 2" in page_text(response)
    good = template_docx("БЛАНК {{ school_short_name }}", "{{ title }}", "{{ stamp_order }}")
    response = post(
        client,
        "/documents/templates",
        {"template-kind": "act", "template-file": (BytesIO(good), "бланк.docx")},
        page="/documents",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Регламент")))
    response = post(client, f"/acts/{act.id}/docx", page=f"/acts/{act.id}")
    text = all_text(Document(BytesIO(client.get(response.headers["Location"]).data)))
    assert text.startswith("БЛАНК МБОУ СОШ № 20\nРегламент выгрузки")
    assert "от «___» ________ 20__ г. № ____" in text


def test_a_new_act_from_the_built_in_regulation_names_the_school(app, client):
    from tests.conftest import person

    login(client, "director")
    response = post(client, "/acts", {"title": "", "body_text": ""}, page="/acts")
    assert response.status_code == 400 and "Название не может быть пустым" in page_text(response)
    response = post(client, "/acts", {"sample": "ezh_regulation", "title": ""}, page="/acts")
    assert response.status_code == 302
    act = db.session.scalars(select(LocalAct).order_by(LocalAct.id.desc())).first()
    assert act.title == "Положение об электронном журнале успеваемости"
    text = act.current_version.body_text
    assert person("director").school.full_name in text
    # Published on the school site later: the act names positions, the orders name people.
    assert person("ej_officer").full_name not in text
    assert "{" not in text
    pass

    assert [s.split(". ", 1)[1] for s in act_sections(text)] == [
        "Общие положения",
        "Цели ведения",
        "Правила ведения",
        "Права и обязанности",
        "Контроль",
        "Хранение",
        "Ответственность",
    ]


def add_versions(act: LocalAct, how_many: int) -> int:
    """Versions of the act's DOCX as if generated again after each edit of its text."""
    known = db.session.scalar(
        select(func.max(GeneratedDocument.number)).where(
            GeneratedDocument.subject == f"act:{act.id}"
        )
    )
    for number in range((known or 0) + 1, (known or 0) + how_many + 1):
        db.session.add(
            GeneratedDocument(
                school_id=act.school_id,
                kind="act",
                subject=f"act:{act.id}",
                number=number,
                title=act.title,
                filename="act.docx",
                media_type=DOCX,
                content=b"PK",
                size=2,
                fingerprint=f"edit {number}",
            )
        )
    db.session.commit()
    return (known or 0) + how_many  # the newest version's number


def test_an_act_shows_its_newest_versions_and_links_to_all_of_them(app, client):
    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Регламент")))
    newest = add_versions(act, 12)
    login(client, "director")
    text = page_text(client.get(f"/acts/{act.id}"))
    shown = text.split("Документ (DOCX)", 1)[1]
    assert f"версия {newest}," in shown and f"версия {newest - 4}," in shown
    assert f"версия {newest - 5}," not in shown  # the five newest
    assert f"Все версии ({newest})" in text
    page = client.get(f"/acts/{act.id}").get_data(as_text=True)
    assert f'href="/documents?subject=act:{act.id}#versions"' in page
    every = page_text(client.get(f"/documents?subject=act:{act.id}"))
    assert "Показаны версии одного документа" in every
    assert all(f"версия {n}," in every for n in range(1, newest + 1))


def test_the_documents_list_comes_in_pages_and_keeps_its_filter(app, client):
    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Регламент")))
    newest = add_versions(act, 40)  # and the demo's own: over 30, two pages
    login(client, "director")
    first = page_text(client.get(f"/documents?subject=act:{act.id}"))
    assert "Страница 1 из 2" in first and f"версия {newest}," in first
    assert f"версия {newest - 29}," in first and f"версия {newest - 30}," not in first
    html = client.get(f"/documents?subject=act:{act.id}").get_data(as_text=True)
    assert f'href="/documents?subject=act:{act.id}&amp;page=2#versions"' in html
    second = page_text(client.get(f"/documents?subject=act:{act.id}&page=2"))
    assert "Страница 2 из 2" in second and f"версия {newest - 30}," in second
    assert f"версия {newest}," not in second
    assert "версия 1," in page_text(client.get(f"/documents?subject=act:{act.id}&page=99"))
    # Another school's document by its subject: nothing of it shows.
    fresh = app.test_client()
    login(fresh, "director7")
    assert f"версия {newest}," not in page_text(fresh.get(f"/documents?subject=act:{act.id}"))


STALE = "устарел — сформируйте заново"


def test_a_document_whose_records_changed_since_is_marked_out_of_date(app, client):
    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Регламент")))
    login(client, "deputy_uvr")
    page = f"/acts/{act.id}"
    assert post(client, f"{page}/docx", page=page).status_code == 302
    assert STALE not in page_text(client.get(page))
    new_version(
        act, person("deputy_uvr"), act.current_version.body_text + "\n9. Новый раздел", None
    )
    db.session.commit()
    assert page_text(client.get(page)).count(STALE) == 1  # the version made before the change
    listed = page_text(client.get(f"/documents?subject=act:{act.id}"))
    assert listed.count(STALE) == 1
    assert post(client, f"{page}/docx", page=page).status_code == 302
    assert page_text(client.get(page)).count(STALE) == 1  # the new one is current, the old not


def test_an_orders_sheet_is_out_of_date_once_the_staff_changed(app, client):
    login(client, "director")
    assert STALE not in page_text(client.get("/orders"))
    person("class_teacher2").is_active = False  # left the school: off the familiarisation list
    db.session.commit()
    assert page_text(client.get("/orders")).count(STALE) == 2  # the order and its sheet


def ask_consents(client, output: str = "zip"):
    csv = "ФИО;Класс\r\nПетров Пётр Ильич;5А\r\n".encode("cp1251")
    return post(
        client,
        "/documents/consents",
        {"file": (BytesIO(csv), "5а.csv"), "output": output},
        page="/documents",
        content_type="multipart/form-data",
    )


def test_files_are_made_two_at_a_time_and_twelve_an_hour_per_person(app, client):
    login(client, "class_teacher")
    assert [ask_consents(client).status_code for _ in range(2)] == [302, 302]
    third = ask_consents(client)
    assert third.status_code == 429
    assert "Ещё готовятся ваши файлы (2): дождитесь их" in page_text(third)
    assert count_prepared() == 2  # the refused ask left nothing behind
    # Another person is not held up by her.
    other = app.test_client()
    login(other, "class_teacher2")
    assert ask_consents(other).status_code == 302
    for _ in range(5):  # the worker makes them as they come: twelve in the hour
        run_pending()
        assert [ask_consents(client).status_code for _ in range(2)] == [302, 302]
    run_pending()
    over = ask_consents(client)
    assert over.status_code == 429
    text = page_text(over)
    assert "За последний час вы заказали файлов: 12 — это предел. Попробуйте через 60 мин." in text
    assert count_prepared() == 13


def count_prepared() -> int:
    return db.session.scalar(select(func.count()).select_from(PreparedFile))


def test_template_uploads_are_limited_per_person_before_they_are_checked(app, client):
    login(client, "director")
    good = template_docx("БЛАНК {{ school_short_name }}", "{{ title }}", "{{ stamp_order }}")

    def upload():
        return post(
            client,
            "/documents/templates",
            {"template-kind": "act", "template-file": (BytesIO(good), "бланк.docx")},
            page="/documents",
            content_type="multipart/form-data",
        )

    assert {upload().status_code for _ in range(10)} == {302}
    refused = upload()
    assert refused.status_code == 429
    assert "За последний час вы загрузили шаблонов: 10 — это предел." in page_text(refused)


def test_the_act_page_reads_its_route_once_for_the_page_and_the_documents_freshness(app, client):
    """The route line, the history and the fingerprint that says whether a kept DOCX is out of
    date come from one read of the act's steps; the DOCX just made is current."""
    from tests.ical.test_feeds import queries

    act = db.session.scalar(select(LocalAct).where(LocalAct.title.startswith("Положение")))
    login(client, "director")
    page = f"/acts/{act.id}"
    assert post(client, f"{page}/docx", page=page).status_code == 302
    with queries() as seen:
        text = page_text(client.get(page))
    assert STALE not in text and "Педагогический совет" in text
    route_reads = [s for s in seen if "FROM approval_steps" in s and "approval_steps.act_id" in s]
    assert len(route_reads) == 1, route_reads
