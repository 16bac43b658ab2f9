"""Dependencies point one way: every import under `tracker/` follows the order written in
`docs/architecture.md`, imports inside functions included, and every module is part of the
product (reached from the app or the command line, not only from `bench/` or the tests)."""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACKER = ROOT / "tracker"

# The domain packages, lowest first: a package may import itself and those before it.
DOMAIN = (
    "jobs",
    "audit",
    "mail",
    "accounts",
    "plans",
    "controls",
    "acts",
    "approvals",
    "documents",
    "publication",
    "ical",
    "reminders",
)
KERNEL = frozenset(
    {
        "tracker.types",
        "tracker.errors",
        "tracker.extensions",
        "tracker.config",
        "tracker.queue",
        "tracker.urls",
    }
)
SHARED_WEB = frozenset(
    {"tracker.web", "tracker.views_common", "tracker.forms", "tracker.logs", "tracker.health"}
)
APPLICATION = frozenset(
    {"tracker", "tracker.cli", "tracker.seed", "tracker.demo", "tracker.export", "tracker.backup"}
)
LAYERS = ("kernel", "domain", "web", "application")
# What runs first: the app factory and the console script.
ENTRY_POINTS = ("tracker", "tracker.cli")


@dataclass(frozen=True)
class Module:
    name: str

    @property
    def package(self) -> str | None:
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 and parts[1] in DOMAIN else None

    @property
    def is_views(self) -> bool:
        last = self.name.rsplit(".", 1)[-1]
        return self.package is not None and (last == "views" or last.endswith("_views"))

    @property
    def is_forms(self) -> bool:
        last = self.name.rsplit(".", 1)[-1]
        return self.package is not None and (last == "forms" or last.endswith("_forms"))

    @property
    def layer(self) -> str:
        if self.name in KERNEL:
            return "kernel"
        if self.name in APPLICATION:
            return "application"
        if self.name in SHARED_WEB or self.is_views or self.is_forms:
            return "web"
        if self.package is not None:
            return "domain"
        raise AssertionError(f"{self.name} is in no layer: place it in docs/architecture.md")


def why_not(importer: Module, target: Module) -> str | None:
    """None when `importer` may import `target`, else the rule it breaks."""
    if importer.package is not None and importer.package == target.package:
        if importer.layer == "domain" and target.layer == "web":
            return "the package's domain modules import its views or forms"
        if importer.is_forms and target.is_views:
            return "forms import no views"
        return None
    low, high = LAYERS.index(target.layer), LAYERS.index(importer.layer)
    if low < high:
        return None
    if low > high:
        return f"the {importer.layer} layer imports the {target.layer} layer above it"
    if importer.layer == "domain":
        if DOMAIN.index(target.package) > DOMAIN.index(importer.package):
            return f"{importer.package} stands below {target.package} in the domain order"
        return None
    if importer.layer == "web":
        if target.name in SHARED_WEB:
            return None
        if importer.name in SHARED_WEB:
            return "the shared web helpers import a package's views or forms"
        if target.is_forms and importer.is_views:
            return None
        return "a package's views or forms import another package's views or forms"
    return None  # the kernel and the application each in themselves


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def known_modules() -> set[str]:
    return {module_name(path) for path in TRACKER.rglob("*.py")}


def imports_of(source: str, name: str, modules: set[str]) -> list[tuple[int, str]]:
    """The tracker modules a source imports, anywhere in it: (line, module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}:{node.lineno}: imports are absolute here"
            base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if candidate in modules else base))
    return [(line, target) for line, target in found if target.split(".")[0] == "tracker"]


def violations(sources: dict[str, str]) -> list[str]:
    """Every import against the order in `sources` (module name → its source)."""
    modules = known_modules() | set(sources)
    found = []
    for name, source in sorted(sources.items()):
        importer = Module(name)
        for line, target in imports_of(source, name, modules):
            reason = why_not(importer, Module(target))
            if reason:
                found.append(f"{name}:{line} imports {target}: {reason}")
    return found


def tracker_sources() -> dict[str, str]:
    return {module_name(path): path.read_text(encoding="utf-8") for path in TRACKER.rglob("*.py")}


def test_every_import_follows_the_order():
    assert violations(tracker_sources()) == []


def test_a_wrong_import_is_caught_wherever_it_stands():
    """The check itself can fail: an upward import at the top of a module, inside a function,
    from a view into another package's view, and from a model into its own package's views."""
    assert violations(
        {
            "tracker.audit.services": "from tracker.accounts.models import Person\n",
            "tracker.plans.services": "def later():\n    from tracker.approvals import queries\n",
            "tracker.acts.views": "from tracker.approvals.views import bp\n",
            "tracker.controls.models": "import tracker.controls.views\n",
            "tracker.types": "from tracker.web import ru_date\n",
        }
    ) == [
        "tracker.acts.views:1 imports tracker.approvals.views: "
        "a package's views or forms import another package's views or forms",
        "tracker.audit.services:1 imports tracker.accounts.models: "
        "audit stands below accounts in the domain order",
        "tracker.controls.models:1 imports tracker.controls.views: "
        "the package's domain modules import its views or forms",
        "tracker.plans.services:2 imports tracker.approvals.queries: "
        "plans stands below approvals in the domain order",
        "tracker.types:1 imports tracker.web: the kernel layer imports the web layer above it",
    ]


def test_every_module_is_in_a_layer():
    for name in known_modules():
        assert Module(name).layer in LAYERS


def test_every_module_is_part_of_the_product():
    """Reached from the app factory or the command line: nothing under `tracker/` serves only
    the benchmarks or the tests."""
    sources = tracker_sources()
    modules = set(sources)
    reached, todo = set(), list(ENTRY_POINTS)
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # its packages run too
        todo += [target for _line, target in imports_of(sources[name], name, modules)]
    assert sorted(modules - reached) == []


def test_the_documented_order_is_the_checked_one():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert " ← ".join(DOMAIN) in text
