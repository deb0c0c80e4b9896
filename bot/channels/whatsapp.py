"""WhatsApp Cloud API (Meta): signature, webhook payloads, media download and replies.

Webhook payload (`object: whatsapp_business_account`): entry[].changes[].value with
`messages` (text, interactive button_reply/list_reply, button, image, document…) or `statuses`
(sent, delivered, read, failed: not messages, ignored). Replies: POST
`{base}/{version}/{phone number id}/messages`; media: GET `{base}/{version}/{media id}` gives a
short-lived URL, itself fetched with the bearer token. The channel is on when
WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN and WHATSAPP_PHONE_NUMBER_ID are set.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response

from bot.channels.registry import Channel, register
from bot.channels.relay import (
    Incoming,
    IncomingFile,
    Relay,
    Reply,
    TooLarge,
    no_fetch,
    read_limited,
    sender_ref,
    split_text,
    typed_text,
)
from bot.channels.web import adapter_of, json_object
from bot.config import Settings
from bot.web.deps import SettingsDep

log = logging.getLogger("bot.channels.whatsapp")

MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_REPLY_BUTTONS, MAX_BUTTON_TITLE = 3, 20
MAX_LIST_ROWS, MAX_ROW_TITLE = 10, 24
OUTSIDE_WINDOW = {131047}  # "re-engagement message": more than 24 h since the citizen's last message
NOT_A_FILE = {"audio", "video", "sticker"}


def valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class WhatsAppChannel:
    def __init__(self, settings: Settings, relay: Relay, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.relay = relay
        self.api = f"{settings.whatsapp_api_base_url}/{settings.whatsapp_api_version}"
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=5.0))
        self._auth = {"Authorization": f"Bearer {settings.whatsapp_access_token}"}

    async def aclose(self) -> None:
        await self.client.aclose()

    # ------------------------------------------------------------------ inbound
    def handle(self, payload: dict[str, Any]) -> list[asyncio.Task[Any]]:
        """Queue every message of a webhook call; status callbacks and other numbers' events are skipped."""
        tasks: list[asyncio.Task[Any]] = []
        if payload.get("object") != "whatsapp_business_account":
            return tasks
        for entry in _objects(payload.get("entry")):
            for change in _objects(entry.get("changes")):
                value = _object(change.get("value"))
                if change.get("field") != "messages":
                    continue
                phone_id = str(_object(value.get("metadata")).get("phone_number_id") or "")
                if phone_id and phone_id != self.settings.whatsapp_phone_number_id:
                    log.info("whatsapp: event for another phone number id ignored")
                    continue
                if statuses := _objects(value.get("statuses")):
                    log.info("whatsapp: %d status callback(s) ignored", len(statuses))
                for message in _objects(value.get("messages")):
                    incoming = self._incoming(message)
                    if incoming is None:
                        log.info("whatsapp: message %s of type %s ignored", sender_ref(str(message.get("id"))),
                                 _text(message.get("type")))
                        continue
                    to = str(message.get("from"))

                    async def outlet(replies: list[Reply], to: str = to) -> None:
                        await self.send(to, replies)

                    tasks.append(self.relay.submit(incoming, outlet))
        return tasks

    def _incoming(self, message: dict[str, Any]) -> Incoming | None:
        """The message to relay; None for a kind not relayed or a shape not understood."""
        kind, wa_id, mid = _text(message.get("type")), _text(message.get("from")), _text(message.get("id"))
        if not wa_id or not mid:
            return None
        text: str | None = None
        files: list[IncomingFile] = []
        if kind == "text":
            text = typed_text(_text(_object(message.get("text")).get("body")))
        elif kind == "interactive":
            inter = _object(message.get("interactive"))
            reply = _object(inter.get(_text(inter.get("type"))))  # button_reply or list_reply: {id, title}
            text = _text(reply.get("id")) or _text(reply.get("title"))
        elif kind == "button":  # quick-reply button of a template message
            button = _object(message.get("button"))
            text = _text(button.get("payload")) or _text(button.get("text"))
        elif kind in ("image", "document"):
            media = _object(message.get(kind))
            text = typed_text(_text(media.get("caption"))) or None
            media_id = _text(media.get("id"))
            if not media_id:
                return None
            name = _text(media.get("filename")) or (f"photo-{media_id[-8:]}.jpg" if kind == "image" else None)
            files.append(IncomingFile(name, self._fetcher(media_id)))
        elif kind in NOT_A_FILE:
            files.append(IncomingFile(None, no_fetch, refused="unsupported"))
        else:
            return None
        return Incoming("whatsapp", f"wa-{wa_id}", str(mid), text=text, files=files)

    def _fetcher(self, media_id: str):  # type: ignore[no-untyped-def]
        async def fetch(limit: int) -> bytes:
            meta = await self.client.get(f"{self.api}/{media_id}", headers=self._auth)
            meta.raise_for_status()
            info = meta.json()
            if int(info.get("file_size") or 0) > limit:
                raise TooLarge()
            async with self.client.stream("GET", info["url"], headers=self._auth, follow_redirects=True) as r:
                r.raise_for_status()
                return await read_limited(r.aiter_bytes(), limit)

        return fetch

    # ------------------------------------------------------------------ outbound
    async def send(self, to: str, replies: list[Reply]) -> None:
        for reply in replies:
            for body in self.messages_for(to, reply):
                resp = await self.client.post(f"{self.api}/{self.settings.whatsapp_phone_number_id}/messages",
                                              json=body, headers=self._auth)
                if resp.is_success:
                    continue
                code = _error_code(resp)
                if code in OUTSIDE_WINDOW:
                    log.warning("whatsapp: reply to %s refused, more than 24 h since the citizen's last message; "
                                "only an approved template can be sent now", sender_ref(f"wa-{to}"))
                    return
                log.warning("whatsapp: send failed (HTTP %s, error %s)", resp.status_code, code)
                resp.raise_for_status()
        log.info("whatsapp: %d answer(s) sent to %s", len(replies), sender_ref(f"wa-{to}"))

    @staticmethod
    def messages_for(to: str, reply: Reply) -> list[dict[str, Any]]:
        """The Cloud API message bodies of one reply: text, reply buttons (<= 3) or a list (<= 10 rows)."""
        base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        text = reply.text.strip()
        if not reply.buttons:
            return [base | {"type": "text", "text": {"preview_url": False, "body": chunk}}
                    for chunk in _split(text, MAX_TEXT)]
        out: list[dict[str, Any]] = []
        if len(text) > MAX_INTERACTIVE_BODY:  # the long text first, the choice after it
            out += [base | {"type": "text", "text": {"preview_url": False, "body": chunk}}
                    for chunk in _split(text, MAX_TEXT)]
            text = "Votre choix :"
        buttons = list(reply.buttons)
        if len(buttons) <= MAX_REPLY_BUTTONS:
            action: dict[str, Any] = {"buttons": [
                {"type": "reply", "reply": {"id": b.payload[:256], "title": shorten(b.title, MAX_BUTTON_TITLE)}}
                for b in buttons
            ]}
            out.append(base | {"type": "interactive", "interactive": {
                "type": "button", "body": {"text": text or "Votre choix :"}, "action": action}})
            return out
        rows, rest = buttons[:MAX_LIST_ROWS], buttons[MAX_LIST_ROWS:]
        if rest:  # nothing lost: the choices beyond ten are listed in the text, to type
            text = (text + "\n" + "\n".join(f"– {b.title}" for b in rest))[:MAX_INTERACTIVE_BODY]
        out.append(base | {"type": "interactive", "interactive": {
            "type": "list", "body": {"text": text or "Votre choix :"},
            "action": {"button": "Choisir", "sections": [{"title": "Choix possibles", "rows": [
                {"id": b.payload[:200], "title": shorten(b.title, MAX_ROW_TITLE)} for b in rows
            ]}]},
        }})
        return out


def _error_code(resp: httpx.Response) -> int | None:
    try:
        return int(resp.json()["error"]["code"])
    except Exception:
        return None


def _split(text: str, limit: int) -> list[str]:
    return split_text(text, limit) if text else []


# ---------------------------------------------------------------------------- webhook


def _whatsapp(request: Request) -> WhatsAppChannel:
    return adapter_of(request, "whatsapp", "canal WhatsApp désactivé")  # type: ignore[no-any-return]


WhatsAppDep = Annotated[WhatsAppChannel, Depends(_whatsapp)]
router = APIRouter()


@router.get("/channels/whatsapp/webhook")
async def whatsapp_verify(request: Request, _: WhatsAppDep, settings: SettingsDep) -> Response:
    """Meta's subscription check: the challenge echoed back when the verify token matches."""
    return PlainTextResponse(verified_challenge(request.query_params, settings.whatsapp_verify_token or ""))


@router.post("/channels/whatsapp/webhook")
async def whatsapp_webhook(request: Request, channel: WhatsAppDep, settings: SettingsDep) -> Response:
    """Messages and status callbacks, signed with the app secret (checked on the raw bytes, before parsing)."""
    body = await request.body()
    header = request.headers.get("X-Hub-Signature-256")
    if not header:
        raise HTTPException(401, "signature manquante")
    if not valid_signature(settings.whatsapp_app_secret or "", body, header):
        raise HTTPException(403, "signature invalide")
    if (payload := json_object(body)) is None:
        raise HTTPException(400, "JSON invalide")
    channel.handle(payload)
    return PlainTextResponse("EVENT_RECEIVED")


def verified_challenge(query: Mapping[str, str], expected: str) -> str:
    """`hub.challenge` when `hub.mode` is subscribe and `hub.verify_token` is ours; else 403."""
    token = query.get("hub.verify_token") or ""
    if query.get("hub.mode") == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
        return query.get("hub.challenge") or ""
    raise HTTPException(403, "jeton de vérification invalide")


register(Channel(
    "whatsapp", router, build=WhatsAppChannel,
    needs=lambda s: {"WHATSAPP_ACCESS_TOKEN": s.whatsapp_access_token, "WHATSAPP_APP_SECRET": s.whatsapp_app_secret,
                     "WHATSAPP_VERIFY_TOKEN": s.whatsapp_verify_token,
                     "WHATSAPP_PHONE_NUMBER_ID": s.whatsapp_phone_number_id},
))


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of the payload, or an empty one when Meta's documented shape is not there."""
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list (none when it is not a list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    """A string of the payload ('' for a number, a list or null where text was documented)."""
    return value if isinstance(value, str) else ""
