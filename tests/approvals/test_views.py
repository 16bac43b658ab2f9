"""The meeting and order forms as secretaries and the director fill them in."""

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.plans.test_views import page_text
from tracker.acts.models import ActStatus, LocalAct
from tracker.approvals.models import CollegialBody, Meeting
from tracker.extensions import db

pytestmark = pytest.mark.demo_data
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"


def body(kind: str) -> CollegialBody:
    return db.session.scalar(
        select(CollegialBody).where(
            CollegialBody.kind == kind, CollegialBody.school.has(slug="school20")
        )
    )


def new_meeting(client, day="20.11.2026", number="2") -> Meeting:
    ped = body("ped_council")
    act = db.session.scalar(select(LocalAct).where(LocalAct.title == DATA_ACT))
    response = post(
        client,
        f"/bodies/{ped.id}/meetings",
        {"held_on": day, "held_time": "15:00", "protocol_number": number, "acts": [str(act.id)]},
        page=f"/bodies/{ped.id}",
    )
    assert response.status_code == 302, page_text(response)
    db.session.expire_all()
    return db.session.scalars(
        select(Meeting).where(Meeting.body_id == ped.id).order_by(Meeting.id.desc())
    ).first()


def test_votes_above_attendance_are_explained_and_what_was_typed_stays(app, client):
    login(client, "ped_secretary")
    meeting = new_meeting(client)
    item = meeting.items[0]
    response = post(
        client,
        f"/meetings/{meeting.id}",
        {
            "present_count": "25",
            "lock_version": str(meeting.lock_version),
            f"item-{item.id}-decision": "adopted",
            f"item-{item.id}-for": "30",
            f"item-{item.id}-against": "0",
            f"item-{item.id}-abstained": "0",
            f"item-{item.id}-remarks": "Уточнить сроки",
        },
        page=f"/meetings/{meeting.id}",
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Голосов (30) больше, чем присутствует (25)" in text
    assert 'value="30"' in response.get_data(as_text=True) and "Уточнить сроки" in text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).items[0].decision is None


def test_a_stale_meeting_form_is_refused_with_a_reload_message(app, client):
    login(client, "ped_secretary")
    meeting = new_meeting(client)
    item = meeting.items[0]
    stale = str(meeting.lock_version)
    fields = {
        f"item-{item.id}-decision": "adopted",
        f"item-{item.id}-for": "20",
        f"item-{item.id}-against": "0",
        f"item-{item.id}-abstained": "0",
    }
    first = post(
        client,
        f"/meetings/{meeting.id}",
        {"present_count": "25", "lock_version": stale, **fields},
        page=f"/meetings/{meeting.id}",
    )
    assert first.status_code == 302
    second = post(
        client,
        f"/meetings/{meeting.id}",
        {"present_count": "30", "lock_version": stale, **fields},
        page=f"/meetings/{meeting.id}",
    )
    assert second.status_code == 400
    assert "Запись уже изменил другой пользователь" in page_text(second)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).present_count == 25


def test_a_protocol_number_already_used_is_refused_beside_the_field(app, client):
    login(client, "ped_secretary")
    ped = body("ped_council")
    response = post(
        client,
        f"/bodies/{ped.id}/meetings",
        {"held_on": "20.11.2026", "protocol_number": "1"},
        page=f"/bodies/{ped.id}",
    )
    assert response.status_code == 400
    assert "Протокол № 1 за 2026 год у этого органа уже есть" in page_text(response)


def test_an_order_for_an_act_still_under_review_is_refused(app, client):
    login(client, "director")
    act = db.session.scalar(select(LocalAct).where(LocalAct.title == DATA_ACT))
    response = post(
        client,
        "/orders",
        {
            "number": "60",
            "issued_on": "26.11.2026",
            "title": "Об утверждении",
            "acts": [str(act.id)],
        },
        page="/orders",
    )
    assert response.status_code == 400
    assert "ещё не прошёл советы" in page_text(response)
    db.session.expire_all()
    assert db.session.get(LocalAct, act.id).status == ActStatus.UNDER_REVIEW
