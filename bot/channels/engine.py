"""Client of the engine's REST channel (`POST /webhooks/rest/webhook`)."""

from __future__ import annotations

from typing import Any

import httpx


class EngineClient:
    def __init__(self, base_url: str, *, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Relay one user message; returns the bot messages (text, buttons, custom)."""
        resp = await self._client.post(
            "/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata or {}}
        )
        resp.raise_for_status()
        data = resp.json()
        return data if isinstance(data, list) else []

    async def aclose(self) -> None:
        await self._client.aclose()
