"""The acts' pages: the school's acts with where each stands, a new draft, and an act's own page,
which gathers what the other parts keep of it (its route and discussions, its generated DOCX,
its publications). The route's and the discussion's buttons post to `approvals`, publishing to
`publication`; a refused form comes back here with its reasons (`act_page`)."""

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from tracker.acts import services as acts_service
from tracker.acts.forms import (
    ActCreateForm,
    ActSubmitForm,
    ActVersionForm,
    DiscussionCloseForm,
    DiscussionCommentForm,
    DiscussionOpenForm,
    RouteForm,
)
from tracker.acts.models import LocalAct
from tracker.acts.samples import sample_text
from tracker.approvals import discussion as discussion_service
from tracker.approvals import queries as approvals
from tracker.approvals import route as route_service
from tracker.approvals.models import BodyKind, Discussion
from tracker.approvals.permissions import (
    can_change_route,
    can_comment_on,
    can_draft_acts,
    can_edit_act,
)
from tracker.documents import generation
from tracker.documents import versions as documents
from tracker.forms import validated
from tracker.publication import services as publication
from tracker.publication.forms import PublishForm
from tracker.publication.permissions import can_publish, can_sign
from tracker.views_common import attempt, own, school_today

bp = Blueprint("acts", __name__)


def _acts_page(form: ActCreateForm | None = None, code: int = 200):
    school = current_user.school
    acts = acts_service.acts_of(school)
    rounds = approvals.current_rounds(acts)  # one query for every act's line
    return render_template(
        "acts/acts.html",
        acts=[(act, approvals.route_line(act, rounds[act.id])) for act in acts],
        discussions=approvals.running_discussions(school),
        today=school_today(),
        form=form or ActCreateForm(),
        can_draft=can_draft_acts(current_user, school),
    ), code


@bp.get("/acts")
@login_required
def index():
    return _acts_page()


@bp.post("/acts")
@login_required
def create():
    school = current_user.school
    if not can_draft_acts(current_user, school):
        abort(403)
    form = ActCreateForm()
    if form.validate_on_submit():
        title, text = form.title.data or "", form.body_text.data or ""
        if form.sample.data:
            sample_title, sample = sample_text(school, form.sample.data)
            title, text = title.strip() or sample_title, text.strip() or sample
        done, act = attempt(
            form, lambda: acts_service.create_act(school, current_user, title, text)
        )
        if done:
            flash(_("Проект создан"), "success")
            return redirect(url_for("acts.act", act_id=act.id))
    return _acts_page(form, 400)


def _form(forms: dict, name: str, shown: bool, make: Callable[[], FlaskForm]) -> FlaskForm | None:
    """The form sent back with its errors, else a new one when its part of the page is shown,
    else none: a person who can do nothing on the act costs no form."""
    if name in forms:
        return forms[name]
    return make() if shown else None


def act_page(act: LocalAct, code: int = 200, **forms):
    chosen = set(act.route)
    steps = approvals.route_steps(act)  # once for the line and the history
    today = school_today()
    discussions = approvals.discussions_of(act)
    running = next((d for d in discussions if d.closed_on is None), None)
    can_edit = can_edit_act(current_user, act)
    can_route = can_change_route(current_user, act)
    draft = act.status == "draft"
    can_open_discussion = (
        running is None
        and can_edit
        and approvals.ped_step_free(act, approvals.current_round(act, steps))
    )
    can_comment = (
        running is not None and running.is_open(today) and can_comment_on(current_user, act)
    )
    comment_form = _form(forms, "comment_form", can_comment, DiscussionCommentForm)
    if running is not None and comment_form is not None:
        comment_form.section.choices = [("", _("Акт в целом"))] + [
            (title, title) for title in approvals.discussion_sections(running)
        ]
    lock = act.lock_version
    return render_template(
        "acts/act.html",
        act=act,
        line=approvals.route_line(act, steps),
        repealed_by=approvals.repealing_order(act),
        history=approvals.earlier_rounds(act, steps),
        submit_form=_form(
            forms, "submit_form", draft and can_edit, lambda: ActSubmitForm(lock_version=lock)
        ),
        version_form=_form(
            forms,
            "version_form",
            can_edit and act.status != "in_force",
            lambda: ActVersionForm(
                lock_version=lock,
                body_text=act.current_version.body_text if act.current_version else "",
            ),
        ),
        route_form=_form(
            forms, "route_form", draft and can_route, lambda: RouteForm(lock_version=lock)
        ),
        optional_councils=[kind for kind in BodyKind if kind != BodyKind.PED_COUNCIL],
        chosen_councils=chosen,
        can_edit=can_edit,
        can_route=can_route,
        discussions=discussions,
        running=running,
        today=today,
        can_open_discussion=can_open_discussion,
        can_comment=can_comment,
        open_form=_form(
            forms,
            "open_form",
            can_open_discussion,
            lambda: DiscussionOpenForm(
                lock_version=lock, opens_on=today, closes_on=today + timedelta(days=14)
            ),
        ),
        close_form=_form(
            forms,
            "close_form",
            running is not None and can_edit and today >= running.opens_on,
            lambda: DiscussionCloseForm(lock_version=lock),
        ),
        comment_form=comment_form,
        docx_versions=documents.versions(act.school, "act", f"act:{act.id}", per_page=5),
        fresh=generation.current_fingerprints(act, steps),
        **_publication_context(act),
    ), code


def _publication_context(act: LocalAct) -> dict:
    form = PublishForm()
    form.replaces.choices = [(0, _("— ничего не заменяет —"))] + [
        (other.id, other.title) for other in publication.replaceable_acts(act)
    ]
    return {
        "publications": publication.publications_of(act),
        "publish_form": form,
        "can_publish": can_publish(current_user, act.school),
        "can_sign": can_sign(current_user, act.school),
    }


@bp.get("/acts/<id:act_id>")
@login_required
def act(act_id: int):
    return act_page(own(LocalAct, act_id))


# --- its route and editions ---


@bp.post("/acts/<id:act_id>/submit")
@login_required
def submit(act_id: int):
    act = own(LocalAct, act_id)
    if not can_edit_act(current_user, act):
        abort(403)
    form = ActSubmitForm()
    if (
        form.validate_on_submit()
        and attempt(
            form, lambda: route_service.submit_for_review(act, current_user, form.expected_version)
        ).done
    ):
        flash(_("Акт направлен на согласование"), "success")
        return redirect(url_for("acts.act", act_id=act.id))
    return act_page(act, 400, submit_form=form)


@bp.post("/acts/<id:act_id>/route")
@login_required
def set_route(act_id: int):
    act = own(LocalAct, act_id)
    if not can_change_route(current_user, act):
        abort(403)
    form = RouteForm()
    if form.validate_on_submit():
        kinds = [BodyKind.PED_COUNCIL.value] + [
            kind.value for kind in BodyKind if kind.value in request.form.getlist("councils")
        ]
        if attempt(
            form, lambda: route_service.set_route(act, current_user, kinds, form.expected_version)
        ).done:
            flash(_("Маршрут сохранён"), "success")
            return redirect(url_for("acts.act", act_id=act.id))
    return act_page(act, 400, route_form=form)


@bp.post("/acts/<id:act_id>/versions")
@login_required
def new_version(act_id: int):
    act = own(LocalAct, act_id)
    if not can_edit_act(current_user, act):
        abort(403)
    form = ActVersionForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: route_service.new_version(
                act, current_user, form.body_text.data or "", form.expected_version
            ),
        ).done
    ):
        flash(_("Новая редакция сохранена"), "success")
        return redirect(url_for("acts.act", act_id=act.id))
    return act_page(act, 400, version_form=form)


# --- its public discussion ---


@bp.post("/acts/<id:act_id>/discussion")
@login_required
def open_discussion(act_id: int):
    act = own(LocalAct, act_id)
    if not can_edit_act(current_user, act):
        abort(403)
    form = DiscussionOpenForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: discussion_service.open_discussion(
                act,
                current_user,
                opens_on=validated(form.opens_on.data),
                closes_on=validated(form.closes_on.data),
                today=school_today(),
                expected_version=form.expected_version,
            ),
        ).done
    ):
        flash(_("Обсуждение открыто: сотрудники могут оставлять замечания"), "success")
        return redirect(url_for("acts.act", act_id=act.id))
    return act_page(act, 400, open_form=form)


def _running(act: LocalAct) -> Discussion:
    discussion = approvals.running_discussion(act)
    if discussion is None:
        abort(404)
    return discussion


@bp.post("/acts/<id:act_id>/discussion/close")
@login_required
def close_discussion(act_id: int):
    act = own(LocalAct, act_id)
    if not can_edit_act(current_user, act):
        abort(403)
    form = DiscussionCloseForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: discussion_service.close_discussion(
                _running(act),
                current_user,
                today=school_today(),
                expected_version=form.expected_version,
            ),
        ).done
    ):
        flash(_("Обсуждение завершено, замечания переданы педагогическому совету"), "success")
        return redirect(url_for("acts.act", act_id=act.id))
    return act_page(act, 400, close_form=form)


@bp.post("/acts/<id:act_id>/discussion/comments")
@login_required
def comment(act_id: int):
    act = own(LocalAct, act_id)
    if not can_comment_on(current_user, act):
        abort(403)
    discussion = _running(act)
    form = DiscussionCommentForm()
    form.section.choices = []
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: discussion_service.add_discussion_comment(
                discussion,
                current_user,
                section=form.section.data or "",
                text=form.text.data or "",
                today=school_today(),
            ),
        ).done
    ):
        flash(_("Замечание отправлено"), "success")
        return redirect(url_for("acts.act", act_id=act.id, _anchor="discussion"))
    return act_page(act, 400, comment_form=form)
