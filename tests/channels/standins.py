"""Local HTTP stand-ins of the platforms (their wire format, from their documentation) and a fake engine.

Each stand-in is a real HTTP server on a free port (a thread) that records every request, so a
test can assert on exactly what our service sent to the platform.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

# ---------------------------------------------------------------------------- sample files
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"This program cannot be run in DOS mode."


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("setup.exe", EXE)
    return buf.getvalue()


# ---------------------------------------------------------------------------- generic server
@dataclass
class Req:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, Any]:
        """JSON or form-encoded body; form values that are JSON (reply_markup…) are decoded."""
        if "json" in self.headers.get("content-type", ""):
            return json.loads(self.body or b"{}")
        out: dict[str, Any] = {}
        for k, v in parse_qsl(self.body.decode(), keep_blank_values=True):
            try:
                out[k] = json.loads(v) if v[:1] in "{[" else v
            except ValueError:
                out[k] = v
        return out

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Resp:
    status: int = 200
    body: bytes | dict | list | str = b""
    headers: dict[str, str] = field(default_factory=dict)


class StandIn:
    """A threaded HTTP server calling `self.route(req)`; every request is kept in `self.requests`."""

    def __init__(self) -> None:
        self.requests: list[Req] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Req(self.command, unquote(parts.path), dict(parse_qsl(parts.query)),
                          {k.lower(): v for k, v in self.headers.items()}, body)
                with outer._lock:
                    outer.requests.append(req)
                resp = outer.route(req)
                payload = resp.body
                ctype = resp.headers.get("content-type")
                if isinstance(payload, dict | list):
                    payload, ctype = json.dumps(payload).encode(), ctype or "application/json"
                elif isinstance(payload, str):
                    payload, ctype = payload.encode(), ctype or "text/plain; charset=utf-8"
                self.send_response(resp.status)
                for k, v in resp.headers.items():
                    if k.lower() != "content-type":
                        self.send_header(k, v)
                self.send_header("Content-Type", ctype or "application/octet-stream")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def route(self, req: Req) -> Resp:
        return Resp(404, {"error": "not found"})

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls(self, path_end: str = "", method: str | None = None) -> list[Req]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith(path_end) and (method is None or r.method == method)]

    def wait_for(self, path_end: str, count: int = 1, timeout: float = 10.0) -> list[Req]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.calls(path_end)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"no {count} call(s) to …{path_end}: {[r.path for r in self.requests]}")


# ---------------------------------------------------------------------------- Telegram Bot API
class TelegramStandIn(StandIn):
    """`/bot<token>/<method>` answers `{"ok": true, "result": …}`; files at `/file/bot<token>/<path>`."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.updates: list[dict[str, Any]] = []
        self._message_id = 100

    def add_file(self, file_id: str, path: str, content: bytes) -> None:
        self.files[file_id] = (path, content)

    def route(self, req: Req) -> Resp:
        file_prefix, api_prefix = f"/file/bot{self.token}/", f"/bot{self.token}/"
        if req.path.startswith(file_prefix):
            wanted = req.path[len(file_prefix):]
            for path, content in self.files.values():
                if path == wanted:
                    return Resp(200, content)
            return Resp(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if not req.path.startswith(api_prefix):
            return Resp(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        method, params = req.path[len(api_prefix):], req.form()
        if method == "getMe":
            return self.ok({"id": 7000001, "is_bot": True, "first_name": "Réclamations", "username": "reclamations_bot",
                            "can_join_groups": False, "can_read_all_group_messages": False,
                            "supports_inline_queries": False})
        if method == "sendMessage":
            self._message_id += 1
            result = {"message_id": self._message_id, "date": int(time.time()),
                      "from": {"id": 7000001, "is_bot": True, "first_name": "Réclamations"},
                      "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params["text"]}
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
            return self.ok(result)
        if method == "getFile":
            path, content = self.files.get(params.get("file_id", ""), (None, b""))
            if path is None:
                return Resp(400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
            return self.ok({"file_id": params["file_id"], "file_unique_id": "u" + params["file_id"][-6:],
                            "file_size": len(content), "file_path": path})
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook", "sendChatAction"):
            return self.ok(True)
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if not pending:
                time.sleep(0.05)
            return self.ok(pending)
        return Resp(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})

    @staticmethod
    def ok(result: Any) -> Resp:
        return Resp(200, {"ok": True, "result": result})

    def sent_texts(self) -> list[str]:
        return [r.form()["text"] for r in self.calls("/sendMessage")]


_USER = {"id": 424242, "is_bot": False, "first_name": "Sophie", "language_code": "fr"}
_CHAT = {"id": 424242, "first_name": "Sophie", "type": "private"}


def tg_message(update_id: int, *, text: str | None = None, chat_id: int = 424242, **extra: Any) -> dict[str, Any]:
    """An Update with a message, in the Bot API shape."""
    message: dict[str, Any] = {"message_id": update_id - 9000, "from": dict(_USER, id=chat_id),
                               "chat": dict(_CHAT, id=chat_id), "date": 1764000000}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    message.update(extra)
    return {"update_id": update_id, "message": message}


def tg_document(update_id: int, file_id: str, name: str, mime: str, size: int, **extra: Any) -> dict[str, Any]:
    return tg_message(update_id, document={"file_name": name, "mime_type": mime, "file_id": file_id,
                                           "file_unique_id": "AgAD" + file_id[-4:], "file_size": size}, **extra)


def tg_photo(update_id: int, file_id: str, size: int) -> dict[str, Any]:
    return tg_message(update_id, photo=[
        {"file_id": file_id + "s", "file_unique_id": "AQADs" + file_id[-3:], "file_size": 1200, "width": 90, "height": 67},
        {"file_id": file_id, "file_unique_id": "AQADm" + file_id[-3:], "file_size": size, "width": 800, "height": 600},
    ])


def tg_callback(update_id: int, data: str, chat_id: int = 424242) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"4382bfdwdsb323b2d9{update_id}", "from": dict(_USER, id=chat_id), "chat_instance": "-8246511283",
        "data": data,
        "message": {"message_id": 77, "from": {"id": 7000001, "is_bot": True, "first_name": "Réclamations"},
                    "chat": dict(_CHAT, id=chat_id), "date": 1764000000, "text": "Question ?"},
    }}


# ---------------------------------------------------------------------------- WhatsApp Cloud API
class WhatsAppStandIn(StandIn):
    """Graph API: GET /{version}/{media id} -> media URL, GET that URL, POST /{version}/{phone id}/messages."""

    def __init__(self, token: str, phone_id: str, version: str = "v21.0") -> None:
        super().__init__()
        self.token, self.phone_id, self.version = token, phone_id, version
        self.media: dict[str, tuple[str, bytes]] = {}  # media id -> (mime type, content)
        self.outside_window = False
        self._n = 0

    def route(self, req: Req) -> Resp:
        if req.headers.get("authorization") != f"Bearer {self.token}":
            return Resp(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException",
                                        "code": 190, "fbtrace_id": "A1"}})
        if req.method == "POST" and req.path == f"/{self.version}/{self.phone_id}/messages":
            if self.outside_window:
                return Resp(400, {"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException",
                                            "code": 131047, "error_data": {"messaging_product": "whatsapp",
                                            "details": "More than 24 hours have passed"}, "fbtrace_id": "A2"}})
            self._n += 1
            to = req.json()["to"]
            return Resp(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                              "messages": [{"id": f"wamid.OUT{self._n}"}]})
        if req.method == "GET" and req.path.startswith(f"/{self.version}/"):
            media_id = req.path.rsplit("/", 1)[-1]
            if media_id not in self.media:
                return Resp(404, {"error": {"message": "Unsupported get request", "code": 100}})
            mime, content = self.media[media_id]
            import hashlib

            return Resp(200, {"messaging_product": "whatsapp", "url": f"{self.url}/whatsapp_media/{media_id}?ext=1",
                              "mime_type": mime, "sha256": hashlib.sha256(content).hexdigest(),
                              "file_size": len(content), "id": media_id})
        if req.method == "GET" and req.path.startswith("/whatsapp_media/"):
            return Resp(200, self.media[req.path.rsplit("/", 1)[-1]][1])
        return Resp(404, {"error": {"message": "Unknown path", "code": 100}})

    def sent(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.calls("/messages", "POST")]


def wa_payload(phone_id: str, *messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None,
               wa_id: str = "32475123456") -> dict[str, Any]:
    value: dict[str, Any] = {"messaging_product": "whatsapp",
                             "metadata": {"display_phone_number": "3225550000", "phone_number_id": phone_id}}
    if messages:
        value["contacts"] = [{"profile": {"name": "Sophie Lambert"}, "wa_id": wa_id}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def wa_text(mid: str, body: str, wa_id: str = "32475123456") -> dict[str, Any]:
    return {"from": wa_id, "id": mid, "timestamp": "1764000000", "text": {"body": body}, "type": "text"}


def wa_button_reply(mid: str, reply_id: str, title: str, wa_id: str = "32475123456") -> dict[str, Any]:
    return {"context": {"from": "3225550000", "id": "wamid.OUT1"}, "from": wa_id, "id": mid,
            "timestamp": "1764000000", "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}}


def wa_list_reply(mid: str, reply_id: str, title: str, wa_id: str = "32475123456") -> dict[str, Any]:
    return {"context": {"from": "3225550000", "id": "wamid.OUT1"}, "from": wa_id, "id": mid,
            "timestamp": "1764000000", "type": "interactive",
            "interactive": {"type": "list_reply", "list_reply": {"id": reply_id, "title": title, "description": ""}}}


def wa_document(mid: str, media_id: str, filename: str, mime: str, caption: str | None = None,
                wa_id: str = "32475123456") -> dict[str, Any]:
    doc = {"filename": filename, "mime_type": mime, "sha256": "ignored", "id": media_id}
    if caption:
        doc["caption"] = caption
    return {"from": wa_id, "id": mid, "timestamp": "1764000000", "type": "document", "document": doc}


def wa_image(mid: str, media_id: str, wa_id: str = "32475123456") -> dict[str, Any]:
    return {"from": wa_id, "id": mid, "timestamp": "1764000000", "type": "image",
            "image": {"mime_type": "image/jpeg", "sha256": "ignored", "id": media_id}}


def wa_status(mid: str, status: str = "delivered") -> dict[str, Any]:
    return {"id": mid, "status": status, "timestamp": "1764000001", "recipient_id": "32475123456",
            "conversation": {"id": "CONV1", "origin": {"type": "service"}},
            "pricing": {"billable": True, "pricing_model": "CBP", "category": "service"}}


# ---------------------------------------------------------------------------- Twilio
class MediaHost(StandIn):
    """The short-lived signed media URLs Twilio redirects to (another host)."""

    def __init__(self, media: dict[str, bytes]) -> None:
        super().__init__()
        self.media = media

    def route(self, req: Req) -> Resp:
        if "authorization" in req.headers:  # the signed URL must not receive the account's credentials
            return Resp(400, b"credentials sent to the media host")
        return Resp(200, self.media[req.path.rsplit("/", 1)[-1]])


class TwilioStandIn(StandIn):
    """POST /2010-04-01/Accounts/{sid}/Messages.json (basic auth) -> 201; media URLs redirect (307)."""

    def __init__(self, sid: str, token: str) -> None:
        super().__init__()
        self.sid, self.token = sid, token
        self.media: dict[str, bytes] = {}
        self.cdn = MediaHost(self.media)  # another origin, like Twilio's media storage
        self._n = 0

    def _authorized(self, req: Req) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        return req.headers.get("authorization") == expected

    def route(self, req: Req) -> Resp:
        if req.path == f"/2010-04-01/Accounts/{self.sid}/Messages.json" and req.method == "POST":
            if not self._authorized(req):
                return Resp(401, {"code": 20003, "message": "Authenticate", "status": 401})
            self._n += 1
            form = req.form()
            return Resp(201, {"sid": f"SM{self._n:032d}", "status": "queued", "from": form["From"], "to": form["To"],
                              "body": form["Body"], "account_sid": self.sid, "num_media": "0"})
        if req.path.startswith(f"/2010-04-01/Accounts/{self.sid}/Messages/") and "/Media/" in req.path:
            if not self._authorized(req):
                return Resp(401, {"code": 20003, "message": "Authenticate", "status": 401})
            media_id = req.path.rsplit("/", 1)[-1]
            return Resp(307, b"", {"Location": f"{self.cdn.url}/s3/{media_id}?X-Amz-Signature=abc"})
        return Resp(404, {"code": 20404, "message": "not found", "status": 404})

    def __enter__(self) -> TwilioStandIn:
        self.cdn.__enter__()
        super().__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self.cdn.__exit__(*exc)

    def media_url(self, message_sid: str, media_id: str) -> str:
        return f"{self.url}/2010-04-01/Accounts/{self.sid}/Messages/{message_sid}/Media/{media_id}"

    def sent(self) -> list[dict[str, Any]]:
        return [r.form() for r in self.calls("/Messages.json", "POST")]


# ---------------------------------------------------------------------------- fake engine
class FakeEngine:
    """The engine's REST channel as an httpx MockTransport: records calls, answers `reply(call)`."""

    def __init__(self, reply: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.reply = reply or (lambda call: [{"recipient_id": call["sender"], "text": f"Reçu : {call['message']}"}])
        self.delays: dict[str, float] = {}  # message text -> seconds to wait before answering

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        assert request.url.path == "/webhooks/rest/webhook"
        call = json.loads(request.content)
        await asyncio.sleep(self.delays.get(call["message"], 0))
        self.calls.append(call)
        return httpx.Response(200, json=self.reply(call))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)
