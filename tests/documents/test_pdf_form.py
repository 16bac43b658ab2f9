"""The office form as LibreOffice lays it out: read back from the PDF, page by page."""

import subprocess

from tests.documents.test_builders import SCHOOL
from tests.documents.test_pdf import to_pdf_text, tool
from tracker.documents import builders
from tracker.documents.builders import Consent, ConsentDoc, OrderDoc


def pages_of(folder, name: str) -> list[str]:
    """The PDF's text, a page each (pdftotext ends every page with a form feed)."""
    result = subprocess.run(
        [tool("pdftotext"), str(folder / f"{name}.pdf"), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return [" ".join(page.split()) for page in result.stdout.decode("utf-8").split("\f")]


def test_a_long_familiarisation_list_never_splits_a_row_across_pages(tmp_path):
    # Rows of three lines each: a page break inside one would put its start and its end on two
    # pages.
    people = tuple(
        (
            f"Сотрудник{n:03d}",
            f"Н{n:03d}начало учитель математики и информатики, классный руководитель, "
            f"руководитель методического объединения, ответственный за ЭЖ К{n:03d}конец",
        )
        for n in range(1, 91)
    )
    order = OrderDoc(
        school=SCHOOL,
        title="О распределении обязанностей",
        preamble="В соответствии с уставом.",
        points=("Ознакомить работников.",),
        familiarise=people,
    )
    to_pdf_text(tmp_path, {"order": builders.build_order(order)})
    pages = pages_of(tmp_path, "order")
    assert len([page for page in pages if page]) >= 3  # the list runs over several pages
    for n in range(1, 91):
        start = {i for i, page in enumerate(pages) if f"Н{n:03d}начало" in page}
        end = {i for i, page in enumerate(pages) if f"К{n:03d}конец" in page}
        assert len(start) == 1 and start == end, f"row {n} split: pages {start} and {end}"
    # The header row repeats at the top of every page the table continues on.
    table_pages = [page for page in pages if "Н090начало" in page or "Н045начало" in page]
    assert all("Ф. И. О." in page or "Фамилия" in page for page in table_pages)


def test_the_consent_reads_back_from_its_pdf_with_every_element(tmp_path):
    consent = builders.build_consents(ConsentDoc(SCHOOL, (Consent("Петров Пётр Ильич", "5А"),)))
    text = to_pdf_text(tmp_path, {"consent": consent})["consent"]
    for element in (
        "(фамилия, имя, отчество родителя (законного представителя) полностью)",
        "зарегистрированный(ая) по адресу",
        "документ, удостоверяющий личность",
        "Петров Пётр Ильич, 5А класс",
        "подтверждающего полномочия законного представителя",
        "адрес: 355000, г. Ставрополь, ул. Школьная, 20",
        "Порядок отзыва",
        "Согласие оформлено отдельно от иных документов",
    ):
        assert element in text, element
