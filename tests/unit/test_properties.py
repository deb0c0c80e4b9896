"""Properties of the domain, on text hypothesis makes up (`make fuzz` runs them with many more
examples: PROPERTY_EXAMPLES).

- Any text given to any field's validator, to the date parser or to the extractor gives a value
  or a domain error (a French message for the citizen), never another exception.
- Deadlines never move back when the receipt moves forward, and never fall on a day the preset's
  unit does not count (a Sunday or a public holiday for working days).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import letter
from bot.domain.complaint import CITIZEN_FIELDS, DomainError
from bot.domain.dates import DateError, find_date, parse_facts_date
from bot.domain.deadlines import add_deadline, compute_deadlines, is_public_holiday
from bot.domain.interrupts import detect_interrupt
from bot.domain.policy import DeadlineUnit
from bot.domain.remarks import read_remark
from bot.domain.validation import FieldError, validate_field
from bot.policies import list_policy_ids, load_policy

EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "60"))
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 200,
                    suppress_health_check=[HealthCheck.too_slow])

# Words citizens write, so that the generated text reaches the recognisers' real branches and not
# only their "nothing here" exit.
VOCAB = [
    "le", "3", "11", "/", "2026", "novembre", "hier", "il y a", "deux", "mois", "semaines", "début",
    "fin", "septembre", "entre", "et", "du", "au", "ou", "je", "m'appelle", "Nom :", "Prénom :",
    "Martin", "Claire", "M.", "Mme", "rue", "avenue", "chaussée", "6040", "Jumet", "75011", "Paris",
    "0478 99 88 77", "+33 6 12 34 56 78", "claire@example.org", "@", "dossier", "n°", "2026/4471",
    "IGR-2026-000123", "je demande", "que", "remboursement", "guichet", "M. Dubois", "au nom de",
    "ma mère", "nous", "les habitants", "pas", "d'e-mail", "aucun", "non", "oui", "c'est quoi",
    "?", "!", ".", ",", "\n", "😡", "ß", "İ", "\u00a0", "\u200b", "﷽", "0", "31", "29", "02",
    "1900", "9999", "lundi", "dernier", "prochain", "-", "–", "'", "\"", "(", ")", ":",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(VOCAB), max_size=40).map(" ".join),
    st.lists(st.one_of(st.sampled_from(VOCAB), st.text(max_size=8)), max_size=30).map(" ".join),
)
COUNTRIES = st.sampled_from(["BE", "FR", "LU", "DE", "ZZ"])
FIELDS = [f for f in CITIZEN_FIELDS if f != "attachments"] + ["attachments"]


@PROPERTY
@given(field=st.sampled_from(FIELDS), text=texts, country=COUNTRIES)
def test_every_validator_gives_a_value_or_a_french_field_error(field: str, text: str, country: str) -> None:
    try:
        validate_field(field, text, country=country, now=NOW)
    except FieldError as error:
        assert error.message and error.message[0].isupper()  # a sentence for the citizen
    # any other exception fails the test with the text that caused it


@PROPERTY
@given(text=texts, days=st.integers(min_value=-40_000, max_value=40_000),
       tz=st.sampled_from(["Europe/Brussels", "Europe/Paris", "America/Montreal", "Pacific/Kiritimati"]))
def test_the_date_parser_gives_a_date_or_a_date_error(text: str, days: int, tz: str) -> None:
    now = NOW + timedelta(days=days)
    found = find_date(text, now=now, tz=tz)
    if found is not None:
        lo, hi = found.bounds()
        assert lo <= hi
    try:
        parsed = parse_facts_date(text, now=now, tz=tz)
    except DateError as error:
        assert error.code in ("unparseable", "future")
    else:
        assert parsed.bounds()[0] <= (now + timedelta(days=1)).date()


@PROPERTY
@given(text=texts, country=COUNTRIES)
def test_the_extractor_reads_any_message_without_its_safety_net(text: str, country: str) -> None:
    """`read_message` swallows a recogniser's exception (the conversation must go on): call what
    it wraps, so that such a bug shows here instead of silently losing what the citizen wrote."""
    reading = letter.Reading()
    letter._read(text, now=NOW, country=country, tz="Europe/Brussels", org_address=None, r=reading)
    for name, value in reading.fields.items():
        assert name in CITIZEN_FIELDS, name
        assert value not in ("", None)
    letter.reads_as_complaint(text, reading)
    letter.other_organisation(text, ("IGRETEC",))


@PROPERTY
@given(text=texts, field=st.sampled_from(FIELDS))
def test_interruptions_and_remarks_never_raise(text: str, field: str) -> None:
    detect_interrupt(text)
    read_remark(text, field)


POLICIES = [load_policy(pid) for pid in list_policy_ids()]
RECEIPTS = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@PROPERTY
@given(first=RECEIPTS, gap=st.integers(min_value=0, max_value=400), hour=st.integers(0, 23))
@pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
def test_deadlines_never_move_back_when_the_receipt_moves_forward(policy, first: date, gap: int, hour: int) -> None:  # type: ignore[no-untyped-def]
    earlier = datetime(first.year, first.month, first.day, hour, tzinfo=UTC)
    later = earlier + timedelta(days=gap)
    for due_earlier, due_later in zip(compute_deadlines(policy, earlier), compute_deadlines(policy, later), strict=True):
        if due_earlier is not None:
            assert due_later is not None and due_later >= due_earlier
            assert due_earlier > earlier.date() - timedelta(days=1)


@PROPERTY
@given(received=RECEIPTS, amount=st.integers(min_value=1, max_value=90),
       unit=st.sampled_from([DeadlineUnit.JOURS_OUVRABLES, DeadlineUnit.JOURS_OUVRES]),
       country=st.sampled_from(["BE", "FR"]))
def test_a_working_day_deadline_never_falls_on_a_day_it_does_not_count(received: date, amount: int,
                                                                        unit: DeadlineUnit, country: str) -> None:
    due = add_deadline(received, amount, unit, country)
    assert due is not None and due > received
    assert due.weekday() != 6 and not is_public_holiday(due, country)
    if unit is DeadlineUnit.JOURS_OUVRES:
        assert due.weekday() != 5
    # one more day of deadline is never an earlier date
    assert add_deadline(received, amount + 1, unit, country) > due  # type: ignore[operator]


def test_domain_errors_are_the_only_errors_the_validators_document() -> None:
    """The property above relies on FieldError being the domain's error for the citizen."""
    assert issubclass(FieldError, DomainError) and issubclass(DateError, DomainError)
