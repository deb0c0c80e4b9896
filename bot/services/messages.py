"""Webhook deduplication and queueing an e-mail on its own (the outbox is sent by
`bot.services.outbox`)."""

from __future__ import annotations

from datetime import datetime

from bot.services._records import require_aware
from bot.services.uow import Registry


def first_time_seen(registry: Registry, channel: str, message_id: str, *, now: datetime) -> bool:
    """True the first time a (channel, message id) is seen; False for a redelivery."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        first = uow.processed.first_time(channel, message_id, now)
        uow.commit()
    return first


def forget_processed_before(registry: Registry, before: datetime) -> int:
    """Drop dedup entries older than `before`; returns how many."""
    with registry.unit_of_work() as uow:
        count = uow.processed.forget_before(before)
        uow.commit()
    return count


def enqueue_email(
    registry: Registry, to: str, subject: str, body: str, *, now: datetime, reference: str | None = None
) -> int:
    """Queue an e-mail (sent later by the mailer) in its own transaction, about the complaint
    `reference` if given; returns its outbox id."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        complaint = uow.complaints.get(reference) if reference else None
        ident = uow.outbox.add(to, subject, body, now=now, complaint=complaint)
        uow.commit()
    return ident
