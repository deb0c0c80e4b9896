"""Personal data around the registry: the engine's tracker store (SQLite `events`, as Rasa's SQL
tracker store writes it), documents never linked to a complaint, webhook dedup entries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.config import Settings
from bot.policies import load_policy
from bot.services import filing
from bot.services.attachments import conversation_attachments, store_upload
from bot.services.messages import first_time_seen
from bot.services.privacy import erase_person
from bot.services.retention import apply_retention
from bot.services.uow import Registry
from bot.storage.models import ComplaintRow, ProcessedMessageRow
from tests.channels.standins import JPEG, PDF
from tests.sample_data import CITIZEN, FRIDAY

EVENTS = """CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,
            type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),
            action_name VARCHAR(255), data TEXT)"""


@pytest.fixture
def settings(tmp_path: Path, migrated_sqlite_url: str) -> Settings:
    return Settings.from_env({"COMPLAINT_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": migrated_sqlite_url,
                              "RASA_AUTH_TOKEN": "t"})


@pytest.fixture
def registry(settings: Settings) -> Iterator[Registry]:
    reg = Registry.from_settings(settings)
    yield reg
    reg.dispose()


def tracker(settings: Settings, rows: list[tuple[str, float]]) -> Path:
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = settings.var_dir / "tracker.db"
    with sqlite3.connect(path) as db:
        db.execute(EVENTS)
        db.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, "
                       "'{\"text\": \"Je suis Marie Dupont\"}')", rows)
    return path


def senders(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return sorted({r[0] for r in db.execute("SELECT sender_id FROM events")})


def test_retention_erases_idle_conversations_unlinked_documents_and_old_dedup_entries(
        registry: Registry, settings: Settings) -> None:
    now = FRIDAY
    old, recent = (now - timedelta(days=8)).timestamp(), (now - timedelta(hours=1)).timestamp()
    path = tracker(settings, [("web-cancelled", old), ("web-cancelled", old + 5), ("web-ongoing", old),
                              ("web-ongoing", recent)])
    store = settings.attachments_dir
    stale = store_upload(registry, store, conversation_id="web-cancelled", filename="a.pdf", data=PDF,
                         now=now - timedelta(days=2), max_bytes=10**6, max_files=5)
    fresh = store_upload(registry, store, conversation_id="web-ongoing", filename="b.jpg", data=JPEG,
                         now=now - timedelta(hours=2), max_bytes=10**6, max_files=5)
    first_time_seen(registry, "telegram", "1", now=now - timedelta(days=9))
    first_time_seen(registry, "telegram", "2", now=now)

    apply_retention(registry, {}, now=now, dry_run=False)

    assert senders(path) == ["web-ongoing"]  # an ongoing conversation is never cut
    assert conversation_attachments(registry, "web-cancelled") == [] and not (store / stale["sha256"]).exists()
    assert [a["id"] for a in conversation_attachments(registry, "web-ongoing")] == [fresh["id"]]
    with registry.unit_of_work(read_only=True) as uow:
        assert list(uow.session.scalars(select(ProcessedMessageRow.message_id))) == ["2"]


def test_dry_run_erases_nothing(registry: Registry, settings: Settings) -> None:
    path = tracker(settings, [("web-x", (FRIDAY - timedelta(days=30)).timestamp())])
    apply_retention(registry, {}, now=FRIDAY, dry_run=True)
    assert senders(path) == ["web-x"]


def test_a_persons_erasure_erases_their_conversations_in_the_engines_store(
        registry: Registry, settings: Settings) -> None:
    path = tracker(settings, [("tg-424242", FRIDAY.timestamp()), ("tg-999", FRIDAY.timestamp())])
    store_upload(registry, settings.attachments_dir, conversation_id="tg-424242", filename="x.pdf", data=PDF,
                 now=FRIDAY, max_bytes=10**6, max_files=5)  # uploaded, never linked
    result = filing.file_complaint(registry, load_policy("igretec"), dict(CITIZEN), channel="telegram",
                                   intake_key="tg-424242:intake1", now=FRIDAY)
    with registry.unit_of_work() as uow:
        uow.session.execute(update(ComplaintRow).where(ComplaintRow.reference == result["reference"])
                            .values(status="closed", closed_at=FRIDAY))
        uow.commit()
    answer = erase_person(registry, email=CITIZEN["email"], actor="chef@org.be", now=FRIDAY + timedelta(days=1))
    assert answer["erased"] == [result["reference"]]
    assert senders(path) == ["tg-999"]
    assert conversation_attachments(registry, "tg-424242") == []


def test_no_tracker_store_is_not_an_error(registry: Registry) -> None:
    assert apply_retention(registry, {}, now=FRIDAY, dry_run=False) == []


async def test_annuler_erases_the_conversation_at_once(registry: Registry, settings: Settings) -> None:
    from bot.channels.relay import Incoming, Relay

    path = tracker(settings, [("web-annule", FRIDAY.timestamp()), ("web-autre", FRIDAY.timestamp())])
    store_upload(registry, settings.attachments_dir, conversation_id="web-annule", filename="x.pdf", data=PDF,
                 now=FRIDAY, max_bytes=10**6, max_files=5)

    class Engine:  # what the engine's REST channel answers to "annuler" (actions/intake.py)
        async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
            return [{"recipient_id": sender, "text": "C'est annulé : rien n'a été enregistré."},
                    {"recipient_id": sender, "custom": {"forget_conversation": True}}]

    said: list = []

    async def outlet(replies: list) -> None:
        said.extend(replies)

    relay = Relay(Engine(), registry, settings, clock=lambda: FRIDAY + timedelta(minutes=1))
    await relay.submit(Incoming("webchat", "web-annule", None, text="annuler"), outlet)
    await relay.drain()
    assert [r.text for r in said] == ["C'est annulé : rien n'a été enregistré."]  # the marker is not shown
    assert senders(path) == ["web-autre"]
    assert conversation_attachments(registry, "web-annule") == []
