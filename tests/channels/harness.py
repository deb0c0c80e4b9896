"""The web service under test: run in the test's event loop (httpx ASGI transport, lifespan run),
with the platforms' test credentials."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from bot.channels.engine import EngineClient
from bot.config import Settings
from bot.services.uow import Registry
from bot.web.app import create_app
from tests.channels.standins import FakeEngine

TG_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
TG_SECRET = "s3cr3t-T0ken_for-webhook"
WA_TOKEN, WA_SECRET, WA_VERIFY, WA_PHONE_ID = "EAAG-test-token", "app-secret-123", "verify-me-42", "106540352242922"
TW_SID, TW_TOKEN = "AC" + "0" * 31 + "1", "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://reclamations.example.org"


class Service:
    """The running web service: `client` talks to it, `drain()` waits for the queued messages."""

    def __init__(self, app: FastAPI, client: httpx.AsyncClient, settings: Settings) -> None:
        self.app, self.client, self.settings = app, client, settings

    async def drain(self) -> None:
        await self.app.state.relay.drain()
        telegram = self.app.state.channels.get("telegram")
        if telegram is not None and telegram._tasks:
            await asyncio.wait(list(telegram._tasks), timeout=5)

    @property
    def registry(self) -> Registry:
        return self.app.state.registry  # type: ignore[no-any-return]


@asynccontextmanager
async def running(settings: Settings, engine: FakeEngine | EngineClient) -> AsyncIterator[Service]:
    client_engine = engine if isinstance(engine, EngineClient) else EngineClient(
        "http://engine.invalid", transport=engine.transport())
    registry = Registry.from_settings(settings)
    app = create_app(settings, engine=client_engine, registry=registry)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield Service(app, client, settings)
    finally:
        registry.dispose()
