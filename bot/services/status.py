"""Status lookup by the complainant: the reference *and* the contact on file, throttled."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select

from bot.services._records import filing_result, require_aware
from bot.services._sql import insert_ignore
from bot.services.references import normalise_reference
from bot.services.uow import Registry
from bot.storage.models import StatusLookupAttemptRow

MAX_FAILURES = 3
WINDOW = timedelta(minutes=15)
REFUSED_OUTCOMES = ("rejected", "partially_upheld")

_ATTEMPTS: Table = StatusLookupAttemptRow.__table__  # type: ignore[assignment]
NOT_FOUND: dict[str, Any] = {"result": "not_found", "found": False}


def lookup_status(
    registry: Registry, reference: str | None, contact: str | None, *, key: str, now: datetime
) -> dict[str, Any]:
    """What the complainant may know of a complaint.

    Found only when the reference exists and `contact` matches the e-mail (case-insensitive)
    or the phone (same number, whatever the formatting) on file. A wrong reference and a
    wrong contact give the same answer, `{"result": "not_found", "found": False}`. After
    `MAX_FAILURES` failures for `key` (e.g. a sender id) within `WINDOW`, the answer is
    `{"result": "too_many_attempts", "found": False, "retry_after_minutes": n}`.
    Found: `{"result": "found", "found": True, reference, status, received_at, ack_due,
    answer_due, acknowledged_at, answered_at, closed_at, outcome, decision, mediator}`,
    `mediator` being the route given when the complaint was refused or its answer rejected
    it (in whole or in part), else None.
    """
    require_aware("now", now)
    key = (key or "anonymous")[:200]
    with registry.unit_of_work() as uow:
        session = uow.session
        session.execute(delete(_ATTEMPTS).where(_ATTEMPTS.c.window_start < now - WINDOW))
        insert_ignore(session, _ATTEMPTS, {"key": key, "count": 0, "window_start": now}, ["key"])
        attempt = session.scalars(
            select(StatusLookupAttemptRow).where(StatusLookupAttemptRow.key == key).with_for_update()
        ).one()
        if attempt.count >= MAX_FAILURES:
            wait = (attempt.window_start + WINDOW - now).total_seconds() / 60
            uow.commit()
            return {"result": "too_many_attempts", "found": False, "retry_after_minutes": max(1, math.ceil(wait))}

        normalised = normalise_reference(reference)
        complaint = uow.complaints.get(normalised) if normalised else None
        if complaint is None or complaint.anonymised_at is not None or not contact_matches(
            contact, complaint.email, complaint.phone
        ):
            attempt.count += 1
            uow.commit()
            return dict(NOT_FOUND)

        if attempt.count == 0:
            session.delete(attempt)
        answer = filing_result(complaint)
        refused = complaint.status == "inadmissible" or complaint.outcome in REFUSED_OUTCOMES
        answer.update({
            "result": "found",
            "found": True,
            "acknowledged_at": _iso(complaint.acknowledged_at),
            "answered_at": _iso(complaint.answered_at),
            "closed_at": _iso(complaint.closed_at),
            "outcome": complaint.outcome,
            "decision": complaint.decision,
            "mediator": complaint.mediator if refused else None,
            "policy": complaint.policy,
        })
        uow.commit()
        return answer


def contact_matches(contact: str | None, email: str | None, phone: str | None) -> bool:
    if not contact or not contact.strip():
        return False
    given = contact.strip()
    if "@" in given:
        return bool(email) and given.casefold() == email.strip().casefold()  # type: ignore[union-attr]
    return bool(phone) and same_phone(given, phone)  # type: ignore[arg-type]


def same_phone(given: str, on_file: str) -> bool:
    """Same number: both as E.164 (the given one read in the country of the one on file),
    else the same digits (an international 00 prefix read as +)."""
    import phonenumbers

    if on_file.strip().startswith("+"):
        try:
            stored = phonenumbers.parse(on_file, None)
            region = phonenumbers.region_code_for_country_code(stored.country_code or 0)
            candidate = phonenumbers.parse(given, region)
        except phonenumbers.NumberParseException:
            pass
        else:
            fmt = phonenumbers.PhoneNumberFormat.E164
            return phonenumbers.format_number(stored, fmt) == phonenumbers.format_number(candidate, fmt)
    return len(_digits(given)) >= 6 and _digits(given) == _digits(on_file)


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[2:] if digits.startswith("00") else digits


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None
