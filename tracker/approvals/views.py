from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.accounts.services import active_people
from tracker.acts import services as acts_service
from tracker.acts.models import ActStatus, LocalAct
from tracker.approvals import bodies as body_service
from tracker.approvals import meetings as meeting_service
from tracker.approvals import orders as order_service
from tracker.approvals import queries as approvals
from tracker.approvals.forms import (
    AgendaAddForm,
    BodyForm,
    CancelMeetingForm,
    CorrectionForm,
    LaterOrderForm,
    MeetingCreateForm,
    MeetingRecordForm,
    MoveItemForm,
    OrderForm,
    RemoveItemForm,
    RescheduleForm,
    parse_item_decisions,
)
from tracker.approvals.models import (
    DECISION_LABELS,
    DECISION_RESULTS,
    DECISIONS_BY_STEP,
    AgendaItem,
    CollegialBody,
    Meeting,
    MeetingState,
    Order,
    OrderKind,
    StepKind,
    numbering_year,
)
from tracker.approvals.permissions import (
    can_configure_body,
    can_correct_decisions,
    can_issue_orders,
    can_record_for,
)
from tracker.documents import generation, versions
from tracker.documents.permissions import can_generate_school_documents
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.forms import validated
from tracker.views_common import attempt, flash_errors, form_error, own, school_today

bp = Blueprint("approvals", __name__)
bp.add_app_template_filter(approvals.by_section, "by_section")


# --- bodies and meetings ---


@bp.get("/bodies")
@login_required
def bodies():
    return render_template("approvals/bodies.html", bodies=approvals.bodies_of(current_user.school))


def _body_page(body: CollegialBody, code: int = 200, body_form=None, meeting_form=None):
    people = active_people(current_user.school)
    if body_form is None:
        body_form = BodyForm(obj=body, chair=body.chair_id or 0, secretary=body.secretary_id or 0)
    choices = [(0, _("— не назначен —"))] + [(p.id, p.full_name) for p in people]
    body_form.chair.choices = body_form.secretary.choices = choices
    year = numbering_year(school_today())  # the school year's numbering, from 1 August
    next_number = 1 + max(
        (m.protocol_number for m in body.meetings if m.protocol_year == year), default=0
    )
    return render_template(
        "approvals/body.html",
        body=body,
        body_form=body_form,
        meeting_form=meeting_form or MeetingCreateForm(protocol_number=next_number),
        awaiting=approvals.acts_awaiting(body),
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
    people = {person.id: person for person in active_people(current_user.school)}
    form.chair.choices = form.secretary.choices = [(0, "")] + [(i, "") for i in people]
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: body_service.update_body(
                body,
                current_user,
                members_count=validated(form.members_count.data),
                chair=people.get(form.chair.data),
                secretary=people.get(form.secretary.data),
                quorum_numerator=validated(form.quorum_numerator.data),
                quorum_denominator=validated(form.quorum_denominator.data),
                voting_rule=form.voting_rule.data or "",
            ),
        ).done
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
    return datetime.combine(validated(form.held_on.data), clock, tzinfo=ZoneInfo(timezone))


@bp.post("/bodies/<id:body_id>/meetings")
@login_required
def create_meeting(body_id: int):
    body = own(CollegialBody, body_id)
    if not can_record_for(current_user, body):
        abort(403)
    form = MeetingCreateForm()
    if form.validate_on_submit():
        awaiting = {act.id: act for act in approvals.acts_awaiting(body)}
        chosen = [awaiting[i] for i in form.acts.data or [] if i in awaiting]
        if len(chosen) != len(form.acts.data or []):
            form_error(form, DomainError(_("Акт уже не ждёт решения этого органа"), field="acts"))
        else:
            done, meeting = attempt(
                form,
                lambda: meeting_service.create_meeting(
                    body,
                    current_user,
                    held_at=_held_at(form, body.school.timezone),
                    place=form.place.data or "",
                    protocol_number=validated(form.protocol_number.data),
                    acts=chosen,
                ),
            )
            if done:
                assert meeting is not None  # done: the meeting create_meeting made
                flash(_("Заседание создано"), "success")
                return redirect(url_for("approvals.meeting", meeting_id=meeting.id))
    return _body_page(body, 400, meeting_form=form)


def _other_meetings(meeting: Meeting) -> list[tuple[int, str]]:
    """The body's other meetings not yet recorded: where an agenda item can move."""
    return [
        (
            other.id,
            _(
                "№ %(number)d от %(day)s",
                number=other.protocol_number,
                day=other.held_on.strftime("%d.%m.%Y"),
            ),
        )
        for other in reversed(meeting.body.meetings)
        if other.id != meeting.id and other.state == MeetingState.PLANNED
    ]


def _meeting_page(meeting: Meeting, code: int = 200, form=None, posted=None, **forms):
    version = meeting.lock_version
    move_form = forms.get("move_form") or MoveItemForm(lock_version=version)
    move_form.target.choices = _other_meetings(meeting)
    local_time = meeting.held_at.astimezone(ZoneInfo(meeting.body.school.timezone))
    return render_template(
        "approvals/meeting.html",
        meeting=meeting,
        body=meeting.body,
        reschedule_form=forms.get("reschedule_form")
        or RescheduleForm(
            lock_version=version,
            held_on=meeting.held_on,
            held_time=f"{local_time:%H:%M}",
            place=meeting.place,
            protocol_number=meeting.protocol_number,
        ),
        cancel_form=forms.get("cancel_form") or CancelMeetingForm(lock_version=version),
        add_form=forms.get("add_form") or AgendaAddForm(lock_version=version),
        move_form=move_form,
        remove_form=forms.get("remove_form") or RemoveItemForm(lock_version=version),
        awaiting=approvals.acts_awaiting(meeting.body)
        if meeting.state == MeetingState.PLANNED
        else [],
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
            item.id: approvals.gathered_comments(item)
            for item in meeting.items
            if item.step.kind == StepKind.ADOPT
        },
        posted=posted or {},
        can_record=can_record_for(current_user, meeting.body),
        can_correct=can_correct_decisions(current_user, meeting.body.school),
        today=school_today(),
        fresh=generation.current_fingerprints(meeting),
        docx_versions=versions.versions(
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

        def record() -> MeetingState:
            decisions = parse_item_decisions(meeting.items, request.form)
            return meeting_service.record_meeting(
                meeting,
                current_user,
                present_count=validated(form.present_count.data),
                decisions=decisions,
                today=school_today(),
                expected_version=form.expected_version,
            )

        recorded = attempt(form, record)
        if recorded.done:
            if recorded.value == MeetingState.NO_QUORUM:
                flash(
                    _("Заседание не состоялось: нет кворума. Акты ждут следующего заседания"),
                    "warning",
                )
            else:
                flash(_("Решения записаны"), "success")
            return redirect(url_for("approvals.meeting", meeting_id=meeting.id))
    return _refused_meeting_page(meeting_id, form=form, posted=request.form)


def _managed_meeting(meeting_id: int) -> Meeting:
    meeting = own(Meeting, meeting_id, lambda m: m.body.school_id)
    if not can_record_for(current_user, meeting.body):
        abort(403)
    return meeting


def _refused_meeting_page(meeting_id: int, **forms):
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:  # cancelled meanwhile by someone else
        flash(_("Заседание уже отменено"), "error")
        return redirect(url_for("approvals.bodies"))
    return _meeting_page(meeting, 400, **forms)


@bp.post("/meetings/<id:meeting_id>/reschedule")
@login_required
def reschedule_meeting(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = RescheduleForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: meeting_service.reschedule_meeting(
                meeting,
                current_user,
                held_at=_held_at(form, meeting.body.school.timezone),
                place=form.place.data or "",
                protocol_number=validated(form.protocol_number.data),
                expected_version=form.expected_version,
            ),
        ).done
    ):
        flash(_("Заседание перенесено"), "success")
        return redirect(url_for("approvals.meeting", meeting_id=meeting_id))
    return _refused_meeting_page(meeting_id, reschedule_form=form)


@bp.post("/meetings/<id:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    body_id = meeting.body_id
    form = CancelMeetingForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: meeting_service.cancel_meeting(
                meeting,
                current_user,
                reason=form.reason.data or "",
                expected_version=form.expected_version,
            ),
        ).done
    ):
        flash(_("Заседание отменено; его акты снова ждут решения органа"), "success")
        return redirect(url_for("approvals.body", body_id=body_id))
    return _refused_meeting_page(meeting_id, cancel_form=form)


@bp.post("/meetings/<id:meeting_id>/agenda")
@login_required
def add_to_agenda(meeting_id: int):
    meeting = _managed_meeting(meeting_id)
    form = AgendaAddForm()
    if form.validate_on_submit():
        awaiting = {act.id: act for act in approvals.acts_awaiting(meeting.body)}
        chosen = [awaiting[i] for i in form.acts.data or [] if i in awaiting]
        if len(chosen) != len(form.acts.data or []):
            form_error(form, DomainError(_("Акт уже не ждёт решения этого органа"), field="acts"))
        elif attempt(
            form,
            lambda: meeting_service.add_to_agenda(
                meeting, current_user, chosen, expected_version=form.expected_version
            ),
        ).done:
            flash(_("Повестка дополнена"), "success")
            return redirect(url_for("approvals.meeting", meeting_id=meeting_id))
    return _refused_meeting_page(meeting_id, add_form=form)


def _agenda_item(meeting_id: int, item_id: int) -> AgendaItem:
    meeting = _managed_meeting(meeting_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


@bp.post("/meetings/<id:meeting_id>/items/<id:item_id>/remove")
@login_required
def remove_item(meeting_id: int, item_id: int):
    item = _agenda_item(meeting_id, item_id)
    form = RemoveItemForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: meeting_service.take_off_agenda(
                item, current_user, expected_version=form.expected_version
            ),
        ).done
    ):
        flash(_("Акт снят с повестки и снова ждёт решения органа"), "success")
        return redirect(url_for("approvals.meeting", meeting_id=meeting_id))
    return _refused_meeting_page(meeting_id, remove_form=form)


@bp.post("/meetings/<id:meeting_id>/items/<id:item_id>/move")
@login_required
def move_item(meeting_id: int, item_id: int):
    item = _agenda_item(meeting_id, item_id)
    form = MoveItemForm()
    # Any meeting of the school is a choice here: the service refuses another body's with the
    # reason; another school's is no choice at all.
    chosen = form.target.data
    target = (
        db.session.get(Meeting, chosen) if isinstance(chosen, int) and 0 < chosen < 2**31 else None
    )
    if target is not None and target.body.school_id != current_user.school_id:
        target = None
    form.target.choices = [(target.id, "")] if target is not None else []
    if form.validate_on_submit() and target is not None:
        if attempt(
            form,
            lambda: meeting_service.move_item(
                item, target, current_user, expected_version=form.expected_version
            ),
        ).done:
            flash(_("Акт перенесён на другое заседание"), "success")
            return redirect(url_for("approvals.meeting", meeting_id=target.id))
    return _refused_meeting_page(meeting_id, move_form=form)


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
            meeting_service.correct_decision(
                item,
                current_user,
                reason=form.reason.data,
                record=record,
                present_count=form.present_count.data,
                expected_version=form.expected_version,
            )

        if attempt(form, correct_item).done:
            flash(_("Решение исправлено, исправление записано в журнал"), "success")
            return redirect(url_for("approvals.meeting", meeting_id=meeting.id))
    flash_errors(form, _("Исправление не сохранено"))
    return redirect(url_for("approvals.meeting", meeting_id=meeting.id))


# --- orders and what awaits me ---


def _orders_page(form=None, code=200):
    school = current_user.school
    orders = approvals.orders_of(school)
    kept = versions.latest_by_subject(school, ("order", "sheet"))
    return render_template(
        "approvals/orders.html",
        orders=orders,
        form=form
        or OrderForm(
            number=approvals.next_order_number(school, school_today().year),
            issued_on=school_today(),
        ),
        awaiting=acts_service.acts_awaiting_order(school),
        can_issue=can_issue_orders(current_user, school),
        can_generate=can_generate_school_documents(current_user, school),
        order_documents=kept,
        # Judged only where a document is kept: each judgement reads what the order would print.
        fresh={
            order.id: generation.current_fingerprints(order)
            for order in orders
            if ("order", f"order:{order.id}") in kept or ("sheet", f"order:{order.id}") in kept
        },
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
            lambda: order_service.issue_order(
                school,
                current_user,
                number=form.number.data,
                issued_on=form.issued_on.data,
                title=form.title.data,
                acts=acts,
                in_force_on=form.in_force_on.data,
                today=school_today(),
            ),
        ).done:
            flash(_("Приказ издан, акты вступают в силу"), "success")
            return redirect(url_for("approvals.orders"))
    return _orders_page(form, 400)


def _order_page(order: Order, form: LaterOrderForm | None = None, code: int = 200):
    school = current_user.school
    today = school_today()
    if form is None:
        form = LaterOrderForm(
            number=approvals.next_order_number(school, today.year), issued_on=today
        )
    return render_template(
        "approvals/order.html",
        order=order,
        form=form,
        in_force=[
            act
            for act in order.acts
            if act.status == ActStatus.IN_FORCE and approvals.enacting_order(act) is order
        ],
        amendments={act.id: approvals.amendments(order, act) for act in order.acts},
        can_issue=can_issue_orders(current_user, school) and order.kind == OrderKind.APPROVE,
    ), code


@bp.get("/orders/<id:order_id>")
@login_required
def order(order_id: int):
    return _order_page(own(Order, order_id))


@bp.post("/orders/<id:order_id>/later")
@login_required
def later_order(order_id: int):
    """An order «о внесении изменений» or «о признании утратившим силу» about this one."""
    first = own(Order, order_id)
    if not can_issue_orders(current_user, first.school):
        abort(403)
    form = LaterOrderForm()
    if form.validate_on_submit():
        acts = [own(LocalAct, act_id) for act_id in form.acts.data or []]
        outcome = attempt(
            form,
            lambda: order_service.change_order(
                first,
                current_user,
                kind=OrderKind(form.kind.data),
                number=form.number.data or "",
                issued_on=validated(form.issued_on.data),
                title=form.title.data or "",
                acts=acts,
                changes=form.changes.data or "",
                in_force_on=form.in_force_on.data,
                today=school_today(),
            ),
        )
        if outcome.done:
            flash(
                _("Приказ издан: акты утратили силу и сняты с сайта")
                if form.kind.data == OrderKind.REPEAL
                else _("Приказ о внесении изменений издан"),
                "success",
            )
            return redirect(url_for("approvals.order", order_id=first.id))
    db.session.expire_all()
    return _order_page(db.session.get_one(Order, order_id), form, 400)


@bp.get("/awaiting")
@login_required
def awaiting():
    found = approvals.awaiting(current_user, school_today())
    return render_template(
        "approvals/awaiting.html",
        bodies=found.bodies,
        orders=found.orders,
        returned=found.returned,
        open_now=found.open_now,
        expired=found.expired,
    )
