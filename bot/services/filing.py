"""Filing a complaint made in the chat, recording a refusal, counting what is not a complaint."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.complaint import Complaint, Event, Status
from bot.domain.policy import Policy
from bot.services._records import (
    attachment_ids,
    complaint_from_data,
    deadlines,
    filing_result,
    local_year,
    require_aware,
)
from bot.services.references import next_reference
from bot.services.uow import Conflict, Registry, UnitOfWork


def file_complaint(
    registry: Registry,
    policy: Policy,
    data: dict[str, Any],
    *,
    channel: str,
    intake_key: str | None,
    now: datetime,
    actor: str = "assistant",
) -> dict[str, Any]:
    """Store a complaint made in the chat; idempotent on `intake_key`.

    Status `received` (deadlines from `now`), or `prepared` when the preset takes
    complaints in person (no receipt date nor deadlines until staff confirm it at the
    counter). Attachments listed in `data["attachments"]` (ids) are linked to it.
    Returns {reference, status, received_at, ack_due, answer_due} (ISO strings or None).
    """
    require_aware("now", now)
    in_person = policy.intake_mode == "in_person"
    status = Status.PREPARED if in_person else Status.RECEIVED
    ack_due, answer_due = (None, None) if in_person else deadlines(policy, now)

    data = _flag_duplicate(registry, policy, data, now)
    complaint, extra = complaint_from_data(policy.id, data, channel=channel, status=status)
    complaint.received_at = None if in_person else now.astimezone(UTC)
    complaint.ack_due, complaint.answer_due = ack_due, answer_due
    complaint.decision = complaint.decision or "admissible"
    complaint.history.append(Event(at=now, actor=actor, action="filed", field="status",
                                   after=status.value, note=f"canal : {channel}"))
    result = store_new(registry, policy, complaint, extra, data, intake_key=intake_key, now=now, actor=actor)
    return {**result, "suggested_reason_code": complaint.suggested_reason_code}


def _flag_duplicate(registry: Registry, policy: Policy, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """IGRETEC's "duplicate" ground needs judgement: a complaint like one already handled for the same
    person is filed, flagged for staff with the earlier reference."""
    if not policy.excludes("duplicate") or data.get("suggested_reason_code"):
        return data
    from bot.services.duplicates import check_duplicate

    earlier = check_duplicate(registry, policy.id, data, now)
    if earlier is None:
        return data
    return {**data, "suggested_reason_code": "duplicate", "duplicate_of": earlier}


def record_refusal(
    registry: Registry,
    policy: Policy,
    data: dict[str, Any],
    reason_code: str,
    route_text: str | None,
    *,
    channel: str,
    intake_key: str | None,
    now: datetime,
    actor: str = "assistant",
) -> dict[str, Any] | None:
    """A complaint refused in the chat.

    With an identity (last and first name) it is stored with status `inadmissible`,
    `decision` = the reason code and `mediator` = the route given; a reference is allocated
    (the caller need not show it) and the filing dict is returned. Without identity only
    the anonymous count of the reason code is kept, and None is returned.
    """
    require_aware("now", now)
    complaint, extra = complaint_from_data(policy.id, data, channel=channel, status=Status.INADMISSIBLE)
    if not complaint.has_identity():
        with registry.unit_of_work() as uow:
            if intake_key and not uow.processed.first_time("refusal", intake_key, now):
                return None
            _increment_triage(uow, policy.id, reason_code, now)
            uow.commit()
        return None

    complaint.received_at = now.astimezone(UTC)
    complaint.decision = reason_code
    complaint.mediator = route_text
    complaint.history.append(Event(at=now, actor=actor, action="refused", field="decision",
                                   after=reason_code, note=f"canal : {channel}"))
    return store_new(registry, policy, complaint, extra, data, intake_key=intake_key, now=now, actor=actor)


def count_triage(registry: Registry, policy_id: str, code: str, now: datetime) -> int:
    """Add one to the anonymous count of `code` (a triage code or a refusal reason) for the
    UTC day of `now`; returns the day's count. No personal data is stored."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        value = _increment_triage(uow, policy_id, code, now)
        uow.commit()
    return value


def triage_statistics(registry: Registry, policy_id: str | None = None) -> list[dict[str, Any]]:
    """The anonymous counts, one dict per (policy, code, day)."""
    with registry.unit_of_work(read_only=True) as uow:
        return [count | {"day": count["day"].isoformat()} for count in uow.triage.counts(policy_id)]


def _increment_triage(uow: UnitOfWork, policy_id: str, code: str, now: datetime) -> int:
    return uow.triage.increment(policy_id, code, now.astimezone(UTC).date())


def store_new(
    registry: Registry,
    policy: Policy,
    complaint: Complaint,
    extra: dict[str, Any],
    data: dict[str, Any],
    *,
    intake_key: str | None,
    now: datetime,
    actor: str,
) -> dict[str, Any]:
    """Allocate a reference and store `complaint` (once per intake key); link its attachments."""
    try:
        with registry.unit_of_work() as uow:
            existing = uow.complaints.get_by_intake_key(intake_key) if intake_key else None
            if existing is not None:
                return filing_result(existing)
            _store(uow, policy, complaint, extra, data, intake_key=intake_key, now=now, actor=actor)
            result = filing_result(complaint)
            uow.commit()
            return result
    except Conflict:
        # a concurrent retry with the same intake key won the race (PostgreSQL): return its result
        if not intake_key:
            raise
        with registry.unit_of_work(read_only=True) as uow:
            existing = uow.complaints.get_by_intake_key(intake_key)
            if existing is None:
                raise
            return filing_result(existing)


def _store(
    uow: UnitOfWork, policy: Policy, complaint: Complaint, extra: dict[str, Any], data: dict[str, Any], *,
    intake_key: str | None, now: datetime, actor: str,
) -> None:
    year = local_year(policy, complaint.received_at or now)  # the year of receipt (of filing when prepared)
    complaint.reference = next_reference(uow, policy.reference_prefix, year)
    uow.complaints.add(complaint, now=now, intake_key=intake_key, transcript=data.get("transcript"),
                       extra=extra or None)
    linked = uow.complaints.link_attachments(complaint, attachment_ids(data.get("attachments")))
    if linked:
        complaint.history.append(Event(at=now, actor=actor, action="attachments_linked", field="attachments",
                                       after=linked))
        uow.complaints.save(complaint, now=now)
