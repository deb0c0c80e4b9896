"""The chat engine's tracker store, seen from the registry: only its `events` table, through our own
engine (never the engine's models or sessions), to erase conversations (retention, erasure).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, inspect, text

from bot.storage.db import make_engine

_CHUNK = 500
# constant statements: the senders are one expanding bound parameter, never SQL text
_DELETE_SENDERS = text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
    bindparam("senders", expanding=True))
_DELETE_IDLE = text("DELETE FROM events WHERE sender_id IN "
                    "(SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cut)")


@contextmanager
def _events(url: str) -> Iterator[Any]:
    """A transaction on the tracker store at `url`, or None when it has no `events` table yet."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            yield conn if "events" in inspect(conn).get_table_names() else None
    finally:
        engine.dispose()


def delete_conversations(url: str, senders: list[str]) -> int:
    """Delete every event of these conversations (sender ids); returns the rows deleted."""
    with _events(url) as conn:
        if conn is None:
            return 0
        total = 0
        for i in range(0, len(senders), _CHUNK):
            chunk = senders[i:i + _CHUNK]
            total += conn.execute(_DELETE_SENDERS, {"senders": chunk}).rowcount or 0
        return int(total)


def delete_idle_conversations(url: str, before: datetime) -> int:
    """Delete the conversations whose last event is older than `before` (whole conversations only:
    an ongoing one is never cut); returns the event rows deleted."""
    with _events(url) as conn:
        if conn is None:
            return 0
        result = conn.execute(_DELETE_IDLE, {"cut": before.timestamp()})
        return int(result.rowcount or 0)
