"""Filling a school's template with a document's data, in the sandbox, as DOCX bytes, in a
child process with limits on CPU time and memory (`limits`)."""

from __future__ import annotations

from io import BytesIO

from docxtpl import DocxTemplate
from flask_babel import gettext as _

from tracker.documents.custom.context import context_for
from tracker.documents.custom.limits import TemplateStopped, fill_limited
from tracker.documents.custom.samples import SAMPLES
from tracker.documents.models import DocumentKind
from tracker.errors import DomainError


def _fill(content: bytes, context: dict, env) -> bytes:
    """The template filled with `context` in `env`, as DOCX bytes (in the limited child process
    `limits.fill_limited` starts: never call it in the server's own process)."""
    template = DocxTemplate(BytesIO(content))
    template.render(context, jinja_env=env, autoescape=True)
    buffer = BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def trial_fill(kind: DocumentKind, content: bytes) -> None:
    """Fill the template with sample data, strictly: what would fail later fails at upload."""
    try:
        fill_limited(content, context_for(kind, SAMPLES[kind]), strict=True)
    except (ValueError, TemplateStopped) as error:
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
        return fill_limited(content, context, strict=False)
    except (ValueError, TemplateStopped) as error:
        raise DomainError(
            _("Шаблон школы не удаётся заполнить: %(error)s", error=_error_text(error))
        ) from None
