"""One home per vocabulary item: the citizen's fields live in bot/domain/complaint.py and the
French labels in bot/services/labels.py; what repeats them elsewhere is checked against them."""

from __future__ import annotations

from pathlib import Path

import yaml

from actions.common import FORM_FIELDS, INTAKE_SLOTS
from bot.domain.complaint import CITIZEN_FIELDS, FREE_TEXT_FIELDS, YES_NO_FIELDS, Status
from bot.services import labels, retention, staff
from bot.services.intake import FIELD_LABELS
from bot.staff.api.complaints import RegisterIn

ROOT = Path(__file__).resolve().parents[2]


def test_status_labels_for_staff_and_for_citizens_cover_every_status() -> None:
    every = {s.value for s in Status}
    assert set(labels.STATUS_LABELS) == every
    assert set(labels.CITIZEN_STATUS_LABELS) == every


def test_acting_for_labels_cover_the_same_values() -> None:
    assert set(labels.ACTING_FOR_LABELS) == set(labels.CITIZEN_ACTING_FOR_LABELS) == {"self", "organisation", "group"}


def test_field_groups_are_citizen_fields() -> None:
    assert set(FREE_TEXT_FIELDS) | set(YES_NO_FIELDS) <= set(CITIZEN_FIELDS)
    assert set(FIELD_LABELS) <= set(CITIZEN_FIELDS)
    assert set(retention.PERSONAL_FIELDS) - {"answer_text"} <= set(CITIZEN_FIELDS)
    assert set(staff.EDITABLE_FIELDS) == (set(CITIZEN_FIELDS) - {"attachments"}) | {
        "facts_date_precision", "suggested_reason_code"}


def test_every_citizen_field_is_an_intake_slot_of_domain_yml() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    slots = set(domain["slots"])
    assert set(CITIZEN_FIELDS) <= set(INTAKE_SLOTS)
    assert set(INTAKE_SLOTS) <= slots, set(INTAKE_SLOTS) - slots
    assert FORM_FIELDS <= set(domain["forms"]["complaint_form"]["required_slots"])


def test_staff_registration_takes_every_citizen_field_but_documents() -> None:
    assert set(CITIZEN_FIELDS) - {"attachments"} <= set(RegisterIn.model_fields)
