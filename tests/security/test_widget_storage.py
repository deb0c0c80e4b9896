"""The widget keeps only the open conversation in localStorage: forgotten after 30 minutes idle,
after filing (the reference shown) and after cancelling. Debian's chromium through Playwright,
against the web service under uvicorn with a fake engine (no model needed)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn

from bot.channels.engine import EngineClient
from bot.config import Settings
from bot.web.app import create_app
from tests.browser import chromium_page
from tests.channels.standins import FakeEngine

KEY = "complaint-widget"


def answer(call: dict[str, Any]) -> list[dict[str, Any]]:
    text = call["message"].lower()
    if "<img" in text:  # the summary repeats what the citizen wrote
        return [{"text": f"Vous avez écrit : {call['message']}", "buttons": [{"title": call["message"], "payload": "x"}]}]
    if "annuler" in text:
        return [{"text": "C'est noté : votre démarche est annulée et rien n'a été enregistré."}]
    if "confirme" in text:
        return [{"text": "Votre réclamation est enregistrée sous la référence IGR-2026-000123."}]
    if "dupont" in text:
        return [{"text": "Merci Madame Dupont. Quelle est votre adresse e-mail ?"}]
    return [{"text": "Bonjour ! Que puis-je faire pour vous ?"}]


@pytest.fixture
def served(make_settings: Callable[..., Settings]) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    engine = FakeEngine(answer)
    app = create_app(make_settings(), engine=EngineClient("http://engine.invalid", transport=engine.transport()))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.browser
def test_widget_forgets_the_conversation_when_idle_filed_or_cancelled(served: str) -> None:
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.clock.install()
        page.goto(served + "/")

        def stored() -> dict[str, Any] | None:
            raw = page.evaluate(f"localStorage.getItem('{KEY}')")
            return json.loads(raw) if raw else None

        def say(text: str, expected_bubbles: int) -> None:
            page.fill("#cw-input", text)
            page.press("#cw-input", "Enter")
            expect(page.locator(".cw-log .cw-bot")).to_have_count(expected_bubbles)
            expect(page.locator(".cw-typing")).to_have_text("")

        # an open conversation is kept across a reload, with its time
        page.click(".cw-btn")
        expect(page.locator(".cw-log .cw-bot")).to_have_count(1)
        say("Je suis Marie Dupont", 2)
        kept = stored()
        assert kept and any("Dupont" in e["text"] for e in kept["log"]) and isinstance(kept["at"], (int, float))
        page.reload()
        expect(page.locator(".cw-log .cw-msg")).to_have_count(4)

        # idle for 31 minutes with the page open: the panel is emptied and nothing is stored
        page.clock.fast_forward("31:00")
        expect(page.locator(".cw-log .cw-msg")).to_have_count(0)
        expect(page.locator("#cw-panel")).to_be_hidden()
        assert stored() is None

        # an entry left by an earlier visit, idle too long, is not shown after a reload either
        page.click(".cw-btn")
        say("Je suis Marie Dupont", 2)
        page.evaluate(f"""() => {{ const s = JSON.parse(localStorage.getItem('{KEY}'));
                                    s.at = Date.now() - 31 * 60 * 1000;
                                    localStorage.setItem('{KEY}', JSON.stringify(s)); }}""")
        page.reload()
        assert "Dupont" not in page.locator(".cw-log").inner_text()
        assert stored() is None or not any("Dupont" in e["text"] for e in stored()["log"])  # type: ignore[index]

        # filed: the reference is shown, and nothing is kept
        page.click(".cw-btn")
        expect(page.locator(".cw-log .cw-bot")).to_have_count(1)
        say("Je suis Marie Dupont", 2)
        say("Je confirme", 3)
        expect(page.locator(".cw-ref strong")).to_have_text("IGR-2026-000123")
        assert stored() is None
        page.reload()
        assert "Dupont" not in page.locator(".cw-log").inner_text()
        expect(page.locator(".cw-ref")).to_be_hidden()

        # cancelled: nothing kept
        page.click(".cw-btn")
        expect(page.locator(".cw-log .cw-bot")).to_have_count(1)
        say("Je suis Marie Dupont", 2)
        assert stored() is not None
        say("annuler", 3)
        assert stored() is None
        page.reload()
        assert "Dupont" not in page.locator(".cw-log").inner_text()


MARKUP = '<img src=x onerror="window.pwned=1"><b>Dupont</b>'


@pytest.mark.browser
def test_markup_typed_or_echoed_is_shown_as_text_never_run(served: str) -> None:
    from playwright.sync_api import expect

    with chromium_page() as page:
        page.goto(served + "/")
        page.click(".cw-btn")
        expect(page.locator(".cw-log .cw-bot")).to_have_count(1)
        page.fill("#cw-input", MARKUP)
        page.press("#cw-input", "Enter")
        expect(page.locator(".cw-log .cw-bot")).to_have_count(2)
        page.reload()  # and once more from what the widget kept
        expect(page.locator(".cw-log .cw-bot")).to_have_count(2)
        assert page.locator(".cw-log img, .cw-log b, #cw-panel img").count() == 0
        assert page.evaluate("window.pwned") is None
        log = page.locator(".cw-log").inner_text()
        assert log.count(MARKUP) >= 2  # the citizen's line and the echo, as typed
