"""The web service's engine client with several engines (ENGINE_WORKERS): sticky by sender,
next engine when one is down, brief retry, then EngineUnavailable (no double processing)."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest

from bot.channels.engine import EngineClient, EngineUnavailable, engine_index

URLS = "http://127.0.0.1:5005,http://127.0.0.1:5006,http://127.0.0.1:5007"


class Engines:
    """Three fake engines on one mock transport; `down` ports refuse connections."""

    def __init__(self) -> None:
        self.down: set[int] = set()
        self.calls: list[tuple[int, str]] = []
        self.fail_read: set[int] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        port = request.url.port or 80
        if port in self.down:
            raise httpx.ConnectError("refused", request=request)
        sender = json.loads(request.content)["sender"]
        self.calls.append((port, sender))
        if port in self.fail_read:
            raise httpx.ReadError("engine died mid-request", request=request)
        return httpx.Response(200, json=[{"recipient_id": sender, "text": f"engine {port}"}])


def client(engines: Engines, **kw: float) -> EngineClient:
    return EngineClient(URLS, transport=httpx.MockTransport(engines), **kw)


def test_engine_index_is_stable_and_spreads_senders() -> None:
    assert engine_index("web-abc", 3) == engine_index("web-abc", 3)
    spread = Counter(engine_index(f"web-{i}", 3) for i in range(3000))
    assert set(spread) == {0, 1, 2} and min(spread.values()) > 850


async def test_send_each_sender_always_reaches_the_same_engine() -> None:
    engines = Engines()
    c = client(engines)
    for _ in range(3):
        for i in range(30):
            await c.send(f"web-{i}", "bonjour")
    by_sender: dict[str, set[int]] = {}
    for port, sender in engines.calls:
        by_sender.setdefault(sender, set()).add(port)
    assert all(len(ports) == 1 for ports in by_sender.values())
    assert len({p for ports in by_sender.values() for p in ports}) == 3
    await c.aclose()


async def test_send_engine_down_goes_to_the_next_one_then_back_when_it_returns() -> None:
    engines = Engines()
    c = client(engines, down_for=0.0)
    sender = next(f"web-{i}" for i in range(100) if engine_index(f"web-{i}", 3) == 0)
    engines.down = {5005}
    answer = await c.send(sender, "bonjour")
    assert answer[0]["text"] == "engine 5006"
    engines.down = set()
    assert (await c.send(sender, "bonjour"))[0]["text"] == "engine 5005"
    await c.aclose()


async def test_send_engine_seen_down_is_tried_last_for_a_while() -> None:
    engines = Engines()
    c = client(engines, down_for=60.0)
    sender = next(f"web-{i}" for i in range(100) if engine_index(f"web-{i}", 3) == 1)
    engines.down = {5006}
    await c.send(sender, "un")
    engines.down = set()
    assert (await c.send(sender, "deux"))[0]["text"] == "engine 5007"  # still avoided
    await c.aclose()


async def test_send_no_engine_reachable_retries_briefly_then_raises() -> None:
    engines = Engines()
    engines.down = {5005, 5006, 5007}
    c = client(engines, retry_for=0.5)
    with pytest.raises(EngineUnavailable):
        await c.send("web-x", "bonjour")
    assert engines.calls == []
    await c.aclose()


async def test_send_engine_back_within_the_retry_window_answers() -> None:
    engines = Engines()
    engines.down = {5005, 5006, 5007}
    c = client(engines, retry_for=5.0)

    import asyncio

    async def restart() -> None:
        await asyncio.sleep(0.3)
        engines.down = set()

    task = asyncio.create_task(restart())
    answer = await c.send("web-x", "bonjour")
    await task
    assert answer and len(engines.calls) == 1
    await c.aclose()


async def test_send_error_after_the_request_was_sent_is_not_resent_elsewhere() -> None:
    engines = Engines()
    c = client(engines)
    sender = next(f"web-{i}" for i in range(100) if engine_index(f"web-{i}", 3) == 2)
    engines.fail_read = {5007}
    with pytest.raises(httpx.ReadError):
        await c.send(sender, "bonjour")
    assert engines.calls == [(5007, sender)]  # the engine may have processed it: not sent twice
    await c.aclose()


async def test_single_url_keeps_working_as_before() -> None:
    engines = Engines()
    c = EngineClient("http://127.0.0.1:5005/", transport=httpx.MockTransport(engines))
    assert (await c.send("web-1", "x"))[0]["text"] == "engine 5005"
    await c.aclose()
