"""The school calendar pages: the years with their quarters, half-years and holidays; the
director adds and moves them here, and the control checks follow (services.generate)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.controls import calendar_text, services
from tracker.controls.forms import (
    CalendarImportForm,
    DeleteForm,
    HolidayForm,
    TermForm,
    TermMoveForm,
    YearForm,
)
from tracker.controls.models import AcademicYear, Holiday, Term, TermKind
from tracker.controls.permissions import can_edit_calendar
from tracker.errors import DomainError
from tracker.types import whole_number
from tracker.views_common import attempt, form_error, own, school_today

bp = Blueprint("calendar_pages", __name__)
TERM_LABELS = {"quarter": "четверть", "half_year": "полугодие", "trimester": "триместр"}


def _year_school(year: AcademicYear) -> int:
    return year.school_id


def _term_school(term: Term) -> int:
    return term.year.school_id


def _holiday_school(holiday: Holiday) -> int:
    return holiday.year.school_id


def _editor_only() -> None:
    if not can_edit_calendar(current_user, current_user.school):
        abort(403)


def _editable(model, object_id: int, school_of):
    """A calendar record of the user's school (404 otherwise) that the user may edit (403)."""
    record = own(model, object_id, school_of)
    _editor_only()
    return record


def _form(posted: dict, form_class, prefix: str, **data):
    """The form sent back with its errors, or a fresh one that does not read the request."""
    form = posted.get(prefix)
    return form if form is not None else form_class(formdata=None, prefix=prefix, **data)


def _calendar_page(code: int = 200, **posted):
    school = current_user.school
    years = list(reversed(services.years_of(school)))
    can_edit = can_edit_calendar(current_user, school)
    forms = {}
    if can_edit:
        forms = dict(
            year_form=_form(posted, YearForm, "year"),
            term_forms={y.id: _form(posted, TermForm, f"term-{y.id}") for y in years},
            holiday_forms={y.id: _form(posted, HolidayForm, f"holiday-{y.id}") for y in years},
            move_forms={
                t.id: _form(
                    posted, TermMoveForm, f"move-{t.id}", starts_on=t.starts_on, ends_on=t.ends_on
                )
                for y in years
                for t in y.terms
            },
            delete_form=posted.get("delete") or DeleteForm(formdata=None),
        )
    return render_template(
        "controls/calendar.html",
        years=years,
        quarter=TermKind.QUARTER.value,
        half_year=TermKind.HALF_YEAR.value,
        trimester=TermKind.TRIMESTER.value,
        can_edit=can_edit,
        **forms,
    ), code


@bp.get("/calendar")
@login_required
def calendar():
    return _calendar_page()


def _flash_notes(report: services.GenerateReport) -> None:
    for note in report.notes:
        flash(note, "info")


@bp.route("/calendar/import", methods=["GET", "POST"])
@login_required
def import_calendar():
    """Paste the school's calendar schedule; a POST shows what it will become, nothing kept."""
    _editor_only()
    form = CalendarImportForm()
    parsed = proposed = None
    source = whole_number(request.args.get("from"))
    if request.method == "GET" and source is not None:
        proposed = own(AcademicYear, source, _year_school)
        form.text.data = services.next_year_proposal(proposed)
        parsed = calendar_text.parse_calendar(form.text.data)
    if form.validate_on_submit():
        upload = form.file.data
        if upload:
            outcome = attempt(
                form,
                lambda: services.calendar_file_text(
                    getattr(upload, "filename", "") or "", upload.read()
                ),
            )
            if outcome.done and outcome.value is not None:
                form.text.data = outcome.value
        if not (form.text.data or "").strip() and not form.errors:
            form_error(form, DomainError(_("Вставьте текст графика или выберите файл"), "text"))
        if not form.errors:
            parsed = calendar_text.parse_calendar(form.text.data or "")
    return render_template(
        "controls/calendar_import.html",
        form=form,
        parsed=parsed,
        labels=TERM_LABELS,
        proposed=proposed,
    ), (400 if form.errors else 200)


@bp.post("/calendar/import/save")
@login_required
def save_calendar():
    _editor_only()
    form = CalendarImportForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: services.import_calendar(
                current_user.school, current_user, form.text.data or "", school_today()
            ),
        )
        if outcome.done and outcome.value is not None:
            saved = outcome.value
            flash(
                _(
                    "Учебный год %(title)s загружен; новых проверок: %(count)d",
                    title=saved.year.title,
                    count=saved.report.created,
                ),
                "success",
            )
            for note in saved.skipped:
                flash(note, "info")
            _flash_notes(saved.report)
            return redirect(url_for("calendar_pages.calendar"))
    parsed = calendar_text.parse_calendar(form.text.data or "")
    return render_template(
        "controls/calendar_import.html", form=form, parsed=parsed, labels=TERM_LABELS
    ), 400


@bp.post("/calendar/years")
@login_required
def add_year():
    _editor_only()
    form = YearForm(prefix="year")
    if form.validate_on_submit():
        done, year = attempt(
            form,
            lambda: services.create_year(
                current_user.school, current_user, form.starts_on.data, form.ends_on.data
            ),
        )
        if done:
            flash(_("Учебный год %(title)s добавлен", title=year.title), "success")
            return redirect(url_for("calendar_pages.calendar"))
    return _calendar_page(400, year=form)


@bp.post("/calendar/years/<id:year_id>/terms")
@login_required
def add_term(year_id: int):
    year = _editable(AcademicYear, year_id, _year_school)
    prefix = f"term-{year.id}"
    form = TermForm(prefix=prefix)
    if form.validate_on_submit():

        def add():
            term = services.add_term(
                year, current_user, form.kind.data, form.starts_on.data, form.ends_on.data
            )
            # The checks at the ends of periods get their date in the new term.
            report = services.generate(year.school, current_user, school_today(), years=[year])
            return term.title, report

        done, result = attempt(form, add)
        if done:
            assert result is not None  # done: what add() returned
            title, report = result
            flash(
                _(
                    "Добавлен период «%(title)s» %(year)s; новых проверок: %(count)d",
                    title=title,
                    year=year.title,
                    count=report.created,
                ),
                "success",
            )
            _flash_notes(report)
            return redirect(url_for("calendar_pages.calendar"))
    return _calendar_page(400, **{prefix: form})


@bp.post("/calendar/terms/<id:term_id>")
@login_required
def move_term(term_id: int):
    term = _editable(Term, term_id, _term_school)
    prefix = f"move-{term.id}"
    form = TermMoveForm(prefix=prefix)
    if form.validate_on_submit():
        kind = term.kind
        done, report = attempt(
            form,
            lambda: services.update_term(
                term, current_user, form.starts_on.data, form.ends_on.data, school_today()
            ),
        )
        if done:
            assert report is not None  # done: the report update_term gave
            if kind == TermKind.QUARTER:
                message = _(
                    "Четверть перенесена; перенесено проверок: %(count)d", count=report.moved
                )
            elif kind == TermKind.TRIMESTER:
                message = _(
                    "Триместр перенесён; перенесено проверок: %(count)d", count=report.moved
                )
            else:
                message = _(
                    "Полугодие перенесено; перенесено проверок: %(count)d", count=report.moved
                )
            flash(message, "success")
            _flash_notes(report)
            return redirect(url_for("calendar_pages.calendar"))
    return _calendar_page(400, **{prefix: form})


def _tied(term: Term) -> tuple[int, int]:
    """How many open and done occurrences are tied to the term's end."""
    tied = [
        occurrence
        for occurrence in services.occurrences_of(term.year.school, term.year)
        if term.id in (occurrence.term_ids or [])
    ]
    done = sum(1 for occurrence in tied if occurrence.is_done)
    return len(tied) - done, done


def _delete_page(term: Term, form: DeleteForm | None = None, code: int = 200):
    open_count, done_count = _tied(term)
    return render_template(
        "controls/calendar_delete_term.html",
        term=term,
        quarter=TermKind.QUARTER.value,
        open_count=open_count,
        done_count=done_count,
        form=form or DeleteForm(formdata=None),
    ), code


@bp.get("/calendar/terms/<id:term_id>/delete")
@login_required
def confirm_delete_term(term_id: int):
    term = _editable(Term, term_id, _term_school)
    return _delete_page(term)


@bp.post("/calendar/terms/<id:term_id>/delete")
@login_required
def delete_term(term_id: int):
    term = _editable(Term, term_id, _term_school)
    form = DeleteForm()
    if not form.validate_on_submit():
        return _delete_page(term, form, 400)
    kind, title, year_title = term.kind, term.title, term.year.title
    done, report = attempt(form, lambda: services.delete_term(term, current_user, school_today()))
    if not done:
        return _delete_page(own(Term, term_id, _term_school), form, 400)
    assert report is not None  # done: the report delete_term gave
    values = dict(title=title, year=year_title, removed=report.removed, kept=report.kept_done)
    if kind == TermKind.QUARTER:
        message = _(
            "«%(title)s» %(year)s удалена; удалено открытых проверок: %(removed)d, "
            "сохранено проведённых: %(kept)d",
            **values,
        )
    else:
        message = _(
            "«%(title)s» %(year)s удалено; удалено открытых проверок: %(removed)d, "
            "сохранено проведённых: %(kept)d",
            **values,
        )
    flash(message, "success")
    _flash_notes(report)
    return redirect(url_for("calendar_pages.calendar"))


@bp.post("/calendar/years/<id:year_id>/holidays")
@login_required
def add_holiday(year_id: int):
    year = _editable(AcademicYear, year_id, _year_school)
    prefix = f"holiday-{year.id}"
    form = HolidayForm(prefix=prefix)
    if form.validate_on_submit():
        done, holiday = attempt(
            form,
            lambda: services.add_holiday(
                year,
                current_user,
                form.title.data or "",
                form.starts_on.data,
                form.ends_on.data,
                school_today(),
            ),
        )
        if done:
            assert holiday is not None  # done: the holiday add_holiday made
            flash(
                _(
                    "Каникулы «%(title)s» добавлены в %(year)s",
                    title=holiday.title,
                    year=year.title,
                ),
                "success",
            )
            return redirect(url_for("calendar_pages.calendar"))
    return _calendar_page(400, **{prefix: form})


@bp.post("/calendar/holidays/<id:holiday_id>/delete")
@login_required
def delete_holiday(holiday_id: int):
    holiday = _editable(Holiday, holiday_id, _holiday_school)
    form = DeleteForm()
    if form.validate_on_submit():
        title = holiday.title
        deleted = attempt(
            form, lambda: services.delete_holiday(holiday, current_user, school_today())
        )
        if deleted.done:
            flash(_("Каникулы «%(title)s» удалены", title=title), "success")
            return redirect(url_for("calendar_pages.calendar"))
    return _calendar_page(400, delete=form)
