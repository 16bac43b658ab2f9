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
