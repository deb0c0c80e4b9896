"""The registry's counters and keys, on SQLite and PostgreSQL alike: reference numbers, anonymous
triage counts, webhook deduplication, fixed-window rate counters and status lookup attempts.

Each statement is atomic (INSERT … ON CONFLICT, UPDATE … RETURNING), so the counts hold across
threads, workers and processes. The services reach them through the unit of work
(`uow.references`, `uow.triage`, `uow.processed`, `uow.counters`, `uow.lookups`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.storage.models import (
    ProcessedMessageRow,
    RateCounterRow,
    ReferenceCounterRow,
    StatusLookupAttemptRow,
    TriageCountRow,
)

_REFERENCES: Table = ReferenceCounterRow.__table__  # type: ignore[assignment]
_TRIAGE: Table = TriageCountRow.__table__  # type: ignore[assignment]
_PROCESSED: Table = ProcessedMessageRow.__table__  # type: ignore[assignment]
_RATE: Table = RateCounterRow.__table__  # type: ignore[assignment]
_ATTEMPTS: Table = StatusLookupAttemptRow.__table__  # type: ignore[assignment]


# ------------------------------------------------------------------------- dialect-aware statements


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def insert_ignore(session: Session, table: Table, values: dict[str, Any], index_elements: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING; returns the number of rows inserted (0 or 1).

    Counted with RETURNING: psycopg does not report a rowcount for this INSERT."""
    stmt = (
        _insert(session)(table).values(**values).on_conflict_do_nothing(index_elements=index_elements)
        .returning(table.c[index_elements[0]])
    )
    return len(session.execute(stmt).all())


def upsert_increment(
    session: Session, table: Table, values: dict[str, Any], index_elements: list[str], column: str, by: int = 1
) -> int:
    """INSERT the row with `column` = by, or add `by` to it; returns the new value."""
    stmt = (
        _insert(session)(table).values(**values, **{column: by})
        .on_conflict_do_update(index_elements=index_elements, set_={column: table.c[column] + by})
        .returning(table.c[column])
    )
    return int(session.execute(stmt).scalar_one())


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


# ------------------------------------------------------------------------- repositories


class ReferenceCounters:
    """One counter per reference prefix and year."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def next_number(self, prefix: str, year: int) -> int:
        """The next number of `prefix`/`year`, inside the caller's transaction.

        Unique under concurrent writers: the counter row is created if missing
        (INSERT … ON CONFLICT DO NOTHING), then incremented by a single UPDATE … RETURNING,
        which PostgreSQL serialises on the row lock and SQLite on its write lock (write units
        of work begin IMMEDIATE). A rolled-back filing gives its number back, so the numbers
        stay contiguous."""
        insert_ignore(self.session, _REFERENCES, {"prefix": prefix, "year": year, "value": 0}, ["prefix", "year"])
        value = self.session.execute(
            update(_REFERENCES)
            .where(_REFERENCES.c.prefix == prefix, _REFERENCES.c.year == year)
            .values(value=_REFERENCES.c.value + 1)
            .returning(_REFERENCES.c.value)
        ).scalar_one()
        return int(value)


class TriageCounts:
    """Anonymous counts per (policy, code, day): no personal data."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def increment(self, policy_id: str, code: str, day: date) -> int:
        """Add one to the count of `code` on `day`; returns the day's count."""
        return upsert_increment(
            self.session, _TRIAGE, {"policy": policy_id, "code": code, "day": day},
            ["policy", "code", "day"], "count",
        )

    def counts(
        self, policy_id: str | None = None, *, start: date | None = None, end: date | None = None
    ) -> list[dict[str, Any]]:
        """{policy, code, day, count} per (policy, code, day), by day, policy and code; `start` and
        `end` (inclusive) bound the days, `policy_id` the preset (every one when None)."""
        stmt = select(TriageCountRow).order_by(TriageCountRow.day, TriageCountRow.policy, TriageCountRow.code)
        if policy_id:
            stmt = stmt.where(TriageCountRow.policy == policy_id)
        if start:
            stmt = stmt.where(TriageCountRow.day >= start)
        if end:
            stmt = stmt.where(TriageCountRow.day <= end)
        return [{"policy": r.policy, "code": r.code, "day": r.day, "count": r.count}
                for r in self.session.scalars(stmt)]


class ProcessedMessages:
    """Webhook deduplication: a (channel, message id) seen once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, channel: str, message_id: str, now: datetime) -> bool:
        """Record the key; True when it was not known yet."""
        values = {"channel": channel, "message_id": message_id[:255], "created_at": now}
        return insert_ignore(self.session, _PROCESSED, values, ["channel", "message_id"]) == 1

    def forget_before(self, before: datetime) -> int:
        """Drop the keys recorded before `before`; returns how many."""
        return _rowcount(self.session.execute(delete(_PROCESSED).where(_PROCESSED.c.created_at < before)))


class RateCounters:
    """Fixed-window counters: failed status lookups overall, login failures, staff notices per
    conversation."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def hit(self, key: str, window: timedelta, now: datetime, by: int = 1) -> int:
        """Add `by` to the counter `key` in one atomic statement (a new window when the current one
        is older than `window`) and return its value in the current window."""
        stamp = _RATE.c.window_start.type
        expired = _RATE.c.window_start <= literal(now - window, stamp)
        stmt = _insert(self.session)(_RATE).values(key=key[:255], count=by, window_start=now).on_conflict_do_update(
            index_elements=["key"], set_={
                "count": case((expired, by), else_=_RATE.c.count + by),
                "window_start": case((expired, literal(now, stamp)), else_=_RATE.c.window_start),
            }).returning(_RATE.c.count)
        return int(self.session.execute(stmt).scalar_one())

    def peek(self, key: str, window: timedelta, now: datetime) -> tuple[int, datetime | None]:
        """The counter's value in the current window and when that window started (0, None if none)."""
        row = self.session.execute(
            select(_RATE.c.count, _RATE.c.window_start).where(_RATE.c.key == key[:255])
        ).first()
        if row is None or row[1] <= now - window:
            return 0, None
        return int(row[0]), row[1]

    def undo(self, key: str) -> None:
        """Take back one hit (an attempt reserved before it was known to be a failure)."""
        self.session.execute(update(_RATE).where(_RATE.c.key == key[:255], _RATE.c.count > 0)
                             .values(count=_RATE.c.count - 1))

    def reset(self, key: str) -> None:
        """Forget the counter `key` altogether."""
        self.session.execute(delete(_RATE).where(_RATE.c.key == key[:255]))

    def forget_before(self, before: datetime) -> int:
        """Drop the counters whose window started before `before`; returns how many."""
        return _rowcount(self.session.execute(delete(_RATE).where(_RATE.c.window_start < before)))


class StatusLookupAttempts:
    """Failed status lookups per key (e.g. a sender id) within a window."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._held: dict[str, StatusLookupAttemptRow] = {}

    def current(self, key: str, *, now: datetime, window: timedelta) -> tuple[int, datetime]:
        """The failures of `key` in its current window and when that window started; windows older
        than `window` are dropped first. The key's row is locked until the transaction ends."""
        self.session.execute(delete(_ATTEMPTS).where(_ATTEMPTS.c.window_start < now - window))
        insert_ignore(self.session, _ATTEMPTS, {"key": key, "count": 0, "window_start": now}, ["key"])
        row = self.session.scalars(
            select(StatusLookupAttemptRow).where(StatusLookupAttemptRow.key == key).with_for_update()
        ).one()
        self._held[key] = row
        return row.count, row.window_start

    def fail(self, key: str) -> None:
        """One more failure for `key` (after `current`)."""
        self._held[key].count += 1

    def forget_if_clean(self, key: str) -> None:
        """Drop the key's row when it holds no failure (after `current`)."""
        row = self._held.pop(key)
        if row.count == 0:
            self.session.delete(row)
