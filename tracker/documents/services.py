"""Documents from the records: the data each builder needs, generation, numbered versions.

Every generation is stored as an immutable, numbered version of its subject (an act, a meeting,
an order, the plan) with its bytes, who made it and when; the same data twice gives no new
version. Services flush and never commit; the request or the command commits once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import Person, Position, PositionHolder, School
from tracker.approvals import services as approvals
from tracker.approvals.models import (
    BodyKind,
    Meeting,
    Order,
)
from tracker.audit import services as audit
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
)
from tracker.documents.models import (
    ActStatus,
    DocumentKind,
    GeneratedDocument,
    LocalAct,
)
from tracker.errors import DomainError
from tracker.extensions import db, paginate
from tracker.plans import services as plans

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_GENITIVE = {
    BodyKind.PED_COUNCIL: "педагогического совета",
    BodyKind.PARENTS_COUNCIL: "Совета родителей",
    BodyKind.STUDENTS_COUNCIL: "Совета обучающихся",
    BodyKind.EMPLOYEES_BODY: "представительного органа работников",
}
LEGAL_BASIS = (
    "В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской "
    "Федерации», Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных»"
)


# --- who is who, as documents name them ---


def signature_name(person: Person | None) -> str:
    """«Т. П. Иванова» from «Иванова Татьяна Петровна», as a signature line reads."""
    if person is None:
        return ""
    surname, *given = person.full_name.split()
    return " ".join([*(f"{name[0]}." for name in given), surname])


def holders(school: School, code: str) -> list[Person]:
    """The active people filling a position, read from the tables (not from collections an
    earlier step of the same transaction may have loaded)."""
    return list(
        db.session.scalars(
            select(Person)
            .join(PositionHolder, PositionHolder.person_id == Person.id)
            .join(Position, Position.id == PositionHolder.position_id)
            .where(Position.school_id == school.id, Position.code == code, Person.is_active)
            .order_by(PositionHolder.id)
        )
    )


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


# --- built-in texts of acts, tailored by the school's requisites and people ---

SAMPLES = {
    "ezh_regulation": ("Положение об электронном журнале успеваемости", "polozhenie-ob-ezh.txt"),
}


def sample_text(school: School, key: str) -> tuple[str, str]:
    """A built-in act (title, text) with the school's name and the people in its positions
    put in; a position nobody fills leaves a line to write the name on."""
    from tracker.seed import SEEDS

    title, filename = SAMPLES[key]
    text = (SEEDS / "acts" / filename).read_text(encoding="utf-8")

    def named(code: str) -> str:
        return ", ".join(p.full_name for p in holders(school, code)) or "________________"

    values = {
        "school_full_name": school.full_name,
        "school_short_name": school.short_name,
        "ej_officer": named("ej_officer"),
        "deputy_uvr": named("deputy_uvr"),
        "director": named("director"),
    }
    return title, re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


# --- the data of each document ---


def act_stamps(act: LocalAct) -> tuple[Stamp, ...]:
    """The act's stamps from the round of its current text: filled when recorded, blank while
    pending. A draft (a new text, or one sent back) has every stamp of its route blank: the
    decisions on an earlier text do not stand for this one."""
    steps = approvals.current_round(act)
    version = act.current_version
    if (
        act.status == ActStatus.DRAFT
        or not steps
        or version is None
        or steps[0].version_number != version.number
    ):
        return tuple(Stamp(str(kind)) for kind in act.route)
    return tuple(Stamp(str(r.kind), r.number, r.on) for r in approvals.requisites(act, steps))


def act_doc(act: LocalAct, appendix_to: str = "") -> ActDoc:
    version = act.current_version
    return ActDoc(
        school=school_info(act.school),
        title=act.title,
        body_text=version.body_text if version else "",
        version_number=version.number if version else 1,
        stamps=act_stamps(act),
        appendix_to=appendix_to,
    )


def _appendix_line(number: str | None, issued_on: date | None, n: int | None = None) -> str:
    from tracker.documents.docx_form import requisite_line

    head = f"Приложение {n}" if n else "Приложение"
    return f"{head}\nк приказу директора\n" + requisite_line("", issued_on, number)


def _basis(act: LocalAct) -> list[str]:
    """The councils' decisions an order cites for an act (adopted by…, taking the opinion…)."""
    basis = []
    for requisite in approvals.requisites(act):
        if requisite.on is None or requisite.kind == "order":
            continue
        protocol = f"протокол от {requisite.on:%d.%m.%Y} № {requisite.number}"
        if requisite.kind == BodyKind.PED_COUNCIL:
            basis.append(f"на основании решения педагогического совета ({protocol})")
        else:
            basis.append(f"с учётом мнения {BODY_GENITIVE[BodyKind(requisite.kind)]} ({protocol})")
    return basis


def order_doc(order: Order) -> OrderDoc:
    """A recorded order approving acts: each act an appendix, every member of staff reads it."""
    acts = order.acts
    numbered = len(acts) > 1
    titles = ", ".join(
        f"«{act.title}» (приложение{f' {n}' if numbered else ''})"
        for n, act in enumerate(acts, start=1)
    )
    basis: list[str] = []
    for act in acts:
        basis.extend(line for line in _basis(act) if line not in basis)
    preamble = ", ".join([LEGAL_BASIS + ", статьёй 30 указанного Федерального закона", *basis])
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
    points = [
        "Перейти на ведение электронного учёта успеваемости и посещаемости обучающихся "
        "(электронного журнала, ЭЖ).",
        (
            f"Утвердить «{regulation.title}» (приложение)."
            if regulation is not None
            else "Утвердить Положение об электронном журнале успеваемости (приложение)."
        ),
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
        preamble=LEGAL_BASIS + ", в целях организации электронного учёта успеваемости и "
        "посещаемости обучающихся.",
        points=tuple(points),
        # Its own number and date come when the director signs and registers it: the order
        # that approved the regulation is another document with its own number.
        number=None,
        issued_on=None,
        familiarise=tuple((p.full_name, ", ".join(x.title for x in p.positions)) for p in named),
        appendices=(act_doc(regulation, _appendix_line(None, None)),) if regulation else (),
    )


def duties_order_doc(school: School) -> OrderDoc:
    """The order distributing the e-journal duties, from the plan's assignments."""
    plan = plans.school_plan(school)
    tasks = plans.plan_tasks(plan) if plan is not None else []
    rows = []
    for position in school.positions:
        duties = [
            f"{task.display_number}. {task.title}"
            for task in tasks
            if position in task.positions and not task.is_closed
        ]
        people = [h.person.full_name for h in position.holders if h.person.is_active]
        if duties:
            rows.append((position.title, ", ".join(people) or "вакансия", "\n".join(duties)))
    named = [
        (h.person.full_name, position.title)
        for position in school.positions
        if any(position.title == row[0] for row in rows)
        for h in position.holders
        if h.person.is_active
    ]
    return OrderDoc(
        school=school_info(school),
        title="О распределении обязанностей по работе с электронным журналом",
        preamble=LEGAL_BASIS + ", в целях выполнения плана-графика перехода на электронный журнал.",
        points=(
            "Возложить обязанности по выполнению мероприятий плана-графика на работников "
            "согласно таблице.",
            "Работникам, указанным в таблице, выполнять мероприятия в установленные "
            "планом-графиком сроки и отмечать их выполнение.",
            "Контроль за исполнением приказа оставляю за собой.",
        ),
        table=(("Должность", "Ф. И. О.", "Мероприятия"), tuple(rows)),
        familiarise=tuple(dict.fromkeys(named)),
    )


def protocol_doc(meeting: Meeting) -> ProtocolDoc:
    body = meeting.body
    items = []
    for item in meeting.items:
        comments = ()
        if item.step.kind == "adopt":
            comments = tuple(
                (c.section, c.text, c.author.short_name if c.author else "сотрудник")
                for c in approvals.gathered_comments(item.act)
            )
        items.append(
            ProtocolItem(
                title=item.act.title,
                speaker=item.speaker,
                comments=comments,
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
    )


DECISION_SENTENCES = {
    "adopted": "Принять «{title}».",
    "adopted_with_remarks": "Принять «{title}» с учётом замечаний.",
    "opinion_for": "Согласовать «{title}» (мнение положительное).",
    "opinion_against": "Не согласовать «{title}» (мнение отрицательное).",
    "sent_back": "Вернуть «{title}» на доработку.",
}


def _decision_text(item) -> str:
    if item.decision is None:
        return ""
    return DECISION_SENTENCES[str(item.decision)].format(title=item.act.title)


def window_text(task) -> str:
    if task.due_on:
        if task.starts_on and task.starts_on != task.due_on:
            return f"{task.starts_on:%d.%m.%Y}–{task.due_on:%d.%m.%Y}"
        return f"{task.due_on:%d.%m.%Y}"
    return task.recurrence_label if task.recurrence else task.deadline_text


def plan_doc(school: School, today: date) -> PlanDoc:
    plan = plans.school_plan(school)
    if plan is None:
        raise DomainError(_("У школы ещё нет плана"))
    phases = []
    for title, tasks in phase_groups(school):
        rows = tuple(
            PlanRow(
                task.display_number,
                task.title,
                window_text(task),
                ", ".join(p.title for p in task.positions) or task.responsible_text,
                str(task.shown_status_label(today)),
            )
            for task in tasks
        )
        phases.append((title, rows))
    return PlanDoc(school=school_info(school), title=plan.title, phases=tuple(phases), as_of=today)


def phase_groups(school: School, top_only: bool = False) -> list[tuple[str, list]]:
    """The plan's tasks by phase in print order: each phase, then its sub-phases (or, with
    `top_only`, each top phase with all the tasks under it)."""
    plan = plans.school_plan(school)
    if plan is None:
        return []
    phases, tasks = plans.plan_contents(plan)
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


# --- generation and versions ---


def fingerprint(data: object, template_id: int | None = None) -> str:
    """A digest of the data a document is made from and the template it is set in (enums as
    their values, dates as ISO)."""
    plain = dataclasses.asdict(data) if dataclasses.is_dataclass(data) else data
    text = json.dumps(
        {"data": plain, "template": template_id}, ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_filename(title: str, suffix: str = ".docx") -> str:
    """A file name a school's Windows accepts: no reserved characters, not too long."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title)
    name = " ".join(name.split())[:120].rstrip(". ") or "document"
    return name + suffix


def latest(school: School, kind: str, subject: str) -> GeneratedDocument | None:
    return db.session.scalar(
        select(GeneratedDocument)
        .where(
            GeneratedDocument.school_id == school.id,
            GeneratedDocument.kind == kind,
            GeneratedDocument.subject == subject,
        )
        .order_by(GeneratedDocument.number.desc())
    )


def store(
    school: School,
    actor: Person | None,
    *,
    kind: DocumentKind,
    subject: str,
    title: str,
    data: object,
    build: Callable[[object], bytes],
    act_version_number: int | None = None,
    prebuilt: Prebuilt | None = None,
) -> GeneratedDocument:
    """Build and keep a new version, unless the latest was made from the same data (and the
    same template). A school's own template of this kind, when it has one, is used instead
    of the built-in form. `prebuilt`, when given, is what was built a moment before (so that
    slow work on it could run before the first write): kept if it was built from the same
    data and template, built again if either changed meanwhile."""
    from tracker.documents import custom

    template, build = custom.renderer(school, kind, build)
    digest = fingerprint(data, template.id if template else None)
    previous = latest(school, kind, subject)
    if previous is not None and previous.fingerprint == digest:
        return previous
    content = prebuilt.content if prebuilt and prebuilt.fingerprint == digest else build(data)
    document = GeneratedDocument(
        school_id=school.id,
        kind=kind,
        subject=subject,
        number=(previous.number + 1) if previous else 1,
        title=title[:1000],
        filename=safe_filename(title),
        media_type=DOCX,
        content=content,
        size=len(content),
        fingerprint=digest,
        act_version_number=act_version_number,
        template_id=template.id if template else None,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    db.session.flush()
    audit.record_new(
        "document.generate",
        "document",
        document.id,
        school.id,
        actor,
        kind=str(kind),
        subject=subject,
        number=document.number,
    )
    return document


@dataclass(frozen=True)
class Prebuilt:
    """A document built ahead of keeping it, with the fingerprint of what it was built from."""

    fingerprint: str
    content: bytes


def act_bytes(act: LocalAct) -> Prebuilt:
    """The act's DOCX as `generate_act` would keep it, without writing anything."""
    from tracker.documents import custom

    template, build = custom.renderer(act.school, DocumentKind.ACT, builders.build_act)
    data = act_doc(act)
    return Prebuilt(fingerprint(data, template.id if template else None), build(data))


def generate_act(
    act: LocalAct, actor: Person | None, prebuilt: Prebuilt | None = None
) -> GeneratedDocument:
    data = act_doc(act)
    return store(
        act.school,
        actor,
        kind=DocumentKind.ACT,
        subject=f"act:{act.id}",
        title=act.title,
        data=data,
        build=builders.build_act,
        act_version_number=data.version_number,
        prebuilt=prebuilt,
    )


def generate_protocol(meeting: Meeting, actor: Person | None) -> GeneratedDocument:
    data = protocol_doc(meeting)
    return store(
        meeting.body.school,
        actor,
        kind=DocumentKind.PROTOCOL,
        subject=f"meeting:{meeting.id}",
        title=(
            f"Протокол № {meeting.protocol_number} {data.body_genitive} от {data.held_on:%d.%m.%Y}"
        ),
        data=data,
        build=builders.build_protocol,
    )


def generate_order(order: Order, actor: Person | None) -> GeneratedDocument:
    data = order_doc(order)
    return store(
        order.school,
        actor,
        kind=DocumentKind.ORDER,
        subject=f"order:{order.id}",
        title=f"Приказ № {order.number} от {order.issued_on:%d.%m.%Y} {order.title}",
        data=data,
        build=builders.build_order,
    )


def generate_sheet(order: Order, actor: Person | None) -> GeneratedDocument:
    data = sheet_doc(order)
    return store(
        order.school,
        actor,
        kind=DocumentKind.SHEET,
        subject=f"order:{order.id}",
        title=f"Лист ознакомления с приказом № {order.number} от {order.issued_on:%d.%m.%Y}",
        data=data,
        build=builders.build_sheet,
    )


def generate_transition_order(
    school: School, actor: Person | None, regulation: LocalAct | None, today: date
) -> GeneratedDocument:
    if regulation is not None and regulation.school_id != school.id:
        raise DomainError(_("Акт другой школы"))
    data = transition_order_doc(school, regulation, today)
    return store(
        school,
        actor,
        kind=DocumentKind.TRANSITION_ORDER,
        subject=f"act:{regulation.id}" if regulation else "",
        title="Приказ о переходе на электронный учёт успеваемости и посещаемости",
        data=data,
        build=builders.build_order,
    )


def generate_duties_order(school: School, actor: Person | None) -> GeneratedDocument:
    return store(
        school,
        actor,
        kind=DocumentKind.DUTIES_ORDER,
        subject="",
        title="Приказ о распределении обязанностей по работе с ЭЖ",
        data=duties_order_doc(school),
        build=builders.build_order,
    )


def generate_plan(school: School, actor: Person | None, today: date) -> GeneratedDocument:
    data = plan_doc(school, today)
    return store(
        school,
        actor,
        kind=DocumentKind.PLAN,
        subject="",
        title=f"План-график на {today:%d.%m.%Y}",
        data=data,
        build=builders.build_plan,
    )


VERSIONS_PAGE = 30


def versions(
    school: School,
    kind: str | None = None,
    subject: str | None = None,
    page: int = 1,
    per_page: int = VERSIONS_PAGE,
):
    """The generated versions, newest first, a page of them (bytes not loaded)."""
    query = select(GeneratedDocument).where(GeneratedDocument.school_id == school.id)
    if kind is not None:
        query = query.where(GeneratedDocument.kind == kind)
    if subject is not None:
        query = query.where(GeneratedDocument.subject == subject)
    return paginate(
        query.order_by(GeneratedDocument.created_at.desc(), GeneratedDocument.id.desc()).options(
            selectinload(GeneratedDocument.created_by)
        ),
        page,
        per_page,
    )


def latest_by_subject(
    school: School, kinds: tuple[str, ...]
) -> dict[tuple[str, str], GeneratedDocument]:
    """The newest version of each (kind, subject): one query for a list of orders or meetings."""
    found: dict[tuple[str, str], GeneratedDocument] = {}
    for document in db.session.scalars(
        select(GeneratedDocument)
        .where(GeneratedDocument.school_id == school.id, GeneratedDocument.kind.in_(kinds))
        .order_by(GeneratedDocument.number.desc())
    ):
        found.setdefault((document.kind, document.subject), document)
    return found


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes


# --- consents from a class list ---

MAX_PUPILS = 200  # a class or two; a whole school is several lists
MAX_LINE = 1000
HEADER_WORDS = ("фио", "ф.и.о", "фамилия", "ученик", "обучающийся", "name")


def decode_text(content: bytes) -> str:
    """A CSV as Russian schools save it: UTF-8 (with or without BOM) or Windows-1251."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise DomainError(_("Файл не похож на текстовый список (CSV)"), field="file")


def parse_class_list(content: bytes) -> tuple[builders.Consent, ...]:
    """Pupils from a CSV: a name per line, optionally a class in the second column; empty
    lines and a header line are skipped."""
    import csv

    text = decode_text(content)
    lines = text.splitlines()  # \r\n, \n and the old Mac \r alike
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise DomainError(
                _("Строка %(number)d длиннее %(limit)d символов", number=number, limit=MAX_LINE),
                field="file",
            )
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    pupils = []
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as error:
        raise DomainError(_("Файл не удаётся прочитать как CSV"), field="file") from error
    for number, row in enumerate(rows, start=1):
        cells = [" ".join(cell.split()) for cell in row]
        if not any(cells):
            continue
        name = cells[0]
        if number == 1 and name.lower().strip(" .:") in HEADER_WORDS:
            continue
        if not name:
            raise DomainError(
                _("Строка %(number)d: нет имени в первом столбце", number=number), field="file"
            )
        if len(name) > 300:
            raise DomainError(
                _("Строка %(number)d: имя длиннее 300 символов", number=number), field="file"
            )
        pupils.append(builders.Consent(name, cells[1][:20] if len(cells) > 1 else ""))
        if len(pupils) > MAX_PUPILS:
            raise DomainError(_("В списке больше %(limit)d строк", limit=MAX_PUPILS), field="file")
    if not pupils:
        raise DomainError(_("В списке нет ни одного имени"), field="file")
    return tuple(pupils)


def consents(school: School, pupils: tuple[builders.Consent, ...], as_zip: bool) -> Download:
    """The consent forms: one DOCX with a page per pupil, or a ZIP with a DOCX per pupil.
    Not kept: the pupils' names stay with whoever downloads them."""
    import io
    import zipfile

    from tracker.documents import custom

    info = school_info(school)
    _template, build = custom.renderer(school, DocumentKind.CONSENT, builders.build_consents)

    if not as_zip:
        return Download(
            "Согласия на обработку персональных данных.docx",
            DOCX,
            build(builders.ConsentDoc(info, pupils)),
        )
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, pupil in enumerate(pupils, start=1):
            name = safe_filename(f"{number:03d} Согласие {pupil.pupil}")
            while name in used:
                name = name.removesuffix(".docx") + "_.docx"
            used.add(name)
            archive.writestr(name, build(builders.ConsentDoc(info, (pupil,))))
    return Download(
        "Согласия на обработку персональных данных.zip", "application/zip", buffer.getvalue()
    )


# --- the report on a control check ---


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


def generate_control_report(occurrence, actor: Person | None) -> GeneratedDocument:
    data = control_report_doc(occurrence)
    label = f", {occurrence.label}" if occurrence.label else ""
    return store(
        occurrence.check.school,
        actor,
        kind=DocumentKind.CONTROL_REPORT,
        subject=f"occurrence:{occurrence.id}",
        title=f"Справка по итогам контроля: {occurrence.check.title}{label}",
        data=data,
        build=builders.build_control_report,
    )
