"""The dashboard in a real browser (Debian's chromium through Playwright): log in, see the
list, open a complaint, acknowledge it; screenshots under var/screenshots/ (laptop and
tablet sizes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from bot.policies import load_policy
from bot.services import filing
from tests.browser import chromium_page
from tests.staff.conftest import CITIZEN, FRIDAY, SmtpServer, StaffWeb, free_port

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"


@pytest.fixture
def served(web_factory: Callable[..., StaffWeb], smtp: SmtpServer) -> Iterator[tuple[str, StaffWeb]]:
    """The web service on a real port (uvicorn in a thread), the worker switched off."""
    web = web_factory(smtp_port=smtp.port)
    web.app.state.outbox_interval = None
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", web
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
def test_dashboard_in_chromium_login_list_open_acknowledge(served: tuple[str, StaffWeb]) -> None:
    from playwright.sync_api import expect

    base, web = served
    policy = load_policy("igretec")
    late = filing.file_complaint(web.registry, policy, {**CITIZEN, "transcript": [
        {"sender": "user", "text": "Bonjour, je veux faire une réclamation"},
        {"sender": "bot", "text": "Je vais vous aider à introduire votre réclamation."}]},
        channel="webchat", intake_key="chat-1", now=FRIDAY)
    fresh = filing.file_complaint(web.registry, policy, {**CITIZEN, "last_name": "Martin"}, channel="webchat",
                                  intake_key="chat-2", now=datetime(2026, 12, 30, 9, 0, tzinfo=UTC))
    web.set_now(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))  # the first acknowledgement is late
    SHOTS.mkdir(parents=True, exist_ok=True)

    with chromium_page(viewport={"width": 1366, "height": 900}) as page:
        page.goto(f"{base}/staff/")
        expect(page).to_have_url(f"{base}/staff/login?next=/staff/")
        page.screenshot(path=str(SHOTS / "staff-login.png"))
        page.fill("#email", "agent@org.be")
        page.fill("#password", "mot-de-passe-agent")
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_contain_text("Dossiers de réclamation")
        late_row = page.locator(f'tr[data-reference="{late["reference"]}"]')
        expect(late_row).to_have_class("overdue")
        expect(late_row).to_contain_text("en retard")
        expect(page.locator(f'tr[data-reference="{fresh["reference"]}"]')).to_be_visible()
        page.screenshot(path=str(SHOTS / "staff-list.png"), full_page=True)

        page.click(f'a:text("{late["reference"]}")')
        expect(page.locator("h1")).to_contain_text(f"Dossier {late['reference']}")
        expect(page.locator("#h-transcript")).to_be_visible()
        expect(page.locator(".transcript")).to_contain_text("je veux faire une réclamation")
        page.screenshot(path=str(SHOTS / "staff-complaint.png"), full_page=True)

        page.click('button[data-to="acknowledged"]')
        expect(page.locator(".flash")).to_contain_text("accusé de réception envoyé")
        expect(page.locator("h1 .badge").first).to_have_text("accusé de réception envoyé")
        expect(page.locator("table.history")).to_contain_text("agent@org.be")
        page.screenshot(path=str(SHOTS / "staff-acknowledged.png"), full_page=True)

        tablet = page.context.browser.new_page(viewport={"width": 768, "height": 1024}, locale="fr-BE")
        tablet.context.add_cookies(page.context.cookies())
        tablet.goto(f"{base}/staff/analytics")
        expect(tablet.locator("h1")).to_contain_text("Analyse")
        tablet.screenshot(path=str(SHOTS / "staff-analytics-tablet.png"), full_page=True)
        tablet.goto(f"{base}/staff/")
        width = tablet.evaluate("document.documentElement.scrollWidth")
        assert width <= 768, f"the list overflows a tablet screen ({width}px)"
        tablet.screenshot(path=str(SHOTS / "staff-list-tablet.png"), full_page=True)

        page.click("text=Déconnexion")
        expect(page).to_have_url(f"{base}/staff/login?error=logged_out")

    record = web.client.get(f"/api/v1/complaints/{late['reference']}", headers=web.auth()).json()
    assert record["status"] == "acknowledged" and record["acknowledged_at"]
    for name in ("staff-login", "staff-list", "staff-complaint", "staff-acknowledged", "staff-list-tablet"):
        assert (SHOTS / f"{name}.png").stat().st_size > 5000, name
