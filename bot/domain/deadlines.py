"""Deadlines of acknowledgement and answer, counted as the presets' seeds say.

- The day of receipt is not counted.
- "jours ouvrables": Monday to Saturday; "jours ouvrés": Monday to Friday; both skip the
  country's national public holidays (`holidays.country_holidays(country)`, no subdivision).
- Calendar days: receipt + N days, NOT moved when the result is a Sunday or a holiday
  (no seed says otherwise).
- Months: the same day number N months later, or that month's last day.
- "asap" ("dans les plus brefs délais"): no date. A missing amount gives no date either:
  a deadline is never invented.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.domain.dates import add_months
from bot.domain.policy import DeadlineUnit, Policy

_SATURDAY = 5


@lru_cache(maxsize=8)
def _holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


def is_public_holiday(d: date, country: str) -> bool:
    return d in _holidays(country)


def _is_counted(d: date, unit: DeadlineUnit, country: str) -> bool:
    if unit is DeadlineUnit.JOURS_OUVRABLES:
        last_weekday = _SATURDAY  # Monday..Saturday
    else:
        last_weekday = _SATURDAY - 1  # Monday..Friday
    return d.weekday() <= last_weekday and not is_public_holiday(d, country)


def add_working_days(start: date, amount: int, unit: DeadlineUnit, country: str) -> date:
    """The `amount`-th working day after `start` (start itself not counted)."""
    d = start
    counted = 0
    while counted < amount:
        d += timedelta(days=1)
        if _is_counted(d, unit, country):
            counted += 1
    return d


def add_deadline(received: date, amount: int | None, unit: DeadlineUnit | str, country: str) -> date | None:
    """The due date for a deadline of `amount` `unit` from the date of receipt, or None ("asap")."""
    unit = DeadlineUnit(unit)
    if unit is DeadlineUnit.ASAP or amount is None:
        return None
    if amount < 0:
        raise ValueError("a deadline cannot be negative")
    if unit in (DeadlineUnit.JOURS_OUVRABLES, DeadlineUnit.JOURS_OUVRES):
        return add_working_days(received, amount, unit, country)
    if unit is DeadlineUnit.CALENDAR_DAYS:
        return received + timedelta(days=amount)
    if unit is DeadlineUnit.MONTHS:
        return add_months(received, amount)
    raise ValueError(f"unknown deadline unit {unit!r}")


def local_date(moment: datetime, timezone: str) -> date:
    """The local date of `moment` in `timezone`; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(timezone)).date()


def compute_deadlines(policy: Policy, received_at: datetime) -> tuple[date | None, date | None]:
    """(ack_due, answer_due) for a complaint received at `received_at`."""
    received = local_date(received_at, policy.timezone)
    ack = add_deadline(received, policy.acknowledgement.amount, policy.acknowledgement.unit, policy.country)
    answer = add_deadline(received, policy.answer.amount, policy.answer.unit, policy.country)
    return ack, answer


def working_days_until(today: date, due: date, country: str) -> int:
    """Working days (Monday..Friday minus holidays) from today to due; negative when overdue.

    Counts the days in (today, due]; 0 when due is today (or only non-working days are left).
    """
    lo, hi, sign = (today, due, 1) if due >= today else (due, today, -1)
    count = sum(
        1 for n in range(1, (hi - lo).days + 1)
        if _is_counted(lo + timedelta(days=n), DeadlineUnit.JOURS_OUVRES, country)
    )
    return sign * count


def is_due_soon(today: date, due: date, country: str, within: int = 2) -> bool:
    """Due within `within` working days and not yet overdue (overdue is `due < today`)."""
    if due < today:
        return False
    return working_days_until(today, due, country) <= within
