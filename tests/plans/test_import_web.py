"""A new school's director imports her plan on the web: the file is previewed row by row
(what was not understood flagged), one column's meaning corrected, nothing written until she
confirms; bad files are refused beside the field; another school's draft is not found."""

import io

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.conftest import login, post, switch_to
from tests.plans.test_views import page_text
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.plans.models import Plan, PlanDraft, Task
from tracker.seed import SEEDS, read_toml

pytestmark = pytest.mark.demo_data


def word_plan(*more: list[str]) -> bytes:
    """Its columns in another order, and the responsible column headed «Кто» (not known);
    `more` rows after the three."""
    document = Document()
    document.add_paragraph("Дорожная карта перехода на электронный журнал")
    table = document.add_table(rows=0, cols=4)
    for values in (
        ["№", "Содержание работы", "Кто", "Срок"],
        ["Подготовка"] * 4,
        ["1", "Издать приказ о переходе", "Директор", "до 15.09.2026"],
        ["2", "Обучить педагогов", "Зам. директора по ИКТ", "Сентябрь-октябрь 2026 г."],
        ["3", "Провести педсовет", "Секретарь педсовета", "в конце 1 четверти"],
        *more,
    ):
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = table.rows[1].cells
    merged[0].merge(merged[3])
    merged[0].text = "Подготовка"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def new_school(app):
    school = accounts.create_school(
        slug="school9",
        full_name="МБОУ СОШ № 9",
        positions=read_toml(SEEDS / "catalogue.toml")["position"],
    )
    director, _ = accounts.create_person(
        school,
        username="director9",
        full_name="Орлова Анна Павловна",
        role=Role.DIRECTOR,
        password="Зелёный-трамвай-идёт-9",
        must_change_password=False,
    )
    db.session.commit()
    return school


def upload(client, content: bytes, name: str = "карта.docx"):
    return post(
        client,
        "/plan/import",
        {"file": (io.BytesIO(content), name), "title": ""},
        page="/plan/import",
        content_type="multipart/form-data",
    )


def test_a_new_schools_director_previews_corrects_and_imports_her_plan(client, new_school):
    login(client, "director9", "Зелёный-трамвай-идёт-9")
    assert "Загрузить план-график" in page_text(client.get("/"))
    answer = upload(client, word_plan())
    assert answer.status_code == 302
    preview_url = answer.headers["Location"]
    text = page_text(client.get(preview_url))
    assert "Задачи: 3, требуют проверки: 3" in text  # «Кто» unknown: nobody is responsible yet
    assert (
        db.session.scalar(
            select(func.count()).select_from(Plan).where(Plan.school_id == new_school.id)
        )
        == 0
    )
    # She says the third column is the responsible one.
    columns = {
        "column-0": "number",
        "column-1": "title",
        "column-2": "responsible",
        "column-3": "deadline",
    }
    answer = post(client, preview_url + "/columns", columns, page=preview_url)
    assert answer.status_code == 302
    text = page_text(client.get(preview_url))
    assert "Задачи: 3, требуют проверки: 1" in text  # the end of one named quarter is flagged
    assert "Заместитель директора по ИКТ" in text and "не распознан" in text
    answer = post(client, preview_url + "/confirm", page=preview_url)
    assert answer.status_code == 302
    assert "План загружен: задач — 3; проверьте отмеченные — 1" in page_text(client.get("/plan"))
    plan = db.session.scalar(select(Plan).where(Plan.school_id == new_school.id))
    tasks = {
        task.title: task for task in db.session.scalars(select(Task).where(Task.plan_id == plan.id))
    }
    order = tasks["Издать приказ о переходе"]
    assert [p.code for p in order.positions] == [
        "director"
    ] and order.due_on.isoformat() == "2026-09-15"
    training = tasks["Обучить педагогов"]
    assert [p.code for p in training.positions] == ["deputy_ikt"]
    assert (training.starts_on.isoformat(), training.due_on.isoformat()) == (
        "2026-09-01",
        "2026-10-31",
    )
    council = tasks["Провести педсовет"]
    assert council.needs_review and council.recurrence is None
    assert db.session.scalar(select(func.count()).select_from(PlanDraft)) == 0
    # The same file again is a new edition with nothing to change: nothing new, nothing gone.
    again = upload(client, word_plan())
    assert again.status_code == 302
    page = page_text(client.get(again.headers["Location"]))
    # Read with the columns as found, «Кто» is no responsible column: three rows would change.
    assert "Новых задач: 0 · изменится: 3 · отменится: 0 · без изменений: 0" in page
    assert "ответственный: Директор → —" in page
    post(client, again.headers["Location"] + "/columns", columns, page=again.headers["Location"])
    page = page_text(client.get(again.headers["Location"]))
    assert "Новых задач: 0 · изменится: 0 · отменится: 0 · без изменений: 3" in page
    assert "Изменений нет" in page


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (b"", "plan.docx", "Выберите файл плана"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "scan.png", "рисунок PNG"),
        (b"PK\x03\x04broken", "plan.docx", "повреждён"),
        ("просто текст без таблицы".encode(), "plan.txt", "ни одного мероприятия"),
    ],
)
def test_bad_files_are_refused_beside_the_field(client, new_school, content, name, said):
    login(client, "director9", "Зелёный-трамвай-идёт-9")
    answer = upload(client, content, name)
    if answer.status_code == 302:  # read as a table: the preview says what is wrong
        answer = client.get(answer.headers["Location"])
        assert said in page_text(answer)
        return
    assert answer.status_code == 400 and said in page_text(answer)
    assert db.session.scalar(select(func.count()).select_from(PlanDraft)) == 0


def test_a_column_chosen_twice_is_refused_and_others_cannot_see_the_draft(client, new_school):
    login(client, "director9", "Зелёный-трамвай-идёт-9")
    preview_url = upload(client, word_plan()).headers["Location"]
    answer = post(
        client,
        preview_url + "/columns",
        {"column-0": "title", "column-1": "title"},
        page=preview_url,
    )
    assert (
        answer.status_code == 400
        and "«Мероприятие» выбран для двух столбцов (1 и 2)" in page_text(answer)
    )
    switch_to(client, "director")  # school № 20's director
    assert client.get(preview_url).status_code == 404
    assert post(client, preview_url + "/confirm", page="/").status_code == 404
    switch_to(client, "teacher")
    assert client.get("/plan/import").status_code == 403


def test_a_table_without_a_header_previews_as_it_imports(client, new_school):
    """No header row: every column of the widest row can be chosen, and what the preview shows
    is what is written."""
    login(client, "director9", "Зелёный-трамвай-идёт-9")
    text = "Дорожная карта\n1\tПровести совещание\tсентябрь 2026\tДиректор\n".encode()
    preview_url = upload(client, text, "plan.txt").headers["Location"]
    page = page_text(client.get(preview_url))
    assert "Столбец 4" in page
    columns = {
        "column-0": "number",
        "column-1": "title",
        "column-2": "deadline",
        "column-3": "responsible",
    }
    post(client, preview_url + "/columns", columns, page=preview_url)
    page = page_text(client.get(preview_url))
    assert "Задачи: 1, требуют проверки: 0" in page and "Директор" in page
    post(client, preview_url + "/confirm", page=preview_url)
    [task] = db.session.scalars(
        select(Task).join(Plan).where(Plan.school_id == new_school.id)
    ).all()
    assert task.responsible_text == "Директор" and task.due_on.isoformat() == "2026-09-30"


def test_a_quarter_grid_roadmap_previews_its_quarters_and_keeps_outside_bodies_apart(
    client, new_school
):
    from tests.plans.test_plan_grids import roadmap_docx

    login(client, "director9", "Зелёный-трамвай-идёт-9")
    preview_url = upload(client, roadmap_docx()).headers["Location"]
    answer = client.get(preview_url)
    page = page_text(answer)
    # The four quarter columns under the merged «Сроки исполнения» are found as such.
    for index, label in enumerate(["I", "II", "III", "IV"], start=2):
        assert f'<option value="q{index - 1}" selected>{label} квартал' in answer.text
    assert "Задачи: 6, требуют проверки: 2" in page  # 3.2 and 3.3
    assert "вне школы: Управление образования администрации города" in page
    assert "укажите, кто в школе отвечает" in page
    assert "01.01.2025–31.03.2025" in page and "Ежеквартально" in page
    post(client, preview_url + "/confirm", page=preview_url)
    tasks = {
        task.number: task
        for task in db.session.scalars(
            select(Task).join(Plan).where(Plan.school_id == new_school.id)
        )
    }
    assert sorted(tasks) == ["1.1", "1.2", "2.1", "3.1", "3.2", "3.3"]
    assert [p.code for p in tasks["1.1"].positions] == ["director"]  # «И.о. директора»
    link = tasks["2.1"]
    assert [p.code for p in link.positions] == ["deputy_ikt"]
    assert link.responsible_external == "Министерство образования Ставропольского края"
    assert link.responsible_unmatched == "" and not link.needs_review
    report = tasks["3.2"]
    assert report.positions == [] and report.responsible_unmatched == ""
    assert report.responsible_external == "Управление образования администрации города"
    assert tasks["3.1"].recurrence == "quarterly"
    assert (tasks["1.2"].starts_on.isoformat(), tasks["1.2"].due_on.isoformat()) == (
        "2025-01-01",
        "2025-06-30",
    )
    assert tasks["1.1"].phase.title == "Нормативная база"
    assert tasks["1.1"].phase.parent.title == "Подготовительный этап"
    task_page = page_text(client.get(f"/tasks/{report.id}"))
    assert "вне школы: Управление образования администрации города" in task_page


def two_tables_docx() -> bytes:
    """A plan whose first table is a schedule of meetings, the plan proper the second."""
    document = Document()
    document.add_paragraph("План мероприятий по введению ЭЖ")
    first = document.add_table(rows=0, cols=3)
    for values in (
        ["№", "Мероприятие", "Дата"],
        ["1", "Совещание при директоре", "05.09.2026"],
        ["2", "Педагогический совет", "28.08.2026"],
    ):
        for cell, value in zip(first.add_row().cells, values, strict=True):
            cell.text = value
    second = document.add_table(rows=0, cols=4)
    for values in (
        ["№", "Мероприятие", "Сроки", "Ответственный"],
        ["1", "Издать приказ о введении ЭЖ", "до 01.09.2026", "Директор"],
        ["2", "Обучить учителей", "сентябрь 2026", "Зам. директора по ИКТ"],
        ["3", "Проверить журналы", "ежемесячно", "Заместитель директора по УВР"],
    ):
        for cell, value in zip(second.add_row().cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_two_tables_in_one_document_she_chooses_the_plans(client, new_school):
    login(client, "director9", "Зелёный-трамвай-идёт-9")
    preview_url = upload(client, two_tables_docx()).headers["Location"]
    page = page_text(client.get(preview_url))
    # Both tables are offered; the first one (it names its columns) is read by default.
    assert "В документе несколько таблиц" in page
    assert "1-я (строк: 3): № | Мероприятие | Дата" in page
    assert "2-я (строк: 4): № | Мероприятие | Сроки | Ответственный" in page
    assert "Задачи: 2," in page and "Совещание при директоре" in page
    # A table that is not there is refused beside the field, the choice kept as it was.
    refused = post(client, preview_url + "/table", {"table": "5"}, page=preview_url)
    assert refused.status_code == 400 and "Выберите одну из таблиц документа" in page_text(refused)
    assert post(client, preview_url + "/table", {"table": "1"}, page=preview_url).status_code == 302
    page = page_text(client.get(preview_url))
    assert "Задачи: 3, требуют проверки: 0" in page and "Совещание при директоре" not in page
    post(client, preview_url + "/confirm", page=preview_url)
    tasks = db.session.scalars(
        select(Task).join(Plan).where(Plan.school_id == new_school.id).order_by(Task.sort_order)
    ).all()
    assert [(t.number, t.title, [p.code for p in t.positions]) for t in tasks] == [
        ("1", "Издать приказ о введении ЭЖ", ["director"]),
        ("2", "Обучить учителей", ["deputy_ikt"]),
        ("3", "Проверить журналы", ["deputy_uvr"]),
    ]
    assert tasks[0].due_on.isoformat() == "2026-09-01" and tasks[2].recurrence == "monthly"


EDITION_1 = """Дорожная карта на 2026/2027 учебный год
№\tМероприятие\tСроки\tОтветственный
Подготовка
1\tИздать приказ о переходе на ЭЖ\tдо 15.09.2026\tДиректор
2\tОбучить педагогов работе в ЭЖ\tсентябрь 2026\tЗам. директора по ИКТ
3\tПровести родительские собрания\tоктябрь 2026\tКлассные руководители
4\tПодготовить отчёт учредителю\tдекабрь 2026\tДиректор
Работа
5\tПроверять заполнение ЭЖ\tЕжемесячно\tЗаместитель директора по УВР
"""
EDITION_2 = """Дорожная карта на 2026/2027 учебный год (редакция 2)
№\tМероприятие\tСроки\tОтветственный
Подготовка
1\tИздать приказ о переходе на электронный журнал\tдо 15.09.2026\tДиректор
2\tОбучить педагогов работе в ЭЖ\tсентябрь 2026\tЗам. директора по ИКТ
3\tПровести родительские собрания\tноябрь 2026\tКлассные руководители
Работа
5\tПроверять заполнение ЭЖ\tЕжемесячно\tЗаместитель директора по УВР
6\tАрхивировать ЭЖ за полугодие\tянварь 2027\tЗам. директора по ИКТ
"""


def test_a_new_edition_keeps_each_tasks_history_people_status_and_comments(client, new_school):
    from datetime import date

    from tracker.plans import services as plans
    from tracker.plans.models import TaskStatus

    login(client, "director9", "Зелёный-трамвай-идёт-9")
    first = upload(client, EDITION_1.encode("cp1251"), "карта.txt").headers["Location"]
    post(client, first + "/confirm", page=first)
    plan = db.session.scalar(select(Plan).where(Plan.school_id == new_school.id))
    tasks = {t.number: t for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))}
    from tracker.accounts.models import Person

    director = db.session.scalar(select(Person).where(Person.username == "director9"))
    # A week of work in the app: an owner named, a task re-dated, one done, one commented.
    plans.assign_tasks([tasks["2"]], [director], director, replace=True)
    plans.redate_tasks([tasks["2"]], date(2026, 9, 7), date(2026, 9, 25), director)
    plans.change_status(tasks["1"], director, TaskStatus.DONE, note="Приказ № 12 от 10.09.2026")
    plans.add_comment(tasks["3"], director, "Собрания назначены по параллелям")
    db.session.commit()
    ids = {number: task.id for number, task in tasks.items()}

    second = upload(client, EDITION_2.encode("utf-8"), "карта-2.txt").headers["Location"]
    page = page_text(client.get(second))
    assert "Новых задач: 1 · изменится: 2 · отменится: 1 · без изменений: 2" in page
    assert (
        "мероприятие: Издать приказ о переходе на ЭЖ → Издать приказ о переходе на электронный "
        "журнал" in page
    )
    assert "сроки: октябрь 2026 → ноябрь 2026" in page
    assert "Будут отменены: их нет в новом файле 4. Подготовить отчёт учредителю" in page
    assert "6. Архивировать ЭЖ за полугодие" in page
    # Nothing is written before she confirms.
    db.session.expire_all()
    assert db.session.get(Task, ids["4"]).status == TaskStatus.PLANNED
    answer = post(client, second + "/confirm", page=second)
    assert answer.status_code == 302
    assert (
        "Новая редакция плана применена: новых задач — 1, изменено — 2, отменено — 1"
        in page_text(client.get("/plan"))
    )
    db.session.expire_all()
    order = db.session.get(Task, ids["1"])
    assert order.title == "Издать приказ о переходе на электронный журнал"
    assert order.status == TaskStatus.DONE and order.completion_note == "Приказ № 12 от 10.09.2026"
    training = db.session.get(Task, ids["2"])
    # Its cells did not change: the owner and the dates set in the app stay.
    assert [p.full_name for p in training.assignees] == ["Орлова Анна Павловна"]
    assert (training.starts_on, training.due_on) == (date(2026, 9, 7), date(2026, 9, 25))
    meetings = db.session.get(Task, ids["3"])
    assert (meetings.starts_on, meetings.due_on) == (date(2026, 11, 1), date(2026, 11, 30))
    assert [c.body for c in meetings.comments] == ["Собрания назначены по параллелям"]
    report = db.session.get(Task, ids["4"])
    assert report.status == TaskStatus.CANCELLED
    assert report.completion_note.startswith("Нет в новой редакции плана")
    archive = db.session.scalar(select(Task).where(Task.plan_id == plan.id, Task.number == "6"))
    assert [p.code for p in archive.positions] == ["deputy_ikt"]
    assert archive.phase.title == "Работа"
    assert db.session.scalar(select(func.count()).select_from(Plan)) >= 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(Plan).where(Plan.school_id == new_school.id)
        )
        == 1
    )
    # The history of the changed task says what the new edition changed, and who applied it.
    history = page_text(client.get(f"/tasks/{ids['3']}"))
    assert "Сроки в плане: октябрь 2026 → ноябрь 2026" in history
    assert "Орлова А. П." in history
    # The order of the plan is the new file's: the cancelled task after the others.
    numbers = [
        t.number
        for t in db.session.scalars(
            select(Task).where(Task.plan_id == plan.id).order_by(Task.sort_order)
        )
    ]
    assert numbers == ["1", "2", "3", "5", "6", "4"]


def test_a_new_schools_recurring_items_become_checks_that_appear_with_its_calendar(
    client, new_school
):
    from tracker.controls.models import ControlCheck, Occurrence

    login(client, "director9", "Зелёный-трамвай-идёт-9")
    draft = upload(client, EDITION_1.encode("utf-8"), "карта.txt").headers["Location"]
    post(client, draft + "/confirm", page=draft)
    [check] = db.session.scalars(
        select(ControlCheck).where(ControlCheck.school_id == new_school.id)
    )
    assert (check.title, check.rule) == ("Проверять заполнение ЭЖ", "monthly")
    assert check.position.code == "deputy_uvr"
    assert (
        db.session.scalar(
            select(func.count()).select_from(Occurrence).where(Occurrence.check_id == check.id)
        )
        == 0
    )
    calendar = (
        "Календарный учебный график на 2026/2027 учебный год\n"
        "I четверть: 01.09.2026 – 23.10.2026\nII четверть: 05.11.2026 – 29.12.2026\n"
        "III четверть: 12.01.2027 – 20.03.2027\nIV четверть: 30.03.2027 – 26.05.2027\n"
    )
    saved = post(client, "/calendar/import/save", {"text": calendar}, page="/calendar/import")
    assert saved.status_code == 302
    assert "новых проверок: 9" in page_text(client.get("/calendar"))
    occurrences = db.session.scalars(
        select(Occurrence).where(Occurrence.check_id == check.id).order_by(Occurrence.due_on)
    ).all()
    assert [o.due_on.isoformat() for o in occurrences][:2] == ["2026-09-30", "2026-10-30"]
    assert "Проверять заполнение ЭЖ" in page_text(client.get("/controls"))


def test_a_phrase_not_found_is_added_to_a_position_and_the_preview_finds_it(client, new_school):
    """«Зам. по информатизации» names no position; the director adds it to the deputy for ИКТ,
    reloads the preview, and the row is no longer flagged."""
    from tracker.accounts.models import Position

    login(client, "director9", "Зелёный-трамвай-идёт-9")
    text = "№\tМероприятие\tСроки\tОтветственный\n1\tНастроить ЭЖ\tсентябрь 2026\tЗам. по информатизации\n"
    preview_url = upload(client, text.encode(), "plan.txt").headers["Location"]
    page = page_text(client.get(preview_url))
    assert "Задачи: 1, требуют проверки: 1" in page and "не найдено: Зам. по информатизации" in page
    assert "добавьте это название к должности" in page
    deputy = db.session.scalar(
        select(Position).where(Position.school_id == new_school.id, Position.code == "deputy_ikt")
    )
    form_page = client.get(f"/positions/{deputy.id}")
    assert "зам директора по икт" in form_page.text
    aliases = "\n".join([*deputy.aliases, "зам. по информатизации"])
    # A phrase another position answers to is refused, naming that position.
    refused = post(
        client,
        f"/positions/{deputy.id}",
        {"title": deputy.title, "aliases": aliases + "\nзам. директора по УВР"},
        page=f"/positions/{deputy.id}",
    )
    assert refused.status_code == 400
    assert (
        "«зам. директора по УВР» уже означает должность «Заместитель директора по УВР»"
        in page_text(refused)
    )
    saved = post(
        client,
        f"/positions/{deputy.id}",
        {"title": "Заместитель директора по информатизации", "aliases": aliases},
        page=f"/positions/{deputy.id}",
    )
    assert saved.status_code == 302
    page = page_text(client.get(preview_url))
    assert "Задачи: 1, требуют проверки: 0" in page
    assert "Заместитель директора по информатизации" in page
    db.session.expire_all()
    assert db.session.get(Position, deputy.id).title == "Заместитель директора по информатизации"


def test_the_preview_says_why_a_deadline_was_not_understood(client, new_school):
    login(client, "director9", "Зелёный-трамвай-идёт-9")
    text = (
        "№;Мероприятие;Дата начала;Дата окончания;Ответственный\n"
        "1;Обучить учителей;15.10.2026;01.09.2026;Директор\n"
        "2;Провести собрание;сентябрь;;Директор\n"
    )
    preview_url = upload(client, text.encode("cp1251"), "plan.csv").headers["Location"]
    page = page_text(client.get(preview_url))
    assert "не распознан: окончание (01.09.2026) раньше начала (15.10.2026)" in page
    assert "не распознан: не указан год" in page
