"""A school's own DOCX templates (docxtpl) for the documents the tracker generates.

A school may upload, for a kind of document, a DOCX with Jinja placeholders (`{{ title }}`,
`{% for p in points %}{{ p }}{% endfor %}`); its documents of that kind are then filled into it
instead of the built-in office form. `PLACEHOLDERS[kind]` lists what a kind offers, and
`context_for()` fills it from the same dataclasses the built-in builders take.

A template is written by the school and its values are typed by users, so the template runs in
Jinja's sandbox (no Python internals, no `|safe`, no `{% autoescape false %}`, no includes),
every value is cleaned of characters XML forbids (`clean()`) and escaped on output
(autoescape): no typed text can add XML — a Word field, a broken tag — to the document. An
uploaded template is checked: a DOCX, valid Jinja, known placeholders, a trial fill that works.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docxtpl import DocxTemplate
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from sqlalchemy import select

from tracker.accounts.models import Person, School
from tracker.audit import services as audit
from tracker.documents.builders import (
    DEFAULT_OBJECT,
    LIST_ITEM,
    SECTION,
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
    recommendation_text,
    stamp_lines,
    violations_text,
)
from tracker.documents.docx_form import BLANK_NUMBER, clean, requisite_line, ru_date
from tracker.documents.models import DocumentKind, DocumentTemplate
from tracker.errors import DomainError
from tracker.extensions import db

MAX_SIZE = 5 * 1024 * 1024  # the uploaded file
MAX_UNPACKED = 100 * 1024 * 1024  # its parts unpacked: a small zip may hold gigabytes
MAX_PRODUCT = 100_000  # characters or items `*` may make ('x' * 10**9 would fill the memory)
MAX_EXPONENT = 1000
BLANK_PUPIL = "________________________________"

# --- the placeholders of each kind ---

SCHOOL_FIELDS = {
    "school_full_name": "полное наименование школы",
    "school_short_name": "краткое наименование школы",
    "school_city": "город",
    "director_name": "директор, как в подписи (Т. П. Иванова)",
}
STAMP_NOTE = "строки грифа через перенос; пусто, если такого шага в маршруте нет"
ACT_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "название акта целиком",
    "title_kind": "первое слово названия прописными (ПОЛОЖЕНИЕ)",
    "title_subject": "остальная часть названия (об электронном журнале)",
    "version_number": "номер редакции текста",
    "body_text": "текст акта целиком, строки через перенос",
    "sections": "разделы: список {heading, points: [пункты]}",
    "stamp_ped_council": f"гриф «ПРИНЯТО» педагогического совета ({STAMP_NOTE})",
    "stamp_parents_council": f"гриф «УЧТЕНО» Совета родителей ({STAMP_NOTE})",
    "stamp_students_council": f"гриф «УЧТЕНО» Совета обучающихся ({STAMP_NOTE})",
    "stamp_employees_body": f"гриф «УЧТЕНО» представительного органа работников ({STAMP_NOTE})",
    "stamp_order": f"гриф «УТВЕРЖДЕНО» приказом директора ({STAMP_NOTE})",
    "appendix_to": "строка «Приложение к приказу…»; пусто, если акт не приложение к приказу",
}
ORDER_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "заголовок приказа («О переходе на …»)",
    "number": f"номер приказа ({BLANK_NUMBER}, пока его нет)",
    "date": "дата приказа, 05.06.2023 (пустой бланк даты, пока её нет)",
    "preamble": "текст перед «ПРИКАЗЫВАЮ»",
    "points": "пункты приказа: список строк без номеров (номер — loop.index)",
    "table_header": "заголовки столбцов таблицы приказа; пустой список, если таблицы нет",
    "table_rows": "строки таблицы приказа: список списков ячеек",
    "familiarise": "кто должен ознакомиться: список {name, position}",
    "appendices": "утверждаемые акты, у каждого поля локального акта (a.title, a.sections…); "
    "пусто, если приложений нет",
}
PROTOCOL_FIELDS = {
    **SCHOOL_FIELDS,
    "body_genitive": "орган в родительном падеже («педагогического совета»)",
    "number": "номер протокола",
    "date": "дата заседания, 05.06.2023",
    "place": "место проведения",
    "chair": "председатель",
    "secretary": "секретарь",
    "members": "число членов органа",
    "present": "сколько присутствовали; пусто, если не отмечено",
    "absent": "сколько отсутствовали; пусто, если не отмечено",
    "items": "вопросы повестки: список {title, speaker, comments: [{section, text, author}], "
    "decision, votes_for, votes_against, votes_abstained, remarks}; голоса пусты, "
    "если не голосовали",
}
PLAN_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "название плана",
    "as_of": "дата, на которую показано состояние, 05.06.2023",
    "phases": "этапы: список {title, rows: [{number, title, window, responsible, status}]}",
}
SHEET_FIELDS = {
    **SCHOOL_FIELDS,
    "order_title": "заголовок приказа",
    "number": f"номер приказа ({BLANK_NUMBER}, пока его нет)",
    "date": "дата приказа, 05.06.2023 (пустой бланк даты, пока её нет)",
    "people": "кто знакомится: список {name, position}",
}
CONSENT_FIELDS = {
    **SCHOOL_FIELDS,
    "school_address": "адрес школы (оператора персональных данных)",
    "pupils": "обучающиеся, по согласию на каждого: список {pupil, class_name}; "
    "один пустой бланк, если список не задан",
}
CONTROL_REPORT_FIELDS = {
    **SCHOOL_FIELDS,
    "title": "тема контроля (название проверки)",
    "label": "проверяемый период («октябрь 2026», «1 четверть»)",
    "date": "дата проверки, 05.06.2023 (пустой бланк даты, пока её нет)",
    "objects": "объект контроля: классы или учителя («электронный журнал», если не указан)",
    "checker_name": "проверяющий, Ф. И. О. полностью",
    "checker_position": "должность проверяющего",
    "checker_signature": "проверяющий, как в подписи (Е. В. Смирнова)",
    "findings": "результаты по критериям: список {number, criterion, violations, "
    "violations_text, comment}; violations — число, violations_text — «нет» при нуле",
    "total_violations": "всего нарушений (число)",
    "conclusion": "выводы",
    "recommendations": "рекомендации: список {text, person, position, due_on, sentence}; "
    "due_on — 05.06.2023, sentence — рекомендация с ответственным и сроком одной фразой",
    "familiarise": "кто знакомится со справкой (названные в рекомендациях): "
    "список {name, position}",
}
PLACEHOLDERS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.ACT: ACT_FIELDS,
    DocumentKind.ORDER: ORDER_FIELDS,
    DocumentKind.TRANSITION_ORDER: ORDER_FIELDS,
    DocumentKind.DUTIES_ORDER: ORDER_FIELDS,
    DocumentKind.PROTOCOL: PROTOCOL_FIELDS,
    DocumentKind.PLAN: PLAN_FIELDS,
    DocumentKind.SHEET: SHEET_FIELDS,
    DocumentKind.CONSENT: CONSENT_FIELDS,
    DocumentKind.CONTROL_REPORT: CONTROL_REPORT_FIELDS,
}
# Names a template may use besides the placeholders: Jinja's loop variable (names bound by
# `{% for %}` and `{% set %}` are never reported as undeclared) and the environment's globals.
JINJA_NAMES = frozenset({"loop"})

# --- from the builders' dataclasses to a template's context ---


def _school(info: SchoolInfo) -> dict:
    """The school fields every kind offers."""
    return {
        "school_full_name": clean(info.full_name),
        "school_short_name": clean(info.short_name),
        "school_city": clean(info.city),
        "director_name": clean(info.director_name),
    }


def _stamp(stamps: tuple[Stamp, ...], kind: str, school: SchoolInfo) -> str:
    """One stamp's lines joined by newlines (Word line breaks), or "" when the route has no such
    step."""
    stamp = next((stamp for stamp in stamps if stamp.kind == kind), None)
    return clean("\n".join(stamp_lines(stamp, school))) if stamp else ""


def _sections(body_text: str) -> list[dict]:
    """The act's text as sections with their points, read as the built-in form reads it:
    «1. Title» starts a section; list items get a dash; text before any section goes into a
    section with an empty heading."""
    sections: list[dict] = []
    for line in clean(body_text).splitlines():
        line = line.strip()
        if not line:
            continue
        if section := SECTION.match(line):
            heading = f"{section.group(1)}. {section.group(2).strip()}"
            sections.append({"heading": heading, "points": []})
            continue
        if not sections:
            sections.append({"heading": "", "points": []})
        item = LIST_ITEM.match(line)
        sections[-1]["points"].append(f"– {item.group(1).strip()}" if item else line)
    return sections


def _act(act: ActDoc) -> dict:
    """A local act: its title split as the built-in form shows it, text, sections, stamps."""
    title = clean(act.title).strip()
    kind, _space, subject = title.partition(" ")
    stamps = {
        f"stamp_{step}": _stamp(act.stamps, step, act.school)
        for step in ("ped_council", "parents_council", "students_council", "employees_body")
    }
    return {
        **_school(act.school),
        "title": title,
        "title_kind": kind.upper(),
        "title_subject": subject,
        "version_number": act.version_number,
        "body_text": clean(act.body_text),
        "sections": _sections(act.body_text),
        **stamps,
        "stamp_order": _stamp(act.stamps, "order", act.school),
        "appendix_to": clean(act.appendix_to),
    }


def _people(people: tuple[tuple[str, str], ...]) -> list[dict]:
    return [{"name": clean(name), "position": clean(position)} for name, position in people]


def _order(order: OrderDoc) -> dict:
    """An order: its requisites (blank while pending), points, table, readers and appendix."""
    header, rows = order.table or ((), ())
    return {
        **_school(order.school),
        "title": clean(order.title),
        "number": clean(order.number) if order.number else BLANK_NUMBER,
        "date": ru_date(order.issued_on),
        "preamble": clean(order.preamble),
        "points": [clean(point) for point in order.points],
        "table_header": [clean(cell) for cell in header],
        "table_rows": [[clean(cell) for cell in row] for row in rows],
        "familiarise": _people(order.familiarise),
        "appendices": [_act(act) for act in order.appendices],
    }


def _protocol_item(item: ProtocolItem) -> dict:
    """One agenda item; votes are numbers when a vote was held (as the built-in form shows
    them), "" otherwise."""
    voted = item.votes[0] is not None
    votes = [(count or 0) if voted else "" for count in item.votes]
    return {
        "title": clean(item.title),
        "speaker": clean(item.speaker),
        "comments": [
            {"section": clean(section), "text": clean(text), "author": clean(author)}
            for section, text, author in item.comments
        ],
        "decision": clean(item.decision),
        "votes_for": votes[0],
        "votes_against": votes[1],
        "votes_abstained": votes[2],
        "remarks": clean(item.remarks),
    }


def _protocol(protocol: ProtocolDoc) -> dict:
    """Minutes of a meeting: requisites, attendance ("" when not recorded), agenda items."""
    present = protocol.present
    return {
        **_school(protocol.school),
        "body_genitive": clean(protocol.body_genitive),
        "number": clean(protocol.number),
        "date": ru_date(protocol.held_on),
        "place": clean(protocol.place),
        "chair": clean(protocol.chair),
        "secretary": clean(protocol.secretary),
        "members": protocol.members,
        "present": present if present is not None else "",
        "absent": max(protocol.members - present, 0) if present is not None else "",
        "items": [_protocol_item(item) for item in protocol.items],
    }


def _plan_row(row: PlanRow) -> dict:
    return {
        "number": clean(row.number),
        "title": clean(row.title),
        "window": clean(row.window),
        "responsible": clean(row.responsible),
        "status": clean(row.status),
    }


def _plan(plan: PlanDoc) -> dict:
    """The plan-schedule: its phases, each with its rows."""
    return {
        **_school(plan.school),
        "title": clean(plan.title),
        "as_of": ru_date(plan.as_of),
        "phases": [
            {"title": clean(title), "rows": [_plan_row(row) for row in rows]}
            for title, rows in plan.phases
        ],
    }


def _sheet(sheet: SheetDoc) -> dict:
    """The familiarisation sheet: the order's requisites and who signs."""
    return {
        **_school(sheet.school),
        "order_title": clean(sheet.order_title),
        "number": clean(sheet.number) if sheet.number else BLANK_NUMBER,
        "date": ru_date(sheet.issued_on),
        "people": _people(sheet.people),
    }


def _consents(consents: ConsentDoc) -> dict:
    """The consent forms: one blank pupil when none is given, as the built-in form prints."""
    pupils = consents.pupils or (Consent(BLANK_PUPIL),)
    return {
        **_school(consents.school),
        "school_address": clean(consents.school.address),
        "pupils": [
            {"pupil": clean(pupil.pupil), "class_name": clean(pupil.class_name)} for pupil in pupils
        ],
    }


def _finding(number: int, finding: ReportFinding) -> dict:
    return {
        "number": number,
        "criterion": clean(finding.criterion),
        "violations": finding.violations,
        "violations_text": violations_text(finding.violations),
        "comment": clean(finding.comment),
    }


def _recommendation(recommendation: ReportRecommendation) -> dict:
    return {
        "text": clean(recommendation.text),
        "person": clean(recommendation.person),
        "position": clean(recommendation.position),
        "due_on": ru_date(recommendation.due_on),
        "sentence": clean(recommendation_text(recommendation)),
    }


def _control_report(report: ControlReportDoc) -> dict:
    """The report on a control check: requisites, findings, recommendations and readers, as
    the built-in form shows them."""
    return {
        **_school(report.school),
        "title": clean(report.check_title),
        "label": clean(report.label),
        "date": ru_date(report.checked_on),
        "objects": clean(report.objects.strip() or DEFAULT_OBJECT),
        "checker_name": clean(report.checker_name),
        "checker_position": clean(report.checker_position),
        "checker_signature": clean(report.checker_signature),
        "findings": [
            _finding(number, finding) for number, finding in enumerate(report.findings, start=1)
        ],
        "total_violations": report.total_violations,
        "conclusion": clean(report.conclusion),
        "recommendations": [_recommendation(r) for r in report.recommendations],
        "familiarise": _people(report.familiarise),
    }


CONTEXTS: dict[DocumentKind, tuple[type, Callable[[object], dict]]] = {
    DocumentKind.ACT: (ActDoc, _act),
    DocumentKind.ORDER: (OrderDoc, _order),
    DocumentKind.TRANSITION_ORDER: (OrderDoc, _order),
    DocumentKind.DUTIES_ORDER: (OrderDoc, _order),
    DocumentKind.PROTOCOL: (ProtocolDoc, _protocol),
    DocumentKind.PLAN: (PlanDoc, _plan),
    DocumentKind.SHEET: (SheetDoc, _sheet),
    DocumentKind.CONSENT: (ConsentDoc, _consents),
    DocumentKind.CONTROL_REPORT: (ControlReportDoc, _control_report),
}


def context_for(kind: DocumentKind | str, data: object) -> dict:
    """The placeholders of `kind` filled from its builder dataclass, every string cleaned.

    A dataclass of another kind is a programming error (TypeError), not the user's."""
    expected, build = CONTEXTS[_kind(kind)]
    if not isinstance(data, expected):
        raise TypeError(f"{kind} needs {expected.__name__}, not {type(data).__name__}")
    return build(data)


def _kind(kind: DocumentKind | str) -> DocumentKind:
    """The kind, refused (field "kind") when unknown or when it takes no school template."""
    try:
        kind = DocumentKind(kind)
    except ValueError:
        kind = None
    if kind not in PLACEHOLDERS:
        raise DomainError(_("Для документов этого вида свой шаблон загрузить нельзя."), "kind")
    return kind


# --- the sandbox ---


FORBIDDEN_TAGS = {
    nodes.Include: "include",
    nodes.Extends: "extends",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.EvalContextModifier: "autoescape",  # turning escaping off would let typed XML in
}


class _Forbidden(TemplateSyntaxError):
    """A construct school templates may not use; `needle` is what to look for in the text."""

    def __init__(self, message: str, needle: str, lineno: int, attribute: bool = False):
        super().__init__(message, lineno)
        self.needle = needle
        self.attribute = attribute


def _forbid(ast: nodes.Template) -> None:
    """Refuse other files (nothing to include, and no file of the server is the school's),
    escaping turned off, and Python's service attributes (`__class__`), whatever the sandbox
    would do with them at fill time."""
    for node_type, tag in FORBIDDEN_TAGS.items():
        if (node := ast.find(node_type)) is not None:
            raise _Forbidden(_("недопустимая команда «%(tag)s»", tag=tag), tag, node.lineno)
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", "")
        if isinstance(name, str) and name.startswith("_"):
            message = _("недопустимое обращение к «%(name)s»", name=name)
            raise _Forbidden(message, name, node.lineno, attribute=True)


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with `_forbid()` applied to every template it compiles and `*`, `**`
    bounded: `{{ 'x' * 10**9 }}` must not fill the server's memory (the sandbox itself bounds
    `range`)."""

    intercepted_binops = frozenset({"*", "**"})

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Compile as Jinja does, refusing forbidden constructs first: a template stored before
        a check existed, or never checked, still cannot turn escaping off."""
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        _forbid(source)
        return super().compile(source, name, filename, raw, defer_init)

    def call_binop(self, context, operator, left, right):
        """Refuse products longer than MAX_PRODUCT and powers above MAX_EXPONENT."""
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise SecurityError(_("слишком большая степень"))
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                    if len(sequence) * count > MAX_PRODUCT:
                        raise SecurityError(_("слишком длинное произведение"))
        return super().call_binop(context, operator, left, right)


def environment(strict: bool = False) -> SandboxedEnvironment:
    """The sandboxed, autoescaping environment every school template runs in, without `safe`
    (it would let typed text through unescaped). `strict`: an unknown name or attribute is an
    error, for the trial fill at upload; a real fill leaves it empty."""
    env = _Sandbox(autoescape=True, undefined=StrictUndefined if strict else Undefined)
    env.filters.pop("safe", None)
    return env


# --- reading a template ---


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
    kind = _kind(kind)
    template = _open(content)
    env = environment()
    try:
        ast = env.parse(_source(template))
        env.compile(ast)
    except _Forbidden as error:
        where = _in(template, error.needle, error.attribute)
        message = _("В шаблоне %(error)s%(where)s.", error=error.message, where=where)
        raise DomainError(message, "file") from None
    except TemplateSyntaxError as error:
        raise _syntax_error(template, env, error) from None
    used = meta.find_undeclared_variables(ast)
    _check_names(template, kind, used, env)
    _trial(kind, content)
    return sorted(used & set(PLACEHOLDERS[kind]))


# --- filling a template ---


def _fill(content: bytes, context: dict, env) -> bytes:
    """The template filled with `context` in `env`, as DOCX bytes."""
    template = DocxTemplate(BytesIO(content))
    template.render(context, jinja_env=env, autoescape=True)
    buffer = BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def _trial(kind: DocumentKind, content: bytes) -> None:
    """Fill the template with sample data, strictly: what would fail later fails at upload."""
    try:
        _fill(content, context_for(kind, SAMPLES[kind]), environment(strict=True))
    except Exception as error:  # the school's template is foreign code: any failure is theirs
        raise DomainError(
            _("Шаблон не удаётся заполнить: %(error)s", error=_error_text(error)), "file"
        ) from None


def _error_text(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def render_template(kind: DocumentKind | str, content: bytes, data: object) -> bytes:
    """The school's template filled with `data` (a builder dataclass of `kind`), as DOCX bytes.

    Runs in the sandbox with autoescape, every value cleaned: typed text cannot add XML. A name
    the data lacks is left empty; a template that fails is a DomainError."""
    context = context_for(kind, data)
    try:
        return _fill(content, context, environment())
    except Exception as error:  # the school's template is foreign code: any failure is theirs
        raise DomainError(
            _("Шаблон школы не удаётся заполнить: %(error)s", error=_error_text(error))
        ) from None


# --- sample data for the trial fill ---

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

# --- the school's templates ---


def _filename(filename: str) -> str:
    """The name as the user's computer had it, without folders or control characters."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename or "").replace("\\", "/")
    return name.rsplit("/", 1)[-1].strip()[:255] or "template.docx"


def active_template(school: School, kind: DocumentKind | str) -> DocumentTemplate | None:
    """The school's template in use for `kind` (the newest active one), or None for the
    built-in form."""
    return db.session.scalar(
        select(DocumentTemplate)
        .where(
            DocumentTemplate.school_id == school.id,
            DocumentTemplate.kind == str(kind),
            DocumentTemplate.is_active.is_(True),
        )
        .order_by(DocumentTemplate.id.desc())
        .limit(1)
    )


def active_templates(school: School) -> dict[str, DocumentTemplate]:
    """The school's templates in use, by kind: one query for a page listing every kind."""
    found: dict[str, DocumentTemplate] = {}
    for template in db.session.scalars(
        select(DocumentTemplate)
        .where(DocumentTemplate.school_id == school.id, DocumentTemplate.is_active.is_(True))
        .order_by(DocumentTemplate.id.desc())
    ):
        found.setdefault(str(template.kind), template)
    return found


def renderer(school: School, kind: DocumentKind | str, build: Callable[[object], bytes]):
    """How a document of `kind` is made for this school: (its template, or None, and the
    function from data to bytes) — the school's own template when it has one, else `build`."""
    template = active_template(school, kind) if kind in PLACEHOLDERS else None
    if template is None:
        return None, build
    return template, lambda data: render_template(kind, template.content, data)


def upload_template(
    school: School, actor: Person | None, kind: DocumentKind | str, filename: str, content: bytes
) -> DocumentTemplate:
    """Store a school's template for `kind` after checking it; it replaces the previous one
    (kept, inactive, for history). Audited; flushed, not committed."""
    kind = _kind(kind)
    if len(content or b"") > MAX_SIZE:
        raise DomainError(_("Файл больше 5 МБ."), "file")
    placeholders = validate_template(kind, content)
    previous = db.session.scalars(
        select(DocumentTemplate).where(
            DocumentTemplate.school_id == school.id,
            DocumentTemplate.kind == str(kind),
            DocumentTemplate.is_active.is_(True),
        )
    ).all()
    for old in previous:
        old.is_active = False
    template = DocumentTemplate(
        school_id=school.id,
        kind=kind,
        filename=_filename(filename),
        content=content,
        is_active=True,
        uploaded_by_id=actor.id if actor else None,
    )
    db.session.add(template)
    db.session.flush()
    audit.record_new(
        "document_template.upload",
        "document_template",
        template.id,
        school.id,
        actor,
        kind=str(kind),
        filename=template.filename,
        placeholders=placeholders,
        replaces=[old.id for old in previous],
    )
    return template


def deactivate_template(template: DocumentTemplate, actor: Person | None) -> None:
    """Stop using a school's template: its documents go back to the built-in form. The file is
    kept for history. Audited; nothing happens to a template already inactive."""
    if not template.is_active:
        return
    template.is_active = False
    db.session.flush()
    audit.record(
        "document_template.deactivate",
        "document_template",
        template.id,
        school_id=template.school_id,
        actor=actor,
        changes={"is_active": [True, False], "kind": [None, str(template.kind)]},
    )
