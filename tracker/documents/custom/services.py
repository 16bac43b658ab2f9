"""The school's templates: the one in use for a kind, uploading a new one (checked first; the
previous one kept inactive) and going back to the built-in form. Audited; flushed, not
committed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.accounts import limits
from tracker.accounts.models import Person, School
from tracker.audit import services as audit
from tracker.documents.custom.context import template_kind
from tracker.documents.custom.fields import MAX_SIZE, PLACEHOLDERS
from tracker.documents.models import DocumentKind, DocumentTemplate
from tracker.errors import DomainError
from tracker.extensions import db

D = TypeVar("D")  # a builder's dataclass (ActDoc, OrderDoc, …)


def _filename(filename: str) -> str:
    """The name as the user's computer had it, without folders or control characters."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename or "").replace("\\", "/")
    return name.rsplit("/", 1)[-1].strip()[:255] or "template.docx"


def active_template(school: School, kind: DocumentKind | str) -> DocumentTemplate | None:
    """The school's template in use for `kind` (the newest active one), or None for the
    built-in form."""
    return db.session.scalar(
        select(DocumentTemplate)
        .where(
            DocumentTemplate.school_id == school.id,
            DocumentTemplate.kind == str(kind),
            DocumentTemplate.is_active.is_(True),
        )
        .order_by(DocumentTemplate.id.desc())
        .limit(1)
    )


def active_templates(school: School) -> dict[str, DocumentTemplate]:
    """The school's templates in use, by kind: one query for a page listing every kind."""
    found: dict[str, DocumentTemplate] = {}
    for template in db.session.scalars(
        select(DocumentTemplate)
        .where(DocumentTemplate.school_id == school.id, DocumentTemplate.is_active.is_(True))
        .order_by(DocumentTemplate.id.desc())
    ):
        found.setdefault(str(template.kind), template)
    return found


def renderer(
    school: School, kind: DocumentKind | str, build: Callable[[D], bytes]
) -> tuple[DocumentTemplate | None, Callable[[D], bytes]]:
    """How a document of `kind` is made for this school: (its template, or None, and the
    function from data to bytes) — the school's own template when it has one, else `build`;
    either takes the same data."""
    template = active_template(school, kind) if kind in PLACEHOLDERS else None
    if template is None:
        return None, build
    from tracker.documents.custom.filling import render_template  # docxtpl, when a document is made

    return template, lambda data: render_template(kind, template.content, data)


def upload_template(
    school: School, actor: Person | None, kind: DocumentKind | str, filename: str, content: bytes
) -> DocumentTemplate:
    """Store a school's template for `kind` after checking it; it replaces the previous one
    (kept, inactive, for history). Audited; flushed, not committed."""
    kind = template_kind(kind)
    if len(content or b"") > MAX_SIZE:
        raise DomainError(_("Файл больше 5 МБ."), "file")
    if actor is not None:
        limits.spend(actor, "template_upload")
    from tracker.documents.custom.checking import validate_template  # docxtpl, when one is checked

    placeholders = validate_template(kind, content)
    previous = db.session.scalars(
        select(DocumentTemplate).where(
            DocumentTemplate.school_id == school.id,
            DocumentTemplate.kind == str(kind),
            DocumentTemplate.is_active.is_(True),
        )
    ).all()
    for old in previous:
        old.is_active = False
    template = DocumentTemplate(
        school_id=school.id,
        kind=kind,
        filename=_filename(filename),
        content=content,
        is_active=True,
        uploaded_by_id=actor.id if actor else None,
    )
    db.session.add(template)
    db.session.flush()
    audit.record_new(
        "document_template.upload",
        "document_template",
        template.id,
        school.id,
        actor,
        kind=str(kind),
        filename=template.filename,
        placeholders=placeholders,
        replaces=[old.id for old in previous],
    )
    return template


def deactivate_template(template: DocumentTemplate, actor: Person | None) -> None:
    """Stop using a school's template: its documents go back to the built-in form. The file is
    kept for history. Audited; nothing happens to a template already inactive."""
    if not template.is_active:
        return
    template.is_active = False
    db.session.flush()
    audit.record(
        "document_template.deactivate",
        "document_template",
        template.id,
        school_id=template.school_id,
        actor=actor,
        changes={"is_active": [True, False], "kind": [None, str(template.kind)]},
    )
