"""The widget's endpoints are rate-limited per client address and per conversation (429 in French)."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings
from bot.web.guards import RateLimiter
from tests.channels.harness import running
from tests.channels.standins import PDF, FakeEngine

SENDER = "web-AbCdEfGhIjKlMnOpQrStUvWx"
OTHER = "web-ZyXwVuTsRqPoNmLkJiHgFeDc"


def test_rate_limiter_fixed_window_refuses_past_the_limit_then_forgets() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 60, clock=lambda: now[0])
    assert [limiter.hit("a").allowed for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("a").retry_after == 60 and limiter.hit("b").allowed
    now[0] = 61
    assert limiter.hit("a").allowed


async def test_chat_session_per_address_429_in_french_with_retry_after(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    async with running(make_settings(RATE_CHAT_SESSION="3/600"), engine) as svc:
        answers = [await svc.client.post("/chat/session") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["retry-after"] == "600" and refused.headers["access-control-allow-origin"] == "*"
    assert refused.json()["error"].startswith("Vous avez envoyé beaucoup de demandes en peu de temps. "
                                              "Patientez 10 minutes")


async def test_chat_messages_per_conversation_then_per_address(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    settings = make_settings(RATE_CHAT_MESSAGES_PER_CONVERSATION="2/60", RATE_CHAT_MESSAGES_PER_ADDRESS="3/60")
    async with running(settings, engine) as svc:
        codes = [(await svc.client.post("/chat/messages", json={"sender": s, "message": "Bonjour"})).status_code
                 for s in (SENDER, SENDER, SENDER, OTHER, OTHER)]
    # the third message of one conversation is refused by the conversation limit (and counted for the
    # address, checked first): the other conversation from the same address is then over 3 a minute
    assert codes == [200, 200, 429, 429, 429]
    assert len(engine.calls) == codes.count(200)


async def test_chat_messages_rate_limited_address_never_reaches_the_engine(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    settings = make_settings(RATE_CHAT_MESSAGES_PER_ADDRESS="2/60")
    async with running(settings, engine) as svc:
        codes = [(await svc.client.post("/chat/messages", json={"sender": s, "message": "Bonjour"})).status_code
                 for s in (SENDER, OTHER, OTHER)]
        behind_proxy = await svc.client.post("/chat/messages", json={"sender": OTHER, "message": "Bonjour"},
                                             headers={"X-Forwarded-For": "203.0.113.9"})
    assert codes == [200, 200, 429] and len(engine.calls) == 2
    assert behind_proxy.status_code == 429  # X-Forwarded-For is not trusted unless TRUST_FORWARDED_FOR


async def test_forwarded_for_is_the_client_address_behind_a_trusted_proxy(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    settings = make_settings(RATE_CHAT_SESSION="1/600", TRUST_FORWARDED_FOR="1")
    async with running(settings, engine) as svc:
        first = await svc.client.post("/chat/session", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
        again = await svc.client.post("/chat/session", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
        other = await svc.client.post("/chat/session", headers={"X-Forwarded-For": "203.0.113.10"})
    assert (first.status_code, again.status_code, other.status_code) == (200, 429, 200)


async def test_chat_upload_per_conversation_limit(make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    settings = make_settings(RATE_CHAT_UPLOAD_PER_CONVERSATION="2/600")
    async with running(settings, engine) as svc:
        codes = []
        for i in range(3):
            resp = await svc.client.post("/chat/upload", data={"sender": SENDER},
                                         files={"file": (f"scan{i}.pdf", PDF + bytes([i]), "application/pdf")})
            codes.append(resp.status_code)
    assert codes == [200, 200, 429] and "Patientez" in resp.json()["error"]
