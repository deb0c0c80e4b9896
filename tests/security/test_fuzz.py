"""Hostile and malformed requests to every webhook and chat endpoint: the short version of
`make fuzz` (tests/security/fuzzing.py), and each failure it found, kept as a test."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.config import Settings
from tests.channels.harness import TG_SECRET, WA_PHONE_ID, running, wa_signed
from tests.channels.standins import FakeEngine, tg_message, wa_payload, wa_text
from tests.security.fuzzing import fuzz

TG = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET, "Content-Type": "application/json"}


async def test_a_short_fuzz_run_finds_no_5xx_and_processes_nothing_unsigned() -> None:
    report = await fuzz(600, seed=7)
    assert sum(report.tried.values()) == 600 and len(report.tried) == 10  # every endpoint, signed and not
    assert report.server_errors == [], "\n".join(report.lines())
    assert report.errors_logged == []
    assert report.unsigned_engine_calls == 0 and report.unsigned_files_stored == 0
    assert report.signed_engine_calls > 0  # the signed cases did reach the relay
    assert report.healthy_after and report.answers_after


async def test_a_chat_body_that_is_not_utf8_gets_a_french_422_without_its_bytes_echoed(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    body = b'{"sender": "web-AbCdEfGhIjKlMnOpQr", "message": "\xed\xa0\x80 caf\xe9"}'
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/messages", content=body, headers={"Content-Type": "text/plain"})
    assert resp.status_code == 422  # FastAPI's own handler raised UnicodeDecodeError: a 500
    assert resp.json()["detail"].startswith("Données invalides") and resp.json()["code"] == "invalid_input"
    assert "caf" not in resp.text and resp.headers["access-control-allow-origin"] == "*"
    assert engine.calls == []


async def test_a_citizens_words_are_not_echoed_in_a_validation_error(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/messages", json={"sender": "web-AbCdEfGhIjKlMnOpQr",
                                                             "message": "Je suis Sophie Lambert" + "x" * 4000})
    assert resp.status_code == 422 and "Sophie" not in resp.text and "texte trop long" in resp.json()["detail"]


@pytest.mark.parametrize("body", [b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000])
async def test_json_nested_thousands_deep_is_acknowledged_not_a_500(
        telegram_settings: Settings, engine: FakeEngine, body: bytes) -> None:
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", content=body, headers=TG)
    assert resp.status_code == 200 and engine.calls == []  # RecursionError in json.loads before


@pytest.mark.parametrize("entry", [[[{"changes": []}]], ["texte"], [{"changes": "İı"}],
                                   [{"changes": [{"field": "messages", "value": []}]}],
                                   [{"changes": [{"field": "messages", "value": {"messages": [
                                       {"from": "32475", "id": "wamid.X", "type": "text", "text": ["liste"]}]}}]}],
                                   [{"changes": [{"field": "messages", "value": {"messages": [
                                       {"from": 32475, "id": {"a": 1}, "type": "document", "document": 7}]}}]}]])
async def test_whatsapp_payloads_of_the_wrong_shape_are_acknowledged_and_ignored(
        whatsapp_settings: Settings, engine: FakeEngine, entry: list[object]) -> None:
    payload = {"object": "whatsapp_business_account", "entry": entry}
    body, headers = wa_signed(payload)
    async with running(whatsapp_settings, engine) as svc:
        resp = await svc.client.post("/channels/whatsapp/webhook", content=body, headers=headers)
        await svc.drain()
        good_body, good_headers = wa_signed(wa_payload(WA_PHONE_ID, wa_text("wamid.OK1", "Bonjour")))
        after = await svc.client.post("/channels/whatsapp/webhook", content=good_body, headers=good_headers)
        await svc.drain()
    assert resp.status_code == 200  # AttributeError ('list' has no .get) before: a 500, retried by Meta
    assert after.status_code == 200 and [c["message"] for c in engine.calls] == ["Bonjour"]


@pytest.mark.parametrize("change", [{"text": True}, {"text": {"a": 1}}, {"chat": None},
                                    {"document": {"file_id": "BQAC1", "file_unique_id": "u", "file_name": {"x": 1}}},
                                    {"caption": 12}])
async def test_a_telegram_update_with_wrongly_typed_fields_is_acknowledged_and_nothing_fails(
        telegram_settings: Settings, engine: FakeEngine, change: dict[str, object],
        caplog: pytest.LogCaptureFixture) -> None:
    update = tg_message(777, text="Bonjour")
    update["message"].update(change)
    async with running(telegram_settings, engine) as svc:
        with caplog.at_level(logging.INFO, logger="bot"):
            resp = await svc.client.post("/channels/telegram/webhook", json=update, headers=TG)
            await svc.drain()
    assert resp.status_code == 200 and engine.calls == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # the relay's task failed before
    assert any("unreadable update 777" in r.getMessage() for r in caplog.records)
