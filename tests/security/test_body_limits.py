"""Request bodies are capped before parsing, chunked ones as they stream in (bot/web/guards.py)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import uvicorn

from bot.config import Settings
from bot.web.app import create_app
from tests.channels.harness import TG_SECRET, running, wa_signature
from tests.channels.standins import PDF, FakeEngine

SENDER = "web-AbCdEfGhIjKlMnOpQrStUvWx"
CHUNK = 4096


class Counted:
    """An async body in chunks of CHUNK bytes (no Content-Length: sent chunked); counts what was read."""

    def __init__(self, total: int, head: bytes = b"") -> None:
        self.total, self.head, self.sent = total, head, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.head:
            self.sent += len(self.head)
            yield self.head
        while self.sent < self.total:
            self.sent += CHUNK
            yield b" " * CHUNK


async def test_chat_message_over_16_kb_with_content_length_is_413_in_french_before_the_engine(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/messages", content=json.dumps(
            {"sender": SENDER, "message": "a" * 3000, "pad": "x" * 20_000}), headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and resp.json()["code"] == "too_large"
    assert "Requête trop volumineuse : 16 ko au plus." == resp.json()["detail"]
    assert resp.headers["access-control-allow-origin"] == "*"  # the widget on another site can read it
    assert engine.calls == []


async def test_chunked_chat_message_is_cut_off_as_soon_as_the_cap_is_passed(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    body = Counted(50 * 1024 * 1024, head=b'{"sender": "' + SENDER.encode() + b'", "message": "')
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/messages", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and "trop volumineuse" in resp.json()["detail"]
    assert body.sent <= 16 * 1024 + 2 * CHUNK  # read up to the cap, not the 50 MB
    assert engine.calls == []


async def test_chunked_upload_is_cut_off_past_the_attachment_limit_with_the_french_file_message(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    boundary = "XyZ"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"sender\"\r\n\r\n{SENDER}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + PDF
    body = Counted(40 * 1024 * 1024, head=head)
    async with running(make_settings(ATTACHMENT_MAX_BYTES="1000000"), engine) as svc:
        resp = await svc.client.post("/chat/upload", content=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        stored = list(svc.settings.attachments_dir.glob("*")) if svc.settings.attachments_dir.exists() else []
    assert resp.status_code == 413
    assert "dépasse la taille maximale de 977 ko" in resp.json()["error"]
    assert body.sent <= 1_000_000 + 64 * 1024 + 2 * CHUNK
    assert engine.calls == [] and stored == []


async def test_upload_within_the_limit_still_works(make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/chat/upload", data={"sender": SENDER},
                                     files={"file": ("scan.pdf", PDF + b"0" * 200_000, "application/pdf")})
    assert resp.status_code == 200 and resp.json()["attachments"]


async def test_webhooks_are_capped_at_64_kb_before_the_signature_is_even_checked(
        telegram_settings: Settings, engine: FakeEngine) -> None:
    big = json.dumps({"update_id": 1, "pad": "x" * 70_000}).encode()
    async with running(telegram_settings, engine) as svc:
        resp = await svc.client.post("/channels/telegram/webhook", content=big,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET,
                                              "Content-Type": "application/json"})
    assert resp.status_code == 413 and engine.calls == []


async def test_whatsapp_chunked_webhook_over_the_cap_is_413(whatsapp_settings: Settings, engine: FakeEngine) -> None:
    payload = b"{" + b" " * 100_000 + b"}"
    signature = wa_signature(payload)

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), CHUNK):
            yield payload[i:i + CHUNK]

    async with running(whatsapp_settings, engine) as svc:
        resp = await svc.client.post("/channels/whatsapp/webhook", content=chunks(),
                                     headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"})
    assert resp.status_code == 413 and engine.calls == []


async def test_invalid_content_length_is_a_400(make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    from bot.web.guards import BodySizeLimit

    sent: list[dict[str, object]] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]  # never reached
        raise AssertionError("reached the application")

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message)

    guard = BodySizeLimit(app, make_settings())
    await guard({"type": "http", "method": "POST", "path": "/chat/messages",
                 "headers": [(b"content-length", b"12abc")]}, receive, send)
    assert sent[0]["status"] == 400


# ------------------------------------------------------------------ the real service (uvicorn, a socket)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(make_settings: Callable[..., Settings]) -> Iterator[int]:
    settings = make_settings()
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_real_server_answers_413_to_an_endless_chunked_body_and_keeps_serving(served: int) -> None:
    """A raw chunked request that never ends: the 413 comes back after about the cap, not the end."""
    sent = 0
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        conn.sendall(b"POST /chat/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        conn.settimeout(0.05)
        answer = b""
        chunk = b"%x\r\n%s\r\n" % (CHUNK, b" " * CHUNK)
        while sent < 20 * 1024 * 1024 and b"\r\n\r\n" not in answer:
            try:
                conn.sendall(chunk)
                sent += CHUNK
                answer += conn.recv(65536)
            except (TimeoutError, BlockingIOError):
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        conn.settimeout(5)
        try:
            while b"}" not in answer:
                more = conn.recv(65536)
                if not more:
                    break
                answer += more
        except (TimeoutError, ConnectionResetError):
            pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"trop volumineuse" in answer
    print(f"413 after {sent} bytes sent")
    assert sent < 1024 * 1024  # stopped long before the 20 MB
    # still serving
    with socket.create_connection(("127.0.0.1", served), timeout=10) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 200")
