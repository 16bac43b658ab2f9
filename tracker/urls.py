"""Full URLs and the app's own origin, only from `TRACKER_BASE_URL`.

Every full URL the app writes (calendar feeds and the events inside them, links in messages,
the public page's feeds, the reset links) and the origin a form must come from (`OriginCSRF`)
are taken from the configured address, never from the request's `Host` header, which anyone
can set and which a proxy may pass on without its port. Production requires the address
(`tracker.create_app` refuses to start under gunicorn without it); the development server and
the tests may run without one, and then use the address their request came to.
"""

from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request
from flask_wtf.csrf import CSRFError, CSRFProtect

DEVELOPMENT_ADDRESS = "http://127.0.0.1:5000/"
DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url() -> str:
    """The address people reach the app at, ending in «/»."""
    configured = current_app.config.get("BASE_URL")
    if not configured:
        configured = request.url_root if has_request_context() else DEVELOPMENT_ADDRESS
    return configured.rstrip("/") + "/"


def external_url(endpoint: str, **values) -> str:
    """A full URL of an endpoint under `base_url()`, inside a request or outside one."""
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, the default port filled in; None for what is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def foreign_origin() -> str | None:
    """Why a state-changing request did not come from the app's own pages, or None if it did
    or cannot tell: its `Origin` (or, without one, its `Referer`) against `base_url()`. A
    request with neither (or `Origin: null`) is left to the CSRF token and the SameSite cookie.
    """
    sent = request.headers.get("Origin")
    if not sent or sent == "null":
        sent = request.referrer
    if not sent:
        return None
    expected = base_url()
    if origin(sent) != origin(expected):
        return f"origin {sent[:200]!r} is not {expected!r}"
    return None


class OriginCSRF(CSRFProtect):
    """Flask-WTF's token check, then the origin judged against `TRACKER_BASE_URL` instead of
    its own referrer check (`WTF_CSRF_SSL_STRICT`), which compares the Referer with the Host
    header and so refuses every form behind a proxy on a port of its own."""

    def protect(self, apply_exemptions=False):
        super().protect(apply_exemptions)
        if g.get("csrf_valid"):
            reason = foreign_origin()
            if reason:
                g.csrf_valid = False
                raise CSRFError(reason)
