"""The history lines written around a file, on a real database (SQLite and PostgreSQL): requests
and notices are recorded without counting as a change of the file, a legal hold and an
anonymisation do count; an anonymisation scrubs what the history held of the person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.policies import load_policy
from bot.services import filing, privacy, staff
from bot.services.notifications import queue_staff_notices
from bot.services.uow import Registry
from bot.storage.models import ComplaintEventRow, ComplaintRow, OutboxRow
from tests.sample_data import CITIZEN, FRIDAY

STAFF_INBOX = "equipe@org.be"


@pytest.fixture
def registry(migrated_db_url: str) -> Iterator[Registry]:
    reg = Registry.from_url(migrated_db_url)
    yield reg
    reg.dispose()


def _file(registry: Registry, key: str, **changes: Any) -> str:
    result = filing.file_complaint(registry, load_policy("igretec"), {**CITIZEN, **changes}, channel="webchat",
                                   intake_key=key, now=FRIDAY)
    return str(result["reference"])


def _updated_at(registry: Registry, reference: str) -> Any:
    with registry.unit_of_work(read_only=True) as uow:
        return uow.session.scalar(select(ComplaintRow.updated_at).where(ComplaintRow.reference == reference))


def _actions(registry: Registry, reference: str) -> list[str]:
    return [h["action"] for h in staff.get_complaint(registry, reference)["history"]]


def test_access_request_recorded_in_history_file_not_changed(registry: Registry) -> None:
    reference = _file(registry, "c:1")
    before = _updated_at(registry, reference)
    data = privacy.person_data(registry, email=CITIZEN["email"], actor="dpo@org.be", now=FRIDAY + timedelta(days=3))
    assert [c["reference"] for c in data["complaints"]] == [reference]
    assert "access_request" not in [h["action"] for h in data["complaints"][0]["history"]]  # the file as it was
    assert _actions(registry, reference) == ["filed", "access_request"]
    history = staff.get_complaint(registry, reference)["history"]
    assert (history[-1]["actor"], history[-1]["note"]) == (
        "dpo@org.be", "Données communiquées à la personne (demande d'accès).")
    assert _updated_at(registry, reference) == before


def test_erasure_request_on_an_open_file_noted_file_not_changed(registry: Registry) -> None:
    reference = _file(registry, "c:1")
    before = _updated_at(registry, reference)
    result = privacy.erase_person(registry, email=CITIZEN["email"], actor="dpo@org.be", now=FRIDAY + timedelta(days=3))
    assert result["erased"] == [] and [k["reference"] for k in result["kept"]] == [reference]
    assert _actions(registry, reference) == ["filed", "erasure_request"]
    assert _updated_at(registry, reference) == before
    assert staff.get_complaint(registry, reference)["last_name"] == "Dupont"


def test_legal_hold_recorded_and_counts_as_a_change(registry: Registry) -> None:
    reference = _file(registry, "c:1")
    later = FRIDAY + timedelta(days=3)
    held = privacy.set_legal_hold(registry, reference.lower(), "litige en cours", actor="boss@org.be", now=later)
    assert held["reference"] == reference and held["legal_hold"]["reason"] == "litige en cours"
    record = staff.get_complaint(registry, reference)
    assert record["extra"]["legal_hold"] == {"reason": "litige en cours", "by": "boss@org.be",
                                             "at": later.astimezone(UTC).isoformat()}
    assert (record["history"][-1]["action"], record["history"][-1]["before"], record["history"][-1]["after"]) == (
        "legal_hold", False, True)
    assert _updated_at(registry, reference) == later
    lifted = privacy.set_legal_hold(registry, reference, None, actor="boss@org.be", now=later + timedelta(days=1))
    assert lifted["legal_hold"] is None
    assert "legal_hold" not in (staff.get_complaint(registry, reference)["extra"] or {})


def test_staff_notice_recorded_once_in_history_file_not_changed(registry: Registry) -> None:
    reference = _file(registry, "c:1")
    before = _updated_at(registry, reference)
    assert queue_staff_notices(registry, staff_email=STAFF_INBOX, now=FRIDAY)["new_complaints"] == 1
    assert queue_staff_notices(registry, staff_email=STAFF_INBOX, now=FRIDAY)["new_complaints"] == 0
    assert _actions(registry, reference) == ["filed", "staff_notified"]
    assert _updated_at(registry, reference) == before
    with registry.unit_of_work(read_only=True) as uow:
        complaint_id = uow.session.scalar(select(ComplaintRow.id).where(ComplaintRow.reference == reference))
        assert uow.session.scalars(select(OutboxRow.complaint_id)).all() == [complaint_id]


def test_erasure_scrubs_history_and_drops_the_files_emails(registry: Registry) -> None:
    reference = _file(registry, "sender-7:1")
    queue_staff_notices(registry, staff_email=STAFF_INBOX, now=FRIDAY)
    staff.update_complaint(registry, reference, {"phone": "+32470000000"}, actor="a@org.be",
                           now=FRIDAY + timedelta(hours=1))
    staff.transition(registry, reference, "answered", actor="a@org.be", role="agent", now=FRIDAY + timedelta(days=9),
                     answer_text="Réponse à Mme Dupont.", outcome="upheld")
    staff.transition(registry, reference, "closed", actor="a@org.be", role="agent", now=FRIDAY + timedelta(days=10),
                     note="clôture")
    later = FRIDAY + timedelta(days=30)
    result = privacy.erase_person(registry, email=CITIZEN["email"], actor="dpo@org.be", now=later)
    assert result == {"erased": [reference], "kept": [], "dry_run": False}
    record = staff.get_complaint(registry, reference)
    assert record["anonymised_at"] == later.astimezone(UTC).isoformat()
    assert record["updated_at"] == later.astimezone(UTC).isoformat()
    assert (record["last_name"], record["phone"], record["answer_text"], record["transcript"], record["extra"]) == (
        None, None, None, None, {})
    history = record["history"]
    assert (history[-1]["action"], history[-1]["actor"], history[-1]["note"]) == (
        "anonymised", "dpo@org.be", privacy.ERASURE_NOTE)
    assert [h["note"] for h in history[:-1]] == [None] * (len(history) - 1)
    assert "staff_notified" in [h["action"] for h in history] and "email_queued" in [h["action"] for h in history]
    scrubbed = [(h["before"], h["after"]) for h in history if h["field"] in ("phone", "answer_text")]
    assert scrubbed == [(None, None), (None, None)]
    assert ("received", "answered") in [(h["before"], h["after"]) for h in history if h["field"] == "status"]
    with registry.unit_of_work(read_only=True) as uow:
        row = uow.session.scalars(select(ComplaintRow).where(ComplaintRow.reference == reference)).one()
        assert (row.intake_key, row.name_key) == (None, None)
        assert uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 0
        events = uow.session.scalar(select(func.count()).select_from(ComplaintEventRow))
        assert events == len(history)
