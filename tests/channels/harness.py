"""The web service under test: run in the test's event loop (httpx ASGI transport, lifespan run),
with the platforms' test credentials."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

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


def telegram_env(api_url: str) -> dict[str, str]:
    """The settings of the Telegram channel, its Bot API at `api_url` (a stand-in)."""
    return {"TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TG_SECRET, "TELEGRAM_API_BASE_URL": api_url}


def whatsapp_env(api_url: str) -> dict[str, str]:
    """The settings of the WhatsApp Cloud API channel, its Graph API at `api_url` (a stand-in)."""
    return {"WHATSAPP_ACCESS_TOKEN": WA_TOKEN, "WHATSAPP_APP_SECRET": WA_SECRET, "WHATSAPP_VERIFY_TOKEN": WA_VERIFY,
            "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_ID, "WHATSAPP_API_BASE_URL": api_url}


def twilio_env(api_url: str) -> dict[str, str]:
    """The settings of the Twilio channel, its REST API at `api_url` (a stand-in)."""
    return {"TWILIO_ACCOUNT_SID": TW_SID, "TWILIO_AUTH_TOKEN": TW_TOKEN, "TWILIO_API_BASE_URL": api_url,
            "PUBLIC_BASE_URL": PUBLIC}


def wa_signature(body: bytes, secret: str = WA_SECRET) -> str:
    """The `X-Hub-Signature-256` Meta sends: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wa_signed(payload: dict[str, Any], secret: str = WA_SECRET) -> tuple[bytes, dict[str, str]]:
    """A webhook body as Meta posts it, with its signature header."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return body, {"X-Hub-Signature-256": wa_signature(body, secret), "Content-Type": "application/json"}


def stored_files(settings: Settings) -> list[Path]:
    """The documents the service has stored (under ATTACHMENTS_DIR)."""
    folder = settings.attachments_dir
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


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
