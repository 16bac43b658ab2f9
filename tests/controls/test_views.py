"""The control grid, a check's page and the result form, as the deputy and a teacher use them."""

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import select

from tests.conftest import TODAY, login, person, post
from tests.documents.test_builders import all_text
from tests.plans.test_views import page_text
from tracker.controls import services as controls
from tracker.controls.models import ControlCheck, Occurrence
from tracker.extensions import db
from tracker.plans.models import Task

pytestmark = pytest.mark.demo_data


def check_titled(prefix: str) -> ControlCheck:
    return db.session.scalar(select(ControlCheck).where(ControlCheck.title.startswith(prefix)))


def overdue() -> Occurrence:
    check = check_titled("Проверка наполняемости")
    return next(o for o in check.occurrences if not o.is_done and o.due_on < TODAY)


def test_the_grid_shows_this_years_checks_coloured_by_state(app, client):
    login(client, "teacher")
    html = client.get("/controls").get_data(as_text=True)
    text = page_text(client.get("/controls"))
    assert "Контроль ведения ЭЖ: 2026/27" in text
    assert html.count('class="occ occ-overdue" href') == 1  # the demo left one check undone
    assert html.count('class="occ occ-done" href') == 18
    assert "октябрь 2026, просрочена" in text


def test_the_deputy_records_two_violations_and_a_recommendation_for_the_teacher(app, client):
    occurrence = overdue()
    login(client, "deputy_uvr")
    page = f"/controls/occurrences/{occurrence.id}"
    data = {
        "lock_version": str(occurrence.lock_version),
        "checked_on": "28.11.2026",
        "objects": "5А, 6Б",
        "finding-0-violations": "2",
        "finding-0-comment": "5А: у троих по две отметки",
        "finding-1-violations": "0",
        "conclusion": "Наполняемость в 5А ниже нормы.",
    }
    response = post(client, page, data, page=page)
    assert response.status_code == 400
    assert "Найдено нарушений: 2, а рекомендаций нет" in page_text(response)
    assert 'value="5А: у троих по две отметки"' in response.get_data(as_text=True)
    teacher = person("teacher")
    data |= {
        "rec-0-text": "Выставить недостающие отметки",
        "rec-0-person": str(teacher.id),
        "rec-0-due_on": "10.12.2026",
    }
    response = post(client, page, data, page=page)
    assert response.status_code == 302
    text = page_text(client.get(page))
    assert "Выставить недостающие отметки — " + teacher.full_name + ", до 10.12.2026" in text
    task = db.session.scalar(select(Task).where(Task.title.contains("Выставить недостающие")))
    assert task.assignees == [teacher] and task.due_on == date(2026, 12, 10)
    html = client.get("/controls").get_data(as_text=True)
    assert html.count('class="occ occ-overdue" href') == 0
    # The teacher finds it among their own tasks.
    post(client, "/logout", page="/")
    login(client, "teacher")
    assert "Выставить недостающие отметки" in page_text(client.get("/"))
    # Named by its title, not «. По итогам…»: such a task has no number of the plan.
    heading = re.search(r"<h1>(.*?)</h1>", client.get(f"/tasks/{task.id}").get_data(as_text=True))
    assert heading.group(1).startswith("По итогам проверки «Проверка наполняемости")


def test_negative_violations_are_refused_beside_the_form(app, client):
    occurrence = overdue()
    login(client, "deputy_uvr")
    page = f"/controls/occurrences/{occurrence.id}"
    response = post(
        client,
        page,
        {
            "lock_version": str(occurrence.lock_version),
            "checked_on": "28.11.2026",
            "objects": "весь журнал",
            "conclusion": "Проверено.",
            "finding-0-violations": "-3",
        },
        page=page,
    )
    assert response.status_code == 400
    assert "Число нарушений не может быть отрицательным" in page_text(response)
    db.session.expire_all()
    assert not db.session.get(Occurrence, occurrence.id).is_done


def test_a_teacher_cannot_record_a_check(app, client):
    occurrence = overdue()
    login(client, "teacher")
    page = f"/controls/occurrences/{occurrence.id}"
    assert "Записать результат" not in page_text(client.get(page))
    response = post(client, page, {"checked_on": "28.11.2026"}, page="/")
    assert response.status_code == 403


def test_the_deputy_changes_a_rule_and_the_occurrences_follow(app, client):
    check = check_titled("Проверка своевременности")
    login(client, "deputy_uvr")
    page = f"/controls/checks/{check.id}"
    form = {
        "lock_version": str(check.lock_version),
        "rule": "dates",
        "dates": "15.12.2026, 16.03.2027",
        "position": str(check.position_id),
        "criteria": "Отметки выставлены в день урока",
    }
    response = post(client, page, form | {"dates": "31.02.2027"}, page=page)
    assert response.status_code == 400 and "Не дата: «31.02.2027»" in page_text(response)
    response = post(client, page, form, page=page)
    assert response.status_code == 302
    db.session.expire_all()
    check = db.session.get(ControlCheck, check.id)
    open_days = sorted(o.due_on for o in check.occurrences if not o.is_done)
    assert open_days == [date(2026, 12, 15), date(2027, 3, 16)]
    done = [o for o in check.occurrences if o.is_done]
    assert len(done) == 2 and all(o.is_orphan for o in done)  # kept, as history
    response = post(client, page, form, page=page)  # the same form again: stale
    assert response.status_code == 400 and "Обновите страницу" in page_text(response)


def test_the_control_report_docx_from_a_recorded_check(app, client):
    check = check_titled("Проверка своевременности")
    done = next(o for o in check.occurrences if o.is_done and o.violations)
    login(client, "deputy_uvr")
    response = post(client, f"/controls/occurrences/{done.id}/report", page="/controls")
    assert response.status_code == 302
    text = all_text(Document(BytesIO(client.get(response.headers["Location"]).data)))
    assert "СПРАВКА" in text and check.title in text
    assert "Вносить отметки в день урока" in text


def test_a_year_without_terms_says_why_on_the_grid(app, client):
    school = person("director").school
    empty = controls.create_year(school, None, date(2030, 9, 1), date(2031, 5, 26))
    controls.generate(school, None, TODAY, years=[empty])
    db.session.commit()
    login(client, "director")
    text = page_text(client.get(f"/controls?year={empty.id}"))
    assert "нет четвертей и полугодий: проверки в конце периодов не созданы" in text


def test_a_scan_is_attached_and_a_program_is_refused(app, client):
    occurrence = overdue()
    login(client, "deputy_uvr")
    page = f"/controls/occurrences/{occurrence.id}"
    form = {
        "lock_version": str(occurrence.lock_version),
        "checked_on": "28.11.2026",
        "objects": "весь журнал",
        "conclusion": "Нарушений нет.",
    }
    response = post(
        client,
        page,
        form | {"files": (BytesIO(b"MZ\x90\x00program"), "скан.pdf")},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Можно прикрепить PDF, DOCX, XLSX, ODT, PNG или JPEG" in page_text(response)
    db.session.expire_all()
    assert not db.session.get(Occurrence, occurrence.id).is_done
    response = post(
        client,
        page,
        form | {"files": (BytesIO(b"%PDF-1.4 scan of the export"), "скан выгрузки.pdf")},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    text = page_text(client.get(page))
    assert "скан выгрузки.pdf" in text
    db.session.expire_all()
    attachment = db.session.get(Occurrence, occurrence.id).attachments[0]
    download = client.get(f"{page}/files/{attachment.id}")
    assert download.data == b"%PDF-1.4 scan of the export"


def test_a_recurring_item_of_the_plan_shows_where_its_checks_stand(app, client):
    """From the plan's item the deputy sees its check: the next date (an overdue one first),
    the last one done, the counts, with links to each."""
    overdue = db.session.scalar(
        select(Occurrence)
        .join(ControlCheck)
        .where(
            ControlCheck.task_id.is_not(None),
            Occurrence.is_done.is_(False),
            Occurrence.due_on < TODAY,
        )
        .order_by(Occurrence.due_on)
    )
    assert overdue is not None, "the demo keeps one check overdue"
    check = overdue.check
    occurrences = [o for o in check.occurrences if not o.is_orphan]
    done = [o for o in occurrences if o.is_done]
    late = [o for o in occurrences if not o.is_done and o.due_on < TODAY]
    login(client, "deputy_uvr")
    response = client.get(f"/tasks/{check.task_id}")
    text = page_text(response)
    section = text.split("Проверки по графику", 1)[1]
    assert check.title[:40] in section
    assert f"ближайшая: {overdue.due_on:%d.%m.%Y}" in section and "просрочена" in section
    assert f"проведено: {len(done)}, просрочено: {len(late)}" in section
    html = response.get_data(as_text=True)
    assert f'href="/controls/occurrences/{overdue.id}"' in html
    assert f'href="/controls/checks/{check.id}"' in html
    if done:
        assert "последняя проведённая" in section
    plain = db.session.scalar(select(Task).where(Task.title.startswith("Административное")))
    assert "Проверки по графику" not in page_text(client.get(f"/tasks/{plain.id}"))


def test_an_empty_result_is_refused_beside_its_fields(app, client):
    login(client, "deputy_uvr")
    occurrence = overdue()
    page = f"/controls/occurrences/{occurrence.id}"
    response = post(
        client,
        page,
        {"checked_on": "28.11.2026", "lock_version": str(occurrence.lock_version)},
        page=page,
    )
    assert response.status_code == 400
    assert "Укажите, что проверено" in page_text(response)
    db.session.expire_all()
    assert not db.session.get(Occurrence, occurrence.id).is_done
