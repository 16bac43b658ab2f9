from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.acts.models import LocalAct
from tracker.acts.services import acts_of
from tracker.approvals.models import Meeting, Order
from tracker.approvals.permissions import can_edit_act, can_record_for
from tracker.documents import consents as consent_forms
from tracker.documents import generation, versions
from tracker.documents import prepared as prepared_files
from tracker.documents.custom import services as templates
from tracker.documents.custom.fields import PLACEHOLDERS
from tracker.documents.forms import (
    ConsentsForm,
    TemplateUploadForm,
    TransitionOrderForm,
)
from tracker.documents.models import (
    DOCUMENT_TITLES,
    DocumentTemplate,
    GeneratedDocument,
)
from tracker.documents.permissions import (
    can_generate_school_documents,
    can_make_consents,
)
from tracker.views_common import (
    attempt,
    generated,
    own,
    posted_button,
    refused_status,
    school_today,
)

bp = Blueprint("documents", __name__)


def _download(filename: str, media_type: str, content: bytes):
    return send_file(
        BytesIO(content), mimetype=media_type, as_attachment=True, download_name=filename
    )


@bp.get("/documents")
@login_required
def index(transition_form=None, consents_form=None, template_form=None, code=200):
    school = current_user.school
    subject = request.args.get("subject", "")[:100] or None  # one document's versions
    template_form = template_form or TemplateUploadForm(prefix="template")
    template_form.kind.choices = _template_kinds()
    active = templates.active_templates(school)
    acts = [act for act in acts_of(school)]
    transition_form = transition_form or TransitionOrderForm()
    transition_form.act.choices = [(0, _("— без приложения —"))] + [
        (act.id, act.title) for act in acts
    ]
    if transition_form.act.data is None:
        regulation = next((a for a in acts if "электронном журнале" in a.title), None)
        transition_form.act.data = regulation.id if regulation else 0
    listed = versions.versions(school, subject=subject, page=request.args.get("page", 1, type=int))
    return render_template(
        "documents/index.html",
        versions=listed,
        stale=generation.out_of_date(school, list(listed.items)),
        subject=subject,
        titles=DOCUMENT_TITLES,
        transition_form=transition_form,
        consents_form=consents_form or ConsentsForm(),
        template_form=template_form,
        templates=[(kind, active.get(str(kind))) for kind in PLACEHOLDERS],
        placeholders=PLACEHOLDERS,
        can_generate=can_generate_school_documents(current_user, school),
        can_consents=can_make_consents(current_user, school),
    ), code


@bp.get("/documents/<id:document_id>")
@login_required
def download(document_id: int):
    document = own(GeneratedDocument, document_id)
    return _download(document.filename, document.media_type, document.content)


@bp.post("/documents/transition-order")
@login_required
def transition_order():
    school = current_user.school
    if not can_generate_school_documents(current_user, school):
        abort(403)
    form = TransitionOrderForm()
    form.act.choices = [(0, "")] + [(act.id, "") for act in acts_of(school)]
    if not form.validate_on_submit():
        return index(transition_form=form, code=400)
    regulation = own(LocalAct, form.act.data) if form.act.data else None
    return generated(
        lambda: generation.generate_transition_order(
            school, current_user, regulation, school_today()
        ),
        url_for("documents.index"),
        form,
    )


@bp.post("/documents/duties-order")
@login_required
def duties_order():
    return _school_document(lambda school: generation.generate_duties_order(school, current_user))


@bp.post("/documents/plan")
@login_required
def plan():
    return _school_document(
        lambda school: generation.generate_plan(school, current_user, school_today())
    )


def _school_document(generate):
    """A document of the whole school, made by the director and downloaded at once."""
    school = current_user.school
    if not can_generate_school_documents(current_user, school):
        abort(403)
    return generated(lambda: generate(school), url_for("documents.index"))


@bp.post("/documents/consents")
@login_required
def consents():
    school = current_user.school
    if not can_make_consents(current_user, school):
        abort(403)
    form = ConsentsForm()
    if not form.validate_on_submit():
        return index(consents_form=form, code=400)
    content = form.file.data.read() if form.file.data else b""
    done, prepared = attempt(
        form,
        lambda: prepared_files.ask_consents(
            school,
            current_user,
            consent_forms.parse_class_list(content) if content else (),
            as_zip=form.output.data == "zip",
        ),
    )
    if not done or prepared is None:
        return index(consents_form=form, code=refused_status(form))
    return redirect(url_for("documents.prepared", file_id=prepared.id))


@bp.get("/documents/prepared/<id:file_id>")
@login_required
def prepared(file_id: int):
    """A file the worker makes for the person who asked: «готовится» (the page looks again
    every two seconds), then the download starts by itself; only the asker sees it."""
    prepared = prepared_files.of_person(file_id, current_user)
    if prepared is None:
        abort(404)
    return render_template("documents/prepared.html", prepared=prepared)


@bp.get("/documents/prepared/<id:file_id>/file")
@login_required
def prepared_file(file_id: int):
    prepared = prepared_files.of_person(file_id, current_user)
    if prepared is None or prepared.state != "ready" or prepared.content is None:
        abort(404)
    return _download(prepared.filename, prepared.media_type, prepared.content)


@bp.post("/acts/<id:act_id>/docx")
@login_required
def act_docx(act_id: int):
    act = own(LocalAct, act_id)
    if not can_edit_act(current_user, act):
        abort(403)
    return generated(
        lambda: generation.generate_act(act, current_user),
        url_for("acts.act", act_id=act.id),
    )


@bp.post("/meetings/<id:meeting_id>/protocol")
@login_required
def protocol(meeting_id: int):
    meeting = own(Meeting, meeting_id, lambda m: m.body.school_id)
    if not can_record_for(current_user, meeting.body):
        abort(403)
    return generated(
        lambda: generation.generate_protocol(meeting, current_user),
        url_for("approvals.meeting", meeting_id=meeting.id),
    )


@bp.post("/orders/<id:order_id>/docx")
@login_required
def order_docx(order_id: int):
    return _order_document(order_id, generation.generate_order)


@bp.post("/orders/<id:order_id>/sheet")
@login_required
def order_sheet(order_id: int):
    return _order_document(order_id, generation.generate_sheet)


def _order_document(order_id: int, generate):
    order = own(Order, order_id)
    if not can_generate_school_documents(current_user, order.school):
        abort(403)
    return generated(lambda: generate(order, current_user), url_for("approvals.orders"))


def _template_kinds():
    return [(str(kind), str(DOCUMENT_TITLES[kind])) for kind in PLACEHOLDERS]


@bp.post("/documents/templates")
@login_required
def upload_template():
    school = current_user.school
    if not can_generate_school_documents(current_user, school):
        abort(403)
    form = TemplateUploadForm(prefix="template")
    form.kind.choices = _template_kinds()
    if not form.validate_on_submit():
        return index(template_form=form, code=400)
    content = form.file.data.read() if form.file.data else b""
    filename = getattr(form.file.data, "filename", "") or "template.docx"
    done, _template = attempt(
        form,
        lambda: templates.upload_template(school, current_user, form.kind.data, filename, content),
    )
    if not done:
        return index(template_form=form, code=refused_status(form))
    flash(_("Шаблон загружен: документы этого вида будут оформляться по нему"), "success")
    return redirect(url_for("documents.index", _anchor="templates"))


@bp.post("/documents/templates/<id:template_id>/off")
@login_required
def template_off(template_id: int):
    template = own(DocumentTemplate, template_id)
    if not can_generate_school_documents(current_user, current_user.school):
        abort(403)
    form = posted_button()
    if not template.is_active:
        flash(_("Этот шаблон уже не используется"), "error")
    elif attempt(form, lambda: templates.deactivate_template(template, current_user)).done:
        flash(_("Снова используется встроенная форма"), "success")
    return redirect(url_for("documents.index", _anchor="templates"))
