"""Generating documents and keeping them: every generation is an immutable, numbered version of
its subject (an act, a meeting, an order, the plan) with its bytes, who made it and when; the
same data twice gives no new version. A school's own template of a kind, when it has one, is
used instead of the built-in form. Services flush and never commit; the request or the command
commits once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar, cast

from flask_babel import gettext as _

from tracker.accounts.models import Person, School
from tracker.acts.models import LocalAct
from tracker.approvals.models import ApprovalStep, Meeting, Order
from tracker.audit import services as audit
from tracker.controls.models import Occurrence
from tracker.documents import builders
from tracker.documents.custom.services import renderer
from tracker.documents.data import (
    act_doc,
    control_report_doc,
    duties_order_doc,
    order_doc,
    plan_doc,
    protocol_doc,
    sheet_doc,
    transition_order_doc,
)
from tracker.documents.models import DocumentKind, GeneratedDocument
from tracker.documents.versions import latest
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.types import whole_number

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

D = TypeVar("D")  # a builder's dataclass (ActDoc, OrderDoc, …)


def fingerprint(data: object, template_id: int | None = None) -> str:
    """A digest of the data a document is made from and the template it is set in (enums as
    their values, dates as ISO)."""
    plain = (
        dataclasses.asdict(data)
        if dataclasses.is_dataclass(data) and not isinstance(data, type)
        else data
    )
    text = json.dumps(
        {"data": plain, "template": template_id}, ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_filename(title: str, suffix: str = ".docx") -> str:
    """A file name a school's Windows accepts: no reserved characters, not too long."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title)
    name = " ".join(name.split())[:120].rstrip(". ") or "document"
    return name + suffix


def store(
    school: School,
    actor: Person | None,
    *,
    kind: DocumentKind,
    subject: str,
    title: str,
    data: D,
    build: Callable[[D], bytes],
    act_version_number: int | None = None,
    prebuilt: Prebuilt | None = None,
) -> GeneratedDocument:
    """Build and keep a new version, unless the latest was made from the same data (and the
    same template). A school's own template of this kind, when it has one, is used instead
    of the built-in form. `prebuilt`, when given, is what was built a moment before (so that
    slow work on it could run before the first write): kept if it was built from the same
    data and template, built again if either changed meanwhile."""
    template, build = renderer(school, kind, build)
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
    template, build = renderer(act.school, DocumentKind.ACT, builders.build_act)
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


# --- what a kept document would be made from now ---


def _fingerprint_now(school: School, kind: DocumentKind, data: object) -> str:
    template, _build = renderer(school, kind, builders.build_act)
    return fingerprint(data, template.id if template else None)


def current_fingerprints(
    subject: LocalAct | Meeting | Order | Occurrence, route: list[ApprovalStep] | None = None
) -> dict[str, str]:
    """The fingerprint each kind of document about `subject` (an act, a meeting, an order, a
    check's occurrence) would have if made now: a kept version with another one is out of date
    («устарел»). Nothing is built or written. (`route`: an act's steps, when the page has read
    them.)"""
    if isinstance(subject, LocalAct):
        data = act_doc(subject, route=route)
        return {"act": _fingerprint_now(subject.school, DocumentKind.ACT, data)}
    if isinstance(subject, Meeting):
        school = subject.body.school
        return {"protocol": _fingerprint_now(school, DocumentKind.PROTOCOL, protocol_doc(subject))}
    if isinstance(subject, Order):
        return {
            "order": _fingerprint_now(subject.school, DocumentKind.ORDER, order_doc(subject)),
            "sheet": _fingerprint_now(subject.school, DocumentKind.SHEET, sheet_doc(subject)),
        }
    return {
        "control_report": _fingerprint_now(
            subject.check.school, DocumentKind.CONTROL_REPORT, control_report_doc(subject)
        )
    }


Subject = LocalAct | Meeting | Order | Occurrence
SUBJECTS: dict[str, type[Subject]] = {
    "act": LocalAct,
    "meeting": Meeting,
    "order": Order,
    "occurrence": Occurrence,
}


def out_of_date(school: School, documents: list[GeneratedDocument]) -> set[int]:
    """The ids of the listed documents about a record (an act, a meeting, an order, a check's
    occurrence) that the records would now make otherwise. The school-wide documents (the
    plan, the transition and duties orders, consents) are made for a day and not judged."""
    now: dict[str, dict[str, str]] = {}
    stale = set()
    for document in documents:
        prefix, _sep, number = document.subject.partition(":")
        model = SUBJECTS.get(prefix)
        if model is None or whole_number(number) is None:
            continue
        if document.subject not in now:
            record = cast(Subject | None, db.session.get(model, int(number)))
            now[document.subject] = current_fingerprints(record) if record is not None else {}
        expected = now[document.subject].get(str(document.kind))
        if expected is not None and expected != document.fingerprint:
            stale.add(document.id)
    return stale
