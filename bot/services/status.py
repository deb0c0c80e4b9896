"""Status lookup by the complainant: the reference *and* the contact on file, throttled."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.complaint import Complaint
from bot.services._records import filing_result, require_aware
from bot.services.references import normalise_reference
from bot.services.uow import Registry, UnitOfWork

MAX_FAILURES = 3
WINDOW = timedelta(minutes=15)
REFUSED_OUTCOMES = ("rejected", "partially_upheld")
GLOBAL_KEY = "status:failures"
GLOBAL_WINDOW = timedelta(minutes=1)
GLOBAL_MAX_FAILURES = 30  # default of the setting STATUS_FAILURES_GLOBAL_PER_MINUTE

NOT_FOUND: dict[str, Any] = {"result": "not_found", "found": False}


def lookup_status(
    registry: Registry, reference: str | None, contact: str | None, *, key: str, now: datetime,
    also: tuple[str, ...] = (),
) -> dict[str, Any]:
    """What the complainant may know of a complaint.

    Found only when the reference exists and `contact` matches the e-mail (case-insensitive)
    or the phone (same number, whatever the formatting) on file. A wrong reference and a
    wrong contact give the same answer, `{"result": "not_found", "found": False}`. After
    `MAX_FAILURES` failures for `key` (e.g. a sender id) within `WINDOW`, the answer is
    `{"result": "too_many_attempts", "found": False, "retry_after_minutes": n}`; so it is, for
    everyone during a minute, after `STATUS_FAILURES_GLOBAL_PER_MINUTE` failures overall.
    `also`: more keys counted the same way (the web widget's client address, whose sender ids
    are chosen by the client): throttled as soon as one of them is.
    Found: `{"result": "found", "found": True, reference, status, received_at, ack_due,
    answer_due, acknowledged_at, answered_at, closed_at, outcome, decision, mediator}`,
    `mediator` being the route given when the complaint was refused or its answer rejected
    it (in whole or in part), else None.
    """
    require_aware("now", now)
    keys = [k[:200] for k in dict.fromkeys([key or "anonymous", *also]) if k]
    with registry.unit_of_work() as uow:
        answer = _throttled(uow, keys, now, _global_limit(registry)) or _look_up(uow, reference, contact, keys, now)
        uow.commit()
    return answer


def _throttled(uow: UnitOfWork, keys: list[str], now: datetime, global_limit: int) -> dict[str, Any] | None:
    """The "too many attempts" answer when one of `keys`, or everyone, failed too often lately; else None."""
    for key in keys:
        failures, window_start = uow.lookups.current(key, now=now, window=WINDOW)
        if failures >= MAX_FAILURES:
            wait = (window_start + WINDOW - now).total_seconds() / 60
            return {"result": "too_many_attempts", "found": False, "retry_after_minutes": max(1, math.ceil(wait))}
    # overall, whoever asks: a sender id is chosen by the web widget's client, so many ids
    # cannot enumerate the sequential references faster than this
    overall, _ = uow.counters.peek(GLOBAL_KEY, GLOBAL_WINDOW, now)
    if overall >= global_limit:
        return {"result": "too_many_attempts", "found": False, "retry_after_minutes": 1}
    return None


def _look_up(uow: UnitOfWork, reference: str | None, contact: str | None, keys: list[str],
             now: datetime) -> dict[str, Any]:
    """The answer for a lookup not throttled; a failure is counted for each key and overall."""
    normalised = normalise_reference(reference)
    complaint = uow.complaints.get(normalised) if normalised else None
    if complaint is None or complaint.anonymised_at is not None or not contact_matches(
        contact, complaint.email, complaint.phone
    ):
        for key in keys:
            uow.lookups.fail(key)
        uow.counters.hit(GLOBAL_KEY, GLOBAL_WINDOW, now)
        return dict(NOT_FOUND)
    for key in keys:
        uow.lookups.forget_if_clean(key)
    return _found(complaint)


def _found(complaint: Complaint) -> dict[str, Any]:
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
    return answer


def _global_limit(registry: Registry) -> int:
    settings = registry.settings
    return settings.status_failures_global_per_minute if settings is not None else GLOBAL_MAX_FAILURES


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


# --------------------------------------------------------------------------- shared counters
# Fixed-window counters in the database, so that they hold across workers and processes: failed
# status lookups overall (here), login failures (bot/staff/session.py), staff notices per
# conversation (bot/services/notifications.py).


def forget_counters_before(registry: Registry, before: datetime) -> int:
    """Drop counters whose window started before `before` (retention); returns how many."""
    with registry.unit_of_work() as uow:
        count = uow.counters.forget_before(before)
        uow.commit()
    return count
