"""The public discussion of an act before the pedagogical council: staff comment by section,
the comments reach the council's agenda item, and the plan's discussion item follows."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.approvals.conftest import at
from tests.approvals.test_services import ADOPT, record
from tests.conftest import login, person, post
from tests.plans.test_views import page_text
from tracker.acts.models import ActStatus, LocalAct, PlanRole
from tracker.acts.services import act_sections, link_task
from tracker.approvals import discussion as discussion_service
from tracker.approvals.discussion import add_discussion_comment, close_discussion, open_discussion
from tracker.approvals.meetings import create_meeting
from tracker.approvals.models import BodyKind, Discussion, DiscussionComment, Meeting
from tracker.approvals.queries import body_of_kind, by_section, discussions_of, gathered_comments
from tracker.approvals.route import new_version, submit_for_review
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import Task, TaskStatus

pytestmark = pytest.mark.demo_data
TEXT = (
    "1. Общие положения\n1.1. Положение определяет порядок ведения ЭЖ.\n"
    "2. Правила ведения\n2.1. Отметки вносятся в день урока.\n"
    "3. Контроль\n3.1. Заместитель директора проверяет ЭЖ ежемесячно."
)
OPENS, CLOSES = date(2026, 11, 28), date(2026, 12, 10)


def state() -> tuple:
    db.session.rollback()
    db.session.expire_all()
    return (
        tuple(db.session.execute(select(Discussion.id, Discussion.closed_on)).all()),
        tuple(db.session.execute(select(DiscussionComment.id, DiscussionComment.text)).all()),
        db.session.scalar(select(func.count()).select_from(Meeting)),
        tuple(db.session.execute(select(LocalAct.id, LocalAct.lock_version)).all()),
    )


def refused(action, message: str):
    before = state()
    with pytest.raises(DomainError, match=message):
        action()
    assert state() == before


@pytest.fixture
def act(setup):
    act = setup["act"]
    new_version(act, setup["director"], TEXT, None)
    db.session.commit()
    return act


def opened(setup, act, opens=OPENS, closes=CLOSES):
    discussion = open_discussion(
        act,
        setup["director"],
        opens_on=opens,
        closes_on=closes,
        today=setup["today"],
        expected_version=None,
    )
    db.session.commit()
    return discussion


def comment(discussion, who, section, text, day=OPENS):
    result = add_discussion_comment(discussion, who, section=section, text=text, today=day)
    db.session.commit()
    return result


def test_sections_are_the_numbered_headings_of_the_text():
    assert act_sections(TEXT) == [
        "1. Общие положения",
        "2. Правила ведения",
        "3. Контроль",
    ]
    assert act_sections("") == []
    assert act_sections("Текст без разделов\n1.1. Пункт") == []


def test_comments_by_section_reach_the_council_and_the_plan_item_completes(setup, act):
    school, director = setup["school"], setup["director"]
    task = db.session.scalar(
        select(Task).where(
            Task.title.startswith("Организация и проведение общественного обсуждения"),
            Task.plan.has(school_id=school.id),
        )
    )
    link_task(task, act, PlanRole.DISCUSSION, director)
    discussion = opened(setup, act)
    assert discussion.version_number == 2 and discussion.is_open(OPENS)
    sec = person("sec7")
    comment(discussion, sec, "2. Правила ведения", "Дать учителю три дня на проверку работ")
    comment(discussion, person("dep7"), "", "Приложить памятку для родителей", OPENS + timedelta(3))
    assert task.status == TaskStatus.PLANNED
    submit_for_review(act, director, None)
    db.session.commit()
    # The council meets on the discussion's last day: the discussion ends then, and its
    # comments stand beside the agenda item.
    body = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = create_meeting(
        body, body.secretary, held_at=at("10.12.2026"), place="", protocol_number=3, acts=[act]
    )
    db.session.commit()
    assert discussion.closed_on == CLOSES
    gathered = gathered_comments(meeting.items[0])
    assert [(c.section, c.author.username) for c in gathered] == [
        ("2. Правила ведения", "sec7"),
        ("", "dep7"),
    ]
    assert task.status == TaskStatus.DONE and task.done_on == CLOSES
    assert meeting.items[0].act is act


def test_a_council_meeting_before_the_discussion_ends_is_refused(setup, act):
    opened(setup, act)
    submit_for_review(act, setup["director"], None)
    db.session.commit()
    body = setup["bodies"][BodyKind.PED_COUNCIL]
    refused(
        lambda: create_meeting(
            body, body.secretary, held_at=at("09.12.2026"), place="", protocol_number=3, acts=[act]
        ),
        "обсуждение идёт до 10.12.2026, заседание — не раньше этого дня",
    )


def test_bad_periods_are_refused(setup, act):
    def try_open(opens, closes, version=None):
        return lambda: open_discussion(
            act,
            setup["director"],
            opens_on=opens,
            closes_on=closes,
            today=setup["today"],
            expected_version=version,
        )

    refused(try_open(OPENS, OPENS - timedelta(1)), "не может закончиться раньше, чем начнётся")
    refused(try_open(OPENS - timedelta(1), CLOSES), "не может начаться в прошлом")
    refused(try_open(OPENS, OPENS + timedelta(91)), "не больше 90 дней")
    refused(try_open(OPENS, CLOSES, version=act.lock_version - 1), "Обновите страницу")
    opened(setup, act)
    refused(try_open(OPENS, CLOSES), "Обсуждение этого акта уже идёт")


def test_no_discussion_once_the_council_has_taken_the_act_up(setup, act):
    submit_for_review(act, setup["director"], None)
    record(setup, _meeting(setup, act), 26, ADOPT)
    assert act.status == ActStatus.UNDER_REVIEW
    refused(
        lambda: open_discussion(
            act,
            setup["director"],
            opens_on=OPENS,
            closes_on=CLOSES,
            today=setup["today"],
            expected_version=None,
        ),
        "до того, как акт рассмотрит педагогический совет",
    )


def _meeting(setup, act):
    body = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = create_meeting(
        body, body.secretary, held_at=at("20.11.2026"), place="", protocol_number=5, acts=[act]
    )
    db.session.commit()
    return meeting


def test_bad_comments_are_refused_and_nothing_is_kept(setup, act):
    discussion = opened(setup, act)
    sec = person("sec7")

    def say(section, text, day=OPENS, who=sec):
        return lambda: add_discussion_comment(
            discussion, who, section=section, text=text, today=day
        )

    refused(say("", "   "), "Напишите замечание или предложение")
    refused(say("", "я" * 5001), "длиннее 5000 символов")
    refused(say("9. Раздел, которого нет", "Текст"), "Такого раздела в акте нет")
    refused(say("", "Рано", OPENS - timedelta(1)), "Обсуждение начнётся 28.11.2026")
    refused(say("", "Поздно", CLOSES + timedelta(1)), "Обсуждение закончилось 10.12.2026")
    refused(say("", "Чужой", who=person("director")), "Обсуждение другой школы")
    comment(discussion, sec, "1. Общие положения", "Последний день", CLOSES)
    close_discussion(
        discussion, setup["director"], today=OPENS + timedelta(2), expected_version=None
    )
    db.session.commit()
    assert discussion.closed_on == OPENS + timedelta(2)
    refused(say("", "После закрытия", OPENS + timedelta(3)), "Обсуждение завершено 30.11.2026")
    refused(
        lambda: close_discussion(
            discussion, setup["director"], today=CLOSES, expected_version=None
        ),
        "Обсуждение уже завершено",
    )


def test_a_discussion_not_started_cannot_be_closed(setup, act):
    discussion = opened(setup, act, OPENS + timedelta(5), CLOSES)
    refused(
        lambda: close_discussion(discussion, setup["director"], today=OPENS, expected_version=None),
        "Обсуждение ещё не началось",
    )


def test_the_database_keeps_one_running_discussion_per_act(setup, act):
    opened(setup, act)
    db.session.add(
        Discussion(act=act, version_number=2, opens_on=OPENS, closes_on=CLOSES, opened_by=None)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert len(discussions_of(act)) == 1


# --- the forms, as the staff of the demo school fill them in ---

EXPORT_ACT = "Регламент выгрузки электронного журнала на бумажный носитель"
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"


def demo_act(title: str) -> LocalAct:
    return db.session.scalar(select(LocalAct).where(LocalAct.title == title))


def test_a_teacher_comments_on_a_section_and_sees_it_on_the_act(app, client):
    act = demo_act(EXPORT_ACT)
    login(client, "class_teacher")
    page = f"/acts/{act.id}"
    assert "Идёт обсуждение редакции 1" in page_text(client.get(page))
    response = post(
        client,
        f"{page}/discussion/comments",
        {"section": "3. Хранение", "text": "Уточнить срок хранения распечаток"},
        page=page,
    )
    assert response.status_code == 302
    text = page_text(client.get(page))
    assert "3. Хранение Уточнить срок хранения распечаток" in text
    assert person("class_teacher").short_name in text


def test_a_bad_comment_is_explained_beside_the_field(app, client):
    act = demo_act(EXPORT_ACT)
    login(client, "teacher")
    page = f"/acts/{act.id}"
    before = db.session.scalar(select(func.count()).select_from(DiscussionComment))
    for data, message in [
        ({"section": "", "text": ""}, "Напишите замечание или предложение"),
        ({"section": "7. Выдуманный раздел", "text": "Текст"}, "Такого раздела в акте нет"),
    ]:
        response = post(client, f"{page}/discussion/comments", data, page=page)
        assert response.status_code == 400
        assert message in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(DiscussionComment)) == before


def test_two_people_opening_a_discussion_at_once_one_is_told_to_reload(app, client, monkeypatch):
    act = demo_act(DATA_ACT)
    # The data act's discussion is over; both the owner and the director open a new one.
    login(client, "deputy_uvr")
    page = f"/acts/{act.id}"
    # The director's discussion lands between the deputy's check and write.
    director = person("director")
    open_discussion(
        act,
        director,
        opens_on=date(2026, 11, 28),
        closes_on=date(2026, 12, 5),
        today=date(2026, 11, 28),
        expected_version=None,
    )
    db.session.commit()
    monkeypatch.setattr(discussion_service, "running_discussion", lambda act: None)
    response = post(
        client,
        f"{page}/discussion",
        {
            "opens_on": "28.11.2026",
            "closes_on": "12.12.2026",
            "lock_version": str(act.lock_version),
        },
        page=page,
    )
    assert response.status_code == 400
    assert "Обновите страницу" in page_text(response)
    db.session.expire_all()
    running = db.session.scalars(
        select(Discussion).where(Discussion.act_id == act.id, Discussion.closed_on.is_(None))
    ).all()
    assert [d.closes_on for d in running] == [date(2026, 12, 5)]


def test_the_owner_closes_a_discussion_and_the_council_sees_its_comments(app, client):
    act = demo_act(EXPORT_ACT)
    login(client, "deputy_uvr")
    page = f"/acts/{act.id}"
    html = client.get(page).get_data(as_text=True)
    version = html.split('name="lock_version" type="hidden" value="')[1].split('"')[0]
    response = post(client, f"{page}/discussion/close", {"lock_version": version}, page=page)
    assert response.status_code == 302
    text = page_text(client.get(page))
    assert "завершено 28.11.2026" in text and "Открыть обсуждение" in text
    post(client, "/logout", page="/")
    # The data act went to the council with its discussion's comment on the agenda item.
    data_act = demo_act(DATA_ACT)
    login(client, "ped_secretary")
    ped = body_of_kind(data_act.school, "ped_council")
    response = post(
        client,
        f"/bodies/{ped.id}/meetings",
        {"held_on": "20.11.2026", "protocol_number": "2", "acts": [str(data_act.id)]},
        page=f"/bodies/{ped.id}",
    )
    assert response.status_code == 302
    text = page_text(client.get(response.headers["Location"]))
    assert "Замечания из обсуждения: 1" in text
    assert "1. Общие положения Перечислить, какие данные учеников видят" in text


def test_comments_are_grouped_in_the_acts_order_of_sections():
    comments = [
        DiscussionComment(section=section, text=str(i))
        for i, section in enumerate(["10. Хранение", "2. Правила", "", "2. Правила", "1. Общие"])
    ]
    grouped = [(s, [c.text for c in group]) for s, group in by_section(comments)]
    assert grouped == [
        ("", ["2"]),
        ("1. Общие", ["4"]),
        ("2. Правила", ["1", "3"]),
        ("10. Хранение", ["0"]),
    ]


def test_only_comments_on_the_edition_on_the_agenda_reach_the_council(setup, act):
    director = setup["director"]
    first = opened(setup, act)
    comment(first, person("sec7"), "", "Замечание ко второй редакции")
    close_discussion(first, director, today=OPENS + timedelta(1), expected_version=None)
    new_version(act, director, TEXT + "\n4. Заключительные положения", None)
    db.session.commit()
    second = opened(setup, act, OPENS + timedelta(2), OPENS + timedelta(5))
    comment(second, person("dep7"), "", "Замечание к третьей редакции", OPENS + timedelta(3))
    submit_for_review(act, director, None)
    db.session.commit()
    body = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = create_meeting(
        body, body.secretary, held_at=at("10.12.2026"), place="", protocol_number=3, acts=[act]
    )
    db.session.commit()
    assert [c.text for c in gathered_comments(meeting.items[0])] == ["Замечание к третьей редакции"]
