"""The installation operator's page: the schools, and a new one."""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from tracker.controls import services as controls
from tracker.plans import onboarding
from tracker.plans.onboarding_forms import SchoolForm
from tracker.types import today_in
from tracker.views_common import attempt

bp = Blueprint("schools", __name__)


def _operator_only() -> None:
    if not current_user.runs_installation:
        abort(403)


@bp.route("/admin/schools", methods=["GET", "POST"])
@login_required
def schools():
    """Every school with its people and tasks counted; a new school with its first director,
    whose single-use link is shown once on the answer."""
    _operator_only()
    form = SchoolForm()
    created = None
    if form.validate_on_submit():

        def create():
            done = onboarding.onboard_school(
                slug=form.slug.data or "",
                full_name=form.full_name.data or "",
                short_name=form.short_name.data or "",
                city=form.city.data or "",
                address=form.address.data or "",
                timezone=form.timezone.data or "Europe/Moscow",
                inn=form.inn.data or "",
                ogrn=form.ogrn.data or "",
                director_login=form.director_login.data or "",
                director_name=form.director_name.data or "",
                director_email=form.director_email.data or "",
                template=bool(form.template.data),
                actor=current_user,
            )
            controls.checks_for_plan(done.school, current_user, today_in(done.school.timezone))
            return done

        outcome = attempt(form, create)
        if outcome.done:
            created = outcome.value
            form = SchoolForm(formdata=None)
    return render_template(
        "schools/index.html",
        rows=onboarding.schools_overview(),
        form=form,
        created=created,
    ), (400 if form.errors else 200)
