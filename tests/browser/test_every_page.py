"""Every page of the app, walked by the people who use it: a teacher, a class teacher, the director.

Beside what each step asserts, every page passed here goes through the accessibility and HTML
checks of `checks.py`, in the states a person meets: a wrong password, a filter applied, a form
sent back with its errors, the pages in English, the «not found» and «no access» pages.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def open_missing_task(page, base: str) -> None:
    page.goto(f"{base}/tasks/999999")
    expect(page.get_by_role("heading", name="Не найдено")).to_be_visible()
    page.get_by_role("link", name="На главную").click()
    expect(page.get_by_role("heading", name="Мои задачи")).to_be_visible()


def test_a_teacher_reads_the_plan_and_is_refused_the_directors_pages(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("Логин").fill("teacher")
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Неверный логин или пароль")).to_be_visible()
    expect(page.get_by_label("Пароль")).to_have_attribute("aria-invalid", "true")
    log_in(page, live_server, "teacher")
    expect(page.get_by_text("Открытых задач у вас нет.")).to_be_visible()

    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="План").click()
    page.get_by_label("Статус").select_option(label="Выполнено")
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"/plan\?.*status=done"))
    expect(page.get_by_text(re.compile(r"Показано задач: \d+ из 30"))).to_be_visible()
    page.get_by_role("table").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="История")).to_be_visible()
    # Not theirs: they read it, they cannot change it.
    expect(page.get_by_role("heading", name="Изменить статус")).to_have_count(0)
    expect(page.get_by_role("link", name="Изменить задачу, сроки и исполнителей")).to_have_count(0)

    # The director's pages are not in the menu; typed in, they say so.
    expect(page.get_by_role("link", name="Сотрудники")).to_have_count(0)
    page.goto(f"{live_server}/people")
    expect(page.get_by_role("heading", name="Нет доступа")).to_be_visible()
    open_missing_task(page, live_server)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    page.get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("link", name="Plan", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("button", name="Русский").click()
    expect(page.get_by_role("link", name="План", exact=True)).to_be_visible()

    log_out(page)
    expect(page.get_by_role("heading", name="Вход")).to_be_visible()


def test_a_class_teacher_finds_their_task_and_comments(page, live_server):
    log_in(page, live_server, "class_teacher")
    mine = page.get_by_role("table", name="Открытые задачи, назначенные мне или моей должности")
    expect(mine.get_by_role("link", name=re.compile("Выгрузка данных на бумажные"))).to_be_visible()

    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="План").click()
    page.get_by_label("Только мои").check()
    page.get_by_role("button", name="Показать").click()
    expect(page).to_have_url(re.compile(r"/plan\?.*mine=1"))
    expect(page.get_by_text("Показано задач: 3 из 30")).to_be_visible()
    expect(page.get_by_label("Только мои")).to_be_checked()

    page.get_by_role("link", name=re.compile("Выгрузка данных на бумажные")).click()
    # A recurring item is done date by date, not closed for the year with one click.
    expect(
        page.get_by_text(re.compile("Пункт повторяется: его выполняют по срокам"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Изменить статус")).to_have_count(0)
    page.get_by_role("button", name="Добавить комментарий").click()
    expect(page.get_by_text("Комментарий пустой")).to_be_visible()
    page.get_by_label("Комментарий").fill("Бумажные копии 7Б готовы к пятнице.")
    page.get_by_role("button", name="Добавить комментарий").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("article")).to_contain_text("Бумажные копии 7Б готовы к пятнице.")
    expect(page.get_by_role("link", name="Изменить задачу, сроки и исполнителей")).to_have_count(0)

    page.goto(f"{live_server}/assign")
    expect(page.get_by_role("heading", name="Нет доступа")).to_be_visible()
    open_missing_task(page, live_server)

    page.get_by_role("banner").get_by_role("link", name="Новикова М. Д.").click()
    expect(page.get_by_role("heading", name="Мой профиль")).to_be_visible()
    page.get_by_role("link", name="Сменить пароль").click()
    expect(page.get_by_role("heading", name="Смена пароля")).to_be_visible()


def test_the_director_walks_every_page(page, live_server):
    log_in(page, live_server, "director")
    expect(page.get_by_role("heading", name="Ход работ по этапам")).to_be_visible()

    page.get_by_role("link", name="План", exact=True).click()
    page.get_by_label("Должность").select_option(label="Учитель")
    page.get_by_label("Статус").select_option(label="Выполнено")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_text(re.compile(r"Показано задач: \d+ из 30"))).to_be_visible()
    expect(page.get_by_label("Должность")).to_have_value(re.compile(r"\d+"))

    page.get_by_role("link", name="Сбросить").click()
    page.get_by_role("link", name=re.compile("Совещание при директоре об итогах")).first.click()
    page.get_by_role("link", name="Изменить задачу, сроки и исполнителей").click()
    expect(page.get_by_role("heading", name=re.compile("Изменить задачу"))).to_be_visible()
    page.get_by_role("textbox", name="Срок").fill("31.02.2027")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text(re.compile("Нет такой даты"))).to_be_visible()
    page.get_by_role("textbox", name="Срок").fill("28.05.2027")
    page.get_by_role("group", name="Исполнители").get_by_label("Фёдоров Алексей Михайлович").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_contain_text("Задача сохранена")
    expect(page.get_by_role("definition").filter(has_text="Фёдоров А. М.")).to_be_visible()

    page.get_by_role("link", name="Назначения").click()
    expect(page.get_by_role("heading", name="Кто занимает должности")).to_be_visible()

    page.get_by_role("link", name="Сотрудники").click()
    page.get_by_role("button", name="Добавить сотрудника").click()
    expect(page.get_by_text("Укажите ФИО")).to_be_visible()
    page.get_by_role("link", name="Изменить Фёдоров Алексей Михайлович").click()
    expect(page.get_by_role("heading", name="Фёдоров Алексей Михайлович")).to_be_visible()
    page.get_by_role("group", name="Должности").get_by_label("Классный руководитель").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status")).to_contain_text("Изменения сохранены")
    expect(page.get_by_role("row", name=re.compile("Фёдоров Алексей Михайлович"))).to_contain_text(
        "Классный руководитель"
    )

    open_missing_task(page, live_server)
