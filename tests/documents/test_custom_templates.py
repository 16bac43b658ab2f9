"""A school's own DOCX templates: checked at upload, filled in a sandbox, typed text escaped,
one active template per kind."""

import re
import zipfile
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import func, select

from tests.conftest import person
from tracker.audit.models import AuditEntry
from tracker.documents.builders import (
    ActDoc,
    OrderDoc,
    ProtocolDoc,
    ProtocolItem,
    SchoolInfo,
    Stamp,
)
from tracker.documents.custom.checking import validate_template
from tracker.documents.custom.context import context_for
from tracker.documents.custom.fields import PLACEHOLDERS
from tracker.documents.custom.filling import render_template
from tracker.documents.custom.samples import SAMPLES
from tracker.documents.custom.services import active_template, deactivate_template, upload_template
from tracker.documents.docx_form import BLANK_DATE
from tracker.documents.models import DocumentKind, DocumentTemplate
from tracker.errors import DomainError
from tracker.extensions import db

pytestmark = pytest.mark.demo_data

SCHOOL = SchoolInfo(
    full_name="МБОУ «Средняя общеобразовательная школа № 20»",
    short_name="МБОУ СОШ № 20",
    city="Ставрополь",
    director_name="Т. П. Иванова",
)
ORDER = OrderDoc(
    school=SCHOOL,
    title="О переходе на электронный журнал",
    preamble="В целях перехода на электронный учёт успеваемости",
    points=("Перейти на ЭЖ с 01.09.2023.", "Контроль оставляю за собой."),
    number="15",
    issued_on=date(2023, 6, 5),
    familiarise=(("Петрова А. А.", "учитель"), ("Сидоров Б. Б.", "заместитель директора")),
)
ORDER_PARAGRAPHS = (
    "{{ school_full_name }}",
    "Приказ № {{ number }} от {{ date }}",
    "{{ title }}",
    "{% for p in points %}{{ loop.index }}. {{ p }} {% endfor %}",
)
CONTROL = "".join(chr(code) for code in range(0x00, 0x09)) + "\x0b"


def docx(*paragraphs: str, table: list[list[str]] | None = None, header: str = "") -> bytes:
    """A template as a school makes it in Word: one paragraph per line, a table if given."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    if header:
        document.sections[0].header.paragraphs[0].text = header
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(content: bytes) -> Document:
    return Document(BytesIO(content))


def text_of(content: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in read(content).paragraphs)


def body_xml(content: bytes) -> str:
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def refused(kind, content: bytes, pattern: str) -> DomainError:
    with pytest.raises(DomainError, match=pattern) as caught:
        validate_template(kind, content)
    assert caught.value.field == "file"
    return caught.value


# --- checking a template ---


def test_a_valid_template_lists_its_placeholders():
    template = docx(*ORDER_PARAGRAPHS, header="{{ school_short_name }}")
    assert validate_template(DocumentKind.ORDER, template) == [
        "date",
        "number",
        "points",
        "school_full_name",
        "school_short_name",
        "title",
    ]


def test_blocks_across_paragraphs_and_table_rows_are_valid():
    template = docx(
        "{%p for section in sections %}",
        "{{ section.heading }}",
        "{% for point in section.points %}{{ point }}{% endfor %}",
        "{%p endfor %}",
        "{% if stamp_order %}",
        "{{ stamp_order }}",
        "{% endif %}",
        table=[["{%tr for s in sections %}"], ["{{ s.heading }}"], ["{%tr endfor %}"]],
    )
    assert validate_template(DocumentKind.ACT, template) == ["sections", "stamp_order"]


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "Файл пуст"),
        ("Приказ № {{ number }}".encode(), "не является документом Word"),
        (b"PK\x03\x04 not really a zip", "не является документом Word"),
    ],
    ids=["empty", "plain text", "broken zip"],
)
def test_a_file_that_is_not_a_docx_is_refused(content, pattern):
    refused(DocumentKind.ORDER, content, pattern)


def test_a_zip_without_a_document_is_refused():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/styles.xml", "<styles/>")
    refused(DocumentKind.ORDER, buffer.getvalue(), "не является документом Word")


def test_a_broken_placeholder_is_refused_naming_its_paragraph():
    template = docx("{{ school_full_name }}", "ПРИКАЗ", "Приказ № {{ number }", "{{ title }}")
    error = refused(DocumentKind.ORDER, template, "Ошибка в шаблоне")
    assert str(error) == "Ошибка в шаблоне, абзац 3 («Приказ № {{ number }»): unexpected '}'"


def test_a_broken_placeholder_inside_a_block_names_its_paragraph():
    template = docx("{% for p in points %}", "{{ p }", "{% endfor %}")
    error = refused(DocumentKind.ORDER, template, "абзац 2")
    assert "«{{ p }»" in str(error)


def test_a_broken_placeholder_in_a_table_is_found():
    template = docx("{{ title }}", table=[["№", "{{ number }"]])
    refused(DocumentKind.ORDER, template, re.escape("абзац 3 («{{ number }»)"))


def test_an_unclosed_block_gives_the_whole_template_error():
    template = docx("{% for p in points %}", "{{ p }}")
    error = refused(DocumentKind.ORDER, template, "^Ошибка в шаблоне: ")
    assert "'for'" in str(error)


def test_an_unknown_placeholder_is_refused_naming_it():
    template = docx("{{ title }}", "Ключ: {{ secret_key }}", "{{ password }}")
    error = refused(DocumentKind.ORDER, template, "неизвестное поле «password»")
    assert "абзац 3" in str(error)
    assert "«secret_key»" in str(error)


def test_a_placeholder_of_another_kind_is_refused():
    refused(DocumentKind.SHEET, docx("{{ preamble }}"), "неизвестное поле «preamble»")


def test_a_misspelt_attribute_is_refused_by_the_trial_fill():
    template = docx("{% for person in familiarise %}{{ person.nmae }}{% endfor %}")
    refused(DocumentKind.ORDER, template, "не удаётся заполнить.*nmae")


# --- the sandbox ---

ESCAPES = [
    "{{ title.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "{{ title['__class__'] }}",
    "{{ title|attr('__class__') }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__['os'] }}",
    "{{ title|safe }}",
    "{% autoescape false %}{{ title }}{% endautoescape %}",
    "{% include 'secret.txt' %}",
    "{{ 'x' * 1000000000 }}",
    "{{ 'x' * 10 ** 9 }}",
]


@pytest.mark.parametrize("attempt", ESCAPES)
def test_a_sandbox_escape_is_refused_at_upload(attempt):
    refused(DocumentKind.ORDER, docx("{{ title }}", attempt), "(?i)шаблон")


@pytest.mark.parametrize("attempt", ESCAPES)
def test_a_sandbox_escape_renders_harmlessly_even_unchecked(attempt):
    """A template that somehow skipped the check still reaches no Python internals."""
    order = OrderDoc(SCHOOL, "<w:r>title</w:r>", "", ())
    try:
        result = render_template(DocumentKind.ORDER, docx(attempt), order)
    except DomainError:
        return
    assert "<w:r>title" not in body_xml(result)
    text = text_of(result)
    assert not re.search(r"class|type|object|module|function|<w:r>", text.replace("title", ""))
    assert len(text) < 1000


# --- filling a template ---


def test_rendering_fills_the_placeholders():
    template = docx(
        *ORDER_PARAGRAPHS,
        table=[
            ["Ф. И. О.", "Должность"],
            ["{%tr for person in familiarise %}", ""],
            ["{{ person.name }}", "{{ person.position }}"],
            ["{%tr endfor %}", ""],
        ],
    )
    result = render_template(DocumentKind.ORDER, template, ORDER)
    document = read(result)
    assert [paragraph.text for paragraph in document.paragraphs] == [
        "МБОУ «Средняя общеобразовательная школа № 20»",
        "Приказ № 15 от 05.06.2023",
        "О переходе на электронный журнал",
        "1. Перейти на ЭЖ с 01.09.2023. 2. Контроль оставляю за собой. ",
    ]
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows == [
        ["Ф. И. О.", "Должность"],
        ["Петрова А. А.", "учитель"],
        ["Сидоров Б. Б.", "заместитель директора"],
    ]


def test_a_pending_order_shows_the_blanks():
    pending = OrderDoc(SCHOOL, "О плане", "", ())
    result = render_template(DocumentKind.ORDER, docx("№ {{ number }} от {{ date }}"), pending)
    assert text_of(result) == f"№ ____ от {BLANK_DATE}"


def test_an_act_gets_its_title_sections_and_stamps():
    act = ActDoc(
        school=SCHOOL,
        title="Положение об электронном журнале",
        body_text="1. Общие положения\n1.1. Журнал ведётся.\n- в электронном виде\n"
        "2. Контроль\n2.1. Проверка ежемесячно.",
        version_number=3,
        stamps=(Stamp("ped_council", "1", date(2023, 8, 30)), Stamp("order")),
    )
    template = docx(
        "{{ stamp_ped_council }}",
        "[{{ stamp_parents_council }}]",
        "{{ stamp_order }}",
        "{{ title_kind }} / {{ title_subject }} / ред. {{ version_number }}",
        "{% for s in sections %}{{ s.heading }}: {{ s.points|join('; ') }}. {% endfor %}",
    )
    paragraphs = [p.text for p in read(render_template("act", template, act)).paragraphs]
    assert paragraphs[0] == (
        "ПРИНЯТО\nрешением педагогического совета\nМБОУ СОШ № 20\nпротокол от 30.08.2023 № 1"
    )
    assert paragraphs[1] == "[]"
    assert paragraphs[2].startswith("УТВЕРЖДЕНО\nприказом директора\n")
    assert paragraphs[2].endswith(f"от {BLANK_DATE} № ____")
    assert paragraphs[3] == "ПОЛОЖЕНИЕ / об электронном журнале / ред. 3"
    assert paragraphs[4] == (
        "1. Общие положения: 1.1. Журнал ведётся.; – в электронном виде. "
        "2. Контроль: 2.1. Проверка ежемесячно.. "
    )


def test_a_protocol_gets_attendance_and_votes():
    protocol = ProtocolDoc(
        school=SCHOOL,
        body_genitive="педагогического совета",
        number=2,
        held_on=date(2023, 8, 30),
        place="",
        chair="Иванова Т. П.",
        secretary="Петрова А. А.",
        members=20,
        present=18,
        items=(
            ProtocolItem("Положение об ЭЖ", "Иванова Т. П.", votes=(18, None, 0)),
            ProtocolItem("План", "Петрова А. А."),
        ),
    )
    template = docx(
        "№ {{ number }} {{ date }}: {{ present }} из {{ members }}, нет {{ absent }}",
        "{% for i in items %}{{ i.title }} [{{ i.votes_for }}/{{ i.votes_against }}/"
        "{{ i.votes_abstained }}] {% endfor %}",
    )
    assert validate_template(DocumentKind.PROTOCOL, template)
    result = render_template(DocumentKind.PROTOCOL, template, protocol)
    assert text_of(result) == (
        "№ 2 30.08.2023: 18 из 20, нет 2\nПоложение об ЭЖ [18/0/0] План [//] "
    )


def test_typed_text_is_escaped_and_cleaned():
    typed = f'Ввод <w:fldSimple w:instr="DDEAUTO c:\\\\x"/> & «кавычки» "x"{CONTROL}.'
    school = SchoolInfo(full_name=typed, short_name="<b>&amp;</b>")
    order = OrderDoc(school, typed, typed, (typed, "a\x0b<&>"), number=f"1{CONTROL}")
    template = docx(*ORDER_PARAGRAPHS, "{{ school_short_name }}")
    result = render_template(DocumentKind.ORDER, template, order)
    expected = 'Ввод <w:fldSimple w:instr="DDEAUTO c:\\\\x"/> & «кавычки» "x".'
    assert [paragraph.text for paragraph in read(result).paragraphs] == [
        expected,
        f"Приказ № 1 от {BLANK_DATE}",
        expected,
        f"1. {expected} 2. a<&> ",
        "<b>&amp;</b>",
    ]
    xml = body_xml(result)
    assert "<w:fldSimple" not in xml and "&lt;w:fldSimple" in xml
    assert not re.search("[\x00-\x08\x0b\x0c]", xml)


def test_every_string_of_a_context_is_cleaned():
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    dirty = SchoolInfo(f"a{CONTROL}", f"b{CONTROL}", f"c{CONTROL}", f"d{CONTROL}")
    act = ActDoc(dirty, f"T{CONTROL} x", f"1. S{CONTROL}\n- i{CONTROL}", stamps=(Stamp("order"),))
    order = OrderDoc(
        dirty,
        f"t{CONTROL}",
        f"p{CONTROL}",
        (f"x{CONTROL}",),
        table=((f"h{CONTROL}",), ((f"r{CONTROL}",),)),
        familiarise=((f"n{CONTROL}", f"p{CONTROL}"),),
        appendices=(act,),
    )
    values = list(strings(context_for(DocumentKind.ORDER, order)))
    assert len(values) > 20
    assert not [value for value in values if re.search("[\x00-\x08\x0b]", value)]


def test_placeholders_match_the_context_of_every_kind():
    for kind, sample in SAMPLES.items():
        assert set(context_for(kind, sample)) == set(PLACEHOLDERS[kind]), kind


def test_the_wrong_dataclass_is_a_programming_error():
    with pytest.raises(TypeError):
        context_for(DocumentKind.PROTOCOL, ORDER)


# --- the school's templates ---


def active_count(school, kind) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(DocumentTemplate)
        .where(
            DocumentTemplate.school_id == school.id,
            DocumentTemplate.kind == kind,
            DocumentTemplate.is_active.is_(True),
        )
    )


LONG_NAME = "Приказ_о_переходе_на_электронный_журнал_2023-2024.docx"


def test_uploading_twice_leaves_one_active_template(app):
    director = person("director")
    school = director.school
    first = upload_template(
        school, director, DocumentKind.ORDER, "C:\\Шаблоны\\приказ.docx", docx("{{ title }}")
    )
    second = upload_template(school, director, "order", LONG_NAME, docx(*ORDER_PARAGRAPHS))
    db.session.commit()
    assert (first.filename, second.filename) == ("приказ.docx", LONG_NAME)
    assert (first.is_active, second.is_active) == (False, True)
    assert active_count(school, "order") == 1
    assert active_template(school, DocumentKind.ORDER) == second
    assert active_template(school, DocumentKind.SHEET) is None
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "document_template.upload", AuditEntry.object_id == second.id
        )
    ).one()
    assert entry.changes["replaces"] == [None, [first.id]]
    assert entry.changes["placeholders"][1] == [
        "date",
        "number",
        "points",
        "school_full_name",
        "title",
    ]
    assert render_template("order", second.content, ORDER).startswith(b"PK")


def test_deactivating_goes_back_to_the_built_in_form(app):
    director = person("director")
    template = upload_template(
        director.school, director, "sheet", "лист.docx", docx("{{ order_title }}")
    )
    deactivate_template(template, director)
    deactivate_template(template, director)
    db.session.commit()
    assert active_template(director.school, "sheet") is None
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "document_template", AuditEntry.object_id == template.id
        )
    ).all()
    assert sorted(actions) == ["document_template.deactivate", "document_template.upload"]


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (b"", "Файл пуст"),
        (b"x" * (5 * 1024 * 1024 + 1), "больше 5 МБ"),
        (b"just text", "не является документом Word"),
    ],
    ids=["empty", "too large", "not a docx"],
)
def test_a_refused_upload_stores_nothing(app, content, pattern):
    director = person("director")
    with pytest.raises(DomainError, match=pattern):
        upload_template(director.school, director, "order", "x.docx", content)
    assert db.session.scalar(select(func.count()).select_from(DocumentTemplate)) == 0
