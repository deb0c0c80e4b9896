"""Retention: at the end of a preset's retention period the personal data of finished
complaints are erased (`anonymised_at` set); the statistics columns stay.

Around the registry, what a conversation leaves is erased too (`purge_conversation_data`, run
by `apply_retention` when the registry knows its settings): the engine's tracker store (every
message of every conversation, cancelled ones included) for conversations silent for
`CONVERSATION_RETENTION_DAYS`, documents never linked to a complaint after
`UNLINKED_ATTACHMENT_HOURS`, webhook dedup entries after `PROCESSED_MESSAGE_DAYS`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.domain.complaint import Complaint, Event
from bot.domain.policy import Policy
from bot.services._records import require_aware
from bot.services.uow import Registry, UnitOfWork
from bot.storage import tracker

log = logging.getLogger(__name__)

ACTOR = "retention"
RETENTION_NOTE = "Données personnelles effacées au terme du délai de conservation."
# finished files: closed ones from their closing; refused and withdrawn ones from their last change
FINISHED = ("closed", "inadmissible", "withdrawn")
# personal data erased (the name, contacts, free texts that may name people, the transcript)
PERSONAL_FIELDS = (
    "last_name", "first_name", "address", "email", "phone", "file_reference", "facts_description",
    "facts_place", "persons_contacted", "objective", "other_parties", "persons_targeted", "answer_text",
    "subject",
)
PERSONAL_ROW_FIELDS = ("name_key", "intake_key", "transcript", "extra")
# history events whose values are dropped too (the notes of every event are)
SCRUBBED_EVENT_FIELDS = (*PERSONAL_FIELDS, "updates", "attachments")
# kept for statistics: policy, channel, status, dates and deadlines, decision, reason codes,
# outcome, acting_for, service_concerned, dysfunctions, corrective actions, the history's shape


def apply_retention(
    registry: Registry, policies: dict[str, Policy], *, now: datetime, dry_run: bool
) -> list[str]:
    """Erase the personal data of finished complaints past their preset's retention period
    (`retention.years` from the closing, or from receipt when `from_event` is "receipt").
    A file under a legal hold (`legal_hold_of`) is kept as it is.
    Returns the references concerned; with `dry_run` nothing is changed."""
    require_aware("now", now)
    done: list[str] = []
    files: list[str] = []
    with registry.unit_of_work(read_only=dry_run) as uow:
        for policy_id, policy in sorted(policies.items()):
            due = _due(uow, policy_id, policy, now)
            done += due
            if not dry_run:
                for reference in due:
                    complaint = uow.complaints.get(reference)
                    assert complaint is not None
                    files += anonymise(uow, complaint, now)
        if not dry_run:
            uow.commit()
    # after the commit: a rollback must not lose the documents
    delete_files(files, lambda path, exc: log.warning("retention: could not delete %s: %s", path, exc))
    if not dry_run and registry.settings is not None:
        purged = purge_conversation_data(registry, registry.settings, now=now)
        log.info("retention: conversations and leftovers erased: %s", purged)
    return done


def _due(uow: UnitOfWork, policy_id: str, policy: Policy, now: datetime) -> list[str]:
    """The finished complaints of a preset past its retention period and under no legal hold."""
    years = policy.retention.years
    if not years:
        return []
    found = uow.complaints.due_for_retention(policy_id, FINISHED, _years_before(now, years),
                                             from_receipt=policy.retention.from_event == "receipt")
    return [item["reference"] for item in found if legal_hold_of(item["extra"]) is None]


def delete_files(paths: Iterable[str], on_error: Callable[[str, OSError], object]) -> None:
    """Delete stored documents (once the erasure is committed); `on_error(path, error)` logs a failure."""
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            on_error(path, exc)


# --------------------------------------------------------------------------- around the registry


def tracker_store_url(settings: Settings) -> str | None:
    """The engine's tracker store as a database URL (None when the embedded SQLite file is absent)."""
    if settings.tracker_store_url:
        return settings.tracker_store_url
    path = settings.var_dir / "tracker.db"
    return f"sqlite:///{path}" if path.exists() else None


def erase_conversations(settings: Settings, senders: list[str]) -> int:
    """Delete every event of these conversations from the engine's tracker store; returns the rows."""
    senders = sorted({s for s in senders if s})
    url = tracker_store_url(settings) if senders else None
    return tracker.delete_conversations(url, senders) if url else 0


def purge_idle_conversations(settings: Settings, before: datetime) -> int:
    """Delete the conversations whose last event is older than `before` (whole conversations only:
    an ongoing one is never cut); returns the event rows deleted."""
    url = tracker_store_url(settings)
    return tracker.delete_idle_conversations(url, before) if url else 0


def prune_unlinked_attachments(registry: Registry, *, before: datetime, conversations: list[str] | None = None) -> int:
    """Delete documents never linked to a complaint, uploaded before `before` (or, with
    `conversations`, every unlinked one of those conversations); files go when no other record
    uses them. Returns the records deleted."""
    require_aware("before", before)
    with registry.unit_of_work() as uow:
        count, unused = uow.attachments.delete_unlinked(before=before, conversations=conversations)
        uow.commit()
    delete_files(unused, lambda _path, exc: log.warning("retention: could not delete a document: %s",
                                                        type(exc).__name__))
    return count


def purge_conversation_data(registry: Registry, settings: Settings, *, now: datetime) -> dict[str, int]:
    """The engine's idle conversations, unlinked documents and old webhook dedup entries; counts."""
    from bot.services.messages import forget_processed_before
    from bot.services.status import forget_counters_before

    require_aware("now", now)
    return {
        "conversation_events": purge_idle_conversations(
            settings, now - timedelta(days=settings.conversation_retention_days)),
        "unlinked_attachments": prune_unlinked_attachments(
            registry, before=now - timedelta(hours=settings.unlinked_attachment_hours)),
        "processed_messages": forget_processed_before(registry, now - timedelta(days=settings.processed_message_days)),
        "rate_counters": forget_counters_before(registry, now - timedelta(days=1)),
        "handover_requests": forget_handovers(
            registry, before=now - timedelta(days=settings.conversation_retention_days)),
    }


def forget_handovers(registry: Registry, *, before: datetime | None = None, conversations: list[str] | None = None) -> int:
    """Requests to talk to a person name their conversation: gone with it (older than `before`, or
    those of these conversations)."""
    with registry.unit_of_work() as uow:
        count = uow.handovers.delete(before=before, conversations=conversations or ())
        uow.commit()
    return count


def sender_of(intake_key: str | None) -> str | None:
    """The engine's sender id of a complaint made in the chat (its intake key is "<sender>:<intake id>")."""
    return intake_key.rsplit(":", 1)[0] if intake_key and ":" in intake_key else None


def legal_hold_of(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    """The legal hold set by staff on a file ({reason, by, at}), from its extra data; or None."""
    hold = (extra or {}).get("legal_hold")
    return hold if isinstance(hold, dict) else None


def anonymise(
    uow: UnitOfWork, complaint: Complaint, now: datetime, *, actor: str = ACTOR, note: str = RETENTION_NOTE
) -> list[str]:
    """Erase the personal data of a complaint loaded through `uow`, as at the end of the retention
    period: its personal fields, the values they left in the history and every note, the transcript,
    its documents and e-mails; the history keeps who, when and what, and the `anonymised` event.
    Returns the stored documents' paths to delete once committed."""
    for name in PERSONAL_FIELDS:
        setattr(complaint, name, None)
    complaint.updates = [{"at": u.get("at"), "by": u.get("by")} for u in complaint.updates or []]
    complaint.anonymised_at = now
    event = Event(at=now, actor=actor, action="anonymised", field=None, note=note)
    return uow.complaints.anonymise(complaint, event, now=now, scrub_fields=SCRUBBED_EVENT_FIELDS,
                                    bookkeeping_fields=PERSONAL_ROW_FIELDS)


def _years_before(moment: datetime, years: int) -> datetime:
    moment = moment.astimezone(UTC)
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)
