"""Guards in front of every route of the web service, before any body is parsed.

- `BodySizeLimit` (ASGI middleware): a cap per kind of route, checked on `Content-Length` when
  there is one and on the bytes actually streamed in otherwise (chunked requests): past the cap
  the service answers 413 with a French JSON `detail` at once and reads no further.
- `RateLimiter`: fixed-window counters in memory (per process), for the widget's endpoints per
  client address (in the middleware, before the body is read) and per conversation (in the
  handlers, once the sender id is known). A refused request gets 429 with a French `detail`
  (and `error`, which the widget shows) and a `Retry-After` header.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from bot.config import Settings, rate

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MULTIPART_SLACK = 64 * 1024  # multipart boundaries and the other form fields around an upload
CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"}
MAX_KEYS = 50_000  # memory bound of a limiter: the oldest keys are forgotten first


# --------------------------------------------------------------------------------- rate limits


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds


class RateLimiter:
    """At most `limit` hits per key in a fixed window of `window` seconds (limit 0: no limit)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: OrderedDict[str, tuple[float, int]] = OrderedDict()

    @classmethod
    def from_setting(cls, spec: str) -> RateLimiter:
        return cls(*rate(spec))

    def hit(self, key: str) -> Verdict:
        if self.limit <= 0:
            return Verdict(True)
        now = self.clock()
        start, count = self._hits.get(key, (now, 0))
        if now - start >= self.window:
            start, count = now, 0
        if count >= self.limit:
            return Verdict(False, max(1, math.ceil(start + self.window - now)))
        self._hits[key] = (start, count + 1)
        self._hits.move_to_end(key)
        while len(self._hits) > MAX_KEYS:
            self._hits.popitem(last=False)
        return Verdict(True)


def rate_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    wait = "une minute" if minutes == 1 else f"{minutes} minutes"
    return (f"Vous avez envoyé beaucoup de demandes en peu de temps. Patientez {wait}, puis réessayez : "
            "votre conversation est conservée.")


def rate_limited_body(retry_after: int) -> dict[str, Any]:
    text = rate_message(retry_after)
    return {"detail": text, "error": text, "code": "rate_limited", "retry_after": retry_after, "messages": []}


def client_address(scope: Scope, trust_forwarded_for: bool) -> str:
    """The caller's address: the socket's peer, or behind a trusted proxy the address that
    proxy appended last to `X-Forwarded-For`."""
    if trust_forwarded_for:
        for name, value in scope.get("headers") or []:
            if name == b"x-forwarded-for":
                last = value.decode("latin-1").split(",")[-1].strip()
                if last:
                    return last[:64]
    client = scope.get("client")
    return str(client[0]) if client else "?"


# --------------------------------------------------------------------------------- the middleware


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Caps request bodies (see the module docstring) and applies the per-address rate limits
    of the widget's endpoints, both before the application reads anything."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.per_address = {
            "/chat/session": RateLimiter.from_setting(settings.rate_chat_session),
            "/chat/messages": RateLimiter.from_setting(settings.rate_chat_messages_per_address),
            "/chat/upload": RateLimiter.from_setting(settings.rate_chat_upload_per_address),
        }

    def limit_for(self, path: str) -> int:
        s = self.settings
        if path == "/chat/upload":
            return s.attachment_max_bytes + MULTIPART_SLACK
        if path.startswith("/chat/"):
            return s.chat_body_max_bytes
        if path.startswith("/channels/"):
            return s.webhook_body_max_bytes
        return s.staff_body_max_bytes

    def too_large_body(self, path: str, limit: int) -> dict[str, Any]:
        from bot.services.attachments import refusal, size_text

        if path == "/chat/upload":
            text = refusal("too_large", None, max_bytes=self.settings.attachment_max_bytes,
                           max_files=self.settings.attachment_max_files).message
        else:
            text = f"Requête trop volumineuse : {size_text(limit)} au plus."
        return {"detail": text, "error": text, "code": "too_large", "messages": []}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path") or ""
        cors = path.startswith("/chat/")
        if await self._refused_before_reading(scope, path, cors, send):
            return
        limit = self.limit_for(path)

        async def too_large() -> None:
            await _json(send, 413, self.too_large_body(path, limit), cors)

        body = _CappedBody(receive, send, limit, too_large)
        try:
            await self.app(scope, body.receive, body.send)
        except _BodyTooLarge:
            await body.refuse()
        except Exception:
            if body.replied:  # the application wrapped our exception in its own: the 413 already went out
                return
            raise

    async def _refused_before_reading(self, scope: Scope, path: str, cors: bool, send: Send) -> bool:
        """Answer at once (and say so) when the address is over its rate or the declared length
        is unreadable or over the cap."""
        limiter = self.per_address.get(path)
        if limiter is not None and scope.get("method") == "POST":
            verdict = limiter.hit(client_address(scope, self.settings.trust_forwarded_for))
            if not verdict.allowed:
                await _json(send, 429, rate_limited_body(verdict.retry_after), cors,
                            {"Retry-After": str(verdict.retry_after)})
                return True
        limit = self.limit_for(path)
        declared = _content_length(scope)
        if declared == -1:
            await _json(send, 400, {"detail": "En-tête Content-Length invalide.", "code": "bad_request"}, cors)
            return True
        if declared is not None and declared > limit:
            await _json(send, 413, self.too_large_body(path, limit), cors)
            return True
        return False


class _CappedBody:
    """The application's `receive` and `send` around one request: past `limit` bytes received,
    the 413 goes out (unless the application already started its answer) and reading stops."""

    def __init__(self, receive: Receive, send: Send, limit: int, too_large: Callable[[], Awaitable[None]]) -> None:
        self._receive, self._send, self.limit, self._too_large = receive, send, limit, too_large
        self.received = 0
        self.replied = False  # our 413 went out
        self.started = False  # the application's answer began

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body") or b"")
            if self.received > self.limit:
                await self.refuse()
                raise _BodyTooLarge()
        return message

    async def refuse(self) -> None:
        """The 413, once, and only while the application has not started answering."""
        if not self.started and not self.replied:
            self.replied = True
            await self._too_large()

    async def send(self, message: Message) -> None:
        if self.replied:  # our 413 is the answer: whatever the application says after it is dropped
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


def _content_length(scope: Scope) -> int | None:
    """The declared length; None when absent, -1 when unreadable."""
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else -1
    return None


async def _json(send: Send, status: int, body: dict[str, Any], cors: bool,
                extra: dict[str, str] | None = None) -> None:
    import json

    payload = json.dumps(body, ensure_ascii=False).encode()
    headers = {"content-type": "application/json", "content-length": str(len(payload)),
               "cache-control": "no-store", "connection": "close"}
    if cors:
        headers |= {k.lower(): v for k, v in CORS_HEADERS.items()}
    headers |= {k.lower(): v for k, v in (extra or {}).items()}
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": payload})
