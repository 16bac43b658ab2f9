"""The meeting and order forms as secretaries and the director fill them in."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, login, person, post
from tests.plans.test_views import page_text
from tracker.acts.models import ActStatus, LocalAct
from tracker.approvals.models import CollegialBody, Meeting, Order
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
    assert "Протокол № 1 за 2026/2027 учебный год у этого органа уже есть" in page_text(response)


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


def meeting_page(client, meeting_id: int):
    return client.get(f"/meetings/{meeting_id}")


def test_a_secretary_moves_a_planned_meeting_and_then_cancels_it(app, client):
    login(client, "ped_secretary")
    meeting = new_meeting(client, day="20.12.2026", number="2")
    page = page_text(meeting_page(client, meeting.id))
    assert "Повестка и дата" in page and "Перенести заседание" in page
    url = f"/meetings/{meeting.id}"
    taken = post(
        client,
        f"{url}/reschedule",
        {
            "held_on": "22.12.2026",
            "held_time": "14:30",
            "place": "Кабинет 12",
            "protocol_number": "1",
            "lock_version": str(meeting.lock_version),
        },
        page=url,
    )
    assert taken.status_code == 400
    assert "Протокол № 1 за 2026/2027 учебный год у этого органа уже есть" in page_text(taken)
    assert 'value="Кабинет 12"' in taken.get_data(as_text=True)  # what was typed stays
    moved = post(
        client,
        f"{url}/reschedule",
        {
            "held_on": "22.12.2026",
            "held_time": "14:30",
            "place": "Кабинет 12",
            "protocol_number": "2",
            "lock_version": str(meeting.lock_version),
        },
        page=url,
    )
    assert moved.status_code == 302
    page = page_text(meeting_page(client, meeting.id))
    assert "22.12.2026" in page and "Кабинет 12" in page
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    no_reason = post(
        client,
        f"{url}/cancel",
        {"reason": " ", "lock_version": str(meeting.lock_version)},
        page=url,
    )
    assert no_reason.status_code == 400 and "Укажите причину отмены" in page_text(no_reason)
    cancelled = post(
        client,
        f"{url}/cancel",
        {"reason": "Карантин по гриппу", "lock_version": str(meeting.lock_version)},
        page=url,
    )
    assert cancelled.status_code == 302
    body_page = page_text(client.get(cancelled.headers["Location"]))
    assert "Заседание отменено" in body_page and DATA_ACT in body_page
    assert meeting_page(client, meeting.id).status_code == 404


def test_an_act_moves_to_the_next_meeting_and_its_page_names_it(app, client):
    login(client, "ped_secretary")
    first = new_meeting(client, day="20.12.2026", number="2")
    ped = body("ped_council")
    response = post(
        client,
        f"/bodies/{ped.id}/meetings",
        {"held_on": "25.12.2026", "held_time": "15:00", "protocol_number": "3"},
        page=f"/bodies/{ped.id}",
    )
    assert response.status_code == 302
    db.session.expire_all()
    second = db.session.scalars(
        select(Meeting).where(Meeting.body_id == ped.id).order_by(Meeting.id.desc())
    ).first()
    item = db.session.get(Meeting, first.id).items[0]
    page = meeting_page(client, first.id).get_data(as_text=True)
    assert f'<option value="{second.id}">№ 3 от 25.12.2026</option>' in page
    moved = post(
        client,
        f"/meetings/{first.id}/items/{item.id}/move",
        {"target": str(second.id), "lock_version": str(first.lock_version)},
        page=f"/meetings/{first.id}",
    )
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(f"/meetings/{second.id}")
    act = db.session.scalar(select(LocalAct).where(LocalAct.title == DATA_ACT))
    act_page = page_text(client.get(f"/acts/{act.id}"))
    assert "в повестке: заседание 25.12.2026, протокол № 3" in act_page
    db.session.expire_all()
    second = db.session.get(Meeting, second.id)
    removed = post(
        client,
        f"/meetings/{second.id}/items/{second.items[0].id}/remove",
        {"lock_version": str(second.lock_version)},
        page=f"/meetings/{second.id}",
    )
    assert removed.status_code == 302
    page = page_text(meeting_page(client, second.id))
    assert "Ждут решения органа — добавить в повестку" in page and DATA_ACT in page


def test_another_schools_meeting_is_no_target(app, client):
    login(client, "ped_secretary")
    first = new_meeting(client, day="20.12.2026", number="2")
    foreign = db.session.scalars(
        select(Meeting).where(Meeting.body.has(CollegialBody.school.has(slug="school7")))
    ).first()
    target = str(foreign.id) if foreign else "999999"
    item = first.items[0]
    response = post(
        client,
        f"/meetings/{first.id}/items/{item.id}/move",
        {"target": target, "lock_version": str(first.lock_version)},
        page=f"/meetings/{first.id}",
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Meeting, first.id).items[0].id == item.id


def test_the_director_repeals_an_act_by_a_later_order_and_the_site_follows(app, client):
    login(client, "director")
    order = db.session.scalars(
        select(Order).where(Order.school.has(slug="school20")).order_by(Order.id)
    ).first()
    act = order.acts[0]
    assert act.status == ActStatus.IN_FORCE
    assert act.title in page_text(client.get("/public/school20/documents"))
    page = page_text(client.get(f"/orders/{order.id}"))
    assert "Изменить или отменить приказ" in page and act.title in page
    url = f"/orders/{order.id}/later"
    empty = post(
        client,
        url,
        {"kind": "amend", "number": "77", "issued_on": "27.11.2026", "acts": [str(act.id)]},
        page=f"/orders/{order.id}",
    )
    assert empty.status_code == 400 and "Опишите, какие изменения вносятся" in page_text(empty)
    early = post(
        client,
        url,
        {"kind": "repeal", "number": "77", "issued_on": "01.01.2026", "acts": [str(act.id)]},
        page=f"/orders/{order.id}",
    )
    assert early.status_code == 400
    assert f"Приказ № {order.number} от {order.issued_on:%d.%m.%Y}" in page_text(early)
    done = post(
        client,
        url,
        {"kind": "repeal", "number": "77", "issued_on": "27.11.2026", "acts": [str(act.id)]},
        page=f"/orders/{order.id}",
    )
    assert done.status_code == 302
    page = page_text(client.get(done.headers["Location"]))
    assert "акты утратили силу и сняты с сайта" in page and "Утратил силу" in page
    assert "Действующих актов по этому приказу нет" in page  # nothing left to repeal
    assert "№ 77 от 27.11.2026" in page
    assert act.title not in page_text(client.get("/public/school20/documents"))
    act_page = page_text(client.get(f"/acts/{act.id}"))
    assert "Утратил силу с 27.11.2026, приказ № 77 от 27.11.2026" in act_page


def test_a_secretary_records_who_spoke_and_a_bad_line_is_explained(app, client):
    login(client, "ped_secretary")
    meeting = new_meeting(client)
    item = meeting.items[0]
    fields = {
        "present_count": "25",
        "lock_version": str(meeting.lock_version),
        f"item-{item.id}-decision": "adopted",
        f"item-{item.id}-for": "24",
        f"item-{item.id}-against": "0",
        f"item-{item.id}-abstained": "1",
    }
    url = f"/meetings/{meeting.id}"
    bad = post(
        client,
        url,
        {**fields, f"item-{item.id}-speeches": "Петрова А. А. предложила уточнить сроки"},
        page=url,
    )
    assert bad.status_code == 400
    assert "выступление 1: запишите так — «Фамилия И. О., должность: суть выступления»" in (
        page_text(bad)
    )
    assert "Петрова А. А. предложила уточнить сроки" in page_text(bad)  # what was typed stays
    good = post(
        client,
        url,
        {
            **fields,
            f"item-{item.id}-speeches": "Петрова А. А., учитель истории: предложила уточнить сроки",
        },
        page=url,
    )
    assert good.status_code == 302
    page = page_text(client.get(url))
    assert "Выступил(а) Петрова А. А., учитель истории: предложила уточнить сроки" in page


def test_the_next_protocol_number_counts_within_the_school_year(app, client):
    """In February the number goes on from the autumn's meetings; it starts again in August."""
    login(client, "ped_secretary")
    ped = body("ped_council")
    new_meeting(client, day="20.11.2026", number="2")
    app.config["TODAY"] = date(2027, 2, 10)
    page = client.get(f"/bodies/{ped.id}").get_data(as_text=True)
    assert re.search(r'id="protocol_number"[^>]*value="3"', page)
    app.config["TODAY"] = date(2027, 8, 20)
    page = client.get(f"/bodies/{ped.id}").get_data(as_text=True)
    assert re.search(r'id="protocol_number"[^>]*value="1"', page)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("move", {"target": "99999999999999999999"}),
        ("move", {"target": "abc"}),
        ("record", {"present_count": "25", "lock_version": "²"}),
        (
            "record",
            {"present_count": "25", "item-{item}-decision": "adopted", "item-{item}-for": "--5"},
        ),
    ],
)
def test_odd_posts_to_a_meeting_are_refused_not_crashed(app, client, path, fields):
    login(client, "ped_secretary")
    meeting = new_meeting(client)
    item = meeting.items[0]
    data = {key.format(item=item.id): value for key, value in fields.items()}
    url = f"/meetings/{meeting.id}" + (f"/items/{item.id}/move" if path == "move" else "")
    response = post(client, url, data, page=f"/meetings/{meeting.id}")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).items[0].decision is None


def test_the_waiting_list_reads_the_acts_once_however_many_councils_one_records_for(app):
    """The dashboard's «Ждут решения» of the director (every council of the school) reads the
    acts' rounds and the planned meetings once for all the councils, as a secretary's (one
    council) does, not council by council."""
    from tests.ical.test_feeds import queries, summary
    from tracker.approvals.permissions import can_record_for
    from tracker.approvals.queries import awaiting, bodies_of

    director, secretary = person("director"), person("ped_secretary")
    school = director.school
    assert len([b for b in bodies_of(school) if can_record_for(director, b)]) >= 3
    assert len([b for b in bodies_of(school) if can_record_for(secretary, b)]) == 1
    for someone in (director, secretary):
        db.session.expire_all()
        with queries() as statements:
            found = awaiting(someone, TODAY)
        for table in ("meetings", "approval_steps", "agenda_items"):
            reads = [sql for sql in statements if f"FROM {table} " in sql]
            assert len(reads) == 1, summary(statements)
    assert len(found.bodies) == 1 and len(awaiting(director, TODAY).bodies) >= 3
