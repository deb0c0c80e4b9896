"""Webhook deduplication and the e-mail outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, select

from bot.services._records import require_aware
from bot.services._sql import insert_ignore
from bot.services.uow import Registry
from bot.storage.models import OutboxRow, ProcessedMessageRow

_PROCESSED: Table = ProcessedMessageRow.__table__  # type: ignore[assignment]
MAX_ATTEMPTS = 5


def first_time_seen(registry: Registry, channel: str, message_id: str, *, now: datetime) -> bool:
    """True the first time a (channel, message id) is seen; False for a redelivery."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        inserted = insert_ignore(uow.session, _PROCESSED,
                                 {"channel": channel, "message_id": message_id[:255], "created_at": now},
                                 ["channel", "message_id"])
        uow.commit()
    return inserted == 1


def forget_processed_before(registry: Registry, before: datetime) -> int:
    """Drop dedup entries older than `before`; returns how many."""
    with registry.unit_of_work() as uow:
        count = uow.session.execute(delete(_PROCESSED).where(_PROCESSED.c.created_at < before)).rowcount  # type: ignore[attr-defined]
        uow.commit()
    return int(count or 0)


def enqueue_email(
    registry: Registry, to: str, subject: str, body: str, *, now: datetime, reference: str | None = None
) -> int:
    """Queue an e-mail (sent later by the mailer); returns its outbox id."""
    require_aware("now", now)
    from bot.storage.models import ComplaintRow

    with registry.unit_of_work() as uow:
        complaint_id = None
        if reference:
            complaint_id = uow.session.scalar(select(ComplaintRow.id).where(ComplaintRow.reference == reference))
        row = OutboxRow(to=to, subject=subject, body=body, complaint_id=complaint_id, created_at=now, attempts=0)
        uow.session.add(row)
        uow.session.flush()
        ident = row.id
        uow.commit()
    return ident


def pending_emails(registry: Registry, *, limit: int = 50) -> list[dict[str, Any]]:
    """Unsent e-mails with attempts left, oldest first."""
    with registry.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(
            select(OutboxRow).where(OutboxRow.sent_at.is_(None), OutboxRow.attempts < MAX_ATTEMPTS)
            .order_by(OutboxRow.id).limit(limit)
        ).all()
        return [{"id": r.id, "to": r.to, "subject": r.subject, "body": r.body, "attempts": r.attempts,
                 "created_at": r.created_at.isoformat()} for r in rows]


def mark_email(registry: Registry, outbox_id: int, *, now: datetime, error: str | None = None) -> None:
    """Record a sending attempt: sent (error None) or failed with its error."""
    with registry.unit_of_work() as uow:
        row = uow.session.get(OutboxRow, outbox_id)
        if row is not None:
            row.attempts += 1
            if error is None:
                row.sent_at = now
                row.last_error = None
            else:
                row.last_error = error[:2000]
        uow.commit()
