"""Human-friendly complaint references: `IGR-2026-000123`, one counter per prefix and year."""

from __future__ import annotations

import re

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from bot.services._sql import insert_ignore
from bot.storage.models import ReferenceCounterRow

_COUNTERS: Table = ReferenceCounterRow.__table__  # type: ignore[assignment]
_REFERENCE = re.compile(r"^\s*([A-Za-z]{2,5})[\s\-_./]*(\d{4})[\s\-_./]*(\d{1,9})\s*$")


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Allocate the next reference inside the caller's transaction.

    Unique under concurrent writers: the counter row is created if missing
    (INSERT … ON CONFLICT DO NOTHING), then incremented by a single
    UPDATE … RETURNING, which PostgreSQL serialises on the row lock and SQLite on its
    write lock (write units of work begin IMMEDIATE). A rolled-back filing gives its number
    back, so the numbers stay contiguous.
    """
    insert_ignore(session, _COUNTERS, {"prefix": prefix, "year": year, "value": 0}, ["prefix", "year"])
    value = session.execute(
        update(_COUNTERS)
        .where(_COUNTERS.c.prefix == prefix, _COUNTERS.c.year == year)
        .values(value=_COUNTERS.c.value + 1)
        .returning(_COUNTERS.c.value)
    ).scalar_one()
    return format_reference(prefix, year, int(value))


def normalise_reference(text: str | None) -> str | None:
    """`igr 2026 123`, `IGR-2026-000123` -> `IGR-2026-000123`; None when it cannot be one."""
    if not text:
        return None
    m = _REFERENCE.match(text)
    if not m:
        return None
    return format_reference(m.group(1).upper(), int(m.group(2)), int(m.group(3)))
