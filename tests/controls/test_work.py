"""Recurring work per occurrence and per person: a class teacher's part at a quarter's end, the
deputy's checks on her dashboard, the plan's item following its occurrences, and a recorded
result corrected with its reason."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, login, person, post, switch_to
from tests.plans.test_views import page_text
from tracker.accounts.models import Person
from tracker.controls import work
from tracker.controls.models import ControlCheck, Occurrence, PartDone
from tracker.extensions import db
from tracker.plans.models import Task, TaskStatus

pytestmark = pytest.mark.demo_data


def check_titled(prefix: str) -> ControlCheck:
    return db.session.scalar(select(ControlCheck).where(ControlCheck.title.startswith(prefix)))


def next_print_out() -> Occurrence:
    """The print-out of the journals at the second quarter's end, a month after the tests' day."""
    check = check_titled("Выгрузка данных на бумажные")
    return next(o for o in check.occurrences if not o.is_done and o.due_on > TODAY)


def test_each_class_teacher_owes_her_own_part_and_the_deputy_sees_who_has_done_it(app, client):
    occurrence = next_print_out()
    assert occurrence.label.startswith("2 четверть")
    login(client, "class_teacher")
    dashboard = page_text(client.get("/"))
    mine = dashboard.split("Мои проверки и повторяющиеся сроки", 1)[1]
    assert "Выгрузка данных на бумажные носители" in mine and "моя часть" in mine
    assert f"{occurrence.due_on:%d.%m.%Y}" in mine

    page = f"/controls/occurrences/{occurrence.id}"
    before = page_text(client.get(page))
    assert "Кто выполнил свою часть: 0 из 2" in before
    done = post(client, f"{page}/parts", {"note": "Распечатано, сдано в архив"}, page=page)
    assert done.status_code == 302
    again = post(client, f"{page}/parts", {}, page=page)
    assert again.status_code == 400 and "уже отмечена" in page_text(again)

    switch_to(client, "deputy_uvr")
    text = page_text(client.get(page))
    assert "Кто выполнил свою часть: 1 из 2" in text
    assert re.search(r"Петрова[^|]*выполнено \d\d\.\d\d\.\d{4}", text) or "выполнено" in text
    parts = text.split("Кто выполнил свою часть", 1)[1]
    assert "Орлов Дмитрий Павлович не отмечено" in parts
    assert "Распечатано, сдано в архив" in parts


def test_a_teacher_cannot_mark_a_colleagues_part_nor_one_she_does_not_owe(app, client):
    occurrence = next_print_out()
    other = person("class_teacher2")
    login(client, "class_teacher")
    page = f"/controls/occurrences/{occurrence.id}"
    refused = post(client, f"{page}/parts", {"person": str(other.id)}, page=page)
    assert refused.status_code == 403
    switch_to(client, "teacher")  # a teacher with no class owes no part of the print-out
    answer = post(client, f"{page}/parts", {}, page=page)
    assert answer.status_code == 400 and "не участвует в этой работе" in page_text(answer)
    db.session.expire_all()
    assert (
        db.session.scalar(select(PartDone).where(PartDone.occurrence_id == occurrence.id)) is None
    )


def test_a_part_taken_back_needs_a_reason_and_stays_in_the_history(app, client):
    occurrence = next_print_out()
    login(client, "class_teacher")
    page = f"/controls/occurrences/{occurrence.id}"
    assert post(client, f"{page}/parts", {}, page=page).status_code == 302
    part = db.session.scalar(select(PartDone).where(PartDone.occurrence_id == occurrence.id))
    undo = f"{page}/parts/{part.id}/undo"
    assert post(client, undo, {"reason": "  "}, page=page).status_code == 400
    assert post(client, undo, {"reason": "Отметила не тот класс"}, page=page).status_code == 302
    text = page_text(client.get(page))
    assert "Кто выполнил свою часть: 0 из 2" in text
    history = text.split("История", 1)[1]
    assert "Отметка о выполнении снята" in history and "Отметила не тот класс" in history


def test_the_feed_of_a_class_teacher_holds_her_coming_parts(app, client):
    occurrence = next_print_out()
    login(client, "class_teacher")
    created = post(client, "/feeds", {"scope": "mine", "alarm_days": "1"}, page="/feeds")
    link = re.search(r"/ical/[A-Za-z0-9_\-]+\.ics", created.get_data(as_text=True)).group(0)
    feed = client.get(link).get_data(as_text=True)
    unfolded = feed.replace("\r\n ", "")
    assert f"UID:part-{occurrence.id}-{person('class_teacher').id}@" in unfolded
    assert f"DTSTART;VALUE=DATE:{occurrence.due_on:%Y%m%d}" in unfolded


def test_the_deputys_dashboard_lists_her_checks_due_and_overdue(app, client):
    login(client, "deputy_uvr")
    text = page_text(client.get("/"))
    section = text.split("Мои проверки и повторяющиеся сроки", 1)[1].split("Все проверки", 1)[0]
    late, coming = section.split("Ближайшие сроки", 1)
    assert "Проверка наполняемости отметок" in late and "просрочена" in late
    assert coming.count("(ноябрь 2026)") >= 8  # the November checks, on its last working day
    assert "проверок и повторяющихся сроков нет" not in section


def test_a_recurring_item_follows_its_occurrences_not_one_click(app, client):
    check = check_titled("Выгрузка данных на бумажные")
    task = db.session.get(Task, check.task_id)
    assert task.follows_records and task.status == TaskStatus.IN_PROGRESS
    login(client, "director")
    page = f"/tasks/{task.id}"
    refused = post(client, f"{page}/status", {"status": "done"}, page=page)
    assert refused.status_code == 400 and "Статус этой задачи следует из записей" in page_text(
        refused
    )
    text = page_text(client.get(page))
    assert "Пункт повторяется: его выполняют по срокам" in text
    assert re.search(r"Выполнено сроков: 1 из \d+", text)


def test_progress_counts_the_share_of_occurrences_due_so_far(app):
    check = check_titled("Проверка наполняемости")  # due by now: September (done), October (late)
    shares = work.shares(check.school, TODAY)
    assert shares[check.task_id] == pytest.approx(1 / 2)
    assert all(0 <= value <= 1 for value in shares.values())


def test_the_rows_pages_read_give_everyone_the_same_work_as_the_records(app, client):
    """Pages read the checks as rows (`work.load`), what writes reads objects: for every
    person, a part done, a part owed since December and a check with nobody named, the two
    give the same work, states and progress shares."""
    login(client, "class_teacher")
    occurrence = next_print_out()
    page = f"/controls/occurrences/{occurrence.id}"
    assert post(client, f"{page}/parts", {}, page=page).status_code == 302
    newcomer = person("class_teacher2")
    newcomer.holdings[0].since = TODAY.replace(month=12, day=1)  # owes nothing before December
    db.session.commit()
    school = newcomer.school
    rows, objects = work.load(school), work.load_objects(school)

    def seen(items):
        return [
            (item.occurrence.id, item.person.id if item.person else None, item.is_done)
            for item in items
        ]

    people = list(db.session.scalars(select(Person).where(Person.school_id == school.id)))
    for someone in [None, *people]:
        from_rows = work.work_of(school, someone, loaded=rows)
        assert seen(from_rows) == seen(work.work_of(school, someone, loaded=objects))
    behind = work.work_by_person(school, rows)
    assert {key: seen(items) for key, items in behind.items()} == {
        key: seen(items) for key, items in work.work_by_person(school, objects).items()
    }
    parts = [item for items in behind.values() for item in items if item.person is not None]
    assert any(item.is_done for item in parts) and any(not item.is_done for item in parts)
    assert work.shares(school, TODAY, rows) == work.shares(school, TODAY, objects)


def test_a_result_is_corrected_by_its_author_with_a_reason(app, client):
    check = check_titled("Проверка своевременности")
    occurrence = next(o for o in check.occurrences if o.is_done and o.findings[0].violations)
    page = f"/controls/occurrences/{occurrence.id}"
    data = {
        "lock_version": str(occurrence.lock_version),
        "checked_on": f"{occurrence.checked_on:%d.%m.%Y}",
        "objects": "5А, 7Б",
        "conclusion": "Отметки в двух классах внесены с опозданием; исправлено.",
        "finding-0-violations": "3",
        "finding-1-violations": "0",
        "reason": "",
    }
    login(client, "teacher")
    assert post(client, f"{page}/correct", {**data, "reason": "x"}, page=page).status_code == 403
    switch_to(client, "deputy_uvr")
    no_reason = post(client, f"{page}/correct", data, page=page)
    assert no_reason.status_code == 400 and "Укажите причину исправления" in page_text(no_reason)
    empty = post(
        client, f"{page}/correct", {**data, "conclusion": " ", "reason": "опечатка"}, page=page
    )
    assert empty.status_code == 400 and "Запишите выводы" in page_text(empty)
    saved = post(client, f"{page}/correct", {**data, "reason": "Пересчитали 7Б"}, page=page)
    assert saved.status_code == 302
    text = page_text(client.get(page))
    history = text.split("История", 1)[1]
    assert "Результат исправлен" in history and "Пересчитали 7Б" in history
    assert "Нарушений по критериям: 2, 0 → 3, 0" in history


def test_an_empty_result_is_refused_beside_its_fields(app, client):
    occurrence = next_print_out()
    login(client, "deputy_uvr")
    page = f"/controls/occurrences/{occurrence.id}"
    answer = post(
        client,
        page,
        {"lock_version": str(occurrence.lock_version), "checked_on": f"{TODAY:%d.%m.%Y}"},
        page=page,
    )
    assert answer.status_code == 400 and "Укажите, что проверено" in page_text(answer)
    db.session.expire_all()
    assert not db.session.get(Occurrence, occurrence.id).is_done


def test_a_recommendation_task_links_back_to_its_check(app, client):
    check = check_titled("Проверка своевременности")
    occurrence = next(o for o in check.occurrences if o.recommendations)
    task = db.session.get(Task, occurrence.recommendations[0].task_id)
    assert not task.title.startswith(".") and task.owner_text == "Орлов Д. П."
    login(client, "director")
    text = page_text(client.get(f"/tasks/{task.id}"))
    assert "По итогам проверки Проверка своевременности" in text
    back = page_text(client.get(f"/controls/occurrences/{occurrence.id}"))
    assert re.search(r"задача в плане\s*:\s*Запланировано", back)


def test_a_teachers_dashboard_and_feed_hold_the_discussion_she_may_comment_on(app, client):
    from tracker.approvals.queries import running_discussions

    teacher = person("teacher")
    [discussion] = [d for d in running_discussions(teacher.school).values() if d.is_open(TODAY)]
    login(client, "teacher")
    text = page_text(client.get("/"))
    section = text.split("Обсуждения и заседания", 1)[1]
    assert f"{discussion.closes_on:%d.%m.%Y} последний день замечаний к проекту" in section
    assert discussion.act.title in section
    created = post(client, "/feeds", {"scope": "mine", "alarm_days": "1"}, page="/feeds")
    link = re.search(r"/ical/[A-Za-z0-9_\-]+\.ics", created.get_data(as_text=True)).group(0)
    feed = client.get(link).get_data(as_text=True).replace("\r\n ", "")
    assert f"UID:discussion-{discussion.id}@" in feed
    assert f"DTSTART;VALUE=DATE:{discussion.closes_on:%Y%m%d}" in feed


def test_the_secretarys_dashboard_lists_what_waits_for_her_council(app, client):
    from tracker.approvals.queries import awaiting

    secretary = person("ped_secretary")
    waiting = awaiting(secretary, TODAY)
    acts = [act for _body, acts, _meetings in waiting.bodies for act in acts]
    assert [act.title for act in acts] == [
        "Положение о защите персональных данных при ведении электронного журнала"
    ]
    login(client, "ped_secretary")
    section = page_text(client.get("/")).split("Ждут меня:", 1)[1]
    assert section.strip().startswith("1 ") and acts[0].title in section
    switch_to(client, "parents_secretary")  # nothing waits for the parents' council
    assert "Ждут меня:" not in page_text(client.get("/"))


def test_a_class_teacher_who_came_in_december_owes_no_part_of_october(app, client):
    from tracker.accounts import services as accounts
    from tracker.accounts.models import Role

    school = person("director").school
    newcomer, _password = accounts.create_person(
        school, username="new_ct", full_name="Белова Ольга Игоревна", role=Role.STAFF
    )
    position = next(p for p in school.positions if p.code == "class_teacher")
    accounts.fill_position(position, newcomer, person("director"), since=TODAY)
    db.session.commit()
    check = check_titled("Выгрузка данных на бумажные")
    first = next(o for o in check.occurrences if o.is_done)  # 1 четверть, before she came
    coming = next_print_out()
    assert newcomer.id not in {p.id for p in work.parts_of(first).missing}
    assert newcomer.id in {p.id for p in work.parts_of(coming).missing}
    assert work.shares(school, TODAY)[check.task_id] == 1.0  # October stays complete
    mine = [w for w in work.work_of(school, newcomer) if w.person is not None]
    assert mine and min(w.due_on for w in mine) == coming.due_on


def test_two_corrections_from_one_form_the_second_is_refused(app, client):
    check = check_titled("Проверка своевременности")
    occurrence = next(o for o in check.occurrences if o.is_done and o.findings[0].violations)
    page = f"/controls/occurrences/{occurrence.id}"
    form = {
        "lock_version": str(occurrence.lock_version),
        "checked_on": f"{occurrence.checked_on:%d.%m.%Y}",
        "objects": occurrence.objects,
        "conclusion": occurrence.conclusion,
        "finding-0-violations": "5",
        "finding-1-violations": "0",
        "reason": "Пересчитали",
    }
    login(client, "director")
    assert post(client, f"{page}/correct", form, page=page).status_code == 302
    second = post(client, f"{page}/correct", {**form, "finding-0-violations": "7"}, page=page)
    assert second.status_code == 400
    db.session.expire_all()
    assert db.session.get(Occurrence, occurrence.id).findings[0].violations == 5


def test_a_marked_part_for_someone_named_in_another_script_is_refused_not_a_crash(app, client):
    occurrence = next_print_out()
    login(client, "deputy_uvr")
    page = f"/controls/occurrences/{occurrence.id}"
    assert post(client, f"{page}/parts", {"person": "²"}, page=page).status_code == 400
