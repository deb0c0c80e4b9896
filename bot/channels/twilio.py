"""Twilio WhatsApp: signed form-encoded webhooks, media URLs, replies through the Messages API.

Twilio signs `PUBLIC_BASE_URL + path (+ ?query)` followed by every POST parameter name and value
sorted by name (HMAC-SHA1 with the auth token, base64) in `X-Twilio-Signature`; `signature` and
`valid_signature` follow Twilio's own `RequestValidator` (repeated names, with and without port). Media
(`MediaUrl0…`) redirect to short-lived URLs and need basic auth (account SID, auth token) when
the account protects them. Twilio has no free-form buttons: choices are numbered in the text and
a number typed back is read as that choice. The channel is on when TWILIO_ACCOUNT_SID,
TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL are set; its complaints record the channel "whatsapp".
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from bot.channels.registry import Channel, register
from bot.channels.relay import (
    Incoming,
    IncomingFile,
    Relay,
    Reply,
    read_limited,
    sender_ref,
    split_text,
    typed_text,
)
from bot.channels.web import adapter_of
from bot.config import Settings
from bot.web.deps import SettingsDep

log = logging.getLogger("bot.channels.twilio")

MAX_BODY = 1600
MAX_MEDIA = 10
RECORDS = "whatsapp"  # the channel its complaints record: WhatsApp, whether through Meta or Twilio
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def signature(auth_token: str, url: str, params: Sequence[tuple[str, str]]) -> str:
    """Twilio's signature, computed as its official library does (`RequestValidator.compute_signature`):
    the URL, then for each parameter name in sorted order, each of its distinct values in sorted
    order appended as name + value; HMAC-SHA1 with the auth token, base64."""
    values: dict[str, set[str]] = {}
    for key, value in params:
        values.setdefault(key, set()).add(value)
    payload = url + "".join(key + value for key in sorted(values) for value in sorted(values[key]))
    return base64.b64encode(hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def valid_signature(auth_token: str, url: str, params: Sequence[tuple[str, str]], header: str | None) -> bool:
    """As `RequestValidator.validate`: the URL is tried without and with its port (Twilio's own
    signing is inconsistent about the default port), compared in constant time."""
    given = (header or "").strip()
    if not given:
        return False
    ok = False
    for candidate in _url_variants(url):
        ok |= hmac.compare_digest(signature(auth_token, candidate, params), given)
    return ok


def _url_variants(url: str) -> tuple[str, str]:
    """(without port, with port): the port removed if present, else the scheme's default added."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    userinfo = parts.netloc[: len(parts.netloc) - len(host)]
    try:
        port = parts.port
    except ValueError:
        return url, url
    bare = host.rsplit(":", 1)[0] if port is not None and not host.endswith("]") else host
    default = 443 if parts.scheme == "https" else 80
    without = urlunsplit(parts._replace(netloc=userinfo + bare)) if port is not None else url
    with_port = url if port is not None else urlunsplit(parts._replace(netloc=f"{userinfo}{bare}:{default}"))
    return without, with_port


class TwilioChannel:
    def __init__(self, settings: Settings, relay: Relay, client: httpx.AsyncClient | None = None) -> None:
        assert settings.twilio_account_sid and settings.twilio_auth_token
        self.settings = settings
        self.relay = relay
        self.auth = (settings.twilio_account_sid, settings.twilio_auth_token)
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=5.0))
        self._choices: OrderedDict[str, list[str]] = OrderedDict()

    async def aclose(self) -> None:
        await self.client.aclose()

    def public_url(self, path: str, query: str) -> str:
        return f"{self.settings.public_base_url}{path}" + (f"?{query}" if query else "")

    # ------------------------------------------------------------------ inbound
    def handle(self, form: dict[str, str]) -> asyncio.Task[object] | None:
        if form.get("AccountSid") and form["AccountSid"] != self.settings.twilio_account_sid:
            log.info("twilio: message for another account ignored")
            return None
        sid, sender_addr, ours = form.get("MessageSid") or form.get("SmsMessageSid"), form.get("From"), form.get("To")
        if not sid or not sender_addr or not ours:
            return None
        sender = "tw-" + (re.sub(r"\D", "", sender_addr) or hashlib.sha256(sender_addr.encode()).hexdigest()[:16])
        text = form.get("ButtonPayload") or typed_text(form.get("Body") or "")
        text = self._choice(sender, text)
        files = []
        for i in range(min(_int(form.get("NumMedia")), MAX_MEDIA)):
            url = form.get(f"MediaUrl{i}")
            if url:
                files.append(IncomingFile(f"document-{i + 1}", self._fetcher(url)))
        incoming = Incoming(RECORDS, sender, sid, text=text or None, files=files, dedup_channel="twilio")

        async def outlet(replies: list[Reply]) -> None:
            await self.send(sender, from_=ours, to=sender_addr, replies=replies)

        return self.relay.submit(incoming, outlet)  # type: ignore[return-value]

    def _choice(self, sender: str, text: str) -> str:
        """A number typed back after numbered choices is that choice's payload."""
        choices = self._choices.get(sender) or []
        if text.isdigit() and 1 <= int(text) <= len(choices):
            return choices[int(text) - 1]
        return text

    def _fetcher(self, url: str):  # type: ignore[no-untyped-def]
        async def fetch(limit: int) -> bytes:
            async with self.client.stream("GET", url, auth=self.auth, follow_redirects=True) as r:
                r.raise_for_status()
                return await read_limited(r.aiter_bytes(), limit)

        return fetch

    # ------------------------------------------------------------------ outbound
    async def send(self, sender: str, *, from_: str, to: str, replies: list[Reply]) -> None:
        url = f"{self.settings.twilio_api_base_url}/2010-04-01/Accounts/{self.settings.twilio_account_sid}/Messages.json"
        for reply in replies:
            for body in self.bodies_for(sender, reply):
                resp = await self.client.post(url, data={"From": from_, "To": to, "Body": body}, auth=self.auth)
                if not resp.is_success:
                    log.warning("twilio: send failed (HTTP %s)", resp.status_code)
                    resp.raise_for_status()
        log.info("twilio: %d answer(s) sent to %s", len(replies), sender_ref(sender))

    def bodies_for(self, sender: str, reply: Reply) -> list[str]:
        text = reply.text.strip()
        if reply.buttons:
            self._choices[sender] = [b.payload for b in reply.buttons]
            self._choices.move_to_end(sender)
            while len(self._choices) > 10000:
                self._choices.popitem(last=False)
            options = "\n".join(f"{i}. {b.title}" for i, b in enumerate(reply.buttons, 1))
            text = f"{text}\n\n{options}\n(Répondez par le numéro de votre choix.)".strip()
        return split_text(text, MAX_BODY) if text else []


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


# ---------------------------------------------------------------------------- webhook


def _twilio(request: Request) -> TwilioChannel:
    return adapter_of(request, "twilio", "canal Twilio désactivé")  # type: ignore[no-any-return]


TwilioDep = Annotated[TwilioChannel, Depends(_twilio)]
router = APIRouter()


@router.post("/channels/twilio/webhook")
async def twilio_webhook(request: Request, channel: TwilioDep, settings: SettingsDep) -> Response:
    """An incoming WhatsApp message through Twilio, signed over our public URL and its parameters."""
    params = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    header = request.headers.get("X-Twilio-Signature")
    if not header:
        raise HTTPException(401, "signature manquante")
    url = channel.public_url(request.url.path, request.url.query)
    if not valid_signature(settings.twilio_auth_token or "", url, params, header):
        raise HTTPException(403, "signature invalide")
    channel.handle(dict(params))
    return Response(EMPTY_TWIML, media_type="text/xml")


register(Channel(
    "twilio", router, build=TwilioChannel, records=RECORDS,
    needs=lambda s: {"TWILIO_ACCOUNT_SID": s.twilio_account_sid, "TWILIO_AUTH_TOKEN": s.twilio_auth_token,
                     "PUBLIC_BASE_URL": s.public_base_url},
))
