"""The plan as a picture and as files: the timeline SVG parsed back (a bar per dated task,
today's line where today is), the XLSX read back with openpyxl, the plan DOCX with every task
row, and the duties order naming the people named on tasks."""

import io
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import TODAY, login, person
from tests.plans.test_views import page_text, task_titled
from tracker.documents import data
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task

pytestmark = pytest.mark.demo_data
SVG = "{http://www.w3.org/2000/svg}"


def school_tasks() -> list[Task]:
    return plans.plan_tasks(plans.school_plan(person("director").school))


def test_the_timeline_has_a_bar_per_dated_task_and_today_at_its_x(app, client):
    login(client, "teacher")
    response = client.get("/plan/timeline.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    bars = root.findall(f".//{SVG}rect[@data-task]")
    dated = [task for task in school_tasks() if task.due_on]
    assert sorted(int(bar.get("data-task")) for bar in bars) == sorted(t.id for t in dated)
    # The scale, from the months' names: each stands 2 px right of its month's first day.
    labels = root.findall(f".//{SVG}g[@class='months']/{SVG}text")
    first = datetime.strptime(labels[0].text, "%m.%y").date()
    second = datetime.strptime(labels[1].text, "%m.%y").date()
    x0, x1 = float(labels[0].get("x")) - 2, float(labels[1].get("x")) - 2
    per_day = (x1 - x0) / (second - first).days
    today = root.find(f".//{SVG}line[@id='today']")
    assert float(today.get("x1")) == pytest.approx(x0 + (TODAY - first).days * per_day, abs=0.05)
    # A bar starts at its task's first day on the same scale, and an overdue one is red.
    task = dated[0]
    bar = next(b for b in bars if b.get("data-task") == str(task.id))
    start = task.starts_on or task.due_on
    assert float(bar.get("x")) == pytest.approx(x0 + (start - first).days * per_day, abs=0.05)
    late = [t for t in dated if t.is_overdue_on(TODAY)]
    assert late and all(
        "overdue" in b.get("class") for b in bars if int(b.get("data-task")) in {t.id for t in late}
    )
    # Recurring items: a tick per occurrence, not a bar.
    assert len(root.findall(f".//{SVG}line[@data-task]")) >= 12


def test_the_timeline_keeps_the_plan_pages_filter(app, client):
    login(client, "director")
    deputy = person("deputy_uvr")
    root = ET.fromstring(client.get(f"/plan/timeline.svg?person={deputy.id}").data)
    mine = plans.my_task_ids(plans.school_plan(deputy.school), deputy)
    shown = {int(b.get("data-task")) for b in root.findall(f".//{SVG}rect[@data-task]")}
    assert shown and shown <= mine


def test_the_xlsx_has_every_task_with_real_dates_and_names(app, client):
    task = task_titled("Составление графика обучения")
    plans.assign_tasks([task], [person("teacher")], person("director"), replace=True)
    formula = task_titled("Организация работы по соблюдению")
    formula.title = '=HYPERLINK("http://evil.example") -проверка'
    db.session.commit()
    login(client, "director")
    response = client.get("/plan/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    tasks = school_tasks()
    assert len(rows) == len(tasks)
    by_title = {row[2]: row for row in rows}
    row = by_title[task.title]
    assert row[4] == datetime.combine(task.due_on, datetime.min.time())
    assert row[7] == "Фёдоров Алексей Михайлович" and row[8] == "В работе"
    # A title that begins like a formula stays text.
    cell = next(c for c in sheet["C"] if c.value == formula.title)
    assert cell.data_type == "s"
    # The holders of a position are named where nobody is.
    deputy_row = next(
        r for r in rows if r[6] == "Заместитель директора по УВР" and r[2] != task.title
    )
    assert deputy_row[7] == "Смирнова Елена Викторовна"


def test_the_plan_docx_has_every_task_row_with_its_status(app, client):
    login(client, "director")
    response = client.get("/plan/export.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "№")
    cells = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    tasks = school_tasks()
    task_rows = [row for row in cells if row[1] != row[0]]  # a phase's row spans the table
    assert len(task_rows) == len(tasks)
    unnumbered = [t for t in tasks if not t.display_number]
    assert unnumbered  # the check's recommendation
    row = next(r for r in task_rows if r[1] == unnumbered[0].title)
    assert row[2] and row[4]  # its dates and its status are printed, not lost to a heading
    assert any("Смирнова Елена Викторовна" in r[3] for r in task_rows)


def test_the_duties_order_names_the_people_named_on_tasks(app):
    task = task_titled("Составление графика обучения")
    teacher = person("teacher")
    plans.assign_tasks([task], [teacher], person("director"), replace=True)
    db.session.commit()
    order = data.duties_order_doc(teacher.school)
    header, rows = order.table
    row = next(r for r in rows if r[1] == teacher.full_name)
    assert task.title in row[2]
    assert teacher.full_name in dict(order.familiarise)


def test_the_plan_docx_draws_the_timeline_as_a_table_of_months(app, client):
    login(client, "director")
    document = Document(io.BytesIO(client.get("/plan/export.docx").data))
    gantt = next(t for t in document.tables if t.rows[0].cells[0].text == "Мероприятие")
    months = [cell.text.replace("\n", ".") for cell in gantt.rows[0].cells[1:]]
    assert f"{TODAY:%m.%y}" in months
    today = months.index(f"{TODAY:%m.%y}")
    rows = {row.cells[0].text: row for row in gantt.rows[1:]}
    tasks = school_tasks()
    dated = [t for t in tasks if t.due_on]
    assert all(t.numbered(70) in rows for t in dated)

    def fill(cell):
        shading = cell._tc.tcPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}shd"
        )
        return (
            None
            if shading is None
            else shading.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}fill")
        )

    late = next(t for t in dated if t.is_overdue_on(TODAY))
    due_month = months.index(f"{late.due_on:%m.%y}")
    assert fill(rows[late.numbered(70)].cells[1 + due_month]) == "C0392B"
    recurring = next(t for t in tasks if t.title.startswith("Выгрузка данных на бумажные"))
    ticks = [c.text for c in rows[recurring.numbered(70)].cells[1:]]
    assert ticks.count("•") >= 4  # the quarters' ends within the span
    assert fill(gantt.rows[0].cells[1 + today]) == "F6D7B8"


def test_odd_addresses_and_control_characters_do_not_break_the_plan_or_its_files(app, client):
    task = task_titled("Составление графика обучения")
    task.title = "График\x01 обучения\x0b сотрудников"  # written around the services' cleaning
    db.session.commit()
    login(client, "director")
    for address in ("/plan?endpoint=x", "/plan?_method=POST", "/plan?person=²", "/plan?position=٣"):
        assert client.get(address).status_code == 200, address
    sheet = load_workbook(io.BytesIO(client.get("/plan/export.xlsx").data)).active
    assert "График обучения сотрудников" in [c.value for c in sheet["C"]]
    root = ET.fromstring(client.get("/plan/timeline.svg").data)  # well-formed XML
    assert any((t.text or "").startswith("6. График обучения") for t in root.iter(f"{SVG}text"))
    assert client.get("/plan/export.docx").status_code == 200


def test_a_big_plan_is_written_by_the_worker_with_the_page_filters_kept(app, client):
    """Above the limit of tasks (5 here, 500 by default) the export asks the worker: the GET
    only offers a button, the POST answers at once, the file follows the filters."""
    from tests.conftest import post
    from tracker.queue import run_pending

    app.config["BIG_EXPORT"] = 5
    login(client, "teacher")
    offer = client.get("/plan/export.xlsx?status=done")
    assert offer.status_code == 200 and "готовится в фоне" in offer.get_data(as_text=True)
    done = [task for task in school_tasks() if task.status == "done"]
    assert len(done) > 5
    answer = post(client, "/plan/export/xlsx?status=done", page="/plan/export.xlsx?status=done")
    assert answer.status_code == 302
    waiting = answer.headers["Location"]
    assert run_pending() == 1
    sheet = load_workbook(io.BytesIO(client.get(waiting + "/file").data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert sorted(row[2] for row in rows) == sorted(task.title for task in done)
    answer = post(client, "/plan/export/docx", page="/plan/export.docx")
    assert run_pending() == 1
    document = Document(io.BytesIO(client.get(answer.headers["Location"] + "/file").data))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "№")
    assert len(table.rows) > len(done)


def test_a_big_export_over_the_limit_is_refused_with_the_reason(app, client):
    from tests.conftest import post

    app.config["BIG_EXPORT"] = 5
    login(client, "teacher")
    for _ in range(2):  # two waiting for the worker, which has not come yet
        assert post(client, "/plan/export/xlsx", page="/plan/export.xlsx").status_code == 302
    refused = post(client, "/plan/export/docx", page="/plan/export.docx")
    assert refused.status_code == 429
    text = page_text(refused)
    assert "Ещё готовятся ваши файлы (2)" in text and "Подготовить DOCX" in text
