"""The public discussion of an act before the pedagogical council: opened for a period,
commented on by the staff section by section, closed by its owner or by the council taking the
act up (its comments then go with the agenda item)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from tracker.accounts.models import Person
from tracker.acts.models import LocalAct
from tracker.acts.services import sync_plan_for
from tracker.approvals.models import (
    Discussion,
    DiscussionComment,
)
from tracker.approvals.queries import discussion_sections, ped_step_free, running_discussion
from tracker.audit import services as audit
from tracker.errors import DomainError, check_fresh
from tracker.extensions import db

MAX_DISCUSSION_DAYS = 90


MAX_COMMENT = 5000


def open_discussion(
    act: LocalAct,
    actor: Person,
    *,
    opens_on: date,
    closes_on: date,
    today: date,
    expected_version: int | None,
) -> Discussion:
    """Open the act's current version for the staff's comments from `opens_on` to `closes_on`."""
    check_fresh(act, expected_version)
    if running_discussion(act) is not None:
        raise DomainError(_("Обсуждение этого акта уже идёт"))
    if not ped_step_free(act):
        raise DomainError(
            _("Обсуждение проводится до того, как акт рассмотрит педагогический совет")
        )
    if opens_on < today:
        raise DomainError(_("Обсуждение не может начаться в прошлом"), field="opens_on")
    if closes_on < opens_on:
        raise DomainError(
            _("Обсуждение не может закончиться раньше, чем начнётся"), field="closes_on"
        )
    if (closes_on - opens_on).days > MAX_DISCUSSION_DAYS:
        raise DomainError(
            _("Обсуждение длится не больше %(days)d дней", days=MAX_DISCUSSION_DAYS),
            field="closes_on",
        )
    discussion = Discussion(
        act=act,
        version_number=act.version_number,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=actor,
    )
    db.session.add(discussion)
    flag_modified(act, "remarks")  # a form made before the discussion opened is stale
    db.session.flush()
    audit.record_new(
        "discussion.open",
        "act",
        act.id,
        act.school_id,
        actor,
        period=f"{opens_on:%d.%m.%Y}–{closes_on:%d.%m.%Y}",
        version=discussion.version_number,
    )
    return discussion


def add_discussion_comment(
    discussion: Discussion, actor: Person, *, section: str, text: str, today: date
) -> DiscussionComment:
    """A staff member's comment on a section, while the discussion is open."""
    act = discussion.act
    if actor.school_id != act.school_id:
        raise DomainError(_("Обсуждение другой школы"))
    if discussion.closed_on is not None:
        raise DomainError(
            _("Обсуждение завершено %(day)s", day=f"{discussion.closed_on:%d.%m.%Y}"),
            field="text",
        )
    if today < discussion.opens_on:
        raise DomainError(
            _("Обсуждение начнётся %(day)s", day=f"{discussion.opens_on:%d.%m.%Y}"), field="text"
        )
    if today > discussion.closes_on:
        raise DomainError(
            _("Обсуждение закончилось %(day)s", day=f"{discussion.closes_on:%d.%m.%Y}"),
            field="text",
        )
    section = section or ""
    if section and section not in discussion_sections(discussion):
        raise DomainError(_("Такого раздела в акте нет"), field="section")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Напишите замечание или предложение"), field="text")
    if len(text) > MAX_COMMENT:
        raise DomainError(
            _("Замечание длиннее %(limit)d символов", limit=MAX_COMMENT), field="text"
        )
    comment = DiscussionComment(discussion=discussion, section=section, text=text, author=actor)
    db.session.add(comment)
    db.session.flush()
    audit.record_new(
        "discussion.comment",
        "act",
        act.id,
        act.school_id,
        actor,
        section=section or None,
        text=text[:500],
    )
    return comment


def close_discussion(
    discussion: Discussion, actor: Person, *, today: date, expected_version: int | None
) -> None:
    """End the discussion (early, or after its last day); the plan's discussion task follows."""
    act = discussion.act
    check_fresh(act, expected_version)
    if discussion.closed_on is not None:
        raise DomainError(_("Обсуждение уже завершено"))
    if today < discussion.opens_on:
        raise DomainError(_("Обсуждение ещё не началось"))
    discussion.closed_on = min(today, discussion.closes_on)
    flag_modified(act, "remarks")
    db.session.flush()
    audit.record_new(
        "discussion.close",
        "act",
        act.id,
        act.school_id,
        actor,
        closed_on=f"{discussion.closed_on:%d.%m.%Y}",
        comments=len(discussion.comments),
    )
    sync_plan_for(act)


def gather_discussion(act: LocalAct) -> None:
    """The pedagogical council takes the act up: a discussion still running closes on its last
    day (the meeting is not before it: `check_discussion_over`); its comments go with the
    agenda item."""
    discussion = running_discussion(act)
    if discussion is not None:
        discussion.closed_on = discussion.closes_on


def check_discussion_over(act: LocalAct, meeting_day: date) -> None:
    """The council meets on the act not before the last day of the discussion of the edition
    it takes up, whether that discussion runs still or was closed."""
    discussion = db.session.scalar(
        select(Discussion)
        .where(Discussion.act_id == act.id, Discussion.version_number == act.version_number)
        .order_by(Discussion.id.desc())
        .limit(1)
    )
    if discussion is None:
        return
    ends = discussion.closed_on or discussion.closes_on
    if meeting_day < ends:
        raise DomainError(
            _(
                "«%(title)s»: обсуждение идёт до %(day)s, заседание — не раньше этого дня",
                title=act.title[:80],
                day=f"{ends:%d.%m.%Y}",
            ),
            field="held_on",
        )
