"""The kept versions of generated documents: the latest of a subject, a page of them, the newest
of each subject for a list of orders or meetings. Reads only (`generation` writes them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import School
from tracker.documents.models import GeneratedDocument
from tracker.extensions import db, paginate


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
