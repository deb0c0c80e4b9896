"""Hostile files through every channel (the widget: test_hostile_files.py): Telegram, WhatsApp
(Meta) and Twilio, each file downloaded from the platform's stand-in as the service would, refused
with the French message sent back on that platform, and nothing stored. Also a file one byte over
the limit and a sixth file."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.channels.twilio import signature
from bot.config import Settings
from bot.services.attachments import conversation_attachments
from tests.channels.harness import (
    PUBLIC,
    TG_SECRET,
    TG_TOKEN,
    TW_SID,
    TW_TOKEN,
    WA_PHONE_ID,
    WA_TOKEN,
    running,
    stored_files,
    telegram_env,
    twilio_env,
    wa_signature,
    whatsapp_env,
)
from tests.channels.standins import (
    PDF,
    FakeEngine,
    TelegramStandIn,
    TwilioStandIn,
    WhatsAppStandIn,
    tg_document,
    wa_document,
    wa_payload,
)
from tests.security.test_hostile_files import HOSTILE_FILES

LIMIT = 60_000
HOSTILE = [*HOSTILE_FILES, ("scan.pdf", PDF + b"%" * (LIMIT + 1 - len(PDF)), "dépasse la taille maximale")]  # one byte over


class Platform:
    """Sends one document the way the platform would and reads back what the service answered."""

    def __init__(self, name: str, api: Any, settings: Settings) -> None:
        self.name, self.api, self.settings, self.n = name, api, settings, 0

    async def send(self, svc: Any, filename: str, content: bytes) -> None:
        self.n += 1
        if self.name == "telegram":
            file_id = f"BQACAgQAAxkBAAIB{self.n:04d}"
            self.api.add_file(file_id, f"documents/file_{self.n}", content)
            update = tg_document(20_000 + self.n, file_id, filename, "application/pdf", len(content))
            await svc.client.post("/channels/telegram/webhook", json=update,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
        elif self.name == "whatsapp":
            self.api.media[f"77{self.n}"] = ("application/pdf", content)
            body = json.dumps(wa_payload(WA_PHONE_ID, wa_document(f"wamid.H{self.n}", f"77{self.n}", filename,
                                                                  "application/pdf"))).encode()
            sig = wa_signature(body)
            await svc.client.post("/channels/whatsapp/webhook", content=body,
                                  headers={"X-Hub-Signature-256": sig, "Content-Type": "application/json"})
        else:
            sid = f"MM{self.n:032d}"
            self.api.media[f"ME{self.n}"] = content
            form = {"MessageSid": sid, "AccountSid": TW_SID, "From": "whatsapp:+32475123456",
                    "To": "whatsapp:+14155238886", "Body": "", "NumMedia": "1", "WaId": "32475123456",
                    "MediaUrl0": self.api.media_url(sid, f"ME{self.n}"), "MediaContentType0": "application/pdf"}
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": signature(TW_TOKEN, PUBLIC + "/channels/twilio/webhook",
                                                       list(form.items()))}
            await svc.client.post("/channels/twilio/webhook", content=urlencode(form), headers=headers)
        await svc.drain()

    def answers(self) -> list[str]:
        if self.name == "telegram":
            return list(self.api.sent_texts())
        if self.name == "whatsapp":
            return [m.get("text", {}).get("body", "") for m in self.api.sent()]
        return [m["Body"] for m in self.api.sent()]

    @property
    def sender(self) -> str:
        return {"telegram": "tg-424242", "whatsapp": "wa-32475123456", "twilio": "tw-32475123456"}[self.name]


@pytest.fixture(params=["telegram", "whatsapp", "twilio"])
def platform(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Any:
    limits = {"ATTACHMENT_MAX_BYTES": str(LIMIT), "ATTACHMENT_MAX_FILES": "5"}
    standin, env = {"telegram": (lambda: TelegramStandIn(TG_TOKEN), telegram_env),
                    "whatsapp": (lambda: WhatsAppStandIn(WA_TOKEN, WA_PHONE_ID), whatsapp_env),
                    "twilio": (lambda: TwilioStandIn(TW_SID, TW_TOKEN), twilio_env)}[request.param]
    with standin() as api:
        yield Platform(request.param, api, make_settings(**env(api.url), **limits))


async def test_hostile_files_are_refused_in_french_on_the_platform_and_nothing_is_stored(platform: Platform) -> None:
    engine = FakeEngine()
    async with running(platform.settings, engine) as svc:
        for filename, content, _words in HOSTILE:
            await platform.send(svc, filename, content)
        kept = conversation_attachments(svc.registry, platform.sender)
    answers = platform.answers()
    assert len(answers) == len(HOSTILE), answers
    for (filename, _content, words), answer in zip(HOSTILE, answers, strict=True):
        assert "n'a pas été enregistré" in answer and words in answer, (filename, answer)
        assert "Formats acceptés" in answer
    assert kept == [] and stored_files(platform.settings) == [] and engine.calls == []


async def test_a_sixth_file_is_refused_the_five_before_it_are_kept(platform: Platform) -> None:
    engine = FakeEngine()
    async with running(platform.settings, engine) as svc:
        for n in range(6):
            await platform.send(svc, f"piece-{n}.pdf", PDF + f"% {n}\n".encode())
        kept = conversation_attachments(svc.registry, platform.sender)
    assert len(kept) == 5 and len(stored_files(platform.settings)) == 5
    refused = [a for a in platform.answers() if "n'a pas été enregistré" in a]
    assert len(refused) == 1 and "déjà envoyé 5 documents" in refused[0]
    assert len(engine.calls) == 5  # the five kept files reached the engine, the sixth did not
