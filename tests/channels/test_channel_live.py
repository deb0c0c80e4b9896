"""Whole intakes through the channels against the real engine and action server (bot/devstack.py).

One engine for this module (started once, stopped at the end of the module, before tests/e2e
starts its own). The Telegram intake goes through the webhook and the Bot API stand-in; the
widget intake drives Debian's chromium through Playwright against the web service (uvicorn in
a thread) with a file upload, a reload in the middle and the keyboard only.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from bot.channels.engine import EngineClient
from bot.config import ROOT, Settings
from bot.devstack import HAPPY_ANSWERS, MODEL, Stack, free_port
from tests.browser import chromium_page
from tests.channels.harness import TG_SECRET, TG_TOKEN, running
from tests.channels.standins import PDF, TelegramStandIn, tg_callback, tg_document, tg_message

REF = re.compile(r"\b[A-Z]{3}-\d{4}-\d{6}\b")
ANSWERS = {k: v for k, v in HAPPY_ANSWERS.items() if k not in ("consent", "attachments")}
FIRST = "Bonjour, je voudrais faire une réclamation au sujet d'une facture."


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    s = Stack(tmp_path_factory.mktemp("channels-stack"))
    try:
        s.start_engine()
        s.use_policy("igretec")
        yield s
    finally:
        s.stop()


def live_settings(stack: Stack, **env: str) -> Settings:
    return Settings.from_env(dict(stack.env, ENGINE_URL=stack.url, COMPLAINT_POLICY="igretec", **env))


def complaint(stack: Stack, reference: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    eng = create_engine(stack.db_url)
    try:
        with eng.connect() as c:
            row = c.execute(text("select * from complaints where reference = :r"), {"r": reference}).mappings().one()
            files = c.execute(text("select * from attachments where complaint_id = :i"), {"i": row["id"]}).mappings().all()
    finally:
        eng.dispose()
    return dict(row), [dict(f) for f in files]


@pytest.mark.slow
async def test_telegram_full_intake_with_a_document_ends_with_a_reference(stack: Stack) -> None:
    chat = 5550000 + int(time.time()) % 100000
    sender, n = f"tg-{chat}", iter(range(20000, 21000))
    with TelegramStandIn(TG_TOKEN) as api:
        api.add_file("BQACfacture412", "documents/file_412.pdf", PDF)
        settings = live_settings(stack, TELEGRAM_BOT_TOKEN=TG_TOKEN, TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
                                 TELEGRAM_API_BASE_URL=api.url)
        async with running(settings, EngineClient(stack.url)) as svc:
            async def update(payload: dict[str, Any]) -> None:
                resp = await svc.client.post("/channels/telegram/webhook", json=payload,
                                             headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
                assert resp.status_code == 200
                await svc.drain()

            async def requested() -> str | None:
                tracker = await asyncio.to_thread(stack.tracker, sender)
                return (tracker.get("slots") or {}).get("requested_slot")

            await update(tg_message(next(n), text="/start", chat_id=chat))
            await update(tg_message(next(n), text=FIRST, chat_id=chat))
            sent_document = False
            for _ in range(40):
                slot = await requested()
                if not slot:
                    break
                if slot == "consent":  # the privacy notice's inline button
                    await update(tg_callback(next(n), "oui", chat_id=chat))
                elif slot == "attachments" and not sent_document:
                    await update(tg_document(next(n), "BQACfacture412", "facture-412.pdf", "application/pdf",
                                             len(PDF), chat_id=chat))
                    sent_document = True
                elif slot == "attachments":
                    await update(tg_callback(next(n), "terminé", chat_id=chat))
                elif slot == "complaint_confirm":
                    await update(tg_callback(next(n), "oui, c'est correct", chat_id=chat))
                else:
                    await update(tg_message(next(n), text=ANSWERS.get(slot, "oui"), chat_id=chat))
    texts = api.sent_texts()
    said = "\n".join(texts)
    assert sent_document, said[-1500:]
    assert any("facture-412.pdf" in t for t in texts)  # the form acknowledged the document
    refs = REF.findall(said)
    assert refs and refs[-1].startswith("IGR-"), said[-1500:]
    assert len(api.calls("/answerCallbackQuery")) >= 2  # consent and confirmation pressed as buttons
    keyboards = [r.form().get("reply_markup") for r in api.calls("/sendMessage")]
    assert any(k and k.get("inline_keyboard") for k in keyboards)
    row, files = complaint(stack, refs[-1])
    assert row["channel"] == "telegram" and row["status"] == "received" and row["last_name"] == "Lambert"
    assert [f["filename"] for f in files] == ["facture-412.pdf"]
    assert Path(files[0]["stored_path"]) == settings.attachments_dir / files[0]["sha256"]


@pytest.mark.slow
async def test_annuler_forgets_the_conversation_in_the_engine_store(stack: Stack) -> None:
    """ "annuler" after giving a name: the engine's tracker store keeps nothing of the conversation."""
    chat = 7770000 + int(time.time()) % 100000
    sender, n = f"tg-{chat}", iter(range(30000, 31000))
    with TelegramStandIn(TG_TOKEN) as api:
        settings = live_settings(stack, TELEGRAM_BOT_TOKEN=TG_TOKEN, TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
                                 TELEGRAM_API_BASE_URL=api.url)
        async with running(settings, EngineClient(stack.url)) as svc:
            async def say(text: str) -> None:
                resp = await svc.client.post("/channels/telegram/webhook", json=tg_message(next(n), text=text, chat_id=chat),
                                             headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
                assert resp.status_code == 200
                await svc.drain()

            await say("Bonjour, je m'appelle Gaëtane Vanderlinden et je veux porter plainte contre votre service.")
            before = json.dumps(await asyncio.to_thread(stack.tracker, sender), ensure_ascii=False)
            assert "Vanderlinden" in before
            await say("annuler")
            after = json.dumps(await asyncio.to_thread(stack.tracker, sender), ensure_ascii=False)
    assert "annulé" in "\n".join(api.sent_texts()).lower()
    assert "Vanderlinden" not in after and "annuler" not in after


# ---------------------------------------------------------------------------- the widget in a browser
class WebService:
    """The web service under uvicorn in a thread, on a free port."""

    def __init__(self, settings: Settings) -> None:
        import uvicorn

        from bot.web.app import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> WebService:
        self.thread.start()
        end = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > end or not self.thread.is_alive():
                raise RuntimeError("web service did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@pytest.mark.slow
@pytest.mark.browser
def test_widget_full_intake_with_upload_reload_and_keyboard_only(stack: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    document = tmp_path / "courrier-facturation.pdf"
    document.write_bytes(PDF)
    refused = tmp_path / "outil.pdf"
    refused.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    screenshots = ROOT / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    with WebService(live_settings(stack)) as web, \
            chromium_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) as page:
        # a listener from the start: Playwright turns file chooser interception on without waiting for
        # the browser's reply, so enabling it just before the key press races with the press
        page.on("filechooser", lambda chooser: None)
        page.goto(web.url + "/")
        bubbles = page.locator(".cw-log .cw-bot")

        known: list[str] = []

        def sender() -> str:  # kept: once filed, the widget forgets the conversation in localStorage
            if not known:
                known.append(json.loads(page.evaluate("localStorage.getItem('complaint-widget')"))["sender"])
            return known[0]

        def requested() -> str | None:
            return (stack.tracker(sender()).get("slots") or {}).get("requested_slot")

        def settle() -> None:
            expect(page.locator(".cw-typing")).to_have_text("", timeout=60_000)

        def type_answer(answer: str) -> None:
            count = bubbles.count()
            page.keyboard.type(answer)
            page.keyboard.press("Enter")
            settle()
            expect(bubbles).not_to_have_count(count)

        def choose(title: str) -> None:
            """Reach a proposed answer with Shift+Tab from the message field and press it with Enter."""
            expect(page.locator(".cw-choices button", has_text=title).first).to_be_visible()
            for _ in range(12):
                page.keyboard.press("Shift+Tab")
                focused = page.evaluate("document.activeElement && document.activeElement.textContent")
                if focused == title:
                    page.keyboard.press("Enter")
                    settle()
                    page.locator("#cw-input").focus()
                    return
            raise AssertionError(f"no button {title!r} reachable with the keyboard")

        def attach(path: Path) -> None:
            page.locator("#cw-input").focus()
            page.keyboard.press("Tab")  # from the message field to the paper clip
            assert page.evaluate("document.activeElement.className") == "cw-attach"
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Enter")
            chooser.value.set_files(str(path))
            settle()
            page.locator("#cw-input").focus()

        # keyboard only: Tab to the "Réclamation" button, Enter opens the panel with the focus in the field
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.className") == "cw-btn":
                break
        page.keyboard.press("Enter")
        expect(page.locator("#cw-panel")).to_be_visible()
        assert page.evaluate("document.activeElement.id") == "cw-input"
        settle()
        expect(bubbles.first).to_be_visible()
        type_answer(FIRST)

        reloaded = uploaded = refused_seen = False
        for _ in range(45):
            slot = requested()
            if not slot:
                break
            if slot == "consent":
                choose("J'accepte")
            elif slot == "email" and not reloaded:  # a reload in the middle keeps the conversation
                before = page.locator(".cw-log .cw-msg").count()
                page.reload()
                expect(page.locator("#cw-panel")).to_be_visible()
                expect(page.locator(".cw-log .cw-msg")).to_have_count(before)
                page.locator("#cw-input").focus()
                reloaded = True
            elif slot == "attachments" and not refused_seen:
                attach(refused)
                expect(page.locator(".cw-alert")).to_have_text("Fichier non enregistré : outil.pdf")
                expect(page.locator(".cw-err").last).to_contain_text("n'a pas été enregistré : c'est un programme")
                expect(page.locator(".cw-choices button", has_text="J'ai terminé")).to_be_visible()
                page.screenshot(path=str(screenshots / "widget-refused-file.png"))
                refused_seen = True
            elif slot == "attachments" and not uploaded:
                attach(document)
                expect(bubbles.filter(has_text="Document reçu : courrier-facturation.pdf")).to_have_count(1)
                uploaded = True
            elif slot == "attachments":
                choose("J'ai terminé")
            elif slot == "complaint_confirm":
                choose("Oui, c'est correct")
            else:
                type_answer(ANSWERS.get(slot, "oui"))
        assert reloaded and uploaded and refused_seen
        banner = page.locator(".cw-ref")
        expect(banner).to_be_visible()
        reference = banner.locator("strong").inner_text()
        assert REF.fullmatch(reference)
        page.screenshot(path=str(screenshots / "widget.png"))
        # filed: nothing of the conversation is kept in the browser (a shared computer)
        assert page.evaluate("localStorage.getItem('complaint-widget')") is None
        page.reload()
        expect(page.locator(".cw-ref")).to_be_hidden()
        expect(page.locator(".cw-log .cw-msg")).to_have_count(0)
    row, files = complaint(stack, reference)
    assert row["channel"] == "webchat" and row["status"] == "received"
    assert [f["filename"] for f in files] == ["courrier-facturation.pdf"]
