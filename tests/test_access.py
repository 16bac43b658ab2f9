"""Every route of the app × every kind of visitor. A new route fails here until it is listed."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import copy_database, drop_database, login, make_app, post
from tracker.accounts.models import Person, Position, School
from tracker.acts.models import LocalAct
from tracker.approvals.models import CollegialBody, Order
from tracker.controls.models import AcademicYear, Attachment, ControlCheck, PartDone
from tracker.documents.models import DocumentTemplate, GeneratedDocument, PreparedFile
from tracker.extensions import db
from tracker.ical.services import create_token
from tracker.plans import services as plans
from tracker.plans.models import PlanDraft, Task, TaskStatus
from tracker.plans.uploads import Upload, store_upload
from tracker.publication.models import Publication

ROLES = ("guest", "teacher", "secretary", "deputy", "director", "other_director")
LOGINS = {
    "teacher": "teacher",
    "secretary": "ped_secretary",
    "deputy": "deputy_uvr",
    "director": "director",
    "other_director": "director7",
}
# Staff of the school (not its managers) share one column of the matrix.
COLUMN = {"teacher": "staff", "secretary": "staff", "deputy": "staff"}
LOGIN = 302  # a guest is sent to the login page


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: Callable[[dict], str]
    expected: dict  # role -> status code
    data: Callable[[dict], dict] | None = None


def everyone(code: int, guest: int = LOGIN) -> dict:
    return {"guest": guest, "staff": code, "director": code, "other_director": code}


def objects() -> dict:
    """Objects of school № 20: the other school's director must not reach any of them."""
    school = db.session.scalar(select(School).where(School.slug == "school20"))
    plan = plans.school_plan(school)
    tasks = plans.plan_tasks(plan)
    # A task that is not the teacher's: the first one, the director's.
    foreign = next(task for task in tasks if all(p.code == "director" for p in task.positions))
    position = next(p for p in school.positions if p.code == "teacher")
    teacher = position.holders[0].person
    acts = {act.title: act for act in db.session.scalars(select(LocalAct))}
    regulation = acts["Положение об электронном журнале успеваемости"]
    discussed = acts["Регламент выгрузки электронного журнала на бумажный носитель"]
    ped = db.session.scalar(
        select(CollegialBody).where(
            CollegialBody.school_id == school.id, CollegialBody.kind == "ped_council"
        )
    )
    meeting = ped.meetings[0]
    order = db.session.scalars(select(Order).where(Order.school_id == school.id)).first()
    document = db.session.scalars(
        select(GeneratedDocument).where(GeneratedDocument.subject == f"act:{regulation.id}")
    ).first()
    template = DocumentTemplate(
        school_id=school.id, kind="act", filename="бланк.docx", content=b"PK", is_active=True
    )
    db.session.add(template)
    db.session.commit()
    year = db.session.scalars(
        select(AcademicYear)
        .where(AcademicYear.school_id == school.id)
        .order_by(AcademicYear.starts_on)
    ).first()
    check = db.session.scalars(
        select(ControlCheck)
        .where(ControlCheck.school_id == school.id)
        .order_by(ControlCheck.sort_order)
    ).first()
    done = next(o for o in check.occurrences if o.is_done)
    open_one = next(o for o in check.occurrences if not o.is_done)
    part = db.session.scalars(select(PartDone).order_by(PartDone.id)).first()
    if not done.attachments:
        key, name = store_upload(Upload("скан.pdf", b"%PDF-1.4 scan"))
        done.attachments.append(Attachment(file_name=name, file_key=key))
        db.session.commit()
    feed, _raw = create_token(teacher, None, "mine", 1)
    db.session.commit()
    publication = db.session.scalars(
        select(Publication).where(Publication.school_id == school.id)
    ).first()
    class_teacher = db.session.scalar(select(Person).where(Person.username == "class_teacher"))
    prepared = PreparedFile(
        school_id=school.id,
        person_id=class_teacher.id,
        kind="consents",
        state="ready",
        filename="Согласия.docx",
        media_type="application/octet-stream",
        content=b"PK",
        expires_at=datetime.now(UTC) + timedelta(hours=1),
    )
    db.session.add(prepared)
    draft = PlanDraft(
        school_id=school.id,
        person_id=db.session.scalar(select(Person.id).where(Person.username == "director")),
        filename="план.txt",
        content="№\tМероприятие\tСроки\tОтветственный\n1\tДело\tМай 2027\tДиректор\n".encode(),
    )
    db.session.add(draft)
    db.session.commit()
    return {
        "draft": draft,
        "prepared": prepared,
        "publication": publication,
        "feed": feed,
        "check": check,
        "done": done,
        "open": open_one,
        "part": part,
        "year": year,
        "term": year.terms[0],
        "holiday": year.holidays[0],
        "template": template,
        "order": order,
        "document": document,
        "task": foreign,
        "position": position,
        "teacher": teacher,
        "school": school,
        "act": regulation,
        "discussed": discussed,
        "body": ped,
        "meeting": meeting,
        "item": meeting.items[0],
    }


CASES = [
    Case("accounts.password", "GET", lambda o: "/password", everyone(200)),
    # Everyone's own profile; a POST that names neither of its forms is a bad request.
    Case("accounts.profile", "GET", lambda o: "/profile", everyone(200)),
    Case(
        "accounts.profile",
        "POST",
        lambda o: "/profile",
        everyone(400),
        data=lambda o: {"email-email": "not an address", "email-submit": "1"},
    ),
    # Links sent by mail are their own credentials: a link that is not one is «not found» for
    # anybody, logged in or not.
    Case(
        "accounts.confirm_email", "GET", lambda o: "/email/confirm/not-a-token", everyone(404, 404)
    ),
    Case(
        "accounts.confirm_email", "POST", lambda o: "/email/confirm/not-a-token", everyone(404, 404)
    ),
    Case(
        "accounts.unsubscribe", "GET", lambda o: "/mail/unsubscribe/not-a-token", everyone(404, 404)
    ),
    Case(
        "accounts.unsubscribe",
        "POST",
        lambda o: "/mail/unsubscribe/not-a-token",
        everyone(404, 404),
    ),
    Case(
        "accounts.password",
        "POST",
        lambda o: "/password",
        everyone(400),
        data=lambda o: {"current": "not-my-password", "password": "x", "repeat": "x"},
    ),
    Case(
        "accounts.login",
        "GET",
        lambda o: "/login",
        {"guest": 200, "staff": 302, "director": 302, "other_director": 302},
    ),
    Case(
        "accounts.login",
        "POST",
        lambda o: "/login",
        {"guest": 400, "staff": 302, "director": 302, "other_director": 302},
        data=lambda o: {"username": "nobody", "password": "wrong-password"},
    ),
    Case("accounts.logout", "POST", lambda o: "/logout", everyone(302)),
    Case(
        "accounts.language",
        "POST",
        lambda o: "/language",
        everyone(302, guest=302),
        data=lambda o: {"locale": "en"},
    ),
    Case(
        "accounts.people",
        "GET",
        lambda o: "/people",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 200},
    ),
    Case(
        "accounts.create_person",
        "POST",
        lambda o: "/people",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 400},
        data=lambda o: {"username": "", "full_name": ""},
    ),
    Case(
        "accounts.edit_person",
        "GET",
        lambda o: f"/people/{o['teacher'].id}",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 404},
    ),
    Case(
        "accounts.outbox",
        "GET",
        lambda o: "/outbox",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 200},
    ),
    Case("accounts.forgot", "GET", lambda o: "/password/forgot", {**everyone(302), "guest": 200}),
    Case(
        "accounts.reset_by_link",
        "GET",
        lambda o: "/password/reset/not-a-token",
        {"guest": 404, "staff": 404, "director": 404, "other_director": 404},
    ),
    # A guest asking for a link gets the same page whoever is asked for; a logged-in person is
    # sent to the change of password; a link that is not one is «not found» for anybody.
    Case(
        "accounts.forgot",
        "POST",
        lambda o: "/password/forgot",
        {**everyone(302), "guest": 200},
        data=lambda o: {"identifier": "nobody-here"},
    ),
    Case(
        "accounts.reset_by_link",
        "POST",
        lambda o: "/password/reset/not-a-token",
        {"guest": 404, "staff": 404, "director": 404, "other_director": 404},
        data=lambda o: {"password": "x", "repeat": "x"},
    ),
    Case(
        "accounts.reset_password",
        "POST",
        lambda o: f"/people/{o['teacher'].id}/reset-password",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
    ),
    Case(
        "accounts.edit_person",
        "POST",
        lambda o: f"/people/{o['teacher'].id}",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
        data=lambda o: {
            "full_name": "Фёдоров Алексей Михайлович",
            "role": "staff",
            "is_active": "y",
            "positions": str(o["position"].id),
        },
    ),
    Case(
        "accounts.create_position",
        "POST",
        lambda o: "/positions",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 400},
        data=lambda o: {"title": ""},
    ),
    Case(
        "accounts.fill_position",
        "POST",
        lambda o: f"/positions/{o['position'].id}/fill",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
        data=lambda o: {"person": str(o["teacher"].id), "back": "assign"},
    ),
    Case(
        "accounts.vacate_position",
        "POST",
        lambda o: f"/positions/{o['position'].id}/vacate/{o['teacher'].id}",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
    ),
    Case("plans.dashboard", "GET", lambda o: "/", everyone(200)),
    Case("plans.plan", "GET", lambda o: "/plan", everyone(200)),
    Case("plans.timeline_image", "GET", lambda o: "/plan/timeline.svg", everyone(200)),
    Case("plans.progress_image", "GET", lambda o: "/plan/progress.svg", everyone(200)),
    Case("plans.export_xlsx", "GET", lambda o: "/plan/export.xlsx", everyone(200)),
    Case("plans.export_docx", "GET", lambda o: "/plan/export.docx", everyone(200)),
    Case(
        "plans.behind",
        "GET",
        lambda o: "/plan/people",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 200},
    ),
    Case(
        "plans.assign",
        "GET",
        lambda o: "/assign",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 200},
    ),
    Case(
        "plans.assign_bulk",
        "POST",
        lambda o: "/assign",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 400},
        data=lambda o: {"person": "0"},
    ),
    Case(
        "plans.task",
        "GET",
        lambda o: f"/tasks/{o['task'].id}",
        {"guest": LOGIN, "staff": 200, "director": 200, "other_director": 404},
    ),
    Case(
        "plans.change_status",
        "POST",
        lambda o: f"/tasks/{o['task'].id}/status",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
        data=lambda o: {"status": "cancelled", "note": "проверка прав"},
    ),
    Case(
        "plans.comment",
        "POST",
        lambda o: f"/tasks/{o['task'].id}/comments",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
        data=lambda o: {"body": "проверка прав"},
    ),
    Case(
        "plans.edit_task",
        "GET",
        lambda o: f"/tasks/{o['task'].id}/edit",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 404},
    ),
    Case(
        "plans.edit_task",
        "POST",
        lambda o: f"/tasks/{o['task'].id}/edit",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
        data=lambda o: {"title": "Новое название", "due_on": "31.05.2026"},
    ),
    Case(
        "plans.task_file",
        "GET",
        lambda o: f"/tasks/{o['task'].id}/file",
        {"guest": LOGIN, "staff": 200, "director": 200, "other_director": 404},
    ),
]


def staff_but(code: int, **roles: int) -> dict:
    """Staff get `code` except the roles named (e.g. the act's owner, the body's secretary)."""
    return {"guest": LOGIN, "staff": code, **roles}


CASES += [
    Case("acts.index", "GET", lambda o: "/acts", everyone(200)),
    Case(
        "acts.create",
        "POST",
        lambda o: "/acts",
        {**staff_but(403), "director": 400, "other_director": 400},
        data=lambda o: {"title": ""},
    ),
    Case(
        "acts.act",
        "GET",
        lambda o: f"/acts/{o['act'].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
    Case(
        "acts.submit",
        "POST",
        lambda o: f"/acts/{o['act'].id}/submit",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
    ),
    Case(
        "acts.set_route",
        "POST",
        lambda o: f"/acts/{o['act'].id}/route",
        {**staff_but(403), "director": 400, "other_director": 404},
        data=lambda o: {"councils": "parents_council"},
    ),
    Case(
        "acts.new_version",
        "POST",
        lambda o: f"/acts/{o['act'].id}/versions",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
        data=lambda o: {"body_text": "новая редакция"},
    ),
    Case(
        "acts.open_discussion",
        "POST",
        lambda o: f"/acts/{o['act'].id}/discussion",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
        data=lambda o: {"opens_on": "28.11.2026", "closes_on": "10.12.2026"},
    ),
    Case(
        "acts.close_discussion",
        "POST",
        lambda o: f"/acts/{o['discussed'].id}/discussion/close",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
    ),
    Case(
        "acts.comment",
        "POST",
        lambda o: f"/acts/{o['discussed'].id}/discussion/comments",
        {**staff_but(400), "director": 400, "other_director": 404},
        data=lambda o: {"section": "", "text": ""},
    ),
    Case("approvals.bodies", "GET", lambda o: "/bodies", everyone(200)),
    Case(
        "approvals.body",
        "GET",
        lambda o: f"/bodies/{o['body'].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
    Case(
        "approvals.configure_body",
        "POST",
        lambda o: f"/bodies/{o['body'].id}",
        {**staff_but(403), "director": 302, "other_director": 404},
        data=lambda o: {
            "members_count": "32",
            "chair": "0",
            "secretary": "0",
            "quorum_numerator": "2",
            "quorum_denominator": "3",
        },
    ),
    Case(
        "approvals.create_meeting",
        "POST",
        lambda o: f"/bodies/{o['body'].id}/meetings",
        {**staff_but(403, secretary=400), "director": 400, "other_director": 404},
        data=lambda o: {"held_on": "", "protocol_number": "7"},
    ),
    Case(
        "approvals.meeting",
        "GET",
        lambda o: f"/meetings/{o['meeting'].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
    Case(
        "approvals.record_meeting",
        "POST",
        lambda o: f"/meetings/{o['meeting'].id}",
        # The demo's meeting is recorded already: those allowed pass the permission check and
        # are then refused (recorded once; the director corrects).
        {**staff_but(403, secretary=400), "director": 400, "other_director": 404},
        data=lambda o: {"present_count": "28", "lock_version": str(o["meeting"].lock_version)},
    ),
    # Managing a meeting: the demo's meeting is recorded already, so those allowed pass the
    # permission check and are then refused (a recorded meeting is neither moved nor cancelled).
    *(
        Case(
            endpoint,
            "POST",
            url,
            {**staff_but(403, secretary=400), "director": 400, "other_director": 404},
            data=data,
        )
        for endpoint, url, data in [
            (
                "approvals.reschedule_meeting",
                lambda o: f"/meetings/{o['meeting'].id}/reschedule",
                lambda o: {"held_on": "20.12.2026", "held_time": "15:00", "protocol_number": "9"},
            ),
            (
                "approvals.cancel_meeting",
                lambda o: f"/meetings/{o['meeting'].id}/cancel",
                lambda o: {"reason": "Карантин"},
            ),
            (
                "approvals.add_to_agenda",
                lambda o: f"/meetings/{o['meeting'].id}/agenda",
                lambda o: {"acts": [str(o["discussed"].id)]},
            ),
            (
                "approvals.remove_item",
                lambda o: f"/meetings/{o['meeting'].id}/items/{o['item'].id}/remove",
                None,
            ),
            (
                "approvals.move_item",
                lambda o: f"/meetings/{o['meeting'].id}/items/{o['item'].id}/move",
                lambda o: {"target": str(o["meeting"].id)},
            ),
        ]
    ),
    Case(
        "approvals.correct",
        "POST",
        lambda o: f"/meetings/{o['meeting'].id}/items/{o['item'].id}/correct",
        {**staff_but(403), "director": 302, "other_director": 404},
        data=lambda o: {"reason": ""},
    ),
    Case("approvals.orders", "GET", lambda o: "/orders", everyone(200)),
    Case(
        "approvals.order",
        "GET",
        lambda o: f"/orders/{o['order'].id}",
        {**everyone(200), "other_director": 404},
    ),
    Case(
        "approvals.later_order",
        "POST",
        lambda o: f"/orders/{o['order'].id}/later",
        {**staff_but(403), "director": 400, "other_director": 404},
        data=lambda o: {"kind": "repeal", "number": ""},
    ),
    Case(
        "approvals.issue_order",
        "POST",
        lambda o: "/orders",
        {**staff_but(403), "director": 400, "other_director": 400},
        data=lambda o: {"number": ""},
    ),
    Case("approvals.awaiting", "GET", lambda o: "/awaiting", everyone(200)),
]

# The documents: everyone of the school downloads; generating is for those who own the record.
CASES += [
    Case("documents.index", "GET", lambda o: "/documents", everyone(200)),
    Case(
        "documents.download",
        "GET",
        lambda o: f"/documents/{o['document'].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
    Case(
        "documents.transition_order",
        "POST",
        lambda o: "/documents/transition-order",
        {**staff_but(403), "director": 302, "other_director": 302},
        data=lambda o: {"act": "0"},
    ),
    Case(
        "documents.duties_order",
        "POST",
        lambda o: "/documents/duties-order",
        {**staff_but(403), "director": 302, "other_director": 302},
    ),
    Case(
        "documents.plan",
        "POST",
        lambda o: "/documents/plan",
        {**staff_but(403), "director": 302, "other_director": 302},
    ),
    Case(
        "documents.consents",
        "POST",
        lambda o: "/documents/consents",
        everyone(302),
        data=lambda o: {"output": "docx"},
    ),
    # The calendar pasted whole: for those who keep the calendar; empty text is refused.
    Case(
        "calendar_pages.import_calendar",
        "GET",
        lambda o: "/calendar/import",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 200},
    ),
    # A position's names: the school's managers'; another school's position is not found.
    Case(
        "accounts.edit_position",
        "GET",
        lambda o: f"/positions/{o['position'].id}",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 404},
    ),
    Case(
        "accounts.edit_position",
        "POST",
        lambda o: f"/positions/{o['position'].id}",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 404},
        data=lambda o: {"title": ""},
    ),
    # The installation's schools: its operator's (the demo's director), nobody else's.
    Case(
        "schools.schools",
        "GET",
        lambda o: "/admin/schools",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 403},
    ),
    Case(
        "schools.schools",
        "POST",
        lambda o: "/admin/schools",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 403},
        data=lambda o: {"slug": ""},
    ),
    # The next year proposed from a year of school № 20: not found from another school.
    Case(
        "calendar_pages.import_calendar",
        "GET",
        lambda o: f"/calendar/import?from={o['year'].id}",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 404},
    ),
    Case(
        "calendar_pages.import_calendar",
        "POST",
        lambda o: "/calendar/import",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 400},
        data=lambda o: {"text": ""},
    ),
    Case(
        "calendar_pages.save_calendar",
        "POST",
        lambda o: "/calendar/import/save",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 400},
        data=lambda o: {"text": ""},
    ),
    # The plan import: the director's; a draft of school № 20 is not found for anyone else.
    Case(
        "plans.import_plan",
        "GET",
        lambda o: "/plan/import",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 200},
    ),
    Case(
        "plans.import_plan",
        "POST",
        lambda o: "/plan/import",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 400},
        data=lambda o: {"title": ""},
    ),
    Case(
        "plans.import_preview",
        "GET",
        lambda o: f"/plan/import/{o['draft'].id}",
        {"guest": LOGIN, "staff": 403, "director": 200, "other_director": 404},
    ),
    Case(
        "plans.import_columns",
        "POST",
        lambda o: f"/plan/import/{o['draft'].id}/columns",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 404},
        data=lambda o: {"column-0": "number"},
    ),
    Case(
        "plans.import_table",
        "POST",
        lambda o: f"/plan/import/{o['draft'].id}/table",
        {"guest": LOGIN, "staff": 403, "director": 400, "other_director": 404},
        data=lambda o: {"table": "7"},
    ),
    Case(
        "plans.import_confirm",
        "POST",
        lambda o: f"/plan/import/{o['draft'].id}/confirm",
        {"guest": LOGIN, "staff": 403, "director": 302, "other_director": 404},
    ),
    Case(
        "plans.prepare_export",
        "POST",
        lambda o: "/plan/export/xlsx",
        everyone(302),
    ),
    # A file made for one person: nobody else reaches it, whatever its id.
    Case(
        "documents.prepared",
        "GET",
        lambda o: f"/documents/prepared/{o['prepared'].id}",
        {"guest": LOGIN, "staff": 404, "director": 404, "other_director": 404},
    ),
    Case(
        "documents.prepared_file",
        "GET",
        lambda o: f"/documents/prepared/{o['prepared'].id}/file",
        {"guest": LOGIN, "staff": 404, "director": 404, "other_director": 404},
    ),
    Case(
        "documents.act_docx",
        "POST",
        lambda o: f"/acts/{o['act'].id}/docx",
        {**staff_but(403, deputy=302), "director": 302, "other_director": 404},
    ),
    Case(
        "documents.protocol",
        "POST",
        lambda o: f"/meetings/{o['meeting'].id}/protocol",
        {**staff_but(403, secretary=302), "director": 302, "other_director": 404},
    ),
    Case(
        "documents.order_docx",
        "POST",
        lambda o: f"/orders/{o['order'].id}/docx",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
    Case(
        "documents.upload_template",
        "POST",
        lambda o: "/documents/templates",
        {**staff_but(403), "director": 400, "other_director": 400},
        data=lambda o: {"template-kind": "act"},
    ),
    Case(
        "documents.template_off",
        "POST",
        lambda o: f"/documents/templates/{o['template'].id}/off",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
    Case(
        "documents.order_sheet",
        "POST",
        lambda o: f"/orders/{o['order'].id}/sheet",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
]

# The school calendar: everyone of the school reads it; the director (managers) change it.
# The add and move forms carry a prefix (several on one page), so their own CSRF field is
# `<prefix>-csrf_token`: posted here without it, the director's requests come back 400.
CASES += [
    Case("calendar_pages.calendar", "GET", lambda o: "/calendar", everyone(200)),
    Case(
        "calendar_pages.add_year",
        "POST",
        lambda o: "/calendar/years",
        {**staff_but(403), "director": 400, "other_director": 400},
        data=lambda o: {"year-starts_on": "", "year-ends_on": ""},
    ),
    Case(
        "calendar_pages.add_term",
        "POST",
        lambda o: f"/calendar/years/{o['year'].id}/terms",
        {**staff_but(403), "director": 400, "other_director": 404},
        data=lambda o: {f"term-{o['year'].id}-kind": "quarter"},
    ),
    Case(
        "calendar_pages.move_term",
        "POST",
        lambda o: f"/calendar/terms/{o['term'].id}",
        {**staff_but(403), "director": 400, "other_director": 404},
        data=lambda o: {f"move-{o['term'].id}-starts_on": ""},
    ),
    Case(
        "calendar_pages.confirm_delete_term",
        "GET",
        lambda o: f"/calendar/terms/{o['term'].id}/delete",
        {**staff_but(403), "director": 200, "other_director": 404},
    ),
    Case(
        "calendar_pages.delete_term",
        "POST",
        lambda o: f"/calendar/terms/{o['term'].id}/delete",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
    Case(
        "calendar_pages.add_holiday",
        "POST",
        lambda o: f"/calendar/years/{o['year'].id}/holidays",
        {**staff_but(403), "director": 400, "other_director": 404},
        data=lambda o: {f"holiday-{o['year'].id}-title": "Каникулы"},
    ),
    Case(
        "calendar_pages.delete_holiday",
        "POST",
        lambda o: f"/calendar/holidays/{o['holiday'].id}/delete",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
]

PUBLIC_ENDPOINTS = {"static"}

# The control checks: every member of the school reads them; the responsible deputy (the check's
# position) and the director record.
CASES += [
    Case("controls.grid", "GET", lambda o: "/controls", everyone(200)),
    Case(
        "controls.check",
        "GET",
        lambda o: f"/controls/checks/{o['check'].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
    Case(
        "controls.update_rule",
        "POST",
        lambda o: f"/controls/checks/{o['check'].id}",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
        data=lambda o: {"rule": "monthly"},
    ),
    Case(
        "controls.occurrence",
        "GET",
        lambda o: f"/controls/occurrences/{o['open'].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
    Case(
        "controls.record",
        "POST",
        lambda o: f"/controls/occurrences/{o['open'].id}",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
        data=lambda o: {"checked_on": "28.11.2026"},
    ),
    Case(
        "controls.correct",
        "POST",
        lambda o: f"/controls/occurrences/{o['done'].id}/correct",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
        data=lambda o: {"checked_on": "28.11.2026"},
    ),
    # Marking one's own part: whoever owes none is told so beside the form.
    Case(
        "controls.mark_part",
        "POST",
        lambda o: f"/controls/occurrences/{o['open'].id}/parts",
        {**staff_but(400), "director": 400, "other_director": 404},
    ),
    # A class teacher's part: she, the checker (the deputy) and the director may take it back.
    Case(
        "controls.undo_part",
        "POST",
        lambda o: f"/controls/occurrences/{o['part'].occurrence_id}/parts/{o['part'].id}/undo",
        {**staff_but(403, deputy=400), "director": 400, "other_director": 404},
    ),
    Case(
        "controls.report",
        "POST",
        lambda o: f"/controls/occurrences/{o['done'].id}/report",
        {**staff_but(403, deputy=302), "director": 302, "other_director": 404},
    ),
    Case(
        "controls.attachment",
        "GET",
        lambda o: f"/controls/occurrences/{o['done'].id}/files/{o['done'].attachments[0].id}",
        {**staff_but(200), "director": 200, "other_director": 404},
    ),
]

# Calendar subscriptions: each person manages only their own; the feed itself needs no login
# (its token is the key) and is tested in tests/ical.
CASES += [
    Case("ical.feeds", "GET", lambda o: "/feeds", everyone(200)),
    Case(
        "ical.create",
        "POST",
        lambda o: "/feeds",
        everyone(200),
        data=lambda o: {"scope": "mine", "alarm_days": "1"},
    ),
    Case(
        "ical.revoke",
        "POST",
        lambda o: f"/feeds/{o['feed'].id}/revoke",
        {**staff_but(404, teacher=302), "director": 404, "other_director": 404},
    ),
    Case(
        "ical.regenerate",
        "POST",
        lambda o: f"/feeds/{o['feed'].id}/regenerate",
        {**staff_but(404, teacher=200), "director": 404, "other_director": 404},
    ),
    Case(
        "ical.feed",
        "GET",
        lambda o: "/ical/not-a-token.ics",
        {"guest": 404, "staff": 404, "director": 404, "other_director": 404},
    ),
]

# Publication: the director publishes from the act's page; the public pages need no login and
# show the same to everyone, another school's director included.
PUBLIC = {"guest": 200, "staff": 200, "director": 200, "other_director": 200}
CASES += [
    Case(
        "publication.publish",
        "POST",
        lambda o: f"/acts/{o['act'].id}/publish",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
    Case(
        "publication.withdraw",
        "POST",
        lambda o: f"/publications/{o['publication'].id}/withdraw",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
    Case(
        "publication.retry_pdf",
        "POST",
        lambda o: f"/publications/{o['publication'].id}/pdf",
        {**staff_but(403), "director": 302, "other_director": 404},
    ),
    Case(
        "publication.sign",
        "GET",
        lambda o: f"/publications/{o['publication'].id}/sign",
        {**staff_but(403), "director": 200, "other_director": 404},
    ),
    Case(
        "publication.sign",
        "POST",
        lambda o: f"/publications/{o['publication'].id}/sign",
        {**staff_but(403), "director": 400, "other_director": 404},
        data=lambda o: {"password": "not-the-password"},
    ),
    Case("publication.verify", "GET", lambda o: "/public/school20/verify", PUBLIC),
    Case(
        "publication.verify",
        "POST",
        lambda o: "/public/school20/verify",
        {"guest": 400, "staff": 400, "director": 400, "other_director": 400},
        data=lambda o: {"key": ""},
    ),
    Case("publication.documents", "GET", lambda o: "/public/school20/documents", PUBLIC),
    Case("publication.embed", "GET", lambda o: "/public/school20/documents/embed", PUBLIC),
    Case("publication.documents_json", "GET", lambda o: "/public/school20/documents.json", PUBLIC),
    Case("publication.documents_atom", "GET", lambda o: "/public/school20/documents.atom", PUBLIC),
    Case(
        "publication.public_file",
        "GET",
        lambda o: f"/public/school20/files/{o['publication'].id}.docx",
        PUBLIC,
    ),
    # The load balancer's health check: open to all, naming nothing private.
    Case("health.healthz", "GET", lambda o: "/healthz", PUBLIC),
]


def test_every_route_is_in_the_matrix(app):
    listed = {(case.endpoint, case.method) for case in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in listed:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from the access matrix: " + ", ".join(missing)


def snapshot(task: Task) -> tuple:
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    return (task.title, task.status, task.due_on, len(task.comments))


def expected_code(case: Case, role: str) -> int:
    return case.expected.get(role, case.expected.get(COLUMN.get(role, role)))


def changes_state(case: Case, role: str) -> bool:
    """Whether the request may change the database or the session: a POST let through (a
    logged-in person's 200 or 302) and the guest's choice of language (kept in the session).
    A GET, a refusal (400, 403, 404) and a guest's POST sent to the login page change nothing
    but the logs (refused access, a failed login, a calendar link's miss)."""
    if case.method == "GET":
        return False
    if role == "guest":
        return case.endpoint == "accounts.language"
    return expected_code(case, role) not in (400, 403, 404)


def prepare(app) -> dict:
    """The objects, and a file on the director's task (for its download)."""
    found = objects()
    plans.change_status(
        found["task"],
        found["teacher"],
        TaskStatus(found["task"].status),
        note="файл для проверки",
        upload=Upload("akt.pdf", b"%PDF-1.4 test"),
    )
    db.session.commit()
    return found


@pytest.fixture(scope="session")
def shared_demo(tmp_path_factory, demo_database):
    """Per role, one copy of the demo for all the requests that change nothing (see
    `changes_state`): its app, the objects prepared once, and the session cookie of the role's
    login. Made when a worker first needs it, dropped when its session ends."""
    made = {}

    def get(role: str):
        if role not in made:
            folder = tmp_path_factory.mktemp(f"access-{role}")
            database = copy_database(demo_database, folder, "tracker_access")
            app = make_app(folder, database)
            with app.app_context():
                found = prepare(app)
                ids = {name: (type(obj), obj.id) for name, obj in found.items()}
                cookie = None
                if role != "guest":
                    client = app.test_client()
                    login(client, LOGINS[role])
                    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
                db.session.remove()
            made[role] = app, database, ids, cookie
        return made[role]

    yield get
    for app, database, _, _ in made.values():
        with app.app_context():
            db.engine.dispose()
        drop_database(database)


@pytest.fixture
def visit(request, case, role, shared_demo):
    """A client of `role` (logged in, unless a guest) and the objects. A request that may change
    something gets its own copy of the demo (the `app` fixture) and its own login; the others
    share the role's copy and start from its login's session cookie, in a new client each."""
    if changes_state(case, role):
        app = request.getfixturevalue("app")
        client = app.test_client()
        found = prepare(app)
        if role != "guest":
            login(client, LOGINS[role])
        yield client, found
        return
    app, _, ids, cookie = shared_demo(role)
    with app.app_context():
        client = app.test_client()
        if cookie is not None:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        yield client, {name: db.session.get(model, key) for name, (model, key) in ids.items()}
        db.session.remove()


@pytest.mark.demo_data
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method} {case.endpoint}")
def test_access(visit, case, role):
    client, found = visit
    before = snapshot(found["task"])
    url = case.url(found)
    if case.method == "GET":
        response = client.get(url)
    else:
        data = case.data(found) if case.data else {}
        response = post(client, url, data)
    expected = expected_code(case, role)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if response.status_code in (403, 404) or role in ("guest", "other_director"):
        assert snapshot(found["task"]) == before, "a refused request changed the task"
    if response.status_code == LOGIN and role == "guest" and case.endpoint != "accounts.language":
        assert "/login" in response.headers["Location"]


@pytest.mark.demo_data
def test_id_beyond_64_bits_is_not_found(app, client):
    login(client, "director")
    for url in (f"/tasks/{2**70}", f"/tasks/{2**70}/edit", f"/people/{2**64}"):
        assert client.get(url).status_code == 404


@pytest.mark.demo_data
def test_post_without_csrf_token_is_refused(app, client):
    login(client, "director")
    task = objects()["task"]
    before = snapshot(task)
    response = client.post(f"/tasks/{task.id}/status", data={"status": "cancelled"})
    assert response.status_code == 400
    assert snapshot(task) == before


def test_position_query_helper_is_scoped(app):
    # Positions belong to exactly one school: the same code may exist in two schools.
    assert Position.__table__.c.school_id.nullable is False
