"""Checks on every page the browser journeys pass, without a line in the journeys themselves.

* Accessibility: axe-core (from npm) runs in the page, WCAG 2.0 and 2.1 levels A and AA; a
  serious or critical violation fails the test, listed with its rule, help text, the selectors of
  the elements and the page's URL. A document is checked at the first call of the journey that may
  leave it (goto, click, press, reload, …: see `LEAVING_*`), in the state the journey brought it
  to, and the pages still open are checked when the test body ends.
* HTML: every text/html response the live server sends is kept as sent and, when the test body
  ends, checked by the Nu HTML checker (vnu-jar from npm), one Java run for the test's pages; any
  error fails the test, naming the request and the message. The HTML as sent, not
  `page.content()`: a serialised DOM hides parse errors (a stray end tag, a misnested element, a
  duplicated attribute).

A page met again in the session (the same markup but for its CSRF token, at the same viewport
size) is not checked again: what was found the first time is reported again, so each test still
answers for every page it passes, whatever ran before it.

The page's Content-Security-Policy stays in force (no `bypass_csp`): axe-core comes in as an
init script, which the policy does not govern, so the journeys also run under the real policy.

Nothing here skips: without node_modules or Java the browser tests fail and say what to install
(`make install` runs npm; `.ci/run` installs chromium and default-jre-headless).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ["serious", "critical"]
# vnu reports "error" for the document and "non-document-error" when it could not read one.
BLOCKING_HTML = {"error", "non-document-error"}
# One Java run per test, on a few pages: the quick compiler alone starts the checker sooner; its
# schema needs a deeper stack than the default (it asks for 512k at least).
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]

# The calls of a journey that may take a page to another document. A document left another way
# (page.keyboard, a script) is not looked at by axe-core; its HTML is still validated.
LEAVING_LOCATOR = ["click", "dblclick", "tap", "press"]
LEAVING_PAGE = ["goto", "reload", "go_back", "go_forward", "click", "dblclick", "tap", "press"]

CSRF_VALUE = re.compile(rb'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*')

# The document as it stands, once: null when it has no axe-core or was looked at already.
DOCUMENT = """() => {
  if (typeof axe === "undefined" || window.__trackerChecked) return null;
  window.__trackerChecked = true;
  return {
    url: location.href,
    size: `${innerWidth}x${innerHeight}`,
    html: document.documentElement.outerHTML,
  };
}"""

AXE_RUN = """async ([tags, impacts]) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
    iframes: false,
  });
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    }));
}"""


@cache
def tool_problems() -> tuple[str, ...]:
    """What is missing for the checks, each with what installs it; empty when all is there."""
    problems = []
    if not AXE_JS.is_file() or not VNU_JAR.is_file():
        problems.append(
            f"axe-core or vnu-jar is missing under {NODE_MODULES}: run "
            "`npm ci --prefix tests/browser` (`make install` does it)"
        )
    java = shutil.which("java")
    if java is None:
        problems.append(
            "java is not on PATH (the Nu HTML checker needs Java 11 or later): "
            "apt-get install default-jre-headless (`.ci/run` does it)"
        )
    else:
        version = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
        match = re.search(r'version "(?:1\.)?(\d+)', version.stderr + version.stdout)
        if not match or int(match.group(1)) < 11:
            problems.append(f"{java} is not Java 11 or later: {version.stderr.strip()!r}")
    return tuple(problems)


@cache
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def fingerprint(html: bytes, *extra: str) -> str:
    """The same for the same markup whatever its CSRF tokens."""
    digest = hashlib.sha256(CSRF_VALUE.sub(rb"\1", html))
    for part in extra:
        digest.update(part.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class ServedPage:
    request: str  # "GET /plan?status=done (200 OK)"
    html: bytes


class HtmlRecorder:
    """WSGI middleware: keeps every text/html response body the app sends, as sent."""

    def __init__(self, app):
        self.app = app
        self.pages: list[ServedPage] = []
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        seen = {}

        def start(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = {name.lower(): value for name, value in seen.get("headers", [])}
        shown = not seen.get("status", "").startswith("3")  # a redirect's body is never shown
        if shown and headers.get("content-type", "").startswith("text/html"):
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            request = f"{environ['REQUEST_METHOD']} {target} ({seen['status']})"
            with self._lock:
                self.pages.append(ServedPage(request, b"".join(chunks)))
        return chunks


@dataclass
class SessionFindings:
    """What the checks found on each page fingerprint so far in the session."""

    axe: dict[str, list[dict]] = field(default_factory=dict)
    html: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class PageChecks:
    """The checks of one test: the pages it watches, what axe found, the HTML the server sent."""

    folder: Path
    seen: SessionFindings
    base_url: str = ""
    recorder: HtmlRecorder | None = None
    pages: list = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # the URLs axe-core looked at

    # --- accessibility -------------------------------------------------------------------------

    def watch(self, page) -> None:
        """Give the page axe-core in every document it loads (an init script: no CSP applies)."""
        page.add_init_script(script=axe_source())
        self.pages.append(page)

    def check_before_leaving(self, monkeypatch) -> None:
        """Check a page at every call that may leave it, before the call (see `LEAVING_*`)."""
        from playwright.sync_api import Locator, Page

        def checked_first(method, page_of):
            def call(target, *args, **kwargs):
                self.check(page_of(target))
                return method(target, *args, **kwargs)

            return call

        for name in LEAVING_LOCATOR:
            method = getattr(Locator, name)
            monkeypatch.setattr(Locator, name, checked_first(method, lambda locator: locator.page))
        for name in LEAVING_PAGE:
            method = getattr(Page, name)
            monkeypatch.setattr(Page, name, checked_first(method, lambda page: page))

    def check(self, page) -> None:
        """Run axe-core on the page's document unless it was checked already."""
        if page.is_closed() or not page.url.startswith(("http://", "https://")):
            return
        try:
            page.wait_for_load_state("load")
            document = page.evaluate(DOCUMENT)
            if document is None:
                return
            key = fingerprint(document["html"].encode(), document["size"])
            if key not in self.seen.axe:
                self.seen.axe[key] = page.evaluate(AXE_RUN, [AXE_TAGS, BLOCKING_IMPACTS])
        except Exception as error:  # noqa: BLE001 - a check that could not run must say so
            self.findings.append(f"axe-core could not check {self.short(page.url)}: {error}")
            return
        url = self.short(document["url"])
        self.checked.append(url)
        for violation in self.seen.axe[key]:
            self.findings.append(
                f"{url}: {violation['id']} ({violation['impact']}): {violation['help']}\n"
                + "\n".join(f"      at {target}" for target in violation["targets"])
            )

    def short(self, url: str) -> str:
        return url.removeprefix(self.base_url) or "/"

    # --- HTML ----------------------------------------------------------------------------------

    def html_errors(self) -> list[str]:
        """The Nu HTML checker's errors on the pages of this test, in one Java run for the new."""
        if self.recorder is None:
            return []
        served = {}  # fingerprint: the requests that got that page
        for page in self.recorder.pages:
            served.setdefault(fingerprint(page.html), (page.html, []))[1].append(page.request)
        new = {key: html for key, (html, _) in served.items() if key not in self.seen.html}
        if new:
            problem = self.validate(new)
            if problem:
                return [problem]
        errors = []
        for key, (_, requests) in served.items():
            errors.extend(f"{' = '.join(requests)}: {error}" for error in self.seen.html[key])
        return errors

    def validate(self, pages: dict[str, bytes]) -> str | None:
        """Validate the pages (by fingerprint) into `seen.html`; a message if vnu failed."""
        folder = self.folder / "served-html"
        folder.mkdir(parents=True, exist_ok=True)
        for key, html in pages.items():
            (folder / f"{key}.html").write_bytes(html)
            self.seen.html[key] = []
        command = ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR)]
        command += ["--format", "json", "--stdout", "--exit-zero-always"]
        command += [str(folder / f"{key}.html") for key in pages]
        run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        try:
            messages = json.loads(run.stdout)["messages"]
        except (ValueError, KeyError):
            for key in pages:
                del self.seen.html[key]
            return f"the Nu HTML checker failed (exit {run.returncode}): {run.stderr[-2000:]}"
        stray = []
        for message in messages:
            if message.get("type") not in BLOCKING_HTML:
                continue
            key = message.get("url", "").rpartition("/")[2].removesuffix(".html")
            extract = (message.get("extract") or "").strip()
            text = f"line {message.get('lastLine', '?')}: {message.get('message')}" + (
                f"\n      in: {extract!r}" if extract else ""
            )
            if key in pages:
                self.seen.html[key].append(text)
            else:
                stray.append(f"{message.get('url')}: {text}")
        return "the Nu HTML checker: " + "; ".join(stray) if stray else None

    # --- the end of a test ---------------------------------------------------------------------

    def finish(self) -> None:
        """Check the pages still open, validate the HTML, and fail listing everything found."""
        for page in self.pages:
            self.check(page)
        report = []
        if self.findings:
            report.append(
                "Accessibility (axe-core, WCAG 2.0/2.1 A and AA), serious or critical:\n"
                + "\n".join(f"  {finding}" for finding in self.findings)
            )
        html = self.html_errors()
        if html:
            report.append(
                "HTML (the Nu HTML checker), errors:\n" + "\n".join(f"  {error}" for error in html)
            )
        if report:
            raise AssertionError("\n\n".join(report))
