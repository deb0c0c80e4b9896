"""Telegram (python-telegram-bot 22, the `Bot` alone: Rasa owns the dialogue, no Application).

Updates come from the webhook (`POST /channels/telegram/webhook`, secret header checked by the
handler below) or from `complaintbot telegram polling`; both end in `TelegramChannel.handle`.
The channel is on when TELEGRAM_BOT_TOKEN is set.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from collections import OrderedDict
from collections.abc import Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.request import HTTPXRequest

from bot.channels.registry import Channel, register
from bot.channels.relay import (
    Incoming,
    IncomingFile,
    Relay,
    Reply,
    TooLarge,
    no_fetch,
    sender_ref,
    split_text,
)
from bot.channels.web import adapter_of, json_object
from bot.config import Settings
from bot.web.deps import SettingsDep

log = logging.getLogger("bot.channels.telegram")

COMMANDS = {"start": "Bonjour", "annuler": "annuler", "aide": "aide", "recommencer": "recommencer"}
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
ALLOWED_UPDATES = ["message", "callback_query"]


def make_bot(settings: Settings) -> Bot:
    """A Bot speaking to TELEGRAM_API_BASE_URL (`{base}/bot<token>/…`, files `{base}/file/bot<token>/…`)."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base = settings.telegram_api_base_url
    return Bot(
        settings.telegram_bot_token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
        request=HTTPXRequest(connection_pool_size=16, read_timeout=20.0, media_write_timeout=30.0),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=40.0),
    )


class TelegramChannel:
    def __init__(self, bot: Bot, relay: Relay) -> None:
        self.bot = bot
        self.relay = relay
        self._long_payloads: OrderedDict[str, str] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()

    async def aclose(self) -> None:
        """Close the HTTP client of the webhook mode (the polling mode uses `async with bot`)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        await self.bot.request.shutdown()

    # ------------------------------------------------------------------ inbound
    def accept(self, data: dict[str, Any] | None) -> None:
        """An authenticated webhook body (None: not a JSON object). Telegram retries every non-2xx
        delivery (for hours), so an update that cannot be read is acknowledged all the same,
        logged without its content, and processed as nothing."""
        update = self.parse(data) if data is not None else None
        if update is None:
            log.warning("telegram: unreadable update %s acknowledged and ignored (%s)",
                        _update_id(data), "not a JSON object" if data is None else "shape not understood")
            return
        try:
            self.handle(update)
        except Exception as exc:  # a shape de_json accepted but the channel cannot use
            log.warning("telegram: update %s acknowledged and ignored (%s)", _update_id(data), type(exc).__name__)

    def parse(self, data: dict[str, Any]) -> Update | None:
        """The Update of a webhook body; None when it cannot be read."""
        try:
            update = Update.de_json(data, self.bot)
        except Exception as exc:
            log.info("telegram: update not understood: %s", type(exc).__name__)
            return None
        return update if update is not None and well_typed(update) else None

    def handle(self, update: Update) -> asyncio.Task[Any] | None:
        """Queue one update for the relay; None when it carries nothing to relay."""
        incoming = None
        if update.callback_query is not None:
            incoming = self._from_callback(update)
        elif update.message is not None:
            incoming = self._from_message(update.update_id, update.message)
        if incoming is None:
            log.info("telegram: update %s ignored (nothing to relay)", update.update_id)
            return None
        chat_id = int(incoming.sender.removeprefix("tg-"))

        async def outlet(replies: list[Reply]) -> None:
            await self.send(chat_id, replies)

        return self.relay.submit(incoming, outlet)

    def _from_callback(self, update: Update) -> Incoming | None:
        query = update.callback_query
        assert query is not None
        self._background(self._answer_callback(query))  # else the button keeps spinning on the phone
        message = query.message
        if message is None or not query.data or message.chat.type != "private":
            return None
        payload = self._long_payloads.get(query.data, query.data)
        return Incoming("telegram", f"tg-{message.chat.id}", str(update.update_id), text=payload,
                        dedup_channel="telegram")

    async def _answer_callback(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except Exception as exc:
            log.warning("telegram: answerCallbackQuery failed: %s", type(exc).__name__)

    def _background(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _from_message(self, update_id: int, message: Message) -> Incoming | None:
        if message.chat.type != "private":  # a complaint is personal: never taken in a group
            return None
        text = message.text or message.caption or ""
        if text.startswith("/"):
            command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
            text = COMMANDS.get(command, text.lstrip("/"))
        files = []
        if message.document is not None:
            doc = message.document
            files.append(self._file(doc.file_id, doc.file_name, doc.file_size))
        elif message.photo:
            photo = message.photo[-1]  # the largest size
            files.append(self._file(photo.file_id, f"photo-{photo.file_unique_id}.jpg", photo.file_size))
        elif any(getattr(message, kind, None) is not None for kind in ("video", "voice", "audio", "video_note", "sticker", "animation")):
            files.append(IncomingFile(None, no_fetch, refused="unsupported"))
        if not text and not files:
            return None
        return Incoming("telegram", f"tg-{message.chat.id}", str(update_id), text=text or None, files=files,
                        dedup_channel="telegram")

    def _file(self, file_id: str, filename: str | None, size: int | None) -> IncomingFile:
        async def fetch(limit: int) -> bytes:
            tg_file = await self.bot.get_file(file_id)
            if tg_file.file_size and tg_file.file_size > limit:
                raise TooLarge()
            data = bytes(await tg_file.download_as_bytearray())
            if len(data) > limit:
                raise TooLarge()
            return data

        return IncomingFile(filename, fetch, size_hint=size)

    # ------------------------------------------------------------------ outbound
    async def send(self, chat_id: int, replies: list[Reply]) -> None:
        for reply in replies:
            chunks = split_text(reply.text or "Votre choix :", MAX_TEXT)
            for i, chunk in enumerate(chunks):
                markup = None
                if reply.buttons and i == len(chunks) - 1:
                    markup = InlineKeyboardMarkup(
                        [[InlineKeyboardButton(b.title[:64], callback_data=self._callback_data(b.payload))]
                         for b in reply.buttons]
                    )
                await self.bot.send_message(chat_id, chunk, reply_markup=markup)
        log.info("telegram: %d answer(s) sent to %s", len(replies), sender_ref(f"tg-{chat_id}"))

    def _callback_data(self, payload: str) -> str:
        """Telegram allows 64 bytes of callback data: longer payloads go through a short key."""
        if len(payload.encode()) <= MAX_CALLBACK_BYTES:
            return payload
        key = "p:" + hashlib.sha256(payload.encode()).hexdigest()[:20]
        self._long_payloads[key] = payload
        self._long_payloads.move_to_end(key)
        while len(self._long_payloads) > 5000:
            self._long_payloads.popitem(last=False)
        return key

    # ------------------------------------------------------------------ developer mode
    async def poll(self, *, stop: asyncio.Event | None = None, timeout: int = 25) -> None:
        """Long polling (`getUpdates`) for a developer without a public URL; removes the webhook first."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        while stop is None or not stop.is_set():
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
            except Exception as exc:
                log.warning("telegram: getUpdates failed: %s", type(exc).__name__)
                await asyncio.sleep(2)
                continue
            for update in updates:
                offset = update.update_id + 1
                self.handle(update)


def _update_id(data: dict[str, Any] | None) -> str:
    """A Telegram update's id for the logs (an integer, nothing else from the body)."""
    value = (data or {}).get("update_id")
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "?"


async def set_webhook(settings: Settings, url: str) -> bool:
    """Register `url` with Telegram (`setWebhook` with TELEGRAM_WEBHOOK_SECRET as secret_token)."""
    if not settings.telegram_webhook_secret:
        raise ValueError("TELEGRAM_WEBHOOK_SECRET is not set: the webhook would accept forged updates")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", settings.telegram_webhook_secret):
        raise ValueError("TELEGRAM_WEBHOOK_SECRET: 1 to 256 characters A-Z, a-z, 0-9, _ and - only (Telegram's rule)")
    bot = make_bot(settings)
    async with bot:
        return await bot.set_webhook(url, secret_token=settings.telegram_webhook_secret,
                                     allowed_updates=ALLOWED_UPDATES)


async def run_polling(settings: Settings) -> None:
    """`complaintbot telegram polling`: the Telegram channel without a public URL (development)."""
    from bot.channels.engine import EngineClient
    from bot.services.uow import Registry

    registry = Registry.from_settings(settings, migrate=True)
    engine = EngineClient(settings.engine_url)
    bot = make_bot(settings)
    try:
        async with bot:
            relay = Relay(engine, registry, settings)
            channel = TelegramChannel(bot, relay)
            log.info("telegram: polling as @%s (Ctrl-C to stop)", bot.username)
            try:
                await channel.poll()
            finally:
                await relay.drain(timeout=10)
    finally:
        await engine.aclose()
        registry.dispose()


# ---------------------------------------------------------------------------- webhook


def _telegram(request: Request) -> TelegramChannel:
    return adapter_of(request, "telegram", "canal Telegram désactivé")  # type: ignore[no-any-return]


TelegramDep = Annotated[TelegramChannel, Depends(_telegram)]
router = APIRouter()


@router.post("/channels/telegram/webhook")
async def telegram_webhook(request: Request, channel: TelegramDep, settings: SettingsDep) -> Response:
    """An update pushed by Telegram, with TELEGRAM_WEBHOOK_SECRET in its secret-token header."""
    _check_secret(request.headers.get("X-Telegram-Bot-Api-Secret-Token"), settings.telegram_webhook_secret)
    channel.accept(json_object(await request.body()))
    return JSONResponse({"ok": True})


def _check_secret(header: str | None, secret: str | None) -> None:
    if header is None:
        raise HTTPException(401, "secret manquant")
    if not secret or not hmac.compare_digest(header.encode(), secret.encode()):
        raise HTTPException(403, "secret invalide")


def _startup_notes(settings: Settings) -> list[str]:
    if settings.telegram_bot_token and not settings.telegram_webhook_secret:
        return ["TELEGRAM_WEBHOOK_SECRET unset, the webhook refuses every call (use `complaintbot telegram polling`)"]
    return []


register(Channel(
    "telegram", router, build=lambda settings, relay: TelegramChannel(make_bot(settings), relay),
    needs=lambda s: {"TELEGRAM_BOT_TOKEN": s.telegram_bot_token}, notes=_startup_notes,
))


def _typed(value: Any, kind: type | tuple[type, ...], optional: bool = True) -> bool:
    return (optional and value is None) or (isinstance(value, kind) and not isinstance(value, bool))


def _chat_typed(chat: Any) -> bool:
    return chat is not None and _typed(getattr(chat, "id", None), int, False) and _typed(getattr(chat, "type", None), str)


def well_typed(update: Update) -> bool:
    """Whether the fields the channel reads have the Bot API's documented types: `de_json` builds
    an Update from any values (a text that is `true`, a file name that is an object)."""
    if not _typed(update.update_id, int, optional=False):
        return False
    query = update.callback_query
    if query is not None:
        return _typed(query.data, str) and (query.message is None or _chat_typed(query.message.chat))
    message = update.message
    if message is None:
        return True
    if not (_chat_typed(message.chat) and _typed(message.text, str) and _typed(message.caption, str)):
        return False
    doc = message.document
    if doc is not None and not (_typed(doc.file_id, str, False) and _typed(doc.file_name, str)
                                and _typed(doc.file_size, int)):
        return False
    return all(_typed(p.file_id, str, False) and _typed(p.file_unique_id, str, False) and _typed(p.file_size, int)
               for p in message.photo or ())
