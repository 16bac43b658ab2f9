"""The deputy's control check in a real browser: the grid, the result form, the teacher's task."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def test_the_deputy_records_violations_and_the_teacher_gets_the_recommendation(page, live_server):
    log_in(page, live_server, "deputy_uvr")
    page.get_by_role("link", name="Контроль").click()
    expect(page.get_by_role("heading", name="Контроль ведения ЭЖ: 2026/27")).to_be_visible()
    page.get_by_role("link", name=re.compile("октябрь 2026, просрочена")).click()
    page.get_by_label("Что проверено: классы или учителя").fill("5А, 6Б")
    page.get_by_label("У каждого обучающегося не меньше трёх отметок за период").fill("2")
    page.get_by_label("Выводы").fill("В 5А у троих учеников меньше трёх отметок.")
    page.get_by_role("button", name="Записать результат").click()
    # Violations and no recommendation: the form asks whether that is intended.
    expect(page.get_by_text("Найдено нарушений: 2, а рекомендаций нет")).to_be_visible()
    page.get_by_label("Рекомендация 1").fill("Выставить недостающие отметки")
    page.get_by_label("Кому").first.select_option(label="Фёдоров Алексей Михайлович")
    page.get_by_label("Срок").first.fill("10.12.2026")
    page.get_by_role("button", name="Записать результат").click()
    expect(page.get_by_role("status")).to_contain_text("Результат записан")
    expect(
        page.get_by_text("Выставить недостающие отметки — Фёдоров Алексей Михайлович")
    ).to_be_visible()
    page.get_by_role("link", name="Контроль").click()
    expect(
        page.get_by_role("link", name=re.compile("октябрь 2026, проведена")).first
    ).to_be_visible()
    expect(page.locator("a.occ-overdue")).to_have_count(0)
    log_out(page)

    log_in(page, live_server, "teacher")
    # The dashboard lists it among their tasks (twice: theirs, and due within 30 days).
    page.get_by_role(
        "link", name=re.compile("По итогам проверки «Проверка наполняемости")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Выставить недостающие отметки")
    expect(page.locator("dl.facts")).to_contain_text("10.12.2026")
