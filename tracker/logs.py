"""The log: one JSON line per request and per event, on stderr, with the request's id.

A log collector (journald, Loki, Elastic, Vector) reads one JSON object per line. Every line
written while a request is answered carries its id, method, path, address and user, so an error
found in the log is the request a person reports: the error page shows the same id. The id is
the proxy's `X-Request-Id` when it sends a sane one (nginx: `proxy_set_header X-Request-Id
$request_id`), else a new one, and is answered in the `X-Request-Id` header.

    {"time": "2026-12-07T09:12:03.114Z", "level": "INFO", "logger": "tracker.access",
     "message": "POST /login 302", "request_id": "5f0c…", "method": "POST", "path": "/login",
     "address": "203.0.113.7", "user": null, "status": 302, "ms": 96.4}
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from flask_login import current_user

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
access = logging.getLogger("tracker.access")


def request_id() -> str:
    """This request's id (made on first use)."""
    if "request_id" not in g:
        sent = request.headers.get("X-Request-Id", "")
        g.request_id = sent if REQUEST_ID.fullmatch(sent) else secrets.token_hex(8)
    return g.request_id


def _user() -> str | None:
    try:
        return current_user.username if current_user and current_user.is_authenticated else None
    except Exception:  # the database is what failed: the line is still written
        return None


def request_fields() -> dict:
    return {
        "request_id": request_id(),
        "method": request.method,
        "path": request.path[:300],
        "address": request.remote_addr,
        "user": _user(),
    }


class _Stderr(logging.StreamHandler):
    """A handler writing to whatever `sys.stderr` is at the moment (a test's capture, say)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        line: dict = {
            "time": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            line.update(request_fields())
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def init_app(app: Flask) -> None:
    """JSON lines for every `tracker.*` logger (the app's and its modules'), and the access
    line after every request."""
    logger = logging.getLogger("tracker")
    logger.removeHandler(default_handler)
    if not any(isinstance(h.formatter, JsonLines) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        request_id()

    @app.after_request
    def _access(response):
        if app.config.get("ACCESS_LOG", True):
            took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
            access.info(
                "%s %s %s",
                request.method,
                request.path[:300],
                response.status_code,
                extra={"fields": {"status": response.status_code, "ms": round(took, 1)}},
            )
        response.headers["X-Request-Id"] = request_id()
        return response
