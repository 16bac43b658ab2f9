"""A demo state: people in every position and the plan moved part-way through its year.

Everything goes through the same services the pages use, so the demo obeys the same rules and
leaves the same audit trail.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracker.accounts import services as accounts
from tracker.accounts.models import Person, Role
from tracker.extensions import db
from tracker.plans import services as plans
from tracker.plans.models import Task, TaskStatus
from tracker.seed import SEEDS, load_seed, position_specs

# A second class teacher shows that one position can be filled by several people.
EXTRA_PEOPLE = [("class_teacher", "class_teacher2", "Орлов Дмитрий Павлович", "7Б класс")]


@dataclass
class DemoReport:
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, position
    password: str | None = None
    created: bool = False


def shift_years(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def plan_year_shift(tasks: list[Task], today: date) -> int:
    """Whole years to move the plan by so that today falls inside its span (0 if it does)."""
    dated = [task for task in tasks if task.due_on]
    if not dated:
        return 0
    start = min(task.starts_on or task.due_on for task in dated)
    end = max(task.due_on for task in dated)
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
    usernames = [spec["demo"] for spec in position_specs(SEEDS)]
    return accounts.random_password(*usernames, *(person[1] for person in EXTRA_PEOPLE))


def load_demo(today: date, password: str | None = None) -> DemoReport:
    """Create the demo people and move the plan; a second run only lists the logins."""
    report = DemoReport()
    school = load_seed(SEEDS).school
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
                school, username=username, full_name=full_name, role=role, password=password
            )
            accounts.fill_position(by_code[code], person, actor=None, note=note)
            report.created = True
        report.logins.append((username, person.full_name, by_code[code].title))
    if report.created:
        director = db.session.scalar(select(Person).where(Person.username == "director"))
        plan = plans.school_plan(school)
        if plan is not None and director is not None:
            tasks = plans.plan_tasks(plan)
            shift = plan_year_shift(tasks, today)
            _move_plan(tasks, director, today)
            _approvals_demo(school, tasks, director, today)
            _controls_demo(school, director, today, shift)
    return report


def _first_holder(task: Task, fallback: Person) -> Person:
    for position in task.positions:
        if position.holders:
            return position.holders[0].person
    return fallback


def _move_plan(tasks: list[Task], director: Person, today: date) -> None:
    years = plan_year_shift(tasks, today)
    if years:
        for task in tasks:
            if task.due_on:
                plans.redate_tasks(
                    [task],
                    shift_years(task.starts_on, years) if task.starts_on else None,
                    shift_years(task.due_on, years),
                    director,
                )
    late_left = False
    for task in tasks:
        actor = _first_holder(task, director)
        if task.title.startswith("Составление графика обучения"):
            # Re-dated by the director to come soon, so «ближайшие 30 дней» has something in it.
            plans.redate_tasks([task], today, today + timedelta(days=14), director)
            plans.change_status(task, actor, TaskStatus.IN_PROGRESS, note="График согласуем.")
            continue
        if task.due_on is None:
            if task.sub_number in (1, 3):
                plans.change_status(task, actor, TaskStatus.IN_PROGRESS, note="Идёт по плану ВШК.")
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
EXPORT_ACT = "Регламент выгрузки электронного журнала на бумажный носитель"
PLAN_ROLES = {
    "Организация и проведение общественного обсуждения": "discussion",
    "Проведение педагогического совета": "ped_council",
    "Проведение заседания Совета родителей": "parents_council",
    "Утверждение и введение в действие": "order",
    "Публикация всей нормативной базы": "publication",
}


def _approvals_demo(school, tasks: list[Task], director: Person, today: date) -> None:
    """Councils staffed; the regulation in force through its whole route; a second act
    waiting for the pedagogical council; the plan's approval items following both."""
    from tracker.approvals import services as approvals
    from tracker.approvals.models import BodyKind, Decision, PlanRole
    from tracker.approvals.services import ItemDecision

    people = {p.username: p for p in school.people}
    bodies = staff_councils(school, director, people, ped_members=32)
    from tracker.documents.services import sample_text

    title, text = sample_text(school, "ezh_regulation")
    regulation = approvals.create_act(school, people["deputy_uvr"], title, text)
    data_act = approvals.create_act(
        school,
        people["deputy_uvr"],
        DATA_ACT,
        "1. Общие положения\n1.1. Положение определяет порядок обработки персональных данных.",
    )
    for prefix, role in PLAN_ROLES.items():
        task = next((t for t in tasks if t.title.startswith(prefix)), None)
        if task is not None:
            for act in (regulation, data_act):
                approvals.link_task(task, act, PlanRole(role), director)
    council_day = _plan_day(tasks, "Проведение педагогического совета", today)
    # The staff discuss the regulation before the council; the meeting gathers the comments.
    _discussed(
        approvals,
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
    approvals.submit_for_review(regulation, people["deputy_uvr"], None)
    held = _meeting_holder(approvals, act=regulation, today=today)
    held(
        bodies[BodyKind.PED_COUNCIL],
        council_day,
        "Актовый зал",
        28,
        ItemDecision(
            Decision.ADOPTED, 27, 0, 1, speaker="Смирнова Е. В., заместитель директора по УВР"
        ),
    )
    parents_day = council_day + timedelta(days=6)
    held(
        bodies[BodyKind.PARENTS_COUNCIL],
        parents_day,
        "Кабинет 12",
        10,
        ItemDecision(Decision.OPINION_FOR, 10, 0, 0),
    )
    order_day = parents_day + timedelta(days=3)
    approvals.issue_order(
        school,
        director,
        number="45",
        issued_on=order_day,
        title="Об утверждении Положения об электронном журнале успеваемости",
        acts=[regulation],
        in_force_on=order_day,
        today=today,
    )
    data_discussion = _discussed(
        approvals,
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
    approvals.close_discussion(
        data_discussion,
        people["deputy_uvr"],
        today=today - timedelta(days=9),
        expected_version=None,
    )
    approvals.submit_for_review(data_act, people["deputy_uvr"], None)
    # A third draft is open for the staff's comments now, outside the plan's items.
    export_rules = approvals.create_act(
        school,
        people["deputy_uvr"],
        EXPORT_ACT,
        "1. Общие положения\n1.1. Регламент устанавливает порядок выгрузки ЭЖ на бумажный "
        "носитель.\n2. Порядок выгрузки\n2.1. Выгрузка проводится в конце каждой четверти, "
        "полугодия и учебного года.\n3. Хранение\n3.1. Распечатанный журнал прошивается, "
        "заверяется подписью директора и печатью и хранится в архиве школы.",
    )
    _discussed(
        approvals,
        export_rules,
        people,
        today - timedelta(days=2),
        today + timedelta(days=12),
        [("teacher", "2. Порядок выгрузки", "Указать, кто проверяет распечатку до подписи.")],
        as_of=today,
    )
    _documents_demo(school, director)


def _documents_demo(school, director: Person) -> None:
    """Every act, protocol and order of the demo has its generated DOCX, made by whoever
    would make it: the act's owner, the council's secretary, the director."""
    from tracker.approvals import services as approvals
    from tracker.documents import services as documents

    for act in approvals.acts_of(school):
        documents.generate_act(act, act.owner)
    for body in approvals.bodies_of(school):
        for meeting in body.meetings:
            documents.generate_protocol(meeting, body.secretary)
    for order in approvals.orders_of(school):
        documents.generate_order(order, director)
        documents.generate_sheet(order, director)
    # The act in force goes on the school's site; the drafts stay off it.
    from tracker.documents.models import ActStatus
    from tracker.publication import services as publication

    for act in approvals.acts_of(school):
        if act.status == ActStatus.IN_FORCE:
            publication.publish(act, director)


def _discussed(approvals, act, people, opens_on, closes_on, comments, as_of=None):
    """A discussion of `act` opened by its owner with the staff's comments on its sections."""
    discussion = approvals.open_discussion(
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
        comment = approvals.add_discussion_comment(
            discussion, people[username], section=section, text=text, today=day
        )
        # Dated on the day the demo pretends it was written, not on the day the demo ran.
        comment.created_at = at_three_pm(day).replace(hour=hour)
    return discussion


def staff_councils(school, director: Person, people: dict, ped_members: int) -> dict:
    """The school's four councils with their members, chairs and secretaries (`people` by the
    demo's logins without a school prefix); returns them by kind."""
    from tracker.approvals import services as approvals
    from tracker.approvals.models import BodyKind

    bodies = {body.kind: body for body in approvals.ensure_bodies(school)}
    staffing = {
        BodyKind.PED_COUNCIL: (ped_members, director, people["ped_secretary"]),
        BodyKind.PARENTS_COUNCIL: (12, people["parents_chair"], people["parents_secretary"]),
        BodyKind.STUDENTS_COUNCIL: (9, None, None),
        BodyKind.EMPLOYEES_BODY: (5, None, None),
    }
    for kind, (members, chair, secretary) in staffing.items():
        approvals.update_body(
            bodies[kind],
            director,
            members_count=members,
            chair=chair,
            secretary=secretary,
            quorum_numerator=2,
            quorum_denominator=3,
        )
    return bodies


def _meeting_holder(approvals, *, act, today: date):
    """A council's meeting № 1 on `act`, held and recorded by its secretary."""

    def held(body, day: date, place: str, present: int, decision) -> None:
        meeting = approvals.create_meeting(
            body,
            body.secretary,
            held_at=at_three_pm(day),
            place=place,
            protocol_number=1,
            acts=[act],
        )
        approvals.record_meeting(
            meeting,
            body.secretary,
            present_count=present,
            today=today,
            expected_version=None,
            decisions={meeting.items[0].id: decision},
        )

    return held


def _plan_day(tasks: list[Task], prefix: str, today: date) -> date:
    task = next((t for t in tasks if t.title.startswith(prefix)), None)
    day = task.due_on - timedelta(days=2) if task and task.due_on else today - timedelta(days=60)
    return min(day, today - timedelta(days=10))


def at_three_pm(day: date) -> datetime:
    """A meeting's usual hour at the school."""
    return datetime.combine(day, time(15, 0), tzinfo=ZoneInfo("Europe/Moscow"))


def _controls_demo(school, director: Person, today: date, shift: int) -> None:
    """The calendar follows the plan into the current year (the seed's years moved by the same
    whole years); the first months of this school year are recorded: most checks done, one
    with violations and a recommendation that became a teacher's task, one left overdue."""
    from tracker.controls import services as controls
    from tracker.controls.models import AcademicYear, Holiday
    from tracker.controls.services import FindingInput, RecommendationInput

    if shift:
        have = {year.starts_on for year in controls.years_of(school)}
        for year in controls.years_of(school)[:2]:
            starts_on = shift_years(year.starts_on, shift)
            if starts_on in have:
                continue
            moved = AcademicYear(
                school=school, starts_on=starts_on, ends_on=shift_years(year.ends_on, shift)
            )
            db.session.add(moved)
            db.session.flush()
            for term in year.terms:
                controls.add_term(
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
    controls.generate(school, director, today)
    year = controls.year_of(school, today)
    if year is None:
        return
    people = {p.username: p for p in school.people}
    for occurrence in controls.occurrences_of(school, year):
        if occurrence.due_on >= today:
            continue
        check = occurrence.check
        title = check.title
        if title.startswith("Проверка наполняемости") and occurrence.label.startswith("октябрь"):
            continue  # left overdue: the grid shows one red cell
        findings = [FindingInput(criterion, 0) for criterion in check.criteria]
        recommendations: list[RecommendationInput] = []
        conclusion = "Нарушений не выявлено."
        without = False
        if title.startswith("Проверка своевременности") and occurrence.label.startswith("октябрь"):
            findings[0] = FindingInput(check.criteria[0], 2, "5А, 7Б: отметки внесены через день")
            conclusion = "Отметки в двух классах внесены с опозданием."
            recommendations = [
                RecommendationInput(
                    "Вносить отметки в день урока; исправить записи за октябрь",
                    people["class_teacher2"],
                    today + timedelta(days=10),
                )
            ]
        elif title.startswith("Проверка отражения посещаемости") and occurrence.label.startswith(
            "сентябрь"
        ):
            findings[0] = FindingInput(check.criteria[0], 1, "6А: один урок без отметки")
            conclusion = "Единичный пропуск, исправлен в ходе проверки."
            without = True
        checker = (
            check.position.holders[0].person
            if check.position and check.position.holders
            else director
        )
        controls.record_result(
            occurrence,
            checker,
            checked_on=occurrence.due_on,
            objects="1–11 классы",
            findings=findings,
            conclusion=conclusion,
            recommendations=recommendations,
            without_recommendations=without,
            today=today,
            expected_version=None,
        )
