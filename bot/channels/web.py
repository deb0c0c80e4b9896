"""HTTP face of the chat channels: platform webhooks and the web widget's `/chat/…` endpoints.

`channels_router(settings, on_start=…, on_stop=…)` is mounted by `bot/web/app.py`; its start-up
hook builds the relay and the channels whose settings are complete (a channel left unset is
off: its webhook answers 404 and the start-up log says so). Handlers only check, parse and
queue; the work happens in `bot.channels.relay`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from bot.channels.relay import Incoming, IncomingFile, Outcome, Relay, Reply, TooLarge, sender_ref, typed_text
from bot.config import Settings
from bot.web.guards import RateLimiter, rate_limited_body

log = logging.getLogger("bot.channels")

WEB_SENDER_RE = re.compile(r"^web-[A-Za-z0-9_-]{16,60}$")
MESSAGE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"}


class ChatIn(BaseModel):
    sender: str = Field(min_length=8, max_length=64)
    message: str = Field(min_length=1, max_length=4000)
    message_id: str | None = Field(default=None, max_length=64)


@dataclass
class Channels:
    relay: Relay
    telegram: Any = None
    whatsapp: Any = None
    twilio: Any = None

    async def aclose(self) -> None:
        await self.relay.drain(timeout=10)
        for channel in (self.telegram, self.whatsapp, self.twilio):
            if channel is not None:
                await channel.aclose()


def channel_status(settings: Settings) -> dict[str, str | None]:
    """Per channel: None when on, else why it is off (the settings left unset)."""
    def missing(**values: Any) -> str | None:
        unset = [name for name, value in values.items() if not value]
        return f"{', '.join(unset)} unset" if unset else None

    return {
        "telegram": missing(TELEGRAM_BOT_TOKEN=settings.telegram_bot_token),
        "whatsapp": missing(WHATSAPP_ACCESS_TOKEN=settings.whatsapp_access_token,
                            WHATSAPP_APP_SECRET=settings.whatsapp_app_secret,
                            WHATSAPP_VERIFY_TOKEN=settings.whatsapp_verify_token,
                            WHATSAPP_PHONE_NUMBER_ID=settings.whatsapp_phone_number_id),
        "twilio": missing(TWILIO_ACCOUNT_SID=settings.twilio_account_sid,
                          TWILIO_AUTH_TOKEN=settings.twilio_auth_token, PUBLIC_BASE_URL=settings.public_base_url),
    }


def build_channels(settings: Settings, relay: Relay) -> Channels:
    status = channel_status(settings)
    channels = Channels(relay)
    if status["telegram"] is None:
        from bot.channels.telegram import TelegramChannel, make_bot

        channels.telegram = TelegramChannel(make_bot(settings), relay)
    if status["whatsapp"] is None:
        from bot.channels.whatsapp import WhatsAppChannel

        channels.whatsapp = WhatsAppChannel(settings, relay)
    if status["twilio"] is None:
        from bot.channels.twilio import TwilioChannel

        channels.twilio = TwilioChannel(settings, relay)
    return channels


def _log_status(settings: Settings) -> None:
    bot_log = logging.getLogger("bot")
    if not bot_log.handlers and not logging.getLogger().handlers:  # uvicorn configures only its own loggers
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        bot_log.addHandler(handler)
        bot_log.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines show URLs with the Telegram token
    for name, why in channel_status(settings).items():
        if why is None:
            log.info("channel %s: on", name)
        else:
            log.info("channel %s: off (%s)", name, why)
    if settings.telegram_bot_token and not settings.telegram_webhook_secret:
        log.warning("channel telegram: TELEGRAM_WEBHOOK_SECRET unset, the webhook refuses every call "
                    "(use `complaintbot telegram polling`)")
    log.info("channel webchat: on")


def channels_router(settings: Settings, *, on_start: list[Any] | None = None,
                    on_stop: list[Any] | None = None) -> APIRouter:
    router = APIRouter()
    per_conversation = {
        "messages": RateLimiter.from_setting(settings.rate_chat_messages_per_conversation),
        "upload": RateLimiter.from_setting(settings.rate_chat_upload_per_conversation),
    }

    def throttled(kind: str, sender: str) -> Response | None:
        """429 in French when this conversation sends too much (per-address limits: bot/web/guards.py)."""
        verdict = per_conversation[kind].hit(sender)
        if verdict.allowed:
            return None
        log.info("chat: %s of %s rate-limited", kind, sender_ref(sender))
        return JSONResponse(rate_limited_body(verdict.retry_after), status_code=429,
                            headers=CORS | {"Retry-After": str(verdict.retry_after)})

    async def start(app: FastAPI) -> None:
        _log_status(settings)
        relay = Relay(app.state.engine, app.state.registry, settings)
        app.state.relay = relay
        app.state.channels = build_channels(settings, relay)

    async def stop(app: FastAPI) -> None:
        channels: Channels | None = getattr(app.state, "channels", None)
        if channels is not None:
            await channels.aclose()

    if on_start is not None:
        on_start.append(start)
    if on_stop is not None:
        on_stop.append(stop)

    def channels_of(request: Request) -> Channels:
        channels: Channels | None = getattr(request.app.state, "channels", None)
        if channels is None:
            raise HTTPException(503, "service en cours de démarrage")
        return channels

    # ------------------------------------------------------------------ Telegram
    @router.post("/channels/telegram/webhook")
    async def telegram_webhook(request: Request) -> Response:
        channel = channels_of(request).telegram
        if channel is None:
            raise HTTPException(404, "canal Telegram désactivé")
        header = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if header is None:
            raise HTTPException(401, "secret manquant")
        secret = settings.telegram_webhook_secret
        if not secret or not hmac.compare_digest(header.encode(), secret.encode()):
            raise HTTPException(403, "secret invalide")
        # Authenticated from here on. Telegram retries every non-2xx delivery (for hours), so an
        # update the service cannot read is acknowledged (200), logged without its content, and
        # processed as nothing.
        data = _json_or_none(await request.body())
        update = channel.parse(data) if data is not None else None
        if update is None:
            log.warning("telegram: unreadable update %s acknowledged and ignored (%s)",
                        _update_id(data), "not a JSON object" if data is None else "shape not understood")
            return JSONResponse({"ok": True})
        try:
            channel.handle(update)
        except Exception as exc:  # a shape de_json accepted but the channel cannot use
            log.warning("telegram: update %s acknowledged and ignored (%s)", _update_id(data), type(exc).__name__)
        return JSONResponse({"ok": True})

    # ------------------------------------------------------------------ WhatsApp Cloud API
    @router.get("/channels/whatsapp/webhook")
    async def whatsapp_verify(request: Request) -> Response:
        if channels_of(request).whatsapp is None:
            raise HTTPException(404, "canal WhatsApp désactivé")
        q = request.query_params
        token, expected = q.get("hub.verify_token") or "", settings.whatsapp_verify_token or ""
        if q.get("hub.mode") == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
            return PlainTextResponse(q.get("hub.challenge") or "")
        raise HTTPException(403, "jeton de vérification invalide")

    @router.post("/channels/whatsapp/webhook")
    async def whatsapp_webhook(request: Request) -> Response:
        channel = channels_of(request).whatsapp
        if channel is None:
            raise HTTPException(404, "canal WhatsApp désactivé")
        from bot.channels.whatsapp import valid_signature

        body = await request.body()  # the raw bytes: the signature is checked before any parsing
        header = request.headers.get("X-Hub-Signature-256")
        if not header:
            raise HTTPException(401, "signature manquante")
        if not valid_signature(settings.whatsapp_app_secret or "", body, header):
            raise HTTPException(403, "signature invalide")
        channel.handle(_json(body))
        return PlainTextResponse("EVENT_RECEIVED")

    # ------------------------------------------------------------------ Twilio WhatsApp
    @router.post("/channels/twilio/webhook")
    async def twilio_webhook(request: Request) -> Response:
        channel = channels_of(request).twilio
        if channel is None:
            raise HTTPException(404, "canal Twilio désactivé")
        from bot.channels.twilio import EMPTY_TWIML, valid_signature

        params = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        header = request.headers.get("X-Twilio-Signature")
        if not header:
            raise HTTPException(401, "signature manquante")
        url = channel.public_url(request.url.path, request.url.query)
        if not valid_signature(settings.twilio_auth_token or "", url, params, header):
            raise HTTPException(403, "signature invalide")
        channel.handle(dict(params))
        return Response(EMPTY_TWIML, media_type="text/xml")

    # ------------------------------------------------------------------ web widget
    @router.options("/chat/{rest:path}")
    async def chat_preflight(rest: str) -> Response:
        return Response(status_code=204, headers=CORS)

    @router.post("/chat/session")
    async def chat_session() -> Response:
        return JSONResponse({"sender": "web-" + secrets.token_urlsafe(18)}, headers=CORS)

    @router.post("/chat/messages")
    async def chat_message(body: ChatIn, request: Request) -> Response:
        _check_web_ids(body.sender, body.message_id)
        if (refused := throttled("messages", body.sender)) is not None:
            return refused
        text = typed_text(body.message)
        if not text:
            raise HTTPException(422, "message vide")
        incoming = Incoming("webchat", body.sender, body.message_id, text=text)
        outcome = await _run(channels_of(request).relay, incoming)
        return JSONResponse({"messages": _public(outcome.replies), "duplicate": outcome.duplicate}, headers=CORS)

    @router.post("/chat/upload")
    async def chat_upload(request: Request, sender: str = Form(...), file: UploadFile = File(...),  # noqa: B008
                          message_id: str | None = Form(None)) -> Response:
        _check_web_ids(sender, message_id)
        if (refused := throttled("upload", sender)) is not None:
            return refused
        # the body was capped while it streamed in (bot/web/guards.py): at most the limit + a margin
        limit = settings.attachment_max_bytes
        data = await file.read(limit + 1)

        async def fetch(max_bytes: int) -> bytes:
            if len(data) > max_bytes:
                raise TooLarge()
            return data

        incoming = Incoming("webchat", sender, message_id, files=[IncomingFile(file.filename, fetch)])
        outcome = await _run(channels_of(request).relay, incoming)
        if outcome.refused:
            return JSONResponse({"error": outcome.refused[0].message, "messages": []}, status_code=422, headers=CORS)
        return JSONResponse({"messages": _public(outcome.replies), "attachments": outcome.attachments,
                             "duplicate": outcome.duplicate}, headers=CORS)

    return router


async def _run(relay: Relay, incoming: Incoming) -> Outcome:
    async def collect(replies: list[Reply]) -> None:  # the answers go back in the HTTP response
        return None

    return await asyncio.shield(relay.submit(incoming, collect))


def _check_web_ids(sender: str, message_id: str | None) -> None:
    if not WEB_SENDER_RE.match(sender):
        raise HTTPException(400, "identifiant de conversation invalide")
    if message_id is not None and not MESSAGE_ID_RE.match(message_id):
        raise HTTPException(400, "identifiant de message invalide")


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise HTTPException(400, "JSON invalide") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "JSON invalide")
    return data


def _json_or_none(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _update_id(data: dict[str, Any] | None) -> str:
    """A Telegram update's id for the logs (an integer, nothing else from the body)."""
    value = (data or {}).get("update_id")
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "?"


def _public(replies: list[Reply]) -> list[dict[str, Any]]:
    return [{"text": r.text, "buttons": [{"title": b.title, "payload": b.payload} for b in r.buttons]}
            for r in replies]
