"""Parents' consents to the processing of personal data, made from a class list: one DOCX with a
page per pupil, or a ZIP with a DOCX per pupil. Nothing is kept: the pupils' names stay with
whoever downloads them."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from tracker import types
from tracker.accounts.models import School
from tracker.documents import builders
from tracker.documents.custom.services import renderer
from tracker.documents.data import school_info
from tracker.documents.generation import DOCX, safe_filename
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError

MAX_PUPILS = 200  # a class or two; a whole school is several lists


MAX_LINE = 1000


HEADER_WORDS = ("фио", "ф.и.о", "фамилия", "ученик", "обучающийся", "name")


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes


def decode_text(content: bytes) -> str:
    """A CSV as Russian schools save it (`types.decode_text`), or why it is not one."""
    try:
        return types.decode_text(content)
    except ValueError as error:
        raise DomainError(
            _("Файл не похож на текстовый список (CSV): %(why)s", why=str(error)), field="file"
        ) from None


def parse_class_list(content: bytes) -> tuple[builders.Consent, ...]:
    """Pupils from a CSV: a name per line, optionally a class in the second column; empty
    lines and a header line are skipped."""
    text = decode_text(content)
    lines = text.splitlines()  # \r\n, \n and the old Mac \r alike
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise DomainError(
                _("Строка %(number)d длиннее %(limit)d символов", number=number, limit=MAX_LINE),
                field="file",
            )
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    pupils = []
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error as error:
        raise DomainError(_("Файл не удаётся прочитать как CSV"), field="file") from error
    for number, row in enumerate(rows, start=1):
        cells = [" ".join(cell.split()) for cell in row]
        if not any(cells):
            continue
        name = cells[0]
        if number == 1 and name.lower().strip(" .:") in HEADER_WORDS:
            continue
        if not name:
            raise DomainError(
                _("Строка %(number)d: нет имени в первом столбце", number=number), field="file"
            )
        if len(name) > 300:
            raise DomainError(
                _("Строка %(number)d: имя длиннее 300 символов", number=number), field="file"
            )
        pupils.append(builders.Consent(name, cells[1][:20] if len(cells) > 1 else ""))
        if len(pupils) > MAX_PUPILS:
            raise DomainError(_("В списке больше %(limit)d строк", limit=MAX_PUPILS), field="file")
    if not pupils:
        raise DomainError(_("В списке нет ни одного имени"), field="file")
    return tuple(pupils)


def consents(school: School, pupils: tuple[builders.Consent, ...], as_zip: bool) -> Download:
    """The consent forms: one DOCX with a page per pupil, or a ZIP with a DOCX per pupil.
    Not kept: the pupils' names stay with whoever downloads them."""
    info = school_info(school)
    _template, build = renderer(school, DocumentKind.CONSENT, builders.build_consents)

    if not as_zip:
        return Download(
            "Согласия на обработку персональных данных.docx",
            DOCX,
            build(builders.ConsentDoc(info, pupils)),
        )
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, pupil in enumerate(pupils, start=1):
            name = safe_filename(f"{number:03d} Согласие {pupil.pupil}")
            while name in used:
                name = name.removesuffix(".docx") + "_.docx"
            used.add(name)
            archive.writestr(name, build(builders.ConsentDoc(info, (pupil,))))
    return Download(
        "Согласия на обработку персональных данных.zip", "application/zip", buffer.getvalue()
    )
