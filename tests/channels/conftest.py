"""Channel fixtures: a fake engine, the platforms' local stand-ins, and settings pointing at them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.channels.harness import (
    TG_TOKEN,
    TW_SID,
    TW_TOKEN,
    WA_PHONE_ID,
    WA_TOKEN,
    telegram_env,
    twilio_env,
    whatsapp_env,
)
from tests.channels.standins import FakeEngine, TelegramStandIn, TwilioStandIn, WhatsAppStandIn


@pytest.fixture
def make_settings(tmp_path: Path, migrated_sqlite_url: str) -> Callable[..., Settings]:
    def make(**env: str) -> Settings:
        base = {"COMPLAINT_VAR_DIR": str(tmp_path), "DATABASE_URL": migrated_sqlite_url, "RASA_AUTH_TOKEN": "t"}
        return Settings.from_env(base | env)

    return make


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
    return make_settings(**telegram_env(telegram_api.url))


@pytest.fixture
def whatsapp_settings(make_settings: Callable[..., Settings], whatsapp_api: WhatsAppStandIn) -> Settings:
    return make_settings(**whatsapp_env(whatsapp_api.url))


@pytest.fixture
def twilio_settings(make_settings: Callable[..., Settings], twilio_api: TwilioStandIn) -> Settings:
    return make_settings(**twilio_env(twilio_api.url))
