"""Security tests reuse the staff fixtures (web service on a throw-away registry, loopback SMTP)
and the channel fixtures (fake engine, platform stand-ins)."""

from __future__ import annotations

from tests.channels.conftest import (  # noqa: F401 (fixtures)
    engine,
    make_settings,
    telegram_api,
    telegram_settings,
    twilio_api,
    twilio_settings,
    whatsapp_api,
    whatsapp_settings,
)
from tests.staff.conftest import smtp, web, web_factory  # noqa: F401 (fixtures)
