"""The main journeys, in a real browser, as each person would walk them (labels, not CSS ids)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def test_director_sees_the_plan_assigns_and_the_teacher_sees_it(page, live_server):
    log_in(page, live_server, "director")
    expect(page.get_by_role("heading", name="Ход работ по этапам")).to_be_visible()

    page.get_by_role("link", name="План", exact=True).click()
    expect(page.get_by_role("heading", name="Подготовительный этап")).to_be_visible()
    expect(page.get_by_role("heading", name="Основная работа по переходу")).to_be_visible()
    expect(page.get_by_text("Показано задач: 30 из 30")).to_be_visible()
    # 22 printed items: 21 rows with a plain number and the control item as 1.1–1.8; the
    # demo's follow-up of a control check is a task of its own, with no printed number.
    numbers = page.locator("table.tasks td.num").all_inner_texts()
    assert numbers.count("") == 1
    numbers = [n for n in numbers if n]
    items = {n for n in numbers if "." not in n}
    assert len([n for n in numbers if "." not in n]) == 21
    assert [n for n in numbers if "." in n] == [f"1.{k}" for k in range(1, 9)]
    assert items == {"1", "2", "3", "4", "5", "6", "7"}

    page.get_by_role("link", name="Назначения").click()
    page.get_by_label("Анализ активности обучающихся и их родителей").check()
    page.get_by_label("Сотрудник", exact=True).select_option(label="Фёдоров Алексей Михайлович")
    page.get_by_role("button", name="Назначить отмеченные").click()
    expect(page.get_by_role("status")).to_contain_text("Назначено задач: 1")

    log_out(page)
    log_in(page, live_server, "teacher")
    mine = page.get_by_role("table", name="Открытые задачи, назначенные мне или моей должности")
    expect(
        mine.get_by_role("link", name=re.compile("Анализ активности обучающихся"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Назначения")).to_have_count(0)


def test_teacher_marks_their_task_done_with_a_note(page, live_server):
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Назначения").click()
    page.get_by_label("Совещание при директоре об итогах").check()
    page.get_by_label("Сотрудник", exact=True).select_option(label="Новикова Мария Дмитриевна")
    page.get_by_role("button", name="Назначить отмеченные").click()
    log_out(page)

    log_in(page, live_server, "class_teacher")
    page.get_by_role("link", name=re.compile("Совещание при директоре об итогах")).first.click()
    page.get_by_label("Статус", exact=True).select_option(label="Выполнено")
    page.get_by_label("Отметка о выполнении").fill("Ведомость 7Б распечатана и подшита.")
    page.get_by_role("button", name="Сохранить статус").click()
    expect(page.get_by_role("status")).to_contain_text("Статус сохранён")
    expect(page.locator("dl.facts")).to_contain_text("Выполнено")
    history = page.get_by_role("table", name="История изменений задачи")
    expect(history).to_contain_text("Статус: Запланировано → Выполнено")
    expect(history).to_contain_text("Новикова М. Д.")


def test_director_redates_a_task_and_a_wrong_date_is_explained(page, live_server):
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Назначения").click()
    page.get_by_label("Совещание при директоре об итогах").check()
    page.get_by_role("textbox", name="Начало").fill("01.05.2027")
    page.get_by_role("textbox", name="Срок").fill("31.02.2027")
    page.get_by_role("button", name="Установить срок отмеченным").click()
    expect(page.get_by_text("Нет такой даты: «31.02.2027». Формат: дд.мм.гггг")).to_be_visible()
    # What was typed and checked is still there to fix.
    expect(page.get_by_label("Совещание при директоре об итогах")).to_be_checked()
    page.get_by_role("textbox", name="Срок").fill("28.05.2027")
    page.get_by_role("button", name="Установить срок отмеченным").click()
    expect(page.get_by_role("status")).to_contain_text("Срок изменён у задач: 1")
    expect(page.get_by_role("row", name=re.compile("Совещание при директоре"))).to_contain_text(
        "01.05.2027–28.05.2027"
    )


def test_a_phone_sized_screen_shows_the_dashboard(new_page, live_server):
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server, "deputy_uvr")
    expect(page.get_by_role("heading", name="Мои задачи")).to_be_visible()
    page.wait_for_load_state("load")  # the stylesheet applied: an unstyled page is wider
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px)"


def test_the_directors_pages_fit_a_phone(new_page, live_server):
    """No page the director opens scrolls sideways at 390 px: wide tables scroll in their box."""
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server, "director")
    wide = {}
    for path in (
        "/",
        "/plan",
        "/acts",
        "/bodies",
        "/orders",
        "/controls",
        "/calendar",
        "/documents",
        "/awaiting",
        "/people",
        "/public/school20/documents",
    ):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[path] = width
    assert wide == {}, f"pages scroll sideways on a phone: {wide}"
