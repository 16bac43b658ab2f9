import time
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from tracker.accounts import notices, services, throttle
from tracker.accounts.forms import (
    ConfirmForm,
    EmailForm,
    FillPositionForm,
    ForgotForm,
    LanguageForm,
    LoginForm,
    LogoutForm,
    MailForm,
    PasswordForm,
    PersonCreateForm,
    PersonEditForm,
    PositionCreateForm,
    PositionEditForm,
    ResetForm,
    VacatePositionForm,
)
from tracker.accounts.models import Person, Position, Role
from tracker.accounts.permissions import can_manage_person, can_manage_school
from tracker.errors import DomainError
from tracker.extensions import csrf, db
from tracker.jobs import services as jobs
from tracker.mail import services as mail
from tracker.types import utcnow
from tracker.views_common import attempt, own, safe_back, school_today

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("plans.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.attempt_login(
            form.username.data, form.password.data, request.remote_addr or ""
        )
        db.session.commit()
        if result.wait_seconds:
            form.password.errors.append(
                _(
                    "Слишком много неудачных попыток входа с вашего адреса. "
                    "Попробуйте через %(wait)s.",
                    wait=wait_words(result.wait_seconds),
                )
            )
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(result.wait_seconds)}
        if result.person is None:
            form.password.errors.append(_("Неверный логин или пароль"))
        else:
            start_session(result.person)
            if result.earlier:
                flash(earlier_failures_text(result.earlier), "warning")
            if result.person.must_change_password:
                flash(_("Задайте свой пароль вместо начального."), "info")
                return redirect(url_for("accounts.password"))
            return redirect(url_for("plans.dashboard"))
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


def wait_words(seconds: int) -> str:
    """«12 с» under a minute, «3 мин» above (rounded up)."""
    if seconds < 60:
        return _("%(n)d с", n=seconds)
    return _("%(n)d мин", n=-(-seconds // 60))


def earlier_failures_text(earlier: throttle.Failures) -> str:
    """What the owner is told at login about tries against the account since the last one."""
    return _(
        "С прошлого входа были неудачные попытки войти под вашим логином: %(tries)d, "
        "с адресов: %(addresses)d. Если это были не вы, смените пароль.",
        tries=earlier.failed + earlier.refused,
        addresses=earlier.addresses,
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    """«Забыли пароль?»: the same answer whether or not the login exists."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.password"))
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_reset(
            form.identifier.data or "",
            request.remote_addr or "",
        )
        db.session.commit()
        deliver_if_local()
        return render_template("accounts/forgot.html", form=None, sent=True)
    return render_template("accounts/forgot.html", form=form, sent=False), (
        400 if form.errors else 200
    )


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_by_link(token: str):
    if services.find_reset(token) is None:
        return render_template("accounts/reset.html", form=None), 404
    form = ResetForm()
    if form.validate_on_submit():
        done, person = attempt(
            form,
            lambda: services.reset_by_link(token, form.password.data or "", form.repeat.data or ""),
        )
        if done:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Пароль задан. Войдите с новым паролем."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), 400 if form.errors else 200


@bp.get("/outbox")
@login_required
def outbox():
    """What the app has sent (or would send, with no mail server) for the school: the
    director sees each message, its state, and the ones given up on."""
    if not can_manage_school(current_user, current_user.school):
        abort(403)
    return render_template(
        "accounts/outbox.html",
        messages=mail.recent(current_user.school_id),
        failures=jobs.failures_of(current_user.school_id),
        job_title=jobs.title,
        local=not current_app.config.get("SMTP_URL"),
    )


def deliver_if_local() -> None:
    """With no mail server configured the message is a file in instance/outbox/: written at
    once. Through SMTP the worker (`tracker mail send`) delivers, so a slow server never holds
    the request."""
    if not current_app.config.get("SMTP_URL"):
        mail.deliver_pending(limit=10)


def start_session(person: Person) -> None:
    """A new session at login: nothing of the previous one is carried over."""
    session.clear()
    login_user(person)
    now = int(time.time())
    session["login_at"] = session["seen_at"] = now


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """«Мой профиль»: my address (a new one confirmed by a link sent to it) and which notices
    I get by e-mail."""
    person = current_user._get_current_object()
    email_form = EmailForm(prefix="email")
    mail_form = MailForm(prefix="mail")
    if request.method == "POST" and "email-submit" in request.form:
        if email_form.validate_on_submit():
            outcome = attempt(
                email_form, lambda: services.change_own_email(person, email_form.email.data or "")
            )
            if outcome.done:
                if outcome.value:
                    flash(
                        _(
                            "На %(email)s отправлена ссылка: адрес сохранится, когда вы её "
                            "откроете (в течение двух дней).",
                            email=(email_form.email.data or "").strip(),
                        ),
                        "success",
                    )
                else:
                    flash(_("Адрес почты убран: письма приходить не будут."), "success")
                return redirect(url_for("accounts.profile"))
    elif request.method == "POST" and "mail-submit" in request.form:
        if mail_form.validate_on_submit():
            if attempt(
                mail_form, lambda: notices.switch(person, mail_form.chosen_off(), person)
            ).done:
                flash(_("Настройки писем сохранены."), "success")
                return redirect(url_for("accounts.profile"))
    elif request.method == "POST":
        abort(400)
    if request.method == "GET":
        email_form.email.data = person.email
        for kind in notices.KINDS:
            mail_form[kind].data = kind not in (person.mail_off or [])
    status = 400 if email_form.errors or mail_form.errors else 200
    return render_template(
        "accounts/profile.html", person=person, email_form=email_form, mail_form=mail_form
    ), status


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link sent to a new address: the address is kept once its owner presses the button
    (opening a link changes nothing: mail scanners open links too)."""
    found = notices.read_confirmation(token)
    form = ConfirmForm()
    if found is None:
        return render_template("accounts/confirm_email.html", form=None), 404
    person, email = found
    if form.validate_on_submit():
        if attempt(form, lambda: services.set_email(person, email, person)).done:
            flash(_("Адрес %(email)s подтверждён: письма будут приходить на него.", email=email))
            return redirect(
                url_for("accounts.profile" if current_user.is_authenticated else "accounts.login")
            )
    return render_template(
        "accounts/confirm_email.html", form=form, person=person, email=email
    ), 400 if form.errors else 200


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" with no form of ours
def unsubscribe(token: str):
    """One click switches one kind of notice off for the person the link was made for; the
    signed link is the only credential (it does nothing but this)."""
    found = notices.read_unsubscribe(token)
    if found is None:
        return render_template("accounts/unsubscribe.html", person=None), 404
    person, kind = found
    done = False
    if request.method == "POST":
        notices.switch(person, {*(person.mail_off or []), kind}, person)
        db.session.commit()
        done = True
    return render_template(
        "accounts/unsubscribe.html",
        person=person,
        kind=notices.KINDS[kind],
        done=done,
        form=ConfirmForm(),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        person = current_user._get_current_object()
        done = attempt(
            form,
            lambda: services.change_password(
                person, form.current.data, form.password.data, form.repeat.data
            ),
        ).done
        if done:
            start_session(person)
            flash(_("Пароль изменён. Другие сеансы завершены."), "success")
            return redirect(url_for("plans.dashboard"))
    status = 400 if form.errors else 200
    return render_template("accounts/password.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if LogoutForm().validate_on_submit():
        services.end_sessions(current_user)
        db.session.commit()
        logout_user()
        session.clear()
    return redirect(url_for("accounts.login"))


@bp.post("/language")
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_back(request.form.get("back")))


def _school_positions(ids: list[int]) -> list[Position]:
    positions = {position.id: position for position in current_user.school.positions}
    if any(position_id not in positions for position_id in ids):
        abort(400)
    return [positions[position_id] for position_id in ids]


ATTACKS_SHOWN_FOR = timedelta(days=7)


def _people_page(create_form=None, position_form=None, status=200):
    if not can_manage_school(current_user, current_user.school):
        abort(403)
    school = current_user.school
    attacks = throttle.attacks_on(
        [person.username for person in school.people], utcnow() - ATTACKS_SHOWN_FOR
    )
    names = {person.username: person for person in school.people}
    return render_template(
        "accounts/people.html",
        school=school,
        people=school.people,
        attacks=[(names[row.username], row) for row in attacks],
        create_form=create_form or PersonCreateForm(role=str(Role.STAFF)),
        position_form=position_form or PositionCreateForm(),
        roles=Role,
    ), status


@bp.get("/people")
@login_required
def people():
    return _people_page()


@bp.post("/people")
@login_required
def create_person():
    if not can_manage_school(current_user, current_user.school):
        abort(403)
    form = PersonCreateForm()
    if form.validate_on_submit():

        def create():
            person, password = services.create_person(
                current_user.school,
                username=form.username.data,
                full_name=form.full_name.data,
                email=form.email.data or "",
                role=Role(form.role.data),
                actor=current_user,
            )
            positions = _school_positions(form.positions.data or [])
            services.set_positions(person, positions, current_user)
            return person, password

        done, result = attempt(form, create)
        if done:
            person, password = result
            flash(
                _(
                    "Сотрудник %(name)s добавлен. Логин: %(username)s, начальный пароль: "
                    "%(password)s — передайте его лично, он показан один раз.",
                    name=person.full_name,
                    username=person.username,
                    password=password,
                ),
                "success",
            )
            return redirect(url_for("accounts.people"))
    return _people_page(create_form=form, status=400)


@bp.route("/people/<id:person_id>", methods=["GET", "POST"])
@login_required
def edit_person(person_id: int):
    person = own(Person, person_id)
    if not can_manage_person(current_user, person):
        abort(403)
    form = PersonEditForm(
        obj=person,
        role=str(person.role),
        positions=[position.id for position in person.positions],
    )
    if form.validate_on_submit():

        def update():
            services.update_person(
                person,
                full_name=form.full_name.data,
                role=Role(form.role.data),
                is_active=form.is_active.data,
                actor=current_user,
                may_publish=form.may_publish.data,
                may_edit_calendar=form.may_edit_calendar.data,
                email=form.email.data or "",
            )
            positions = _school_positions(form.positions.data or [])
            services.set_positions(person, positions, current_user)

        if attempt(form, update).done:
            flash(_("Изменения сохранены"), "success")
            return redirect(url_for("accounts.people"))
    status = 400 if form.errors else 200
    return render_template("accounts/person.html", person=person, form=form), status


@bp.post("/people/<id:person_id>/reset-password")
@login_required
def reset_password(person_id: int):
    """The director gives a staff member who lost their password a one-time one."""
    person = own(Person, person_id)
    if not can_manage_person(current_user, person):
        abort(403)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        password = services.reset_password(person, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("accounts.edit_person", person_id=person.id))
    db.session.commit()
    flash(
        _(
            "Пароль %(name)s сброшен. Новый пароль для входа: %(password)s — передайте его "
            "лично, он показан один раз; при входе его нужно будет сменить. Все прежние входы "
            "этого сотрудника завершены.",
            name=person.full_name,
            password=password,
        ),
        "success",
    )
    return redirect(url_for("accounts.edit_person", person_id=person.id))


@bp.post("/positions")
@login_required
def create_position():
    if not can_manage_school(current_user, current_user.school):
        abort(403)
    form = PositionCreateForm()
    if (
        form.validate_on_submit()
        and attempt(
            form,
            lambda: services.create_position(current_user.school, form.title.data, current_user),
        ).done
    ):
        flash(_("Должность добавлена"), "success")
        return redirect(url_for("accounts.people"))
    return _people_page(position_form=form, status=400)


def _position_or_404(position_id: int) -> Position:
    position = own(Position, position_id)
    if not can_manage_school(current_user, position.school):
        abort(403)
    return position


@bp.route("/positions/<id:position_id>", methods=["GET", "POST"])
@login_required
def edit_position(position_id: int):
    """Rename a position and say how plans name it (what the plan import matches)."""
    position = _position_or_404(position_id)
    form = PositionEditForm(title=position.title, aliases="\n".join(position.aliases or []) or None)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: services.edit_position(
                position, form.title.data or "", form.aliases.data or "", current_user
            ),
        ).done
        if done:
            flash(_("Должность «%(title)s» сохранена", title=position.title), "success")
            return redirect(url_for("accounts.people"))
    return render_template("accounts/position.html", position=position, form=form), (
        400 if form.errors else 200
    )


def _person_of_school(person_id: int | None) -> Person:
    person = db.session.get(Person, person_id) if person_id else None
    if person is None or person.school_id != current_user.school_id:
        abort(400)
    return person


@bp.post("/positions/<id:position_id>/fill")
@login_required
def fill_position(position_id: int):
    position = _position_or_404(position_id)
    form = FillPositionForm()
    form.person.choices = [(person.id, person.full_name) for person in position.school.people]
    if form.validate_on_submit():
        services.fill_position(
            position,
            _person_of_school(form.person.data),
            current_user,
            note=form.note.data or "",
            since=school_today(),
        )
        db.session.commit()
        flash(_("%(position)s: назначение сохранено", position=position.title), "success")
    else:
        flash(_("Выберите сотрудника из списка"), "error")
    return redirect(safe_back(request.form.get("back")))


@bp.post("/positions/<id:position_id>/vacate/<id:person_id>")
@login_required
def vacate_position(position_id: int, person_id: int):
    position = _position_or_404(position_id)
    if VacatePositionForm().validate_on_submit():
        try:
            services.vacate_position(position, _person_of_school(person_id), current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("%(position)s: сотрудник снят с должности", position=position.title), "success")
    return redirect(safe_back(request.form.get("back")))
