"""The `tracker` command line as an administrator uses it, through a real console script."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRACKER = Path(sys.executable).with_name("tracker")


@pytest.fixture
def tracker(tmp_path):
    """Run `tracker ...` against its own SQLite file and instance folder."""
    base_env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "TRACKER_SECRET_KEY": "cli-test-key",
    }
    base_env.pop("FLASK_APP", None)

    def run(*args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(TRACKER), *args],
            env={**base_env, **(env or {})},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("db", "upgrade")
    return run


def test_seed_twice_then_demo_then_export(tracker):
    first = tracker("seed")
    assert "Добавлено: план: мероприятий — 22, задач — 29" in first.stdout
    second = tracker("seed")
    assert "Ничего не изменено" in second.stdout
    demo = tracker("demo", "--password", "demo-pass-123")
    assert "director" in demo.stdout and "Пароль демо-учётных записей: demo-pass-123" in demo.stdout
    again = tracker("demo", "--if-empty", "--password", "demo-pass-123")
    assert "Демо уже загружено" in again.stdout
    data = json.loads(tracker("export", "--format", "json").stdout)
    [school] = data["schools"]
    assert {p["username"] for p in school["people"]} >= {"director", "teacher", "deputy_uvr"}
    [teacher] = [p for p in school["people"] if p["username"] == "teacher"]
    assert teacher["email"] == "teacher@school20.example" and teacher["mail_off"] == []
    statuses = [
        task["status"]
        for phase in school["plan"]["phases"]
        for child in phase["phases"]
        for task in child["tasks"]
    ]
    assert "done" in statuses and "in_progress" in statuses
    # The calendar and the checks, with their occurrences, results and parts done.
    assert school["calendar"] and all(year["terms"] for year in school["calendar"])
    checks = {check["title"][:30]: check for check in school["checks"]}
    assert len(checks) == 12
    printed = next(c for t, c in checks.items() if t.startswith("Выгрузка данных на бумажные"))
    done = [o for o in printed["occurrences"] if o["result"]]
    assert done and done[0]["result"]["conclusion"] and done[0]["parts_done"]
    assert {part["person"] for part in done[0]["parts_done"]} == {"class_teacher", "class_teacher2"}
    assert "password" not in json.dumps(data) and "session_token" not in json.dumps(data)
    acts = {act["title"]: act for act in school["acts"]}
    regulation = acts["Положение об электронном журнале успеваемости"]
    assert regulation["status"] == "in_force"
    assert [(r["kind"], r["number"]) for r in regulation["requisites"]] == [
        ("ped_council", "1"),
        ("parents_council", "1"),
        ("order", "45"),
    ]
    assert any(act["status"] == "under_review" for act in school["acts"])
    assert school["orders"][0]["acts"] == ["Положение об электронном журнале успеваемости"]
    ped = next(body for body in school["bodies"] if body["kind"] == "ped_council")
    assert ped["meetings"][0]["decisions"][0]["votes"] == {"for": 27, "against": 0, "abstained": 1}


def test_users_create_prints_a_one_time_password(tracker):
    tracker("seed")
    result = tracker(
        "users",
        "create",
        "--username",
        "petrova",
        "--name",
        "Петрова Анна Ивановна",
        "--position",
        "teacher",
    )
    assert "Создан petrova (Петрова Анна Ивановна). Начальный пароль: " in result.stdout
    data = json.loads(tracker("export").stdout)
    [petrova] = [p for p in data["schools"][0]["people"] if p["username"] == "petrova"]
    assert petrova["positions"] == ["teacher"] and petrova["role"] == "staff"


def test_demo_is_refused_on_a_database_with_real_people_unless_forced(tracker):
    tracker("seed")
    tracker("users", "create", "--username", "petrova", "--name", "Петрова Анна Ивановна")
    refused = tracker("demo", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "в базе есть настоящие сотрудники (1)" in refused.stderr
    assert "--force" in refused.stderr
    people = {p["username"] for p in json.loads(tracker("export").stdout)["schools"][0]["people"]}
    assert people == {"petrova"}
    quiet = tracker("demo", "--if-empty")  # `make run` on a school at work: nothing added
    assert "демо не загружается" in quiet.stdout
    forced = tracker("demo", "--force", "--password", "demo-pass-123")
    assert "Демо-учётные записи созданы" in forced.stdout


def test_demo_is_refused_on_a_production_server(tracker):
    refused = tracker(
        "demo",
        check=False,
        env={"TRACKER_PRODUCTION": "1", "TRACKER_BASE_URL": "https://plan.example/"},
    )
    assert refused.returncode == 1 and "это рабочий сервер" in refused.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "create", "--username", "x y", "--name", "Петров"], "Логин: от 2 до 64"),
        (
            ["users", "create", "--username", "petrov", "--name", "Петров", "--position", "cook"],
            "Нет такой должности: cook",
        ),
        (["export", "--school", "nowhere"], "Школа «nowhere» не найдена"),
        (["import-plan", "missing.txt"], "Файл не найден: missing.txt"),
    ],
)
def test_user_mistakes_give_one_line_and_no_traceback(tracker, args, message):
    tracker("seed")
    result = tracker(*args, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_import_plan_of_garbage_writes_nothing(tracker, tmp_path):
    tracker("seed")
    before = tracker("export").stdout
    (tmp_path / "empty.txt").write_text("просто текст без таблицы\n", encoding="utf-8")
    result = tracker("import-plan", "empty.txt", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Ошибка:") and len(result.stderr.splitlines()) == 1
    assert tracker("export").stdout == before


def test_import_plan_reports_what_needs_review(tracker, tmp_path):
    """A plan saved by Word on a Russian PC (Windows-1251) into a new school; a second file
    into a school that has a plan is a new edition of it: listed, then applied with --apply."""
    tracker(
        "schools",
        "create",
        "--slug",
        "school7",
        "--name",
        "Школа № 7",
        "--director-login",
        "petrov7",
        "--director-name",
        "Петров Иван Сергеевич",
    )
    (tmp_path / "plan.txt").write_bytes(
        "\tМероприятия\tСроки\tОтветственный\nЭтап\t\t\t\n1\tСобрать согласия\tкогда-нибудь\tДиректор\n".encode(
            "cp1251"
        )
    )
    result = tracker("import-plan", "plan.txt", "--school", "school7")
    assert "Импортировано: мероприятий — 1, задач — 1; проверок ВШК — 0." in result.stdout
    assert "Проверьте задачу 1: «когда-нибудь»" in result.stdout
    # A second file into a school that has a plan: its differences listed, applied with --apply.
    (tmp_path / "plan2.txt").write_bytes(
        "\tМероприятия\tСроки\tОтветственный\nЭтап\t\t\t\n1\tСобрать согласия\tсентябрь 2027\t"
        "Директор\n2\tПровести собрание\tоктябрь 2027\tДиректор\n".encode("cp1251")
    )
    listed = tracker("import-plan", "plan2.txt", "--school", "school7")
    assert "новых задач — 1, изменится — 1, отменится — 0, без изменений — 0" in listed.stdout
    assert "~ 1 Собрать согласия: сроки: «когда-нибудь» → «сентябрь 2027»" in listed.stdout
    assert "+ 2 Провести собрание" in listed.stdout
    assert "Ничего не изменено" in listed.stdout
    applied = tracker("import-plan", "plan2.txt", "--school", "school7", "--apply")
    assert "Ничего не изменено" not in applied.stdout
    again = tracker("import-plan", "plan2.txt", "--school", "school7")
    assert "новых задач — 0, изменится — 0, отменится — 0, без изменений — 2" in again.stdout
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    image = tracker("import-plan", "scan.png", "--school", "school7", check=False)
    assert image.stderr.strip() == "Ошибка: scan.png: это не текст, а рисунок PNG"


def test_a_new_school_with_its_positions_first_director_and_the_template_plan(tracker):
    created = tracker(
        "schools",
        "create",
        "--slug",
        "school7",
        "--name",
        "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»",
        "--short",
        "МБОУ СОШ № 7",
        "--city",
        "Ставрополь",
        "--director-login",
        "petrov7",
        "--director-name",
        "Петров Иван Сергеевич",
        "--director-email",
        "petrov@school7.example",
        "--plan",
        "template",
    )
    assert "Школа «МБОУ СОШ № 7» (school7): должностей — 20" in created.stdout
    assert "Ссылка для первого входа (72 часа, один раз): http" in created.stdout
    data = json.loads(tracker("export", "--format", "json", "--school", "school7").stdout)
    [school] = data["schools"]
    codes = {position["code"] for position in school["positions"]}
    assert {"director", "deputy_ikt", "deputy_nmr", "head_mo", "psychologist"} <= codes
    [director] = school["people"]
    assert director["username"] == "petrov7" and director["positions"] == ["director"]
    assert director["email"] == "petrov@school7.example"
    # The template plan moved to come: nothing of it is overdue on the school's first day.
    from datetime import date

    today = date.today().replace(day=1).isoformat()
    dated = [
        task
        for phase in school["plan"]["phases"]
        for child in phase["phases"]
        for task in child["tasks"]
        if task["window"] and task["window"]["due_on"]
    ]
    assert len(dated) > 10 and all(task["window"]["starts_on"] >= today for task in dated)
    assert not any(task["is_overdue"] for task in dated)
    for args, said in (
        (["--slug", "school7"], "Школа с кодом «school7» уже есть"),
        (["--slug", "Школа 8"], "Код школы — латинские буквы"),
        (["--slug", "school8", "--timezone", "Mars/Olympus"], "Неизвестный часовой пояс"),
    ):
        refused = tracker(
            "schools",
            "create",
            *args,
            "--name",
            "Школа",
            "--director-login",
            "x8",
            "--director-name",
            "Иванов Иван",
            check=False,
        )
        assert refused.returncode == 1 and said in refused.stderr
        assert refused.stderr.count("\n") == 1
    assert len(json.loads(tracker("export", "--format", "json").stdout)["schools"]) == 1


def test_db_commands_are_flask_migrates_own(tracker):
    """`tracker db …` runs Flask-Migrate's group (imported only when it is run), its options
    and subcommands included."""
    assert "(head)" in tracker("db", "current").stdout
    help_text = tracker("db", "--help").stdout
    assert "--directory" in help_text and "upgrade" in help_text and "downgrade" in help_text
    assert "db" in tracker("--help").stdout


SERVING = """
import sys
from tracker import create_app
app = create_app()
client = app.test_client()
for path in ("/login", "/public/none/documents", "/ical/unknown.ics"):
    client.get(path)
if sys.argv[1:] == ["judge"]:
    from tracker.accounts.passwords import check_password_rules
    check_password_rules("Зелёный-Трамвай-2027")
print(" ".join(sorted(name for name in ("alembic", "docx", "openpyxl", "zxcvbn") if name in sys.modules)))
"""


def test_a_serving_process_does_not_load_what_only_commands_need(tracker, tmp_path):
    """A web worker answers pages without Alembic, zxcvbn's word lists, openpyxl or python-docx
    in its memory (≈ 41 MB of the 147 it had): they are imported by the commands, a new
    password, a spreadsheet and a document when these come."""
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "TRACKER_SECRET_KEY": "cli-test-key",
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
    }

    def loaded(*args: str) -> str:
        served = subprocess.run(
            [sys.executable, "-c", SERVING, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert served.returncode == 0, served.stderr
        return served.stdout.strip()

    assert loaded() == ""
    assert loaded("judge") == "zxcvbn"  # a new password is judged: now it is needed
