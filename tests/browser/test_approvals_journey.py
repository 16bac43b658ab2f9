"""An act's whole route in a real browser: the secretaries record, the director orders."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out
from tests.conftest import DEMO_PASSWORD

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

    # The pedagogical council meets without a quorum: the meeting did not take place, its
    # protocol says so, and the act waits for the next meeting.
    log_in(page, live_server, "ped_secretary")
    page.get_by_role("link", name="Ждут меня").click()
    page.get_by_role("link", name="Назначить заседание").click()
    page.get_by_label("Дата заседания").fill("19.11.2026")
    page.get_by_label("Номер протокола").fill("2")
    expect(page.get_by_label(DATA_ACT)).to_be_checked()
    page.get_by_role("button", name="Создать заседание").click()
    expect(page.get_by_role("status")).to_contain_text("Заседание создано")
    page.get_by_label("Присутствовало членов").fill("12")
    page.get_by_role("button", name="Записать решения").click()
    expect(page.get_by_role("status")).to_contain_text("Заседание не состоялось: нет кворума")
    with page.expect_download() as download:
        page.get_by_role("button", name="Сформировать протокол").click()
    minutes = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "Кворума нет: для правомочности заседания необходимо присутствие не менее 22" in minutes
    assert "СЛУШАЛИ" not in minutes
    page.get_by_role("link", name="Ждут меня").click()

    # The secretary records the next meeting that adopts it, with who spoke.
    page.get_by_role("link", name="Назначить заседание").click()
    page.get_by_label("Дата заседания").fill("20.11.2026")
    page.get_by_label("Номер протокола").fill("3")
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
    page.get_by_label("СЛУШАЛИ (докладчик)").fill("Смирнова Е. В., заместитель директора по УВР")
    page.get_by_label("ВЫСТУПИЛИ").fill(
        "Фёдоров А. М., учитель: предложил знакомить родителей с положением на собраниях"
    )
    page.get_by_role("button", name="Записать решения").click()
    expect(page.get_by_role("status")).to_contain_text("Решения записаны")
    with page.expect_download() as download:
        page.get_by_role("button", name="Сформировать протокол").click()
    minutes = "\n".join(p.text for p in Document(download.value.path()).paragraphs)
    assert "Кворум имеется (необходимо не менее 22 членов). Заседание правомочно." in minutes
    assert "ВЫСТУПИЛИ:\nФёдоров А. М., учитель: предложил знакомить родителей" in minutes
    assert "«за» — 24, «против» — 0, «воздержались» — 1" in minutes
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
    expect(route).to_contain_text("протокол № 3 от 20.11.2026")
    expect(route).to_contain_text("протокол № 2 от 24.11.2026")
    expect(route).to_contain_text("приказ № 51 от 26.11.2026")
    # Its DOCX carries the three stamps, filled from those records.
    with page.expect_download() as download:
        page.get_by_role("button", name="Сформировать DOCX").click()
    document = Document(download.value.path())
    stamps = "\n".join(cell.text for cell in document.tables[0].rows[0].cells)
    assert "решением педагогического совета\nМБОУ СОШ № 20\nпротокол от 20.11.2026 № 3" in stamps
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
    # The request answers at once; the PDF is made by the worker and appears a little later.
    expect(page.get_by_role("status")).to_contain_text("Акт опубликован на сайте: DOCX сразу")
    expect(page.locator("#publication")).to_contain_text("DOCX; PDF готовится")
    page.get_by_role("link", name="План", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Публикация всей нормативной базы"))
    expect(row).to_contain_text("Выполнено")
    # She signs the published PDF with a simple electronic signature, confirming it with her
    # password (a wrong one is refused beside the field).
    page.get_by_role("link", name="Акты", exact=True).click()
    page.get_by_role("link", name=DATA_ACT).first.click()
    for _ in range(60):  # LibreOffice in the worker: a few seconds
        if "DOCX и PDF" in page.locator("#publication").inner_text():
            break
        page.wait_for_timeout(1000)
        page.reload()
    page.get_by_role("link", name="Подписать простой электронной подписью").click()
    page.get_by_label("Ваш пароль").fill("not-my-password")
    page.get_by_role("button", name="Подписать").click()
    expect(page.get_by_text("Пароль не подошёл: документ не подписан")).to_be_visible()
    page.get_by_label("Ваш пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Подписать").click()
    expect(page.get_by_role("status")).to_contain_text("PDF подписан простой электронной подписью")
    log_out(page)

    # A visitor, with no login, reads the school's documents page and downloads the files.
    page.goto(f"{live_server}/public/school20/documents")
    act = page.get_by_role("article", name=DATA_ACT)
    expect(act).to_contain_text("Принято педагогическим советом протокол от 20.11.2026 № 3")
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
    # The signature's mark gives, when pointed at, who, in what position, when, and the key.
    mark = act.locator("details.esign summary")
    about = mark.get_attribute("title")
    assert "Иванова Татьяна Петровна, Директор" in about
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d \(UTC\+3\)", about)
    key = re.search(r"Ключ: ([0-9a-f]{32})", about).group(1)
    # The verification page confirms the key against the downloaded PDF, refuses a changed one.
    mark.click()
    act.get_by_role("link", name="Проверить подлинность файла").click()
    expect(page.get_by_text("Подпись найдена")).to_be_visible()
    expect(page.get_by_label("Ключ подписи")).to_have_value(key)
    page.get_by_label("Файл PDF, который проверить").set_input_files(pdf.value.path())
    page.get_by_role("button", name="Проверить", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Файл совпадает с подписанным: он не изменён.")
    changed = open(pdf.value.path(), "rb").read() + b"\n% changed"
    page.get_by_label("Файл PDF, который проверить").set_input_files(
        {"name": "act.pdf", "mimeType": "application/pdf", "buffer": changed}
    )
    page.get_by_role("button", name="Проверить", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Файл не совпадает с подписанным")
    page.goto(f"{live_server}/public/school20/documents")
    # The draft of the same school is nowhere: not on the page, in the JSON or in the Atom feed.
    draft = "Регламент выгрузки электронного журнала на бумажный носитель"
    expect(page.get_by_text(draft)).to_have_count(0)
    for feed in ("documents.json", "documents.atom"):
        body = page.request.get(f"{live_server}/public/school20/{feed}").text()
        assert draft not in body and DATA_ACT in body

    # The director then repeals it by a later order: it no longer stands on the public page.
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Приказы").click()
    page.get_by_role("link", name="51", exact=True).click()
    page.get_by_label("О признании утратившим силу").check()
    page.get_by_label("Номер приказа").fill("52")
    page.get_by_label("Дата приказа").fill("28.11.2026")
    page.get_by_role("button", name="Издать приказ").click()
    expect(page.get_by_role("status")).to_contain_text("акты утратили силу и сняты с сайта")
    page.get_by_role("link", name=DATA_ACT).click()
    expect(page.get_by_text("Утратил силу", exact=True)).to_be_visible()
    expect(page.get_by_text("с 28.11.2026, приказ № 52 от 28.11.2026")).to_be_visible()
    log_out(page)
    page.goto(f"{live_server}/public/school20/documents")
    expect(page.get_by_role("article", name=DATA_ACT)).to_have_count(0)
    expect(
        page.get_by_role("article", name="Положение об электронном журнале успеваемости")
    ).to_be_visible()


def test_a_teacher_cannot_record_for_a_council(page, live_server):
    log_in(page, live_server, "teacher")
    page.get_by_role("link", name="Советы").click()
    page.get_by_role("link", name="Педагогический совет").click()
    expect(page.get_by_role("button", name="Создать заседание")).to_have_count(0)
    expect(page.get_by_role("button", name="Сохранить")).to_have_count(0)
