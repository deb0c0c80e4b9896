"""Client of the engine's REST channel (`POST /webhooks/rest/webhook`), over one or more engines.

`base_url` is one URL or several separated by commas (what `make run` gives the web service
with ENGINE_WORKERS > 1). Each sender goes to one engine, chosen by a stable hash of the sender
(the same engine for a conversation, whatever web-service process relays it), and to the next
engine in turn when that one cannot be reached. Only a refused or timed-out *connection* moves a
message on or is retried: then nothing reached the engine, so nothing can be processed twice.
An engine found down is tried last for `down_for` seconds. When no engine answers within
`retry_for` seconds, `send` raises `EngineUnavailable` (the relay then tells the citizen).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import httpx


class EngineUnavailable(Exception):
    """No engine accepted a connection within the retry window; the message was not processed."""


def engine_index(sender: str, count: int) -> int:
    """The engine of a sender: a stable hash (SHA-256), the same in every process and release."""
    return int.from_bytes(hashlib.sha256(sender.encode()).digest()[:8], "big") % count


class EngineClient:
    def __init__(self, base_url: str, *, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None,
                 connect_timeout: float = 2.0, retry_for: float = 8.0, down_for: float = 5.0) -> None:
        self.urls = [u.strip().rstrip("/") for u in base_url.split(",") if u.strip()]
        if not self.urls:
            raise ValueError("no engine URL")
        limits = httpx.Timeout(timeout, connect=min(connect_timeout, timeout))
        self._clients = [httpx.AsyncClient(base_url=u, timeout=limits, transport=transport) for u in self.urls]
        self._down_until = [0.0] * len(self.urls)
        self.retry_for = retry_for
        self.down_for = down_for

    def order(self, sender: str, now: float | None = None) -> list[int]:
        """Engines to try for `sender`: its own first, then the next ones; those seen down last."""
        n = len(self.urls)
        start = engine_index(sender, n)
        ring = [(start + k) % n for k in range(n)]
        now = asyncio.get_running_loop().time() if now is None else now
        return [i for i in ring if self._down_until[i] <= now] + [i for i in ring if self._down_until[i] > now]

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Relay one user message; returns the bot messages (text, buttons, custom)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.retry_for
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        delay = 0.2
        while True:
            last: Exception | None = None
            for i in self.order(sender):
                try:
                    resp = await self._clients[i].post("/webhooks/rest/webhook", json=body)
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # nothing was sent: safe to move on
                    self._down_until[i] = loop.time() + self.down_for
                    last = exc
                    continue
                self._down_until[i] = 0.0
                resp.raise_for_status()
                data = resp.json()
                return data if isinstance(data, list) else []
            if loop.time() + delay > deadline:
                raise EngineUnavailable(f"no engine reachable among {len(self.urls)}") from last
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def aclose(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self._clients))
