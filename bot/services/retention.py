"""Retention: at the end of a preset's retention period the personal data of finished
complaints are erased (`anonymised_at` set); the statistics columns stay.

Around the registry, what a conversation leaves is erased too (`purge_conversation_data`, run
by `apply_retention` when the registry knows its settings): the engine's tracker store (every
message of every conversation, cancelled ones included) for conversations silent for
`CONVERSATION_RETENTION_DAYS`, documents never linked to a complaint after
`UNLINKED_ATTACHMENT_HOURS`, webhook dedup entries after `PROCESSED_MESSAGE_DAYS`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, or_, select, text

from bot.config import Settings
from bot.domain.policy import Policy
from bot.services._records import require_aware
from bot.services.uow import Registry
from bot.storage.models import AttachmentRow, ComplaintEventRow, ComplaintRow, OutboxRow

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
        session = uow.session
        for policy_id, policy in sorted(policies.items()):
            years = policy.retention.years
            if not years:
                continue
            cutoff = _years_before(now, years)
            if policy.retention.from_event == "receipt":
                due = and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at <= cutoff)
            else:
                due = or_(
                    and_(ComplaintRow.status == "closed", ComplaintRow.closed_at <= cutoff),
                    and_(ComplaintRow.status != "closed", ComplaintRow.updated_at <= cutoff),
                )
            rows = session.scalars(
                select(ComplaintRow)
                .where(ComplaintRow.policy == policy_id, ComplaintRow.status.in_(FINISHED),
                       ComplaintRow.anonymised_at.is_(None), due)
                .order_by(ComplaintRow.id)
            ).all()
            for row in rows:
                if legal_hold_of(row) is not None:
                    continue
                done.append(row.reference)
                if not dry_run:
                    files += _anonymise(session, row, now)
        if not dry_run:
            uow.commit()
    for path in files:  # after the commit: a rollback must not lose the documents
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("retention: could not delete %s: %s", path, exc)
    if not dry_run and registry.settings is not None:
        purged = purge_conversation_data(registry, registry.settings, now=now)
        log.info("retention: conversations and leftovers erased: %s", purged)
    return done


# --------------------------------------------------------------------------- around the registry


def tracker_store_url(settings: Settings) -> str | None:
    """The engine's tracker store as a database URL (None when the embedded SQLite file is absent)."""
    if settings.tracker_store_url:
        return settings.tracker_store_url
    path = settings.var_dir / "tracker.db"
    return f"sqlite:///{path}" if path.exists() else None


def _tracker_engine(url: str) -> Any:
    """Our own engine on the engine's database (never its models or sessions: only the `events` table)."""
    from bot.storage.db import make_engine

    return make_engine(url)


@contextmanager
def _tracker_events(settings: Settings) -> Iterator[Any]:
    """A transaction on the engine's tracker store, or None when it has no `events` table yet."""
    url = tracker_store_url(settings)
    if not url:
        yield None
        return
    engine = _tracker_engine(url)
    try:
        with engine.begin() as conn:
            yield conn if _has_events(conn) else None
    finally:
        engine.dispose()


def erase_conversations(settings: Settings, senders: list[str]) -> int:
    """Delete every event of these conversations from the engine's tracker store; returns the rows."""
    senders = sorted({s for s in senders if s})
    if not senders:
        return 0
    with _tracker_events(settings) as conn:
        if conn is None:
            return 0
        total = 0
        for i in range(0, len(senders), 500):
            chunk = senders[i:i + 500]
            marks = ", ".join(f":s{j}" for j in range(len(chunk)))
            total += conn.execute(text(f"DELETE FROM events WHERE sender_id IN ({marks})"),  # noqa: S608 (bound)
                                  {f"s{j}": s for j, s in enumerate(chunk)}).rowcount or 0
        return int(total)


def purge_idle_conversations(settings: Settings, before: datetime) -> int:
    """Delete the conversations whose last event is older than `before` (whole conversations only:
    an ongoing one is never cut); returns the event rows deleted."""
    with _tracker_events(settings) as conn:
        if conn is None:
            return 0
        idle = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cut"
        result = conn.execute(text(f"DELETE FROM events WHERE sender_id IN ({idle})"),  # noqa: S608 (constant)
                              {"cut": before.timestamp()})
        return int(result.rowcount or 0)


def _has_events(conn: Any) -> bool:
    from sqlalchemy import inspect

    return "events" in inspect(conn).get_table_names()


def prune_unlinked_attachments(registry: Registry, *, before: datetime, conversations: list[str] | None = None) -> int:
    """Delete documents never linked to a complaint, uploaded before `before` (or, with
    `conversations`, every unlinked one of those conversations); files go when no other record
    uses them. Returns the records deleted."""
    require_aware("before", before)
    with registry.unit_of_work() as uow:
        which = (AttachmentRow.conversation_id.in_(conversations) if conversations is not None
                 else AttachmentRow.created_at < before)
        where = [AttachmentRow.complaint_id.is_(None), which]
        rows = uow.session.scalars(select(AttachmentRow).where(*where)).all()
        paths = {r.stored_path for r in rows if r.stored_path}
        for row in rows:
            uow.session.delete(row)
        uow.session.flush()
        used = set(uow.session.scalars(select(AttachmentRow.stored_path).where(AttachmentRow.stored_path.in_(paths))))
        uow.commit()
    for path in paths - used:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("retention: could not delete a document: %s", type(exc).__name__)
    return len(rows)


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
    }


def sender_of(intake_key: str | None) -> str | None:
    """The engine's sender id of a complaint made in the chat (its intake key is "<sender>:<intake id>")."""
    return intake_key.rsplit(":", 1)[0] if intake_key and ":" in intake_key else None


def legal_hold_of(row: ComplaintRow) -> dict[str, Any] | None:
    """The legal hold set by staff on a file ({reason, by, at}), or None."""
    hold = (row.extra or {}).get("legal_hold")
    return hold if isinstance(hold, dict) else None


def _anonymise(
    session: Any, row: ComplaintRow, now: datetime, *, actor: str = ACTOR, note: str = RETENTION_NOTE
) -> list[str]:
    for name in PERSONAL_FIELDS + PERSONAL_ROW_FIELDS:
        setattr(row, name, None)
    row.updates = [{"at": u.get("at"), "by": u.get("by")} for u in (row.updates or [])]
    row.anonymised_at = now
    row.updated_at = now
    # history: keep who/when/what, drop the values of personal fields and free notes
    for event in session.scalars(select(ComplaintEventRow).where(ComplaintEventRow.complaint_id == row.id)):
        if event.field in PERSONAL_FIELDS or event.field in ("updates", "attachments"):
            event.before = None
            event.after = None
        event.note = None
    session.add(ComplaintEventRow(
        complaint_id=row.id, at=now, actor=actor, action="anonymised", field=None, note=note,
    ))
    attachments = session.scalars(select(AttachmentRow).where(AttachmentRow.complaint_id == row.id)).all()
    paths = [a.stored_path for a in attachments if a.stored_path]
    session.execute(delete(AttachmentRow).where(AttachmentRow.complaint_id == row.id))
    session.execute(delete(OutboxRow).where(OutboxRow.complaint_id == row.id))
    session.flush()
    # a document stored under its sha256 may be shared with another complaint: keep it then
    still_used = set(session.scalars(select(AttachmentRow.stored_path).where(AttachmentRow.stored_path.in_(paths))))
    return [p for p in paths if p not in still_used]


def _years_before(moment: datetime, years: int) -> datetime:
    moment = moment.astimezone(UTC)
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)

