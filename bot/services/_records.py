"""Shared helpers of the services: data dict -> Complaint, Complaint -> dicts.

The dict builders read attributes only: they take the repositories' plain records
(`Bookkeeping`, `StoredAttachment`) as well as rows (bot.services.staff, until it reads through
the repositories)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.domain.complaint import CITIZEN_FIELDS, Complaint, Status, is_channel_name
from bot.domain.policy import Policy
from bot.services.errors import InvalidInput
from bot.storage.repository import plain

if TYPE_CHECKING:
    from bot.services.uow import UnitOfWork

_BOOL_FIELDS = {"prior_contact", "consent", "initiative_taken"}
# administrative keys a caller may give with the citizen's data
_ACCEPTED_ADMIN = {"decision", "suggested_reason_code", "facts_date_precision"}
# keys never taken from the data dict (set by the services themselves)
_IGNORED = {
    "reference", "policy", "channel", "status", "received_at", "ack_due", "answer_due", "acknowledged_at",
    "answered_at", "closed_at", "mediator", "answer_text", "answered_by", "outcome", "updates",
    "dysfunctions", "corrective_actions", "history", "anonymised_at", "intake_key", "transcript", "extra",
    "assigned_to",
}
_TRUE = {"true", "oui", "yes", "1", "vrai", "o", "y"}
_FALSE = {"false", "non", "no", "0", "faux", "n"}


def require_aware(name: str, value: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value


def to_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def local_year(policy: Policy, at: datetime) -> int:
    return at.astimezone(ZoneInfo(policy.timezone)).year


def deadlines(policy: Policy, received_at: datetime) -> tuple[date | None, date | None]:
    from bot.domain.deadlines import compute_deadlines

    return compute_deadlines(policy, received_at)


def parse_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InvalidInput(f"Date des faits illisible : « {value} ».", "invalid_date") from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def attachment_ids(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str | dict):
        value = [value]
    ids = []
    for item in value:
        ident = item.get("id") if isinstance(item, dict) else item
        if ident:
            ids.append(str(ident))
    return ids


def complaint_from_data(
    policy_id: str, data: dict[str, Any], *, channel: str, status: Status
) -> tuple[Complaint, dict[str, Any]]:
    """Build a Complaint from the citizen's data; returns it with the unknown keys (-> `extra`)."""
    if not is_channel_name(channel):
        raise InvalidInput(f"Canal inconnu : « {channel} ».", "invalid_channel")
    complaint = Complaint(policy=policy_id, channel=channel, status=status)
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key == "attachments" or key in _IGNORED:
            continue
        if key in _BOOL_FIELDS:
            setattr(complaint, key, parse_bool(value))
        elif key == "facts_date":
            complaint.facts_date = parse_date(value)
        elif key in CITIZEN_FIELDS or key in _ACCEPTED_ADMIN:
            setattr(complaint, key, _text(value))
        elif value is not None:
            extra[key] = plain(value)
    return complaint, extra


def filing_result(c: Complaint) -> dict[str, Any]:
    return {
        "reference": c.reference,
        "status": Status(c.status).value,
        "received_at": _iso(c.received_at),
        "ack_due": _iso(c.ack_due),
        "answer_due": _iso(c.answer_due),
    }


def attachment_dict(row: Any) -> dict[str, Any]:
    """A document (`StoredAttachment` or row) as {id, filename, media_type, size, sha256, created_at}."""
    return {
        "id": row.id, "filename": row.filename, "media_type": row.media_type, "size": row.size,
        "sha256": row.sha256, "created_at": _iso(row.created_at),
    }


def record_of(uow: UnitOfWork, complaint: Complaint) -> dict[str, Any]:
    """The whole record of a complaint loaded through `uow` (see `complaint_record`)."""
    return complaint_record(complaint, uow.complaints.bookkeeping(complaint), uow.complaints.attachments_of(complaint))


def complaint_record(c: Complaint, row: Any, attachments: list[Any]) -> dict[str, Any]:
    """The whole record (contract section 1 names) with `history` and `attachments`; `row` gives
    the registry's bookkeeping (a `Bookkeeping`, or a row)."""
    record = c.as_dict()
    for name, value in vars(c).items():  # instants in UTC, whatever zone the caller's `now` had
        if isinstance(value, datetime):
            record[name] = _iso(value)
    record["attachments"] = [attachment_dict(a) for a in attachments]
    record["history"] = [
        {"at": _iso(e.at), "actor": e.actor, "action": e.action, "field": e.field,
         "before": e.before, "after": e.after, "note": e.note}
        for e in c.history
    ]
    record.update({
        "assigned_to": row.assigned_to,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "transcript": row.transcript,
        "extra": row.extra or {},
    })
    return record


def summary(row: Any, today: date | None = None) -> dict[str, Any]:
    """A list row of the registry (dashboard, API list), from a dict of columns
    (`uow.complaints.search`) or an object with the columns as attributes."""
    if isinstance(row, Mapping):
        row = SimpleNamespace(**row)
    item = {
        "reference": row.reference, "policy": row.policy, "channel": row.channel, "status": row.status,
        "last_name": row.last_name, "first_name": row.first_name, "email": row.email,
        "subject": row.subject, "service_concerned": row.service_concerned,
        "received_at": _iso(row.received_at), "ack_due": _iso(row.ack_due), "answer_due": _iso(row.answer_due),
        "acknowledged_at": _iso(row.acknowledged_at), "answered_at": _iso(row.answered_at),
        "closed_at": _iso(row.closed_at), "decision": row.decision,
        "suggested_reason_code": row.suggested_reason_code, "outcome": row.outcome,
        "assigned_to": row.assigned_to, "updates_count": len(row.updates or []),
        "last_update_at": (row.updates or [{}])[-1].get("at") if row.updates else None,
        "anonymised_at": _iso(row.anonymised_at),
    }
    if today is not None:
        item["overdue"] = is_overdue(row.status, row.ack_due, row.answer_due, today)
    return item


ACK_PENDING = ("received",)
ANSWER_PENDING = ("received", "acknowledged", "in_progress")


def is_overdue(status: str, ack_due: date | None, answer_due: date | None, today: date) -> bool:
    return bool(
        (status in ACK_PENDING and ack_due is not None and ack_due < today)
        or (status in ANSWER_PENDING and answer_due is not None and answer_due < today)
    )


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()
