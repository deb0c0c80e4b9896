"""Channel fixtures: the web service in the test's event loop (httpx ASGI transport, lifespan run),
a fake engine, the platforms' local stand-ins, and settings pointing at them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.engine import EngineClient
from bot.config import Settings
from bot.services.uow import Registry
from bot.web.app import create_app
from tests.channels.standins import FakeEngine, TelegramStandIn, TwilioStandIn, WhatsAppStandIn

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
        telegram = self.app.state.channels.telegram
        if telegram is not None and telegram._tasks:
            import asyncio

            await asyncio.wait(list(telegram._tasks), timeout=5)

    @property
    def registry(self) -> Registry:
        return self.app.state.registry  # type: ignore[no-any-return]


@pytest.fixture
def make_settings(tmp_path: Path, migrated_sqlite_url: str) -> Callable[..., Settings]:
    def make(**env: str) -> Settings:
        base = {"COMPLAINT_VAR_DIR": str(tmp_path), "DATABASE_URL": migrated_sqlite_url, "RASA_AUTH_TOKEN": "t"}
        return Settings.from_env(base | env)

    return make


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


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def telegram_api() -> Any:
    with TelegramStandIn(TG_TOKEN) as s:
        yield s


@pytest.fixture
def whatsapp_api() -> Any:
    with WhatsAppStandIn(WA_TOKEN, WA_PHONE_ID) as s:
        yield s


@pytest.fixture
def twilio_api() -> Any:
    with TwilioStandIn(TW_SID, TW_TOKEN) as s:
        yield s


@pytest.fixture
def telegram_settings(make_settings: Callable[..., Settings], telegram_api: TelegramStandIn) -> Settings:
    return make_settings(TELEGRAM_BOT_TOKEN=TG_TOKEN, TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
                         TELEGRAM_API_BASE_URL=telegram_api.url)


@pytest.fixture
def whatsapp_settings(make_settings: Callable[..., Settings], whatsapp_api: WhatsAppStandIn) -> Settings:
    return make_settings(WHATSAPP_ACCESS_TOKEN=WA_TOKEN, WHATSAPP_APP_SECRET=WA_SECRET,
                         WHATSAPP_VERIFY_TOKEN=WA_VERIFY, WHATSAPP_PHONE_NUMBER_ID=WA_PHONE_ID,
                         WHATSAPP_API_BASE_URL=whatsapp_api.url)


@pytest.fixture
def twilio_settings(make_settings: Callable[..., Settings], twilio_api: TwilioStandIn) -> Settings:
    return make_settings(TWILIO_ACCOUNT_SID=TW_SID, TWILIO_AUTH_TOKEN=TW_TOKEN, TWILIO_API_BASE_URL=twilio_api.url,
                         PUBLIC_BASE_URL=PUBLIC)
