"""Every document type, generated for the seed school, opens in LibreOffice and converts to PDF;
the PDF's text (pdftotext) holds the numbers from the records."""

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, person
from tracker.acts.models import LocalAct
from tracker.approvals.models import Meeting, Order
from tracker.approvals.queries import requisites
from tracker.documents import builders
from tracker.documents.consents import consents
from tracker.documents.generation import (
    generate_act,
    generate_duties_order,
    generate_order,
    generate_plan,
    generate_protocol,
    generate_sheet,
    generate_transition_order,
)
from tracker.extensions import db

pytestmark = pytest.mark.demo_data


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # CI installs them (.ci/run): a missing tool is a failure, never a skip
        pytest.fail(f"{name} not found: install libreoffice-writer-nogui and poppler-utils")
    return path


def to_pdf_text(folder: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Convert the DOCX files with LibreOffice headless in one run and read the PDFs' text."""
    for name, content in files.items():
        (folder / f"{name}.docx").write_bytes(content)
    profile = folder / "profile"
    subprocess.run(
        [
            tool("soffice"),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{name}.docx") for name in files),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    texts = {}
    for name in files:
        pdf = folder / f"{name}.pdf"
        assert pdf.is_file() and pdf.stat().st_size > 1000, f"{name}: no PDF"
        result = subprocess.run(
            [tool("pdftotext"), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        texts[name] = " ".join(result.stdout.decode("utf-8").split())
    return texts


def test_every_document_type_converts_to_pdf_with_the_numbers_from_the_records(app, tmp_path):
    school = person("director").school
    director = person("director")
    regulation = db.session.scalar(
        select(LocalAct).where(LocalAct.title == "Положение об электронном журнале успеваемости")
    )
    order = db.session.scalars(select(Order).where(Order.school_id == school.id)).first()
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.id)))
    files = {
        "act": generate_act(regulation, director).content,
        "order": generate_order(order, director).content,
        "sheet": generate_sheet(order, director).content,
        "transition": generate_transition_order(school, director, regulation, TODAY).content,
        "duties": generate_duties_order(school, director).content,
        "plan": generate_plan(school, director, TODAY).content,
        "consents": consents(
            school, (builders.Consent("Петров Пётр", "5А"),), as_zip=False
        ).content,
        **{f"protocol{m.id}": generate_protocol(m, director).content for m in meetings},
    }
    texts = to_pdf_text(tmp_path, files)
    stamps = {r.kind: r for r in requisites(regulation)}
    ped, parents = stamps["ped_council"], stamps["parents_council"]
    assert f"протокол от {ped.on:%d.%m.%Y} № {ped.number}" in texts["act"]
    assert f"протокол от {parents.on:%d.%m.%Y} № {parents.number}" in texts["act"]
    assert f"от {order.issued_on:%d.%m.%Y} № {order.number}" in texts["act"]
    assert f"№ {order.number}" in texts["order"] and "ПРИКАЗЫВАЮ" in texts["order"]
    assert "№ ____" in texts["transition"] and "ПРИКАЗЫВАЮ" in texts["transition"]
    assert f"от {order.issued_on:%d.%m.%Y} № {order.number}" in texts["sheet"]
    for meeting in meetings:
        assert f"ПРОТОКОЛ № {meeting.protocol_number}" in texts[f"protocol{meeting.id}"]
    council = texts[f"protocol{meetings[0].id}"]  # the pedagogical council's, with a speech
    assert f"Кворум имеется (необходимо не менее {meetings[0].body.quorum_count} членов)" in council
    assert "ВЫСТУПИЛИ: Фёдоров А. М., учитель: предложил выставлять отметки" in council
    assert "«за» — 27, «против» — 0, «воздержались» — 1" in council
    assert "О распределении обязанностей" in texts["duties"]
    assert "Публикация всей нормативной базы" in texts["plan"]
    assert "Петров Пётр, 5А класс" in texts["consents"]
