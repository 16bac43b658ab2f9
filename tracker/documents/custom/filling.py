"""Filling a school's template with a document's data, in the sandbox, as DOCX bytes."""

from __future__ import annotations

from io import BytesIO

from docxtpl import DocxTemplate
from flask_babel import gettext as _

from tracker.documents.custom.context import context_for
from tracker.documents.custom.samples import SAMPLES
from tracker.documents.custom.sandbox import environment
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError


def _fill(content: bytes, context: dict, env) -> bytes:
    """The template filled with `context` in `env`, as DOCX bytes."""
    template = DocxTemplate(BytesIO(content))
    template.render(context, jinja_env=env, autoescape=True)
    buffer = BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def trial_fill(kind: DocumentKind, content: bytes) -> None:
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
