"""The report on a control check (справка по итогам контроля): built from plain data, read back
with python-docx, converted by LibreOffice, generated from the records, filled into a school's
own template."""

import re
from datetime import date
from io import BytesIO

import pytest
from docx import Document

from tests.conftest import person
from tests.documents.test_pdf import to_pdf_text
from tracker.controls.models import ControlCheck, Finding, Occurrence, Recommendation
from tracker.documents import builders
from tracker.documents.builders import (
    ControlReportDoc,
    ReportFinding,
    ReportRecommendation,
    SchoolInfo,
)
from tracker.documents.custom.checking import validate_template
from tracker.documents.custom.context import context_for
from tracker.documents.custom.filling import render_template
from tracker.documents.data import signature_name
from tracker.documents.generation import generate_control_report
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError
from tracker.extensions import db

pytestmark = pytest.mark.demo_data

SCHOOL = SchoolInfo(
    full_name="Муниципальное бюджетное общеобразовательное учреждение средняя "
    "общеобразовательная школа № 20 города Ставрополя",
    short_name="МБОУ СОШ № 20",
    city="Ставрополь",
    director_name="Т. П. Иванова",
)
CONTROL = "".join(chr(code) for code in range(0x00, 0x09)) + "\x0b"
HEADER = ["№", "Критерий", "Нарушений", "Комментарий"]


def report(**changes) -> ControlReportDoc:
    values = dict(
        school=SCHOOL,
        check_title="Своевременность заполнения электронного журнала",
        label="октябрь 2026",
        checked_on=date(2026, 10, 30),
        objects="5А, 6Б",
        checker_name="Смирнова Елена Викторовна",
        checker_position="Заместитель директора по УВР",
        checker_signature="Е. В. Смирнова",
        findings=(
            ReportFinding("Темы уроков записаны в день урока", 3, "5А: 12.10, 19.10, 26.10"),
            ReportFinding("Отметки выставлены не позднее дня урока", 0, ""),
            ReportFinding("Домашние задания внесены в день урока", 1, "6Б: 14.10"),
        ),
        conclusion="Журнал ведётся в основном в соответствии с Положением.",
        recommendations=(
            ReportRecommendation(
                "Заполнить темы уроков за октябрь.",
                "Фёдоров Алексей Михайлович",
                "Учитель",
                date(2026, 11, 15),
            ),
            ReportRecommendation(
                "Внести домашние задания",
                "Новикова Мария Дмитриевна",
                "Классный руководитель, Учитель",
                date(2026, 11, 10),
            ),
            ReportRecommendation(
                "Проверить исправления", "Фёдоров Алексей Михайлович", "Учитель", None
            ),
        ),
    )
    values.update(changes)
    return ControlReportDoc(**values)


def read(content: bytes) -> Document:
    return Document(BytesIO(content))


def paragraphs(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def all_text(document) -> str:
    parts = paragraphs(document)
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def findings_table(document):
    return next(table for table in document.tables if rows_of(table)[0] == HEADER)


def readers_table(document):
    return next(table for table in document.tables if rows_of(table)[0][1] == "Ф. И. О.")


# --- the builder alone ---


def test_the_report_has_its_head_aim_object_inspector_and_method():
    text = paragraphs(read(builders.build_control_report(report())))
    assert text[0] == SCHOOL.full_name
    assert "СПРАВКА" in text
    assert "по итогам контроля: Своевременность заполнения электронного журнала" in text
    assert "Сроки проведения: октябрь 2026, проверка 30.10.2026." in text
    aim = next(line for line in text if line.startswith("Цель:"))
    assert "электронного журнала" in aim and "Положением" in aim and "критери" in aim
    assert "Объект контроля: 5А, 6Б." in text
    assert "Проверяющий: заместитель директора по УВР Смирнова Елена Викторовна." in text
    assert "Метод: анализ записей электронного журнала." in text
    assert "Выводы: Журнал ведётся в основном в соответствии с Положением." in text


def test_findings_are_a_table_by_criterion_with_none_for_zero():
    document = read(builders.build_control_report(report()))
    table = findings_table(document)
    assert rows_of(table) == [
        HEADER,
        ["1", "Темы уроков записаны в день урока", "3", "5А: 12.10, 19.10, 26.10"],
        ["2", "Отметки выставлены не позднее дня урока", "нет", ""],
        ["3", "Домашние задания внесены в день урока", "1", "6Б: 14.10"],
        ["", "Итого", "4", ""],
    ]
    sizes = {run.font.size.pt for cell in table._cells for p in cell.paragraphs for run in p.runs}
    assert sizes == {12}


def test_recommendations_name_the_person_and_the_deadline():
    text = paragraphs(read(builders.build_control_report(report())))
    start = text.index("Рекомендации:")
    assert text[start + 1 : start + 4] == [
        "1. Заполнить темы уроков за октябрь "
        "(ответственный — Фёдоров Алексей Михайлович, срок — до 15.11.2026).",
        "2. Внести домашние задания "
        "(ответственный — Новикова Мария Дмитриевна, срок — до 10.11.2026).",
        "3. Проверить исправления (ответственный — Фёдоров Алексей Михайлович).",
    ]


def test_the_checker_signs_and_the_people_named_read_it():
    document = read(builders.build_control_report(report()))
    signature = next(table for table in document.tables if rows_of(table)[0][1] == "____________")
    assert rows_of(signature) == [
        ["Заместитель директора по УВР", "____________", "Е. В. Смирнова"]
    ]
    assert "Со справкой ознакомлены:" in paragraphs(document)
    # Everyone named in the recommendations, once, in their order; signature and date blank.
    assert rows_of(readers_table(document))[1:] == [
        ["1", "Фёдоров Алексей Михайлович", "Учитель", "", ""],
        ["2", "Новикова Мария Дмитриевна", "Классный руководитель, Учитель", "", ""],
    ]


def test_a_clean_check_says_there_are_no_recommendations():
    clean_check = report(
        findings=(ReportFinding("Темы уроков записаны в день урока"),),
        recommendations=(),
        objects="",
        conclusion="",
    )
    document = read(builders.build_control_report(clean_check))
    text = paragraphs(document)
    assert text[text.index("Рекомендации:") + 1] == "Рекомендаций нет."
    assert "Объект контроля: электронный журнал." in text
    assert rows_of(findings_table(document))[1:] == [
        ["1", "Темы уроков записаны в день урока", "нет", ""],
        ["", "Итого", "нет", ""],
    ]
    # Nobody named: blank lines to write the readers on by hand.
    assert rows_of(readers_table(document))[1:] == [[str(n), "", "", "", ""] for n in (1, 2, 3)]
    assert "Со справкой ознакомлены:" in text


def test_a_report_with_nothing_recorded_leaves_blanks():
    empty = report(
        findings=(),
        recommendations=(),
        checked_on=None,
        checker_name="",
        checker_position="",
        checker_signature="",
        label="",
    )
    text = all_text(read(builders.build_control_report(empty)))
    assert "Сроки проведения: проверка «___» ________ 20__ г." in text
    assert "Проверяющий: ________________." in text
    assert "Результаты по критериям не внесены" in text


def test_characters_xml_forbids_are_removed_everywhere():
    dirty = report(
        check_title=f"Проверка{CONTROL} журнала",
        label=f"октябрь{CONTROL}",
        objects=f"5А{CONTROL}",
        checker_name=f"Смирнова{CONTROL} Е. В.",
        findings=(ReportFinding(f"Критерий{CONTROL}", 2, f"Комментарий{CONTROL}"),),
        conclusion=f"Выводы{CONTROL} сделаны",
        recommendations=(
            ReportRecommendation(f"Сделать{CONTROL}", f"Фёдоров{CONTROL}", f"Учитель{CONTROL}"),
        ),
    )
    content = builders.build_control_report(dirty)
    text = all_text(read(content))
    assert not re.search("[\x00-\x08\x0b]", text)
    assert "по итогам контроля: Проверка журнала" in text
    assert "Выводы: Выводы сделаны" in text and "Критерий" in text and "Комментарий" in text


def test_a_conclusion_of_ten_thousand_characters_still_makes_a_document():
    conclusion = "Нарушения выявлены в записях тем уроков. " * 250
    assert len(conclusion) > 10_000
    document = read(builders.build_control_report(report(conclusion=conclusion)))
    found = next(p for p in paragraphs(document) if p.startswith("Выводы:"))
    assert len(found) > 10_000
    assert "Со справкой ознакомлены:" in paragraphs(document)


def test_the_report_converts_to_pdf_with_its_title_and_counts(tmp_path):
    texts = to_pdf_text(tmp_path, {"report": builders.build_control_report(report())})
    text = texts["report"]
    assert "СПРАВКА" in text
    assert "Своевременность заполнения электронного журнала" in text
    assert re.search(r"Темы уроков записаны в день урока 3 5А: 12\.10", text), text
    assert "Итого 4" in text
    assert "до 15.11.2026" in text


# --- from the records ---


def recorded_occurrence() -> Occurrence:
    deputy, teacher = person("deputy_uvr"), person("teacher")
    check = ControlCheck(
        school_id=deputy.school_id,
        title="Проверка заполнения тем уроков",
        rule="monthly",
        criteria=["Темы уроков записаны в день урока", "Отметки выставлены своевременно"],
    )
    occurrence = Occurrence(
        check=check,
        period_key="x",
        label="октябрь 2026",
        due_on=date(2026, 10, 30),
        is_done=True,
        checked_by=deputy,
        checked_on=date(2026, 10, 30),
        objects="5А, 6Б",
        conclusion="Темы уроков в 5А заполняются с опозданием.",
    )
    occurrence.findings = [
        Finding(criterion="Темы уроков записаны в день урока", violations=7, comment="5А"),
        Finding(criterion="Отметки выставлены своевременно", violations=0, comment=""),
    ]
    occurrence.recommendations = [
        Recommendation(
            person=teacher, due_on=date(2026, 11, 16), text="Заполнить темы уроков за октябрь"
        )
    ]
    db.session.add(check)
    db.session.add(occurrence)
    db.session.flush()
    return occurrence


def test_the_report_is_generated_from_a_recorded_check_and_kept_as_versions(app):
    occurrence = recorded_occurrence()
    deputy, teacher = person("deputy_uvr"), person("teacher")
    generated = generate_control_report(occurrence, deputy)
    assert generated.kind == DocumentKind.CONTROL_REPORT
    assert generated.subject == f"occurrence:{occurrence.id}"
    assert generated.number == 1
    assert generated.title == (
        "Справка по итогам контроля: Проверка заполнения тем уроков, октябрь 2026"
    )
    assert generated.filename.endswith(".docx")
    document = read(generated.content)
    text = paragraphs(document)
    assert "по итогам контроля: Проверка заполнения тем уроков" in text
    assert "Сроки проведения: октябрь 2026, проверка 30.10.2026." in text
    assert f"Проверяющий: заместитель директора по УВР {deputy.full_name}." in text
    assert rows_of(findings_table(document))[1:] == [
        ["1", "Темы уроков записаны в день урока", "7", "5А"],
        ["2", "Отметки выставлены своевременно", "нет", ""],
        ["", "Итого", "7", ""],
    ]
    assert (
        f"1. Заполнить темы уроков за октябрь (ответственный — {teacher.full_name}, "
        "срок — до 16.11.2026)."
    ) in text
    signature = signature_name(deputy)
    assert any(
        rows_of(table) == [["Заместитель директора по УВР", "____________", signature]]
        for table in document.tables
    )
    assert rows_of(readers_table(document))[1:] == [["1", teacher.full_name, "Учитель", "", ""]]

    # The same records give no new version; a changed conclusion gives the next one.
    assert generate_control_report(occurrence, deputy).id == generated.id
    occurrence.conclusion = "Нарушения устранены."
    db.session.flush()
    second = generate_control_report(occurrence, deputy)
    assert second.number == 2
    assert "Выводы: Нарушения устранены." in paragraphs(read(second.content))


# --- a school's own template ---


def template(*lines: str, table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_school_template_of_the_report_is_checked_and_filled():
    content = template(
        "Справка: {{ title }}, {{ label }}, {{ date }}; {{ objects }}",
        "Проверяющий: {{ checker_position }} {{ checker_name }} ({{ checker_signature }})",
        "Всего нарушений: {{ total_violations }}. Выводы: {{ conclusion }}",
        "{% for r in recommendations %}{{ loop.index }}. {{ r.sentence }} {% endfor %}",
        "{% for p in familiarise %}{{ p.name }} — {{ p.position }}{% endfor %}",
        table=[
            ["№", "Критерий", "Нарушений", "Комментарий"],
            ["{%tr for f in findings %}", "", "", ""],
            ["{{ f.number }}", "{{ f.criterion }}", "{{ f.violations_text }}", "{{ f.comment }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    assert "findings" in validate_template(DocumentKind.CONTROL_REPORT, content)
    filled = read(render_template(DocumentKind.CONTROL_REPORT, content, report()))
    text = paragraphs(filled)
    assert text[0] == (
        "Справка: Своевременность заполнения электронного журнала, октябрь 2026, 30.10.2026; 5А, 6Б"
    )
    assert text[1] == (
        "Проверяющий: Заместитель директора по УВР Смирнова Елена Викторовна (Е. В. Смирнова)"
    )
    assert text[2].startswith("Всего нарушений: 4. Выводы: Журнал ведётся")
    assert (
        "1. Заполнить темы уроков за октябрь (ответственный — Фёдоров Алексей Михайлович, "
        "срок — до 15.11.2026)."
    ) in text[3]
    assert rows_of(filled.tables[0])[1:] == [
        ["1", "Темы уроков записаны в день урока", "3", "5А: 12.10, 19.10, 26.10"],
        ["2", "Отметки выставлены не позднее дня урока", "нет", ""],
        ["3", "Домашние задания внесены в день урока", "1", "6Б: 14.10"],
    ]


def test_a_placeholder_of_another_kind_is_refused_for_the_report():
    with pytest.raises(DomainError, match="неизвестное поле «preamble»"):
        validate_template(DocumentKind.CONTROL_REPORT, template("{{ preamble }}"))


def test_every_string_of_the_report_context_is_cleaned():
    dirty = report(
        school=SchoolInfo(f"a{CONTROL}", f"b{CONTROL}", f"c{CONTROL}", f"d{CONTROL}"),
        check_title=f"t{CONTROL}",
        label=f"l{CONTROL}",
        objects=f"o{CONTROL}",
        checker_name=f"n{CONTROL}",
        checker_position=f"p{CONTROL}",
        checker_signature=f"s{CONTROL}",
        findings=(ReportFinding(f"c{CONTROL}", 1, f"m{CONTROL}"),),
        conclusion=f"c{CONTROL}",
        recommendations=(ReportRecommendation(f"r{CONTROL}", f"w{CONTROL}", f"p{CONTROL}"),),
    )

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    values = list(strings(context_for(DocumentKind.CONTROL_REPORT, dirty)))
    assert len(values) > 15
    assert not [value for value in values if re.search("[\x00-\x08\x0b]", value)]


def test_an_unknown_kind_is_still_refused():
    with pytest.raises(DomainError, match="нельзя") as caught:
        validate_template("no_such_kind", template("{{ title }}"))
    assert caught.value.field == "kind"
