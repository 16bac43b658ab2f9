"""A demo state: people in every position and the plan moved part-way through its year.

Everything goes through the same services the pages use, so the demo obeys the same rules and
leaves the same audit trail.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tracker.accounts import notices
from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Role
from tracker.acts.models import ActStatus, PlanRole
from tracker.acts.samples import sample_text
from tracker.acts.services import acts_of, create_act, link_task
from tracker.approvals.bodies import ensure_bodies, update_body
from tracker.approvals.discussion import add_discussion_comment, close_discussion, open_discussion
from tracker.approvals.meetings import ItemDecision, create_meeting, record_meeting
from tracker.approvals.models import BodyKind, Decision
from tracker.approvals.orders import issue_order
from tracker.approvals.queries import bodies_of, orders_of
from tracker.approvals.route import submit_for_review
from tracker.controls import work
from tracker.controls.models import AcademicYear, Holiday
from tracker.controls.services import (
    FindingInput,
    RecommendationInput,
    add_term,
    generate,
    occurrences_of,
    record_result,
    year_of,
    years_of,
)
from tracker.documents.generation import (
    generate_act,
    generate_order,
    generate_protocol,
    generate_sheet,
)
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task, TaskStatus
from tracker.publication.services import keep_pdf, publish, to_pdf
from tracker.seed import SEEDS, load_seed, position_specs
from tracker.types import shift_years

# A second class teacher shows that one position can be filled by several people.
EXTRA_PEOPLE = [("class_teacher", "class_teacher2", "Орлов Дмитрий Павлович", "7Б класс")]


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, position
    password: str | None = None
    created: bool = False


def plan_year_shift(tasks: list[Task], today: date) -> int:
    """Whole years to move the plan by so that today falls inside its span (0 if it does)."""
    spans = [(task.starts_on or task.due_on, task.due_on) for task in tasks if task.due_on]
    if not spans:
        return 0
    start = min(starts_on for starts_on, _due_on in spans)
    end = max(due_on for _starts_on, due_on in spans)
    if start <= today <= end:
        return 0
    years = today.year - start.year
    if shift_years(start, years) > today:
        years -= 1
    return years if shift_years(end, years) >= today else 0


DONE_NOTES = {
    "совещание": "Проведено, протокол совещания в папке проекта.",
    "анализ": "Анализ проведён, справка передана директору.",
    "приказ": "Приказ подписан и зарегистрирован.",
    "консультац": "Консультации проведены по графику, лист регистрации приложен.",
}


def done_note(task: Task) -> str:
    title = task.title.lower()
    for word, note in DONE_NOTES.items():
        if word in title:
            return note
    return "Выполнено в срок."


def demo_password() -> str:
    """One new password for every demo login (the rules refuse one that holds a login)."""
    return accounts.random_password(*demo_usernames())


def demo_usernames() -> list[str]:
    return [spec["demo"] for spec in position_specs(SEEDS)] + [p[1] for p in EXTRA_PEOPLE]


def real_people() -> int:
    """How many people the database holds besides the demo's own: a school at work, where
    twelve accounts with one shared password must never appear."""
    return (
        db.session.scalar(select(func.count()).where(Person.username.not_in(demo_usernames()))) or 0
    )


def load_demo(today: date, password: str | None = None) -> DemoReport:
    """Create the demo people and tell the school's story up to `today`: the plan under way,
    the acts on their routes, the checks recorded. A second run only lists the logins."""
    with notices.quiet():  # the story of the past weeks: its notices went out back then
        return _load(today, password)


def _load(today: date, password: str | None) -> DemoReport:
    school = load_seed(SEEDS).school
    report = _people(school, password)
    if report.created:
        director = db.session.scalar(select(Person).where(Person.username == "director"))
        plan = plans.school_plan(school)
        if plan is not None and director is not None:
            tasks = plans.plan_tasks(plan)
            shift = plan_year_shift(tasks, today)
            _plan_under_way(tasks, director, today)
            _acts_story(school, tasks, director, today)
            _checks_story(school, director, today, shift)
    return report


def _people(school, password: str | None) -> DemoReport:
    """A person in every position (and a second class teacher), all with one password."""
    report = DemoReport()
    by_code = {position.code: position for position in school.positions}
    wanted = [
        (spec["code"], spec["demo"], spec["demo_name"], "") for spec in position_specs(SEEDS)
    ] + EXTRA_PEOPLE
    existing = {
        person.username: person
        for person in db.session.scalars(select(Person).where(Person.school_id == school.id))
    }
    if password is None and any(username not in existing for _, username, _, _ in wanted):
        password = demo_password()
    report.password = password
    for code, username, full_name, note in wanted:
        person = existing.get(username)
        if person is None:
            role = Role.DIRECTOR if code == "director" else Role.STAFF
            person, _ = accounts.create_person(
                school,
                username=username,
                full_name=full_name,
                role=role,
                password=password,
                # A reserved domain (RFC 2606): the demo's messages land in instance/outbox/.
                email=f"{username}@{school.slug}.example",
            )
            accounts.fill_position(by_code[code], person, actor=None, note=note)
            # The demo's director runs the demo installation too: «Школы» shows the page an
            # education office uses to bring its schools aboard.
            person.runs_installation = role == Role.DIRECTOR
            report.created = True
        report.logins.append((username, person.full_name, by_code[code].title))
    return report


def _first_holder(task: Task, fallback: Person) -> Person:
    for position in task.positions:
        if position.holders:
            return position.holders[0].person
    return fallback


def _plan_under_way(tasks: list[Task], director: Person, today: date) -> None:
    """The plan moved into this year; what is past done (one left late), what has begun in
    progress, one item re-dated to come soon, a comment from the director."""
    plans.shift_plan(tasks, plan_year_shift(tasks, today), director)
    late_left = False
    for task in tasks:
        actor = _first_holder(task, director)
        if task.title.startswith("Составление графика обучения"):
            # Re-dated by the director to come soon, so «ближайшие 30 дней» has something in it.
            plans.redate_tasks([task], today, today + timedelta(days=14), director)
            plans.change_status(task, actor, TaskStatus.IN_PROGRESS, note="График согласуем.")
            continue
        if task.due_on is None:  # a recurring item follows its occurrences (_checks_story)
            continue
        if task.due_on < today:
            if (
                not late_left
                and task.due_on.month == today.month - 1
                or (not late_left and "Публикация" in task.title)
            ):
                # One late task, so the dashboard shows what «просрочено» looks like.
                plans.change_status(task, actor, TaskStatus.IN_PROGRESS, note="Готовим материалы.")
                late_left = True
                continue
            plans.change_status(task, actor, TaskStatus.DONE, note=done_note(task))
        elif (task.starts_on or task.due_on) <= today:
            plans.change_status(task, actor, TaskStatus.IN_PROGRESS)
    for task in tasks:
        if "персональных данных" in task.title:
            plans.add_comment(task, director, "Бланки согласий раздать на родительских собраниях.")
            break


REGULATION = "Положение об электронном журнале успеваемости"
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"
DATA_ACT_TEXT = (
    "1. Общие положения\n1.1. Положение определяет порядок обработки персональных данных."
)
EXPORT_ACT = "Регламент выгрузки электронного журнала на бумажный носитель"
EXPORT_ACT_TEXT = (
    "1. Общие положения\n1.1. Регламент устанавливает порядок выгрузки ЭЖ на бумажный "
    "носитель.\n2. Порядок выгрузки\n2.1. Выгрузка проводится в конце каждой четверти, "
    "полугодия и учебного года.\n3. Хранение\n3.1. Распечатанный журнал прошивается, "
    "заверяется подписью директора и печатью и хранится в архиве школы."
)
# The plan's approval items by the start of their title, and the step each stands for.
PLAN_ROLES = {
    "Организация и проведение общественного обсуждения": PlanRole.DISCUSSION,
    "Проведение педагогического совета": PlanRole.PED_COUNCIL,
    "Проведение заседания Совета родителей": PlanRole.PARENTS_COUNCIL,
    "Утверждение и введение в действие": PlanRole.ORDER,
    "Публикация всей нормативной базы": PlanRole.PUBLICATION,
}


# --- helpers the story below and the benchmarks' generated schools (bench.scale) share ---


def at_three_pm(day: date) -> datetime:
    """A meeting's usual hour at the school."""
    return datetime.combine(day, time(15, 0), tzinfo=ZoneInfo("Europe/Moscow"))


def staff_councils(school, director: Person, people: dict, ped_members: int) -> dict:
    """The school's four councils with their members, chairs and secretaries (`people` by the
    demo's logins without a school prefix); returns them by kind."""
    bodies = {body.kind: body for body in ensure_bodies(school)}
    staffing = {
        BodyKind.PED_COUNCIL: (ped_members, director, people["ped_secretary"]),
        BodyKind.PARENTS_COUNCIL: (12, people["parents_chair"], people["parents_secretary"]),
        BodyKind.STUDENTS_COUNCIL: (9, None, None),
        BodyKind.EMPLOYEES_BODY: (5, None, None),
    }
    for kind, (members, chair, secretary) in staffing.items():
        update_body(
            bodies[kind],
            director,
            members_count=members,
            chair=chair,
            secretary=secretary,
            quorum_numerator=2,
            quorum_denominator=3,
        )
    return bodies


def link_plan_roles(
    tasks: list[Task], acts: list, director: Person, roles: dict[str, PlanRole] = PLAN_ROLES
) -> None:
    """The plan's approval items follow the acts' records from now on."""
    for prefix, role in roles.items():
        task = next((t for t in tasks if t.title.startswith(prefix)), None)
        if task is not None:
            for act in acts:
                link_task(task, act, role, director)


def hold_meeting(
    body, *, day: date, place: str, present: int, acts: list, decision: ItemDecision, today: date
):
    """A council's meeting № 1 on `acts`, held and recorded by its secretary with the same
    decision on every act."""
    meeting = create_meeting(
        body, body.secretary, held_at=at_three_pm(day), place=place, protocol_number=1, acts=acts
    )
    record_meeting(
        meeting,
        body.secretary,
        present_count=present,
        today=today,
        expected_version=None,
        decisions={item.id: decision for item in meeting.items},
    )
    return meeting


def record_check(
    occurrence,
    checker: Person,
    today: date,
    *,
    violation: FindingInput | None = None,
    conclusion: str = "Нарушений не выявлено.",
    recommendations: list[RecommendationInput] | None = None,
    without_recommendations: bool = False,
) -> None:
    """A check's result on its due day, every criterion clean but the first when `violation`
    names what was found there."""
    findings = [FindingInput(criterion, 0) for criterion in occurrence.check.criteria]
    if violation is not None:
        findings[0] = violation
    record_result(
        occurrence,
        checker,
        checked_on=occurrence.due_on,
        objects="1–11 классы",
        findings=findings,
        conclusion=conclusion,
        recommendations=recommendations or [],
        without_recommendations=without_recommendations,
        today=today,
        expected_version=None,
    )


def checker_of(check, fallback: Person) -> Person:
    """Who carries a check out: the first holder of its position, else `fallback`."""
    holders = check.position.holders if check.position else []
    return holders[0].person if holders else fallback


# --- the story of the acts: one step each ---


def _acts_story(school, tasks: list[Task], director: Person, today: date) -> None:
    """Councils staffed; the regulation in force through its whole route; a second act
    waiting for the pedagogical council; a third open for comments; the plan's approval items
    following the first two; their documents made and the regulation on the site."""
    people = {p.username: p for p in school.people}
    bodies = staff_councils(school, director, people, ped_members=32)
    regulation, data_act = _acts_drafted(school, people["deputy_uvr"])
    link_plan_roles(tasks, [regulation, data_act], director)
    council_day = _plan_day(tasks, "Проведение педагогического совета", today)
    _regulation_discussed(regulation, people, council_day)
    parents_day = _regulation_adopted(regulation, people, bodies, council_day, today)
    _regulation_enacted(school, director, regulation, parents_day + timedelta(days=3), today)
    _data_act_discussed_and_submitted(data_act, people, today)
    _export_rules_open_for_comments(school, people, today)
    _documents_made(school, director)
    _regulation_published(school, director)


def _acts_drafted(school, deputy: Person) -> tuple:
    """The deputy drafts the regulation (the built-in text with the school's names) and the
    act on personal data."""
    title, text = sample_text(school, "ezh_regulation")
    return create_act(school, deputy, title, text), create_act(
        school, deputy, DATA_ACT, DATA_ACT_TEXT
    )


def _regulation_discussed(regulation, people: dict, council_day: date) -> None:
    """The staff discuss the regulation before the council; the meeting gathers the comments."""
    _discussed(
        regulation,
        people,
        council_day - timedelta(days=21),
        council_day - timedelta(days=7),
        [
            (
                "teacher",
                "3. Правила ведения",
                "Уточнить срок внесения отметок за письменные "
                "работы: учителю нужно время на проверку, предлагаю — не позднее трёх дней.",
            ),
            (
                "class_teacher",
                "6. Хранение",
                "Указать, сколько лет хранятся бумажные выгрузки ЭЖ в архиве.",
            ),
            ("ej_officer", "", "Предлагаю приложить памятку для родителей о входе в ЭЖ."),
        ],
    )


def _regulation_adopted(regulation, people: dict, bodies: dict, council_day: date, today: date):
    """Submitted by its owner, adopted by the pedagogical council, given the parents'
    council's opinion six days later; returns that day."""
    submit_for_review(regulation, people["deputy_uvr"], None)
    hold_meeting(
        bodies[BodyKind.PED_COUNCIL],
        day=council_day,
        place="Актовый зал",
        present=28,
        acts=[regulation],
        decision=ItemDecision(
            Decision.ADOPTED,
            27,
            0,
            1,
            speaker="Смирнова Е. В., заместитель директора по УВР",
            speeches="Фёдоров А. М., учитель: предложил выставлять отметки за письменные "
            "работы в течение недели после их проведения",
        ),
        today=today,
    )
    parents_day = council_day + timedelta(days=6)
    hold_meeting(
        bodies[BodyKind.PARENTS_COUNCIL],
        day=parents_day,
        place="Кабинет 12",
        present=10,
        acts=[regulation],
        decision=ItemDecision(Decision.OPINION_FOR, 10, 0, 0),
        today=today,
    )
    return parents_day


def _regulation_enacted(school, director: Person, regulation, order_day: date, today: date):
    issue_order(
        school,
        director,
        number="45",
        issued_on=order_day,
        title="Об утверждении Положения об электронном журнале успеваемости",
        acts=[regulation],
        in_force_on=order_day,
        today=today,
    )


def _data_act_discussed_and_submitted(data_act, people: dict, today: date) -> None:
    """The act on personal data was discussed and its owner closed the discussion; it now
    waits for the pedagogical council."""
    discussion = _discussed(
        data_act,
        people,
        today - timedelta(days=24),
        today - timedelta(days=10),
        [
            (
                "class_teacher2",
                "1. Общие положения",
                "Перечислить, какие данные учеников видят "
                "классные руководители, а какие — только администрация.",
            )
        ],
    )
    close_discussion(
        discussion, people["deputy_uvr"], today=today - timedelta(days=9), expected_version=None
    )
    submit_for_review(data_act, people["deputy_uvr"], None)


def _export_rules_open_for_comments(school, people: dict, today: date) -> None:
    """A third draft is open for the staff's comments now, outside the plan's items."""
    export_rules = create_act(school, people["deputy_uvr"], EXPORT_ACT, EXPORT_ACT_TEXT)
    _discussed(
        export_rules,
        people,
        today - timedelta(days=2),
        today + timedelta(days=12),
        [("teacher", "2. Порядок выгрузки", "Указать, кто проверяет распечатку до подписи.")],
        as_of=today,
    )


def _documents_made(school, director: Person) -> None:
    """Every act, protocol and order of the demo has its generated DOCX, made by whoever
    would make it: the act's owner, the council's secretary, the director."""
    for act in acts_of(school):
        generate_act(act, act.owner)
    for body in bodies_of(school):
        for meeting in body.meetings:
            generate_protocol(meeting, body.secretary)
    for order in orders_of(school):
        generate_order(order, director)
        generate_sheet(order, director)


def _regulation_published(school, director: Person) -> None:
    """The act in force goes on the school's site, its PDF made as the worker would make it;
    the drafts stay off it."""
    for act in acts_of(school):
        if act.status == ActStatus.IN_FORCE:
            publication = publish(act, director)
            keep_pdf(publication, *to_pdf(publication.document.content))


def _discussed(act, people, opens_on, closes_on, comments, as_of=None):
    """A discussion of `act` opened by its owner with the staff's comments on its sections."""
    discussion = open_discussion(
        act,
        act.owner,
        opens_on=opens_on,
        closes_on=closes_on,
        today=opens_on,
        expected_version=None,
    )
    day = as_of or opens_on + timedelta(days=1)
    day = min(day, closes_on)
    for hour, (username, section, text) in enumerate(comments, start=10):
        comment = add_discussion_comment(
            discussion, people[username], section=section, text=text, today=day
        )
        # Dated on the day the demo pretends it was written, not on the day the demo ran.
        comment.created_at = at_three_pm(day).replace(hour=hour)
    return discussion


def _plan_day(tasks: list[Task], prefix: str, today: date) -> date:
    task = next((t for t in tasks if t.title.startswith(prefix)), None)
    day = task.due_on - timedelta(days=2) if task and task.due_on else today - timedelta(days=60)
    return min(day, today - timedelta(days=10))


# --- the story of the control checks ---


def _checks_story(school, director: Person, today: date, shift: int) -> None:
    """The calendar follows the plan into the current year; the first months of this school
    year are recorded: most checks done, one with violations and a recommendation that became
    a teacher's task, one left overdue."""
    if shift:
        _calendar_moved(school, shift)
    generate(school, director, today)
    year = year_of(school, today)
    if year is not None:
        _checks_recorded(school, year, director, today)


def _calendar_moved(school, shift: int) -> None:
    """The seed's first two school years moved by the same whole years as the plan."""
    have = {year.starts_on for year in years_of(school)}
    for year in years_of(school)[:2]:
        starts_on = shift_years(year.starts_on, shift)
        if starts_on in have:
            continue
        moved = AcademicYear(
            school=school, starts_on=starts_on, ends_on=shift_years(year.ends_on, shift)
        )
        db.session.add(moved)
        db.session.flush()
        for term in year.terms:
            add_term(
                moved,
                None,
                term.kind,
                shift_years(term.starts_on, shift),
                shift_years(term.ends_on, shift),
            )
        for holiday in year.holidays:
            db.session.add(
                Holiday(
                    year=moved,
                    title=holiday.title,
                    starts_on=shift_years(holiday.starts_on, shift),
                    ends_on=shift_years(holiday.ends_on, shift),
                )
            )
        db.session.flush()


def _checks_recorded(school, year, director: Person, today: date) -> None:
    """Every check due before today is recorded by its checker, but the October check of the
    marks' count (left overdue: the grid shows one red cell); October's timeliness check found
    late marks and gave a recommendation, September's attendance check a slip fixed on the
    spot."""
    class_teacher2 = next(p for p in school.people if p.username == "class_teacher2")
    for occurrence in occurrences_of(school, year):
        if occurrence.due_on >= today:
            continue
        check = occurrence.check
        title, month = check.title, occurrence.label
        if title.startswith("Проверка наполняемости") and month.startswith("октябрь"):
            continue
        checker = checker_of(check, director)
        if title.startswith("Проверка своевременности") and month.startswith("октябрь"):
            record_check(
                occurrence,
                checker,
                today,
                violation=FindingInput(check.criteria[0], 2, "5А, 7Б: отметки внесены через день"),
                conclusion="Отметки в двух классах внесены с опозданием.",
                recommendations=[
                    RecommendationInput(
                        "Вносить отметки в день урока; исправить записи за октябрь",
                        class_teacher2,
                        today + timedelta(days=10),
                    )
                ],
            )
        elif title.startswith("Проверка отражения посещаемости") and month.startswith("сентябрь"):
            record_check(
                occurrence,
                checker,
                today,
                violation=FindingInput(check.criteria[0], 1, "6А: один урок без отметки"),
                conclusion="Единичный пропуск, исправлен в ходе проверки.",
                without_recommendations=True,
            )
        else:
            record_check(occurrence, checker, today)
        for person in work.doers(check, db.session.get(Task, check.task_id or 0)):
            # Every class teacher printed her class's journal at the first quarter's end.
            work.mark_part(occurrence, person, person, note="", today=today)
