"""The data of each document, read from the records: who is who as documents name them, an act
with its stamps, an order with its appendices and familiarisation list, a protocol, the plan, a
control report. Reads only; the builders turn this data into DOCX (`builders`), and
`generation` keeps what they make.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.accounts.models import Person, Position, PositionHolder, School
from tracker.accounts.services import holders
from tracker.acts.models import ActStatus, LocalAct
from tracker.approvals.models import ApprovalStep, BodyKind, Meeting, Order, OrderKind
from tracker.approvals.queries import (
    current_round,
    enacting_order,
    gathered_comments,
    requisites,
)
from tracker.controls import work
from tracker.documents import builders
from tracker.documents.builders import (
    ActDoc,
    OrderDoc,
    PlanDoc,
    PlanRow,
    ProtocolDoc,
    ProtocolItem,
    SchoolInfo,
    SheetDoc,
    Stamp,
    Timeline,
    TimelineRow,
)
from tracker.documents.docx_form import requisite_line
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans import services as plans

BODY_GENITIVE = {
    BodyKind.PED_COUNCIL: "педагогического совета",
    BodyKind.PARENTS_COUNCIL: "Совета родителей",
    BodyKind.STUDENTS_COUNCIL: "Совета обучающихся",
    BodyKind.EMPLOYEES_BODY: "представительного органа работников",
}


PERSONAL_DATA_WORDS = ("журнал", "персональн", "согласи")


def legal_basis(school: School, titles: tuple[str, ...] = ("журнал",)) -> str:
    """The grounds an order cites: the school adopts its local acts under 273-ФЗ (п. 1 ч. 3
    ст. 28, ст. 30) and its charter; 152-ФЗ where the acts concern personal data (the
    e-journal holds pupils' marks and attendance)."""
    personal = any(word in title.lower() for title in titles for word in PERSONAL_DATA_WORDS)
    laws = [
        "пунктом 1 части 3 статьи 28 и статьёй 30 Федерального закона от 29.12.2012 "
        "№ 273-ФЗ «Об образовании в Российской Федерации»"
    ]
    if personal:
        laws.append("Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных»")
    laws.append(f"Уставом {school.short_name}")
    return "В соответствии с " + ", ".join(laws)


def signature_name(person: Person | None) -> str:
    """«Т. П. Иванова» from «Иванова Татьяна Петровна», as a signature line reads."""
    if person is None:
        return ""
    surname, *given = person.full_name.split()
    return " ".join([*(f"{name[0]}." for name in given), surname])


def school_info(school: School) -> SchoolInfo:
    directors = holders(school, "director")
    return SchoolInfo(
        full_name=school.full_name,
        short_name=school.short_name,
        city=school.city,
        address=school.address,
        website=school.website,
        director_name=signature_name(directors[0]) if directors else "",
    )


def staff_list(school: School) -> tuple[tuple[str, str], ...]:
    """Every active person of the school with their positions, for a familiarisation list."""
    rows = db.session.execute(
        select(Person.id, Person.full_name, Position.title)
        .join(PositionHolder, PositionHolder.person_id == Person.id)
        .join(Position, Position.id == PositionHolder.position_id)
        .where(Person.school_id == school.id, Person.is_active)
        .order_by(Person.full_name, Position.sort_order, Position.id)
    )
    people: dict[int, tuple[str, list[str]]] = {}
    for person_id, name, title in rows:
        people.setdefault(person_id, (name, []))[1].append(title)
    return tuple((name, ", ".join(titles)) for name, titles in people.values())


def act_stamps(act: LocalAct, route: list[ApprovalStep] | None = None) -> tuple[Stamp, ...]:
    """The act's stamps from the round of its current text: filled when recorded, blank while
    pending. A draft (a new text, or one sent back) has every stamp of its route blank: the
    decisions on an earlier text do not stand for this one. (`route`: every step of the act,
    when the caller has read them.)"""
    steps = current_round(act, route)
    version = act.current_version
    if (
        act.status == ActStatus.DRAFT
        or not steps
        or version is None
        or steps[0].version_number != version.number
    ):
        return tuple(Stamp(str(kind)) for kind in act.route)
    return tuple(Stamp(str(r.kind), r.number, r.on, r.amended) for r in requisites(act, steps))


def act_doc(
    act: LocalAct, appendix_to: str = "", route: list[ApprovalStep] | None = None
) -> ActDoc:
    version = act.current_version
    return ActDoc(
        school=school_info(act.school),
        title=act.title,
        body_text=version.body_text if version else "",
        version_number=version.number if version else 1,
        stamps=act_stamps(act, route),
        appendix_to=appendix_to,
    )


def _appendix_line(number: str | None, issued_on: date | None, n: int | None = None) -> str:
    head = f"Приложение {n}" if n else "Приложение"
    return f"{head}\nк приказу директора\n" + requisite_line("", issued_on, number)


def _basis(act: LocalAct) -> list[str]:
    """The councils' decisions an order cites for an act (adopted by…, taking the opinion…)."""
    basis = []
    for requisite in requisites(act):
        if requisite.on is None or requisite.kind == "order":
            continue
        protocol = f"протокол от {requisite.on:%d.%m.%Y} № {requisite.number}"
        if requisite.kind == BodyKind.PED_COUNCIL:
            basis.append(f"на основании решения педагогического совета ({protocol})")
        else:
            basis.append(f"с учётом мнения {BODY_GENITIVE[BodyKind(requisite.kind)]} ({protocol})")
    return basis


def _acts_named(acts: list[LocalAct]) -> str:
    return ", ".join(f"«{act.title}»" for act in acts)


def later_order_doc(order: Order) -> OrderDoc:
    """An order that amends an approving order or declares its acts no longer in force: it
    names the first order and the acts; it has no appendices."""
    first = order.amends
    assert first is not None  # nosec B101 -- a later order always points at the first
    first_name = f"приказ директора от {first.issued_on:%d.%m.%Y} № {first.number} «{first.title}»"
    acts = _acts_named(order.acts)
    points: tuple[str, ...]
    if order.kind == OrderKind.REPEAL:
        points = (
            f"Признать утратившими силу с {order.in_force_on:%d.%m.%Y} {acts}, утверждённые "
            f"приказом директора от {first.issued_on:%d.%m.%Y} № {first.number}, и "
            f"{first_name} в этой части.",
        )
    else:
        changes = order.changes.rstrip(".")
        points = (f"Внести в {first_name} (в части {acts}) следующие изменения: {changes}.",)
        if order.in_force_on != first.in_force_on:
            points += (f"Считать {acts} вступившими в силу с {order.in_force_on:%d.%m.%Y}.",)
    points += (
        "Разместить настоящий приказ на официальном сайте школы в течение десяти рабочих дней.",
        "Контроль за исполнением приказа оставляю за собой.",
    )
    return OrderDoc(
        school=school_info(order.school),
        title=order.title,
        preamble=legal_basis(order.school, tuple(act.title for act in order.acts)) + ".",
        points=points,
        number=order.number,
        issued_on=order.issued_on,
        familiarise=staff_list(order.school),
    )


def order_doc(order: Order) -> OrderDoc:
    """A recorded order approving acts: each act an appendix, every member of staff reads it."""
    if order.kind != OrderKind.APPROVE:
        return later_order_doc(order)
    acts = order.acts
    numbered = len(acts) > 1
    titles = ", ".join(
        f"«{act.title}» (приложение{f' {n}' if numbered else ''})"
        for n, act in enumerate(acts, start=1)
    )
    basis: list[str] = []
    for act in acts:
        basis.extend(line for line in _basis(act) if line not in basis)
    preamble = ", ".join([legal_basis(order.school, tuple(act.title for act in acts)), *basis])
    points = (
        f"Утвердить {titles}.",
        f"Ввести в действие с {order.in_force_on:%d.%m.%Y}.",
        "Разместить приказ и утверждённые акты на официальном сайте школы в течение десяти "
        "рабочих дней.",
        "Контроль за исполнением приказа оставляю за собой.",
    )
    return OrderDoc(
        school=school_info(order.school),
        title=order.title,
        preamble=preamble + ".",
        points=points,
        number=order.number,
        issued_on=order.issued_on,
        familiarise=staff_list(order.school),
        appendices=tuple(
            act_doc(
                act,
                _appendix_line(order.number, order.issued_on, n if numbered else None),
            )
            for n, act in enumerate(acts, start=1)
        ),
    )


def _names(people: list[Person]) -> str:
    return ", ".join(p.full_name for p in people) or "________________"


def transition_order_doc(school: School, regulation: LocalAct | None, today: date) -> OrderDoc:
    """The order on the transition: approves the regulation (appendix), names the people
    responsible, sets the schedule from the plan, orders publication."""
    schedule = []
    for title, tasks in phase_groups(school, top_only=True):
        days = [t.due_on for t in tasks if t.due_on]
        starts = [t.starts_on or t.due_on for t in tasks if t.due_on]
        if days:
            schedule.append(f"{title} — {min(starts):%d.%m.%Y}–{max(days):%d.%m.%Y}")
    officers, deputies = holders(school, "ej_officer"), holders(school, "deputy_uvr")
    named = officers + deputies
    # A regulation approved already by its own order is cited, not approved a second time:
    # the appendix would otherwise say it belongs to this order while its stamp names the other.
    approved_by = enacting_order(regulation) if regulation is not None else None
    if regulation is None:
        about = "Утвердить Положение об электронном журнале успеваемости (приложение)."
    elif approved_by is not None:
        about = (
            f"Руководствоваться «{regulation.title}», утверждённым приказом директора от "
            f"{approved_by.issued_on:%d.%m.%Y} № {approved_by.number}."
        )
    else:
        about = f"Утвердить «{regulation.title}» (приложение)."
    points = [
        "Перейти на ведение электронного учёта успеваемости и посещаемости обучающихся "
        "(электронного журнала, ЭЖ).",
        about,
        f"Назначить ответственным за ведение ЭЖ: {_names(officers)}.",
        "Утвердить план-график перехода: " + ("; ".join(schedule) or "по плану-графику") + ".",
        f"Заместителю директора по УВР ({_names(deputies)}) проверять ведение ЭЖ ежемесячно "
        "и по итогам каждой четверти (полугодия), результаты оформлять справкой.",
        "Разместить настоящий приказ и Положение на официальном сайте школы в течение десяти "
        "рабочих дней.",
        "Контроль за исполнением приказа оставляю за собой.",
    ]
    return OrderDoc(
        school=school_info(school),
        title="О переходе на электронный учёт успеваемости и посещаемости обучающихся",
        preamble=legal_basis(school) + ", в целях организации электронного учёта успеваемости и "
        "посещаемости обучающихся.",
        points=tuple(points),
        # Its own number and date come when the director signs and registers it: the order
        # that approved the regulation is another document with its own number.
        number=None,
        issued_on=None,
        familiarise=tuple((p.full_name, ", ".join(x.title for x in p.positions)) for p in named),
        appendices=(act_doc(regulation, _appendix_line(None, None)),)
        if regulation is not None and approved_by is None
        else (),
    )


def duties_order_doc(school: School) -> OrderDoc:
    """The order distributing the e-journal duties, from the plan's assignments."""
    plan = plans.school_plan(school)
    tasks = plans.plan_tasks(plan) if plan is not None else []
    rows = []
    named: list[tuple[str, str]] = []
    for position in school.positions:  # what a position does where nobody is named
        duties = [
            task.numbered()
            for task in tasks
            if position in task.positions and not task.is_closed and not task.assignees
        ]
        people = [h.person for h in position.holders if h.person.is_active]
        if duties:
            rows.append(
                (position.title, ", ".join(p.full_name for p in people) or "вакансия", duties)
            )
            named += [(person.full_name, position.title) for person in people]
    by_person: dict[int, tuple[Person, list[str]]] = {}
    for task in tasks:  # what the director gave to people by name
        if task.is_closed:
            continue
        for person in task.assignees:
            by_person.setdefault(person.id, (person, []))[1].append(task.numbered())
    for person, duties in sorted(by_person.values(), key=lambda item: item[0].full_name):
        title = ", ".join(p.title for p in person.positions) or "—"
        rows.append((title, person.full_name, duties))
        named.append((person.full_name, title))
    table = tuple((title, names, "\n".join(duties)) for title, names, duties in rows)
    return OrderDoc(
        school=school_info(school),
        title="О распределении обязанностей по работе с электронным журналом",
        preamble=legal_basis(school)
        + ", в целях выполнения плана-графика перехода на электронный журнал.",
        points=(
            "Возложить обязанности по выполнению мероприятий плана-графика на работников "
            "согласно таблице.",
            "Работникам, указанным в таблице, выполнять мероприятия в установленные "
            "планом-графиком сроки и отмечать их выполнение.",
            "Контроль за исполнением приказа оставляю за собой.",
        ),
        table=(("Должность", "Ф. И. О.", "Мероприятия"), table),
        familiarise=tuple(dict.fromkeys(named)),  # each person once, in the table's order
    )


def protocol_doc(meeting: Meeting) -> ProtocolDoc:
    body = meeting.body
    items = []
    for item in meeting.items:
        comments: tuple[tuple[str, str, str], ...] = ()
        if item.step.kind == "adopt":
            comments = tuple(
                (c.section, c.text, c.author.short_name if c.author else "сотрудник")
                for c in gathered_comments(item)
            )
        items.append(
            ProtocolItem(
                title=item.act.title,
                speaker=item.speaker,
                comments=comments,
                speeches=tuple(
                    (s.get("name", ""), s.get("position", ""), s.get("gist", ""))
                    for s in item.speeches or []
                ),
                decision=_decision_text(item),
                votes=(item.votes_for, item.votes_against, item.votes_abstained),
                remarks=item.remarks,
            )
        )
    return ProtocolDoc(
        school=school_info(body.school),
        body_genitive=BODY_GENITIVE[BodyKind(body.kind)],
        number=meeting.protocol_number,
        held_on=meeting.held_on,
        place=meeting.place,
        chair=signature_name(body.chair),
        secretary=signature_name(body.secretary),
        members=body.members_count,
        present=meeting.present_count,
        items=tuple(items),
        quorum=body.quorum_count,
        state=str(meeting.state),
    )


DECISION_SENTENCES = {
    "adopted": "Принять «{title}».",
    "adopted_with_remarks": "Принять «{title}» с учётом замечаний.",
    "opinion_for": "Согласовать «{title}» (мнение положительное).",
    "opinion_against": "Не согласовать «{title}» (мнение отрицательное).",
    "sent_back": "Вернуть «{title}» на доработку.",
    "not_taken": "Решение по проекту «{title}» не принято: голосов не хватило ни за, ни против.",
}


def _decision_text(item) -> str:
    if item.decision is None:
        return ""
    return DECISION_SENTENCES[str(item.decision)].format(title=item.act.title)


TIMELINE_MONTHS = 24  # what a landscape A4 page holds beside the tasks' names


def plan_timeline(tasks: list, ticks: dict[int, list[tuple[date, bool]]], today: date) -> Timeline:
    """The months the dated tasks span (at most two years, from half a year before today), each
    task's window and recurring dates as months in that span."""

    def month(day: date) -> tuple[int, int]:
        return (day.year, day.month)

    dated = [t for t in tasks if t.due_on or ticks.get(t.id)]
    days = [today]
    for task in dated:
        days += [day for day in (task.starts_on, task.due_on) if day]
        days += [day for day, _done in ticks.get(task.id, [])]
    first, last = month(min(days)), month(max(days))
    months = []
    year, number = first
    while (year, number) <= last:
        months.append((year, number))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    if len(months) > TIMELINE_MONTHS:
        start = max(0, months.index(month(today)) - 6)
        months = months[start : start + TIMELINE_MONTHS]
    index = {value: position for position, value in enumerate(months)}
    rows = []
    for task in dated:
        window: list[int] = []
        if task.due_on:
            start_month, end_month = month(task.starts_on or task.due_on), month(task.due_on)
            window = [i for value, i in index.items() if start_month <= value <= end_month]
        due = [month(day) for day, _done in ticks.get(task.id, [])]
        recurring = sorted({index[value] for value in due if value in index})
        if task.status == "done":
            state = "done"
        else:
            state = "overdue" if task.is_overdue_on(today) else "open"
        rows.append(TimelineRow(task.numbered(70), tuple(window), tuple(recurring), state))
    return Timeline(
        months=tuple(f"{number:02d}.{str(year)[-2:]}" for year, number in months),
        today=index.get(month(today)),
        rows=tuple(rows),
    )


def plan_doc(school: School, today: date, only_ids: Collection[int] | None = None) -> PlanDoc:
    """The plan with its statuses as of `today`: every task (or those of `only_ids`, the plan
    page's filter), each with its positions and the people who do it."""
    plan = plans.school_plan(school)
    if plan is None:
        raise DomainError(_("У школы ещё нет плана"))
    phases = []
    shown = []
    for title, tasks in phase_groups(school):
        if only_ids is not None:
            tasks = [task for task in tasks if task.id in only_ids]
            if not tasks:
                continue
        shown += tasks
        rows = tuple(
            PlanRow(
                task.display_number,
                task.title,
                task.window_text,
                _responsible(task),
                str(task.shown_status_label(today)),
            )
            for task in tasks
        )
        phases.append((title, rows))
    return PlanDoc(
        school=school_info(school),
        title=plan.title,
        phases=tuple(phases),
        as_of=today,
        timeline=plan_timeline(shown, work.occurrence_days(school), today),
    )


def _responsible(task) -> str:
    positions = task.responsible_shown
    names = ", ".join(task.people_names)
    return f"{positions}: {names}" if names and positions else (names or positions)


def phase_groups(school: School, top_only: bool = False) -> list[tuple[str, list]]:
    """The plan's tasks by phase in print order: each phase, then its sub-phases (or, with
    `top_only`, each top phase with all the tasks under it)."""
    plan = plans.school_plan(school)
    if plan is None:
        return []
    phases, tasks = plans.plan_contents(plan, shown=plans.TASK_NAMES)
    groups = []
    for phase in phases:
        sections = [phase, *phase.children]
        if top_only:
            ids = {section.id for section in sections}
            groups.append((phase.title, [t for t in tasks if t.phase_id in ids]))
            continue
        for section in sections:
            section_tasks = [t for t in tasks if t.phase_id == section.id]
            if section_tasks or section is phase:
                groups.append((section.title, section_tasks))
    return groups


def sheet_doc(order: Order) -> SheetDoc:
    return SheetDoc(
        school=school_info(order.school),
        order_title=order.title,
        number=order.number,
        issued_on=order.issued_on,
        people=staff_list(order.school),
    )


def _position_of(person: Person, preferred: Position | None = None) -> str:
    """The position a document names a person by: `preferred` when they fill it, else all of
    theirs."""
    positions = person.positions
    if preferred is not None and preferred in positions:
        return preferred.title
    return ", ".join(position.title for position in positions)


def control_report_doc(occurrence) -> builders.ControlReportDoc:
    """The report on a recorded control check (`controls.models.Occurrence`): its findings by
    criterion, the recommendations with whom and by when, the checker who signs."""
    check = occurrence.check
    checker = occurrence.checked_by
    return builders.ControlReportDoc(
        school=school_info(check.school),
        check_title=check.title,
        label=occurrence.label,
        checked_on=occurrence.checked_on,
        objects=occurrence.objects,
        checker_name=checker.full_name if checker else "",
        checker_position=_position_of(checker, check.position) if checker else "",
        checker_signature=signature_name(checker),
        findings=tuple(
            builders.ReportFinding(finding.criterion, finding.violations or 0, finding.comment)
            for finding in occurrence.findings
        ),
        conclusion=occurrence.conclusion,
        recommendations=tuple(
            builders.ReportRecommendation(
                text=recommendation.text,
                person=recommendation.person.full_name if recommendation.person else "",
                position=_position_of(recommendation.person) if recommendation.person else "",
                due_on=recommendation.due_on,
            )
            for recommendation in occurrence.recommendations
        ),
    )
