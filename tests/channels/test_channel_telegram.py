"""Telegram: webhook → relay → engine → Bot API, against a local Bot API stand-in."""

from __future__ import annotations

import asyncio
import hashlib
import logging

import pytest

from bot.channels.telegram import TelegramChannel, make_bot
from bot.config import Settings
from bot.services.attachments import conversation_attachments
from tests.channels.harness import TG_SECRET, running
from tests.channels.standins import (
    EXE,
    JPEG,
    PDF,
    FakeEngine,
    TelegramStandIn,
    tg_callback,
    tg_document,
    tg_message,
    tg_photo,
)

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
ASK = [{"recipient_id": "tg-424242", "text": "Acceptez-vous la notice ?",
        "buttons": [{"title": "J'accepte", "payload": "oui"}, {"title": "Je refuse", "payload": "non"}]}]


async def test_telegram_text_is_relayed_and_answer_sent_with_inline_keyboard(
        telegram_settings: Settings, telegram_api: TelegramStandIn) -> None:
    engine = FakeEngine(lambda call: ASK)
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", json=tg_message(10001, text="Bonjour"),
                                     headers=HEADERS)
        assert resp.status_code == 200
        await svc.drain()
    assert engine.calls == [{"sender": "tg-424242", "message": "Bonjour",
                             "metadata": {"channel": "telegram", "attachments": []}}]
    [sent] = [r.form() for r in telegram_api.calls("/sendMessage")]
    assert sent["chat_id"] == "424242" and sent["text"] == "Acceptez-vous la notice ?"
    assert sent["reply_markup"] == {"inline_keyboard": [[{"text": "J'accepte", "callback_data": "oui"}],
                                                        [{"text": "Je refuse", "callback_data": "non"}]]}


async def test_telegram_button_press_is_answered_and_its_payload_relayed(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", json=tg_callback(10002, "oui"), headers=HEADERS)
        assert resp.status_code == 200
        await svc.drain()
    [answer] = telegram_api.calls("/answerCallbackQuery")
    assert answer.form()["callback_query_id"] == "4382bfdwdsb323b2d910002"
    assert engine.calls[0]["message"] == "oui" and engine.calls[0]["sender"] == "tg-424242"
    assert telegram_api.sent_texts() == ["Reçu : oui"]


async def test_telegram_start_and_annuler_commands_become_plain_messages(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    async with running(telegram_settings, engine) as svc:
        for i, text in enumerate(["/start", "/annuler", "/etc/passwd"]):
            await svc.client.post("/channels/telegram/webhook", json=tg_message(10010 + i, text=text), headers=HEADERS)
        await svc.drain()
    assert [c["message"] for c in engine.calls] == ["Bonjour", "annuler", "etc/passwd"]


async def test_telegram_document_is_downloaded_stored_recorded_and_relayed(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    telegram_api.add_file("BQACAgQAAxkBAAIBfacture", "documents/file_7.pdf", PDF)
    update = tg_document(10020, "BQACAgQAAxkBAAIBfacture", "facture.pdf", "application/pdf", len(PDF))
    async with running(telegram_settings, engine) as svc:
        await svc.client.post("/channels/telegram/webhook", json=update, headers=HEADERS)
        await svc.drain()
        recorded = conversation_attachments(svc.registry, "tg-424242")
    digest = hashlib.sha256(PDF).hexdigest()
    assert telegram_api.calls(f"/file/bot{telegram_api.token}/documents/file_7.pdf")
    stored = telegram_settings.attachments_dir / digest
    assert stored.read_bytes() == PDF
    [meta] = engine.calls[0]["metadata"]["attachments"]
    assert meta == {"id": recorded[0]["id"], "filename": "facture.pdf", "media_type": "application/pdf",
                    "size": len(PDF), "sha256": digest}
    assert engine.calls[0]["message"] == "[document]"


async def test_telegram_photo_takes_the_largest_size_and_its_caption(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    telegram_api.add_file("AgACphoto1", "photos/file_9.jpg", JPEG)
    update = tg_photo(10030, "AgACphoto1", len(JPEG))
    update["message"]["caption"] = "le compteur"
    async with running(telegram_settings, engine) as svc:
        await svc.client.post("/channels/telegram/webhook", json=update, headers=HEADERS)
        await svc.drain()
    [call] = engine.calls
    assert call["message"] == "le compteur"
    assert call["metadata"]["attachments"][0]["media_type"] == "image/jpeg"
    assert [r.form()["file_id"] for r in telegram_api.calls("/getFile")] == ["AgACphoto1"]


@pytest.mark.parametrize("headers,status", [({}, 401), ({"X-Telegram-Bot-Api-Secret-Token": "forged"}, 403),
                                            ({"X-Telegram-Bot-Api-Secret-Token": ""}, 403)])
async def test_telegram_webhook_without_the_secret_is_refused_and_nothing_processed(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine, headers, status) -> None:
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", json=tg_message(10040, text="Bonjour"),
                                     headers=headers)
        await svc.drain()
    assert resp.status_code == status
    assert engine.calls == [] and telegram_api.requests == []


async def test_telegram_redelivered_update_is_processed_once(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    async with running(telegram_settings, engine) as svc:
        for _ in range(3):
            resp = await svc.client.post("/channels/telegram/webhook", json=tg_message(10050, text="Bonjour"),
                                         headers=HEADERS)
            assert resp.status_code == 200
        await svc.drain()
    assert len(engine.calls) == 1
    assert telegram_api.sent_texts() == ["Reçu : Bonjour"]


async def test_telegram_refused_file_gets_the_french_message_and_the_caption_still_goes_through(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    telegram_api.add_file("BQACexe", "documents/file_8.pdf", EXE)  # named .pdf, declared PDF: sniffed as a program
    update = tg_document(10060, "BQACexe", "facture.pdf", "application/pdf", len(EXE), caption="voici la facture")
    async with running(telegram_settings, engine) as svc:
        await svc.client.post("/channels/telegram/webhook", json=update, headers=HEADERS)
        await svc.drain()
        assert conversation_attachments(svc.registry, "tg-424242") == []
    refusal, answer = telegram_api.sent_texts()
    assert "« facture.pdf » n'a pas été enregistré" in refusal and "programme" in refusal
    assert "Formats acceptés : PDF, JPEG, PNG, HEIC" in refusal
    assert engine.calls[0]["message"] == "voici la facture" and engine.calls[0]["metadata"]["attachments"] == []
    assert answer == "Reçu : voici la facture"
    assert not list(telegram_settings.attachments_dir.glob("*")) if telegram_settings.attachments_dir.exists() else True


async def test_telegram_file_over_the_size_limit_is_refused_before_download(
        make_settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    from tests.channels.harness import TG_TOKEN

    settings = make_settings(TELEGRAM_BOT_TOKEN=TG_TOKEN, TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
                             TELEGRAM_API_BASE_URL=telegram_api.url, ATTACHMENT_MAX_BYTES="1048576")
    update = tg_document(10070, "BQACbig", "scan.pdf", "application/pdf", 5_000_000)
    async with running(settings, engine) as svc:
        await svc.client.post("/channels/telegram/webhook", json=update, headers=HEADERS)
        await svc.drain()
    assert telegram_api.calls("/getFile") == [] and engine.calls == []
    [text] = telegram_api.sent_texts()
    assert "dépasse la taille maximale de 1 Mo" in text


async def test_telegram_messages_of_one_chat_keep_their_order(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    engine.delays["premier"] = 0.3  # the first is slow: the second must still wait for it
    async with running(telegram_settings, engine) as svc:
        for i, text in enumerate(["premier", "deuxième", "troisième"]):
            await svc.client.post("/channels/telegram/webhook", json=tg_message(10080 + i, text=text), headers=HEADERS)
        await svc.client.post("/channels/telegram/webhook", json=tg_message(10090, text="autre", chat_id=99),
                              headers=HEADERS)
        await svc.drain()
    mine = [c["message"] for c in engine.calls if c["sender"] == "tg-424242"]
    assert mine == ["premier", "deuxième", "troisième"]
    assert engine.calls[0]["message"] == "autre"  # another chat is not held up by the slow one
    assert [t for t in telegram_api.sent_texts() if t != "Reçu : autre"] == [
        "Reçu : premier", "Reçu : deuxième", "Reçu : troisième"]


async def test_telegram_off_without_token_says_so_and_webhook_is_404(
        make_settings, engine: FakeEngine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels")
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", json=tg_message(1, text="x"), headers=HEADERS)
    assert resp.status_code == 404 and engine.calls == []
    assert "channel telegram: off (TELEGRAM_BOT_TOKEN unset)" in caplog.text


async def test_telegram_long_payload_goes_through_a_short_callback_key(
        telegram_settings: Settings, telegram_api: TelegramStandIn) -> None:
    long_payload = "je veux corriger l'adresse e-mail indiquée dans le résumé de ma réclamation"
    engine = FakeEngine(lambda call: [{"text": "Choix", "buttons": [{"title": "Corriger", "payload": long_payload}]}]
                        if call["message"] == "Bonjour" else [{"text": "ok"}])
    async with running(telegram_settings, engine) as svc:
        await svc.client.post("/channels/telegram/webhook", json=tg_message(10100, text="Bonjour"), headers=HEADERS)
        await svc.drain()
        key = telegram_api.calls("/sendMessage")[0].form()["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert len(key.encode()) <= 64
        await svc.client.post("/channels/telegram/webhook", json=tg_callback(10101, key), headers=HEADERS)
        await svc.drain()
    assert engine.calls[-1]["message"] == long_payload


async def test_telegram_set_webhook_command_registers_url_with_secret(
        telegram_settings: Settings, telegram_api: TelegramStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import cli

    monkeypatch.setattr(cli.Settings, "from_env", classmethod(lambda cls, env=None: telegram_settings))
    code = await asyncio.to_thread(cli.main, ["telegram", "set-webhook",
                                              "https://reclamations.example.org/channels/telegram/webhook"])
    assert code == 0
    [call] = telegram_api.calls("/setWebhook")
    form = call.form()
    assert form["url"] == "https://reclamations.example.org/channels/telegram/webhook"
    assert form["secret_token"] == TG_SECRET
    assert form["allowed_updates"] == ["message", "callback_query"]


async def test_telegram_polling_feeds_updates_to_the_relay(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine) -> None:
    telegram_api.updates = [tg_message(10200, text="Bonjour"), tg_message(10201, text="je veux me plaindre")]
    async with running(telegram_settings, engine) as svc:
        channel = TelegramChannel(make_bot(telegram_settings), svc.app.state.relay)
        stop = asyncio.Event()
        poller = asyncio.create_task(channel.poll(stop=stop, timeout=0))
        for _ in range(200):
            if len(engine.calls) == 2:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(poller, 5)
        await svc.drain()
        await channel.aclose()
    assert telegram_api.calls("/deleteWebhook")
    assert [c["message"] for c in engine.calls] == ["Bonjour", "je veux me plaindre"]
    offsets = [r.form().get("offset") for r in telegram_api.calls("/getUpdates")]
    assert "10202" in offsets  # acknowledged: the next call asks past the last update


async def test_telegram_group_messages_are_not_taken(telegram_settings: Settings, telegram_api: TelegramStandIn,
                                                     engine: FakeEngine) -> None:
    update = tg_message(10300, text="Bonjour", chat_id=-1001234567890)
    update["message"]["chat"] = {"id": -1001234567890, "title": "Voisins", "type": "supergroup"}
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", json=update, headers=HEADERS)
        await svc.drain()
    assert resp.status_code == 200 and engine.calls == [] and telegram_api.requests == []


# The sample update of Telegram's own webhook guide ("Testing your bot with updates"): written
# before `is_bot` and `chat.type` existed, which python-telegram-bot 22 requires.
OLD_DOCUMENTED_UPDATE = {"update_id": 10000, "message": {
    "date": 1441645532, "message_id": 1365, "text": "/start",
    "chat": {"last_name": "Test Lastname", "id": 1111111, "first_name": "Test", "username": "Test"},
    "from": {"last_name": "Test Lastname", "id": 1111111, "first_name": "Test", "username": "Test"}}}


async def test_telegram_unreadable_update_is_acknowledged_logged_and_processed_as_nothing(
        telegram_settings: Settings, telegram_api: TelegramStandIn, engine: FakeEngine,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with running(telegram_settings, engine) as svc:
        old_shape = await svc.client.post("/channels/telegram/webhook", json=OLD_DOCUMENTED_UPDATE, headers=HEADERS)
        bad_json = await svc.client.post("/channels/telegram/webhook", content=b"{oops", headers=HEADERS)
        bad_shape = await svc.client.post("/channels/telegram/webhook", json={"update_id": "x", "message": 3},
                                          headers=HEADERS)
        not_object = await svc.client.post("/channels/telegram/webhook", json=[1, 2], headers=HEADERS)
        await svc.drain()
        # the service still works afterwards
        ok = await svc.client.post("/channels/telegram/webhook", json=tg_message(10099, text="Bonjour"),
                                   headers=HEADERS)
        await svc.drain()
    for resp in (old_shape, bad_json, bad_shape, not_object, ok):
        assert resp.status_code == 200 and resp.json() == {"ok": True}  # Telegram retries any non-2xx
    assert [c["message"] for c in engine.calls] == ["Bonjour"]
    ignored = [r.getMessage() for r in caplog.records if "acknowledged and ignored" in r.getMessage()]
    assert len(ignored) == 4 and "update 10000 " in ignored[0]
    logged = caplog.text
    assert "Test Lastname" not in logged and "1111111" not in logged and "/start" not in logged


async def test_telegram_unreadable_update_without_the_secret_is_still_refused(
        telegram_settings: Settings, engine: FakeEngine) -> None:
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", json=OLD_DOCUMENTED_UPDATE)
    assert resp.status_code == 401 and engine.calls == []
