"""The director's order (приказ) approving acts that are through their councils: the last step
of their route, which puts them into force."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from tracker.accounts.models import Person, School
from tracker.acts.models import ActStatus, LocalAct
from tracker.acts.services import sync_plan_for
from tracker.approvals.models import (
    Order,
    OrderKind,
    StepKind,
    StepStatus,
)
from tracker.approvals.queries import (
    check_after_decisions,
    current_step,
    enacting_order,
)
from tracker.audit import services as audit
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.services import clean_title


def issue_order(
    school: School,
    actor: Person,
    *,
    number: str,
    issued_on: date,
    title: str,
    acts: list[LocalAct],
    in_force_on: date | None,
    today: date,
) -> Order:
    """The director's order approving acts that are through their councils: the last step."""
    number = _check_number(school, number, issued_on, today)
    in_force_on = in_force_on or issued_on
    if in_force_on < issued_on:
        raise DomainError(
            _("Акт не может вступить в силу раньше даты приказа"), field="in_force_on"
        )
    title = clean_title(title)
    if not acts:
        raise DomainError(_("Отметьте акты, которые утверждает приказ"), field="acts")
    steps = []
    for act in acts:
        step = current_step(act)
        if (
            act.school_id != school.id
            or act.status != ActStatus.APPROVED
            or step is None
            or (step.kind != StepKind.ENACT)
        ):
            raise DomainError(
                _(
                    "«%(title)s» ещё не прошёл советы: приказ издаётся после них",
                    title=act.title[:80],
                ),
                field="acts",
            )
        check_after_decisions(
            act,
            issued_on,
            _("приказ не может быть раньше решения, на которое опирается"),
            "issued_on",
        )
        steps.append(step)
    order = Order(
        school=school,
        number=number,
        year=issued_on.year,
        issued_on=issued_on,
        title=title,
        in_force_on=in_force_on,
        signed_by=actor,
        steps=steps,
    )
    db.session.add(order)
    for step, act in zip(steps, acts, strict=True):
        step.status = StepStatus.DONE
        step.done_on = issued_on
        act.status = ActStatus.IN_FORCE
    db.session.flush()
    audit.record_new(
        "order.issue",
        "order",
        order.id,
        school.id,
        actor,
        order=f"№ {number} от {issued_on:%d.%m.%Y}",
        acts=[act.title for act in acts],
    )
    for act in acts:
        sync_plan_for(act)
    return order


def _check_number(school: School, number: str, issued_on: date, today: date) -> str:
    """An order's number is given and unique within the school's calendar year; its date is
    not ahead of today. Returns the number as it is kept."""
    number = (number or "").strip()
    if not number or len(number) > 32:
        raise DomainError(_("Укажите номер приказа (до 32 знаков)"), field="number")
    if issued_on > today:
        raise DomainError(_("Дата приказа не может быть позже сегодняшней"), field="issued_on")
    taken = db.session.scalar(
        select(Order.id).where(
            Order.school_id == school.id, Order.year == issued_on.year, Order.number == number
        )
    )
    if taken:
        raise DomainError(
            _("Приказ № %(number)s за %(year)d год уже есть", number=number, year=issued_on.year),
            field="number",
        )
    return number


def _order_name(order: Order) -> str:
    return f"№ {order.number} от {order.issued_on:%d.%m.%Y}"


def _check_changeable(order: Order, acts: list[LocalAct]) -> None:
    """A later order changes what an approving order still governs: acts it approved that
    are in force by it today."""
    if order.kind != OrderKind.APPROVE:
        raise DomainError(
            _("Изменить или признать утратившим силу можно приказ об утверждении актов"),
            field="amends",
        )
    if not acts:
        raise DomainError(_("Отметьте акты, которых касается приказ"), field="acts")
    approved = {step.act_id for step in order.steps}
    for act in acts:
        if act.id not in approved:
            raise DomainError(
                _(
                    "«%(title)s» не утверждался приказом %(order)s",
                    title=act.title[:80],
                    order=_order_name(order),
                ),
                field="acts",
            )
        if act.status != ActStatus.IN_FORCE:
            raise DomainError(
                _(
                    "«%(title)s» не действует (%(status)s): изменения и отмена касаются только "
                    "действующего акта",
                    title=act.title[:80],
                    status=act.status_label.lower(),
                ),
                field="acts",
            )
        if enacting_order(act) is not order:
            raise DomainError(
                _(
                    "«%(title)s» действует в редакции, утверждённой другим приказом",
                    title=act.title[:80],
                ),
                field="acts",
            )


def default_title(kind: OrderKind, order: Order, acts: list[LocalAct]) -> str:
    """The usual heading of a later order, when the director leaves it empty."""
    named = f"приказ от {order.issued_on:%d.%m.%Y} № {order.number}"
    if kind == OrderKind.AMEND:
        return f"О внесении изменений в {named}"
    if len(acts) == 1:
        return f"О признании утратившим силу акта «{acts[0].title}»"
    return f"О признании утратившими силу локальных актов, утверждённых приказом от {named[7:]}"


def change_order(
    order: Order,
    actor: Person,
    *,
    kind: OrderKind,
    number: str,
    issued_on: date,
    title: str,
    acts: list[LocalAct],
    changes: str = "",
    in_force_on: date | None = None,
    today: date,
) -> Order:
    """A later order about an approving one, as schools do it: «о внесении изменений» (what
    changes, and perhaps a new date of entry into force) or «о признании утратившим силу» (its
    acts lose force on the date given, the order's own by default, and leave the site)."""
    if kind not in (OrderKind.AMEND, OrderKind.REPEAL):
        raise DomainError(_("Выберите вид приказа"), field="kind")
    school = order.school
    number = _check_number(school, number, issued_on, today)
    if issued_on < order.issued_on:
        raise DomainError(
            _(
                "Приказ не может быть раньше приказа, который он меняет, — Приказ %(order)s",
                order=_order_name(order),
            ),
            field="issued_on",
        )
    _check_changeable(order, acts)
    changes = (changes or "").strip()
    if kind == OrderKind.AMEND:
        if not changes:
            raise DomainError(_("Опишите, какие изменения вносятся"), field="changes")
        if in_force_on is not None and in_force_on < order.issued_on:
            raise DomainError(
                _("Акт не может вступить в силу раньше приказа, который его утвердил"),
                field="in_force_on",
            )
        effective = in_force_on or order.in_force_on
    else:
        effective = in_force_on or issued_on
        if effective < issued_on:
            raise DomainError(
                _("Акт не может утратить силу раньше даты приказа"), field="in_force_on"
            )
        if effective > today:
            raise DomainError(
                _(
                    "Дату утраты силы впереди записать нельзя: издайте приказ в этот день или "
                    "укажите дату не позже сегодняшней"
                ),
                field="in_force_on",
            )
    later = Order(
        school=school,
        number=number,
        year=issued_on.year,
        issued_on=issued_on,
        title=clean_title(title.strip() or default_title(kind, order, acts)),
        in_force_on=effective,
        kind=kind,
        amends=order,
        changes=changes[:5000],
        signed_by=actor,
        concerns=list(acts),
    )
    db.session.add(later)
    if kind == OrderKind.REPEAL:
        for act in acts:
            act.status = ActStatus.REPEALED
    db.session.flush()
    audit.record_new(
        f"order.{kind}",
        "order",
        later.id,
        school.id,
        actor,
        order=_order_name(later),
        changes_order=_order_name(order),
        acts=[act.title for act in acts],
        in_force_on=f"{effective:%d.%m.%Y}",
    )
    return later
