"""A school's template that loops for ever or builds a gigabyte string is stopped by the limits
of the child process that fills it (CPU seconds, memory), within seconds, with the reason in
Russian, while the server goes on answering."""

import threading
import time

import pytest

from tests.documents.test_custom_templates import SCHOOL, docx, refused
from tracker.documents.builders import OrderDoc
from tracker.documents.custom import limits
from tracker.documents.custom.filling import render_template
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError

FOR_EVER = "{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}"
PRINTING = "{% for i in range(10**5) %}{% for j in range(10**5) %}x{% endfor %}{% endfor %}"
GIGABYTE = "{% for i in range(100000) %}{{ 'x' * 10000 }}{% endfor %}"


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        (FOR_EVER, "дольше 5 с и остановлен"),
        # Its output grows until memory runs out; a busy machine may spend the 5 s first.
        (PRINTING, "не хватило памяти|дольше 5 с и остановлен"),
        (GIGABYTE, "не хватило памяти"),
    ],
    ids=["loop", "loop-printing", "gigabyte"],
)
def test_a_runaway_template_is_stopped_at_upload_within_seconds(app, template, reason):
    started = time.monotonic()
    error = refused(DocumentKind.ORDER, docx("{{ title }}", template), reason)
    elapsed = time.monotonic() - started
    assert elapsed < limits.CPU_SECONDS + 5, elapsed
    assert "Шаблон не удаётся заполнить" in str(error)


def test_a_runaway_template_that_skipped_the_check_is_stopped_when_filled(app):
    order = OrderDoc(SCHOOL, "Об утверждении", "", ())
    with pytest.raises(DomainError, match="дольше 5 с и остановлен"):
        render_template(DocumentKind.ORDER, docx(FOR_EVER), order)


def test_the_server_answers_while_a_runaway_template_is_being_stopped(app, client):
    """/login answers in well under a second while a fill burns its five CPU seconds beside."""
    order = OrderDoc(SCHOOL, "Об утверждении", "", ())
    outcome = []

    def fill():
        with app.app_context():
            try:
                render_template(DocumentKind.ORDER, docx(FOR_EVER), order)
            except DomainError as error:
                outcome.append(str(error))

    client.get("/login")  # the first request's own start-up, not counted
    thread = threading.Thread(target=fill)
    thread.start()
    time.sleep(1.0)  # the child is running now
    answers = []
    while thread.is_alive() and len(answers) < 20:
        started = time.monotonic()
        assert client.get("/login").status_code == 200
        answers.append(time.monotonic() - started)
        time.sleep(0.1)
    thread.join()
    assert outcome and "остановлен" in outcome[0]
    assert len(answers) >= 5 and max(answers) < 1.0, answers
