"""Pure DOCX builders: plain data in, bytes out. No database, no request, no clock.

Each builder takes the dataclasses below, filled by `documents.services` from the records, and
returns the bytes of a DOCX in the school's office form (`docx_form`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from tracker.documents.docx_form import clean, long_date, requisite_line, ru_date

if TYPE_CHECKING:
    from tracker.documents.office import OfficeDocument


def _new_document(*, title: str, landscape: bool = False) -> OfficeDocument:
    """A new document in the office form. The writer (`documents.office`, with python-docx) is
    imported here, when a document is written: a page that only reads these records (an act's
    stamps, a document's freshness) does not load it."""
    from tracker.documents.office import OfficeDocument

    return OfficeDocument(title=title, landscape=landscape)


@dataclass(frozen=True)
class SchoolInfo:
    full_name: str
    short_name: str
    city: str = ""
    address: str = ""
    website: str = ""
    director_name: str = ""  # «Т. П. Иванова», as a signature reads


@dataclass(frozen=True)
class Stamp:
    """One approval requisite: a council's protocol or the director's order (None: pending)."""

    kind: str  # ped_council, parents_council, students_council, employees_body, order
    number: str | None = None
    on: date | None = None
    amended: tuple[tuple[str, date], ...] = ()  # an order's amendments: (number, date)


@dataclass(frozen=True)
class ActDoc:
    school: SchoolInfo
    title: str
    body_text: str
    version_number: int = 1
    stamps: tuple[Stamp, ...] = ()
    appendix_to: str = ""  # «Приложение к приказу директора от … № …» when an order carries it


@dataclass(frozen=True)
class OrderDoc:
    school: SchoolInfo
    title: str  # «О переходе на …»
    preamble: str
    points: tuple[str, ...]
    number: str | None = None
    issued_on: date | None = None
    table: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]] | None = None  # header, rows
    familiarise: tuple[tuple[str, str], ...] = ()  # (name, position) of the staff it names
    appendices: tuple[ActDoc, ...] = ()  # the acts it approves, each after a page break


@dataclass(frozen=True)
class ProtocolItem:
    title: str
    speaker: str
    comments: tuple[tuple[str, str, str], ...] = ()  # the discussion's: (section, text, author)
    decision: str = ""
    votes: tuple[int | None, int | None, int | None] = (None, None, None)
    remarks: str = ""
    speeches: tuple[tuple[str, str, str], ...] = ()  # at the meeting: (name, position, gist)


@dataclass(frozen=True)
class ProtocolDoc:
    school: SchoolInfo
    body_genitive: str  # «педагогического совета»
    number: int
    held_on: date
    place: str
    chair: str
    secretary: str
    members: int
    present: int | None
    items: tuple[ProtocolItem, ...]
    quorum: int = 0  # the fewest members present that make a quorum
    state: str = "planned"  # planned, held, no_quorum


@dataclass(frozen=True)
class PlanRow:
    number: str
    title: str
    window: str
    responsible: str
    status: str


@dataclass(frozen=True)
class TimelineRow:
    """A task on the plan's timeline: the months its window touches, the months it recurs in."""

    label: str
    months: tuple[int, ...]  # indexes into Timeline.months
    ticks: tuple[int, ...]
    state: str  # "done", "overdue" or "open"


@dataclass(frozen=True)
class Timeline:
    months: tuple[str, ...]  # «09.26»
    today: int | None  # the index of today's month, when it is shown
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True)
class PlanDoc:
    school: SchoolInfo
    title: str
    phases: tuple[tuple[str, tuple[PlanRow, ...]], ...]
    as_of: date
    timeline: Timeline | None = None


@dataclass(frozen=True)
class SheetDoc:
    """A familiarisation sheet (лист ознакомления) with an order."""

    school: SchoolInfo
    order_title: str
    number: str | None
    issued_on: date | None
    people: tuple[tuple[str, str], ...]  # (name, position)


@dataclass(frozen=True)
class Consent:
    """One pupil's consent form (152-ФЗ ст. 9: a separate document)."""

    pupil: str
    class_name: str = ""


@dataclass(frozen=True)
class ConsentDoc:
    school: SchoolInfo
    pupils: tuple[Consent, ...] = field(default_factory=tuple)


# --- the stamps above a title ---

STAMP_WORDS = {
    "ped_council": ("ПРИНЯТО", "решением педагогического совета", "протокол"),
    "parents_council": ("УЧТЕНО", "мнение Совета родителей", "протокол"),
    "students_council": ("УЧТЕНО", "мнение Совета обучающихся", "протокол"),
    "employees_body": ("УЧТЕНО", "мнение представительного органа работников", "протокол"),
}


def stamp_lines(stamp: Stamp, school: SchoolInfo) -> list[str]:
    if stamp.kind == "order":
        return [
            "УТВЕРЖДЕНО",
            "приказом директора",
            school.short_name,
            requisite_line("", stamp.on, stamp.number),
            *(f"(в ред. приказа от {on:%d.%m.%Y} № {number})" for number, on in stamp.amended),
        ]
    word, whose, prefix = STAMP_WORDS[stamp.kind]
    lines = [word, whose]
    if stamp.kind == "ped_council":
        lines.append(school.short_name)
    return [*lines, requisite_line(prefix, stamp.on, stamp.number)]


def _stamps(document: OfficeDocument, stamps: tuple[Stamp, ...], school: SchoolInfo) -> None:
    """Councils top left, the director's approval top right, in a borderless table."""
    if not stamps:
        return
    table = document.borderless(2, [8.5, 8.5])
    left, right = table.rows[0].cells
    council_lines: list[str] = []
    for stamp in stamps:
        if stamp.kind == "order":
            continue
        if council_lines:
            council_lines.append("")
        council_lines.extend(stamp_lines(stamp, school))
    document.cell_lines(left, council_lines)
    order = next((stamp for stamp in stamps if stamp.kind == "order"), None)
    document.cell_lines(right, stamp_lines(order, school) if order else [])
    document.blank_line()


# --- the text of an act: sections and points, plain text with simple lists ---

SECTION = re.compile(r"^\s*(\d{1,3})\.\s+(\S.*)$")
POINT = re.compile(r"^\s*\d{1,3}(\.\d{1,3})+\.?\s+\S")
LIST_ITEM = re.compile(r"^\s*[-–—•*]\s+(\S.*)$")


def render_body(document: OfficeDocument, body_text: str) -> None:
    for line in clean(body_text).splitlines():
        if not line.strip():
            continue
        if section := SECTION.match(line):
            document.heading(f"{section.group(1)}. {section.group(2).strip()}")
        elif item := LIST_ITEM.match(line):
            document.paragraph(f"– {item.group(1).strip()}")
        else:
            document.paragraph(line.strip())


def _title_lines(title: str) -> tuple[str, str]:
    """«Положение об электронном журнале» → («ПОЛОЖЕНИЕ», «об электронном журнале»)."""
    first, _, rest = clean(title).strip().partition(" ")
    return first.upper(), rest


def _act_content(document: OfficeDocument, act: ActDoc) -> None:
    if not act.appendix_to:  # an appendix stands under its order's head, which names the school
        document.paragraph(act.school.full_name, bold=True, align="center", indent=False)
        document.blank_line()
    if act.appendix_to:
        table = document.borderless(2, [8.5, 8.5])
        document.cell_lines(table.rows[0].cells[1], act.appendix_to.split("\n"))
        document.blank_line()
    _stamps(document, act.stamps, act.school)
    kind, subject = _title_lines(act.title)
    document.heading(kind, space_before=0)
    if subject:
        document.paragraph(subject, bold=True, align="center", indent=False)
    document.paragraph(act.school.short_name, bold=True, align="center", indent=False)
    document.blank_line()
    render_body(document, act.body_text)


def build_act(act: ActDoc) -> bytes:
    """A local act with its stamps, filled from the records or left blank while pending."""
    document = _new_document(title=act.title)
    _act_content(document, act)
    return document.save()


# --- orders ---


def _order_head(document: OfficeDocument, school: SchoolInfo, number, issued_on) -> None:
    document.paragraph(school.full_name, bold=True, align="center", indent=False)
    document.blank_line()
    document.heading("ПРИКАЗ", space_before=0)
    table = document.borderless(2, [8.5, 8.5])
    document.cell_lines(table.rows[0].cells[0], [ru_date(issued_on)])
    document.cell_lines(
        table.rows[0].cells[1], [f"№ {clean(number) if number else '____'}"], align="right"
    )
    if school.city:
        document.paragraph(f"г. {school.city}", align="center", indent=False)
    document.blank_line()


def build_order(order: OrderDoc) -> bytes:
    """An order: head, title, preamble, ПРИКАЗЫВАЮ with its points, signature, the staff
    who must read it, and the act it approves as an appendix."""
    document = _new_document(title=order.title)
    _order_head(document, order.school, order.number, order.issued_on)
    document.paragraph(order.title, bold=True, align="left", indent=False)
    document.blank_line()
    document.paragraph(order.preamble)
    document.paragraph("ПРИКАЗЫВАЮ:", bold=True, indent=False)
    for number, point in enumerate(order.points, start=1):
        document.paragraph(f"{number}. {point}")
    if order.table:
        header, rows = order.table
        document.blank_line()
        document.table(list(header), [list(row) for row in rows])
    document.blank_line()
    document.signature("Директор", order.school.director_name)
    if order.familiarise:
        document.blank_line()
        document.paragraph("С приказом ознакомлены:", indent=False)
        _familiarisation_table(document, order.familiarise)
    for appendix in order.appendices:
        document.page_break()
        _act_content(document, appendix)
    return document.save()


def _familiarisation_table(document: OfficeDocument, people) -> None:
    document.table(
        ["№", "Ф. И. О.", "Должность", "Подпись", "Дата"],
        [[str(i), name, position, "", ""] for i, (name, position) in enumerate(people, start=1)],
        [1.0, 5.5, 5.0, 2.8, 2.7],
    )


def build_sheet(sheet: SheetDoc) -> bytes:
    """The familiarisation sheet for an order: each named person signs and dates."""
    document = _new_document(title="Лист ознакомления")
    document.heading("ЛИСТ ОЗНАКОМЛЕНИЯ", space_before=0)
    document.paragraph(
        "с приказом директора "
        f"{sheet.school.short_name} {requisite_line('', sheet.issued_on, sheet.number)}",
        align="center",
        indent=False,
    )
    document.paragraph(f"«{sheet.order_title}»", align="center", indent=False)
    document.blank_line()
    _familiarisation_table(document, sheet.people)
    return document.save()


# --- protocols ---

VOTE_WORDS = ("«за»", "«против»", "«воздержались»")


def build_protocol(protocol: ProtocolDoc) -> bytes:
    """Minutes of a council meeting: attendance, agenda, СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ, votes."""
    document = _new_document(title=f"Протокол № {protocol.number}")
    document.paragraph(protocol.school.full_name, bold=True, align="center", indent=False)
    document.blank_line()
    document.heading(f"ПРОТОКОЛ № {protocol.number}", space_before=0)
    document.paragraph(
        f"заседания {protocol.body_genitive}", bold=True, align="center", indent=False
    )
    table = document.borderless(2, [8.5, 8.5])
    document.cell_lines(table.rows[0].cells[0], [ru_date(protocol.held_on)])
    document.cell_lines(
        table.rows[0].cells[1],
        [f"г. {protocol.school.city}" if protocol.school.city else ""],
        align="right",
    )
    document.blank_line()
    document.paragraph(f"Председатель: {protocol.chair or '—'}", indent=False)
    document.paragraph(f"Секретарь: {protocol.secretary or '—'}", indent=False)
    if protocol.present is not None:
        absent = max(protocol.members - protocol.present, 0)
        document.paragraph(
            f"Присутствовали: {protocol.present} из {protocol.members} членов; "
            f"отсутствовали: {absent}.",
            indent=False,
        )
        if protocol.state == "no_quorum":
            document.paragraph(
                f"Кворума нет: для правомочности заседания необходимо присутствие не менее "
                f"{protocol.quorum} членов. Заседание не состоялось; вопросы повестки дня не "
                "рассматривались и переносятся на следующее заседание.",
                indent=False,
            )
        else:
            document.paragraph(
                f"Кворум имеется (необходимо не менее {protocol.quorum} членов). "
                "Заседание правомочно.",
                indent=False,
            )
    if protocol.place:
        document.paragraph(f"Место проведения: {protocol.place}", indent=False)
    document.blank_line()
    document.paragraph("ПОВЕСТКА ДНЯ:", bold=True, indent=False)
    for number, item in enumerate(protocol.items, start=1):
        document.paragraph(f"{number}. О рассмотрении проекта «{item.title}».")
    if protocol.state == "no_quorum":
        document.blank_line()
        document.signature("Председатель", protocol.chair)
        document.signature("Секретарь", protocol.secretary)
        return document.save()
    for number, item in enumerate(protocol.items, start=1):
        document.blank_line()
        document.paragraph(f"{number}. СЛУШАЛИ:", bold=True, indent=False, keep_with_next=True)
        speaker = item.speaker or "_" * 30
        document.paragraph(f"{speaker} — о проекте «{item.title}».")
        if item.comments:
            document.paragraph(
                "В ходе публичного обсуждения проекта поступили предложения:",
                keep_with_next=True,
            )
            for section, text, author in item.comments:
                where = f" (к разделу «{section}»)" if section else ""
                document.paragraph(f"– {author}{where}: {text}")
        if item.speeches:
            document.paragraph("ВЫСТУПИЛИ:", bold=True, indent=False, keep_with_next=True)
            for name, position, gist in item.speeches:
                document.paragraph(f"{name}, {position}: {gist}")
        document.paragraph("РЕШИЛИ:", bold=True, indent=False, keep_with_next=True)
        document.paragraph(item.decision or "_" * 60)
        if item.remarks:
            document.paragraph(f"Замечания: {item.remarks}")
        if item.votes[0] is not None:
            votes = ", ".join(
                f"{word} — {count or 0}" for word, count in zip(VOTE_WORDS, item.votes, strict=True)
            )
            document.paragraph(f"Голосовали: {votes}.")
        elif protocol.state == "planned":
            document.paragraph("Голосовали: «за» — ___, «против» — ___, «воздержались» — ___.")
    document.blank_line()
    document.signature("Председатель", protocol.chair)
    document.signature("Секретарь", protocol.secretary)
    return document.save()


# --- the plan ---


def build_plan(plan: PlanDoc) -> bytes:
    """The plan-schedule as the school prints it, with its current status column."""
    from tracker.documents.office import TABLE_SIZE

    document = _new_document(title=plan.title, landscape=True)
    table = document.borderless(2, [14.0, 11.7])
    document.cell_lines(
        table.rows[0].cells[1],
        [
            "УТВЕРЖДАЮ",
            f"Директор {plan.school.short_name}",
            f"____________ {plan.school.director_name}",
            "«___» ______________ 20___ г.",
        ],
    )
    document.blank_line()
    document.heading(plan.title.upper() if len(plan.title) < 80 else plan.title, space_before=0)
    document.paragraph(f"Состояние на {ru_date(plan.as_of)}", align="center", indent=False)
    document.blank_line()
    rows: list[list[str]] = []
    headings: set[int] = set()  # the phases' rows, across the table; a task never is one
    for phase, phase_rows in plan.phases:
        headings.add(len(rows))
        rows.append(["", phase, "", "", ""])
        rows.extend(
            [row.number, row.title, row.window, row.responsible, row.status] for row in phase_rows
        )
    table = document.table(
        ["№", "Мероприятие", "Сроки", "Ответственные", "Статус"], rows, [1.2, 10.5, 4.0, 6.5, 3.5]
    )
    for index in sorted(headings):
        row = table.rows[1 + index]
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = ""
        run = merged.paragraphs[0].add_run(clean(rows[index][1]))
        run.bold = True
        run.font.size = TABLE_SIZE
    if plan.timeline is not None and plan.timeline.rows:
        _timeline_table(document, plan.timeline)
    return document.save()


TIMELINE_FILL = {"done": "3C8D52", "overdue": "C0392B", "open": "4A74A8"}
TODAY_FILL = "F6D7B8"


def _timeline_table(document: OfficeDocument, timeline: Timeline) -> None:
    """The plan's timeline as Word draws it everywhere: a row per task, a column per month, the
    months of its window shaded (green done, red overdue, blue ahead), «•» where a recurring
    item falls due, today's month shaded in the header and down the column."""
    from docx.shared import Pt

    document.page_break()
    document.heading("Диаграмма сроков", space_before=0)
    document.paragraph(
        "Закрашены месяцы сроков задач: зелёным — выполненные, красным — просроченные, синим — "
        "предстоящие; «•» — сроки повторяющихся пунктов; оранжевым — текущий месяц.",
        indent=False,
    )
    label_cm = 7.0
    month_cm = min(1.2, 20.5 / max(len(timeline.months), 1))
    rows = [["", *([""] * len(timeline.months))] for _row in timeline.rows]
    months = [label.replace(".", "\n") for label in timeline.months]  # «06» over «26»
    table = document.table(["Мероприятие", *months], rows, None)
    document.set_widths(table, [label_cm, *([month_cm] * len(timeline.months))])
    for cell in table.rows[0].cells[1:]:
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(7)
    for row, item in zip(table.rows[1:], timeline.rows, strict=True):
        label = row.cells[0].paragraphs[0]
        run = label.add_run(clean(item.label))
        run.font.size = Pt(8)
        for index, cell in enumerate(row.cells[1:]):
            if index in item.months:
                _shade(cell, TIMELINE_FILL[item.state])
            elif index == timeline.today:
                _shade(cell, TODAY_FILL)
            if index in item.ticks:
                tick = cell.paragraphs[0].add_run("•")
                tick.bold = True
                tick.font.size = Pt(9)
    if timeline.today is not None:
        _shade(table.rows[0].cells[1 + timeline.today], TODAY_FILL)


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


# --- consents ---


LINE = "_" * 60


def operator_address(school: SchoolInfo) -> str:
    """The school's address as its requisites give it; a blank to fill in where they give
    no more than the town (an address on a consent has a street and a house)."""
    address = school.address.strip()
    if any(character.isdigit() for character in address):
        return address
    return f"{address}, {'_' * 40}" if address else "_" * 50


def consent_page(document: OfficeDocument, school: SchoolInfo, consent: Consent) -> None:
    """One pupil's consent as 152-ФЗ ст. 9 ч. 4 asks of a parent acting for a child: who gives
    it (name, address, identity document) and on what authority, whose data, the operator's
    name and address, the purposes, the data, the actions and means, the term and how to
    withdraw it. It is a document of its own (ст. 9 ч. 1, since 01.09.2025)."""
    document.heading("СОГЛАСИЕ", space_before=0)
    document.paragraph(
        "родителя (законного представителя) на обработку персональных данных обучающегося",
        bold=True,
        align="center",
        indent=False,
    )
    document.blank_line()
    pupil = f"{consent.pupil}{', ' + consent.class_name + ' класс' if consent.class_name else ''}"
    paragraphs = [
        f"Я, {LINE},",
        "(фамилия, имя, отчество родителя (законного представителя) полностью)",
        f"зарегистрированный(ая) по адресу: {LINE},",
        "документ, удостоверяющий личность: ______________ серия ________ № ______________, "
        "выдан «___» ____________ ______ г. "
        f"{'_' * 40},",
        "являясь родителем (законным представителем) несовершеннолетнего обучающегося "
        f"{pupil}, зарегистрированного(ой) по адресу: {LINE},",
        "на основании документа, подтверждающего полномочия законного представителя: "
        f"{'_' * 40} (свидетельство о рождении, решение об опеке или иной документ: "
        "наименование, серия, номер, дата выдачи),",
        "в соответствии со статьёй 9 Федерального закона от 27.07.2006 № 152-ФЗ «О персональных "
        f"данных» свободно, своей волей и в интересах ребёнка даю согласие оператору — "
        f"{school.full_name} ({school.short_name}), адрес: {operator_address(school)}, — на "
        "обработку персональных данных моего ребёнка на следующих условиях.",
    ]
    for text in paragraphs:
        document.paragraph(text, indent=False)
    points = [
        "Цель обработки: ведение электронного журнала успеваемости и посещаемости, "
        "информирование родителей (законных представителей) о текущей успеваемости, "
        "посещаемости и домашних заданиях.",
        "Перечень персональных данных: фамилия, имя, отчество; класс; отметки текущей и "
        "промежуточной аттестации; сведения о посещаемости; домашние задания.",
        "Перечень действий: сбор, запись, систематизация, накопление, хранение, уточнение, "
        "использование, передача (предоставление доступа) родителям (законным представителям) "
        "и работникам школы в пределах их полномочий, блокирование, удаление, уничтожение; "
        "обработка смешанная, с использованием средств автоматизации и без них.",
        "Срок действия: на период обучения ребёнка в школе.",
        "Порядок отзыва: согласие может быть отозвано письменным заявлением, поданным "
        "оператору (ч. 2 ст. 9 Федерального закона № 152-ФЗ); после отзыва оператор прекращает "
        "обработку, кроме случаев, когда она допускается без согласия.",
        "Согласие оформлено отдельно от иных документов.",
    ]
    for number, point in enumerate(points, start=1):
        document.paragraph(f"{number}. {point}")
    document.blank_line()
    table = document.borderless(3, [5.5, 5.5, 6.0])
    cells = table.rows[0].cells
    document.cell_lines(cells[0], ["«___» ________ 20__ г."])
    document.cell_lines(cells[1], ["____________", "(подпись)"], align="center")
    document.cell_lines(
        cells[2], ["______________________", "(расшифровка подписи)"], align="center"
    )


def build_consents(consents: ConsentDoc) -> bytes:
    """All pupils' consents in one DOCX, one per page (an empty form when no pupil is given)."""
    document = _new_document(title="Согласие на обработку персональных данных")
    pupils = consents.pupils or (Consent("________________________________"),)
    for number, consent in enumerate(pupils):
        if number:
            document.page_break()
        consent_page(document, consents.school, consent)
    return document.save()


# --- the report on a control check ---


@dataclass(frozen=True)
class ReportFinding:
    """One criterion of the check and what was found: violations (0: none) and a comment."""

    criterion: str
    violations: int = 0
    comment: str = ""


@dataclass(frozen=True)
class ReportRecommendation:
    text: str
    person: str = ""  # the full name of whoever must act on it; "" when nobody is named
    position: str = ""  # their positions, as the familiarisation list shows them
    due_on: date | None = None


@dataclass(frozen=True)
class ControlReportDoc:
    """A report on a control check (справка по итогам контроля)."""

    school: SchoolInfo
    check_title: str
    label: str  # the period checked: «октябрь 2026», «1 четверть»
    checked_on: date | None
    objects: str  # the classes or teachers checked; "" for the e-journal as a whole
    checker_name: str  # full name; "" when nobody is recorded
    checker_position: str  # «Заместитель директора по УВР»
    checker_signature: str  # «Е. В. Смирнова», as a signature reads
    findings: tuple[ReportFinding, ...] = ()
    conclusion: str = ""
    recommendations: tuple[ReportRecommendation, ...] = ()

    @property
    def total_violations(self) -> int:
        return sum(finding.violations for finding in self.findings)

    @property
    def familiarise(self) -> tuple[tuple[str, str], ...]:
        """(name, position) of everyone the recommendations name, each once, in their order."""
        return tuple(
            dict.fromkeys((r.person, r.position) for r in self.recommendations if r.person.strip())
        )


REPORT_AIM = (
    "проверка соблюдения порядка ведения электронного журнала, установленного Положением "
    "об электронном журнале, по каждому критерию контроля."
)
REPORT_METHOD = "анализ записей электронного журнала."
DEFAULT_OBJECT = "электронный журнал"
BLANK_NAME = "________________"


def violations_text(count: int) -> str:
    """A count of violations as the report's table shows it: «нет» for none."""
    return str(count) if count else "нет"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def recommendation_text(recommendation: ReportRecommendation) -> str:
    """«Заполнить темы уроков (ответственный — Фёдоров А. М., срок — до 15.11.2026).»"""
    text = recommendation.text.strip().rstrip(".")
    terms = []
    if recommendation.person.strip():
        terms.append(f"ответственный — {recommendation.person.strip()}")
    if recommendation.due_on is not None:
        terms.append(f"срок — до {ru_date(recommendation.due_on)}")
    return f"{text} ({', '.join(terms)})." if terms else f"{text}."


def build_control_report(report: ControlReportDoc) -> bytes:
    """The report on a control check: aim, dates, object, inspector, method, findings by
    criterion, conclusions, recommendations with deadlines, signature and the people who must
    read it."""
    document = _new_document(title=f"Справка по итогам контроля: {report.check_title}")
    document.paragraph(report.school.full_name, bold=True, align="center", indent=False)
    document.blank_line()
    document.heading("СПРАВКА", space_before=0)
    document.paragraph(
        f"по итогам контроля: {report.check_title}", bold=True, align="center", indent=False
    )
    document.blank_line()
    period = ", ".join(
        part for part in (report.label.strip(), f"проверка {ru_date(report.checked_on)}") if part
    )
    document.paragraph(f"Сроки проведения: {period}.")
    document.paragraph(f"Цель: {REPORT_AIM}")
    document.paragraph(f"Объект контроля: {report.objects.strip() or DEFAULT_OBJECT}.")
    checker = " ".join(
        part
        for part in (_lower_first(report.checker_position.strip()), report.checker_name.strip())
        if part
    )
    document.paragraph(f"Проверяющий: {checker or BLANK_NAME}.")
    document.paragraph(f"Метод: {REPORT_METHOD}")
    document.blank_line()
    document.paragraph("Результаты проверки по критериям:", indent=False, keep_with_next=True)
    rows = [
        [str(number), finding.criterion, violations_text(finding.violations), finding.comment]
        for number, finding in enumerate(report.findings, start=1)
    ]
    if report.findings:
        rows.append(["", "Итого", violations_text(report.total_violations), ""])
    else:
        rows.append(["", "Результаты по критериям не внесены", "", ""])
    document.table(["№", "Критерий", "Нарушений", "Комментарий"], rows, [1.0, 7.0, 2.8, 6.2])
    document.blank_line()
    document.paragraph(f"Выводы: {report.conclusion.strip() or BLANK_NAME}")
    document.paragraph("Рекомендации:", indent=False, keep_with_next=True)
    if report.recommendations:
        for number, recommendation in enumerate(report.recommendations, start=1):
            document.paragraph(f"{number}. {recommendation_text(recommendation)}")
    else:
        document.paragraph("Рекомендаций нет.")
    document.blank_line()
    document.signature(report.checker_position.strip() or "Проверяющий", report.checker_signature)
    document.paragraph(ru_date(report.checked_on), align="left", indent=False)
    document.blank_line()
    document.paragraph("Со справкой ознакомлены:", indent=False, keep_with_next=True)
    _familiarisation_table(document, report.familiarise or (("", ""),) * 3)
    return document.save()


__all__ = [
    "ActDoc",
    "Consent",
    "ConsentDoc",
    "ControlReportDoc",
    "OrderDoc",
    "PlanDoc",
    "PlanRow",
    "ProtocolDoc",
    "ProtocolItem",
    "ReportFinding",
    "ReportRecommendation",
    "SchoolInfo",
    "SheetDoc",
    "Stamp",
    "build_act",
    "build_consents",
    "build_control_report",
    "build_order",
    "build_plan",
    "build_protocol",
    "build_sheet",
    "long_date",
]
