"""An act's whole route in a real browser: the secretaries record, the director orders."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"
EXPORT_ACT = "Регламент выгрузки электронного журнала на бумажный носитель"


def test_councils_and_order_put_an_act_in_force_and_the_plan_follows(page, live_server):
    # The demo's regulation is already in force with its three requisites.
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Акты").click()
    regulation = page.get_by_role("list", name=re.compile("Положение об электронном журнале"))
    expect(regulation).to_contain_text("протокол № 1 от")
    expect(regulation).to_contain_text("приказ № 45 от")
    log_out(page)

    # A teacher comments on a section of the draft open for discussion.
    log_in(page, live_server, "teacher")
    page.get_by_role("link", name="Ждут меня").click()
    page.get_by_role("link", name=EXPORT_ACT).click()
    expect(page.get_by_text("Идёт обсуждение редакции 1")).to_be_visible()
    page.get_by_label("Раздел", exact=True).select_option(label="3. Хранение")
    page.get_by_label("Замечание или предложение").fill("Указать срок хранения распечаток")
    page.get_by_role("button", name="Отправить замечание").click()
    expect(page.get_by_role("status")).to_contain_text("Замечание отправлено")
    discussion = page.locator("#discussion")
    expect(discussion).to_contain_text("3. Хранение")
    expect(discussion).to_contain_text("Указать срок хранения распечаток")
    log_out(page)

    # The pedagogical council's secretary records a meeting that adopts the second act.
    log_in(page, live_server, "ped_secretary")
    page.get_by_role("link", name="Ждут меня").click()
    page.get_by_role("link", name="Назначить заседание").click()
    page.get_by_label("Дата заседания").fill("20.11.2026")
    page.get_by_label("Номер протокола").fill("2")
    expect(page.get_by_label(DATA_ACT)).to_be_checked()
    page.get_by_role("button", name="Создать заседание").click()
    expect(page.get_by_role("status")).to_contain_text("Заседание создано")
    # The staff's comments from the act's discussion stand beside its agenda item.
    page.get_by_text("Замечания из обсуждения: 1").click()
    expect(page.get_by_text("Перечислить, какие данные учеников видят")).to_be_visible()
    page.get_by_label("Присутствовало членов").fill("19")
    page.get_by_label("РЕШИЛИ").select_option(label="Принять")
    page.get_by_label("За", exact=True).fill("18")
    page.get_by_label("Против", exact=True).fill("0")
    page.get_by_label("Воздержались", exact=True).fill("1")
    page.get_by_role("button", name="Записать решения").click()
    # 19 of 32 is short of two thirds: refused with the reason, nothing recorded.
    expect(
        page.get_by_text("Нет кворума: присутствует 19 из 32, нужно не меньше 22")
    ).to_be_visible()
    page.get_by_label("Присутствовало членов").fill("25")
    page.get_by_label("За", exact=True).fill("24")
    page.get_by_role("button", name="Записать решения").click()
    expect(page.get_by_role("status")).to_contain_text("Решения записаны")
    log_out(page)

    # The parents' council secretary records its opinion.
    log_in(page, live_server, "parents_secretary")
    page.get_by_role("link", name="Ждут меня").click()
    page.get_by_role("link", name="Назначить заседание").click()
    page.get_by_label("Дата заседания").fill("24.11.2026")
    page.get_by_label("Номер протокола").fill("2")
    page.get_by_role("button", name="Создать заседание").click()
    page.get_by_label("Присутствовало членов").fill("9")
    page.get_by_label("РЕШИЛИ").select_option(label="Мнение: согласовать")
    page.get_by_label("За", exact=True).fill("9")
    page.get_by_label("Против", exact=True).fill("0")
    page.get_by_label("Воздержались", exact=True).fill("0")
    page.get_by_role("button", name="Записать решения").click()
    expect(page.get_by_role("status")).to_contain_text("Решения записаны")
    log_out(page)

    # The director issues the order; the act is in force with all three requisites.
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Приказы").click()
    page.get_by_label("Номер приказа").fill("51")
    page.get_by_label("Дата приказа").fill("26.11.2026")
    page.get_by_label("Заголовок").fill("Об утверждении Положения о защите персональных данных")
    page.get_by_label(DATA_ACT).check()
    page.get_by_role("button", name="Издать приказ").click()
    expect(page.get_by_role("status")).to_contain_text("Приказ издан")
    page.get_by_role("link", name=DATA_ACT).first.click()
    expect(page.get_by_text("Действует", exact=True)).to_be_visible()
    route = page.get_by_role("list", name="Маршрут согласования")
    expect(route).to_contain_text("протокол № 2 от 20.11.2026")
    expect(route).to_contain_text("протокол № 2 от 24.11.2026")
    expect(route).to_contain_text("приказ № 51 от 26.11.2026")
    # Its DOCX carries the three stamps, filled from those records.
    with page.expect_download() as download:
        page.get_by_role("button", name="Сформировать DOCX").click()
    document = Document(download.value.path())
    stamps = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert "решением педагогического совета\nМБОУ СОШ № 20\nпротокол от 20.11.2026 № 2" in stamps
    assert "мнение Совета родителей\nпротокол от 24.11.2026 № 2" in stamps
    assert "приказом директора\nМБОУ СОШ № 20\nот 26.11.2026 № 51" in stamps
    assert "«___»" not in stamps

    # The plan's approval items are done, with the dates from the records.
    page.get_by_role("link", name="План", exact=True).click()
    for item in (
        "Организация и проведение общественного обсуждения",
        "Проведение педагогического совета",
    ):
        row = page.get_by_role("row", name=re.compile(item))
        expect(row).to_contain_text("Выполнено")
    page.get_by_role("link", name=re.compile("Утверждение и введение в действие")).click()
    expect(page.locator("dl.facts")).to_contain_text("Выполнено")
    expect(page.locator("dl.facts")).to_contain_text("26.11.2026")

    # The director publishes it; the plan's publication item is done with both acts on the site.
    page.get_by_role("link", name="Акты").click()
    page.get_by_role("link", name=DATA_ACT).first.click()
    page.get_by_role("button", name="Опубликовать на сайте").click()
    expect(page.get_by_role("status")).to_contain_text("Акт опубликован на сайте: DOCX и PDF")
    page.get_by_role("link", name="План", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Публикация всей нормативной базы"))
    expect(row).to_contain_text("Выполнено")
    log_out(page)

    # A visitor, with no login, reads the school's documents page and downloads the files.
    page.goto(f"{live_server}/public/school20/documents")
    act = page.get_by_role("article", name=DATA_ACT)
    expect(act).to_contain_text("Принято педагогическим советом протокол от 20.11.2026 № 2")
    expect(act).to_contain_text("Учтено мнение: Совет родителей протокол от 24.11.2026 № 2")
    expect(act).to_contain_text("Утверждено приказом директора от 26.11.2026 № 51")
    expect(
        page.get_by_role("article", name="Положение об электронном журнале успеваемости")
    ).to_contain_text("от 07.09.2026 № 45")
    with page.expect_download() as docx:
        act.get_by_role("link", name="Скачать DOCX").click()
    text = "\n".join(p.text for p in Document(docx.value.path()).paragraphs)
    assert "ПОЛОЖЕНИЕ" in text
    with page.expect_download() as pdf:
        act.get_by_role("link", name="Скачать PDF").click()
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
    # The draft of the same school is nowhere: not on the page, in the JSON or in the Atom feed.
    draft = "Регламент выгрузки электронного журнала на бумажный носитель"
    expect(page.get_by_text(draft)).to_have_count(0)
    for feed in ("documents.json", "documents.atom"):
        body = page.request.get(f"{live_server}/public/school20/{feed}").text()
        assert draft not in body and DATA_ACT in body


def test_a_teacher_cannot_record_for_a_council(page, live_server):
    log_in(page, live_server, "teacher")
    page.get_by_role("link", name="Советы").click()
    page.get_by_role("link", name="Педагогический совет").click()
    expect(page.get_by_role("button", name="Создать заседание")).to_have_count(0)
    expect(page.get_by_role("button", name="Сохранить")).to_have_count(0)
