from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from tracker.accounts.models import Person
from tracker.accounts.services import active_people, people_by_id
from tracker.audit.services import history
from tracker.controls import services, work
from tracker.controls.check_forms import (
    CorrectionForm,
    PartForm,
    ResultForm,
    RuleForm,
    UndoPartForm,
    parse_dates,
    parse_findings,
    parse_recommendations,
)
from tracker.controls.check_permissions import can_record_check
from tracker.controls.models import (
    RULE_LABELS,
    STATE_LABELS,
    TERM_KIND_LABELS,
    YEAR_END,
    ControlCheck,
    Occurrence,
    RuleKind,
    TermKind,
)
from tracker.controls.rules import MONTHS
from tracker.documents import generation, versions
from tracker.plans.uploads import Upload
from tracker.types import whole_number
from tracker.views_common import attempt, generated, own, school_today, send_upload

bp = Blueprint("controls", __name__)
PERIODS = [
    (TermKind.QUARTER.value, TERM_KIND_LABELS[TermKind.QUARTER]),
    (TermKind.HALF_YEAR.value, TERM_KIND_LABELS[TermKind.HALF_YEAR]),
    (YEAR_END, "учебный год"),
]


@bp.get("/controls")
@login_required
def grid():
    school = current_user.school
    today = school_today()
    years = services.years_of(school)
    chosen = request.args.get("year", "")
    year = next((y for y in years if str(y.id) == chosen), None) or services.year_of(
        school, today, years
    )
    if year is None and years:
        year = years[-1]
    table = services.grid(school, year) if year else None
    notes = []
    if year is not None and not year.terms:
        if any(check.rule == RuleKind.TERM_END for check, _cells in table.rows):
            notes.append(
                _(
                    "В %(year)s нет четвертей и полугодий: проверки в конце периодов не созданы. "
                    "Добавьте их в календарь школы.",
                    year=year.title,
                )
            )
    return render_template(
        "controls/grid.html",
        years=years,
        year=year,
        table=table,
        notes=notes,
        today=today,
        months=MONTHS,
        states=STATE_LABELS,
    )


def _check_page(check: ControlCheck, form: RuleForm | None = None, code: int = 200):
    positions = current_user.school.positions
    if form is None:
        form = RuleForm(
            lock_version=check.lock_version,
            rule=check.rule,
            month_day=check.month_day,
            offset_days=check.offset_days,
            dates=", ".join(f"{day[8:10]}.{day[5:7]}.{day[:4]}" for day in check.dates or []),
            once_on=check.once_on,
            position=check.position_id or 0,
            criteria="\n".join(check.criteria or []),
        )
    form.rule.choices = [(kind.value, str(RULE_LABELS[kind])) for kind in RuleKind]
    form.position.choices = [(0, _("— не назначен —"))] + [(p.id, p.title) for p in positions]
    today = school_today()
    parts = work.part_holders(check.occurrences)
    return render_template(
        "controls/check.html",
        check=check,
        form=form,
        periods=PERIODS,
        chosen_periods=set(request.form.getlist("term_kinds") if form.errors else check.term_kinds),
        occurrences=sorted(check.occurrences, key=lambda o: o.due_on, reverse=True),
        parts=parts,
        with_parts=any(p.total for p in parts.values()),
        trend=services.trend(check),
        today=today,
        states=STATE_LABELS,
        can_edit=can_record_check(current_user, check),
    ), code


@bp.get("/controls/checks/<id:check_id>")
@login_required
def check(check_id: int):
    return _check_page(own(ControlCheck, check_id))


@bp.post("/controls/checks/<id:check_id>")
@login_required
def update_rule(check_id: int):
    check = own(ControlCheck, check_id)
    if not can_record_check(current_user, check):
        abort(403)
    form = RuleForm()
    form.rule.choices = [(kind.value, "") for kind in RuleKind]
    positions = {p.id: p for p in current_user.school.positions}
    form.position.choices = [(0, "")] + [(i, "") for i in positions]
    if form.validate_on_submit():
        done, report = attempt(
            form,
            lambda: services.update_rule(
                check,
                current_user,
                rule=form.rule.data,
                month_day=form.month_day.data,
                term_kinds=request.form.getlist("term_kinds"),
                offset_days=form.offset_days.data or 0,
                dates=parse_dates(form.dates.data),
                once_on=form.once_on.data,
                position=positions.get(form.position.data),
                criteria=(form.criteria.data or "").splitlines(),
                today=school_today(),
                expected_version=form.expected_version,
            ),
        )
        if done:
            assert report is not None  # done: the report update_rule gave
            flash(
                _(
                    "Правило сохранено. Проверок создано: %(created)d, перенесено: %(moved)d, "
                    "удалено: %(removed)d.",
                    created=report.created,
                    moved=report.moved,
                    removed=report.removed,
                ),
                "success",
            )
            for note in report.notes:
                flash(note, "error")
            return redirect(url_for("controls.check", check_id=check.id))
    return _check_page(check, form, 400)


OCCURRENCE_FIELDS = {
    "occurrence": _l("Срок"),
    "reason": _l("Причина"),
    "checked_on": _l("Дата проверки"),
    "objects": _l("Что проверено"),
    "conclusion": _l("Выводы"),
    "violations": _l("Нарушений по критериям"),
    "person": _l("Сотрудник"),
    "note": _l("Комментарий"),
}
OCCURRENCE_ACTIONS = {
    "control.result.correct": _l("Результат исправлен"),
    "control.part": _l("Часть работы выполнена"),
    "control.part.undo": _l("Отметка о выполнении снята"),
}


def _occurrence_page(
    occurrence: Occurrence,
    form: ResultForm | None = None,
    code: int = 200,
    correction: CorrectionForm | None = None,
    part_form: PartForm | None = None,
):
    check = occurrence.check
    today = school_today()
    parts = work.parts_of(occurrence)
    entries = history("control_occurrence", occurrence.id)
    if correction is None and occurrence.is_done:
        correction = CorrectionForm(
            lock_version=occurrence.lock_version,
            checked_on=occurrence.checked_on,
            objects=occurrence.objects,
            conclusion=occurrence.conclusion,
        )
    return render_template(
        "controls/occurrence.html",
        occurrence=occurrence,
        check=check,
        form=form or ResultForm(lock_version=occurrence.lock_version, checked_on=today),
        correction=correction if services.may_correct(current_user, occurrence) else None,
        parts=parts,
        owes_part=any(p.id == current_user.id for p in parts.missing),
        part_form=part_form or PartForm(),
        undo_form=UndoPartForm(),
        may_mark=lambda person: work.may_mark_part(current_user, occurrence, person),
        history=entries,
        actors=people_by_id({entry.actor_id for entry in entries.items if entry.actor_id}),
        history_fields=OCCURRENCE_FIELDS,
        history_actions=OCCURRENCE_ACTIONS,
        tasks_of_recommendations=services.recommendation_tasks(occurrence),
        people=active_people(current_user.school),
        posted=request.form if code != 200 else {},
        today=today,
        states=STATE_LABELS,
        can_record=can_record_check(current_user, check) and not occurrence.is_done,
        can_report=can_record_check(current_user, check) and occurrence.is_done,
        fresh=generation.current_fingerprints(occurrence),
        reports=versions.versions(
            check.school, "control_report", f"occurrence:{occurrence.id}", per_page=5
        ),
    ), code


def _own_occurrence(occurrence_id: int) -> Occurrence:
    return own(Occurrence, occurrence_id, lambda o: o.check.school_id)


@bp.get("/controls/occurrences/<id:occurrence_id>")
@login_required
def occurrence(occurrence_id: int):
    return _occurrence_page(_own_occurrence(occurrence_id))


@bp.post("/controls/occurrences/<id:occurrence_id>")
@login_required
def record(occurrence_id: int):
    occurrence = _own_occurrence(occurrence_id)
    if not can_record_check(current_user, occurrence.check):
        abort(403)
    form = ResultForm()
    if form.validate_on_submit():
        people = {person.id: person for person in active_people(current_user.school)}
        uploads = [
            Upload(file.filename or "", file.read())
            for file in (form.files.data or [])
            if getattr(file, "filename", "")
        ]

        def save():
            services.record_result(
                occurrence,
                current_user,
                checked_on=form.checked_on.data,
                objects=form.objects.data or "",
                findings=parse_findings(occurrence.check.criteria or [], request.form),
                conclusion=form.conclusion.data or "",
                recommendations=parse_recommendations(people, request.form),
                without_recommendations=form.without_recommendations.data,
                uploads=uploads,
                today=school_today(),
                expected_version=form.expected_version,
            )

        if attempt(form, save).done:
            flash(_("Результат записан"), "success")
            return redirect(url_for("controls.occurrence", occurrence_id=occurrence.id))
    occurrence = _own_occurrence(occurrence_id)
    return _occurrence_page(occurrence, form, 400)


@bp.post("/controls/occurrences/<id:occurrence_id>/correct")
@login_required
def correct(occurrence_id: int):
    occurrence = _own_occurrence(occurrence_id)
    if not services.may_correct(current_user, occurrence):
        abort(403)
    form = CorrectionForm()
    if form.validate_on_submit():

        def save():
            return services.correct_result(
                occurrence,
                current_user,
                checked_on=form.checked_on.data,
                objects=form.objects.data or "",
                conclusion=form.conclusion.data or "",
                violations=[
                    finding.violations
                    for finding in parse_findings(
                        [f.criterion for f in occurrence.findings], request.form
                    )
                ],
                reason=form.reason.data or "",
                today=school_today(),
                expected_version=form.expected_version,
            )

        outcome = attempt(form, save)
        if outcome.done:
            flash(
                _("Исправление сохранено") if outcome.value else _("Ничего не изменилось"),
                "success",
            )
            return redirect(url_for("controls.occurrence", occurrence_id=occurrence.id))
    return _occurrence_page(_own_occurrence(occurrence_id), code=400, correction=form)


def _part_person(occurrence: Occurrence, person_id: str):
    if not person_id:
        return current_user
    number = whole_number(person_id, 10)
    if number is None:
        abort(400)
    return own(Person, number, lambda person: person.school_id)


@bp.post("/controls/occurrences/<id:occurrence_id>/parts")
@login_required
def mark_part(occurrence_id: int):
    occurrence = _own_occurrence(occurrence_id)
    form = PartForm()
    if form.validate_on_submit():
        person = _part_person(occurrence, form.person.data or "")
        if not work.may_mark_part(current_user, occurrence, person):
            abort(403)
        done = attempt(
            form,
            lambda: work.mark_part(
                occurrence, person, current_user, note=form.note.data or "", today=school_today()
            ),
        ).done
        if done:
            flash(_("Отмечено: %(name)s — выполнено", name=person.full_name), "success")
            return redirect(url_for("controls.occurrence", occurrence_id=occurrence.id))
    return _occurrence_page(_own_occurrence(occurrence_id), code=400, part_form=form)


@bp.post("/controls/occurrences/<id:occurrence_id>/parts/<id:part_id>/undo")
@login_required
def undo_part(occurrence_id: int, part_id: int):
    occurrence = _own_occurrence(occurrence_id)
    part = next((p for p in occurrence.parts_done if p.id == part_id), None)
    if part is None:
        abort(404)
    if not work.may_mark_part(current_user, occurrence, part.person):
        abort(403)
    form = UndoPartForm()
    if form.validate_on_submit():
        if attempt(form, lambda: work.unmark_part(part, current_user, form.reason.data or "")).done:
            flash(_("Отметка снята"), "success")
            return redirect(url_for("controls.occurrence", occurrence_id=occurrence.id))
    for error in form.reason.errors:
        flash(error, "error")
    return _occurrence_page(_own_occurrence(occurrence_id), code=400)


@bp.post("/controls/occurrences/<id:occurrence_id>/report")
@login_required
def report(occurrence_id: int):
    occurrence = _own_occurrence(occurrence_id)
    if not can_record_check(current_user, occurrence.check) or not occurrence.is_done:
        abort(403 if occurrence.is_done else 404)
    return generated(
        lambda: generation.generate_control_report(occurrence, current_user),
        url_for("controls.occurrence", occurrence_id=occurrence.id),
    )


@bp.get("/controls/occurrences/<id:occurrence_id>/files/<id:attachment_id>")
@login_required
def attachment(occurrence_id: int, attachment_id: int):
    occurrence = _own_occurrence(occurrence_id)
    found = next((a for a in occurrence.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return send_upload(found.file_key, found.file_name)


@bp.app_template_filter("month_name")
def month_name(month: tuple[int, int]) -> str:
    return f"{MONTHS[month[1] - 1][:3]} {str(month[0])[-2:]}"
