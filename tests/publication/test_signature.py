"""The director's simple electronic signature of a published PDF, and anyone's check of it."""

import hashlib
import re
from io import BytesIO

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, login, person, post
from tests.plans.test_views import page_text
from tests.publication.test_publication import DATA_ACT, PAGE, act_titled, put_in_force
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.publication import services as publication
from tracker.publication.models import PdfState, SimpleSignature

pytestmark = pytest.mark.demo_data
PDF = b"%PDF-1.4\n% the act as the site shows it\n%%EOF\n"


def signatures() -> int:
    return db.session.scalar(select(func.count()).select_from(SimpleSignature))


def published(pdf: bytes | None = PDF):
    act = act_titled(DATA_ACT)
    put_in_force(act)
    result = publication.publish(act, person("director"), convert=False)
    if pdf is not None:
        result.pdf, result.pdf_state = pdf, PdfState.READY
    db.session.commit()
    return result


def test_the_director_signs_with_the_password_and_the_record_keeps_the_pdfs_hash(app):
    director = person("director")
    target = published()
    with pytest.raises(DomainError, match="Пароль не подошёл"):
        publication.sign(target, director, password="wrong")
    db.session.rollback()
    assert signatures() == 0
    signature = publication.sign(target, director, password=DEMO_PASSWORD)
    db.session.commit()
    assert re.fullmatch(r"[0-9a-f]{32}", signature.key)
    assert signature.pdf_sha256 == hashlib.sha256(PDF).hexdigest()
    assert (signature.signer_name, signature.signer_position) == (director.full_name, "Директор")
    with pytest.raises(DomainError, match="уже подписана"):
        publication.sign(target, director, password=DEMO_PASSWORD)
    found = publication.signature_by_key(
        director.school, signature.key.upper()[:16] + " " + signature.key[16:]
    )
    assert found is signature
    assert publication.signature_by_key(person("director7").school, signature.key) is None
    assert publication.matches(signature, PDF) and not publication.matches(signature, PDF + b" ")


def test_nothing_is_signed_before_the_pdf_is_there(app):
    target = published(pdf=None)
    with pytest.raises(DomainError, match="PDF ещё не готов"):
        publication.sign(target, person("director"), password=DEMO_PASSWORD)
    db.session.rollback()
    assert signatures() == 0


def test_a_signed_act_shows_the_mark_and_anyone_verifies_the_file(app, client):
    target = published()
    login(client, "director")
    page = f"/publications/{target.id}/sign"
    assert "Вы подписываете PDF публикации" in page_text(client.get(page))
    wrong = post(client, page, {"password": "wrong"}, page=page)
    assert wrong.status_code == 400 and "Пароль не подошёл" in page_text(wrong)
    assert post(client, page, {"password": DEMO_PASSWORD}, page=page).status_code == 302
    signature = db.session.scalars(select(SimpleSignature)).one()
    guest = app.test_client()
    html = guest.get(PAGE).get_data(as_text=True)
    director = person("director")
    assert "Документ подписан простой электронной подписью" in html
    title = re.search(r'<summary title="([^"]+)"', html).group(1)
    assert director.full_name in title and "Директор" in title and signature.key in title
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d \(UTC\+3\)", title)
    assert signature.key in guest.get(PAGE + ".json").get_data(as_text=True)
    verify = f"/public/school20/verify?key={signature.key}"
    shown = page_text(guest.get(verify))
    assert "Подпись найдена" in shown and signature.pdf_sha256 in shown

    def check(content: bytes):
        return post(
            guest,
            "/public/school20/verify",
            {"key": signature.key, "file": (BytesIO(content), "act.pdf")},
            page=verify,
            content_type="multipart/form-data",
        )

    assert "Файл совпадает с подписанным" in page_text(check(PDF))
    assert "Файл не совпадает с подписанным" in page_text(check(PDF.replace(b"act", b"ACT")))
    unknown = guest.get("/public/school20/verify?key=" + "0" * 32)
    assert unknown.status_code == 404 and "Подписи с таким ключом у этой школы нет" in page_text(
        unknown
    )
    assert guest.get(f"/public/school7/verify?key={signature.key}").status_code == 404


def test_an_administrator_cannot_sign_in_the_directors_name(app, client):
    target = published()
    director = person("director")
    director.role = "admin"
    db.session.commit()
    login(client, "director")
    assert client.get(f"/publications/{target.id}/sign").status_code == 403
