"""Publishing acts in force on the school's site: the act's last step, with its files.

Only what is published and not withdrawn is ever reachable from outside; a draft has no
publication and therefore no public file. The PDF is made by LibreOffice in the worker
(`make_pdf`), off the request, and kept; until then the public page says «PDF готовится»; when it
fails, the act's page says why and the director can retry.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import subprocess  # nosec B404 -- LibreOffice is run with a fixed argument list, no shell
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from tracker.accounts import services as accounts
from tracker.accounts.models import Person, School
from tracker.acts.models import ActStatus, LocalAct, PlanRole
from tracker.acts.services import sync_plan_for
from tracker.acts.signals import plan_step_done_on
from tracker.approvals.queries import current_rounds, enacting_order, in_force_on, requisites
from tracker.audit import services as audit
from tracker.documents.generation import DOCX, generate_act, safe_filename
from tracker.errors import DomainError
from tracker.extensions import db, first_row
from tracker.publication.models import PdfState, Publication, SimpleSignature
from tracker.queue import after_commit, crontab, job, periodic
from tracker.types import local_day, utcnow

MAX_SIGNATURE = 1024 * 1024  # a detached CMS signature is a few kilobytes
PDF_TIMEOUT = 120
TYPE_GROUPS = {
    "положение": "Положения",
    "регламент": "Регламенты",
    "порядок": "Порядки",
    "правила": "Правила",
    "инструкция": "Инструкции",
}


# --- the public page ---


_SCHOOL = School.__table__.c
# Built once: on a page answered from what is kept, building the statement cost as much as
# running it.
PUBLIC_KEY = select(
    _SCHOOL.id, _SCHOOL.records_version, _SCHOOL.full_name, _SCHOOL.short_name
).where(_SCHOOL.slug == bindparam("slug"))


def public_key(slug: str):
    """What a kept public rendering of a school is keyed by, as one row (id, records_version,
    full_name, short_name), not the School object: None for an unknown slug."""
    return first_row(PUBLIC_KEY, {"slug": slug[:64]})


# --- PDF ---


def to_pdf(docx: bytes) -> tuple[bytes | None, str]:
    """The DOCX converted by LibreOffice headless; (None, the reason) when it cannot be."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None, "LibreOffice не установлен"
    with tempfile.TemporaryDirectory(prefix="tracker-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        profile = (Path(folder) / "profile").as_uri()
        try:
            subprocess.run(  # noqa: S603  # nosec B603 -- fixed arguments, a file we wrote
                [
                    soffice,
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT,
            )
        except (subprocess.SubprocessError, OSError) as error:
            return None, f"преобразование не удалось: {type(error).__name__}"
        result = Path(folder) / "document.pdf"
        if not result.is_file() or result.stat().st_size == 0:
            return None, "LibreOffice не создал PDF"
        return result.read_bytes(), ""


# --- publishing ---


def publications_of(act: LocalAct) -> list[Publication]:
    return list(
        db.session.scalars(
            select(Publication).where(Publication.act_id == act.id).order_by(Publication.id.desc())
        )
    )


def current_publication(act: LocalAct) -> Publication | None:
    return db.session.scalar(
        select(Publication).where(
            Publication.act_id == act.id,
            Publication.withdrawn_at.is_(None),
            Publication.superseded_by_id.is_(None),
        )
    )


def publish(
    act: LocalAct,
    actor: Person,
    *,
    replaces: LocalAct | None = None,
    signature: bytes | None = None,
    signature_name: str = "",
    signed_by: str = "",
    convert: bool = True,
) -> Publication:
    """Publish an act in force: its DOCX with the filled stamps, a PDF, an optional signature.
    An earlier publication of the act, or of the act it replaces, becomes superseded."""
    if act.status != ActStatus.IN_FORCE:
        raise DomainError(_("На сайте публикуется только действующий акт"))
    if replaces is not None:
        if replaces.school_id != act.school_id or replaces.id == act.id:
            raise DomainError(_("Заменить можно только другой акт этой школы"), field="replaces")
        if current_publication(replaces) is None:
            raise DomainError(_("Заменяемый акт не опубликован"), field="replaces")
    signed_by = " ".join((signed_by or "").split())[:300]
    if signature is not None:
        if not signature:
            raise DomainError(_("Файл подписи пуст"), field="signature")
        if len(signature) > MAX_SIGNATURE:
            raise DomainError(_("Файл подписи больше 1 МБ"), field="signature")
        if not signed_by:
            raise DomainError(_("Укажите, кем подписан документ"), field="signed_by")
    document = generate_act(act, actor)
    earlier = [
        p for p in (current_publication(act), replaces and current_publication(replaces)) if p
    ]
    publication = Publication(
        school_id=act.school_id,
        act=act,
        document=document,
        signature=signature,
        signature_name=(signature_name or "signature.sig")[-200:] if signature else "",
        signed_by=signed_by if signature else "",
        published_by_id=actor.id,
        sequence=1 + len(publications_of(act)),
    )
    db.session.add(publication)
    db.session.flush()
    if convert:
        _ask_for_pdf(publication)
    for old in earlier:
        old.superseded_by_id = publication.id
        old.superseded_at = utcnow()
    db.session.flush()
    audit.record_new(
        "act.publish",
        "act",
        act.id,
        act.school_id,
        actor,
        publication=publication.id,
        pdf=str(publication.pdf_state),
        replaces=[p.act.title for p in earlier],
        signed_by=publication.signed_by or None,
    )
    sync_plan_for(act)
    return publication


def _ask_for_pdf(publication: Publication) -> None:
    """The PDF is made by the worker once this transaction commits; until then the public page
    says «PDF готовится»."""
    publication.pdf = None
    publication.pdf_state = PdfState.PENDING
    publication.pdf_error = ""
    publication.pdf_asked_at = utcnow()
    after_commit(make_pdf, publication.id, school_id=publication.school_id)


class PdfNotMade(Exception):
    """LibreOffice failed: the queue tries again later."""


@job(retries=2, retry_delay=120)
def make_pdf(publication_id: int, school_id: int | None = None) -> None:
    """The worker's job: convert the publication's DOCX (the one kept at publishing, so the PDF
    is the same document) and keep the PDF. Idempotent: a publication with its PDF is left
    alone. A failure is kept on the publication (the act's page says why
    and offers a retry) and retried twice."""
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.pdf_state == PdfState.READY:
        return
    content = publication.document.content
    db.session.commit()  # LibreOffice may take a minute: no transaction held meanwhile
    pdf, error = to_pdf(content)
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.pdf_state == PdfState.READY:
        return
    keep_pdf(publication, pdf, error)
    # An entry of the act's history, made by no one; it moves the school's records version, so
    # the public page, kept by that version, shows the PDF at once.
    audit.record_new(
        "act.publish.pdf",
        "act",
        publication.act_id,
        publication.school_id,
        None,
        pdf=str(publication.pdf_state),
        error=error or None,
    )
    db.session.commit()
    if pdf is None:
        raise PdfNotMade(error)


def keep_pdf(publication: Publication, pdf: bytes | None, error: str) -> None:
    """The PDF made of the publication's DOCX, or why there is none."""
    publication.pdf = pdf
    publication.pdf_error = error
    publication.pdf_state = PdfState.READY if pdf else PdfState.FAILED


@periodic(crontab(minute="*/10"))
def make_missing_pdfs() -> None:
    """Every ten minutes: publications whose PDF was asked for over ten minutes ago and not made
    (the job lost with a killed worker) are asked for again."""
    stale = utcnow() - timedelta(minutes=10)
    for publication in db.session.scalars(
        select(Publication).where(
            Publication.pdf_state == PdfState.PENDING, Publication.pdf_asked_at < stale
        )
    ):
        publication.pdf_asked_at = utcnow()
        after_commit(make_pdf, publication.id, school_id=publication.school_id)
    db.session.commit()


def retry_pdf(publication: Publication, actor: Person) -> None:
    """The director asks again for a PDF that failed (or that waits too long)."""
    if publication.pdf_state == PdfState.READY:
        raise DomainError(_("PDF уже готов"))
    _ask_for_pdf(publication)
    db.session.flush()
    audit.record_new(
        "act.publish.pdf",
        "act",
        publication.act_id,
        publication.school_id,
        actor,
        pdf=str(publication.pdf_state),
    )


def withdraw(publication: Publication, actor: Person) -> None:
    """Take a publication off the site (its files answer 404 from now on)."""
    if publication.withdrawn_at is not None:
        raise DomainError(_("Публикация уже снята"))
    publication.withdrawn_at = utcnow()
    publication.withdrawn_by_id = actor.id
    db.session.flush()
    audit.record(
        "act.withdraw",
        "act",
        publication.act_id,
        school_id=publication.school_id,
        actor=actor,
        changes={"publication": [publication.id, None]},
    )
    sync_plan_for(publication.act)


@plan_step_done_on.connect_via(PlanRole.PUBLICATION)
def published_on(_role: PlanRole, act: LocalAct) -> date | None:
    """When the act went on the site (its first publication still there), at the school."""
    first = db.session.scalar(
        select(Publication)
        .where(Publication.act_id == act.id, Publication.withdrawn_at.is_(None))
        .order_by(Publication.id)
    )
    if first is None:
        return None
    return local_day(first.published_at, act.school.timezone)


def replaceable_acts(act: LocalAct) -> list[LocalAct]:
    """Other acts of the school on the site: what this one may replace."""
    acts = db.session.scalars(
        select(LocalAct)
        .join(Publication, Publication.act_id == LocalAct.id)
        .where(
            LocalAct.school_id == act.school_id,
            LocalAct.id != act.id,
            LocalAct.status == ActStatus.IN_FORCE,
            Publication.withdrawn_at.is_(None),
            Publication.superseded_by_id.is_(None),
        )
        .order_by(LocalAct.title)
    )
    return list(dict.fromkeys(acts))


# --- the simple electronic signature ---


def sign(publication: Publication, actor: Person, *, password: str) -> SimpleSignature:
    """The director signs the published PDF with a simple electronic signature (63-ФЗ ст. 9):
    entering the password again is the key that makes it theirs. One signature a publication;
    a changed act is published, and signed, anew."""
    act = publication.act
    if not publication.is_visible or publication.superseded_by_id is not None:
        raise DomainError(_("Подписывается только публикация, которая сейчас на сайте"))
    if act.status != ActStatus.IN_FORCE:
        raise DomainError(_("Акт не действует: подписывать нечего"))
    if publication.pdf_state != PdfState.READY or not publication.pdf:
        raise DomainError(_("PDF ещё не готов: подписывается PDF, который видят на сайте"))
    if publication.simple_signature is not None:
        raise DomainError(_("Эта публикация уже подписана"))
    if not accounts.confirms_password(actor, password):
        raise DomainError(_("Пароль не подошёл: документ не подписан"), field="password")
    signature = SimpleSignature(
        publication=publication,
        key=secrets.token_hex(16),
        signer_id=actor.id,
        signer_name=actor.full_name,
        signer_position=", ".join(p.title for p in actor.positions) or _("Директор"),
        pdf_sha256=hashlib.sha256(publication.pdf).hexdigest(),
    )
    db.session.add(signature)
    db.session.flush()
    audit.record_new(
        "act.sign",
        "act",
        act.id,
        act.school_id,
        actor,
        publication=publication.id,
        key=signature.key,
        sha256=signature.pdf_sha256,
    )
    return signature


def signature_by_key(school: School, key: str) -> SimpleSignature | None:
    """A signature of this school's publication by its key (any case, spaces ignored)."""
    key = "".join((key or "").split()).lower()
    if len(key) != 32:
        return None
    signature = db.session.scalar(select(SimpleSignature).where(SimpleSignature.key == key))
    if signature is None or signature.publication.school_id != school.id:
        return None
    return signature


def matches(signature: SimpleSignature, content: bytes) -> bool:
    """Whether a file is, byte for byte, the PDF that was signed."""
    return hashlib.sha256(content).hexdigest() == signature.pdf_sha256


# --- the public listing ---


@dataclass
class PublicEntry:
    publication: Publication
    requisites: list
    in_force_on: date | None
    history: list[Publication] = field(default_factory=list)

    @property
    def act(self) -> LocalAct:
        return self.publication.act


def type_of(title: str) -> str:
    word = title.split(" ", 1)[0].lower()
    return TYPE_GROUPS.get(word, _("Другие документы"))


def listing(school: School) -> list[tuple[str, list[PublicEntry]]]:
    """The acts on the site grouped by type, each current publication with its requisites and
    the publications it superseded (its history)."""
    visible = list(
        db.session.scalars(
            select(Publication)
            .where(Publication.school_id == school.id, Publication.withdrawn_at.is_(None))
            .options(selectinload(Publication.act), selectinload(Publication.simple_signature))
            .order_by(Publication.id.desc())
        )
    )
    by_id = {p.id: p for p in visible}
    entries: dict[int, PublicEntry] = {}
    # An act that lost force leaves the list (its order «о признании утратившим силу» is
    # the school's record of it), and its files with it.
    current = [
        p for p in visible if p.superseded_by_id is None and p.act.status == ActStatus.IN_FORCE
    ]
    rounds = current_rounds([p.act for p in current])
    for publication in current:
        steps = rounds[publication.act_id]
        entries[publication.id] = PublicEntry(
            publication,
            requisites(publication.act, steps),
            in_force_on(publication.act, enacting_order(publication.act, steps)),
        )
    for publication in visible:
        newest = publication
        while newest.superseded_by_id is not None and newest.superseded_by_id in by_id:
            newest = by_id[newest.superseded_by_id]
        if newest is not publication and newest.id in entries:
            entries[newest.id].history.append(publication)
    groups: dict[str, list[PublicEntry]] = {}
    for entry in sorted(entries.values(), key=lambda e: e.act.title):
        groups.setdefault(type_of(entry.act.title), []).append(entry)
    return sorted(groups.items())


def public_file(school: School, publication_id: int, kind: str) -> tuple[str, str, bytes] | None:
    """(filename, media type, bytes) of a file on the site, or None: a draft, a withdrawn
    publication or another school's id are all simply not there."""
    publication = db.session.get(Publication, publication_id)
    if publication is None or publication.school_id != school.id or not publication.is_visible:
        return None
    # An act that lost force is off the site, unless its publication stands as the former
    # edition of the act that replaced it.
    if publication.superseded_by_id is None and publication.act.status != ActStatus.IN_FORCE:
        return None
    stem = safe_filename(publication.act.title, "")
    if kind == "docx":
        return stem + ".docx", DOCX, publication.document.content
    if kind == "pdf" and publication.pdf_state == PdfState.READY and publication.pdf:
        return stem + ".pdf", "application/pdf", publication.pdf
    if kind == "sig" and publication.signature:
        return stem + ".pdf.sig", "application/pkcs7-signature", publication.signature
    return None
