"""The pages against the floor, with the demo school among N generated schools.

For each N (`--n 1,10,100` by default), a new SQLite file holds the demo school (`tracker demo`
on 28.11.2026) and N schools from `bench.scale.build_schools` (15 people, the plan, two acts
through their councils and an order, a publication, two years of control checks each). Logged
in as the demo director through the login form (the test client, CSRF token and all), each
page is requested and timed against its floor, alternately (`bench.common.measure`):

- ours: the page through the whole app (session, login check, services, templates);
- floor: a bare Flask app on the same database file, without login or tracker code, whose
  route runs a SELECT for each thing the page shows (SQLAlchemy Core, `text()`): the page's
  main list and the others beside it (the dashboard's phases and the person's own tasks; the
  plan's filters; a task's owners, blockers, acts, comments, checks and the history's count;
  an act's versions, discussions, documents and publications; the grid's checks and years),
  and renders all the rows through a minimal Jinja template: one `<table>` (the JSON page: the
  rows as JSON). The ids the page finds from the logged-in person (school, plan, year, the
  person) are fixed in the floor's SQL: only the work any page showing those rows must do is
  left. Until session 4 the floors ran the main SELECT only; `bench/README.md` has both.

Every SQL statement of our request is counted (a `before_cursor_execute` listener on the app's
engine): `queries` is the count per request; `rows` is how many rows the floor's SELECT
returned. After the last N the statements run more than once in one request are listed (a
query per row), and those whose plan scans a whole big table (`EXPLAIN QUERY PLAN`: a missing
index, slower as N grows).

Absolute times (against a floor of the same rows written or read with Core):

- `tracker seed` on an empty database (`load_seed`): against inserting the rows it creates
  with Core `executemany`, in the same order; both rolled back after each run;
- `controls generate` for the demo school: creating the occurrences of the seed's three past
  years (against inserting those rows with Core), and the usual run over the current and next
  year that finds nothing to change (against selecting those years' occurrences with Core).

Run: `python -m bench.pages [--n 1,10,100,600] [--repeats 15]` (the feed: at most 9 repeats).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, Response
from sqlalchemy import create_engine, event, insert, select, text

from bench.common import (
    DEMO_TODAY,
    database_kind,
    demo_app,
    empty_app,
    measure,
    measure_reset,
    report_columns,
    scale_app,
)
from tracker.acts.models import LocalAct
from tracker.documents.generation import act_bytes

REPEATS = 15
# A 1,000-item feed takes about a second a request: its median settles within a few per cent
# in 9 repeats, and fewer keep `make bench` (every N up to 600) under ten minutes.
FEED_REPEATS = 9
DEFAULT_N = "1,10,100,600"
DEMO_SLUG = "school20"
TASK_PREFIX = "Проведение педагогического совета"  # linked to both acts, with a history
BIG_TABLE = 500  # rows: a full scan of a smaller table is not worth reporting
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)

# The floor's template: the page's columns, its rows, nothing else.
TABLE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<table><thead><tr>{% for column in columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table></body></html>"""


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # with {task}, {act} from the targets
    columns: tuple[str, ...]
    sql: tuple[str, ...]  # the main SELECT (the task page: the task, then its history)
    as_json: bool = False
    guest: bool = False  # opened by a visitor without a login, as the public pages are


PUBLIC_COLUMNS = ("Документ", "Опубликован", "PDF", "Приказ", "От", "Действует с")
PUBLIC_SQL = """SELECT a.title, p.published_at, p.pdf_state, o.number, o.issued_on, o.in_force_on
    FROM publications p JOIN local_acts a ON a.id = p.act_id
    LEFT JOIN approval_steps s ON s.act_id = a.id AND s.kind = 'enact'
    LEFT JOIN order_steps os ON os.step_id = s.id
    LEFT JOIN orders o ON o.id = os.order_id
    WHERE p.school_id = (SELECT id FROM schools WHERE slug = :slug) AND p.withdrawn_at IS NULL
    ORDER BY a.title, p.id DESC"""
# The lists a page shows besides its main one, read by the floors too.
PHASES_SQL = """SELECT id, parent_id, title FROM phases WHERE plan_id = :plan
    ORDER BY sort_order, id"""
# A person's own tasks: given to them, or to a position of theirs with nobody named.
MINE_SQL = """SELECT t.id FROM tasks t WHERE t.plan_id = :plan AND (
        t.id IN (SELECT task_id FROM task_assignees WHERE person_id = :person)
        OR (NOT EXISTS (SELECT 1 FROM task_assignees ta WHERE ta.task_id = t.id)
            AND t.id IN (SELECT tp.task_id FROM task_positions tp
                         JOIN position_holders h ON h.position_id = tp.position_id
                         WHERE h.person_id = :person)))"""
PAGES = (
    Page(
        "dashboard /",
        "/",
        ("№", "Мероприятие", "Начало", "Срок", "Статус", "Этап"),
        (
            """SELECT t.number, t.sub_number, t.title, t.starts_on, t.due_on, t.status,
                      ph.title
               FROM tasks t JOIN phases ph ON ph.id = t.phase_id
               WHERE t.plan_id = :plan ORDER BY t.sort_order""",
            PHASES_SQL,
            MINE_SQL,
        ),
    ),
    Page(
        "plan /plan",
        "/plan",
        (
            "№",
            "Мероприятие",
            "Начало",
            "Срок",
            "Срок по плану",
            "Статус",
            "Ответственный",
            "Исполнители",
        ),
        (
            """SELECT t.number, t.sub_number, t.title, t.starts_on, t.due_on, t.deadline_text,
                      t.status,
                      (SELECT group_concat(p.title, ', ') FROM task_positions tp
                       JOIN positions p ON p.id = tp.position_id WHERE tp.task_id = t.id),
                      (SELECT group_concat(pe.full_name, ', ') FROM task_assignees ta
                       JOIN people pe ON pe.id = ta.person_id WHERE ta.task_id = t.id)
               FROM tasks t WHERE t.plan_id = :plan ORDER BY t.sort_order""",
            PHASES_SQL,
            "SELECT id, title FROM positions WHERE school_id = :school ORDER BY sort_order",
            """SELECT id, full_name FROM people WHERE school_id = :school AND is_active
               ORDER BY full_name""",
        ),
    ),
    Page(
        "task /tasks/<id>",
        "/tasks/{task}",
        ("Когда", "Кто", "Действие", "Что изменилось"),
        (
            """SELECT t.number, t.title, t.status, t.due_on, t.completion_note
               FROM tasks t WHERE t.id = :task""",
            """SELECT a.at, pe.full_name, a.action, a.changes
               FROM audit_entries a LEFT JOIN people pe ON pe.id = a.actor_id
               WHERE a.object_type = 'task' AND a.object_id = :task
               ORDER BY a.at DESC, a.id DESC LIMIT 50""",
            """SELECT count(*) FROM audit_entries
               WHERE object_type = 'task' AND object_id = :task""",
            """SELECT p.title FROM task_positions tp JOIN positions p ON p.id = tp.position_id
               WHERE tp.task_id = :task""",
            """SELECT pe.full_name FROM task_assignees ta JOIN people pe ON pe.id = ta.person_id
               WHERE ta.task_id = :task""",
            """SELECT t.number, t.title, t.status, t.due_on
               FROM task_dependencies d JOIN tasks t ON t.id = d.blocked_by_id
               WHERE d.task_id = :task""",
            """SELECT a.id, a.title, a.status FROM plan_links l
               JOIN local_acts a ON a.id = l.act_id WHERE l.task_id = :task""",
            """SELECT c.created_at, pe.full_name, c.body FROM task_comments c
               LEFT JOIN people pe ON pe.id = c.author_id
               WHERE c.task_id = :task ORDER BY c.created_at""",
            """SELECT c.title, o.due_on, o.is_done, o.checked_on
               FROM control_checks c JOIN control_occurrences o ON o.check_id = c.id
               WHERE c.task_id = :task AND NOT o.is_orphan ORDER BY o.due_on""",
        ),
    ),
    Page(
        "act /acts/<id>",
        "/acts/{act}",
        ("Шаг", "Орган", "Статус", "Протокол", "Заседание", "Решение", "Приказ", "От"),
        (
            """SELECT s.kind, b.title, s.status, m.protocol_number, m.held_at, ai.decision,
                      o.number, o.issued_on
               FROM approval_steps s
               LEFT JOIN collegial_bodies b ON b.id = s.body_id
               LEFT JOIN agenda_items ai ON ai.step_id = s.id
               LEFT JOIN meetings m ON m.id = ai.meeting_id
               LEFT JOIN order_steps os ON os.step_id = s.id
               LEFT JOIN orders o ON o.id = os.order_id
               WHERE s.act_id = :act ORDER BY s.round, s.sort_order""",
            """SELECT a.title, a.status, a.route, pe.full_name FROM local_acts a
               LEFT JOIN people pe ON pe.id = a.owner_id WHERE a.id = :act""",
            """SELECT v.number, v.created_at, pe.full_name, v.body_text FROM act_versions v
               LEFT JOIN people pe ON pe.id = v.created_by_id
               WHERE v.act_id = :act ORDER BY v.number""",
            """SELECT d.opens_on, d.closes_on, d.closed_on, c.section, c.text, pe.full_name
               FROM act_discussions d
               LEFT JOIN discussion_comments c ON c.discussion_id = d.id
               LEFT JOIN people pe ON pe.id = c.author_id
               WHERE d.act_id = :act ORDER BY d.id, c.id""",
            """SELECT g.number, g.title, g.created_at, pe.full_name
               FROM generated_documents g LEFT JOIN people pe ON pe.id = g.created_by_id
               WHERE g.school_id = :school AND g.subject = 'act:' || :act
               ORDER BY g.id DESC LIMIT 5""",
            """SELECT count(*) FROM generated_documents
               WHERE school_id = :school AND subject = 'act:' || :act""",
            """SELECT published_at, pdf_state, withdrawn_at FROM publications
               WHERE act_id = :act ORDER BY id DESC""",
            """SELECT DISTINCT a.id, a.title FROM local_acts a
               JOIN publications p ON p.act_id = a.id
               WHERE a.school_id = :school AND a.id <> :act AND p.withdrawn_at IS NULL
                 AND p.superseded_by_id IS NULL ORDER BY a.title""",
        ),
    ),
    Page(
        "controls /controls",
        "/controls",
        ("Проверка", "Период", "Срок", "Проведена"),
        (
            """SELECT c.title, o.label, o.due_on, o.is_done
               FROM control_occurrences o JOIN control_checks c ON c.id = o.check_id
               WHERE c.school_id = :school AND o.year_id = :year
               ORDER BY c.sort_order, c.id, o.due_on""",
            """SELECT id, title FROM control_checks WHERE school_id = :school
               ORDER BY sort_order, id""",
            """SELECT id, starts_on, ends_on FROM academic_years WHERE school_id = :school
               ORDER BY starts_on""",
        ),
    ),
    Page(
        "public documents",
        f"/public/{DEMO_SLUG}/documents",
        PUBLIC_COLUMNS,
        (PUBLIC_SQL,),
        guest=True,
    ),
    Page(
        "public documents.json",
        f"/public/{DEMO_SLUG}/documents.json",
        PUBLIC_COLUMNS,
        (PUBLIC_SQL,),
        as_json=True,
        guest=True,
    ),
)


# --- the data the pages are about ---


@dataclass(frozen=True)
class Targets:
    school: int
    plan: int
    task: int
    act: int
    year: int
    person: int  # the director, who opens the pages
    slug: str = DEMO_SLUG


def targets() -> Targets:
    """The demo school's ids: its plan, the council task, the regulation, the current year."""
    from tracker.accounts.models import Person, School
    from tracker.controls import services as controls
    from tracker.demo import REGULATION
    from tracker.extensions import db
    from tracker.plans.models import Plan, Task

    school = db.session.scalar(select(School).where(School.slug == DEMO_SLUG))
    plan = db.session.scalar(select(Plan.id).where(Plan.school_id == school.id))
    task = db.session.scalar(
        select(Task.id).where(Task.plan_id == plan, Task.title.startswith(TASK_PREFIX))
    )
    act = db.session.scalar(
        select(LocalAct.id).where(LocalAct.school_id == school.id, LocalAct.title == REGULATION)
    )
    year = controls.year_of(school, DEMO_TODAY)
    director = db.session.scalar(select(Person.id).where(Person.username == "director"))
    return Targets(school.id, plan, task, act, year.id, director)


# --- ours: the app, logged in ---


@dataclass
class Statements:
    """Every statement the app's engine runs while `recording`."""

    recording: bool = False
    seen: list[tuple[str, object]] = field(default_factory=list)

    def listen(self, engine) -> None:
        def before(conn, cursor, statement, parameters, context, executemany) -> None:
            if self.recording:
                self.seen.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", before)

    @contextmanager
    def record(self) -> Iterator[list[tuple[str, object]]]:
        self.seen = []
        self.recording = True
        try:
            yield self.seen
        finally:
            self.recording = False


def logged_in(app: Flask, username: str, password: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on /login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": match.group(1) or match.group(2),
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"login as {username} failed: {response.status_code}")
    return client


def getter(client, path: str) -> Callable[[], bytes]:
    def get() -> bytes:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
        return response.data

    return get


# --- the floor: a bare Flask app on the same file ---


def in_dialect(sql: str, engine) -> str:
    """The floor's SQL is SQLite's; PostgreSQL spells one aggregate differently."""
    if engine.dialect.name == "postgresql":
        return sql.replace("group_concat(", "string_agg(")
    return sql


def floor_app(database: str, chosen: Targets) -> tuple[Flask, dict[str, int]]:
    """The floor's routes, one per page (`/floor/<index>`), and each one's row count."""
    engine = create_engine(database)
    app = Flask("floor")
    app.extensions["floor_engine"] = engine  # disposed by the caller
    template = app.jinja_env.from_string(TABLE)
    params = chosen.__dict__
    counts: dict[str, int] = {}

    def view_for(page: Page) -> Callable[[], Response | str]:
        statements = [text(in_dialect(sql, engine)) for sql in page.sql]

        def view():
            with engine.connect() as connection:
                rows = [tuple(row) for sql in statements for row in connection.execute(sql, params)]
            if page.as_json:
                body = json.dumps(
                    [dict(zip(page.columns, row, strict=True)) for row in rows],
                    ensure_ascii=False,
                    default=str,
                )
                return Response(body, mimetype="application/json")
            return template.render(title=page.name, columns=page.columns, rows=rows)

        return view

    for index, page in enumerate(PAGES):
        app.add_url_rule(f"/floor/{index}", f"floor{index}", view_for(page))
        with engine.connect() as connection:
            counts[page.name] = sum(
                len(connection.execute(text(in_dialect(sql, engine)), params).all())
                for sql in page.sql
            )
    return app, counts


# --- the feed and the DOCX at each N ---


def feed_and_docx_rows(built, n: int, repeats: int) -> list[dict]:
    """A personal feed of 1,000 items (the demo teacher's, grown with tasks as in
    `bench.feeds`) through the app against the `icalendar` floor, and the regulation's DOCX
    (its data gathered from the database and built) against python-docx writing a plain
    document of the same length. Measured after the pages: the 1,000 tasks join the demo plan."""
    from bench import documents as docx_bench
    from bench import feeds as feed_bench
    from tracker.extensions import db

    with built.app.app_context():
        token, raw = feed_bench.subscribe("teacher")
        feed_bench.grow(token, feed_bench.ITEMS)
        client = built.app.test_client()
        full = getter(client, f"/ical/{raw}.ics")
        full()  # the first poll records the items' sequences, as a client's first poll does
        feed_floor = feed_bench.floor_for(feed_bench.feed_of(token, raw))
        db.session.remove()
    feed = measure(full, feed_floor, min(repeats, FEED_REPEATS))
    with built.app.app_context():
        act = db.session.scalar(
            select(LocalAct).where(LocalAct.title.startswith("Положение об электронном журнале"))
        )
        paragraphs, characters = docx_bench.text_size(act_bytes(act).content)
        docx = measure(
            lambda: act_bytes(act), docx_bench.floor_for(paragraphs, characters), repeats
        )
        db.session.remove()
    return [
        {"name": f"personal feed, {feed_bench.ITEMS} items@{n}", "page": "feed", "n": n} | feed,
        {"name": f"DOCX of the regulation@{n}", "page": "docx", "n": n} | docx,
    ]


# --- one N ---


def run_pages(n: int, repeats: int, diagnose: bool) -> tuple[list[dict], dict]:
    from tracker.extensions import db

    rows: list[dict] = []
    diagnosis: dict = {}
    start = time.perf_counter()
    with scale_app(n) as built:
        with built.app.app_context():
            chosen = targets()
            statements = Statements()
            statements.listen(db.engine)
            engine = db.engine
        client = logged_in(built.app, "director", built.password)
        guest = built.app.test_client()
        floor, counts = floor_app(built.database, chosen)
        floor_client = floor.test_client()
        build_s = time.perf_counter() - start
        for index, page in enumerate(PAGES):
            path = page.path.format(task=chosen.task, act=chosen.act)
            ours = getter(guest if page.guest else client, path)
            with statements.record() as first:
                ours()  # a public page renders here, and is kept until the records change
            with statements.record() as seen:
                ours()
            result = measure(ours, getter(floor_client, f"/floor/{index}"), repeats)
            rows.append(
                {
                    "name": f"{page.name}@{n}",
                    "page": page.name,
                    "n": n,
                    "queries": len(seen),
                    "queries_first": len(first),
                    "floor_queries": len(page.sql),
                    "rows": counts[page.name],
                    **result,
                }
            )
            if diagnose:
                diagnosis[page.name] = diagnose_statements(engine, list(seen))
        floor.extensions["floor_engine"].dispose()
        rows += feed_and_docx_rows(built, n, repeats)
        timings = {
            "n": n,
            "demo_s": built.timings["demo_s"],
            "schools_s": built.timings.get("schools_s", 0.0),
            "per_school_s": built.scale.per_school if built.scale else 0.0,
            "build_s": build_s,
            "measure_s": time.perf_counter() - start - build_s,
        }
    timings["total_s"] = time.perf_counter() - start
    return rows, {"timings": timings, "diagnosis": diagnosis}


def diagnose_statements(engine, seen: list[tuple[str, object]]) -> dict:
    """What one request ran: each statement run more than once, with how many different
    parameter sets (many: a query per object, a lazy load in a loop; one: the same rows loaded
    twice), and the statements whose plan scans the whole of a big table."""
    runs: dict[str, list] = {}
    for statement, parameters in seen:
        runs.setdefault(statement, []).append(parameters)
    scans: set[str] = set()
    explain, scan = (
        ("EXPLAIN ", r"\s*(?:->\s*)?Seq Scan on (\w+)")
        if engine.dialect.name == "postgresql"
        else ("EXPLAIN QUERY PLAN ", r"SCAN (\w+)(?: AS \w+)?$")
    )
    with engine.connect() as connection:
        for statement, parameters in runs.items():
            plan = connection.exec_driver_sql(explain + statement, parameters[0])
            for line in plan:
                match = re.match(scan, line[-1])
                if match is None:
                    continue
                table = match.group(1)
                size = connection.exec_driver_sql(
                    f"SELECT count(*) FROM {table}"  # noqa: S608  # nosec B608 -- from the plan
                ).scalar()
                if size >= BIG_TABLE:
                    scans.add(f"{table} ({size} rows) in {one_line(statement)}")
    return {
        "repeated": [
            {
                "times": len(parameters),
                "parameter_sets": len({repr(p) for p in parameters}),
                "sql": one_line(statement),
            }
            for statement, parameters in sorted(runs.items(), key=lambda item: -len(item[1]))
            if len(parameters) > 1
        ],
        "scans": sorted(scans),
    }


def one_line(statement: str, width: int = 150) -> str:
    """A statement on one line, its column list left out: «SELECT … FROM phases WHERE …»."""
    line = re.sub(
        r"^SELECT (?:(?!\bFROM\b).)*? FROM ", "SELECT … FROM ", " ".join(statement.split())
    )
    return line if len(line) <= width else line[: width - 1] + "…"


# --- absolute times: the seed and the occurrences' generator ---


def table_rows(connection) -> list[tuple[object, list[dict]]]:
    """Every row of every table, in foreign-key order (the migrations' version left out)."""
    from tracker.extensions import db

    found = []
    for table in db.metadata.sorted_tables:
        rows = [dict(row._mapping) for row in connection.execute(select(table))]
        if rows:
            found.append((table, rows))
    return found


def seed_row(repeats: int) -> dict:
    """`tracker seed` on an empty database against Core inserting the rows it creates."""
    from tracker.extensions import db
    from tracker.seed import SEEDS, load_seed

    with empty_app():
        load_seed(SEEDS)
        db.session.flush()
        created = table_rows(db.session.connection())
        db.session.rollback()

        def ours() -> None:
            load_seed(SEEDS)
            db.session.flush()

        def floor() -> None:
            connection = db.session.connection()
            for table, rows in created:
                connection.execute(insert(table), rows)

        result = measure_reset(ours, floor, repeats, db.session.rollback)
    count = sum(len(rows) for _, rows in created)
    return {"name": f"tracker seed (empty db, {count} rows)", "rows": count, **result}


def generate_rows(repeats: int) -> list[dict]:
    """`controls generate` for the demo school: new years, and the usual run with no change."""
    from tracker.accounts.models import School
    from tracker.controls import services as controls
    from tracker.controls.models import ControlCheck, Occurrence
    from tracker.extensions import db

    result = []
    with demo_app():
        school = db.session.scalar(select(School).where(School.slug == DEMO_SLUG))
        empty = [
            year.id
            for year in controls.years_of(school)
            if not db.session.scalar(select(Occurrence.id).where(Occurrence.year_id == year.id))
        ]

        def new_years() -> None:
            years = [year for year in controls.years_of(school) if year.id in empty]
            controls.generate(school, None, DEMO_TODAY, years=years)
            db.session.flush()

        before = db.session.scalar(select(Occurrence.id).order_by(Occurrence.id.desc()))
        new_years()
        created = list(
            db.session.execute(select(Occurrence.__table__).where(Occurrence.id > before))
        )
        created = [dict(row._mapping) for row in created]
        db.session.rollback()

        def insert_rows() -> None:
            db.session.connection().execute(insert(Occurrence.__table__), created)

        measured = measure_reset(new_years, insert_rows, repeats, db.session.rollback)
        result.append(
            {
                "name": f"controls generate (demo, {len(empty)} new years, {len(created)} rows)",
                "rows": len(created),
                **measured,
            }
        )
        current = [year.id for year in controls.current_and_next(school, DEMO_TODAY)]

        def unchanged() -> None:
            report = controls.generate(school, None, DEMO_TODAY)
            if report.created or report.moved or report.removed:
                raise RuntimeError("the demo's current years were not up to date")

        def select_rows() -> int:
            query = (
                select(Occurrence.__table__)
                .join(ControlCheck.__table__)
                .where(ControlCheck.school_id == school.id, Occurrence.year_id.in_(current))
            )
            return len(db.session.connection().execute(query).all())

        measured = measure_reset(unchanged, select_rows, repeats, db.session.rollback)
        result.append(
            {
                "name": f"controls generate (demo, current + next, {select_rows()} unchanged)",
                "rows": select_rows(),
                **measured,
            }
        )
    return result


# --- the run ---


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__)
    parser.add_argument("--n", default=DEFAULT_N, help="schools besides the demo, e.g. 1,10,100")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    counts = [int(part) for part in args.n.split(",") if part.strip()]
    rows: list[dict] = []
    runs = []
    for number, n in enumerate(counts):
        page_rows, run = run_pages(n, args.repeats, diagnose=number == len(counts) - 1)
        rows += page_rows
        runs.append(run)
        timing = run["timings"]
        print(
            f"N={n}: demo {timing['demo_s']:.1f} s, {n} schools {timing['schools_s']:.1f} s "
            f"({timing['per_school_s'] * 1000:.0f} ms a school), pages measured in "
            f"{timing['measure_s']:.1f} s; {timing['total_s']:.1f} s in all",
            flush=True,
        )
    rows.append(seed_row(args.repeats))
    rows += generate_rows(args.repeats)
    path = report_columns(
        f"pages-{database_kind()}" if database_kind() != "sqlite" else "pages",
        rows,
        extra=(("queries", "queries"), ("rows", "rows")),
    )
    document = json.loads(path.read_text(encoding="utf-8"))
    document["runs"] = runs
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    last = runs[-1]
    print(f"\nStatements at N={last['timings']['n']} (all in {path.name}):")
    for page, found in last["diagnosis"].items():
        for item in found["repeated"]:
            kind = "same rows" if item["parameter_sets"] == 1 else "one per object"
            print(f"  {page}: {item['times']}× ({kind}) {item['sql']}")
        for scan in found["scans"]:
            print(f"  {page}: full scan of {scan}")


if __name__ == "__main__":
    main()
