"""Everyone's work reaches them, on a phone: the class teacher finds her part of the print-out at
the quarter's end on her dashboard and in her calendar, marks it done; the deputy sees who has
and who has not, and her checks due and overdue; the director's «Кто отстаёт» names them. Every
page walked is measured at 390 px: nothing scrolls sideways, a 300-character word included."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out
from tests.ical.test_builder import parse

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
PHONE = {"width": 390, "height": 844}


def fits(page, wide: dict) -> None:
    # Measured once the page and its stylesheet have loaded: a heading can be visible before
    # the CSS applies, and an unstyled table is wider than any phone (a flaky 479 px once).
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide[page.url] = width


def open_menu(page) -> None:
    page.get_by_text("☰ Меню").click()


def test_a_class_teachers_part_reaches_her_and_the_deputy_and_the_director(new_page, live_server):
    page = new_page(viewport=PHONE)
    wide: dict = {}
    log_in(page, live_server, "class_teacher")
    fits(page, wide)
    # The menu is folded on a phone: the page starts with her work.
    expect(page.get_by_role("navigation", name="Разделы")).to_be_hidden()
    mine = page.get_by_role("table", name="Ближайшие сроки: 30 дней и следующий срок каждой работы")
    duty = mine.get_by_role("row", name=re.compile("Выгрузка данных на бумажные носители"))
    expect(duty).to_contain_text("2 четверть")
    expect(duty).to_contain_text("моя часть")
    expect(duty).to_contain_text("29.12.2026")

    # Her calendar holds it too.
    open_menu(page)
    page.get_by_role("link", name="Календарь в телефоне").click()
    fits(page, wide)
    page.get_by_label("Что показывать").select_option(label="Мои сроки, проверки и заседания")
    page.get_by_role("button", name="Получить ссылку").click()
    url = page.get_by_label(re.compile(r"^Ссылка \(https\)")).input_value()
    fits(page, wide)
    calendar = parse(page.request.get(url).body())
    parts = [uid for uid in calendar.items if uid.startswith("part-")]
    assert parts, "her parts are not in her calendar"
    summaries = calendar.calendar.walk("VEVENT")
    assert any(
        "Выгрузка данных на бумажные носители (2 четверть" in str(event["SUMMARY"])
        and event["DTSTART"].dt.isoformat() == "2026-12-29"
        for event in summaries
    )

    # She marks her part done from its page.
    page.goto(f"{live_server}/")
    duty = page.get_by_role("table", name=re.compile("Ближайшие сроки")).get_by_role(
        "row", name=re.compile("Выгрузка данных на бумажные носители")
    )
    duty.get_by_role("link").click()
    fits(page, wide)
    expect(
        page.get_by_role("heading", name=re.compile("Кто выполнил свою часть: 0 из 2"))
    ).to_be_visible()
    page.get_by_label("Комментарий (необязательно)").fill("7А распечатан, сдан в архив")
    page.get_by_role("button", name="Отметить: моя часть выполнена").click()
    expect(page.get_by_role("status")).to_contain_text("выполнено")
    expect(
        page.get_by_role("heading", name=re.compile("Кто выполнил свою часть: 1 из 2"))
    ).to_be_visible()
    occurrence_url = page.url
    fits(page, wide)
    log_out_on_phone(page)

    # The deputy: who has done theirs, and her own checks due and overdue.
    log_in(page, live_server, "deputy_uvr")
    fits(page, wide)
    late = page.get_by_role("table", name="Срок прошёл, не отмечено")
    expect(late).to_contain_text("Проверка наполняемости отметок")
    expect(late).to_contain_text("просрочена")
    coming = page.get_by_role("table", name=re.compile("Ближайшие сроки"))
    expect(coming.get_by_role("row", name=re.compile("ноябрь 2026"))).to_have_count(8)
    page.goto(occurrence_url)
    fits(page, wide)
    parts_table = page.get_by_role("table", name="Сотрудники и их часть работы")
    expect(
        parts_table.get_by_role("row", name=re.compile("Новикова Мария Дмитриевна"))
    ).to_contain_text("выполнено")
    expect(
        parts_table.get_by_role("row", name=re.compile("Орлов Дмитрий Павлович"))
    ).to_contain_text("не отмечено")
    log_out_on_phone(page)

    # The director: who is behind.
    log_in(page, live_server, "director")
    fits(page, wide)
    open_menu(page)
    page.get_by_role("link", name="Кто отстаёт").click()
    expect(page.get_by_role("heading", name="Кто отстаёт", level=1)).to_be_visible()
    fits(page, wide)
    deputy = page.get_by_role("row", name=re.compile("Смирнова Елена Викторовна"))
    expect(deputy).to_contain_text("Проверка наполняемости отметок")
    expect(deputy).to_contain_text("октябрь 2026")
    for path in ("/plan", "/controls", "/assign", "/feeds", "/public/school20/documents"):
        page.goto(f"{live_server}{path}")
        fits(page, wide)
    assert wide == {}, f"pages scroll sideways on a phone: {wide}"


def log_out_on_phone(page) -> None:
    open_menu(page)
    log_out(page)


def test_a_300_character_word_breaks_on_every_page_at_390(new_page, live_server):
    page = new_page(viewport=PHONE)
    log_in(page, live_server, "director")
    page.goto(f"{live_server}/plan")
    page.get_by_role("link", name=re.compile("Составление графика обучения")).first.click()
    task_url = page.url
    page.get_by_role("link", name="Изменить задачу, сроки и исполнителей").click()
    title = page.get_by_label("Название")
    title.fill("Х" * 5000)  # the field takes no more than the server keeps (1000)
    assert len(title.input_value()) == 1000
    title.fill("Составление графика " + "Ж" * 300)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ж" * 50)
    wide: dict = {}
    for path in (
        task_url.replace(live_server, ""),
        "/",
        "/plan",
        "/plan/people",
        "/assign",
        "/documents",
        "/controls",
        "/feeds",
        "/calendar",
        "/awaiting",
    ):
        page.goto(f"{live_server}{path}")
        fits(page, wide)
    assert wide == {}, f"pages scroll sideways on a phone: {wide}"
