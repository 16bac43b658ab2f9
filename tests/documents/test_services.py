"""Documents from the demo school's records: stamps, names, schedule, versions."""

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.approvals.conftest import at
from tests.conftest import TODAY, person
from tests.documents.test_builders import BLANK, all_text
from tracker.approvals import services as approvals
from tracker.approvals.models import BodyKind, Decision, Meeting, Order
from tracker.approvals.services import ItemDecision
from tracker.documents import services as documents
from tracker.documents.models import DocumentKind, GeneratedDocument, LocalAct
from tracker.errors import DomainError
from tracker.extensions import db

pytestmark = pytest.mark.demo_data
REGULATION = "Положение об электронном журнале успеваемости"
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
    regulation = act_titled(REGULATION)
    stamps = {r.kind: r for r in approvals.requisites(regulation)}
    document = documents.generate_act(regulation, person("director"))
    text = stamps_of(document)
    ped, parents, order = stamps["ped_council"], stamps["parents_council"], stamps["order"]
    assert f"протокол от {ped.on:%d.%m.%Y} № {ped.number}" in text
    assert f"мнение Совета родителей\nпротокол от {parents.on:%d.%m.%Y} № {parents.number}" in text
    assert f"приказом директора\nМБОУ СОШ № 20\nот {order.on:%d.%m.%Y} № 45" in text
    assert BLANK not in text


def test_an_act_under_review_has_blanks_until_its_councils_decide_then_a_new_version(app):
    act = act_titled(DATA_ACT)
    first = documents.generate_act(act, person("deputy_uvr"))
    assert stamps_of(first).count(BLANK) == 3
    # The same records give the same version, not a copy.
    assert documents.generate_act(act, person("deputy_uvr")).id == first.id
    ped = approvals.body_of_kind(act.school, BodyKind.PED_COUNCIL)
    meeting = approvals.create_meeting(
        ped, ped.secretary, held_at=at("20.11.2026"), place="", protocol_number=7, acts=[act]
    )
    approvals.record_meeting(
        meeting,
        ped.secretary,
        present_count=25,
        decisions={meeting.items[0].id: ItemDecision(Decision.ADOPTED, 25, 0, 0)},
        today=TODAY,
        expected_version=None,
    )
    second = documents.generate_act(act, person("deputy_uvr"))
    assert (second.number, second.act_version_number) == (2, 1)
    assert "протокол от 20.11.2026 № 7" in stamps_of(second)
    assert stamps_of(second).count(BLANK) == 2
    assert text_of(first) != text_of(second)  # the first version's bytes are kept as they were


def test_the_transition_order_names_the_people_and_the_schedule(app):
    school = person("director").school
    regulation = act_titled(REGULATION)
    document = documents.generate_transition_order(
        school, person("director"), regulation, date(2026, 11, 28)
    )
    text = text_of(document)
    assert "О переходе на электронный учёт успеваемости и посещаемости обучающихся" in text
    assert f"Назначить ответственным за ведение ЭЖ: {person('ej_officer').full_name}" in text
    assert person("deputy_uvr").full_name in text
    assert "Утвердить план-график перехода:" in text and "по плану-графику" not in text
    assert "официальном сайте" in text and "№ 45" in text
    assert "Приложение\nк приказу директора" in text and "ПОЛОЖЕНИЕ" in text


def test_the_transition_order_refuses_another_schools_act(app):
    other = person("director7").school
    with pytest.raises(DomainError):
        documents.generate_transition_order(other, None, act_titled(REGULATION), TODAY)


def test_the_duties_order_comes_from_the_plans_assignments(app):
    school = person("director").school
    text = text_of(documents.generate_duties_order(school, person("director")))
    assert "О распределении обязанностей по работе с электронным журналом" in text
    assert "Заместитель директора по УВР" in text and person("deputy_uvr").full_name in text
    assert "Публикация всей нормативной базы по внедрению ЭЖ на Сайте школы" in text


def test_the_protocol_carries_votes_and_the_gathered_comments(app):
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    text = text_of(documents.generate_protocol(meeting, person("ped_secretary")))
    item = meeting.items[0]
    assert f"ПРОТОКОЛ № {meeting.protocol_number}" in text
    assert f"«за» — {item.votes_for}" in text
    assert "Уточнить срок внесения отметок за письменные работы" in text  # from the discussion


def test_the_plan_lists_every_task_with_its_status(app):
    school = person("director").school
    text = text_of(documents.generate_plan(school, person("director"), TODAY))
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
    pupils = documents.parse_class_list(raw)
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
        documents.parse_class_list(raw)
