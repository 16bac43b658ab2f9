"""The plan pages as a director and a teacher use them, including what they type wrong."""

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import login, person, post
from tracker.audit.models import AuditEntry
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Plan, Task, TaskStatus

pytestmark = pytest.mark.demo_data


class TextParser(HTMLParser):
    """The visible text of a page, to assert what a person reads."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style", "title")

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(response) -> str:
    parser = TextParser()
    parser.feed(response.get_data(as_text=True))
    return " ".join(parser.parts)


def task_titled(start: str) -> Task:
    """The first task (by id) whose title starts so: PostgreSQL returns updated rows in another
    order when none is asked for, and several tasks may share a beginning."""
    db.session.expire_all()
    return db.session.scalars(
        select(Task).where(Task.title.startswith(start)).order_by(Task.id)
    ).first()


def test_plan_page_shows_every_item_in_its_phase(app, client):
    login(client, "director")
    text = page_text(client.get("/plan"))
    assert "Подготовительный этап" in text and "Основная работа по переходу" in text
    assert "Этап согласования и принятия нормативного и регламентационного обеспечения" in text
    for title in (
        "Административное совещание по организации работы",
        "Утверждение и введение в действие принятых локальных Актов",
        "Проверка своевременности выставления отметок",
        "Совещание при директоре об итогах работы",
    ):
        assert title in text
    assert "Показано задач: 30 из 30" in text


def test_plan_filters_by_position_status_and_month(app, client):
    login(client, "director")
    school = person("director").school
    hr = next(p for p in school.positions if p.code == "hr")
    text = page_text(client.get(f"/plan?position={hr.id}"))
    assert "Показано задач: 1 из 30" in text and "Специалист по кадрам" in text
    text = page_text(client.get("/plan?status=overdue"))
    # Late: the publication, and the approval items waiting for the second act's councils;
    # both acts' public discussions are over, so their plan item is done, not late.
    assert "Публикация всей нормативной базы" in text and "Показано задач: 4 из 30" in text
    assert "Проведение заседания Совета родителей" in text
    assert "Организация и проведение общественного обсуждения" not in text
    text = page_text(client.get("/plan?month=2026-06"))
    assert "Издание приказа руководителя" in text
    assert "Консультации педагогических работников" not in text
    # Nonsense in the query string is ignored, not a 500.
    assert (
        client.get("/plan?month=2026-13&status=<x>&position=99999999999999999999").status_code
        == 200
    )


def test_director_assigns_a_task_and_the_teacher_sees_it(app, client):
    task = task_titled("Анализ активности обучающихся")
    teacher = person("teacher")
    login(client, "director")
    response = post(
        client,
        "/assign",
        {"task_ids": [str(task.id)], "person": str(teacher.id), "replace": "add", "assign": "1"},
        page="/assign",
    )
    assert response.status_code == 302
    assert "Назначено задач: 1" in page_text(client.get("/assign"))
    client.get("/logout")
    post(client, "/logout")
    login(client, "teacher")
    text = page_text(client.get("/"))
    mine = text.split("Мои задачи", 1)[1].split("Просрочено", 1)[0]
    assert "Анализ активности обучающихся" in mine


def test_bulk_redate_moves_every_checked_task(app, client):
    first, second = task_titled("Выгрузка данных"), task_titled("Организация совмещенного")
    login(client, "director")
    response = post(
        client,
        "/assign",
        {
            "task_ids": [str(first.id), str(second.id)],
            "person": "0",
            "replace": "add",
            "starts_on": "01.12.2026",
            "due_on": "25.12.2026",
            "redate": "1",
        },
        page="/assign",
    )
    assert response.status_code == 302
    for task in (task_titled("Выгрузка данных"), task_titled("Организация совмещенного")):
        assert (task.starts_on.isoformat(), task.due_on.isoformat()) == ("2026-12-01", "2026-12-25")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_on": "31.02.2024", "due_on": "01.03.2024"}, "Нет такой даты: «31.02.2024»"),
        ({"starts_on": "10.12.2026", "due_on": "01.12.2026"}, "Срок окончания раньше начала"),
        ({"starts_on": "", "due_on": ""}, "Укажите дату окончания"),
    ],
)
def test_bulk_redate_refuses_bad_dates_and_changes_nothing(app, client, fields, message):
    task = task_titled("Выгрузка данных")
    login(client, "director")
    response = post(
        client,
        "/assign",
        {"task_ids": [str(task.id)], "person": "0", "replace": "add", "redate": "1", **fields},
        page="/assign",
    )
    assert response.status_code == 400
    assert message in page_text(response)
    after = task_titled("Выгрузка данных")
    assert (after.starts_on, after.due_on) == (task.starts_on, task.due_on)


def test_bulk_assign_without_a_task_or_a_person_says_so(app, client):
    login(client, "director")
    response = post(
        client, "/assign", {"person": "0", "replace": "add", "assign": "1"}, page="/assign"
    )
    assert response.status_code == 400
    assert "Отметьте хотя бы одну задачу" in page_text(response)
    task = task_titled("Выгрузка данных")
    response = post(
        client,
        "/assign",
        {"task_ids": [str(task.id)], "person": "0", "replace": "add", "assign": "1"},
        page="/assign",
    )
    assert response.status_code == 400
    assert "Выберите сотрудника" in page_text(response)


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Название не может быть пустым"), ("Я" * 10_000, "Название длиннее 1000 символов")],
)
def test_edit_refuses_empty_or_huge_title(app, client, title, message):
    task = task_titled("Административное совещание")
    login(client, "director")
    response = post(
        client,
        f"/tasks/{task.id}/edit",
        {"title": title, "due_on": "31.05.2026"},
        page=f"/tasks/{task.id}/edit",
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert task_titled("Административное совещание").title == task.title


def test_edit_changes_window_and_people_and_the_history_shows_it(app, client):
    task = task_titled("Административное совещание")
    teacher = person("teacher")
    login(client, "director")
    response = post(
        client,
        f"/tasks/{task.id}/edit",
        {
            "title": task.title,
            "starts_on": "02.06.2026",
            "due_on": "15.06.2026",
            "positions": [str(p.id) for p in task.positions],
            "assignees": [str(teacher.id)],
        },
        page=f"/tasks/{task.id}/edit",
    )
    assert response.status_code == 302
    text = page_text(client.get(f"/tasks/{task.id}"))
    assert re.search(r"Срок 02\.06\.2026– ?15\.06\.2026", text)
    history = text.split("История", 1)[1]
    assert "Срок: 31.05.2026 → 15.06.2026" in history
    assert "Исполнители: — → Фёдоров Алексей Михайлович" in history
    assert "Иванова Т. П." in history


def test_assignee_marks_done_with_a_note_and_a_file(app, client):
    task = task_titled("Составление графика обучения")
    director, teacher = person("director"), person("teacher")
    plans.assign_tasks([task], [teacher], director, replace=True)
    db.session.commit()
    login(client, "teacher")
    response = post(
        client,
        f"/tasks/{task.id}/status",
        {
            "status": "done",
            "note": "Анализ готов, справка приложена.",
            "file": (io.BytesIO(b"%PDF-1.4 spravka"), "справка.pdf"),
        },
        page=f"/tasks/{task.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    text = page_text(client.get(f"/tasks/{task.id}"))
    assert "Выполнено" in text and "Анализ готов, справка приложена." in text
    download = client.get(f"/tasks/{task.id}/file")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 spravka"
    disposition = download.headers["Content-Disposition"]
    # RFC 6266: an ASCII fallback and the real name encoded, nothing raw in the header.
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D1%81%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0.pdf" in disposition
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_id == task.id, AuditEntry.action == "task.status"
        )
    ).all()[-1]
    assert entry.changes["status"] == ["in_progress", "done"]
    assert entry.actor_id == teacher.id and entry.address == "127.0.0.1"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("passwd", b"root:x:0:0", "Можно прикрепить PDF"),
        ("../../etc/passwd.pdf", b"root:x:0:0", "Можно прикрепить PDF"),
        ("report.exe", b"%PDF-1.4", "Расширение файла не совпадает"),
    ],
)
def test_bad_files_are_refused_and_nothing_changes(app, client, name, content, message):
    task = task_titled("Административное совещание")
    login(client, "director")
    response = post(
        client,
        f"/tasks/{task.id}/status",
        {"status": "cancelled", "file": (io.BytesIO(content), name)},
        page=f"/tasks/{task.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert task_titled("Административное совещание").status == TaskStatus.DONE


def test_done_waits_for_the_tasks_it_depends_on(app, client):
    task, blocker = task_titled("Совещание при директоре"), task_titled("Выгрузка данных")
    plans.edit_task(
        task,
        person("director"),
        title=task.title,
        starts_on=task.starts_on,
        due_on=task.due_on,
        positions=task.positions,
        assignees=[],
        blocked_by=[blocker],
    )
    db.session.commit()
    login(client, "director")
    response = post(
        client, f"/tasks/{task.id}/status", {"status": "done"}, page=f"/tasks/{task.id}"
    )
    assert response.status_code == 400
    assert f"Сначала должны быть выполнены задачи: {blocker.display_number}" in page_text(response)
    assert task_titled("Совещание при директоре").status == TaskStatus.PLANNED


def test_comment_appears_with_its_author(app, client):
    task = task_titled("Анализ активности обучающихся")
    login(client, "deputy_uvr")
    response = post(
        client,
        f"/tasks/{task.id}/comments",
        {"body": "<script>alert(1)</script> Жду данные от классных руководителей"},
        page=f"/tasks/{task.id}",
    )
    assert response.status_code == 302
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Жду данные" in page
    assert "<script>alert" not in page
    assert "Смирнова Елена Викторовна" in page


def test_empty_comment_is_refused(app, client):
    task = task_titled("Анализ активности обучающихся")
    login(client, "deputy_uvr")
    response = post(client, f"/tasks/{task.id}/comments", {"body": "   "}, page=f"/tasks/{task.id}")
    assert response.status_code == 400
    assert "Комментарий пустой" in page_text(response)
    assert task_titled("Анализ активности обучающихся").comments == []


def test_missing_task_is_404_in_the_apps_look(app, client):
    login(client, "director")
    response = client.get("/tasks/999999")
    assert response.status_code == 404
    assert "Не найдено" in page_text(response) and "Traceback" not in response.get_data(
        as_text=True
    )


def test_dashboard_shows_progress_overdue_upcoming_and_needs_nothing_reviewed(app, client):
    login(client, "director")
    text = page_text(client.get("/"))
    assert "Подготовительный этап" in text and "6 из 6 (100%)" in text
    overdue = text.split("Просрочено", 1)[1].split("Ближайшие 30 дней", 1)[0]
    assert "Публикация всей нормативной базы" in overdue
    upcoming = text.split("Ближайшие 30 дней", 1)[1]
    assert "Составление графика обучения" in upcoming
    assert "Требуют уточнения" not in text


def test_teacher_sees_no_director_pages_in_the_menu(app, client):
    login(client, "teacher")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/assign"' not in page and 'href="/people"' not in page


def test_private_pages_are_not_cached_and_carry_the_security_headers(app, client):
    assert app.debug is False
    login_page = client.get("/login")
    login(client, "teacher")
    response = client.get("/")
    assert response.headers["Cache-Control"] == "no-store"
    for page in (login_page, response, client.get("/tasks/999999")):
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Referrer-Policy"] == "same-origin"


def test_a_new_secret_key_ends_the_sessions_signed_with_the_old_one(app, client):
    """Each app keeps its session signer: a changed key is still seen at once."""
    login(client, "teacher")
    assert client.get("/").status_code == 200
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another key, after a leak"
    try:
        refused = client.get("/")
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
        login(client, "teacher")
        assert client.get("/").status_code == 200
        headers = [name.lower() for name, _value in client.get("/").headers.items()]
        assert headers.count("x-frame-options") == 1 and headers.count("referrer-policy") == 1
    finally:
        app.config["SECRET_KEY"] = old


def test_only_mine_lists_tasks_of_my_position_and_those_given_to_me(app, client):
    login(client, "hr")
    text = page_text(client.get("/plan?mine=1"))
    assert "Показано задач: 1 из 30" in text and "Организация работы по соблюдению" in text
    task = task_titled("Анализ активности обучающихся")
    plans.assign_tasks([task], [person("hr")], person("director"), replace=True)
    db.session.commit()
    text = page_text(client.get("/plan?mine=1"))
    assert "Показано задач: 2 из 30" in text and "Анализ активности обучающихся" in text


def test_a_long_history_comes_in_pages_newest_first(app, client):
    """A task re-dated every day for months: its page shows the newest changes, the rest a
    click away, and an old or mangled page number still shows rows."""
    task = task_titled("Административное совещание")
    director = person("director")
    first = date(2026, 1, 1)
    for day in range(120):  # 120 changes, the last one due 30.04.2026
        plans.redate_tasks([task], None, first + timedelta(days=day), director)
    db.session.commit()
    login(client, "director")

    def changes(page_number):
        text = page_text(client.get(f"/tasks/{task.id}?page={page_number}"))
        return text, re.findall(r"Срок: [\d.—–-]+ → (\d\d\.\d\d\.\d{4})", text)

    text, newest = changes(1)
    assert "Страница 1 из 3" in text and "Старше" in text
    assert len(newest) == 50 and newest[0] == "30.04.2026"  # the latest re-date on top
    text, middle = changes(2)
    assert "Страница 2 из 3" in text and middle[0] == (first + timedelta(days=69)).strftime(
        "%d.%m.%Y"
    )
    text, oldest = changes(3)
    assert len(oldest) == 21 and "Старше" not in text and "Новее" in text
    assert changes(999)[1] == oldest and changes(0)[1] == newest and changes("x")[1] == newest
    page = client.get(f"/tasks/{task.id}?page=2").get_data(as_text=True)
    assert f'href="/tasks/{task.id}?page=3#history-h"' in page
    assert f'href="/tasks/{task.id}?page=1#history-h"' in page
    # Other arguments in the address are not the pager's business: they neither break it
    # nor travel into its links.
    odd = client.get(f"/tasks/{task.id}?page=2&endpoint=x&task_id=abc&_method=POST")
    assert odd.status_code == 200
    assert f'href="/tasks/{task.id}?page=3#history-h"' in odd.get_data(as_text=True)


def test_the_edit_page_shows_the_tasks_people_and_positions_checked(app, client):
    """Saving the edit page as shown must keep who is responsible: it shows them checked."""
    task = task_titled("Административное совещание")
    plans.assign_tasks([task], [person("teacher")], person("director"), replace=False)
    db.session.commit()
    assert task.positions and task.assignees
    login(client, "director")
    html = client.get(f"/tasks/{task.id}/edit").get_data(as_text=True)
    checked = {
        (name, int(value))
        for name, value in re.findall(r'name="(positions|assignees)" value="(\d+)" checked', html)
    }
    expected = {("positions", p.id) for p in task.positions}
    assert checked == expected | {("assignees", p.id) for p in task.assignees}


def test_the_dashboard_and_the_plan_cost_as_many_queries_with_more_tasks_and_phases(app, client):
    """The pages read every phase in one query and the tasks' owners a query each: 40 more
    tasks in a new sub-phase, given to people and positions, add no statement and all show."""
    from tests.ical.test_feeds import queries
    from tracker.plans.models import Phase

    login(client, "director")
    counts = {}
    for path in ("/", "/plan"):
        client.get(path)
        with queries() as seen:
            assert client.get(path).status_code == 200
        counts[path] = len(seen)
    director = person("director")
    plan = plans.school_plan(director.school)
    top = plans.plan_phases(plan)[-1]
    extra = Phase(plan=plan, parent=top, title="Дополнительный подэтап", sort_order=99)
    db.session.add(extra)
    for number in range(40):
        task = plans.create_task(
            plan,
            extra,
            director,
            title=f"Дополнительная задача {number}",
            due_on=date(2026, 12, 1) + timedelta(days=number),
            assignees=[person("teacher")] if number % 2 else [],
        )
        task.positions = list(director.positions)
    db.session.commit()
    for path in ("/", "/plan"):
        with queries() as seen:
            text = page_text(client.get(path))
        assert len(seen) == counts[path], path
    assert "Дополнительный подэтап" in text and "Дополнительная задача 39" in text
    assert "Показано задач: 70 из 70" in text


def test_a_teacher_marks_her_work_but_only_the_director_cancels_it(app, client):
    task = task_titled("Составление графика обучения")  # the director names the teacher on it
    task.assignees.append(person("teacher"))
    task.status = TaskStatus.PLANNED
    db.session.commit()
    login(client, "teacher")
    page = f"/tasks/{task.id}"
    assert 'value="cancelled"' not in client.get(page).get_data(as_text=True)
    refused = post(client, f"{page}/status", {"status": "cancelled"}, page=page)
    assert refused.status_code == 400
    assert "Отменить задачу или вернуть отменённую может только директор" in page_text(refused)
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == TaskStatus.PLANNED
    assert post(client, f"{page}/status", {"status": "in_progress"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == TaskStatus.IN_PROGRESS


def test_the_history_of_a_linked_task_speaks_russian(app, client):
    task = task_titled("Проведение педагогического совета")
    login(client, "director")
    text = page_text(client.get(f"/tasks/{task.id}"))
    assert "Шаг согласования: — → педагогический совет" in text
    assert "Связана с актом: — → Положение" in text
    assert "ped_council" not in text and "role:" not in text


def add_tasks(count: int, title: str, due_on) -> Plan:
    """`count` tasks the director adds to the last phase of the demo plan (as her form does):
    `title` formatted with n = 1, 2, …, due on `due_on(n - 1)`; committed. The plan."""
    director = person("director")
    plan = plans.school_plan(director.school)
    phase = plans.plan_tasks(plan)[-1].phase
    for number in range(count):
        plans.create_task(
            plan,
            phase,
            director,
            title=title.format(n=number + 1),
            due_on=due_on(number),
            assignees=[],
        )
    db.session.commit()
    return plan


def test_a_big_plan_is_shown_a_hundred_tasks_a_page_with_the_filters_kept(app, client):
    from tracker.plans import services as plans

    plan = add_tasks(
        150, "Проверка журнала {n:03d}", lambda n: date(2026, 12, 1) + timedelta(n % 20)
    )
    login(client, "director")
    total = len(plans.plan_tasks(plan))
    first = page_text(client.get("/plan"))
    assert f"Показано задач: {total} из {total}" in first
    assert "Страница 1 из 2" in first and "Следующие задачи" in first
    assert first.count("Проверка журнала") == 100 - (total - 150)
    second = client.get("/plan?page=2").get_data(as_text=True)
    assert page_text(client.get("/plan?page=2")).count("Проверка журнала") == total - 100
    assert "Предыдущие задачи" in second and "Проверка журнала 150" in second
    # The filters stay on every page's link; a page past the end shows the last one.
    december = client.get("/plan?month=2026-12").get_data(as_text=True)
    assert "/plan?month=2026-12&amp;page=2" in december
    assert "Страница 2 из 2" in page_text(client.get("/plan?page=99"))


def test_a_position_of_another_school_filters_nothing(app, client):
    """A hand-typed or stale position id that is not this school's: the list shows «все», so
    the page shows every task, not «0 из 30» under a filter nobody can see."""
    from tracker.accounts.models import Position, School

    other = db.session.scalar(select(School).where(School.slug == "school7"))
    foreign = Position(school=other, code="hr", title="Специалист по кадрам")
    db.session.add(foreign)
    db.session.commit()
    foreign = foreign.id
    login(client, "director")
    for position in (foreign, 999999):
        assert "Показано задач: 30 из 30" in page_text(client.get(f"/plan?position={position}"))
