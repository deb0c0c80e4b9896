"""The relay shared by every chat channel: dedup, per-sender order, files, engine, answers.

A channel handler parses its platform's payload into an `Incoming` and gives it to
`Relay.submit` with an `Outlet` (how to answer on that platform). The relay then, in order
for each sender: drops a platform message id already seen (`processed_messages`), downloads,
checks and stores the files (a refused file gets its French message, the rest goes on),
relays the text with metadata {"channel", "attachments"} to the engine's REST channel and
hands the engine's answers (text + buttons) to the outlet.

One process orders a sender's messages itself; with `REDIS_URL` set, a Redis lock per sender
(`complaintbot:relay:<sender>`) also keeps several web-service workers from relaying two
messages of one conversation at once.

Logs carry ids, sizes and codes only: never a text, a name or a phone number (senders are
logged as a short hash).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.config import Settings
from bot.services.attachments import FILE_ONLY_TEXT, AttachmentRefused, refusal, store_upload
from bot.services.messages import first_time_seen
from bot.services.privacy import forget_conversation
from bot.services.uow import Registry, Unavailable

log = logging.getLogger("bot.channels")
LOCK_SECONDS = 45  # the longest a relayed turn may hold a conversation (engine timeout 30 s and retries 8 s)
LOCK_WAIT_SECONDS = 10  # the longest a message waits for the one before it (a dead worker's lock lasts longer)

# what is relayed when a message carries files and no text (the form acknowledges the files)
ENGINE_DOWN = ("Un instant, je reviens… Le service redémarre : renvoyez votre message dans quelques "
               "secondes, s'il vous plaît.")


# the registry's database cannot be reached: nothing was relayed, the citizen writes again
REGISTRY_DOWN = ("Un instant, je reviens… Notre service est momentanément indisponible : renvoyez votre message "
                 "dans quelques secondes, s'il vous plaît. Ce que vous nous avez déjà donné est conservé.")
# the conversation's previous message is still held (by a busy or a dead worker): not relayed
STILL_BUSY = ("Un instant, je reviens… Votre message précédent est encore en cours de traitement : renvoyez "
              "celui-ci dans quelques secondes, s'il vous plaît.")
# the engine took the message but answered nothing (its stores failed while it was handling it)
NO_ANSWER = ("Un instant, je reviens… Je n'ai pas pu traiter votre message : renvoyez-le dans quelques "
             "secondes, s'il vous plaît.")


class TooLarge(Exception):
    """A download stopped because the file is bigger than the limit."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass
class IncomingFile:
    """A file announced by a platform; `fetch(limit)` downloads it (raises TooLarge past `limit`)."""

    filename: str | None
    fetch: Callable[[int], Awaitable[bytes]]
    size_hint: int | None = None
    refused: str | None = None  # a refusal code known without downloading (a voice note, a video…)


@dataclass
class Incoming:
    channel: str  # metadata channel: "telegram", "whatsapp" (Meta and Twilio), "webchat"
    sender: str  # the engine's sender id, prefixed by the platform ("tg-…", "wa-…", "tw-…", "web-…")
    message_id: str | None  # the platform's id, for dedup (None: no dedup)
    text: str | None = None
    files: list[IncomingFile] = field(default_factory=list)
    dedup_channel: str | None = None  # namespace of message_id (default: channel)
    client: str | None = None  # the web widget's caller, hashed (status lookups are throttled per address)


@dataclass
class Outcome:
    duplicate: bool = False
    replies: list[Reply] = field(default_factory=list)
    refused: list[AttachmentRefused] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    engine_error: bool = False


class Outlet(Protocol):
    async def __call__(self, replies: list[Reply]) -> None: ...


class Engine(Protocol):
    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


_log_key = {"key": secrets.token_bytes(32)}  # replaced by the installation's key at start-up


def use_log_key(secret: str) -> None:
    """Key the log pseudonyms with a secret of the installation (the web service's start-up gives
    the engine token), so that the same sender has the same id across workers and restarts."""
    if secret:
        _log_key["key"] = hashlib.sha256(b"complaintbot log pseudonym\0" + secret.encode()).digest()


def sender_ref(sender: str) -> str:
    """A short pseudonymous id for the logs (sender and message ids can contain phone numbers): a
    keyed hash, since an unkeyed one of a phone number is reversed by trying every number."""
    return hmac.new(_log_key["key"], sender.encode(), hashlib.sha256).hexdigest()[:12]


def replies_from_engine(messages: list[dict[str, Any]]) -> list[Reply]:
    """The engine's REST channel answers -> replies (text and buttons; other kinds are dropped)."""
    out = []
    for m in messages:
        text = str(m.get("text") or "").strip()
        buttons = tuple(
            Button(str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or b.get("title") or ""))
            for b in (m.get("buttons") or []) if isinstance(b, dict) and (b.get("title") or b.get("payload"))
        )
        if text or buttons:
            out.append(Reply(text, buttons))
    return out


FORGET = "forget_conversation"  # the custom payload the actions send when an intake is cancelled


def asks_to_forget(messages: list[dict[str, Any]]) -> bool:
    return any(isinstance(m.get("custom"), dict) and m["custom"].get(FORGET) for m in messages)


class Relay:
    def __init__(self, engine: Engine, registry: Registry, settings: Settings,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self.registry = registry
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self._tails: dict[str, asyncio.Task[Outcome]] = {}
        self._tasks: set[asyncio.Task[Outcome]] = set()
        self._redis: Any = None
        if settings.redis_url:
            import redis.asyncio

            self._redis = redis.asyncio.from_url(settings.redis_url)

    # ------------------------------------------------------------------ ordering
    def submit(self, incoming: Incoming, outlet: Outlet) -> asyncio.Task[Outcome]:
        """Queue one message; messages of one sender are processed one at a time, in submit order.
        Returns the task (a webhook answers at once; the web widget awaits it)."""
        previous = self._tails.get(incoming.sender)

        async def run() -> Outcome:
            if previous is not None:
                await asyncio.wait([previous])
            if self._redis is None:
                return await self._process(incoming, outlet)
            return await self._process_locked(incoming, outlet)

        task = asyncio.get_running_loop().create_task(run())
        self._tails[incoming.sender] = task
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._done(incoming.sender, t))
        return task

    async def _process_locked(self, incoming: Incoming, outlet: Outlet) -> Outcome:
        """`_process` under the sender's Redis lock, held at most LOCK_SECONDS (a worker that dies
        frees it then). A message that waits more than LOCK_WAIT_SECONDS is not relayed: the
        citizen is asked to send it again (never a silence longer than that). Redis unreachable:
        the message still goes, unlocked (the engine's own lock store still orders its turns),
        and the failure is logged."""
        from redis.exceptions import RedisError

        lock = self._redis.lock(f"complaintbot:relay:{incoming.sender}", timeout=LOCK_SECONDS,
                                blocking_timeout=LOCK_WAIT_SECONDS, sleep=0.02)
        try:
            acquired = await lock.acquire()
            if not acquired:
                log.warning("relay: %s still busy after %d s, message not relayed", sender_ref(incoming.sender),
                            LOCK_WAIT_SECONDS)
                return await self._not_relayed(outlet, STILL_BUSY, sender_ref(incoming.sender))
        except RedisError as exc:
            log.warning("relay: Redis lock unavailable (%s), %s relayed unlocked", type(exc).__name__,
                        sender_ref(incoming.sender))
            acquired = False
        try:
            return await self._process(incoming, outlet)
        finally:
            if acquired:
                try:
                    await lock.release()
                except RedisError as exc:  # expired or Redis gone: it frees itself at LOCK_SECONDS
                    log.warning("relay: Redis lock not released (%s)", type(exc).__name__)

    def _done(self, sender: str, task: asyncio.Task[Outcome]) -> None:
        self._tasks.discard(task)
        if self._tails.get(sender) is task:
            del self._tails[sender]
        if not task.cancelled() and task.exception() is not None:
            log.error("relay: message of %s failed: %r", sender_ref(sender), type(task.exception()).__name__)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for every queued message (tests, shutdown); cancel what is left after `timeout`.
        Closes the Redis connection, if any."""
        try:
            await self._drain(timeout)
        finally:
            if self._redis is not None:
                await self._redis.aclose()
                self._redis = None

    async def _drain(self, timeout: float) -> None:
        end = asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = end - asyncio.get_running_loop().time()
            if left <= 0:
                for task in list(self._tasks):
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                return
            await asyncio.wait(list(self._tasks), timeout=left)

    # ------------------------------------------------------------------ processing
    async def _process(self, incoming: Incoming, outlet: Outlet) -> Outcome:
        who = sender_ref(incoming.sender)
        if incoming.message_id:
            namespace = incoming.dedup_channel or incoming.channel
            try:
                first = await asyncio.to_thread(first_time_seen, self.registry, namespace, incoming.message_id,
                                                now=self.clock())
            except Unavailable:
                log.warning("relay: registry unavailable, message of %s not relayed", who)
                return await self._not_relayed(outlet, REGISTRY_DOWN, who)
            if not first:
                # logged as a hash: WhatsApp message ids embed the phone number (base64)
                log.info("relay: %s message %s already processed, dropped", namespace, sender_ref(incoming.message_id))
                return Outcome(duplicate=True)
        outcome = Outcome()
        for item in incoming.files:
            try:
                outcome.attachments.append(await self._store(incoming, item))
            except AttachmentRefused as refused:
                log.info("relay: file refused for %s: %s", who, refused.code)
                outcome.refused.append(refused)
        if outcome.refused:
            notes = [Reply(r.message) for r in outcome.refused]
            outcome.replies += notes
            await self._answer(outlet, notes, who)
        text = (incoming.text or "").strip()
        if not text and not outcome.attachments:
            return outcome
        metadata: dict[str, Any] = {"channel": incoming.channel, "attachments": outcome.attachments}
        if incoming.client:
            metadata["client"] = incoming.client
        forget = False
        try:
            messages = await self.engine.send(incoming.sender, text or FILE_ONLY_TEXT, metadata)
            answers = replies_from_engine(messages)
            forget = asks_to_forget(messages)
            if not messages:  # every turn answers: none means the engine failed while handling it
                log.warning("relay: engine gave no answer for %s", who)
                outcome.engine_error = True
                answers = [Reply(NO_ANSWER)]
        except Exception as exc:  # the engine is down or answered an error: say so, keep the service up
            log.warning("relay: engine error for %s: %s", who, type(exc).__name__)
            outcome.engine_error = True
            answers = [Reply(ENGINE_DOWN)]
        log.info("relay: %s message from %s relayed (%d file(s)), %d answer(s)", incoming.channel, who,
                 len(outcome.attachments), len(answers))
        outcome.replies += answers
        await self._answer(outlet, answers, who)
        if forget:
            await self._forget(incoming.sender)
        return outcome

    async def _not_relayed(self, outlet: Outlet, text: str, who: str) -> Outcome:
        """The message was not relayed: the citizen reads `text` (send it again shortly)."""
        outcome = Outcome(engine_error=True, replies=[Reply(text)])
        await self._answer(outlet, outcome.replies, who)
        return outcome

    async def _forget(self, sender: str) -> None:
        """The intake was cancelled: erase what the engine keeps of it (the engine has saved the
        conversation before answering, and the next message opens a new one)."""
        try:
            await asyncio.to_thread(forget_conversation, self.registry, sender, now=self.clock())
            log.info("relay: conversation %s forgotten", sender_ref(sender))
        except Exception as exc:  # erased later by the idle purge anyway
            log.warning("relay: conversation %s not forgotten: %s", sender_ref(sender), type(exc).__name__)

    async def _store(self, incoming: Incoming, item: IncomingFile) -> dict[str, Any]:
        limit, max_files = self.settings.attachment_max_bytes, self.settings.attachment_max_files
        if item.refused:
            raise refusal(item.refused, item.filename, max_bytes=limit, max_files=max_files)
        if item.size_hint is not None and item.size_hint > limit:
            raise refusal("too_large", item.filename, max_bytes=limit, max_files=max_files)
        try:
            data = await item.fetch(limit)
        except TooLarge:
            raise refusal("too_large", item.filename, max_bytes=limit, max_files=max_files) from None
        except Exception as exc:
            log.warning("relay: download failed for %s: %s", sender_ref(incoming.sender), type(exc).__name__)
            raise refusal("unreadable", item.filename, max_bytes=limit, max_files=max_files) from None
        stored = await asyncio.to_thread(
            store_upload, self.registry, self.settings.attachments_dir, conversation_id=incoming.sender,
            filename=item.filename, data=data, now=self.clock(), max_bytes=limit, max_files=max_files,
        )
        log.info("relay: file %s stored for %s (%d bytes, %s)", stored["id"], sender_ref(incoming.sender),
                 stored["size"], stored["media_type"])
        return stored

    async def _answer(self, outlet: Outlet, replies: list[Reply], who: str) -> None:
        if not replies:
            return
        try:
            await outlet(replies)
        except Exception as exc:
            log.warning("relay: answer to %s not delivered: %s", who, type(exc).__name__)


async def read_limited(chunks: Any, limit: int) -> bytes:
    """Join an async iterator of byte chunks; raise TooLarge past `limit` bytes."""
    buf = bytearray()
    async for chunk in chunks:
        buf += chunk
        if len(buf) > limit:
            raise TooLarge()
    return bytes(buf)


def typed_text(text: str) -> str:
    """A text the citizen typed: the engine reads a leading "/" as an intent name, so drop it."""
    return text.strip().lstrip("/").strip()


def split_text(text: str, limit: int) -> list[str]:
    """Cut a long text at line or word boundaries into pieces of at most `limit` characters."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut])
        text = text[cut:].lstrip()
    chunks.append(text)
    return chunks


async def no_fetch(limit: int) -> bytes:
    """The fetch of a file refused without download."""
    return b""
