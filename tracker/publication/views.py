import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker import urls
from tracker.accounts.models import School
from tracker.acts.models import LocalAct
from tracker.extensions import db
from tracker.publication import feeds, services
from tracker.publication.forms import PublishForm, SignForm, VerifyForm
from tracker.publication.models import Publication
from tracker.publication.permissions import can_publish, can_sign
from tracker.views_common import attempt, button, flash_errors, own, posted_button

bp = Blueprint("publication", __name__)
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


def _school(slug: str) -> School:
    school = db.session.scalar(select(School).where(School.slug == slug[:64]))
    if school is None:
        abort(404)
    return school


def _public(slug: str, kind: str, render: Callable[[School], str | bytes], mimetype: str):
    """A public rendering of the school's documents, the same for every visitor: answered 304
    to a client holding it, and kept rendered (per worker) until the school's records change,
    so that a school site polling it costs one read of the school's row. Its key names the
    version of the school's records (every publication, withdrawal, decision or name change
    adds an audit entry, which moves it), the school's names, this build and the host the
    absolute links point at; it is rendered in Russian whatever language the first visitor
    chose."""
    found = services.public_key(slug)
    if found is None:
        abort(404)
    parts = (kind, found.id, found.records_version, found.full_name, found.short_name, BUILD)
    key = "\x1f".join(map(str, parts)) + urls.base_url()
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    headers = {"Cache-Control": "public, no-cache"}  # kept, but asked about each time
    if request.if_none_match.contains_weak(etag):  # a proxy's gzip makes the tag weak
        response = Response(status=304, headers=headers)
    else:
        kept = current_app.extensions.setdefault("public_pages", RenderedPages())
        body = kept.get(etag)
        if body is None:
            with force_locale("ru"):  # the site's language, whoever asks first
                body = render(db.session.get_one(School, found.id))
            kept.put(etag, body)
        response = Response(body, headers=headers, mimetype=mimetype)
    response.set_etag(etag)
    return response


# What the renderings depend on besides the records: this code's templates and words. Any
# change of them comes with a restart, which gives a new one.
BUILD = secrets.token_hex(8)


class RenderedPages:
    """The last public renderings of a worker, newest kept (a bounded LRU)."""

    def __init__(self, limit: int = 256):
        self.limit = limit
        self.pages: OrderedDict[str, str | bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | bytes | None:
        with self.lock:
            body = self.pages.get(key)
            if body is not None:
                self.pages.move_to_end(key)
            return body

    def put(self, key: str, body: str | bytes) -> None:
        with self.lock:
            self.pages[key] = body
            while len(self.pages) > self.limit:
                self.pages.popitem(last=False)


def _listing(embed: bool) -> Callable[[School], str]:
    return lambda school: render_template(
        "publication/public.html", school=school, groups=services.listing(school), embed=embed
    )


@bp.get("/public/<slug>/documents")
def documents(slug: str):
    return _public(slug, "page", _listing(embed=False), "text/html")


@bp.get("/public/<slug>/documents/embed")
def embed(slug: str):
    """The same list without the header, to sit in an iframe of the school's own site: framing
    is allowed here only, and only by the origins the installation names."""
    response = _public(slug, "embed", _listing(embed=True), "text/html")
    origins = [o for o in current_app.config.get("EMBED_ORIGINS", []) if ORIGIN.match(o)]
    ancestors = " ".join(origins) if origins else "'none'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
    return response


def _base(slug: str) -> str:
    return urls.external_url("publication.documents", slug=slug).removesuffix("documents")


@bp.get("/public/<slug>/documents.json")
def documents_json(slug: str):
    return _public(
        slug,
        "json",
        lambda school: feeds.as_json(school.short_name, services.listing(school), _base(slug)),
        "application/json",
    )


def _atom(school: School) -> bytes | str:
    groups = services.listing(school)
    published = [e.publication.published_at for _k, entries in groups for e in entries]
    updated = max(published) if published else school.created_at
    return feeds.as_atom(
        school.short_name,
        groups,
        _base(school.slug),
        urls.external_url("publication.documents", slug=school.slug),
        updated,
    )


@bp.get("/public/<slug>/documents.atom")
def documents_atom(slug: str):
    return _public(slug, "atom", _atom, "application/atom+xml")


@bp.get("/public/<slug>/files/<id:publication_id>.<any(docx, pdf, sig):kind>")
def public_file(slug: str, publication_id: int, kind: str):
    school = _school(slug)
    found = services.public_file(school, publication_id, kind)
    if found is None:
        abort(404)
    filename, media_type, content = found
    response = send_file(
        BytesIO(content), mimetype=media_type, as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.set_etag(f"{publication_id}-{kind}-{len(content)}")
    return response.make_conditional(request)


# --- the simple electronic signature, verified by anyone ---

MAX_VERIFIED = 50 * 1024 * 1024  # a published act's PDF is well under this


@bp.route("/public/<slug>/verify", methods=["GET", "POST"])
def verify(slug: str):
    """Anyone checks a signature's key, and a PDF against it: the file is the signed one, byte
    for byte, or it is not."""
    school = _school(slug)
    form = VerifyForm(key=request.args.get("key", ""))
    signature, verdict, code = None, None, 200
    if request.method == "GET" and form.key.data:
        signature = services.signature_by_key(school, form.key.data)
        if signature is None:
            form.key.errors = [_("Подписи с таким ключом у этой школы нет")]
            code = 404
    elif request.method == "POST":
        code = 400
        if form.validate_on_submit():
            signature = services.signature_by_key(school, form.key.data or "")
            upload = form.file.data
            if signature is None:
                form.key.errors = [_("Подписи с таким ключом у этой школы нет")]
                code = 404
            elif not getattr(upload, "filename", ""):
                form.file.errors = [_("Выберите файл PDF")]
            else:
                content = upload.read(MAX_VERIFIED + 1)
                if len(content) > MAX_VERIFIED:
                    form.file.errors = [_("Файл больше 50 МБ: это не подписанный документ")]
                else:
                    verdict, code = services.matches(signature, content), 200
    with force_locale("ru"):
        body = render_template(
            "publication/verify.html",
            school=school,
            form=form,
            signature=signature,
            verdict=verdict,
        )
    response = Response(body, status=code, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the director's side, on the act's page ---


@bp.post("/acts/<id:act_id>/publish")
@login_required
def publish(act_id: int):
    act = own(LocalAct, act_id)
    if not can_publish(current_user, act.school):
        abort(403)
    form = PublishForm()
    form.replaces.choices = [(0, "")] + [(a.id, "") for a in services.replaceable_acts(act)]
    if form.validate_on_submit():
        signature = (
            form.signature.data.read() if getattr(form.signature.data, "filename", "") else None
        )
        replaces = db.session.get(LocalAct, form.replaces.data) if form.replaces.data else None
        if attempt(
            form,
            lambda: services.publish(
                act,
                current_user,
                replaces=replaces,
                signature=signature,
                signature_name=getattr(form.signature.data, "filename", "") or "",
                signed_by=form.signed_by.data or "",
            ),
        ).done:
            flash(
                _("Акт опубликован на сайте: DOCX сразу, PDF — через минуту, когда будет готов"),
                "success",
            )
            return redirect(url_for("acts.act", act_id=act.id, _anchor="publication"))
    flash_errors(form)
    return redirect(url_for("acts.act", act_id=act.id, _anchor="publication"))


def _own_publication(publication_id: int) -> Publication:
    publication = own(Publication, publication_id)
    if not can_publish(current_user, current_user.school):
        abort(403)
    return publication


@bp.post("/publications/<id:publication_id>/withdraw")
@login_required
def withdraw(publication_id: int):
    publication = _own_publication(publication_id)
    return button(
        lambda: services.withdraw(publication, current_user),
        _("Публикация снята с сайта"),
        url_for("acts.act", act_id=publication.act_id, _anchor="publication"),
    )


@bp.post("/publications/<id:publication_id>/pdf")
@login_required
def retry_pdf(publication_id: int):
    publication = _own_publication(publication_id)
    form = posted_button()
    if attempt(form, lambda: services.retry_pdf(publication, current_user)).done:
        flash(_("PDF готовится заново: он появится через минуту"), "success")
    else:
        flash_errors(form)
    return redirect(url_for("acts.act", act_id=publication.act_id, _anchor="publication"))


@bp.route("/publications/<id:publication_id>/sign", methods=["GET", "POST"])
@login_required
def sign(publication_id: int):
    """The director reviews what is signed (the PDF on the site) and confirms with the
    password."""
    publication = own(Publication, publication_id)
    if not can_sign(current_user, publication.act.school):
        abort(403)
    form = SignForm()
    if form.validate_on_submit():
        if attempt(
            form,
            lambda: services.sign(publication, current_user, password=form.password.data or ""),
        ).done:
            flash(_("PDF подписан простой электронной подписью; отметка видна на сайте"), "success")
            return redirect(url_for("acts.act", act_id=publication.act_id, _anchor="publication"))
    code = 400 if request.method == "POST" else 200
    return render_template("publication/sign.html", publication=publication, form=form), code
