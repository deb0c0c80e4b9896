from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.deadlines import (
    add_deadline,
    compute_deadlines,
    is_due_soon,
    is_public_holiday,
    working_days_until,
)
from bot.domain.policy import Deadline, DeadlineUnit, Policy, Triage

FRIDAY = date(2026, 12, 18)  # received on Friday 18 December 2026
U = DeadlineUnit


@pytest.mark.parametrize(
    ("amount", "unit", "country", "expected"),
    [
        (10, U.JOURS_OUVRABLES, "BE", date(2026, 12, 31)),
        (45, U.JOURS_OUVRABLES, "BE", date(2027, 2, 11)),
        (5, U.JOURS_OUVRABLES, "BE", date(2026, 12, 24)),
        (30, U.CALENDAR_DAYS, "BE", date(2027, 1, 17)),
        (45, U.CALENDAR_DAYS, "BE", date(2027, 2, 1)),
        (14, U.JOURS_OUVRES, "FR", date(2027, 1, 11)),
        (30, U.JOURS_OUVRES, "FR", date(2027, 2, 2)),
        (10, U.CALENDAR_DAYS, "FR", date(2026, 12, 28)),
        (2, U.MONTHS, "FR", date(2027, 2, 18)),
        (1, U.JOURS_OUVRABLES, "BE", date(2026, 12, 19)),  # Saturday counts as jour ouvrable
        (1, U.JOURS_OUVRES, "BE", date(2026, 12, 21)),  # Saturday does not count as jour ouvré
    ],
)
def test_add_deadline_received_friday_18_december_gives_due_date(amount, unit, country, expected):
    assert add_deadline(FRIDAY, amount, unit, country) == expected


def test_add_deadline_calendar_days_on_sunday_is_not_moved():
    due = add_deadline(FRIDAY, 30, U.CALENDAR_DAYS, "BE")
    assert due == date(2027, 1, 17)
    assert due.weekday() == 6  # Sunday, kept as it is


def test_add_deadline_calendar_days_on_holiday_is_not_moved():
    # 15 December + 10 days = Christmas Day, a public holiday in both countries
    for country in ("BE", "FR"):
        due = add_deadline(date(2026, 12, 15), 10, U.CALENDAR_DAYS, country)
        assert due == date(2026, 12, 25)
        assert is_public_holiday(due, country)


def test_add_deadline_working_days_skip_belgian_11_november():
    # received Monday 9 November 2026: Tue 10 (1), Wed 11 is Armistice, Thu 12 (2)
    assert add_deadline(date(2026, 11, 9), 2, U.JOURS_OUVRES, "BE") == date(2026, 11, 12)
    assert add_deadline(date(2026, 11, 9), 2, U.JOURS_OUVRABLES, "BE") == date(2026, 11, 12)


def test_add_deadline_working_days_skip_belgian_christmas():
    # Thursday 24 December: Friday 25 is Christmas, Saturday 26 counts as jour ouvrable
    assert add_deadline(date(2026, 12, 24), 1, U.JOURS_OUVRABLES, "BE") == date(2026, 12, 26)
    assert add_deadline(date(2026, 12, 24), 1, U.JOURS_OUVRES, "BE") == date(2026, 12, 28)


def test_add_deadline_working_days_skip_french_14_july():
    # Monday 13 July 2026: Tuesday 14 July is the French national day, not a Belgian holiday
    assert add_deadline(date(2026, 7, 13), 1, U.JOURS_OUVRES, "FR") == date(2026, 7, 15)
    assert add_deadline(date(2026, 7, 13), 1, U.JOURS_OUVRES, "BE") == date(2026, 7, 14)


def test_add_deadline_working_days_skip_french_8_may_only_in_france():
    # Thursday 7 May 2026: Friday 8 May (Victoire 1945) is a French holiday
    assert add_deadline(date(2026, 5, 7), 1, U.JOURS_OUVRES, "FR") == date(2026, 5, 11)
    assert add_deadline(date(2026, 5, 7), 1, U.JOURS_OUVRES, "BE") == date(2026, 5, 8)


def test_add_deadline_regional_walloon_holiday_is_not_skipped():
    # 27 September (Fête de la Communauté française) is regional: national calendar only.
    # Friday 25 September 2026 + 1 jour ouvrable = Saturday 26; + 2 = Monday 28
    assert add_deadline(date(2026, 9, 25), 2, U.JOURS_OUVRABLES, "BE") == date(2026, 9, 28)
    assert not is_public_holiday(date(2026, 9, 27), "BE")


def test_add_deadline_received_on_sunday_counts_from_monday():
    sunday = date(2026, 11, 22)
    assert add_deadline(sunday, 1, U.JOURS_OUVRES, "BE") == date(2026, 11, 23)
    assert add_deadline(sunday, 10, U.JOURS_OUVRABLES, "BE") == date(2026, 12, 3)
    assert add_deadline(sunday, 30, U.CALENDAR_DAYS, "BE") == date(2026, 12, 22)
    assert add_deadline(sunday, 2, U.MONTHS, "FR") == date(2027, 1, 22)


def test_add_deadline_received_on_holiday_is_not_counted():
    # received on Christmas Day (Friday): the next jours ouvrés start on Monday 28
    assert add_deadline(date(2026, 12, 25), 1, U.JOURS_OUVRES, "FR") == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("received", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
    ],
)
def test_add_deadline_months_without_that_day_gives_last_day(received, months, expected):
    assert add_deadline(received, months, U.MONTHS, "FR") == expected


@pytest.mark.parametrize("unit", list(U))
def test_add_deadline_asap_or_missing_amount_gives_none(unit):
    assert add_deadline(FRIDAY, None, unit, "BE") is None
    assert add_deadline(FRIDAY, 10, U.ASAP, "BE") is None


def test_add_deadline_accepts_unit_as_string():
    assert add_deadline(FRIDAY, 10, "jours_ouvrables", "BE") == date(2026, 12, 31)


def _policy(ack: Deadline, answer: Deadline, country: str = "BE", timezone: str = "Europe/Brussels") -> Policy:
    return Policy(
        id="test",
        reference_prefix="TST",
        organisation={"name": "Test"},
        country=country,
        timezone=timezone,
        scope="tout",
        privacy_notice="…",
        ask_fields=["last_name"],
        required_fields=["last_name"],
        acknowledgement=ack,
        answer=answer,
        triage=Triage(information_request="i", service_request="s", advice_request="a", suggestion="g"),
        after_filing="…",
    )


def test_compute_deadlines_igretec_like_policy_gives_ack_and_answer():
    policy = _policy(
        Deadline(amount=10, unit=U.JOURS_OUVRABLES, text="dans les 10 jours ouvrables"),
        Deadline(amount=45, unit=U.JOURS_OUVRABLES, text="dans les 45 jours ouvrables"),
    )
    received = datetime(2026, 12, 18, 14, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    assert compute_deadlines(policy, received) == (date(2026, 12, 31), date(2027, 2, 11))


def test_compute_deadlines_asap_acknowledgement_gives_none():
    policy = _policy(
        Deadline(unit=U.ASAP, text="dans les plus brefs délais"),
        Deadline(amount=45, unit=U.CALENDAR_DAYS, text="45 jours"),
    )
    received = datetime(2026, 12, 18, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    assert compute_deadlines(policy, received) == (None, date(2027, 2, 1))


def test_compute_deadlines_utc_evening_is_next_day_in_policy_zone():
    policy = _policy(
        Deadline(amount=14, unit=U.JOURS_OUVRES, text="14 jours ouvrés"),
        Deadline(amount=30, unit=U.JOURS_OUVRES, text="30 jours ouvrés"),
        country="FR",
        timezone="Europe/Paris",
    )
    # 23:30 UTC on Thursday 17 December is already Friday 18 December in Paris
    received = datetime(2026, 12, 17, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert compute_deadlines(policy, received) == (date(2027, 1, 11), date(2027, 2, 2))
    # a naive datetime is taken as UTC
    assert compute_deadlines(policy, datetime(2026, 12, 17, 23, 30)) == (date(2027, 1, 11), date(2027, 2, 2))


@pytest.mark.parametrize(
    ("today", "due", "expected"),
    [
        (date(2026, 11, 24), date(2026, 11, 24), 0),
        (date(2026, 11, 24), date(2026, 11, 26), 2),
        (date(2026, 11, 20), date(2026, 11, 23), 1),  # Friday -> Monday: the weekend does not count
        (date(2026, 12, 23), date(2026, 12, 28), 2),  # 24 and 28: Christmas skipped
        (date(2026, 11, 10), date(2026, 11, 12), 1),  # 11 November skipped
        (date(2026, 11, 26), date(2026, 11, 24), -2),  # overdue
        (date(2026, 11, 23), date(2026, 11, 20), -1),
    ],
)
def test_working_days_until_counts_monday_to_friday_minus_holidays(today, due, expected):
    assert working_days_until(today, due, "BE") == expected


@pytest.mark.parametrize(
    ("today", "due", "expected"),
    [
        (date(2026, 11, 24), date(2026, 11, 24), True),
        (date(2026, 11, 24), date(2026, 11, 26), True),
        (date(2026, 11, 24), date(2026, 11, 27), False),
        (date(2026, 11, 20), date(2026, 11, 24), True),  # over a weekend: 2 working days
        (date(2026, 11, 25), date(2026, 11, 24), False),  # overdue is not "due soon"
    ],
)
def test_is_due_soon_within_two_working_days(today, due, expected):
    assert is_due_soon(today, due, "BE") is expected


def test_is_due_soon_custom_window_changes_limit():
    assert is_due_soon(date(2026, 11, 24), date(2026, 11, 27), "BE", within=3) is True
    assert is_due_soon(date(2026, 11, 24), date(2026, 11, 25), "BE", within=0) is False
