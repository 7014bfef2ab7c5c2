"""What keeps the interface safe to point at pages written by others.

Everything an archived page holds is hostile: its text is escaped by the
templates (autoescape), its URLs become links only when they are http(s)
(:func:`archive.urls.is_web_url`, the ``web_url`` template test), and these
middlewares make the browser refuse what slips through anyway: no inline
script, no framing, no content sniffing, no referrer to the portals. The
interface only reads, so only GET and HEAD are answered.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No script at all, no inline style: an injected <script> or style="" is inert. The
# histogram is SVG drawn with attributes, which this allows.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self';"
    " form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Links lead to the portals: they need not learn what a researcher searched for.
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
# An archived capture is served with its own policy: a sandbox (an opaque origin, no
# script, no forms) that loads nothing from the portal or anywhere else.
CAPTURE_SECURITY_POLICY = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'"
)
ALLOWED_METHODS = ("GET", "HEAD")


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every response, but for a header the view set itself
    (the capture's stricter policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ReadOnlyMethodsMiddleware:
    """Answers 405 to any method but GET and HEAD, whatever the path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ALLOWED_METHODS:
            response = PlainTextResponse(
                "Chỉ đọc: phương thức không được phép.",
                status_code=405,
                headers={"Allow": ", ".join(ALLOWED_METHODS)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
