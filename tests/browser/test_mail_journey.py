"""A teacher's mail, in a real browser: the director gives her a task → the message in the
outbox (no mail server configured: .eml files written by the worker) → its link opens the task;
on «Мой профиль» she switches the digest off and gives a new address, kept once she opens the
link sent to it; the one-click link of a message switches its kind off."""

import email
import re
import time
from email import policy

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def wait_for_mail(folder, pattern: str, seconds: float = 20):
    """The .eml files the worker wrote whose name matches, once there is one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern))
        if found:
            return [
                email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in found
            ]
        time.sleep(0.2)
    raise AssertionError(f"no {pattern} in {folder}")


def test_a_teacher_gets_her_task_by_mail_and_keeps_her_mail_in_hand(
    new_page, live_server, tmp_path
):
    outbox = tmp_path / "instance" / "outbox"
    page = new_page()
    log_in(page, live_server, "director")
    page.get_by_role("link", name="Назначения").click()
    row = page.get_by_role("row", name=re.compile("Публикация всей нормативной базы"))
    row.get_by_role("checkbox").check()
    page.get_by_label("Сотрудник", exact=True).select_option(label="Фёдоров Алексей Михайлович")
    page.get_by_role("button", name="Назначить отмеченные").click()
    expect(page.get_by_role("status")).to_be_visible()
    log_out(page)

    [message] = wait_for_mail(outbox, "*-assigned.eml")
    assert message["To"] == "teacher@school20.example"
    text = message.get_body(("plain",)).get_content()
    task_link = re.search(r"https?://\S+/tasks/\d+", text).group(0)
    unsubscribe = message["List-Unsubscribe"].strip("<>")

    log_in(page, live_server, "teacher")
    page.goto(task_link)
    expect(page.get_by_role("heading", name=re.compile("Публикация всей"))).to_be_visible()

    # Her profile: her name in the header.
    page.get_by_role("link", name="Фёдоров А. М.").click()
    expect(page.get_by_role("heading", name="Мой профиль")).to_be_visible()
    page.get_by_label("Сводка на неделю (по понедельникам в 8:00)").uncheck()
    page.get_by_role("button", name="Сохранить настройки писем").click()
    expect(page.get_by_role("status")).to_contain_text("Настройки писем сохранены")
    expect(page.get_by_label("Сводка на неделю (по понедельникам в 8:00)")).not_to_be_checked()

    # A mistyped address is refused beside the field; a new one waits for its link.
    page.get_by_label("Адрес почты").fill("fedorov@почта.рф")
    page.get_by_role("button", name="Сохранить адрес").click()
    expect(page.get_by_text("Адрес почты латиницей")).to_be_visible()
    page.get_by_label("Адрес почты").fill("fedorov@mail.example")
    page.get_by_role("button", name="Сохранить адрес").click()
    expect(page.get_by_role("status")).to_contain_text("На fedorov@mail.example отправлена ссылка")
    expect(page.get_by_label("Адрес почты")).to_have_value("teacher@school20.example")
    [confirm] = wait_for_mail(outbox, "*-confirm_email.eml")
    assert confirm["To"] == "fedorov@mail.example"
    link = re.search(r"https?://\S+/email/confirm/\S+", confirm.get_body(("plain",)).get_content())
    page.goto(link.group(0))
    page.get_by_role("button", name="Подтвердить адрес").click()
    expect(page.get_by_role("status")).to_contain_text("Адрес fedorov@mail.example подтверждён")
    expect(page.get_by_label("Адрес почты")).to_have_value("fedorov@mail.example")

    phone = new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "teacher")
    phone.goto(f"{live_server}/profile")
    phone.screenshot(path=ARTIFACTS / "profile-390.png", full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width

    # The one-click link, opened in a browser: asked, then done.
    page.goto(unsubscribe)
    page.get_by_role("button", name="Отписаться").click()
    expect(page.get_by_role("status")).to_contain_text("больше не будут приходить")
    page.get_by_role("link", name="Мой профиль").click()
    expect(page.get_by_label("Мне поручили задачу или сдвинули её срок")).not_to_be_checked()
