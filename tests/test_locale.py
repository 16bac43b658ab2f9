"""Russian by default, English as the second language, and a catalogue with nothing missing."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import login, post
from tests.plans.test_views import page_text

CATALOGUE = Path(__file__).resolve().parents[1] / "tracker/translations/en/LC_MESSAGES/messages.po"


def test_english_catalogue_translates_every_message_with_its_placeholders():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    missing = [message.id for message in catalogue if message.id and not message.string]
    assert missing == []
    problems = [(message.id, errors) for message, errors in catalogue.check()]
    assert problems == []


@pytest.mark.demo_data
def test_pages_are_russian_until_english_is_chosen(app, client):
    login(client, "director")
    assert "Ход работ по этапам" in page_text(client.get("/"))
    response = post(client, "/language", {"locale": "en"}, page="/", follow_redirects=True)
    text = page_text(response)
    assert "Progress by phase" in text and "Ход работ по этапам" not in text
    assert "Русский" in text
    # The statuses of the plan's rows follow the language both ways (their words are kept per
    # language, not per process).
    plan = page_text(client.get("/plan"))
    assert "Overdue" in plan and "Completed" in plan and "Просрочено" not in plan
    post(client, "/language", {"locale": "ru"}, page="/")
    plan = page_text(client.get("/plan"))
    assert "Просрочено" in plan and "Выполнено" in plan and "Overdue" not in plan
