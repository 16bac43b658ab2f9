"""Documents from the demo school's records: stamps, names, schedule, versions."""

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.approvals.conftest import at
from tests.conftest import TODAY, person
from tests.documents.test_builders import BLANK, all_text
from tracker.acts.models import LocalAct
from tracker.acts.services import create_act
from tracker.approvals.meetings import ItemDecision, create_meeting, record_meeting
from tracker.approvals.models import BodyKind, Decision, Meeting, Order
from tracker.approvals.orders import issue_order
from tracker.approvals.queries import body_of_kind, enacting_order
from tracker.approvals.route import new_version, set_route, submit_for_review
from tracker.documents.consents import parse_class_list
from tracker.documents.data import legal_basis
from tracker.documents.generation import (
    generate_act,
    generate_duties_order,
    generate_order,
    generate_plan,
    generate_protocol,
    generate_transition_order,
)
from tracker.documents.models import DocumentKind, GeneratedDocument
from tracker.errors import DomainError
from tracker.extensions import db

pytestmark = pytest.mark.demo_data
REGULATION = "Положение об электронном журнале успеваемости"
TEXT_OF = "1. Общие положения\n1.1. Дневник ведётся в электронном виде."
DATA_ACT = "Положение о защите персональных данных при ведении электронного журнала"


def act_titled(title: str) -> LocalAct:
    return db.session.scalar(select(LocalAct).where(LocalAct.title == title))


def text_of(document: GeneratedDocument) -> str:
    return all_text(Document(BytesIO(document.content)))


def stamps_of(document: GeneratedDocument) -> str:
    table = Document(BytesIO(document.content)).tables[0]
    return "\n".join(cell.text for cell in table.rows[0].cells)


def test_the_demo_keeps_a_docx_of_every_act_protocol_and_order(app):
    kinds = dict(
        db.session.execute(
            select(GeneratedDocument.kind, func.count()).group_by(GeneratedDocument.kind)
        ).all()
    )
    assert kinds[DocumentKind.ACT] == db.session.scalar(select(func.count()).select_from(LocalAct))
    assert kinds[DocumentKind.PROTOCOL] == db.session.scalar(
        select(func.count()).select_from(Meeting)
    )
    orders = db.session.scalar(select(func.count()).select_from(Order))
    assert kinds[DocumentKind.ORDER] == kinds[DocumentKind.SHEET] == orders


def test_the_regulation_in_force_carries_its_three_filled_stamps(app):
    text = stamps_of(generate_act(act_titled(REGULATION), person("director")))
    # The demo's council met on 29.08, the parents' council on 04.09, the order came 07.09.
    assert "решением педагогического совета\nМБОУ СОШ № 20\nпротокол от 29.08.2026 № 1" in text
    assert "мнение Совета родителей\nпротокол от 04.09.2026 № 1" in text
    assert "приказом директора\nМБОУ СОШ № 20\nот 07.09.2026 № 45" in text
    assert BLANK not in text


def test_an_act_under_review_has_blanks_until_its_councils_decide_then_a_new_version(app):
    act = act_titled(DATA_ACT)
    first = generate_act(act, person("deputy_uvr"))
    assert stamps_of(first).count(BLANK) == 3
    # The same records give the same version, not a copy.
    assert generate_act(act, person("deputy_uvr")).id == first.id
    ped = body_of_kind(act.school, BodyKind.PED_COUNCIL)
    meeting = create_meeting(
        ped, ped.secretary, held_at=at("20.11.2026"), place="", protocol_number=7, acts=[act]
    )
    record_meeting(
        meeting,
        ped.secretary,
        present_count=25,
        decisions={meeting.items[0].id: ItemDecision(Decision.ADOPTED, 25, 0, 0)},
        today=TODAY,
        expected_version=None,
    )
    second = generate_act(act, person("deputy_uvr"))
    assert (second.number, second.act_version_number) == (2, 1)
    assert "протокол от 20.11.2026 № 7" in stamps_of(second)
    assert stamps_of(second).count(BLANK) == 2
    assert text_of(first) != text_of(second)  # the first version's bytes are kept as they were


def test_the_transition_order_names_the_people_and_the_schedule(app):
    school = person("director").school
    regulation = act_titled(REGULATION)
    document = generate_transition_order(school, person("director"), regulation, date(2026, 11, 28))
    text = text_of(document)
    assert "О переходе на электронный учёт успеваемости и посещаемости обучающихся" in text
    assert f"Назначить ответственным за ведение ЭЖ: {person('ej_officer').full_name}" in text
    assert person("deputy_uvr").full_name in text
    assert "Утвердить план-график перехода:" in text and "по плану-графику" not in text
    assert "официальном сайте" in text
    head = Document(BytesIO(document.content)).tables[0].rows[0].cells
    assert [cell.text for cell in head] == ["«___» ________ 20__ г.", "№ ____"]
    # The regulation has its own approving order: cited, not appended as this order's annex.
    approved = enacting_order(regulation)
    assert (
        f"Руководствоваться «{REGULATION}», утверждённым приказом директора от "
        f"{approved.issued_on:%d.%m.%Y} № {approved.number}." in text
    )
    assert "Приложение\nк приказу директора" not in text and "ПОЛОЖЕНИЕ" not in text


def test_a_regulation_not_yet_approved_is_the_transition_orders_annex(app):
    school = person("director").school
    draft = create_act(school, person("deputy_uvr"), "Положение об электронном дневнике", TEXT_OF)
    text = text_of(generate_transition_order(school, None, draft, TODAY))
    assert "Утвердить «Положение об электронном дневнике» (приложение)." in text
    assert "Приложение\nк приказу директора" in text and "ПОЛОЖЕНИЕ" in text


def test_orders_cite_their_legal_grounds(app):
    school = person("director").school
    order = db.session.scalars(select(Order).order_by(Order.id)).first()
    text = text_of(generate_order(order, None))
    assert (
        "В соответствии с пунктом 1 части 3 статьи 28 и статьёй 30 Федерального закона от "
        "29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации», Федеральным законом от "
        "27.07.2006 № 152-ФЗ «О персональных данных», Уставом МБОУ СОШ № 20" in text
    )
    uniform = legal_basis(school, ("Положение о школьной форме",))
    assert "152-ФЗ" not in uniform and uniform.endswith("Уставом МБОУ СОШ № 20")


def test_the_transition_order_refuses_another_schools_act(app):
    other = person("director7").school
    with pytest.raises(DomainError):
        generate_transition_order(other, None, act_titled(REGULATION), TODAY)


def test_the_duties_order_comes_from_the_plans_assignments(app):
    school = person("director").school
    text = text_of(generate_duties_order(school, person("director")))
    assert "О распределении обязанностей по работе с электронным журналом" in text
    assert "Заместитель директора по УВР" in text and person("deputy_uvr").full_name in text
    assert "Публикация всей нормативной базы по внедрению ЭЖ на Сайте школы" in text


def test_the_protocol_carries_votes_and_the_gathered_comments(app):
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    text = text_of(generate_protocol(meeting, person("ped_secretary")))
    item = meeting.items[0]
    assert f"ПРОТОКОЛ № {meeting.protocol_number}" in text
    assert f"«за» — {item.votes_for}" in text
    assert "Уточнить срок внесения отметок за письменные работы" in text  # from the discussion


def test_the_plan_lists_every_task_with_its_status(app):
    school = person("director").school
    text = text_of(generate_plan(school, person("director"), TODAY))
    assert "Публикация всей нормативной базы" in text and "Выполнено" in text
    assert "Состояние на 28.11.2026" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ФИО;Класс\nПетров Пётр;5А\n\nСидорова Анна;5А\n".encode("cp1251"), 2),
        ("Петров Пётр,5А\r\nСидорова Анна,5А\r\n".encode("utf-8-sig"), 2),
        ("Иванов Иван\n\n\n".encode(), 1),
    ],
)
def test_a_class_list_in_cp1251_or_utf8_with_empty_lines(app, raw, expected):
    pupils = parse_class_list(raw)
    assert len(pupils) == expected
    assert pupils[0].pupil in ("Петров Пётр", "Иванов Иван")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x01\x02PK\x03\x04binary", "не похож на текстовый список"),
        (b"\n\n;\n", "нет ни одного имени"),
        ("Фамилия\n".encode(), "нет ни одного имени"),
        (("я" * 301 + "\n").encode(), "длиннее 300 символов"),
    ],
)
def test_a_bad_class_list_is_refused(app, raw, message):
    with pytest.raises(DomainError, match=message):
        parse_class_list(raw)


def test_a_draft_sent_back_and_rewritten_has_blank_stamps_again(app):
    act = act_titled(DATA_ACT)
    ped = body_of_kind(act.school, BodyKind.PED_COUNCIL)
    meeting = create_meeting(
        ped, ped.secretary, held_at=at("20.11.2026"), place="", protocol_number=7, acts=[act]
    )
    record_meeting(
        meeting,
        ped.secretary,
        present_count=25,
        decisions={meeting.items[0].id: ItemDecision(Decision.SENT_BACK, 5, 20, 0, "Доработать")},
        today=TODAY,
        expected_version=None,
    )
    new_version(act, person("deputy_uvr"), "1. Общие положения\n1.1. Новый текст.", None)
    document = generate_act(act, person("deputy_uvr"))
    assert document.act_version_number == 2
    assert stamps_of(document).count(BLANK) == 3 and "№ 7" not in stamps_of(document)


def test_the_protocol_is_dated_on_the_schools_day_not_utcs(app):
    school = person("director").school
    school.timezone = "Asia/Vladivostok"
    ped = body_of_kind(school, BodyKind.PED_COUNCIL)
    act = act_titled(DATA_ACT)
    # 22:00 UTC the 19th (after the act's discussion, which ran to 18.11)
    morning = datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo("Asia/Vladivostok"))
    meeting = create_meeting(
        ped, ped.secretary, held_at=morning, place="", protocol_number=8, acts=[act]
    )
    db.session.commit()
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.held_on == date(2026, 11, 20)
    text = text_of(generate_protocol(meeting, None))
    assert "20.11.2026" in text and "19.11.2026" not in text


def test_an_order_for_two_acts_appends_both(app):
    school = person("director").school
    director = person("director")
    acts = []
    for title in ("Положение о первом", "Положение о втором"):
        act = create_act(school, director, title, f"1. Раздел\n1.1. Текст {title}.")
        set_route(act, director, ["ped_council"], None)
        submit_for_review(act, director, None)
        acts.append(act)
    ped = body_of_kind(school, BodyKind.PED_COUNCIL)
    meeting = create_meeting(
        ped, ped.secretary, held_at=at("20.11.2026"), place="", protocol_number=9, acts=acts
    )
    record_meeting(
        meeting,
        ped.secretary,
        present_count=25,
        decisions={i.id: ItemDecision(Decision.ADOPTED, 25, 0, 0) for i in meeting.items},
        today=TODAY,
        expected_version=None,
    )
    order = issue_order(
        school,
        director,
        number="60",
        issued_on=TODAY,
        title="Об утверждении положений",
        acts=acts,
        in_force_on=None,
        today=TODAY,
    )
    text = text_of(generate_order(order, director))
    assert "«Положение о первом» (приложение 1), «Положение о втором» (приложение 2)" in text
    assert "Приложение 1\nк приказу директора\nот 28.11.2026 № 60" in text
    assert "Приложение 2\nк приказу директора" in text
    assert "Текст Положение о втором." in text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Петров Пётр;5А\rСидорова Анна;5А\r".encode("cp1251"), None),
        (("Петров " + "я" * 2000 + "\n").encode(), "длиннее 1000 символов"),
        ("\n".join(f"Ученик {n}" for n in range(201)).encode(), "больше 200 строк"),
    ],
)
def test_old_mac_line_endings_long_lines_and_long_lists(app, raw, message):
    if message is None:
        assert [p.pupil for p in parse_class_list(raw)] == [
            "Петров Пётр",
            "Сидорова Анна",
        ]
    else:
        with pytest.raises(DomainError, match=message):
            parse_class_list(raw)


def recorded_protocol(present: int, speeches: str = "") -> Meeting:
    act = act_titled(DATA_ACT)
    ped = body_of_kind(act.school, BodyKind.PED_COUNCIL)
    meeting = create_meeting(
        ped, ped.secretary, held_at=at("20.11.2026"), place="", protocol_number=7, acts=[act]
    )
    decisions = (
        {
            meeting.items[0].id: ItemDecision(
                Decision.ADOPTED, 20, 1, 0, speaker="Смирнова Е. В.", speeches=speeches
            )
        }
        if speeches
        else {}
    )
    record_meeting(
        meeting,
        ped.secretary,
        present_count=present,
        decisions=decisions,
        today=TODAY,
        expected_version=None,
    )
    db.session.commit()
    return meeting


def test_a_protocol_without_quorum_says_so_and_records_no_hearing(app):
    meeting = recorded_protocol(10)
    quorum = meeting.body.quorum_count
    text = text_of(generate_protocol(meeting, None))
    assert f"Присутствовали: 10 из {meeting.body.members_count} членов" in text
    assert (
        f"Кворума нет: для правомочности заседания необходимо присутствие не менее {quorum}" in text
    )
    assert "Заседание не состоялось" in text
    assert "СЛУШАЛИ" not in text and "РЕШИЛИ" not in text and "докладчика" not in text


def test_a_protocol_prints_who_spoke_and_the_quorum(app):
    meeting = recorded_protocol(
        25,
        "Петрова А. А., учитель математики: предложила сверять журнал по пятницам\n"
        "Козлов И. И., учитель физики: поддержал проект",
    )
    text = text_of(generate_protocol(meeting, None))
    assert f"Кворум имеется (необходимо не менее {meeting.body.quorum_count} членов)" in text
    assert "ВЫСТУПИЛИ:\nПетрова А. А., учитель математики: предложила сверять журнал" in text
    assert "Козлов И. И., учитель физики: поддержал проект" in text
    assert "«за» — 20, «против» — 1, «воздержались» — 0" in text


def test_a_speech_without_a_position_is_refused_and_nothing_is_recorded(app):
    with pytest.raises(DomainError, match="выступление 2: запишите так"):
        recorded_protocol(25, "Петрова А. А., учитель: за\nКозлов: против")
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count()).select_from(Meeting).where(Meeting.protocol_number == 7)
        )
        == 0
    )
