"""Per-sender order across several web-service workers: two relays (two workers) sharing a real
Redis server never send two messages of one conversation to the engine at once; without Redis
they do (what the lock is for); Redis stopped does not stop the messages."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from bot.channels.relay import Incoming, Relay, Reply
from bot.config import Settings
from tests.servers import throwaway_redis


@pytest.fixture
def redis_url() -> Iterator[str]:
    with throwaway_redis() as port:
        yield f"redis://127.0.0.1:{port}/0"


class SlowEngine:
    """Counts how many messages of each sender it holds at once."""

    def __init__(self) -> None:
        self.inflight: dict[str, int] = defaultdict(int)
        self.most = 0
        self.seen: list[str] = []

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.inflight[sender] += 1
        self.most = max(self.most, self.inflight[sender])
        await asyncio.sleep(0.05)
        self.seen.append(text)
        self.inflight[sender] -= 1
        return [{"recipient_id": sender, "text": f"Reçu : {text}"}]


async def _outlet(replies: list[Reply]) -> None:
    return None


async def _two_workers(settings: Settings, messages: int = 8) -> SlowEngine:
    engine = SlowEngine()
    workers = [Relay(engine, None, settings), Relay(engine, None, settings)]  # type: ignore[arg-type]
    tasks = [workers[i % 2].submit(Incoming("webchat", "web-abc", None, text=f"message {i}"), _outlet)
             for i in range(messages)]
    outcomes = await asyncio.gather(*tasks)
    for worker in workers:
        await worker.drain()
    assert all(not o.engine_error and o.replies for o in outcomes)
    assert sorted(engine.seen) == sorted(f"message {i}" for i in range(messages))  # none lost, none twice
    return engine


async def test_two_workers_sharing_redis_relay_one_message_of_a_conversation_at_a_time(redis_url: str) -> None:
    engine = await _two_workers(Settings(redis_url=redis_url))
    assert engine.most == 1


async def test_without_redis_two_workers_overlap(tmp_path: Any) -> None:
    engine = await _two_workers(Settings(redis_url=None))
    assert engine.most == 2  # each worker orders only its own messages


async def test_redis_down_messages_still_go(redis_url: str) -> None:
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    redis.Redis(port=port).shutdown(nosave=True)
    engine = await _two_workers(Settings(redis_url=redis_url), messages=4)
    assert len(engine.seen) == 4


async def test_a_conversation_held_by_a_dead_worker_gets_a_please_resend_not_silence(redis_url: str,
                                                                                    monkeypatch) -> None:
    """A worker killed while relaying leaves its lock until it expires: the next message of that
    conversation waits at most LOCK_WAIT_SECONDS, then the citizen is asked to send it again, and
    nothing is relayed meanwhile; once the lock has expired the message goes."""
    import bot.channels.relay as relay_module

    monkeypatch.setattr(relay_module, "LOCK_WAIT_SECONDS", 0.3)
    client = redis.Redis.from_url(redis_url)
    client.set("complaintbot:relay:web-abc", "a-dead-worker", px=1200)  # its lock, expiring in 1.2 s
    engine = SlowEngine()
    relay = Relay(engine, None, Settings(redis_url=redis_url))  # type: ignore[arg-type]
    said: list[list[Reply]] = []

    async def outlet(replies: list[Reply]) -> None:
        said.append(replies)

    held = await relay.submit(Incoming("webchat", "web-abc", None, text="mon e-mail"), outlet)
    assert held.engine_error and engine.seen == []
    assert said[0][0].text.startswith("Un instant, je reviens") and "renvoyez" in said[0][0].text
    await asyncio.sleep(1.2)
    again = await relay.submit(Incoming("webchat", "web-abc", None, text="mon e-mail"), outlet)
    await relay.drain()
    client.close()
    assert not again.engine_error and engine.seen == ["mon e-mail"]
