"""The sandbox a school's template runs in: Jinja's sandboxed environment without includes,
`|safe` or `{% autoescape false %}`, with limits on what `*` and `**` may make."""

from __future__ import annotations

from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from tracker.documents.custom.fields import MAX_EXPONENT, MAX_PRODUCT

FORBIDDEN_TAGS = {
    nodes.Include: "include",
    nodes.Extends: "extends",
    nodes.Import: "import",
    nodes.FromImport: "import",
    nodes.EvalContextModifier: "autoescape",  # turning escaping off would let typed XML in
}
# Attribute and item lookups: `find_all` gives back either kind (typed so, not as any `Expr`).
LOOKUPS: tuple[type[nodes.Getattr | nodes.Getitem], ...] = (nodes.Getattr, nodes.Getitem)


class Forbidden(TemplateSyntaxError):
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
        if (found := ast.find(node_type)) is not None:
            raise Forbidden(_("недопустимая команда «%(tag)s»", tag=tag), tag, found.lineno)
    for node in ast.find_all(LOOKUPS):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", "")
        if isinstance(name, str) and name.startswith("_"):
            message = _("недопустимое обращение к «%(name)s»", name=name)
            raise Forbidden(message, name, node.lineno, attribute=True)


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
