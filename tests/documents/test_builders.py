"""The DOCX builders read back with python-docx: the office form, the stamps, safe text."""

import zipfile
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.shared import Pt

from tracker.documents import builders
from tracker.documents.builders import (
    ActDoc,
    Consent,
    ConsentDoc,
    OrderDoc,
    PlanDoc,
    PlanRow,
    ProtocolDoc,
    ProtocolItem,
    SchoolInfo,
    SheetDoc,
    Stamp,
)
from tracker.documents.docx_form import clean

SCHOOL = SchoolInfo(
    full_name="Муниципальное бюджетное общеобразовательное учреждение средняя "
    "общеобразовательная школа № 20 города Ставрополя",
    short_name="МБОУ СОШ № 20",
    city="Ставрополь",
    address="355000, г. Ставрополь, ул. Школьная, 20",
    director_name="Т. П. Иванова",
)
TEXT = (
    "1. Общие положения\n1.1. Положение определяет порядок ведения ЭЖ.\n\n"
    "2. Правила ведения\n2.1. Отметки вносятся в день урока:\n- отметки;\n- посещаемость.\n"
)
BLANK = "от «___» ________ 20__ г. № ____"
ALL_STAMPS = (
    Stamp("ped_council", "1", date(2026, 8, 29)),
    Stamp("parents_council", "3", date(2026, 9, 4)),
    Stamp("order", "45", date(2026, 9, 7)),
)


def read(content: bytes) -> Document:
    return Document(BytesIO(content))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def stamp_cells(document) -> tuple[str, str]:
    left, right = document.tables[0].rows[0].cells
    return left.text, right.text


def act(stamps=ALL_STAMPS, title="Положение об электронном журнале успеваемости", text=TEXT):
    return read(builders.build_act(ActDoc(SCHOOL, title, text, 1, stamps)))


def test_the_office_form_a4_margins_font_indent():
    document = act()
    section = document.sections[0]
    sizes = (section.page_width, section.page_height)
    assert [round(size.mm) for size in sizes] == [210, 297]
    margins = (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin)
    assert [round(margin.mm) for margin in margins] == [30, 10, 20, 20]
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{a}") for a in ("ascii", "hAnsi", "cs")} == {
        "Times New Roman"
    }
    point = next(p for p in document.paragraphs if p.text.startswith("1.1."))
    assert round(point.paragraph_format.first_line_indent.cm, 2) == 1.25


def test_page_numbers_from_page_two_centred_at_the_top():
    document = act()
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert section.first_page_header.paragraphs[0].text == ""
    header = section.header.paragraphs[0]
    assert "PAGE" in header._p.xml and header.alignment == 1  # centred


def test_filled_stamps_read_from_the_records():
    left, right = stamp_cells(act())
    assert "ПРИНЯТО\nрешением педагогического совета" in left
    assert "протокол от 29.08.2026 № 1" in left
    assert "УЧТЕНО\nмнение Совета родителей\nпротокол от 04.09.2026 № 3" in left
    assert right == "УТВЕРЖДЕНО\nприказом директора\nМБОУ СОШ № 20\nот 07.09.2026 № 45"
    assert BLANK not in left + right


def test_pending_steps_leave_visible_blanks():
    pending = (
        Stamp("ped_council", "1", date(2026, 8, 29)),
        Stamp("parents_council"),
        Stamp("order"),
    )
    left, right = stamp_cells(act(pending))
    assert "протокол от 29.08.2026 № 1" in left
    assert f"мнение Совета родителей\nпротокол {BLANK}" in left
    assert right.endswith(BLANK)


def test_the_stamp_table_has_no_borders():
    table = act().tables[0]._tbl
    borders = table.tblPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblBorders"
    )
    values = {edge.get(next(iter(edge.attrib))) for edge in borders}
    assert values == {"nil"}


def test_the_text_becomes_headings_points_and_lists():
    document = act()
    paragraphs = {p.text: p for p in document.paragraphs}
    assert paragraphs["ПОЛОЖЕНИЕ"].runs[0].bold
    assert "об электронном журнале успеваемости" in paragraphs
    heading = paragraphs["2. Правила ведения"]
    assert heading.runs[0].bold and heading.alignment == 1
    assert "– отметки;" in paragraphs and "– посещаемость." in paragraphs


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe"])
def test_characters_xml_forbids_are_removed_everywhere(bad):
    title = f"Положение{bad} о журнале"
    document = act(title=title, text=f"1. Раздел{bad}\n1.1. Пункт{bad} текста")
    text = all_text(document)
    assert bad not in text and "Пункт текста" in text


def test_a_title_of_ten_thousand_characters_and_a_huge_word_still_make_a_document():
    word = "Электронныйжурнал" * 40
    document = act(title="Положение " + "очень длинное " * 715, text=f"1. Раздел\n1.1. {word}")
    text = all_text(document)
    assert len(text) > 10_000
    # A word longer than a line gets break opportunities so it wraps instead of overflowing.
    assert "\u200b" in next(p.text for p in document.paragraphs if p.text.startswith("1.1."))
    assert clean(word).replace("\u200b", "") == word


def test_typed_markup_stays_text_and_injects_no_field():
    evil = '<w:fldSimple w:instr="INCLUDETEXT c:\\\\secret"/> { DDEAUTO c:\\\\cmd } & <b>'
    content = builders.build_act(ActDoc(SCHOOL, "Положение " + evil, "1. Раздел\n1.1. " + evil))
    document = read(content)
    assert evil in all_text(document)
    body = zipfile.ZipFile(BytesIO(content)).read("word/document.xml").decode()
    # The body holds no field at all: what was typed is escaped text.
    assert "<w:fldSimple" not in body and "<w:instrText" not in body and "<w:fldChar" not in body
    assert "&lt;w:fldSimple" in body


def order_doc(**changes):
    values = dict(
        school=SCHOOL,
        title="О переходе на электронный учёт успеваемости и посещаемости обучающихся",
        preamble="В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ.",
        points=("Утвердить положение (приложение).", "Контроль оставляю за собой."),
        number="45",
        issued_on=date(2026, 9, 7),
        familiarise=(("Васильева Анна Сергеевна", "Ответственный за ведение ЭЖ"),),
        appendices=(
            ActDoc(
                SCHOOL,
                "Положение об электронном журнале",
                TEXT,
                1,
                ALL_STAMPS,
                "Приложение\nк приказу директора\nот 07.09.2026 № 45",
            ),
        ),
    )
    values.update(changes)
    return OrderDoc(**values)


def test_an_order_has_its_head_points_signature_readers_and_appendix():
    document = read(builders.build_order(order_doc()))
    text = all_text(document)
    for expected in (
        "ПРИКАЗ",
        "07.09.2026",
        "№ 45",
        "г. Ставрополь",
        "ПРИКАЗЫВАЮ:",
        "1. Утвердить положение (приложение).",
        "2. Контроль оставляю за собой.",
        "Т. П. Иванова",
        "С приказом ознакомлены:",
        "Васильева Анна Сергеевна",
        "Приложение\nк приказу директора\nот 07.09.2026 № 45",
        "ПОЛОЖЕНИЕ",
    ):
        assert expected in text, expected
    readers = next(t for t in document.tables if t.rows[0].cells[0].text == "№")
    assert [c.text for c in readers.rows[0].cells][:3] == ["№", "Ф. И. О.", "Должность"]
    sizes = {r.font.size for c in readers.rows[1].cells for p in c.paragraphs for r in p.runs}
    assert sizes == {Pt(12)}  # 12 pt in tables


def test_an_order_not_yet_recorded_leaves_its_number_and_date_blank():
    text = all_text(read(builders.build_order(order_doc(number=None, issued_on=None))))
    assert "«___» ________ 20__ г." in text and "№ ____" in text


def test_a_protocol_records_attendance_agenda_and_votes():
    protocol = ProtocolDoc(
        school=SCHOOL,
        body_genitive="педагогического совета",
        number=2,
        held_on=date(2026, 11, 20),
        place="Актовый зал",
        chair="Т. П. Иванова",
        secretary="С. О. Лебедева",
        members=32,
        present=25,
        items=(
            ProtocolItem(
                "Положение о защите персональных данных",
                "Смирнова Е. В.",
                (("1. Общие положения", "Перечислить данные", "Орлов Д. П."),),
                "Принять «Положение о защите персональных данных».",
                (24, 0, 1),
                speeches=(("Петрова А. А.", "учитель математики", "поддержала проект"),),
            ),
        ),
        quorum=22,
        state="held",
    )
    text = all_text(read(builders.build_protocol(protocol)))
    for expected in (
        "ПРОТОКОЛ № 2",
        "заседания педагогического совета",
        "20.11.2026",
        "Присутствовали: 25 из 32 членов; отсутствовали: 7.",
        "ПОВЕСТКА ДНЯ:",
        "Кворум имеется (необходимо не менее 22 членов). Заседание правомочно.",
        "1. СЛУШАЛИ:",
        "В ходе публичного обсуждения проекта поступили предложения:",
        "Орлов Д. П. (к разделу «1. Общие положения»): Перечислить данные",
        "ВЫСТУПИЛИ:\nПетрова А. А., учитель математики: поддержала проект",
        "РЕШИЛИ:",
        "Голосовали: «за» — 24, «против» — 0, «воздержались» — 1.",
        "С. О. Лебедева",
    ):
        assert expected in text, expected


def test_the_plan_prints_in_landscape_with_its_status_column():
    plan = PlanDoc(
        SCHOOL,
        "План-график перехода на ЭЖ",
        (
            (
                "I. Подготовка",
                (PlanRow("1", "Издать приказ", "01.09.2026", "Директор", "Выполнено"),),
            ),
        ),
        date(2026, 11, 28),
    )
    document = read(builders.build_plan(plan))
    section = document.sections[0]
    assert section.page_width > section.page_height
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "№",
        "Мероприятие",
        "Сроки",
        "Ответственные",
        "Статус",
    ]
    assert table.rows[1].cells[0].text == "I. Подготовка"  # the phase spans the row
    assert [c.text for c in table.rows[2].cells][-1] == "Выполнено"
    assert "Состояние на 28.11.2026" in all_text(document)


def test_a_familiarisation_sheet_lists_who_signs():
    sheet = SheetDoc(
        SCHOOL, "Об утверждении положения", "45", date(2026, 9, 7), (("Иванова Т. П.", "Директор"),)
    )
    document = read(builders.build_sheet(sheet))
    text = all_text(document)
    assert "ЛИСТ ОЗНАКОМЛЕНИЯ" in text and "от 07.09.2026 № 45" in text
    assert [c.text for c in document.tables[0].rows[1].cells][:3] == [
        "1",
        "Иванова Т. П.",
        "Директор",
    ]


def test_consents_one_page_per_pupil_and_a_blank_form_without_a_list():
    pupils = (Consent("Петров Пётр Ильич", "5А"), Consent("Сидорова Анна", "5А"))
    document = read(builders.build_consents(ConsentDoc(SCHOOL, pupils)))
    text = all_text(document)
    assert text.count("СОГЛАСИЕ") == 2
    assert "Петров Пётр Ильич, 5А класс" in text and "152-ФЗ" in text
    assert SCHOOL.address in text
    breaks = document.element.body.xml.count('w:type="page"')
    assert breaks == 1
    blank = all_text(read(builders.build_consents(ConsentDoc(SCHOOL, ()))))
    assert blank.count("СОГЛАСИЕ") == 1 and "являясь родителем" in blank


def test_a_consent_has_every_element_152_fz_asks_of_a_parent_for_a_child():
    text = all_text(
        read(builders.build_consents(ConsentDoc(SCHOOL, (Consent("Петров Пётр", "5А"),))))
    )
    for element in (
        "(фамилия, имя, отчество родителя (законного представителя) полностью)",
        "зарегистрированный(ая) по адресу:",
        "документ, удостоверяющий личность:",
        "несовершеннолетнего обучающегося Петров Пётр, 5А класс, зарегистрированного(ой) по адресу",
        "документа, подтверждающего полномочия законного представителя",
        f"оператору — {SCHOOL.full_name} (МБОУ СОШ № 20), адрес: {SCHOOL.address}",
        "Цель обработки:",
        "Перечень персональных данных:",
        "Перечень действий:",
        "Срок действия:",
        "Порядок отзыва:",
        "Согласие оформлено отдельно от иных документов.",
    ):
        assert element in text, element


def test_an_operator_address_of_only_a_town_is_left_to_be_completed():
    town_only = SchoolInfo(full_name="Школа", short_name="Школа", address="г. Ставрополь")
    assert builders.operator_address(town_only).startswith("г. Ставрополь, ____")
    assert builders.operator_address(SCHOOL) == SCHOOL.address
    nothing = SchoolInfo(full_name="Школа", short_name="Школа")
    assert set(builders.operator_address(nothing)) == {"_"}


def test_table_rows_never_split_across_pages_and_headers_repeat():
    order = OrderDoc(
        school=SCHOOL,
        title="О переходе",
        preamble="В соответствии.",
        points=("Перейти.",),
        familiarise=tuple((f"Сотрудник {n}", "Учитель") for n in range(60)),
    )
    document = read(builders.build_order(order))
    sheet = document.tables[-1]
    assert len(sheet.rows) == 61
    for row in sheet.rows:
        assert (
            row._tr.trPr is not None
            and row._tr.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}cantSplit"
            )
            is not None
        )
    assert "tblHeader" in sheet.rows[0]._tr.xml


def test_an_act_is_headed_by_the_schools_full_name_and_the_plan_has_a_date_line():
    document = read(builders.build_act(ActDoc(SCHOOL, "Положение об ЭЖ", TEXT, 1, ALL_STAMPS)))
    assert document.paragraphs[0].text == SCHOOL.full_name
    plan = PlanDoc(SCHOOL, "План-график", (("Этап 1", ()),), date(2026, 11, 28))
    text = all_text(read(builders.build_plan(plan)))
    assert (
        "УТВЕРЖДАЮ\nДиректор МБОУ СОШ № 20\n____________ Т. П. Иванова\n«___» ______________ 20___ г."
        in text
    )
