"""The page checks themselves: on a page made to fail them, they fail, and say where and why."""

import pytest

from tests.browser.checks import (
    HtmlRecorder,
    PageChecks,
    ServedPage,
    SessionFindings,
    tool_problems,
)

pytestmark = pytest.mark.browser

BASE = "http://checks.invalid"
BAD = b"""<!doctype html>
<html><head><meta charset="utf-8"></head>
<body><main>
<p><img src="/photo.png"></p>
<p style="color: #c8c8c8; background: #fff">Faint text nobody can read</p>
<p id="twice">One</p><p id="twice">Two</p>
<p><a href="/good">Next</a></p>
</main></body></html>
"""
GOOD = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Good</h1></main></body></html>
"""


def test_the_checks_catch_what_they_are_for(browser, tmp_path, monkeypatch):
    problems = tool_problems()
    if problems:
        pytest.fail("The browser checks cannot run:\n  " + "\n  ".join(problems))
    checks = PageChecks(tmp_path, SessionFindings(), base_url=BASE)
    checks.recorder = HtmlRecorder(app=None)
    checks.recorder.pages += [ServedPage("GET /bad (200 OK)", BAD), ServedPage("GET /good", GOOD)]
    checks.check_before_leaving(monkeypatch)
    context = browser.new_context()
    try:
        page = context.new_page()
        checks.watch(page)
        pages = {f"{BASE}/bad": BAD, f"{BASE}/good": GOOD}
        page.route(
            f"{BASE}/**",
            lambda route: route.fulfill(
                body=pages.get(route.request.url, b""), content_type="text/html; charset=utf-8"
            ),
        )
        page.goto(f"{BASE}/bad")
        page.get_by_role("link", name="Next").click()
        # The page was checked as the journey left it, before the test's end.
        assert any(finding.startswith("/bad: image-alt") for finding in checks.findings)
        page.wait_for_url(f"{BASE}/good")
        with pytest.raises(AssertionError) as failure:
            checks.finish()
    finally:
        context.close()

    report = str(failure.value)
    for expected in [
        "/bad: image-alt (critical): Images must have alternative text\n      at img",
        "/bad: html-has-lang (serious)",
        "/bad: color-contrast (serious)",
        "/bad: document-title (serious)",
        "GET /bad (200 OK): line 6: Duplicate ID “twice”.",
        "GET /bad (200 OK): line 4: An “img” element must have an “alt” attribute",
    ]:
        assert expected in report, report
    assert checks.checked == ["/bad", "/good"]
    assert "/good:" not in report and "GET /good:" not in report
