"""Security headers on every response of the web service.

- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` everywhere;
- HTML pages (the demo page, the dashboard, its error pages) get a Content-Security-Policy that
  allows only this origin's scripts (none inline), inline styles (the dashboard's and the demo
  page's), `data:` images, forms posting here, and no framing; `X-Frame-Options: DENY` too;
- `Strict-Transport-Security` when the service is reached over HTTPS (the request's scheme, or
  `PUBLIC_BASE_URL` starting with https:// behind a proxy).

A header a handler already set (a download's own `Content-Security-Policy`, say) is kept."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000"
_ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))
_HTML = ((b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"))


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = self.https or scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _added(list(message.get("headers") or []), https)
            await send(message)

        await self.app(scope, receive, with_headers)


def _added(headers: list[tuple[bytes, bytes]], https: bool) -> list[tuple[bytes, bytes]]:
    present = {name.lower() for name, _ in headers}
    html = any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in headers)
    wanted = list(_ALWAYS) + (list(_HTML) if html else []) + ([(b"strict-transport-security", HSTS.encode())]
                                                             if https else [])
    return headers + [(name, value) for name, value in wanted if name not in present]
