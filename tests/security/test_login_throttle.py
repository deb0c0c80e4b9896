"""Dashboard login: failures counted atomically in the database, per address and per account,
with a per-account lockout that holds across workers."""

from __future__ import annotations

import asyncio
import re

import httpx

from bot.services.uow import Registry
from bot.web.app import create_app
from tests.staff.conftest import StaffWeb


async def _client(app) -> tuple[httpx.AsyncClient, str]:  # type: ignore[no-untyped-def]
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")
    page = await client.get("/staff/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return client, token.group(1)


async def _login(client: httpx.AsyncClient, csrf: str, email: str, password: str) -> str:
    resp = await client.post("/staff/login", data={"email": email, "password": password, "csrf": csrf,
                                                   "next": "/staff/"})
    assert resp.status_code == 303
    location = resp.headers["location"]
    for error in ("throttled", "invalid", "csrf"):
        if f"error={error}" in location:
            return error
    return "ok"


async def test_parallel_wrong_passwords_each_count_and_lock_the_account(web: StaffWeb) -> None:
    client, csrf = await _client(web.app)
    try:
        results = await asyncio.gather(*(_login(client, csrf, "agent@org.be", f"faux-{i}") for i in range(15)))
        right = await _login(client, csrf, "agent@org.be", "mot-de-passe-agent")
        other_account = await _login(client, csrf, "manager@org.be", "mot-de-passe-manager")
    finally:
        await client.aclose()
    assert results.count("invalid") == 8 and results.count("throttled") == 7  # 8 per account, then locked
    assert right == "throttled"  # locked: even the right password waits for the end of the window
    assert other_account == "ok"  # the lockout is per account


async def test_lockout_holds_across_workers_sharing_the_database(web: StaffWeb) -> None:
    second_registry = Registry.from_settings(web.settings)  # another worker: its own engine and memory
    second = create_app(web.settings, registry=second_registry)
    second.state.clock = web.app.state.clock
    try:
        a, csrf_a = await _client(web.app)
        b, csrf_b = await _client(second)
        first = [await _login(a, csrf_a, "agent@org.be", "faux") for _ in range(4)]
        then = [await _login(b, csrf_b, "agent@org.be", "faux") for _ in range(4)]
        locked = await _login(a, csrf_a, "agent@org.be", "mot-de-passe-agent")
        await a.aclose()
        await b.aclose()
    finally:
        second_registry.dispose()
    assert first + then == ["invalid"] * 8 and locked == "throttled"


async def test_per_address_limit_across_accounts_and_success_forgets_the_account_failures(web: StaffWeb) -> None:
    client, csrf = await _client(web.app)
    try:
        before = [await _login(client, csrf, "agent@org.be", "faux") for _ in range(7)]
        ok = await _login(client, csrf, "agent@org.be", "mot-de-passe-agent")
        await client.aclose()
        client, csrf = await _client(web.app)  # logged in: a new login page (its CSRF cookie)
        after = await _login(client, csrf, "agent@org.be", "faux")  # the account's count started again
        # unknown accounts from the same address: 20 failures in the window in all (7 + 1 + 12 more;
        # the successful login was given back)
        spray = [await _login(client, csrf, f"inconnu{i}@org.be", "faux") for i in range(13)]
    finally:
        await client.aclose()
    assert before == ["invalid"] * 7 and ok == "ok" and after == "invalid"
    assert spray[:12] == ["invalid"] * 12 and spray[12:] == ["throttled"]
