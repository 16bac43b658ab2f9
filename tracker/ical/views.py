from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker import urls
from tracker.extensions import db
from tracker.ical import services
from tracker.ical.forms import ALARMS, FeedForm
from tracker.ical.models import FeedToken
from tracker.types import today_in, utcnow
from tracker.views_common import attempt, button, flash_errors, posted_button

bp = Blueprint("ical", __name__)
NO_REFERRER = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}


@bp.route("/ical/<token>.ics", methods=["GET", "HEAD"])
def feed(token: str):
    """A calendar client's hourly poll: no login, the token is the key; nothing else opens."""
    address = request.remote_addr or ""
    found = services.find_subscription(token)
    if found is None:
        # Only misses are throttled: a valid link works whoever shares the address.
        if services.too_many_misses(address, utcnow()):
            return Response(
                "Слишком много запросов\n",
                429,
                {"Retry-After": "600", **NO_REFERRER},
                mimetype="text/plain",
            )
        services.record_miss(address)
        db.session.commit()
        # A bare answer, the same for every miss: no page, no session, nothing to tell apart.
        return Response("Не найдено\n", 404, NO_REFERRER, mimetype="text/plain")
    todo = request.args.get("kind") == "todo"
    today = today_in(found.timezone)
    check = services.validator(found, todo, today)
    headers = {**NO_REFERRER, "Cache-Control": "private, no-cache"}
    unchanged = (
        request.if_none_match.contains_weak(check.etag)
        if request.if_none_match
        else request.if_modified_since is not None
        and request.if_modified_since >= check.last_modified.replace(microsecond=0)
    )
    if unchanged:
        response = Response(status=304, headers=headers)
    else:
        body = services.feed_bytes(found, urls.base_url(), today, todo, check)
        response = Response(body, headers=headers, mimetype="text/calendar")
        response.headers["Content-Type"] = "text/calendar; charset=utf-8"
        response.headers["Content-Disposition"] = 'inline; filename="tracker.ics"'
    services.touch(found)
    if db.session().in_transaction():  # a feed stored or its use noted; an unchanged poll: none
        db.session.commit()
    response.set_etag(check.etag)
    response.last_modified = check.last_modified
    return response


def _page(form=None, created=None, code=200):
    form = form or FeedForm()
    form.scope.choices = services.scope_choices(current_user)
    choices = dict(form.scope.choices)
    return (
        render_template(
            "ical/feeds.html",
            form=form,
            tokens=services.tokens_of(current_user),
            labels=choices,
            alarms=dict(ALARMS),
            created=created,
        ),
        code,
        NO_REFERRER,
    )


def _created(token: FeedToken, raw: str) -> dict:
    import segno

    https = urls.external_url("ical.feed", token=raw)
    webcal = "webcal://" + https.split("://", 1)[1]
    qr = segno.make(https, error="m")
    return {
        "token": token,
        "https": https,
        "webcal": webcal,
        "qr": qr.svg_inline(scale=4, title=_("QR-код ссылки на календарь")),
    }


@bp.get("/feeds")
@login_required
def feeds():
    return _page()


@bp.post("/feeds")
@login_required
def create():
    form = FeedForm()
    form.scope.choices = services.scope_choices(current_user)
    if form.validate_on_submit():
        done, result = attempt(
            form,
            lambda: services.create_token(
                current_user, current_user, form.scope.data, form.alarm_days.data
            ),
        )
        if done:
            return _page(created=_created(*result))
    return _page(form, code=400)


def _own_token(token_id: int) -> FeedToken:
    token = db.session.get(FeedToken, token_id)
    if token is None or token.person_id != current_user.id or token.revoked_at is not None:
        abort(404)
    return token


@bp.post("/feeds/<id:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = _own_token(token_id)
    return button(
        lambda: services.revoke_token(token, current_user),
        _("Ссылка отозвана: календарь по ней больше не обновится"),
        url_for("ical.feeds"),
    )


@bp.post("/feeds/<id:token_id>/regenerate")
@login_required
def regenerate(token_id: int):
    token = _own_token(token_id)
    form = posted_button()
    done, result = attempt(form, lambda: services.regenerate_token(token, current_user))
    if not done:
        flash_errors(form)
        return redirect(url_for("ical.feeds"))
    assert result is not None  # done: the token regenerate_token made, with its secret
    return _page(created=_created(*result))
