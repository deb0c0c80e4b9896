"""WhatsApp Cloud API: verification, signed webhooks, media, replies, against a local Graph API stand-in."""

from __future__ import annotations

import hashlib
import logging

import pytest

from bot.channels.relay import Button, Reply
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import Settings
from bot.services.attachments import conversation_attachments
from tests.channels.harness import WA_PHONE_ID, WA_SECRET, WA_VERIFY, running, wa_signed
from tests.channels.standins import (
    PDF,
    PNG,
    FakeEngine,
    WhatsAppStandIn,
    docx_bytes,
    wa_button_reply,
    wa_document,
    wa_image,
    wa_list_reply,
    wa_payload,
    wa_status,
    wa_text,
    zip_bytes,
)

URL = "/channels/whatsapp/webhook"


signed = wa_signed


async def post(svc, payload: dict, secret: str = WA_SECRET):  # type: ignore[no-untyped-def]
    body, headers = signed(payload, secret)
    return await svc.client.post(URL, content=body, headers=headers)


async def test_whatsapp_verification_handshake_returns_the_challenge(whatsapp_settings: Settings,
                                                                     engine: FakeEngine) -> None:
    async with running(whatsapp_settings, engine) as svc:
        ok = await svc.client.get(URL, params={"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY,
                                               "hub.challenge": "1158201444"})
        bad = await svc.client.get(URL, params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                                "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.text == "1158201444" and ok.headers["content-type"].startswith("text/plain")
    assert bad.status_code == 403


async def test_whatsapp_text_is_relayed_and_reply_buttons_sent(whatsapp_settings: Settings,
                                                               whatsapp_api: WhatsAppStandIn) -> None:
    engine = FakeEngine(lambda call: [
        {"recipient_id": call["sender"], "text": "Bonjour, je peux vous aider."},
        {"recipient_id": call["sender"], "text": "Acceptez-vous la notice ?",
         "buttons": [{"title": "J'accepte la notice de confidentialité", "payload": "oui"},
                     {"title": "Je refuse", "payload": "non"}]},
    ])
    async with running(whatsapp_settings, engine) as svc:
        resp = await post(svc, wa_payload(WA_PHONE_ID, wa_text("wamid.IN1", "Bonjour")))
        assert resp.status_code == 200
        await svc.drain()
    assert engine.calls == [{"sender": "wa-32475123456", "message": "Bonjour",
                             "metadata": {"channel": "whatsapp", "attachments": []}}]
    text, buttons = whatsapp_api.sent()
    assert text == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "32475123456",
                    "type": "text", "text": {"preview_url": False, "body": "Bonjour, je peux vous aider."}}
    assert buttons["type"] == "interactive" and buttons["interactive"]["type"] == "button"
    assert buttons["interactive"]["body"] == {"text": "Acceptez-vous la notice ?"}
    replies = buttons["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in replies] == ["oui", "non"]
    assert all(len(b["reply"]["title"]) <= 20 for b in replies) and replies[1]["reply"]["title"] == "Je refuse"
    assert all(r.headers["authorization"] == "Bearer EAAG-test-token" for r in whatsapp_api.requests)


def test_whatsapp_more_than_three_choices_become_a_list() -> None:
    reply = Reply("Quel élément corriger ?", tuple(Button(f"Le champ numéro {i} du résumé", f"champ {i}")
                                                  for i in range(12)))
    [overflow_free] = WhatsAppChannel.messages_for("32475123456", reply)
    inter = overflow_free["interactive"]
    assert inter["type"] == "list"
    rows = inter["action"]["sections"][0]["rows"]
    assert len(rows) == 10 and all(len(r["title"]) <= 24 for r in rows)
    assert rows[0]["id"] == "champ 0"
    assert "Le champ numéro 11 du résumé" in inter["body"]["text"]  # nothing lost beyond ten rows
    assert len(inter["action"]["button"]) <= 20


async def test_whatsapp_interactive_replies_relay_their_payload(whatsapp_settings: Settings,
                                                                whatsapp_api: WhatsAppStandIn, engine: FakeEngine) -> None:
    async with running(whatsapp_settings, engine) as svc:
        await post(svc, wa_payload(WA_PHONE_ID, wa_button_reply("wamid.IN2", "oui", "J'accepte")))
        await post(svc, wa_payload(WA_PHONE_ID, wa_list_reply("wamid.IN3", "champ 2", "Adresse")))
        await svc.drain()
    assert [c["message"] for c in engine.calls] == ["oui", "champ 2"]


async def test_whatsapp_document_and_image_are_downloaded_with_the_token_and_stored(
        whatsapp_settings: Settings, whatsapp_api: WhatsAppStandIn, engine: FakeEngine) -> None:
    docx = docx_bytes()
    whatsapp_api.media["1037543291543636"] = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                              docx)
    whatsapp_api.media["2049856352"] = ("image/jpeg", PNG)  # declared JPEG, sniffed PNG: the content wins
    async with running(whatsapp_settings, engine) as svc:
        await post(svc, wa_payload(WA_PHONE_ID, wa_document("wamid.IN4", "1037543291543636", "courrier.docx",
                                                            "application/msword", caption="le courrier reçu")))
        await post(svc, wa_payload(WA_PHONE_ID, wa_image("wamid.IN5", "2049856352")))
        await svc.drain()
        recorded = conversation_attachments(svc.registry, "wa-32475123456")
    assert [c["message"] for c in engine.calls] == ["le courrier reçu", "[document]"]
    first, second = (c["metadata"]["attachments"][0] for c in engine.calls)
    assert first["media_type"].endswith("wordprocessingml.document") and first["filename"] == "courrier.docx"
    assert second["media_type"] == "image/png"
    assert [r["id"] for r in recorded] == [first["id"], second["id"]]
    assert (whatsapp_settings.attachments_dir / hashlib.sha256(docx).hexdigest()).read_bytes() == docx
    media_calls = [r for r in whatsapp_api.requests if r.method == "GET"]
    assert [r.path for r in media_calls] == ["/v21.0/1037543291543636", "/whatsapp_media/1037543291543636",
                                             "/v21.0/2049856352", "/whatsapp_media/2049856352"]


@pytest.mark.parametrize("kind", ["missing", "forged", "other-secret"])
async def test_whatsapp_unsigned_or_forged_post_is_refused_and_nothing_processed(
        whatsapp_settings: Settings, whatsapp_api: WhatsAppStandIn, engine: FakeEngine, kind: str) -> None:
    payload = wa_payload(WA_PHONE_ID, wa_text("wamid.IN6", "Bonjour"))
    async with running(whatsapp_settings, engine) as svc:
        if kind == "missing":
            resp = await svc.client.post(URL, json=payload)
        elif kind == "forged":
            body, headers = signed(payload)
            resp = await svc.client.post(URL, content=body.replace(b"Bonjour", b"Bonsoir"), headers=headers)
        else:
            resp = await post(svc, payload, secret="not-the-app-secret")
        await svc.drain()
    assert resp.status_code == (401 if kind == "missing" else 403)
    assert engine.calls == [] and whatsapp_api.requests == []


async def test_whatsapp_signature_is_checked_before_parsing(whatsapp_settings: Settings, engine: FakeEngine) -> None:
    async with running(whatsapp_settings, engine) as svc:
        resp = await svc.client.post(URL, content=b"{not json", headers={"X-Hub-Signature-256": "sha256=00"})
    assert resp.status_code == 403


async def test_whatsapp_redelivered_message_is_processed_once(whatsapp_settings: Settings,
                                                              whatsapp_api: WhatsAppStandIn, engine: FakeEngine) -> None:
    payload = wa_payload(WA_PHONE_ID, wa_text("wamid.HBgLMzI0NzUxMjM0NTYVAgASGBQzQTdCRjk", "Bonjour"))
    async with running(whatsapp_settings, engine) as svc:
        for _ in range(3):
            assert (await post(svc, payload)).status_code == 200
        await svc.drain()
    assert len(engine.calls) == 1 and len(whatsapp_api.sent()) == 1


async def test_whatsapp_status_callbacks_are_ignored_with_200(whatsapp_settings: Settings,
                                                              whatsapp_api: WhatsAppStandIn, engine: FakeEngine) -> None:
    async with running(whatsapp_settings, engine) as svc:
        for status in ("sent", "delivered", "read", "failed"):
            resp = await post(svc, wa_payload(WA_PHONE_ID, statuses=[wa_status("wamid.OUT1", status)]))
            assert resp.status_code == 200
        await svc.drain()
    assert engine.calls == [] and whatsapp_api.requests == []


async def test_whatsapp_refused_archive_gets_the_french_message(whatsapp_settings: Settings,
                                                                whatsapp_api: WhatsAppStandIn, engine: FakeEngine) -> None:
    whatsapp_api.media["555"] = ("application/pdf", zip_bytes())
    async with running(whatsapp_settings, engine) as svc:
        await post(svc, wa_payload(WA_PHONE_ID, wa_document("wamid.IN7", "555", "pieces.pdf", "application/pdf")))
        await svc.drain()
        assert conversation_attachments(svc.registry, "wa-32475123456") == []
    [sent] = whatsapp_api.sent()
    assert "« pieces.pdf » n'a pas été enregistré : les archives" in sent["text"]["body"]
    assert "Formats acceptés" in sent["text"]["body"]
    assert engine.calls == []


async def test_whatsapp_reply_outside_the_24_hour_window_is_logged_not_raised(
        whatsapp_settings: Settings, whatsapp_api: WhatsAppStandIn, engine: FakeEngine,
        caplog: pytest.LogCaptureFixture) -> None:
    whatsapp_api.outside_window = True
    caplog.set_level(logging.INFO, logger="bot.channels")
    async with running(whatsapp_settings, engine) as svc:
        await post(svc, wa_payload(WA_PHONE_ID, wa_text("wamid.IN8", "Bonjour")))
        await svc.drain()
    assert len(engine.calls) == 1
    assert "more than 24 h" in caplog.text
    assert "32475123456" not in caplog.text and "Bonjour" not in caplog.text  # no number, no text in the logs


async def test_whatsapp_pdf_within_limits_is_accepted(whatsapp_settings: Settings, whatsapp_api: WhatsAppStandIn,
                                                      engine: FakeEngine) -> None:
    whatsapp_api.media["777"] = ("application/pdf", PDF)
    async with running(whatsapp_settings, engine) as svc:
        await post(svc, wa_payload(WA_PHONE_ID, wa_document("wamid.IN9", "777", "decision.pdf", "application/pdf")))
        await svc.drain()
    assert engine.calls[0]["metadata"]["attachments"][0]["filename"] == "decision.pdf"
