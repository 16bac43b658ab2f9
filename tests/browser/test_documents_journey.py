"""Documents in a real browser: the stamps fill as the councils decide, the secretary's
protocol, the director's school documents, consents from a class list, a school template."""

from io import BytesIO

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out
from tests.documents.test_builders import all_text

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"
BLANK = "от «___» ________ 20__ г. № ____"


def downloaded(page, button) -> Document:
    with page.expect_download() as info:
        button.click()
    path = info.value.path()
    return Document(BytesIO(open(path, "rb").read()))


def test_the_director_downloads_an_act_protocol_and_school_documents(page, live_server, tmp_path):
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Акты").click()
    page.get_by_role("link", name=DATA_ACT).click()
    document = downloaded(page, page.get_by_role("button", name="Сформировать DOCX"))
    stamps = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert stamps.count(BLANK) == 3  # under review: nothing decided yet
    page.reload()
    expect(page.get_by_role("list", name="Версии документа")).to_contain_text("версия 1")

    page.get_by_role("link", name="Советы").click()
    page.get_by_role("link", name="Педагогический совет").click()
    page.get_by_role("link", name="Протокол № 1").first.click()
    protocol = all_text(downloaded(page, page.get_by_role("button", name="Сформировать протокол")))
    assert "ПРОТОКОЛ № 1" in protocol and "Голосовали: «за» — 27" in protocol

    page.get_by_role("link", name="Документы").click()
    plan = all_text(downloaded(page, page.get_by_role("button", name="Сформировать план-график")))
    assert "Публикация всей нормативной базы" in plan
    order = all_text(downloaded(page, page.get_by_role("button", name="Сформировать приказ").first))
    assert "О переходе на электронный учёт" in order and "№ ____" in order

    # A broken school template is refused with the paragraph it is in.
    template = Document()
    template.add_paragraph("{{ title }")
    path = tmp_path / "бланк.docx"
    template.save(path)
    page.get_by_label("Вид документа").select_option(label="Локальный акт")
    page.get_by_label("Шаблон DOCX").set_input_files(path)
    page.get_by_role("button", name="Загрузить шаблон").click()
    expect(page.get_by_text("Ошибка в шаблоне, абзац 1")).to_be_visible()
    log_out(page)


def test_a_class_teacher_makes_consents_from_a_cp1251_list(page, live_server, tmp_path):
    log_in(page, live_server, "class_teacher")
    page.get_by_role("link", name="Документы").click()
    csv = tmp_path / "5а.csv"
    csv.write_bytes("Петров Пётр Ильич;5А\r\n\r\nСидорова Анна;5А\r\n".encode("cp1251"))
    page.get_by_label("Список класса").set_input_files(csv)
    # The worker makes them; the page waits, then the download starts by itself.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Сформировать согласия").click()
    text = all_text(Document(download.value.path()))
    assert text.count("СОГЛАСИЕ") == 2 and "Петров Пётр Ильич, 5А класс" in text
    expect(page.get_by_role("heading", name="Файл готов")).to_be_visible()
    page.get_by_role("link", name="К документам").click()
    expect(page.get_by_role("button", name="Сформировать план-график")).to_have_count(0)
