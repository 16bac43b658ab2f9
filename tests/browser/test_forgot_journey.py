"""A teacher who forgot her password, in a real browser: «Забыли пароль?» → the message in the
outbox (no mail server configured) → the link → a new password → logged in; the old password no
longer works."""

import email
import re
from email import policy

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def test_forgot_password_by_the_link_in_the_outbox(page, live_server, tmp_path):
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Забыли пароль?").click()
    page.get_by_label("Логин или адрес почты").fill("teacher")
    page.get_by_role("button", name="Прислать ссылку").click()
    expect(page.get_by_role("status")).to_contain_text("отправлена ссылка для смены пароля")

    [path] = sorted((tmp_path / "instance" / "outbox").glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/password/reset/\S+", text).group(0)
    assert link.startswith(live_server)  # the development server's own address

    page.goto(link)
    new = "Синий-трамвай-идёт-в-депо-4"
    page.get_by_label("Новый пароль (от 8 до 128 символов)").fill(new)
    page.get_by_label("Новый пароль ещё раз").fill(new)
    page.get_by_role("button", name="Задать пароль").click()
    expect(page.get_by_role("status")).to_contain_text("Пароль задан")

    page.get_by_label("Логин").fill("teacher")
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Неверный логин или пароль")).to_be_visible()
    log_in(page, live_server, "teacher", new)
    expect(page.get_by_role("heading", name="Мои задачи")).to_be_visible()
    log_out(page)
    page.goto(link)  # used once
    expect(page.get_by_role("alert")).to_contain_text("Ссылка недействительна")
