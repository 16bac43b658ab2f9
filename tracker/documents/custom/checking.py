"""Reading an uploaded template before it is kept: a DOCX, valid Jinja, known placeholders, and a
trial fill with sample data that works; a refusal says where in the document the fault is."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docxtpl import DocxTemplate
from flask_babel import gettext as _
from jinja2 import TemplateSyntaxError, meta

from tracker.documents.custom.context import template_kind
from tracker.documents.custom.fields import JINJA_NAMES, MAX_UNPACKED, PLACEHOLDERS
from tracker.documents.custom.filling import trial_fill
from tracker.documents.custom.sandbox import Forbidden, environment
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError


@dataclass(frozen=True)
class _Paragraph:
    where: str  # «абзац 3 («Приказ № {{ number }»)»
    text: str  # the paragraph's plain text
    source: str  # its XML as docxtpl gives it to Jinja


def _open(content: bytes) -> DocxTemplate:
    """The template opened, or refused (field "file") when it is not a Word document."""
    not_docx = DomainError(_("Файл не является документом Word (DOCX)."), "file")
    if not content:
        raise DomainError(_("Файл пуст."), "file")
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_docx from None
    if "word/document.xml" not in names:
        raise not_docx
    if unpacked > MAX_UNPACKED:
        raise DomainError(_("Документ в файле слишком велик."), "file")
    template = DocxTemplate(BytesIO(content))
    try:
        template.init_docx()
    except Exception:  # python-docx refuses it: a broken or foreign package
        raise not_docx from None
    return template


def _parts(template: DocxTemplate) -> list[tuple[str, BaseOxmlElement]]:
    """The parts docxtpl fills, in its order: ("body", the body), then ("margin", …) for each
    header and footer. Parsed by python-docx's parser, which resolves no entities."""
    parts = [("body", template.docx.element.body)]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _key, part in template.get_headers_footers(uri):
            parts.append(("margin", parse_xml(part.blob)))
    return parts


def _source(template: DocxTemplate) -> str:
    """The Jinja source of the whole template, as docxtpl renders it."""
    return "".join(
        template.patch_xml(template.xml_to_string(element)) for _name, element in _parts(template)
    )


def _excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length].rstrip() + "…"


def _paragraphs(template: DocxTemplate) -> list[_Paragraph]:
    """Every paragraph (those in tables among them) in document order, numbered from 1 in the
    body and in each header or footer."""
    paragraphs = []
    for name, element in _parts(template):
        for number, paragraph in enumerate(element.iter(qn("w:p")), start=1):
            text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
            if name == "body":
                where = _("абзац %(number)s («%(text)s»)", number=number, text=_excerpt(text))
            else:
                where = _(
                    "колонтитул, абзац %(number)s («%(text)s»)", number=number, text=_excerpt(text)
                )
            source = template.patch_xml(template.xml_to_string(paragraph))
            paragraphs.append(_Paragraph(where, text, source))
    return paragraphs


# Tags a paragraph may hold only part of: a block opened here and closed in a later paragraph,
# or docxtpl's own tags that only make sense in a table.
PARTIAL_TAGS = frozenset(
    "else elif endif endfor endset endwith endfilter endmacro endcall endblock endraw "
    "endautoescape vm hm colspan cellbg tr tc p r".split()
)
UNKNOWN_TAG = re.compile(r"^Encountered unknown tag '(\w+)'")


def _partial(error: TemplateSyntaxError) -> bool:
    """Whether a paragraph failed only for holding part of a block (`{% for %}` here, its
    `{% endfor %}` in a later paragraph): the whole template may still be valid."""
    if error.message and error.message.startswith("Unexpected end of template"):
        return True
    unknown = UNKNOWN_TAG.match(error.message or "")
    return bool(unknown and unknown.group(1) in PARTIAL_TAGS)


def _syntax_error(template: DocxTemplate, env, error: TemplateSyntaxError) -> DomainError:
    """The error of a broken template, naming the first paragraph that fails on its own; the
    whole template's error when no paragraph does (an unclosed block)."""
    for paragraph in _paragraphs(template):
        try:
            env.compile(paragraph.source)
        except TemplateSyntaxError as own:
            if not _partial(own):
                message = _(
                    "Ошибка в шаблоне, %(where)s: %(error)s",
                    where=paragraph.where,
                    error=own.message,
                )
                return DomainError(message, "file")
    return DomainError(_("Ошибка в шаблоне: %(error)s", error=error.message), "file")


def _where(template: DocxTemplate, name: str, attribute: bool = False) -> str:
    """The first paragraph with `name` inside a Jinja tag, for a message; "" when not found.
    A placeholder is matched as a whole name (not `x.title` for `title`); an `attribute`
    after its dot."""
    before = r"(?<!\w)" if attribute else r"(?<![\w.])"
    pattern = re.compile(rf"{before}{re.escape(name)}(?!\w)")
    for paragraph in _paragraphs(template):
        tags = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", paragraph.text, flags=re.DOTALL)
        if any(pattern.search(tag) for tag in tags):
            return paragraph.where
    return ""


def _in(template: DocxTemplate, name: str, attribute: bool = False) -> str:
    """« (абзац 2 («…»))» to add to a message, or nothing when the paragraph is not found."""
    where = _where(template, name, attribute)
    return f" ({where})" if where else ""


def _check_names(template: DocxTemplate, kind: DocumentKind, used: set[str], env) -> None:
    """Refuse placeholders the kind does not offer, naming them and where the first is."""
    unknown = sorted(used - set(PLACEHOLDERS[kind]) - JINJA_NAMES - set(env.globals))
    if not unknown:
        return
    message = _(
        "В шаблоне неизвестное поле «%(name)s»%(where)s.",
        name=unknown[0],
        where=_in(template, unknown[0]),
    )
    if len(unknown) > 1:
        others = ", ".join(f"«{name}»" for name in unknown[1:])
        message += " " + _("Другие неизвестные поля: %(names)s.", names=others)
    raise DomainError(message, "file")


def validate_template(kind: DocumentKind | str, content: bytes) -> list[str]:
    """Check a school's template before it is stored and return the placeholders it uses.

    Refused (DomainError, field "file"): not a DOCX; broken Jinja (naming the paragraph);
    a placeholder `kind` does not offer; what the sandbox forbids; a trial fill with sample
    data that fails (a misspelt attribute such as `{{ p.nmae }}`, a type error)."""
    kind = template_kind(kind)
    template = _open(content)
    env = environment()
    try:
        ast = env.parse(_source(template))
        env.compile(ast)
    except Forbidden as error:
        where = _in(template, error.needle, error.attribute)
        message = _("В шаблоне %(error)s%(where)s.", error=error.message, where=where)
        raise DomainError(message, "file") from None
    except TemplateSyntaxError as error:
        raise _syntax_error(template, env, error) from None
    used = meta.find_undeclared_variables(ast)
    _check_names(template, kind, used, env)
    trial_fill(kind, content)
    return sorted(used & set(PLACEHOLDERS[kind]))
