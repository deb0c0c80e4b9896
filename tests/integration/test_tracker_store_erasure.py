"""Erasing conversations from the engine's tracker store (`events`, as Rasa's SQL tracker store
writes it) on both databases: by sender ids (more than one chunk of bound parameters) and idle."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.storage.db import make_engine
from bot.storage.tracker import delete_conversations, delete_idle_conversations

CUT = datetime(2026, 11, 1, tzinfo=UTC).timestamp()


def _fill(url: str, rows: list[tuple[str, float]]) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                          "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, data TEXT)")
                     if url.startswith("postgresql") else
                     text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                          "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, data TEXT)"))
        conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"),
                     [{"s": s, "t": t} for s, t in rows])
    engine.dispose()


def _senders(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = sorted({r[0] for r in conn.execute(text("SELECT sender_id FROM events"))})
    engine.dispose()
    return found


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    return request.getfixturevalue("postgres_url") if request.param == "postgres" else sqlite_url


def test_named_conversations_are_erased_across_chunks_and_no_other(store_url: str) -> None:
    many = [f"web-{n:04d}" for n in range(1203)]  # three chunks of bound parameters
    _fill(store_url, [(s, CUT + 10) for s in many] + [("wa-32475123456", CUT + 10), ("tg-7", CUT + 10)])
    assert delete_conversations(store_url, many + ["wa-32475123456", "x' OR '1'='1"]) == 1204
    assert _senders(store_url) == ["tg-7"]


def test_idle_conversations_are_erased_whole_and_ongoing_ones_kept(store_url: str) -> None:
    _fill(store_url, [("old", CUT - 100), ("old", CUT - 50), ("ongoing", CUT - 100), ("ongoing", CUT + 100)])
    assert delete_idle_conversations(store_url, datetime.fromtimestamp(CUT, UTC)) == 2
    assert _senders(store_url) == ["ongoing"]
