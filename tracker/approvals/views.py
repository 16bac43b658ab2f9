from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.accounts.views import school_people
from tracker.approvals import services
from tracker.approvals.forms import (
    ActCreateForm,
    ActSubmitForm,
    ActVersionForm,
    BodyForm,
    CorrectionForm,
    DiscussionCloseForm,
    DiscussionCommentForm,
    DiscussionOpenForm,
    MeetingCreateForm,
    MeetingRecordForm,
    OrderForm,
    RouteForm,
    parse_item_decisions,
)
from tracker.approvals.models import (
    DECISION_LABELS,
    DECISION_RESULTS,
    DECISIONS_BY_STEP,
    AgendaItem,
    BodyKind,
    CollegialBody,
    Discussion,
    Meeting,
    StepKind,
)
from tracker.approvals.permissions import (
    can_change_route,
    can_comment_on,
    can_configure_body,
    can_correct_decisions,
    can_draft_acts,
    can_edit_act,
    can_issue_orders,
    can_record_for,
)
from tracker.documents import services as documents
from tracker.documents.models import LocalAct
from tracker.documents.permissions import can_generate_school_documents
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.views_common import attempt, flash_errors, form_error, own, school_today

bp = Blueprint("approvals", __name__)
bp.add_app_template_filter(services.by_section, "by_section")


# --- acts ---


def _acts_page(form: ActCreateForm | None = None, code: int = 200):
    school = current_user.school
    acts = services.acts_of(school)
    rounds = services.current_rounds(acts)  # one query for every act's line
    return render_template(
        "approvals/acts.html",
        acts=[(act, services.route_line(act, rounds[act.id])) for act in acts],
        discussions=services.running_discussions(school),
        today=school_today(),
        form=form or ActCreateForm(),
        can_draft=can_draft_acts(current_user, school),
    ), code


@bp.get("/acts")
@login_required
def acts():
    return _acts_page()


@bp.post("/acts")
@login_required
def create_act():
    school = current_user.school
    if not can_draft_acts(current_user, school):
        abort(403)
    form = ActCreateForm()
    if form.validate_on_submit():
        title, text = form.title.data or "", form.body_text.data or ""
        if form.sample.data:
            sample_title, sample = documents.sample_text(school, form.sample.data)
            title, text = title.strip() or sample_title, text.strip() or sample
        done, act = attempt(form, lambda: services.create_act(school, current_user, title, text))
        if done:
            flash(_("Проект создан"), "success")
            return redirect(url_for("approvals.act", act_id=act.id))
    return _acts_page(form, 400)


def _act_page(act: LocalAct, code: int = 200, **forms):
    chosen = set(act.route)
    steps = services.route_steps(act)  # once for the line and the history
    today = school_today()
    discussions = services.discussions_of(act)
    running = next((d for d in discussions if d.closed_on is None), None)
    comment_form = forms.get("comment_form") or DiscussionCommentForm()
    if running is not None:
        comment_form.section.choices = [("", _("Акт в целом"))] + [
            (title, title) for title in services.discussion_sections(running)
        ]
    return render_template(
        "approvals/act.html",
        act=act,
        line=services.route_line(act, steps),
        history=services.earlier_rounds(act, steps),
        submit_form=forms.get("submit_form") or ActSubmitForm(lock_version=act.lock_version),
        version_form=forms.get("version_form")
        or ActVersionForm(
            lock_version=act.lock_version,
            body_text=act.current_version.body_text if act.current_version else "",
        ),
        route_form=forms.get("route_form") or RouteForm(lock_version=act.lock_version),
        optional_councils=[kind for kind in BodyKind if kind != BodyKind.PED_COUNCIL],
        chosen_councils=chosen,
        can_edit=can_edit_act(current_user, act),
        can_route=can_change_route(current_user, act),
        discussions=discussions,
        running=running,
        today=today,
        can_open_discussion=running is None
        and can_edit_act(current_user, act)
        and services.ped_step_free(act, services.current_round(act, steps)),
        can_comment=running is not None
        and running.is_open(today)
        and can_comment_on(current_user, act),
        open_form=forms.get("open_form")
        or DiscussionOpenForm(
            lock_version=act.lock_version, opens_on=today, closes_on=today + timedelta(days=14)
        ),
        close_form=forms.get("close_form") or DiscussionCloseForm(lock_version=act.lock_version),
        comment_form=comment_form,
        docx_versions=documents.versions(act.school, "act", f"act:{act.id}", per_page=5),
        **_publication_context(act),
    ), code


def _publication_context(act: LocalAct) -> dict:
    from tracker.publication import services as publication
    from tracker.publication.forms import PublishForm
    from tracker.publication.permissions import can_publish

    form = PublishForm()
    form.replaces.choices = [(0, _("— ничего не заменяет —"))] + [
        (other.id, other.title) for other in publication.replaceable_acts(act)
    ]
    return {
        "publications": publication.publications_of(act),
        "publish_form": form,
        "can_publish": can_publish(current_user, act.school),
    }


@bp.get("/acts/<id:act_id>")
@login_required
def act(act_id: int):
    return _act_page(own(LocalAct, act_id))


@bp.post("/acts/<id:act_id>/submit")
@login_required
def submit_act(act_id: int):
    act = own(LocalAct, act_id)
    if not can_edit_act(current_user, act):
        abort(403)
    form = ActSubmitForm()
    if (
        form.validate_on_submit()
        and attempt(
            form, lambda: services.submit_for_review(act, current_user, form.expected_version)
        )[0]
    ):
        flash(_("Акт направлен на согласование"), "success")
        return redirect(url_for("approvals.act", act_id=act.id))
    return _act_page(act, 400, submit_form=form)


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
            form, lambda: services.set_route(act, current_user, kinds, form.expected_version)
        )[0]:
            flash(_("Маршрут сохранён"), "success")
            return redirect(url_for("approvals.act", act_id=act.id))
    return _act_page(act, 400, route_form=form)


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
            lambda: services.new_version(
                act, current_user, form.body_text.data or "", form.expected_version
            ),
        )[0]
    ):
        flash(_("Новая редакция сохранена"), "success")
        return redirect(url_for("approvals.act", act_id=act.id))
    return _act_page(act, 400, version_form=form)


# --- public discussion ---


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
            lambda: services.open_discussion(
                act,
                current_user,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                today=school_today(),
                expected_version=form.expected_version,
            ),
        )[0]
    ):
        flash(_("Обсуждение открыто: сотрудники могут оставлять замечания"), "success")
        return redirect(url_for("approvals.act", act_id=act.id))
    return _act_page(act, 400, open_form=form)


def _running(act: LocalAct) -> Discussion:
    discussion = services.running_discussion(act)
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
            lambda: services.close_discussion(
                _running(act),
                current_user,
                today=school_today(),
                expected_version=form.expected_version,
            ),
        )[0]
    ):
        flash(_("Обсуждение завершено, замечания переданы педагогическому совету"), "success")
        return redirect(url_for("approvals.act", act_id=act.id))
    return _act_page(act, 400, close_form=form)


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
            lambda: services.add_discussion_comment(
                discussion,
                current_user,
                section=form.section.data or "",
                text=form.text.data,
                today=school_today(),
            ),
        )[0]
    ):
        flash(_("Замечание отправлено"), "success")
        return redirect(url_for("approvals.act", act_id=act.id, _anchor="discussion"))
    return _act_page(act, 400, comment_form=form)


# --- bodies and meetings ---


@bp.get("/bodies")
@login_required
def bodies():
    return render_template("approvals/bodies.html", bodies=services.bodies_of(current_user.school))


def _body_page(body: CollegialBody, code: int = 200, body_form=None, meeting_form=None):
    people = school_people()
    if body_form is None:
        body_form = BodyForm(obj=body, chair=body.chair_id or 0, secretary=body.secretary_id or 0)
    choices = [(0, _("— не назначен —"))] + [(p.id, p.full_name) for p in people]
    body_form.chair.choices = body_form.secretary.choices = choices
    year = school_today().year
    next_number = 1 + max(
        (m.protocol_number for m in body.meetings if m.protocol_year == year), default=0
    )
    return render_template(
        "approvals/body.html",
        body=body,
        body_form=body_form,
        meeting_form=meeting_form or MeetingCreateForm(protocol_number=next_number),
        awaiting=services.acts_awaiting(body),
        can_record=can_record_for(current_user, body),
        can_configure=can_configure_body(current_user, body),
    ), code


@bp.get("/bodies/<id:body_id>")
@login_required
def body(body_id: int):
    return _body_page(own(CollegialBody, body_id))


@bp.post("/bodies/<id:body_id>")
@login_required
def configure_body(body_id: int):
    body = own(CollegialBody, body_id)
    if not can_configure_body(current_user, body):
        abort(403)
    form = BodyForm()
    people = {person.id: person for person in school_people()}
    form.chair.choices = form.secretary.choices = [(0, "")] + [(i, "") for i in people]
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: services.update_body(
                body,
                current_user,
                members_count=form.members_count.data,
                chair=people.get(form.chair.data),
                secretary=people.get(form.secretary.data),
                quorum_numerator=form.quorum_numerator.data,
                quorum_denominator=form.quorum_denominator.data,
            ),
        )[0]
    ):
        flash(_("Состав органа сохранён"), "success")
        return redirect(url_for("approvals.body", body_id=body.id))
    return _body_page(body, 400, body_form=form)


def _held_at(form: MeetingCreateForm, timezone: str) -> datetime:
    text = (form.held_time.data or "15:00").strip()
    try:
        clock = time.fromisoformat(text if len(text) == 5 else text.zfill(5))
    except ValueError as error:
        raise DomainError(_("Время — в виде чч:мм, например 15:00"), field="held_time") from error
    return datetime.combine(form.held_on.data, clock, tzinfo=ZoneInfo(timezone))


@bp.post("/bodies/<id:body_id>/meetings")
@login_required
def create_meeting(body_id: int):
    body = own(CollegialBody, body_id)
    if not can_record_for(current_user, body):
        abort(403)
    form = MeetingCreateForm()
    if form.validate_on_submit():
        awaiting = {act.id: act for act in services.acts_awaiting(body)}
        chosen = [awaiting[i] for i in form.acts.data or [] if i in awaiting]
        if len(chosen) != len(form.acts.data or []):
            form_error(form, DomainError(_("Акт уже не ждёт решения этого органа"), field="acts"))
        else:
            done, meeting = attempt(
                form,
                lambda: services.create_meeting(
                    body,
                    current_user,
                    held_at=_held_at(form, body.school.timezone),
                    place=form.place.data or "",
                    protocol_number=form.protocol_number.data,
                    acts=chosen,
                ),
            )
            if done:
                flash(_("Заседание создано"), "success")
                return redirect(url_for("approvals.meeting", meeting_id=meeting.id))
    return _body_page(body, 400, meeting_form=form)


def _meeting_page(meeting: Meeting, code: int = 200, form=None, posted=None):
    return render_template(
        "approvals/meeting.html",
        meeting=meeting,
        body=meeting.body,
        form=form
        or MeetingRecordForm(
            lock_version=meeting.lock_version, present_count=meeting.present_count
        ),
        correction_form=CorrectionForm(lock_version=meeting.lock_version),
        choices={
            item.id: [
                (d.value, DECISION_LABELS[d])
                for d in DECISIONS_BY_STEP.get(StepKind(item.step.kind), ())
            ]
            for item in meeting.items
        },
        labels=DECISION_RESULTS,
        gathered={
            item.id: services.gathered_comments(item.act)
            for item in meeting.items
            if item.step.kind == StepKind.ADOPT
        },
        posted=posted or {},
        can_record=can_record_for(current_user, meeting.body),
        can_correct=can_correct_decisions(current_user, meeting.body.school),
        today=school_today(),
        docx_versions=documents.versions(
            meeting.body.school, "protocol", f"meeting:{meeting.id}", per_page=5
        ),
    ), code


@bp.get("/meetings/<id:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return _meeting_page(own(Meeting, meeting_id, lambda m: m.body.school_id))


@bp.post("/meetings/<id:meeting_id>")
@login_required
def record_meeting(meeting_id: int):
    meeting = own(Meeting, meeting_id, lambda m: m.body.school_id)
    if not can_record_for(current_user, meeting.body):
        abort(403)
    form = MeetingRecordForm()
    if form.validate_on_submit():

        def record():
            decisions = parse_item_decisions(meeting.items, request.form)
            services.record_meeting(
                meeting,
                current_user,
                present_count=form.present_count.data,
                decisions=decisions,
                today=school_today(),
                expected_version=form.expected_version,
            )

        if attempt(form, record)[0]:
            flash(_("Решения записаны"), "success")
            return redirect(url_for("approvals.meeting", meeting_id=meeting.id))
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    return _meeting_page(meeting, 400, form=form, posted=request.form)


@bp.post("/meetings/<id:meeting_id>/items/<id:item_id>/correct")
@login_required
def correct(meeting_id: int, item_id: int):
    meeting = own(Meeting, meeting_id, lambda m: m.body.school_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    if not can_correct_decisions(current_user, meeting.body.school):
        abort(403)
    form = CorrectionForm()
    if form.validate_on_submit():

        def correct_item():
            record = parse_item_decisions([item], request.form).get(item.id)
            if record is None:
                raise DomainError(_("Выберите решение"), field="reason")
            services.correct_decision(
                item,
                current_user,
                reason=form.reason.data,
                record=record,
                expected_version=form.expected_version,
            )

        if attempt(form, correct_item)[0]:
            flash(_("Решение исправлено, исправление записано в журнал"), "success")
            return redirect(url_for("approvals.meeting", meeting_id=meeting.id))
    flash_errors(form, _("Исправление не сохранено"))
    return redirect(url_for("approvals.meeting", meeting_id=meeting.id))


# --- orders and what awaits me ---


def _orders_page(form=None, code=200):
    school = current_user.school
    return render_template(
        "approvals/orders.html",
        orders=services.orders_of(school),
        form=form
        or OrderForm(
            number=services.next_order_number(school, school_today().year), issued_on=school_today()
        ),
        awaiting=services.acts_awaiting_order(school),
        can_issue=can_issue_orders(current_user, school),
        can_generate=can_generate_school_documents(current_user, school),
        order_documents=documents.latest_by_subject(school, ("order", "sheet")),
    ), code


@bp.get("/orders")
@login_required
def orders():
    return _orders_page()


@bp.post("/orders")
@login_required
def issue_order():
    school = current_user.school
    if not can_issue_orders(current_user, school):
        abort(403)
    form = OrderForm()
    if form.validate_on_submit():
        acts = [own(LocalAct, act_id) for act_id in form.acts.data or []]
        if attempt(
            form,
            lambda: services.issue_order(
                school,
                current_user,
                number=form.number.data,
                issued_on=form.issued_on.data,
                title=form.title.data,
                acts=acts,
                in_force_on=form.in_force_on.data,
                today=school_today(),
            ),
        )[0]:
            flash(_("Приказ издан, акты вступают в силу"), "success")
            return redirect(url_for("approvals.orders"))
    return _orders_page(form, 400)


@bp.get("/awaiting")
@login_required
def awaiting():
    school = current_user.school
    today = school_today()
    discussions = sorted(services.running_discussions(school).values(), key=lambda d: d.closes_on)
    mine = [body for body in services.bodies_of(school) if can_record_for(current_user, body)]
    return render_template(
        "approvals/awaiting.html",
        bodies=[
            (
                body,
                services.acts_awaiting(body),
                [m for m in body.meetings if any(i.decision is None for i in m.items)],
            )
            for body in mine
        ],
        orders=services.acts_awaiting_order(school)
        if can_issue_orders(current_user, school)
        else [],
        returned=[act for act in services.returned_acts(school) if can_edit_act(current_user, act)],
        open_now=[d for d in discussions if d.is_open(today)],
        expired=[
            d for d in discussions if d.closes_on < today and can_edit_act(current_user, d.act)
        ],
    )
