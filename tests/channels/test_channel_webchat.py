"""The web widget's HTTP side: demo page, script, /chat/session, /chat/messages, /chat/upload."""

from __future__ import annotations

from bot.config import Settings
from bot.services.attachments import conversation_attachments
from tests.channels.harness import running
from tests.channels.standins import EXE, PDF, FakeEngine

SENDER = "web-AbCdEfGhIjKlMnOpQrStUvWx"


async def test_demo_page_embeds_the_widget_script_which_is_served(make_settings, engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        page, script = await svc.client.get("/"), await svc.client.get("/widget.js")
    assert page.status_code == 200 and "widget.js" in page.text
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "/chat/upload" in script.text


async def test_chat_session_then_message_is_relayed_as_webchat(make_settings, engine: FakeEngine) -> None:
    engine.reply = lambda call: [{"text": "Bonjour !", "buttons": [{"title": "Déposer une réclamation",
                                                                    "payload": "je veux me plaindre"}]}]
    async with running(make_settings(), engine) as svc:
        sender = (await svc.client.post("/chat/session")).json()["sender"]
        resp = await svc.client.post("/chat/messages", json={"sender": sender, "message": "Bonjour"})
    assert sender.startswith("web-")
    assert resp.status_code == 200
    assert resp.json()["messages"] == [{"text": "Bonjour !", "buttons": [
        {"title": "Déposer une réclamation", "payload": "je veux me plaindre"}]}]
    client = engine.calls[0]["metadata"].get("client")
    assert engine.calls == [{"sender": sender, "message": "Bonjour",
                             "metadata": {"channel": "webchat", "attachments": [], "client": client}}]
    assert client and len(client) == 16  # the caller's address, hashed (status lookups per address)


async def test_chat_refuses_a_sender_of_another_channel(make_settings, engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/messages", json={"sender": "tg-424242424", "message": "annuler"})
    assert resp.status_code == 400 and engine.calls == []


async def test_chat_message_sent_twice_with_its_id_is_processed_once(make_settings, engine: FakeEngine) -> None:
    body = {"sender": SENDER, "message": "Bonjour", "message_id": "0123456789abcdef"}
    async with running(make_settings(), engine) as svc:
        first = await svc.client.post("/chat/messages", json=body)
        again = await svc.client.post("/chat/messages", json=body)
    assert first.json()["messages"] and again.json() == {"messages": [], "duplicate": True}
    assert len(engine.calls) == 1


async def test_chat_upload_stores_the_file_and_relays_it(make_settings, engine: FakeEngine) -> None:
    settings: Settings = make_settings()
    async with running(settings, engine) as svc:
        resp = await svc.client.post("/chat/upload", data={"sender": SENDER},
                                     files={"file": ("décision.pdf", PDF, "application/octet-stream")})
        recorded = conversation_attachments(svc.registry, SENDER)
    assert resp.status_code == 200
    [meta] = resp.json()["attachments"]
    assert meta["filename"] == "décision.pdf" and meta["media_type"] == "application/pdf"
    assert [r["id"] for r in recorded] == [meta["id"]]
    assert engine.calls[0]["metadata"] == {"channel": "webchat", "attachments": [meta]}
    assert (settings.attachments_dir / meta["sha256"]).exists()


async def test_chat_upload_of_a_refused_file_answers_in_french(make_settings, engine: FakeEngine) -> None:
    async with running(make_settings(ATTACHMENT_MAX_BYTES="2000000"), engine) as svc:
        bad = await svc.client.post("/chat/upload", data={"sender": SENDER},
                                    files={"file": ("photo.jpg", EXE, "image/jpeg")})
        big = await svc.client.post("/chat/upload", data={"sender": SENDER},
                                    files={"file": ("scan.pdf", PDF + b"0" * 3_000_000, "application/pdf")})
    assert bad.status_code == 422 and "« photo.jpg » n'a pas été enregistré : c'est un programme" in bad.json()["error"]
    # too big: refused by the body cap before the form is parsed (413), same French message
    assert big.status_code == 413 and "dépasse la taille maximale de 1,9 Mo" in big.json()["error"]
    assert engine.calls == []


async def test_chat_answers_cors_preflight_for_pages_on_other_sites(make_settings, engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.options("/chat/messages", headers={"Origin": "https://commune.example.be",
                                                                   "Access-Control-Request-Method": "POST"})
    assert resp.status_code == 204 and resp.headers["access-control-allow-origin"] == "*"


async def test_chat_says_so_when_the_engine_is_down(make_settings) -> None:
    import httpx

    def down(call: dict) -> list:
        raise httpx.ConnectError("refused")

    async with running(make_settings(), FakeEngine(down)) as svc:
        resp = await svc.client.post("/chat/messages", json={"sender": SENDER, "message": "Bonjour"})
    assert resp.status_code == 200
    assert "Un instant, je reviens" in resp.json()["messages"][0]["text"]


async def test_an_engine_that_answers_nothing_gets_a_please_resend(make_settings, engine: FakeEngine) -> None:
    """The engine took the message but its stores failed (it answers [] then): the citizen is told
    to send it again, never left with silence."""
    engine.reply = lambda call: []
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/messages", json={"sender": SENDER, "message": "marie@example.be"})
    assert resp.status_code == 200
    [message] = resp.json()["messages"]
    assert message["text"].startswith("Un instant, je reviens") and "renvoyez-le" in message["text"]


async def test_a_registry_that_cannot_be_reached_relays_nothing_and_says_so(make_settings, engine: FakeEngine,
                                                                           monkeypatch) -> None:
    """The database is stopped: nothing is relayed (the message is not marked as seen either), the
    citizen reads a short French message, and the same message sent again once it is back goes."""
    from sqlalchemy.exc import OperationalError

    import bot.channels.relay as relay_module

    real = relay_module.first_time_seen
    down = {"on": True}

    def first_time_seen(*args, **kwargs):  # type: ignore[no-untyped-def]
        if down["on"]:
            raise OperationalError("INSERT", {}, ConnectionRefusedError("database stopped"))
        return real(*args, **kwargs)

    monkeypatch.setattr(relay_module, "first_time_seen", first_time_seen)
    body = {"sender": SENDER, "message": "Bonjour", "message_id": "fedcba9876543210"}
    async with running(make_settings(), engine) as svc:
        during = await svc.client.post("/chat/messages", json=body)
        down["on"] = False
        after = await svc.client.post("/chat/messages", json=body)
    assert during.status_code == 200
    [message] = during.json()["messages"]
    assert message["text"].startswith("Un instant, je reviens") and "conservé" in message["text"]
    assert [m["text"] for m in after.json()["messages"]] == ["Reçu : Bonjour"]
    assert len(engine.calls) == 1, "relayed once, when the database answered"
