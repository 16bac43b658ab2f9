"""A new school's first day, in a real browser. The installation's operator (the demo's
director) creates the school on «Школы» and hands its director the link shown once; she sets a
password by it, logs in, uploads the plan as a Word table, sees each row as its future task,
tells the preview which column is the responsible one, confirms, and finds the tasks with their
positions on the plan page; then she uploads the school's calendar schedule as a Word document,
checks what it became, saves it, and the control checks of the plan's monthly item appear."""

import io
import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, log_in, log_out
from tests.plans.test_import_web import word_plan

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
PASSWORD = "Зелёный-трамвай-идёт-9"


def word_calendar() -> bytes:
    document = Document()
    document.add_paragraph("Календарный учебный график на 2026/2027 учебный год")
    table = document.add_table(rows=0, cols=3)
    for values in (
        ["Период", "Начало", "Окончание"],
        ["I четверть", "01.09.2026", "23.10.2026"],
        ["II четверть", "05.11.2026", "29.12.2026"],
        ["III четверть", "12.01.2027", "20.03.2027"],
        ["IV четверть", "30.03.2027", "26.05.2027"],
        ["Осенние каникулы", "24.10.2026", "04.11.2026"],
        ["Зимние каникулы", "30.12.2026", "11.01.2027"],
    ):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_new_school_comes_aboard_with_its_word_plan_and_calendar(new_page, live_server, tmp_path):
    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Школы", exact=True).click()
    page.get_by_label("Полное название").fill("МБОУ «Средняя общеобразовательная школа № 9»")
    page.get_by_label("Краткое название").fill("МБОУ СОШ № 9")
    page.get_by_label("Код школы латиницей").fill("school9")
    page.get_by_label("Город").fill("Ставрополь")
    page.get_by_label("Директор: фамилия, имя, отчество").fill("Орлова Анна Павловна")
    page.get_by_label("Логин директора").fill("director9")
    page.get_by_role("button", name="Создать школу").click()
    expect(page.get_by_role("heading", name="Школа «МБОУ СОШ № 9» создана")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "schools-created-1366.png", full_page=True)
    link = page.get_by_label("Ссылка для первого входа директора").input_value()
    assert re.search(r"^http://127\.0\.0\.1:\d+/password/reset/[\w-]{40,}$", link)
    expect(page.get_by_role("row", name="МБОУ СОШ № 9")).to_contain_text("нет плана")
    log_out(page)

    page.goto(link)
    page.get_by_label("Новый пароль (от 8").fill(PASSWORD)
    page.get_by_label("Новый пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("пароль", re.IGNORECASE)).click()
    expect(page.get_by_role("status")).to_contain_text("Пароль задан")
    log_in(page, live_server, "director9", PASSWORD)
    expect(page.get_by_role("link", name="Школы", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Загрузить план-график").click()
    plan = tmp_path / "дорожная карта.docx"
    plan.write_bytes(
        word_plan(["4", "Проверять заполнение ЭЖ", "Заместитель директора по УВР", "Ежемесячно"])
    )
    page.get_by_label("Файл плана").set_input_files(plan)
    page.get_by_role("button", name="Показать, как он будет загружен").click()
    expect(page.get_by_role("heading", name="Задачи: 4, требуют проверки: 4")).to_be_visible()
    page.get_by_label("Столбец 3: «Кто»").select_option(label="Ответственный")
    page.get_by_role("button", name="Применить").click()
    expect(page.get_by_role("status")).to_contain_text("Столбцы изменены")
    expect(page.get_by_role("heading", name="Задачи: 4, требуют проверки: 1")).to_be_visible()
    expect(page.get_by_role("row", name="Обучить педагогов")).to_contain_text(
        "Заместитель директора по ИКТ"
    )
    page.screenshot(path=ARTIFACTS / "import-preview-1366.png", full_page=True)
    phone = new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "director9", PASSWORD)
    phone.goto(page.url)
    phone.screenshot(path=ARTIFACTS / "import-preview-390.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Загрузить план (строк: 4)").click()
    expect(page.get_by_role("status")).to_contain_text("План загружен: задач — 4")
    row = page.get_by_role("row", name="Издать приказ о переходе")
    expect(row).to_contain_text("Директор")
    expect(page.get_by_role("row", name="Провести педсовет")).to_contain_text("срок не распознан")

    page.get_by_role("link", name="Календарь", exact=True).click()
    page.get_by_role("link", name="Вставить календарный учебный график целиком").click()
    calendar = tmp_path / "календарный график.docx"
    calendar.write_bytes(word_calendar())
    page.get_by_label("или файл графика").set_input_files(calendar)
    page.get_by_role("button", name="Показать, что получится").click()
    expect(page.get_by_text("Учебный год 01.09.2026–26.05.2027")).to_be_visible()
    expect(page.get_by_text("III четверть 12.01.2027–20.03.2027")).to_be_visible()
    expect(page.get_by_text("Зимние каникулы: 30.12.2026–11.01.2027")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "calendar-import-1366.png", full_page=True)
    page.get_by_role("button", name="Сохранить учебный год").click()
    expect(page.get_by_role("status").first).to_contain_text("Учебный год 2026/27 загружен")
    page.get_by_role("link", name="Контроль").click()
    expect(page.get_by_text("Проверять заполнение ЭЖ").first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "controls-new-school-1366.png", full_page=True)
