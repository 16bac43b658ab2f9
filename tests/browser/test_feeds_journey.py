"""A calendar subscription in a real browser: the teacher makes one, sees the link (https for
Google and Outlook, webcal for Apple and Thunderbird, a QR code for the phone), and the link
gives a calendar that two parsers read alike."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out
from tests.ical.test_builder import parse

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]


def test_the_teacher_subscribes_and_the_link_gives_a_calendar(page, live_server):
    log_in(page, live_server, "teacher")
    page.get_by_role("link", name="Календарь в телефоне").click()
    expect(page.get_by_role("heading", name="Календарь в телефоне", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Мои подписки")).to_have_count(0)
    page.get_by_label("Что показывать").select_option(label="Мои сроки, проверки и заседания")
    page.get_by_label("Напоминание").select_option(label="за два дня")
    page.get_by_role("button", name="Получить ссылку").click()

    expect(page.get_by_role("heading", name="Ваша ссылка")).to_be_visible()
    field = page.get_by_label(re.compile(r"^Ссылка \(https\)"))
    url = field.input_value()
    assert re.fullmatch(rf"{re.escape(live_server)}/ical/[A-Za-z0-9_-]{{32}}\.ics", url), url
    webcal = page.get_by_role("link", name="Открыть в приложении календаря (webcal)")
    expect(webcal).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])
    qr = page.locator("figure.qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 100  # big enough for a phone's camera
    expect(page.locator("figure.qr figcaption")).to_contain_text("Наведите камеру")

    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    parsed = parse(response.body())
    assert str(parsed.calendar["X-WR-CALNAME"]).startswith("МБОУ СОШ № 20: ")
    assert "meeting-1@school20.tracker" in parsed.items  # the teacher sits on the council

    # The link is shown once: back on the page, only the subscription is listed.
    page.get_by_role("link", name="Календарь в телефоне").click()
    expect(page.get_by_role("heading", name="Ваша ссылка")).to_have_count(0)
    subscriptions = page.get_by_role("table", name="Мои подписки на календарь")
    expect(subscriptions).to_contain_text("Мои сроки, проверки и заседания")
    expect(subscriptions).to_contain_text("за два дня")
    assert url not in page.content()

    # Revoked, the link opens nothing.
    page.get_by_role("button", name="Отозвать: Мои сроки, проверки и заседания").click()
    expect(page.get_by_text("Ссылка отозвана")).to_be_visible()
    assert page.request.get(url).status == 404
    log_out(page)
