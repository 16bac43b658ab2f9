import io
from collections.abc import Iterable
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from tracker.accounts.forms import FillPositionForm, VacatePositionForm
from tracker.accounts.permissions import can_manage_school
from tracker.accounts.services import active_people, people_by_id
from tracker.acts.models import PLAN_ROLE_LABELS, PlanRole
from tracker.acts.services import links_of
from tracker.approvals.queries import awaiting, coming_meetings, running_discussions
from tracker.audit.services import history
from tracker.controls import services as controls_services
from tracker.controls import work
from tracker.controls.models import STATE_LABELS
from tracker.controls.services import checks_of_task, recommendation_of
from tracker.documents import prepared as prepared_files
from tracker.documents.builders import build_plan
from tracker.documents.data import plan_doc
from tracker.forms import parse_ru_date
from tracker.plans import drafts, services, sheets, timeline
from tracker.plans.forms import (
    BulkAssignForm,
    CommentForm,
    PlanUploadForm,
    StatusForm,
    TaskEditForm,
)
from tracker.plans.models import (
    OVERDUE,
    OVERDUE_LABEL,
    REVIEW,
    REVIEW_LABEL,
    SOON,
    SOON_LABEL,
    STATUS_LABELS,
    Plan,
    PlanDraft,
    Task,
    TaskStatus,
)
from tracker.plans.permissions import can_edit_task, can_manage_plan, can_work_on_task
from tracker.plans.uploads import Upload
from tracker.types import whole_number
from tracker.views_common import attempt, own, refused_status, school_today, send_upload

bp = Blueprint("plans", __name__)


def current_plan() -> Plan | None:
    return services.school_plan(current_user.school)


def get_task(task_id: int) -> Task:
    return own(Task, task_id, lambda task: task.plan.school_id)


@bp.get("/")
@login_required
def dashboard():
    plan = current_plan()
    today = school_today()
    school = current_user.school
    loaded = work.load(school)
    data = (
        services.dashboard(plan, current_user, today, work.shares(school, today, loaded))
        if plan
        else None
    )
    summary = work.summary(
        school,
        current_user,
        today,
        services.UPCOMING_DAYS,
        everyone=current_user.is_manager,
        loaded=loaded,
    )
    running = running_discussions(school)
    discussions = sorted(
        (d for d in running.values() if d.is_open(today)),
        key=lambda discussion: discussion.closes_on,
    )
    return render_template(
        "plans/dashboard.html",
        plan=plan,
        data=data,
        today=today,
        work=summary,
        discussions=discussions,
        meetings=coming_meetings(current_user, today),
        awaiting=awaiting(current_user, today, running),
    )


FILTERS = ("position", "person", "status", "month", "mine")


def _task_filter(plan: Plan) -> services.TaskFilter:
    def number(name: str) -> int | None:
        value = request.args.get(name, "")
        return whole_number(value, 17)

    month = None
    month_text = request.args.get("month", "")
    if month_text:
        try:
            month = parse_ru_date(f"01.{month_text}") if "." in month_text else None
            month = month or parse_ru_date(f"{month_text}-01")
        except ValueError:
            month = None
    status = request.args.get("status") or None
    if status not in {*map(str, STATUS_LABELS), OVERDUE, SOON, REVIEW, None}:
        status = None
    only_ids = None
    if request.args.get("mine") == "1":
        only_ids = frozenset(services.my_task_ids(plan, current_user))
    person_id = number("person")
    if person_id:  # a person's tasks by the same rule as «мои задачи»
        person = people_by_id({person_id}).get(person_id)
        if person is not None and person.school_id == plan.school_id:
            theirs = frozenset(services.my_task_ids(plan, person))
            only_ids = theirs if only_ids is None else only_ids & theirs
        else:
            person_id = None
    position_id = number("position")
    if position_id and position_id not in {position.id for position in plan.school.positions}:
        position_id = None  # not one of this school's (the list shows «все»): no filter
    return services.TaskFilter(
        position_id=position_id,
        person_id=person_id,
        status=status,
        month=month,
        only_ids=only_ids,
    )


def _months(days: Iterable[date | None]) -> list[tuple[str, str]]:
    months = sorted({(day.year, day.month) for day in days if day})
    return [(f"{year:04d}-{month:02d}", f"{month:02d}.{year}") for year, month in months]


@bp.get("/plan/people")
@login_required
def behind():
    """Who is behind: every person and position with their late, near and done work."""
    if not can_manage_school(current_user, current_user.school):
        abort(403)
    today = school_today()
    return render_template(
        "plans/behind.html",
        behind=work.who_is_behind(current_user.school, today, services.UPCOMING_DAYS),
        today=today,
        days=services.UPCOMING_DAYS,
    )


def _shown_tasks(plan: Plan, names: bool = False):
    """The plan's phases, all its tasks and those the page's filters keep (`names`: with the
    people of their positions loaded, for an export that names them)."""
    phases, tasks = services.plan_contents(
        plan, shown=services.TASK_NAMES if names else services.TASK_ROWS
    )
    chosen = _task_filter(plan)
    return phases, tasks, chosen, services.filter_tasks(plan, tasks, chosen, school_today())


def _svg(text: str):
    response = current_app.response_class(text, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/plan/timeline.svg")
@login_required
def timeline_image():
    """The timeline of the tasks the plan page shows (its filters kept), as SVG."""
    plan = current_plan()
    if plan is None:
        abort(404)
    phases, _tasks, _chosen, shown = _shown_tasks(plan)
    return _svg(
        timeline.timeline_svg(
            phases,
            shown,
            school_today(),
            ticks=work.occurrence_days(current_user.school),
            task_url=url_for("plans.task", task_id=0).replace("/0", "/{id}"),
            title=_("Диаграмма сроков: %(plan)s", plan=plan.title),
        )
    )


def _download(content: bytes, name: str, mimetype: str):
    response = send_file(
        io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/plan/export.xlsx")
@login_required
def export_xlsx():
    """The tasks the plan page shows (its filters kept) as a spreadsheet."""
    plan = current_plan()
    if plan is None:
        abort(404)
    _phases, _tasks, _chosen, shown = _shown_tasks(plan, names=True)
    if len(shown) > current_app.config["BIG_EXPORT"]:
        return _big_export("xlsx", len(shown))
    today = school_today()
    return _download(
        sheets.plan_xlsx(plan.title, shown, today),
        f"План {today:%d.%m.%Y}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.get("/plan/export.docx")
@login_required
def export_docx():
    """The plan-schedule with statuses and names as DOCX, as the plan page shows it."""
    plan = current_plan()
    if plan is None:
        abort(404)
    _phases, _tasks, _chosen, shown = _shown_tasks(plan)
    if len(shown) > current_app.config["BIG_EXPORT"]:
        return _big_export("docx", len(shown))
    today = school_today()
    document = plan_doc(current_user.school, today, only_ids={task.id for task in shown})
    return _download(
        build_plan(document),
        f"План-график {today:%d.%m.%Y}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _query() -> str:
    """The request's query string, to carry the page's filters on."""
    query = request.query_string.decode("latin-1")
    return f"?{query}" if query else ""


def _big_export(fmt: str, count: int, form=None, status: int = 200):
    """A plan too big to write while the person waits: a button that asks the worker (a GET
    changes nothing); shown again with the reason when the ask is refused."""
    return render_template(
        "plans/export_big.html",
        fmt=fmt,
        count=count,
        form=form or FlaskForm(),
        query=_query(),
        action=url_for("plans.prepare_export", fmt=fmt) + _query(),
    ), status


@bp.post("/plan/export/<any(xlsx, docx):fmt>")
@login_required
def prepare_export(fmt: str):
    """The worker writes the plan as the page shows it (its filters kept, in the query)."""
    plan = current_plan()
    if plan is None:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    _phases, _tasks, _chosen, shown = _shown_tasks(plan)
    outcome = attempt(
        form,
        lambda: prepared_files.ask_plan(
            current_user.school, current_user, fmt, [task.id for task in shown], school_today()
        ),
    )
    if not outcome.done or outcome.value is None:
        return _big_export(fmt, len(shown), form, refused_status(form))
    return redirect(url_for("documents.prepared", file_id=outcome.value.id))


@bp.get("/plan/progress.svg")
@login_required
def progress_image():
    plan = current_plan()
    if plan is None:
        abort(404)
    phases, tasks = services.plan_contents(plan, shown=())
    return _svg(
        timeline.progress_svg(
            phases, tasks, school_today(), title=_("Ход работ по этапам во времени")
        )
    )


def _importer() -> None:
    if not can_manage_school(current_user, current_user.school):
        abort(403)


@bp.route("/plan/import", methods=["GET", "POST"])
@login_required
def import_plan():
    """The director uploads the school's plan-schedule; it is shown before anything is kept."""
    _importer()
    form = PlanUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        outcome = attempt(
            form,
            lambda: drafts.upload(
                current_user.school,
                current_user,
                getattr(upload, "filename", "") or "plan",
                upload.read() if upload else b"",
                form.title.data or "",
            ),
        )
        if outcome.done and outcome.value is not None:
            return redirect(url_for("plans.import_preview", draft_id=outcome.value.id))
    return render_template("plans/import.html", form=form, has_plan=current_plan()), (
        400 if form.errors else 200
    )


def _draft(draft_id: int) -> PlanDraft:
    _importer()
    return own(PlanDraft, draft_id)


@bp.get("/plan/import/<id:draft_id>")
@login_required
def import_preview(draft_id: int, form=None, status: int = 200):
    draft = _draft(draft_id)
    preview = drafts.preview(draft, current_user.school)
    return render_template(
        "plans/import_preview.html",
        draft=draft,
        preview=preview,
        labels=drafts.COLUMN_LABELS,
        form=form or FlaskForm(),
    ), status


@bp.post("/plan/import/<id:draft_id>/columns")
@login_required
def import_columns(draft_id: int):
    draft = _draft(draft_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = {}
    for key, value in request.form.items():
        index = whole_number(key.removeprefix("column-"), 3) if key.startswith("column-") else None
        if index is not None:
            chosen[index] = value
    if attempt(form, lambda: drafts.set_columns(draft, chosen)).done:
        flash(_("Столбцы изменены: проверьте строки ниже"), "success")
        return redirect(url_for("plans.import_preview", draft_id=draft.id))
    return import_preview(draft.id, form=form, status=400)


@bp.post("/plan/import/<id:draft_id>/table")
@login_required
def import_table(draft_id: int):
    draft = _draft(draft_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = whole_number(request.form.get("table", ""), 3)
    if attempt(form, lambda: drafts.set_table(draft, chosen)).done:
        flash(_("Таблица выбрана: проверьте столбцы и строки ниже"), "success")
        return redirect(url_for("plans.import_preview", draft_id=draft.id))
    return import_preview(draft.id, form=form, status=400)


@bp.post("/plan/import/<id:draft_id>/confirm")
@login_required
def import_confirm(draft_id: int):
    draft = _draft(draft_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)

    def confirm():
        result = drafts.confirm(draft, current_user.school, current_user, school_today())
        controls_services.checks_for_plan(current_user.school, current_user, school_today())
        return result

    outcome = attempt(form, confirm)
    if outcome.done and outcome.value is not None:
        result = outcome.value
        if isinstance(result, drafts.reimport.Differences):
            message = _(
                "Новая редакция плана применена: новых задач — %(new)d, изменено — %(changed)d, "
                "отменено — %(gone)d",
                new=len(result.new),
                changed=len(result.changed),
                gone=len(result.gone),
            )
        else:
            message = _(
                "План загружен: задач — %(tasks)d; проверьте отмеченные — %(review)d",
                tasks=len(result.tasks),
                review=len(result.needs_review),
            )
        flash(message, "success")
        return redirect(url_for("plans.plan"))
    return import_preview(draft.id, form=form, status=400)


@bp.get("/plan")
@login_required
def plan():
    plan = current_plan()
    if plan is None:
        return render_template("plans/plan.html", plan=None)
    today = school_today()
    chosen = _task_filter(plan)
    number = request.args.get("page", 1, type=int)
    # The filters kept by the database, and only the page's hundred tasks read.
    phases = services.plan_phases(plan)
    page = services.plan_page(plan, phases, chosen, today, number)
    total = page.count if chosen == services.TaskFilter() else services.task_count(plan)
    months = _months(services.due_months(plan))
    return render_template(
        "plans/plan.html",
        plan=plan,
        phases=phases,
        page=page,
        total=total,
        chosen=chosen,
        today=today,
        months=months,
        statuses=[
            *((str(key), label) for key, label in STATUS_LABELS.items()),
            (OVERDUE, OVERDUE_LABEL),
            (SOON, SOON_LABEL),
            (REVIEW, REVIEW_LABEL),
        ],
        people=active_people(current_user.school),
        # The page's filters as the picture and the exports take them (and nothing else).
        filter_args={key: request.args[key] for key in FILTERS if request.args.get(key)},
    )


def _assign_page(form: BulkAssignForm | None = None, status: int = 200):
    plan = current_plan()
    if plan is None:
        abort(404)
    if not can_manage_plan(current_user, plan):
        abort(403)
    people = active_people(current_user.school)
    if form is None:
        form = BulkAssignForm()
        form.person.choices = [(0, _("— выберите —"))] + [
            (person.id, person.full_name) for person in people
        ]
    fill_form = FillPositionForm()
    fill_form.person.choices = [(person.id, person.full_name) for person in people]
    phases, tasks = services.plan_contents(plan)
    return render_template(
        "plans/assign.html",
        plan=plan,
        school=current_user.school,
        phases=phases,
        tasks=tasks,
        form=form,
        fill_form=fill_form,
        vacate_form=VacatePositionForm(),
        today=school_today(),
    ), status


@bp.get("/assign")
@login_required
def assign():
    return _assign_page()


@bp.post("/assign")
@login_required
def assign_bulk():
    plan = current_plan()
    if plan is None:
        abort(404)
    if not can_manage_plan(current_user, plan):
        abort(403)
    form = BulkAssignForm()
    people = {person.id: person for person in active_people(current_user.school)}
    form.person.choices = [(0, _("— выберите —"))] + [
        (pid, person.full_name) for pid, person in people.items()
    ]
    if form.validate_on_submit():
        tasks = services.tasks_by_ids(plan, form.task_ids.data or [])
        if len(tasks) != len(set(form.task_ids.data or [])):
            abort(400)
        person = people.get(form.person.data)
        if form.redate.data:
            done, count = attempt(
                form,
                lambda: services.redate_tasks(
                    tasks, form.starts_on.data, form.due_on.data, current_user
                ),
            )
            message = _("Срок изменён у задач: %(count)d", count=count or 0)
        else:
            done, count = attempt(
                form,
                lambda: services.assign_tasks(
                    tasks,
                    [person] if person else [],
                    current_user,
                    replace=form.replace.data == "replace",
                ),
            )
            message = _(
                "Назначено задач: %(count)d — %(name)s",
                count=count or 0,
                name=person.full_name if person else "",
            )
        if done:
            flash(message, "success")
            return redirect(url_for("plans.assign"))
    return _assign_page(form, status=400)


HISTORY_FIELDS = {
    "title": _l("Название"),
    "starts_on": _l("Начало"),
    "due_on": _l("Срок"),
    "status": _l("Статус"),
    "completion_note": _l("Отметка"),
    "completion_file": _l("Файл"),
    "positions": _l("Должности"),
    "assignees": _l("Исполнители"),
    "blocked_by": _l("Зависит от"),
    "comment": _l("Комментарий"),
    "act": _l("Связана с актом"),
    "role": _l("Шаг согласования"),
    "number": _l("№"),
    "phase": _l("Этап"),
    "deadline_text": _l("Сроки в плане"),
    "responsible_text": _l("Ответственный в плане"),
    "expected_result": _l("Результат"),
}


def history_value(name: str, value) -> str:
    """An audit value as a person reads it: labels for statuses, Russian dates, lists joined."""
    if value in (None, "", []):
        return "—"
    if name == "status" and value in STATUS_LABELS:
        return str(STATUS_LABELS[TaskStatus(value)])
    if name == "role" and value in PLAN_ROLE_LABELS:
        return str(PLAN_ROLE_LABELS[PlanRole(value)])
    if name in ("starts_on", "due_on"):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _task_page(task: Task, status_form=None, comment_form=None, code: int = 200):
    today = school_today()
    entries = history("task", task.id, request.args.get("page", 1, type=int))
    status_form = status_form or StatusForm(status=str(task.status))
    if not services.may_cancel(current_user) and task.status != TaskStatus.CANCELLED:
        status_form.status.choices = [
            choice for choice in status_form.status.choices if choice[0] != TaskStatus.CANCELLED
        ]
    return render_template(
        "plans/task.html",
        task=task,
        today=today,
        status_form=status_form,
        comment_form=comment_form or CommentForm(),
        history=entries,
        actors=people_by_id({entry.actor_id for entry in entries.items if entry.actor_id}),
        can_work=can_work_on_task(current_user, task),
        can_edit=can_edit_task(current_user, task),
        links=links_of(task),
        checks=checks_of_task(task, today),
        recommendation=recommendation_of(task) if not task.number else None,
        check_states=STATE_LABELS,
        field_labels=HISTORY_FIELDS,
        history_value=history_value,
    ), code


@bp.get("/tasks/<id:task_id>")
@login_required
def task(task_id: int):
    return _task_page(own(Task, task_id, lambda task: task.plan.school_id, services.TASK_PAGE))


@bp.post("/tasks/<id:task_id>/status")
@login_required
def change_status(task_id: int):
    task = get_task(task_id)
    if not can_work_on_task(current_user, task):
        abort(403)
    form = StatusForm()
    if form.validate_on_submit():
        upload = None
        if form.file.data and form.file.data.filename:
            upload = Upload(form.file.data.filename, form.file.data.read())
        changed = attempt(
            form,
            lambda: services.change_status(
                task,
                current_user,
                TaskStatus(form.status.data),
                note=form.note.data or "",
                upload=upload,
            ),
        ).done
        if changed:
            flash(_("Статус сохранён"), "success")
            return redirect(url_for("plans.task", task_id=task.id))
    return _task_page(task, status_form=form, code=400)


@bp.post("/tasks/<id:task_id>/comments")
@login_required
def comment(task_id: int):
    task = get_task(task_id)
    if not can_work_on_task(current_user, task):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        if attempt(
            form, lambda: services.add_comment(task, current_user, form.body.data or "")
        ).done:
            flash(_("Комментарий добавлен"), "success")
            return redirect(url_for("plans.task", task_id=task.id) + "#comments")
    return _task_page(task, comment_form=form, code=400)


@bp.route("/tasks/<id:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(task_id: int):
    task = get_task(task_id)
    if not can_edit_task(current_user, task):
        abort(403)
    school = current_user.school
    people = active_people(current_user.school)
    other_tasks = [other for other in services.plan_tasks(task.plan) if other.id != task.id]
    form = TaskEditForm(
        obj=task,
        positions=[position.id for position in task.positions],
        assignees=[person.id for person in task.assignees],
        blocked_by=[other.id for other in task.blocked_by],
    )
    if form.validate_on_submit():
        positions = {position.id: position for position in school.positions}
        by_id = {person.id: person for person in people}
        tasks = {other.id: other for other in other_tasks}
        try:
            chosen_positions = [positions[i] for i in form.positions.data or []]
            chosen_people = [by_id[i] for i in form.assignees.data or []]
            chosen_blockers = [tasks[i] for i in form.blocked_by.data or []]
        except KeyError:
            abort(400)
        done, changed = attempt(
            form,
            lambda: services.edit_task(
                task,
                current_user,
                title=form.title.data or "",
                starts_on=form.starts_on.data,
                due_on=form.due_on.data,
                positions=chosen_positions,
                assignees=chosen_people,
                blocked_by=chosen_blockers,
            ),
        )
        if done:
            flash(_("Задача сохранена") if changed else _("Изменений нет"), "success")
            return redirect(url_for("plans.task", task_id=task.id))
    return render_template(
        "plans/edit_task.html",
        task=task,
        form=form,
        positions=school.positions,
        people=people,
        other_tasks=other_tasks,
    ), 400 if form.errors else 200


@bp.get("/tasks/<id:task_id>/file")
@login_required
def task_file(task_id: int):
    task = get_task(task_id)
    if not task.completion_file_key:
        abort(404)
    return send_upload(task.completion_file_key, task.completion_file_name)


@bp.app_context_processor
def permissions_for_templates():
    return {
        "can_manage_school": can_manage_school,
        "can_work_on_task": can_work_on_task,
        "can_edit_task": can_edit_task,
    }
