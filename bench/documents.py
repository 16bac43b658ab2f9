"""DOCX generation: each builder against python-docx writing the same amount of plain text.

For the seed school in its demo state, each document's data is gathered once (outside the
timing); the builder's time is then measured against a floor: `Document().add_paragraph()`
called as many times as the built document has paragraphs (table cells' included), with the
same total of characters, saved to memory. The ratio is what the office form costs: fonts,
alignment, indents, tables, stamps.

Run: `python -m bench.documents` (or `make bench`).
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from docx import Document
from sqlalchemy import select

from bench.common import DEMO_TODAY, demo_app, measure, report_columns
from tracker.acts.models import LocalAct
from tracker.documents.data import (
    act_doc,
    duties_order_doc,
    order_doc,
    plan_doc,
    protocol_doc,
    school_info,
    sheet_doc,
    transition_order_doc,
)

REPEATS = 30
CLASS_SIZE = 25
# A Cyrillic sample for the floor's paragraphs: the same UTF-8 weight as the documents' text.
SAMPLE = (
    "Положение определяет порядок ведения электронного журнала успеваемости обучающихся, "
    "права и обязанности участников образовательных отношений. "
)
SURNAMES = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов")
NAMES = ("Александр", "Мария", "Дмитрий", "Анна", "Иван", "Софья", "Максим", "Полина")


def _cell_paragraphs(table) -> list:
    """Every paragraph of a table's cells (a merged cell once), nested tables included."""
    paragraphs, seen = [], set()
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            paragraphs.extend(cell.paragraphs)
            for inner in cell.tables:
                paragraphs.extend(_cell_paragraphs(inner))
    return paragraphs


def text_size(content: bytes) -> tuple[int, int]:
    """(paragraphs, characters) of a DOCX's body, as python-docx reads it back."""
    document = Document(BytesIO(content))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs.extend(_cell_paragraphs(table))
    return len(paragraphs), sum(len(paragraph.text) for paragraph in paragraphs)


def floor_for(paragraphs: int, characters: int) -> Callable[[], bytes]:
    """python-docx writing `paragraphs` plain paragraphs, `characters` in all, to memory."""
    share, extra = divmod(characters, max(paragraphs, 1))
    sample = SAMPLE * (share // len(SAMPLE) + 2)
    texts = [sample[: share + (1 if i < extra else 0)] for i in range(paragraphs)]

    def floor() -> bytes:
        document = Document()
        for text in texts:
            document.add_paragraph(text)
        buffer = BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return floor


def pupils(count: int) -> tuple:
    from tracker.documents.builders import Consent

    return tuple(
        Consent(
            f"{SURNAMES[i % len(SURNAMES)]}{'а' if i % 2 else ''} {NAMES[(i * 3) % len(NAMES)]}",
            "7Б",
        )
        for i in range(count)
    )


def cases() -> list[tuple[str, Callable, object]]:
    """(name, builder, data) for every document type, data gathered from the demo school."""
    from tracker.accounts.models import School
    from tracker.approvals.models import BodyKind, CollegialBody, Meeting, Order
    from tracker.demo import REGULATION
    from tracker.documents import builders
    from tracker.extensions import db
    from tracker.seed import SEEDS, read_toml

    slug = read_toml(SEEDS / "school20.toml")["slug"]
    school = db.session.scalar(select(School).where(School.slug == slug))
    regulation = db.session.scalar(
        select(LocalAct).where(LocalAct.school_id == school.id, LocalAct.title == REGULATION)
    )
    order = db.session.scalar(
        select(Order).where(Order.school_id == school.id).order_by(Order.issued_on)
    )
    meeting = db.session.scalar(
        select(Meeting)
        .join(CollegialBody)
        .where(CollegialBody.school_id == school.id, CollegialBody.kind == BodyKind.PED_COUNCIL)
        .order_by(Meeting.held_at)
    )
    consents = builders.ConsentDoc(school=school_info(school), pupils=pupils(CLASS_SIZE))
    return [
        ("act (regulation)", builders.build_act, act_doc(regulation)),
        ("order (recorded, + act)", builders.build_order, order_doc(order)),
        (
            "transition order (+ act)",
            builders.build_order,
            transition_order_doc(school, regulation, DEMO_TODAY),
        ),
        ("duties order", builders.build_order, duties_order_doc(school)),
        ("protocol (ped. council)", builders.build_protocol, protocol_doc(meeting)),
        ("plan", builders.build_plan, plan_doc(school, DEMO_TODAY)),
        ("familiarisation sheet", builders.build_sheet, sheet_doc(order)),
        (f"consents ({CLASS_SIZE} pupils)", builders.build_consents, consents),
    ]


def main() -> None:
    rows = []
    with demo_app():
        for name, build, data in cases():
            paragraphs, characters = text_size(build(data))
            result = measure(
                lambda build=build, data=data: build(data),
                floor_for(paragraphs, characters),
                REPEATS,
            )
            rows.append(
                {"name": name, "paragraphs": paragraphs, "characters": characters, **result}
            )
    report_columns("documents", rows)


if __name__ == "__main__":
    main()
