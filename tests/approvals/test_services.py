"""Every rule of the approval route, each refusal checked to have changed nothing."""

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.approvals.conftest import at
from tracker.acts.models import ActStatus, LocalAct, PlanRole
from tracker.acts.services import create_act, link_task
from tracker.approvals.discussion import close_discussion, open_discussion
from tracker.approvals.meetings import (
    ItemDecision,
    add_to_agenda,
    cancel_meeting,
    correct_decision,
    create_meeting,
    move_item,
    record_meeting,
    reschedule_meeting,
    take_off_agenda,
)
from tracker.approvals.models import (
    AgendaItem,
    ApprovalStep,
    BodyKind,
    Correction,
    Decision,
    Meeting,
    MeetingState,
    Order,
    OrderKind,
    StepStatus,
)
from tracker.approvals.orders import change_order, issue_order
from tracker.approvals.queries import (
    acts_awaiting,
    current_round,
    current_step,
    in_force_on,
    repealing_order,
    requisites,
    route_steps,
)
from tracker.approvals.route import new_version, set_route, submit_for_review
from tracker.audit.models import AuditEntry
from tracker.documents.builders import build_order, stamp_lines
from tracker.documents.data import act_stamps, order_doc, school_info
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.plans.models import Task, TaskStatus
from tracker.publication.services import current_publication, listing, public_file, publish

pytestmark = pytest.mark.demo_data
ADOPT = ItemDecision(Decision.ADOPTED, 25, 0, 1)
OPINION = ItemDecision(Decision.OPINION_FOR, 10, 0, 0)


def state() -> tuple:
    """Everything a refused action must leave as it was."""
    db.session.rollback()
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Meeting)),
        db.session.scalar(select(func.count()).select_from(Order)),
        tuple(db.session.execute(select(ApprovalStep.id, ApprovalStep.status)).all()),
        tuple(
            db.session.execute(
                select(AgendaItem.id, AgendaItem.decision, AgendaItem.votes_for)
            ).all()
        ),
        tuple(db.session.execute(select(Meeting.id, Meeting.present_count, Meeting.state)).all()),
        tuple(db.session.execute(select(LocalAct.id, LocalAct.status, LocalAct.remarks)).all()),
    )


def refused(action, message: str):
    before = state()
    with pytest.raises(DomainError, match=message):
        action()
    assert state() == before


def meeting_for(setup, kind, day="30.08.2026", number=1, acts=None):
    body = setup["bodies"][kind]
    meeting = create_meeting(
        body,
        body.secretary,
        held_at=at(day),
        place="Актовый зал",
        protocol_number=number,
        acts=acts if acts is not None else [setup["act"]],
    )
    db.session.commit()
    return meeting


def record(setup, meeting, present, decision, version=None):
    record_meeting(
        meeting,
        meeting.body.secretary,
        present_count=present,
        decisions={meeting.items[0].id: decision},
        today=setup["today"],
        expected_version=version,
    )
    db.session.commit()


def through_councils(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    record(setup, meeting_for(setup, BodyKind.PED_COUNCIL), 26, ADOPT)
    record(setup, meeting_for(setup, BodyKind.PARENTS_COUNCIL, "05.09.2026"), 10, OPINION)
    return act


def test_the_whole_route_puts_the_act_in_force_with_three_requisites(setup):
    act = through_councils(setup)
    assert act.status == ActStatus.APPROVED
    order = issue_order(
        setup["school"],
        setup["director"],
        number="123",
        issued_on=date(2026, 9, 10),
        title="Об утверждении Положения об электронном журнале",
        acts=[act],
        in_force_on=date(2026, 9, 10),
        today=setup["today"],
    )
    db.session.commit()
    assert act.status == ActStatus.IN_FORCE
    stamps = [(r.kind, r.number, r.on) for r in requisites(act)]
    assert stamps == [
        ("ped_council", "1", date(2026, 8, 30)),
        ("parents_council", "1", date(2026, 9, 5)),
        ("order", "123", date(2026, 9, 10)),
    ]
    assert order.acts == [act]


def test_parents_council_cannot_record_before_the_pedagogical_council(setup):
    submit_for_review(setup["act"], setup["director"], None)
    db.session.commit()
    refused(lambda: meeting_for(setup, BodyKind.PARENTS_COUNCIL), "не ждёт решения этого органа")


def test_votes_above_attendance_are_refused(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(
        lambda: record(setup, meeting, 20, ItemDecision(Decision.ADOPTED, 20, 1, 0)),
        r"Голосов \(21\) больше, чем присутствует \(20\)",
    )


def test_negative_votes_are_refused(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(
        lambda: record(setup, meeting, 25, ItemDecision(Decision.ADOPTED, -1, 0, 0)),
        "не может быть отрицательным",
    )


def test_attendance_above_members_is_refused(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(
        lambda: record(setup, meeting, 31, ADOPT),
        r"Присутствует больше \(31\), чем членов органа \(30\)",
    )


def test_a_decision_without_quorum_is_refused_with_the_reason(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(
        lambda: record(setup, meeting, 19, ItemDecision(Decision.ADOPTED, 15, 0, 0)),
        "Нет кворума: присутствует 19 из 30, нужно не меньше 20",
    )
    record(setup, meeting, 20, ItemDecision(Decision.ADOPTED, 15, 0, 0))


def test_a_meeting_after_today_cannot_record_decisions(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL, day="01.12.2026")
    refused(
        lambda: record(setup, meeting, 25, ADOPT),
        "Заседание назначено на 01.12.2026: решения записываются после него",
    )


def test_a_protocol_number_is_unique_per_body_and_school_year(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting_for(setup, BodyKind.PED_COUNCIL, acts=[])  # № 1 of 30.08.2026 opens 2026/2027
    for day in ["15.09.2026", "15.01.2027"]:  # the school year goes on after New Year
        refused(
            lambda day=day: meeting_for(setup, BodyKind.PED_COUNCIL, day=day, acts=[]),
            "Протокол № 1 за 2026/2027 учебный год у этого органа уже есть",
        )
    meeting_for(setup, BodyKind.PED_COUNCIL, day="20.06.2026", number=5, acts=[])  # 2025/2026
    meeting_for(setup, BodyKind.PED_COUNCIL, day="28.08.2027", acts=[])  # 2027/2028 starts at № 1
    meeting_for(setup, BodyKind.PARENTS_COUNCIL, acts=[])  # another body has its own numbers
    years = db.session.scalars(
        select(Meeting.protocol_year)
        .order_by(Meeting.held_at)
        .where(Meeting.body_id == setup["bodies"][BodyKind.PED_COUNCIL].id)
    ).all()
    assert years == [2025, 2026, 2027]


def test_protocol_numbers_rise_across_new_year(setup):
    meeting_for(setup, BodyKind.PED_COUNCIL, day="10.01.2027", number=3, acts=[])
    refused(
        lambda: meeting_for(setup, BodyKind.PED_COUNCIL, day="20.12.2026", number=4, acts=[]),
        "Протокол № 3 от 10.01.2027",
    )
    meeting_for(setup, BodyKind.PED_COUNCIL, day="20.12.2026", number=2, acts=[])


def test_an_order_for_an_act_not_through_its_councils_is_refused(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    record(setup, meeting_for(setup, BodyKind.PED_COUNCIL), 26, ADOPT)
    refused(
        lambda: issue_order(
            setup["school"],
            setup["director"],
            number="5",
            issued_on=date(2026, 9, 10),
            title="Об утверждении",
            acts=[act],
            in_force_on=None,
            today=setup["today"],
        ),
        "ещё не прошёл советы",
    )


def test_order_numbers_are_unique_per_year_and_not_dated_ahead(setup):
    act = through_councils(setup)
    school, director = setup["school"], setup["director"]
    refused(
        lambda: issue_order(
            school,
            director,
            number="1",
            issued_on=date(2026, 12, 1),
            title="Об утверждении",
            acts=[act],
            in_force_on=None,
            today=setup["today"],
        ),
        "Дата приказа не может быть позже сегодняшней",
    )
    issue_order(
        school,
        director,
        number="1",
        issued_on=date(2026, 9, 10),
        title="Об утверждении",
        acts=[act],
        in_force_on=None,
        today=setup["today"],
    )
    db.session.commit()
    other = create_act(school, director, "Положение о защите персональных данных")
    through = submit_for_review
    through(other, director, None)
    m1 = meeting_for(setup, BodyKind.PED_COUNCIL, "11.09.2026", 2, acts=[other])
    record(setup, m1, 26, ADOPT)
    m2 = meeting_for(setup, BodyKind.PARENTS_COUNCIL, "12.09.2026", 2, acts=[other])
    record(setup, m2, 10, OPINION)
    refused(
        lambda: issue_order(
            school,
            director,
            number="1",
            issued_on=date(2026, 9, 20),
            title="Об утверждении",
            acts=[other],
            in_force_on=None,
            today=setup["today"],
        ),
        "Приказ № 1 за 2026 год уже есть",
    )


def test_sent_back_goes_to_draft_with_the_remarks(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    record(
        setup,
        meeting_for(setup, BodyKind.PED_COUNCIL),
        26,
        ItemDecision(Decision.SENT_BACK, 5, 20, 1, remarks="Дополнить раздел о хранении"),
    )
    assert act.status == ActStatus.DRAFT
    assert act.remarks == "Дополнить раздел о хранении"
    steps = route_steps(act)
    assert [s.status for s in steps] == [StepStatus.RETURNED, StepStatus.VOID, StepStatus.VOID]


def test_a_new_version_after_an_approval_restarts_the_route_keeping_history(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    record(setup, meeting_for(setup, BodyKind.PED_COUNCIL), 26, ADOPT)
    new_version(act, setup["director"], "1. Общие положения (ред. 2)", act.lock_version)
    db.session.commit()
    assert act.status == ActStatus.UNDER_REVIEW and act.current_version.number == 2
    steps = route_steps(act)
    assert [(s.round, s.status) for s in steps] == [
        (1, StepStatus.DONE),
        (1, StepStatus.VOID),
        (1, StepStatus.VOID),
        (2, StepStatus.WAITING),
        (2, StepStatus.WAITING),
        (2, StepStatus.WAITING),
    ]
    assert current_step(act).body.kind == BodyKind.PED_COUNCIL
    assert [r.number for r in requisites(act)] == [None, None, None]


def test_a_stale_form_is_refused(setup):
    act = setup["act"]
    stale = act.lock_version
    set_route(act, setup["director"], ["ped_council", "parents_council", "students_council"], stale)
    db.session.commit()
    refused(
        lambda: submit_for_review(act, setup["director"], stale),
        "Запись уже изменил другой пользователь",
    )


def test_route_can_add_a_council_before_it_starts_but_not_drop_the_pedagogical(setup):
    act = setup["act"]
    refused(
        lambda: set_route(act, setup["director"], ["parents_council"], None),
        "Педагогический совет принимает акт",
    )
    set_route(act, setup["director"], ["ped_council", "students_council", "parents_council"], None)
    submit_for_review(act, setup["director"], None)
    db.session.commit()
    refused(
        lambda: set_route(act, setup["director"], ["ped_council"], None),
        "Маршрут меняется только у проекта",
    )
    kinds = [s.body.kind if s.body else "order" for s in current_round(act)]
    assert kinds == ["ped_council", "students_council", "parents_council", "order"]


def test_a_correction_needs_a_reason_and_keeps_what_it_changed(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    record(setup, meeting, 26, ADOPT)
    item = meeting.items[0]
    refused(
        lambda: correct_decision(
            item, setup["director"], reason="", record=ADOPT, expected_version=None
        ),
        "Укажите причину",
    )
    correct_decision(
        item,
        setup["director"],
        reason="опечатка в протоколе",
        record=ItemDecision(Decision.ADOPTED, 24, 1, 1),
        expected_version=None,
    )
    db.session.commit()
    assert (item.votes_for, item.votes_against) == (24, 1)
    # The same outcome: the route stays, the parents' council is next.
    assert current_step(setup["act"]).body.kind == BodyKind.PARENTS_COUNCIL
    correction = db.session.scalars(select(Correction)).one()
    assert correction.reason == "опечатка в протоколе" and correction.before["votes"] == [25, 0, 1]


def test_a_correction_whose_votes_say_otherwise_moves_the_act_back(setup):
    """The protocol said 25 for; the count was 1 for, 20 against: the council sent it back."""
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    record(setup, meeting, 26, ADOPT)
    item = meeting.items[0]
    refused(
        lambda: correct_decision(
            item,
            setup["director"],
            reason="пересчёт голосов",
            record=ItemDecision(Decision.ADOPTED, 1, 20, 0),
            expected_version=None,
        ),
        "за — 1 из 26 присутствующих",
    )
    correct_decision(
        item,
        setup["director"],
        reason="пересчёт голосов",
        record=ItemDecision(Decision.SENT_BACK, 1, 20, 0, remarks="Переработать раздел 3"),
        expected_version=None,
    )
    db.session.commit()
    assert act.status == ActStatus.DRAFT and act.remarks == "Переработать раздел 3"
    assert [s.status for s in route_steps(act)] == [
        StepStatus.RETURNED,
        StepStatus.VOID,
        StepStatus.VOID,
    ]
    assert requisites(act)[0].on is None  # the stamp is blank again


def test_a_correction_is_refused_once_the_route_went_on(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    record(setup, meeting, 26, ADOPT)
    meeting_for(setup, BodyKind.PARENTS_COUNCIL, "05.09.2026")  # the act is on its agenda
    refused(
        lambda: correct_decision(
            meeting.items[0],
            setup["director"],
            reason="пересчёт",
            record=ItemDecision(Decision.NOT_TAKEN, 10, 10, 6),
            expected_version=None,
        ),
        "маршрут акта пошёл дальше",
    )


def test_a_correction_of_attendance_rechecks_quorum_and_every_vote(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    record(setup, meeting, 26, ADOPT)
    item = meeting.items[0]
    refused(
        lambda: correct_decision(
            item,
            setup["director"],
            reason="явка",
            record=ADOPT,
            present_count=19,
            expected_version=None,
        ),
        "кворума нет",
    )
    refused(
        lambda: correct_decision(
            item,
            setup["director"],
            reason="явка",
            record=ADOPT,
            present_count=25,
            expected_version=None,
        ),
        r"Голосов \(26\) больше, чем присутствует \(25\)",
    )
    correct_decision(
        item,
        setup["director"],
        reason="явка",
        record=ItemDecision(Decision.ADOPTED, 24, 0, 1),
        present_count=25,
        expected_version=None,
    )
    db.session.commit()
    assert meeting.present_count == 25


@pytest.mark.parametrize(
    ("decision", "votes", "message"),
    [
        (Decision.ADOPTED, (3, 22, 1), "за — 3 из 26 присутствующих"),
        (Decision.ADOPTED, (13, 13, 0), "за — 13 из 26 присутствующих"),  # half is not more
        (Decision.SENT_BACK, (20, 5, 1), "против — 5 из 26 присутствующих"),
        (Decision.NOT_TAKEN, (20, 5, 1), "голосование решило вопрос"),
        (Decision.ADOPTED, (None, None, None), "укажите число голосов"),
        (Decision.ADOPTED, (20, None, 0), "укажите число голосов"),
    ],
)
def test_a_decision_follows_its_vote(setup, decision, votes, message):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(lambda: record(setup, meeting, 26, ItemDecision(decision, *votes)), message)


def test_a_charter_of_two_thirds_asks_for_two_thirds(setup):
    body = setup["bodies"][BodyKind.PED_COUNCIL]
    body.voting_rule = "two_thirds"
    submit_for_review(setup["act"], setup["director"], None)
    db.session.commit()
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(
        lambda: record(setup, meeting, 27, ItemDecision(Decision.ADOPTED, 17, 10, 0)),
        "не менее двух третей присутствующих",
    )
    record(setup, meeting, 27, ItemDecision(Decision.ADOPTED, 18, 9, 0))
    assert setup["act"].status == ActStatus.UNDER_REVIEW
    assert current_step(setup["act"]).body.kind == BodyKind.PARENTS_COUNCIL


def test_a_vote_that_carries_neither_way_leaves_the_act_waiting_for_the_body(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    assert acts_awaiting(ped) == []
    record(setup, meeting, 26, ItemDecision(Decision.NOT_TAKEN, 13, 10, 3))
    assert meeting.state == MeetingState.HELD
    assert act.status == ActStatus.UNDER_REVIEW
    assert acts_awaiting(ped) == [act]  # on the body's list for its next meeting
    second = meeting_for(setup, BodyKind.PED_COUNCIL, day="15.09.2026", number=2)
    record(setup, second, 26, ADOPT)
    assert [r.number for r in requisites(act)][:1] == ["2"]


def test_a_meeting_without_quorum_did_not_take_place_and_its_act_waits(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    record_meeting(
        meeting,
        ped.secretary,
        present_count=12,
        decisions={},
        today=setup["today"],
        expected_version=None,
    )
    db.session.commit()
    assert (meeting.state, meeting.present_count) == (MeetingState.NO_QUORUM, 12)
    assert meeting.items[0].decision is None
    assert act.status == ActStatus.UNDER_REVIEW and acts_awaiting(ped) == [act]
    refused(
        lambda: record(setup, meeting, 25, ADOPT),
        "Явка и решения этого заседания уже записаны",
    )


def test_a_meeting_is_recorded_once_and_every_item_gets_its_decision(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    refused(
        lambda: record_meeting(
            meeting,
            meeting.body.secretary,
            present_count=26,
            decisions={},
            today=setup["today"],
            expected_version=None,
        ),
        "запишите решение и голоса",
    )
    record(setup, meeting, 26, ADOPT)
    refused(lambda: record(setup, meeting, 28, ADOPT), "уже записаны")


def test_protocol_numbers_rise_with_the_dates(setup):
    submit_for_review(setup["act"], setup["director"], None)
    meeting_for(setup, BodyKind.PED_COUNCIL, day="10.09.2026", number=2, acts=[])
    refused(
        lambda: meeting_for(setup, BodyKind.PED_COUNCIL, day="15.09.2026", number=1, acts=[]),
        "Протокол № 2 от 10.09.2026",
    )
    refused(
        lambda: meeting_for(setup, BodyKind.PED_COUNCIL, day="01.09.2026", number=3, acts=[]),
        "Протокол № 2 от 10.09.2026",
    )
    meeting_for(setup, BodyKind.PED_COUNCIL, day="01.09.2026", number=1, acts=[])


def test_an_order_is_dated_on_or_after_the_decisions_it_relies_on(setup):
    act = through_councils(setup)
    refused(
        lambda: issue_order(
            setup["school"],
            setup["director"],
            number="7",
            issued_on=date(2026, 9, 1),
            title="Об утверждении",
            acts=[act],
            in_force_on=None,
            today=setup["today"],
        ),
        "Совет родителей, протокол № 1 от 05.09.2026",
    )
    refused(
        lambda: issue_order(
            setup["school"],
            setup["director"],
            number="7",
            issued_on=date(2026, 9, 10),
            title="Об утверждении",
            acts=[act],
            in_force_on=date(2026, 9, 9),
            today=setup["today"],
        ),
        "раньше даты приказа",
    )


def test_plan_tasks_follow_the_records(setup):
    school = setup["school"]
    act = setup["act"]
    tasks = {
        role: db.session.scalar(
            select(Task).where(Task.title.startswith(prefix), Task.plan.has(school_id=school.id))
        )
        for role, prefix in [
            (PlanRole.PED_COUNCIL, "Проведение педагогического совета"),
            (PlanRole.PARENTS_COUNCIL, "Проведение заседания Совета родителей"),
            (PlanRole.ORDER, "Утверждение и введение в действие"),
        ]
    }
    for role, task in tasks.items():
        link_task(task, act, role, setup["director"])
    db.session.commit()
    assert all(task.status == TaskStatus.PLANNED for task in tasks.values())
    through_councils(setup)
    assert tasks[PlanRole.PED_COUNCIL].status == TaskStatus.DONE
    assert tasks[PlanRole.PED_COUNCIL].done_on == date(2026, 8, 30)
    assert tasks[PlanRole.PARENTS_COUNCIL].done_on == date(2026, 9, 5)
    assert tasks[PlanRole.ORDER].status == TaskStatus.PLANNED
    issue_order(
        school,
        setup["director"],
        number="77",
        issued_on=date(2026, 9, 10),
        title="Об утверждении",
        acts=[act],
        in_force_on=None,
        today=setup["today"],
    )
    db.session.commit()
    assert tasks[PlanRole.ORDER].status == TaskStatus.DONE
    assert "10.09.2026" in tasks[PlanRole.ORDER].completion_note


def second_act(setup, title="Положение о текущем контроле успеваемости"):
    act = create_act(setup["school"], setup["director"], title, "1. Общие положения")
    submit_for_review(act, setup["director"], None)
    db.session.commit()
    return act


def test_a_planned_meeting_moves_to_another_day_in_the_order_of_its_protocols(setup):
    submit_for_review(setup["act"], setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting_for(setup, BodyKind.PED_COUNCIL, day="10.09.2026", number=2, acts=[])
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL, day="30.08.2026", number=1)
    refused(
        lambda: reschedule_meeting(
            meeting,
            ped.secretary,
            held_at=at("20.09.2026"),
            place="",
            protocol_number=1,
            expected_version=None,
        ),
        "Протокол № 2 от 10.09.2026",
    )
    reschedule_meeting(
        meeting,
        ped.secretary,
        held_at=at("20.09.2026", 14),
        place="Кабинет 12",
        protocol_number=3,
        expected_version=meeting.lock_version,
    )
    db.session.commit()
    assert (meeting.held_on, meeting.place, meeting.protocol_number) == (
        date(2026, 9, 20),
        "Кабинет 12",
        3,
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "meeting.reschedule")
    ).one()
    assert entry.changes["held_at"] == ["30.08.2026", "20.09.2026"]
    record(setup, meeting, 26, ADOPT)
    refused(
        lambda: reschedule_meeting(
            meeting,
            ped.secretary,
            held_at=at("21.09.2026"),
            place="",
            protocol_number=3,
            expected_version=None,
        ),
        "Заседание уже записано",
    )


def test_a_meeting_cannot_move_before_the_end_of_its_acts_discussion(setup):
    act = setup["act"]
    open_discussion(
        act,
        setup["director"],
        opens_on=date(2026, 11, 30),
        closes_on=date(2026, 12, 14),
        today=setup["today"],
        expected_version=None,
    )
    submit_for_review(act, setup["director"], None)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL, day="15.12.2026", number=3)
    refused(
        lambda: reschedule_meeting(
            meeting,
            meeting.body.secretary,
            held_at=at("10.12.2026"),
            place="",
            protocol_number=3,
            expected_version=None,
        ),
        "обсуждение идёт до 14.12.2026",
    )


def test_a_cancelled_meeting_frees_its_number_and_its_acts_wait_again(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL)
    meeting_id = meeting.id
    assert acts_awaiting(ped) == []
    refused(
        lambda: cancel_meeting(meeting, ped.secretary, reason="  ", expected_version=None),
        "Укажите причину отмены",
    )
    cancel_meeting(meeting, ped.secretary, reason="Карантин", expected_version=None)
    db.session.commit()
    assert db.session.get(Meeting, meeting_id) is None
    assert acts_awaiting(ped) == [act]
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "meeting.cancel")
    ).one()
    assert entry.object_id == meeting_id
    assert entry.changes["reason"] == [None, "Карантин"]
    assert entry.changes["acts"] == [[act.title], None]
    again = meeting_for(setup, BodyKind.PED_COUNCIL, day="02.09.2026")  # № 1 is free again
    record(setup, again, 26, ADOPT)
    refused(
        lambda: cancel_meeting(again, ped.secretary, reason="Ошибка", expected_version=None),
        "Заседание уже записано",
    )


def test_an_act_comes_off_the_agenda_and_joins_another(setup):
    act, other = setup["act"], second_act(setup)
    submit_for_review(act, setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL, acts=[act, other])
    later = meeting_for(setup, BodyKind.PED_COUNCIL, day="10.09.2026", number=2, acts=[])
    stale = meeting.lock_version
    take_off_agenda(meeting.items[1], ped.secretary, expected_version=stale)
    db.session.commit()
    assert [item.act for item in meeting.items] == [act]
    assert acts_awaiting(ped) == [other]
    assert meeting.lock_version > stale
    refused(
        lambda: take_off_agenda(meeting.items[0], ped.secretary, expected_version=stale),
        "Запись уже изменил другой пользователь",
    )
    move_item(meeting.items[0], later, ped.secretary, expected_version=None)
    add_to_agenda(meeting, ped.secretary, [other], expected_version=None)
    db.session.commit()
    db.session.expire_all()
    assert [item.act for item in meeting.items] == [other]
    assert [item.act for item in later.items] == [act]
    record(setup, later, 26, ADOPT)
    assert current_step(act).body.kind == BodyKind.PARENTS_COUNCIL


def test_an_agenda_item_moves_only_to_a_planned_meeting_of_its_body(setup):
    act, other = setup["act"], second_act(setup)
    submit_for_review(act, setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    held = meeting_for(setup, BodyKind.PED_COUNCIL, acts=[other])
    record(setup, held, 26, ADOPT)
    meeting = meeting_for(setup, BodyKind.PED_COUNCIL, day="10.09.2026", number=2, acts=[act])
    parents = meeting_for(setup, BodyKind.PARENTS_COUNCIL, day="12.09.2026", acts=[other])
    item = meeting.items[0]
    refused(
        lambda: move_item(item, parents, ped.secretary, expected_version=None),
        "только на заседание того же органа",
    )
    refused(lambda: move_item(item, held, ped.secretary, expected_version=None), "уже записан")
    refused(
        lambda: move_item(item, meeting, ped.secretary, expected_version=None), "уже в повестке"
    )
    refused(
        lambda: take_off_agenda(held.items[0], ped.secretary, expected_version=None),
        "Заседание уже записано",
    )
    refused(
        lambda: add_to_agenda(parents, parents.body.secretary, [act], expected_version=None),
        "не ждёт решения этого органа",
    )


def test_an_act_left_without_quorum_joins_the_next_meeting(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    ped = setup["bodies"][BodyKind.PED_COUNCIL]
    failed = meeting_for(setup, BodyKind.PED_COUNCIL)
    record_meeting(
        failed,
        ped.secretary,
        present_count=10,
        decisions={},
        today=setup["today"],
        expected_version=None,
    )
    db.session.commit()
    refused(
        lambda: add_to_agenda(failed, ped.secretary, [act], expected_version=None),
        "Заседание уже записано",
    )
    next_meeting = meeting_for(setup, BodyKind.PED_COUNCIL, day="10.09.2026", number=2, acts=[])
    refused(
        lambda: add_to_agenda(next_meeting, ped.secretary, [], expected_version=None),
        "Отметьте акты",
    )
    add_to_agenda(next_meeting, ped.secretary, [act], expected_version=None)
    db.session.commit()
    assert acts_awaiting(ped) == [] and [i.act for i in next_meeting.items] == [act]


def in_force_by_order(setup, number="123", day=date(2026, 9, 10)):
    act = through_councils(setup)
    order = issue_order(
        setup["school"],
        setup["director"],
        number=number,
        issued_on=day,
        title="Об утверждении Положения об электронном журнале",
        acts=[act],
        in_force_on=day,
        today=setup["today"],
    )
    db.session.commit()
    return act, order


def later(setup, order, kind, acts, number="130", day=date(2026, 9, 20), **fields):
    result = change_order(
        order,
        setup["director"],
        kind=kind,
        number=number,
        issued_on=day,
        title=fields.pop("title", ""),
        acts=acts,
        today=setup["today"],
        **fields,
    )
    db.session.commit()
    return result


def test_an_order_that_repeals_takes_the_act_out_of_force_and_off_the_site(setup):
    act, order = in_force_by_order(setup)
    publish(act, setup["director"], convert=False)
    db.session.commit()
    assert [e.act for _g, entries in listing(setup["school"]) for e in entries] == [act]
    publication = current_publication(act)
    repeal = later(setup, order, OrderKind.REPEAL, [act])
    assert act.status == ActStatus.REPEALED and act.status_label == "Утратил силу"
    assert repealing_order(act) is repeal and repeal.amends is order
    assert repeal.title == "О признании утратившим силу акта «Положение об электронном журнале»"
    assert repeal.in_force_on == date(2026, 9, 20)
    assert listing(setup["school"]) == []
    assert public_file(setup["school"], publication.id, "docx") is None
    docx = Document(io.BytesIO(build_order(order_doc(repeal))))
    text = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    assert "Признать утратившими силу с 20.09.2026 «Положение об электронном журнале»" in text
    assert "приказом директора от 10.09.2026 № 123" in text
    refused(lambda: later(setup, order, OrderKind.REPEAL, [act], number="131"), "не действует")
    refused(
        lambda: later(setup, order, OrderKind.AMEND, [act], number="131", changes="п. 2"),
        "не действует",
    )
    refused(lambda: new_version(act, setup["director"], "новый текст", None), "Акт утратил силу")


def test_an_amending_order_changes_the_date_and_shows_on_the_stamp(setup):
    act, order = in_force_by_order(setup)
    amend = later(
        setup,
        order,
        OrderKind.AMEND,
        [act],
        changes="пункт 2 изложить в редакции: «Ввести в действие с 15.09.2026»",
        in_force_on=date(2026, 9, 15),
    )
    assert act.status == ActStatus.IN_FORCE
    assert amend.title == "О внесении изменений в приказ от 10.09.2026 № 123"
    assert in_force_on(act, order) == date(2026, 9, 15)
    assert requisites(act)[-1].amended == (("130", date(2026, 9, 20)),)
    order_stamp = next(s for s in act_stamps(act) if s.kind == "order")
    assert "(в ред. приказа от 20.09.2026 № 130)" in stamp_lines(
        order_stamp, school_info(act.school)
    )
    text = "\n".join(order_doc(amend).points)
    assert "Внести в приказ директора от 10.09.2026 № 123" in text and "пункт 2" in text
    assert "вступившими в силу с 15.09.2026" in text


def test_a_later_order_is_refused_where_schools_would_not_sign_it(setup):
    act, order = in_force_by_order(setup)
    other = second_act(setup)
    cases = [
        (
            dict(kind=OrderKind.AMEND, acts=[act], day=date(2026, 9, 5), changes="п. 2"),
            "Приказ № 123 от 10.09.2026",
        ),
        (dict(kind=OrderKind.AMEND, acts=[act], changes="  "), "Опишите, какие изменения"),
        (dict(kind=OrderKind.AMEND, acts=[], changes="п. 2"), "Отметьте акты"),
        (dict(kind=OrderKind.AMEND, acts=[other], changes="п. 2"), "не утверждался приказом"),
        (dict(kind=OrderKind.REPEAL, acts=[act], in_force_on=date(2026, 12, 31)), "впереди"),
        (dict(kind=OrderKind.REPEAL, acts=[act], in_force_on=date(2026, 9, 12)), "раньше даты"),
        (
            dict(kind=OrderKind.REPEAL, acts=[act], number="123", day=date(2026, 9, 20)),
            "Приказ № 123 за 2026 год уже есть",
        ),
        (dict(kind=OrderKind.APPROVE, acts=[act]), "Выберите вид приказа"),
    ]
    for fields, message in cases:
        kind = fields.pop("kind")
        acts = fields.pop("acts")
        refused(
            lambda kind=kind, acts=acts, f=fields: later(setup, order, kind, acts, **f), message
        )
    amend = later(setup, order, OrderKind.AMEND, [act], changes="п. 2")
    refused(
        lambda: later(setup, amend, OrderKind.REPEAL, [act], number="131"),
        "можно приказ об утверждении",
    )


def test_the_parents_council_does_not_meet_before_the_decision_it_follows(setup):
    act = setup["act"]
    submit_for_review(act, setup["director"], None)
    record(setup, meeting_for(setup, BodyKind.PED_COUNCIL, day="10.09.2026"), 26, ADOPT)
    refused(
        lambda: meeting_for(setup, BodyKind.PARENTS_COUNCIL, day="05.09.2026"),
        "заседание не может быть раньше решения, на котором оно основано — Педагогический "
        "совет, протокол № 1 от 10.09.2026",
    )
    parents = meeting_for(setup, BodyKind.PARENTS_COUNCIL, day="15.09.2026")
    refused(
        lambda: reschedule_meeting(
            parents,
            parents.body.secretary,
            held_at=at("09.09.2026"),
            place="",
            protocol_number=1,
            expected_version=None,
        ),
        "протокол № 1 от 10.09.2026",
    )


def test_a_repealed_act_replaced_earlier_stays_as_the_former_edition_on_the_site(setup):
    act, order = in_force_by_order(setup)
    first = publish(act, setup["director"], convert=False)
    db.session.commit()
    successor = create_act(
        setup["school"], setup["director"], "Положение об ЭЖ (новое)", "1. Текст"
    )
    submit_for_review(successor, setup["director"], None)
    record(setup, meeting_for(setup, BodyKind.PED_COUNCIL, "15.09.2026", 2, [successor]), 26, ADOPT)
    record(
        setup,
        meeting_for(setup, BodyKind.PARENTS_COUNCIL, "16.09.2026", 2, [successor]),
        10,
        OPINION,
    )
    issue_order(
        setup["school"],
        setup["director"],
        number="140",
        issued_on=date(2026, 9, 17),
        title="Об утверждении",
        acts=[successor],
        in_force_on=None,
        today=setup["today"],
    )
    publish(successor, setup["director"], replaces=act, convert=False)
    later(setup, order, OrderKind.REPEAL, [act], number="141", day=date(2026, 9, 18))
    entries = [entry for _g, group in listing(setup["school"]) for entry in group]
    assert [e.act for e in entries] == [successor]
    assert [old.id for old in entries[0].history] == [first.id]
    assert public_file(setup["school"], first.id, "docx") is not None


def test_a_council_does_not_meet_before_a_discussion_closed_on_its_last_day(setup):
    act = setup["act"]
    discussion = open_discussion(
        act,
        setup["director"],
        opens_on=date(2026, 11, 28),
        closes_on=date(2026, 12, 5),
        today=setup["today"],
        expected_version=None,
    )
    close_discussion(discussion, setup["director"], today=date(2026, 12, 9), expected_version=None)
    submit_for_review(act, setup["director"], None)
    db.session.commit()
    refused(
        lambda: meeting_for(setup, BodyKind.PED_COUNCIL, day="01.12.2026", number=3),
        "обсуждение идёт до 05.12.2026",
    )
    meeting_for(setup, BodyKind.PED_COUNCIL, day="05.12.2026", number=3)
