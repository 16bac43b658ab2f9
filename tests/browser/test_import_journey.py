"""A new school's first day, in a real browser: its director (created with
`tracker schools create`'s service and its catalogue of positions) logs in, uploads the plan as
a Word table, sees each row as its future task, tells the preview which column is the
responsible one, confirms, and finds the tasks with their positions on the plan page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import make_app
from tests.plans.test_import_web import word_plan
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.extensions import db
from tracker.seed import SEEDS, read_toml

pytestmark = [pytest.mark.browser, pytest.mark.demo_data]
PASSWORD = "Зелёный-трамвай-идёт-9"


@pytest.fixture
def new_school(tmp_path, database):
    app = make_app(tmp_path / "setup", database)
    with app.app_context():
        school = accounts.create_school(
            slug="school9",
            full_name="МБОУ СОШ № 9",
            short_name="МБОУ СОШ № 9",
            positions=read_toml(SEEDS / "catalogue.toml")["position"],
        )
        accounts.create_person(
            school,
            username="director9",
            full_name="Орлова Анна Павловна",
            role=Role.DIRECTOR,
            password=PASSWORD,
            must_change_password=False,
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_new_school_imports_its_word_plan_through_the_preview(
    new_school, new_page, live_server, tmp_path
):
    page = new_page(viewport={"width": 1366, "height": 900})
    log_in(page, live_server, "director9", PASSWORD)
    page.get_by_role("link", name="Загрузить план-график").click()
    plan = tmp_path / "дорожная карта.docx"
    plan.write_bytes(word_plan())
    page.get_by_label("Файл плана").set_input_files(plan)
    page.get_by_role("button", name="Показать, как он будет загружен").click()
    expect(page.get_by_role("heading", name="Задачи: 3, требуют проверки: 3")).to_be_visible()
    page.get_by_label("Столбец 3: «Кто»").select_option(label="Ответственный")
    page.get_by_role("button", name="Применить").click()
    expect(page.get_by_role("status")).to_contain_text("Столбцы изменены")
    expect(page.get_by_role("heading", name="Задачи: 3, требуют проверки: 1")).to_be_visible()
    expect(page.get_by_role("row", name="Обучить педагогов")).to_contain_text(
        "Заместитель директора по ИКТ"
    )
    page.screenshot(path=ARTIFACTS / "import-preview-1366.png", full_page=True)
    phone = new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "director9", PASSWORD)
    phone.goto(page.url)
    phone.screenshot(path=ARTIFACTS / "import-preview-390.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Загрузить план (строк: 3)").click()
    expect(page.get_by_role("status")).to_contain_text("План загружен: задач — 3")
    row = page.get_by_role("row", name="Издать приказ о переходе")
    expect(row).to_contain_text("Директор")
    expect(page.get_by_role("row", name="Провести педсовет")).to_contain_text("срок не распознан")
