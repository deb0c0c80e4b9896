"""The web widget's channel: `/chat/session`, `/chat/messages` and `/chat/upload`, answered in the
HTTP response (CORS open: the widget is embedded in other sites). Always on.

Each conversation is rate-limited here, once its sender id is known (per-address limits and body
caps: bot/web/guards.py, before any body is read).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from bot.channels.registry import Channel, register
from bot.channels.relay import Incoming, IncomingFile, Outcome, Relay, Reply, TooLarge, sender_ref, typed_text
from bot.channels.web import adapter_of
from bot.config import Settings
from bot.web.guards import CORS_HEADERS as CORS
from bot.web.guards import RateLimiter, client_address, rate_limited_body

log = logging.getLogger("bot.channels")

WEB_SENDER_RE = re.compile(r"^web-[A-Za-z0-9_-]{16,60}$")
MESSAGE_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ChatIn(BaseModel):
    sender: str = Field(min_length=8, max_length=64)
    message: str = Field(min_length=1, max_length=4000)
    message_id: str | None = Field(default=None, max_length=64)


class WebChat:
    """The widget's side of a started service: the relay and the per-conversation rate limits."""

    def __init__(self, settings: Settings, relay: Relay) -> None:
        self.settings = settings
        self.relay = relay
        self.per_conversation = {
            "messages": RateLimiter.from_setting(settings.rate_chat_messages_per_conversation),
            "upload": RateLimiter.from_setting(settings.rate_chat_upload_per_conversation),
        }

    async def aclose(self) -> None:
        return None

    def throttled(self, kind: str, sender: str) -> Response | None:
        """429 in French when this conversation sends too much."""
        verdict = self.per_conversation[kind].hit(sender)
        if verdict.allowed:
            return None
        log.info("chat: %s of %s rate-limited", kind, sender_ref(sender))
        return JSONResponse(rate_limited_body(verdict.retry_after), status_code=429,
                            headers=CORS | {"Retry-After": str(verdict.retry_after)})

    async def upload(self, file: UploadFile) -> IncomingFile:
        """The uploaded file, read at most to the limit + 1 byte (the body was capped as it
        streamed in, bot/web/guards.py)."""
        data = await file.read(self.settings.attachment_max_bytes + 1)

        async def fetch(max_bytes: int) -> bytes:
            if len(data) > max_bytes:
                raise TooLarge()
            return data

        return IncomingFile(file.filename, fetch)

    async def run(self, incoming: Incoming) -> Outcome:
        """Relay one message and wait for its outcome (the answers go back in the HTTP response)."""
        async def collect(replies: list[Reply]) -> None:
            return None

        return await asyncio.shield(self.relay.submit(incoming, collect))


def _webchat(request: Request) -> WebChat:
    return adapter_of(request, "webchat", "canal web désactivé")  # type: ignore[no-any-return]


WebChatDep = Annotated[WebChat, Depends(_webchat)]
router = APIRouter()


@router.options("/chat/{rest:path}")
async def chat_preflight(rest: str) -> Response:
    return Response(status_code=204, headers=CORS)


def client_key(address: str) -> str:
    """The caller's address as the engine sees it: a short hash (an address is personal data and
    the engine keeps every message's metadata), enough to throttle status lookups per address."""
    return hashlib.sha256(address.encode()).hexdigest()[:16]


@router.post("/chat/session")
async def chat_session() -> Response:
    """A new conversation id for the widget."""
    return JSONResponse({"sender": "web-" + secrets.token_urlsafe(18)}, headers=CORS)


@router.post("/chat/messages")
async def chat_message(body: ChatIn, chat: WebChatDep, request: Request) -> Response:
    """A typed message; the answers come back in the response."""
    check_web_ids(body.sender, body.message_id)
    if (refused := chat.throttled("messages", body.sender)) is not None:
        return refused
    if not (text := typed_text(body.message)):
        raise HTTPException(422, "message vide")
    client = client_key(client_address(request.scope, request.app.state.settings.trust_forwarded_for))
    outcome = await chat.run(Incoming("webchat", body.sender, body.message_id, text=text, client=client))
    return JSONResponse({"messages": public(outcome.replies), "duplicate": outcome.duplicate}, headers=CORS)


@router.post("/chat/upload")
async def chat_upload(sender: Annotated[str, Form()], file: Annotated[UploadFile, File()], chat: WebChatDep,
                      message_id: Annotated[str | None, Form()] = None) -> Response:
    """A document; the stored attachment and the answers come back in the response (422 when refused)."""
    check_web_ids(sender, message_id)
    if (refused := chat.throttled("upload", sender)) is not None:
        return refused
    outcome = await chat.run(Incoming("webchat", sender, message_id, files=[await chat.upload(file)]))
    if outcome.refused:
        return JSONResponse({"error": outcome.refused[0].message, "messages": []}, status_code=422, headers=CORS)
    return JSONResponse({"messages": public(outcome.replies), "attachments": outcome.attachments,
                         "duplicate": outcome.duplicate}, headers=CORS)


def check_web_ids(sender: str, message_id: str | None) -> None:
    if not WEB_SENDER_RE.match(sender):
        raise HTTPException(400, "identifiant de conversation invalide")
    if message_id is not None and not MESSAGE_ID_RE.match(message_id):
        raise HTTPException(400, "identifiant de message invalide")


def public(replies: list[Reply]) -> list[dict[str, Any]]:
    """Replies as the widget reads them: text and buttons."""
    return [{"text": r.text, "buttons": [{"title": b.title, "payload": b.payload} for b in r.buttons]}
            for r in replies]


register(Channel("webchat", router, build=WebChat))
