"""Runaway school templates against the limits of the child process that fills them: how long
until each is stopped, and how fast /login answers meanwhile (issue #17). Not in `make bench`'s
summary (no floor: the figure is the time to stop and the latency beside it).

    .venv/bin/python -m bench.template_limits
"""

from __future__ import annotations

import contextlib
import io
import secrets
import statistics
import tempfile
import threading
import time
from pathlib import Path

TEMPLATES = {
    "a loop of 10**10 turns": (
        "{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}"
    ),
    "a string of 1 GB": "{% for i in range(100000) %}{{ 'x' * 10000 }}{% endfor %}",
}


def docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def stop(app, template: str) -> tuple[float, str]:
    """Fill the template as a school's order; the seconds until it was stopped and why."""
    from tracker.documents.builders import OrderDoc, SchoolInfo
    from tracker.documents.custom.filling import render_template
    from tracker.documents.models import DocumentKind
    from tracker.errors import DomainError

    school = SchoolInfo(full_name="МБОУ СОШ № 20", short_name="МБОУ СОШ № 20", city="Ставрополь")
    with app.app_context():
        start = time.perf_counter()
        try:
            render_template(DocumentKind.ORDER, docx(template), OrderDoc(school, "x", "", ()))
        except DomainError as error:
            return time.perf_counter() - start, str(error)
    return time.perf_counter() - start, "not stopped"


def main() -> None:
    from flask_migrate import upgrade

    from tracker import create_app

    folder = Path(tempfile.mkdtemp(prefix="tracker-limits-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": secrets.token_hex(8),
            "INSTANCE_PATH": folder / "instance",
        }
    )
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade()
    client = app.test_client()
    client.get("/login")
    for name, template in TEMPLATES.items():
        outcome: list[tuple[float, str]] = []
        filler = threading.Thread(target=lambda t=template, kept=outcome: kept.append(stop(app, t)))
        filler.start()
        latencies = []
        while filler.is_alive():
            start = time.perf_counter()
            client.get("/login")
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
        filler.join()
        seconds, why = outcome[0]
        print(
            f"{name}: stopped after {seconds:.2f} s ({why[:100]}); /login meanwhile: "
            f"{len(latencies)} requests, median {statistics.median(latencies):.1f} ms, "
            f"max {max(latencies):.1f} ms"
        )


if __name__ == "__main__":  # the fork server's children import this module again
    main()
