"""Sample data of every kind of document, for the trial fill of an uploaded template."""

from __future__ import annotations

from datetime import date

from tracker.documents.builders import (
    ActDoc,
    Consent,
    ConsentDoc,
    ControlReportDoc,
    OrderDoc,
    PlanDoc,
    PlanRow,
    ProtocolDoc,
    ProtocolItem,
    ReportFinding,
    ReportRecommendation,
    SchoolInfo,
    SheetDoc,
    Stamp,
)
from tracker.documents.docx_form import requisite_line
from tracker.documents.models import DocumentKind

_SAMPLE_SCHOOL = SchoolInfo(
    full_name="Муниципальное бюджетное общеобразовательное учреждение «Образец»",
    short_name="МБОУ «Образец»",
    city="Город",
    address="ул. Образцовая, 1",
    director_name="И. О. Фамилия",
)
_SAMPLE_DAY = date(2023, 6, 5)
_SAMPLE_ACT = ActDoc(
    school=_SAMPLE_SCHOOL,
    title="Положение об образце",
    body_text="1. Общие положения\n1.1. Пункт.\n- элемент списка",
    stamps=tuple(
        Stamp(kind, "1", _SAMPLE_DAY)
        for kind in (
            "ped_council",
            "parents_council",
            "students_council",
            "employees_body",
            "order",
        )
    ),
    appendix_to=requisite_line("Приложение к приказу директора", _SAMPLE_DAY, "1"),
)
_SAMPLE_ORDER = OrderDoc(
    school=_SAMPLE_SCHOOL,
    title="Об утверждении образца",
    preamble="В целях проверки шаблона",
    points=("Утвердить образец.", "Контроль оставляю за собой."),
    number="1",
    issued_on=_SAMPLE_DAY,
    table=(("Ф. И. О.", "Обязанность"), (("Фамилия И. О.", "Обязанность"),)),
    familiarise=(("Фамилия И. О.", "Учитель"),),
    appendices=(_SAMPLE_ACT,),
)
SAMPLES: dict[DocumentKind, object] = {
    DocumentKind.ACT: _SAMPLE_ACT,
    DocumentKind.ORDER: _SAMPLE_ORDER,
    DocumentKind.TRANSITION_ORDER: _SAMPLE_ORDER,
    DocumentKind.DUTIES_ORDER: _SAMPLE_ORDER,
    DocumentKind.PROTOCOL: ProtocolDoc(
        school=_SAMPLE_SCHOOL,
        body_genitive="педагогического совета",
        number=1,
        held_on=_SAMPLE_DAY,
        place="Учительская",
        chair="Председатель И. О.",
        secretary="Секретарь И. О.",
        members=10,
        present=9,
        items=(
            ProtocolItem(
                title="Положение об образце",
                speaker="Докладчик И. О.",
                comments=(("1. Общие положения", "Замечание.", "Автор И. О."),),
                decision="Принять.",
                votes=(9, 0, 0),
                remarks="Нет.",
            ),
        ),
    ),
    DocumentKind.PLAN: PlanDoc(
        school=_SAMPLE_SCHOOL,
        title="План-график",
        phases=(("Этап 1", (PlanRow("1.1", "Мероприятие", "июнь", "Фамилия И. О.", "Сделано"),)),),
        as_of=_SAMPLE_DAY,
    ),
    DocumentKind.SHEET: SheetDoc(
        school=_SAMPLE_SCHOOL,
        order_title="Об утверждении образца",
        number="1",
        issued_on=_SAMPLE_DAY,
        people=(("Фамилия И. О.", "Учитель"),),
    ),
    DocumentKind.CONSENT: ConsentDoc(school=_SAMPLE_SCHOOL, pupils=(Consent("Фамилия Имя", "5А"),)),
    DocumentKind.CONTROL_REPORT: ControlReportDoc(
        school=_SAMPLE_SCHOOL,
        check_title="Проверка ведения электронного журнала",
        label="октябрь 2023",
        checked_on=_SAMPLE_DAY,
        objects="5А, 6Б",
        checker_name="Фамилия Имя Отчество",
        checker_position="Заместитель директора по УВР",
        checker_signature="И. О. Фамилия",
        findings=(
            ReportFinding("Темы уроков записаны в день урока", 2, "5А: 12.10, 19.10"),
            ReportFinding("Отметки выставлены своевременно"),
        ),
        conclusion="Журнал ведётся в основном в соответствии с Положением.",
        recommendations=(
            ReportRecommendation("Заполнить темы уроков", "Фамилия И. О.", "Учитель", _SAMPLE_DAY),
        ),
    ),
}
