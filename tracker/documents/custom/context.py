"""From the builders' dataclasses to a template's context: the same data the built-in forms
take, every string cleaned of what XML forbids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from tracker.documents.builders import (
    DEFAULT_OBJECT,
    LIST_ITEM,
    SECTION,
    ActDoc,
    Consent,
    ConsentDoc,
    ControlReportDoc,
    OrderDoc,
    PlanDoc,
    PlanRow,
    ProtocolDoc,
    ProtocolItem,
    ReportFinding,
    ReportRecommendation,
    SchoolInfo,
    SheetDoc,
    Stamp,
    recommendation_text,
    stamp_lines,
    violations_text,
)
from tracker.documents.custom.fields import BLANK_PUPIL, PLACEHOLDERS
from tracker.documents.docx_form import BLANK_NUMBER, clean, ru_date
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError


def _school(info: SchoolInfo) -> dict:
    """The school fields every kind offers."""
    return {
        "school_full_name": clean(info.full_name),
        "school_short_name": clean(info.short_name),
        "school_city": clean(info.city),
        "director_name": clean(info.director_name),
    }


def _stamp(stamps: tuple[Stamp, ...], kind: str, school: SchoolInfo) -> str:
    """One stamp's lines joined by newlines (Word line breaks), or "" when the route has no such
    step."""
    stamp = next((stamp for stamp in stamps if stamp.kind == kind), None)
    return clean("\n".join(stamp_lines(stamp, school))) if stamp else ""


def _sections(body_text: str) -> list[dict]:
    """The act's text as sections with their points, read as the built-in form reads it:
    «1. Title» starts a section; list items get a dash; text before any section goes into a
    section with an empty heading."""
    sections: list[dict] = []
    for line in clean(body_text).splitlines():
        line = line.strip()
        if not line:
            continue
        if section := SECTION.match(line):
            heading = f"{section.group(1)}. {section.group(2).strip()}"
            sections.append({"heading": heading, "points": []})
            continue
        if not sections:
            sections.append({"heading": "", "points": []})
        item = LIST_ITEM.match(line)
        sections[-1]["points"].append(f"– {item.group(1).strip()}" if item else line)
    return sections


def _act(act: ActDoc) -> dict:
    """A local act: its title split as the built-in form shows it, text, sections, stamps."""
    title = clean(act.title).strip()
    kind, _space, subject = title.partition(" ")
    stamps = {
        f"stamp_{step}": _stamp(act.stamps, step, act.school)
        for step in ("ped_council", "parents_council", "students_council", "employees_body")
    }
    return {
        **_school(act.school),
        "title": title,
        "title_kind": kind.upper(),
        "title_subject": subject,
        "version_number": act.version_number,
        "body_text": clean(act.body_text),
        "sections": _sections(act.body_text),
        **stamps,
        "stamp_order": _stamp(act.stamps, "order", act.school),
        "appendix_to": clean(act.appendix_to),
    }


def _people(people: tuple[tuple[str, str], ...]) -> list[dict]:
    return [{"name": clean(name), "position": clean(position)} for name, position in people]


def _order(order: OrderDoc) -> dict:
    """An order: its requisites (blank while pending), points, table, readers and appendix."""
    header, rows = order.table or ((), ())
    return {
        **_school(order.school),
        "title": clean(order.title),
        "number": clean(order.number) if order.number else BLANK_NUMBER,
        "date": ru_date(order.issued_on),
        "preamble": clean(order.preamble),
        "points": [clean(point) for point in order.points],
        "table_header": [clean(cell) for cell in header],
        "table_rows": [[clean(cell) for cell in row] for row in rows],
        "familiarise": _people(order.familiarise),
        "appendices": [_act(act) for act in order.appendices],
    }


def _protocol_item(item: ProtocolItem) -> dict:
    """One agenda item; votes are numbers when a vote was held (as the built-in form shows
    them), "" otherwise."""
    voted = item.votes[0] is not None
    votes = [(count or 0) if voted else "" for count in item.votes]
    return {
        "title": clean(item.title),
        "speaker": clean(item.speaker),
        "comments": [
            {"section": clean(section), "text": clean(text), "author": clean(author)}
            for section, text, author in item.comments
        ],
        "decision": clean(item.decision),
        "votes_for": votes[0],
        "votes_against": votes[1],
        "votes_abstained": votes[2],
        "remarks": clean(item.remarks),
    }


def _protocol(protocol: ProtocolDoc) -> dict:
    """Minutes of a meeting: requisites, attendance ("" when not recorded), agenda items."""
    present = protocol.present
    return {
        **_school(protocol.school),
        "body_genitive": clean(protocol.body_genitive),
        "number": clean(protocol.number),
        "date": ru_date(protocol.held_on),
        "place": clean(protocol.place),
        "chair": clean(protocol.chair),
        "secretary": clean(protocol.secretary),
        "members": protocol.members,
        "present": present if present is not None else "",
        "absent": max(protocol.members - present, 0) if present is not None else "",
        "items": [_protocol_item(item) for item in protocol.items],
    }


def _plan_row(row: PlanRow) -> dict:
    return {
        "number": clean(row.number),
        "title": clean(row.title),
        "window": clean(row.window),
        "responsible": clean(row.responsible),
        "status": clean(row.status),
    }


def _plan(plan: PlanDoc) -> dict:
    """The plan-schedule: its phases, each with its rows."""
    return {
        **_school(plan.school),
        "title": clean(plan.title),
        "as_of": ru_date(plan.as_of),
        "phases": [
            {"title": clean(title), "rows": [_plan_row(row) for row in rows]}
            for title, rows in plan.phases
        ],
    }


def _sheet(sheet: SheetDoc) -> dict:
    """The familiarisation sheet: the order's requisites and who signs."""
    return {
        **_school(sheet.school),
        "order_title": clean(sheet.order_title),
        "number": clean(sheet.number) if sheet.number else BLANK_NUMBER,
        "date": ru_date(sheet.issued_on),
        "people": _people(sheet.people),
    }


def _consents(consents: ConsentDoc) -> dict:
    """The consent forms: one blank pupil when none is given, as the built-in form prints."""
    pupils = consents.pupils or (Consent(BLANK_PUPIL),)
    return {
        **_school(consents.school),
        "school_address": clean(consents.school.address),
        "pupils": [
            {"pupil": clean(pupil.pupil), "class_name": clean(pupil.class_name)} for pupil in pupils
        ],
    }


def _finding(number: int, finding: ReportFinding) -> dict:
    return {
        "number": number,
        "criterion": clean(finding.criterion),
        "violations": finding.violations,
        "violations_text": violations_text(finding.violations),
        "comment": clean(finding.comment),
    }


def _recommendation(recommendation: ReportRecommendation) -> dict:
    return {
        "text": clean(recommendation.text),
        "person": clean(recommendation.person),
        "position": clean(recommendation.position),
        "due_on": ru_date(recommendation.due_on),
        "sentence": clean(recommendation_text(recommendation)),
    }


def _control_report(report: ControlReportDoc) -> dict:
    """The report on a control check: requisites, findings, recommendations and readers, as
    the built-in form shows them."""
    return {
        **_school(report.school),
        "title": clean(report.check_title),
        "label": clean(report.label),
        "date": ru_date(report.checked_on),
        "objects": clean(report.objects.strip() or DEFAULT_OBJECT),
        "checker_name": clean(report.checker_name),
        "checker_position": clean(report.checker_position),
        "checker_signature": clean(report.checker_signature),
        "findings": [
            _finding(number, finding) for number, finding in enumerate(report.findings, start=1)
        ],
        "total_violations": report.total_violations,
        "conclusion": clean(report.conclusion),
        "recommendations": [_recommendation(r) for r in report.recommendations],
        "familiarise": _people(report.familiarise),
    }


# Each kind's builder takes the dataclass beside it, which `context_for` checks before the call:
# a pairing a dict's type cannot express, hence `Any` for the builder's argument.
CONTEXTS: dict[DocumentKind, tuple[type, Callable[[Any], dict]]] = {
    DocumentKind.ACT: (ActDoc, _act),
    DocumentKind.ORDER: (OrderDoc, _order),
    DocumentKind.TRANSITION_ORDER: (OrderDoc, _order),
    DocumentKind.DUTIES_ORDER: (OrderDoc, _order),
    DocumentKind.PROTOCOL: (ProtocolDoc, _protocol),
    DocumentKind.PLAN: (PlanDoc, _plan),
    DocumentKind.SHEET: (SheetDoc, _sheet),
    DocumentKind.CONSENT: (ConsentDoc, _consents),
    DocumentKind.CONTROL_REPORT: (ControlReportDoc, _control_report),
}


def context_for(kind: DocumentKind | str, data: object) -> dict:
    """The placeholders of `kind` filled from its builder dataclass, every string cleaned.

    A dataclass of another kind is a programming error (TypeError), not the user's."""
    expected, build = CONTEXTS[template_kind(kind)]
    if not isinstance(data, expected):
        raise TypeError(f"{kind} needs {expected.__name__}, not {type(data).__name__}")
    return build(data)


def template_kind(kind: DocumentKind | str) -> DocumentKind:
    """The kind, refused (field "kind") when unknown or when it takes no school template."""
    try:
        known: DocumentKind | None = DocumentKind(kind)
    except ValueError:
        known = None
    if known is None or known not in PLACEHOLDERS:
        raise DomainError(_("Для документов этого вида свой шаблон загрузить нельзя."), "kind")
    return known
