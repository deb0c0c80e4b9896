"""The registry on a real database: every test runs on SQLite and on PostgreSQL 15."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, inspect, select

from bot.domain.complaint import IllegalTransition
from bot.policies import load_policy
from bot.services import filing, staff
from bot.services.attachments import record_attachment
from bot.services.duplicates import check_duplicate, find_duplicate
from bot.services.errors import Forbidden, InvalidInput, NotFound
from bot.services.messages import first_time_seen
from bot.services.retention import apply_retention
from bot.services.status import lookup_status
from bot.services.uow import Registry
from bot.storage.migrate import current, upgrade
from bot.storage.models import (
    ComplaintEventRow,
    ComplaintRow,
    OutboxRow,
    ReferenceCounterRow,
    TriageCountRow,
)
from tests.sample_data import BRUSSELS, CITIZEN, FRIDAY


@pytest.fixture
def registry(migrated_db_url: str) -> Iterator[Registry]:
    reg = Registry.from_url(migrated_db_url)
    yield reg
    reg.dispose()


@pytest.fixture
def igretec():
    return load_policy("igretec")


def _count(registry: Registry, model: Any, *where: Any) -> int:
    with registry.unit_of_work(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _file(registry: Registry, policy: Any, key: str | None = None, now: datetime = FRIDAY, **changes: Any) -> dict:
    return filing.file_complaint(registry, policy, {**CITIZEN, **changes}, channel="webchat", intake_key=key, now=now)


# ------------------------------------------------------------------------------------ migrations


def test_migrations_fresh_database_all_tables_at_head(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)  # a second run is a no-op
    assert current(db_url) == "0005"
    reg = Registry.from_url(db_url)
    try:
        tables = set(inspect(reg.engine).get_table_names())
    finally:
        reg.dispose()
    assert {
        "complaints", "complaint_events", "attachments", "staff_users", "api_tokens", "reference_counters",
        "triage_counts", "status_lookup_attempts", "processed_messages", "outbox", "handover_requests", "alembic_version",
    } <= tables


def test_timestamps_round_trip_as_aware_utc(registry: Registry, igretec: Any) -> None:
    result = _file(registry, igretec)
    assert result["received_at"] == "2026-12-18T09:00:00+00:00"
    with registry.unit_of_work(read_only=True) as uow:
        row = uow.session.scalars(select(ComplaintRow)).one()
        assert row.received_at == FRIDAY and row.received_at.tzinfo is not None
        assert row.received_at.utcoffset() == timedelta(0)
        # comparisons in SQL use the same UTC representation
        later = uow.session.scalar(select(func.count()).where(ComplaintRow.received_at > FRIDAY - timedelta(seconds=1)))
        assert later == 1


# ------------------------------------------------------------------------------------ filing


def test_file_complaint_igretec_friday_one_row_with_deadlines(registry: Registry, igretec: Any) -> None:
    result = _file(registry, igretec, key="conv-1:1")
    assert result == {
        "reference": "IGR-2026-000001",
        "status": "received",
        "received_at": "2026-12-18T09:00:00+00:00",
        "ack_due": "2026-12-31",
        "answer_due": "2027-02-11",
        "suggested_reason_code": None,
    }
    assert _count(registry, ComplaintRow) == 1
    record = staff.get_complaint(registry, "IGR-2026-000001")
    assert record["last_name"] == "Dupont" and record["facts_date"] == "2026-11-03"
    assert record["decision"] == "admissible" and record["policy"] == "igretec" and record["channel"] == "webchat"
    assert [(h["action"], h["actor"]) for h in record["history"]] == [("filed", "assistant")]


def test_file_complaint_retried_same_intake_key_returns_first_result(registry: Registry, igretec: Any) -> None:
    first = _file(registry, igretec, key="conv-2:submit")
    again = _file(registry, igretec, key="conv-2:submit", now=FRIDAY + timedelta(minutes=3))
    assert again == first
    assert _count(registry, ComplaintRow) == 1
    other = _file(registry, igretec, key="conv-3:submit")
    assert other["reference"] == "IGR-2026-000002"


def test_file_complaint_concurrent_retries_same_intake_key_one_row(registry: Registry, igretec: Any) -> None:
    results: list[dict] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        results.append(_file(registry, igretec, key="conv-race:submit"))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert _count(registry, ComplaintRow) == 1


def test_file_complaint_links_uploaded_attachments(registry: Registry, igretec: Any, tmp_path: Path) -> None:
    stored = tmp_path / "ab12.pdf"
    stored.write_bytes(b"%PDF-1.4")
    doc = record_attachment(registry, conversation_id="conv-4", filename="facture.pdf", media_type="application/pdf",
                            size=8, sha256="ab12" * 16, stored_path=str(stored), now=FRIDAY)
    result = _file(registry, igretec, key="conv-4:submit", attachments=[doc["id"]])
    record = staff.get_complaint(registry, result["reference"])
    assert [a["filename"] for a in record["attachments"]] == ["facture.pdf"]
    assert record["attachments"][0]["sha256"] == "ab12" * 16
    assert "attachments_linked" in [h["action"] for h in record["history"]]


def test_next_reference_concurrent_writers_unique_and_contiguous(registry: Registry, igretec: Any) -> None:
    threads_n, per_thread = 8, 10
    barrier = threading.Barrier(threads_n)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            try:
                ref = _file(registry, igretec, key=f"thread-{n}:{i}")["reference"]
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return
            with lock:
                references.append(ref)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert not errors, errors
    total = threads_n * per_thread
    assert len(references) == total and len(set(references)) == total
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, total + 1))
    with registry.unit_of_work(read_only=True) as uow:
        counter = uow.session.get(ReferenceCounterRow, ("IGR", 2026))
        assert counter is not None and counter.value == total
    assert _count(registry, ComplaintRow) == total
    print(f"\n[{registry.dialect}] {total} concurrent filings by {threads_n} threads in {elapsed:.2f} s: "
          f"{len(set(references))} distinct references, numbers 1..{numbers[-1]} contiguous")


def test_next_reference_new_year_restarts_numbering(registry: Registry, igretec: Any) -> None:
    _file(registry, igretec)
    # 31 Dec 23:30 in Brussels is already 2027 nowhere else: the local year counts
    late = datetime(2026, 12, 31, 23, 30, tzinfo=BRUSSELS)
    assert _file(registry, igretec, now=late)["reference"] == "IGR-2026-000002"
    assert _file(registry, igretec, now=late + timedelta(hours=1))["reference"] == "IGR-2027-000001"


# ------------------------------------------------------------------------------------ refusals, triage


def test_record_refusal_with_identity_stored_inadmissible(registry: Registry, igretec: Any) -> None:
    result = filing.record_refusal(registry, igretec, {**CITIZEN, "acting_for": "group"}, "grouped",
                                   "Le Médiateur de la Wallonie…", channel="telegram", intake_key="tg-1:refusal",
                                   now=FRIDAY)
    assert result is not None and result["status"] == "inadmissible"
    record = staff.get_complaint(registry, result["reference"])
    assert record["decision"] == "grouped" and record["mediator"] == "Le Médiateur de la Wallonie…"
    assert record["ack_due"] is None and record["answer_due"] is None
    assert _count(registry, TriageCountRow) == 0


def test_record_refusal_without_identity_only_counted(registry: Registry, igretec: Any) -> None:
    data = {"facts_description": "Plainte sans nom"}
    assert filing.record_refusal(registry, igretec, data, "anonymous", None, channel="webchat",
                                 intake_key="w-1:refusal", now=FRIDAY) is None
    # a retried call is not counted twice; another conversation is
    filing.record_refusal(registry, igretec, data, "anonymous", None, channel="webchat",
                          intake_key="w-1:refusal", now=FRIDAY)
    filing.record_refusal(registry, igretec, data, "anonymous", None, channel="webchat",
                          intake_key="w-2:refusal", now=FRIDAY)
    assert _count(registry, ComplaintRow) == 0
    stats = filing.triage_statistics(registry, "igretec")
    assert stats == [{"policy": "igretec", "code": "anonymous", "day": "2026-12-18", "count": 2}]


def test_count_triage_increments_per_code_and_day(registry: Registry) -> None:
    assert filing.count_triage(registry, "spf-securite-sociale", "information_request", FRIDAY) == 1
    assert filing.count_triage(registry, "spf-securite-sociale", "information_request", FRIDAY) == 2
    assert filing.count_triage(registry, "spf-securite-sociale", "suggestion", FRIDAY) == 1
    assert filing.count_triage(registry, "spf-securite-sociale", "information_request",
                               FRIDAY + timedelta(days=1)) == 1
    assert _count(registry, TriageCountRow) == 3


def test_first_time_seen_deduplicates_webhook_messages(registry: Registry) -> None:
    assert first_time_seen(registry, "telegram", "42", now=FRIDAY) is True
    assert first_time_seen(registry, "telegram", "42", now=FRIDAY) is False
    assert first_time_seen(registry, "whatsapp", "42", now=FRIDAY) is True


# ------------------------------------------------------------------------------------ status lookup


def test_lookup_status_needs_reference_and_matching_contact(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    now = FRIDAY + timedelta(days=1)
    found = lookup_status(registry, ref, "Marie.Dupont@Exemple.BE", key="a", now=now)
    assert found["result"] == "found" and found["status"] == "received"
    assert found["ack_due"] == "2026-12-31" and found["answer_due"] == "2027-02-11"
    assert found["mediator"] is None
    assert lookup_status(registry, ref.lower().replace("-", " "), "0475 12 34 56", key="b", now=now)["found"]
    assert lookup_status(registry, "IGR-2026-1", "+32 475 12 34 56", key="c", now=now)["found"]
    wrong_contact = lookup_status(registry, ref, "someone@else.be", key="d", now=now)
    wrong_reference = lookup_status(registry, "IGR-2026-000999", CITIZEN["email"], key="e", now=now)
    no_contact = lookup_status(registry, ref, "", key="f", now=now)
    assert wrong_contact == wrong_reference == no_contact == {"result": "not_found", "found": False}


def test_lookup_status_throttled_after_three_failures(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    t = FRIDAY + timedelta(days=1)
    for i in range(3):
        assert lookup_status(registry, ref, "bad@x.be", key="sender-9", now=t + timedelta(minutes=i))["found"] is False
    blocked = lookup_status(registry, ref, CITIZEN["email"], key="sender-9", now=t + timedelta(minutes=5))
    assert blocked == {"result": "too_many_attempts", "found": False, "retry_after_minutes": 10}
    # another sender is not blocked; the same one is again after the window
    assert lookup_status(registry, ref, CITIZEN["email"], key="sender-10", now=t + timedelta(minutes=5))["found"]
    assert lookup_status(registry, ref, CITIZEN["email"], key="sender-9", now=t + timedelta(minutes=16))["found"]


def test_lookup_status_refused_complaint_repeats_mediator_route(registry: Registry, igretec: Any) -> None:
    result = filing.record_refusal(registry, igretec, CITIZEN, "too_old", "Médiateur de la Wallonie",
                                   channel="webchat", intake_key=None, now=FRIDAY)
    assert result is not None
    found = lookup_status(registry, result["reference"], CITIZEN["phone"], key="k", now=FRIDAY)
    assert found["status"] == "inadmissible" and found["mediator"] == "Médiateur de la Wallonie"


# ------------------------------------------------------------------------------------ staff


def test_staff_accounts_tokens_and_passwords(registry: Registry) -> None:
    user = staff.add_staff(registry, "Agent@Org.be", "agent", "s3cret-pass")
    assert user["email"] == "agent@org.be" and user["created"] is True
    token = staff.issue_token(registry, "agent@org.be")
    assert staff.authenticate_token(registry, token) == {"email": "agent@org.be", "role": "agent", "can_answer": False}
    assert staff.authenticate_token(registry, token + "x") is None
    with registry.unit_of_work(read_only=True) as uow:  # only the hash is stored
        from bot.storage.models import ApiTokenRow, StaffUserRow

        assert uow.session.scalar(select(ApiTokenRow.token_hash)) != token
        assert uow.session.scalar(select(StaffUserRow.password_hash)).startswith("$scrypt$")
    assert staff.authenticate_password(registry, "agent@org.be", "s3cret-pass")["role"] == "agent"
    assert staff.authenticate_password(registry, "agent@org.be", "wrong") is None
    assert staff.authenticate_password(registry, "nobody@org.be", "s3cret-pass") is None
    assert staff.add_staff(registry, "agent@org.be", "manager")["created"] is False
    assert staff.authenticate_token(registry, token)["role"] == "manager"
    staff.revoke_tokens(registry, "agent@org.be")
    assert staff.authenticate_token(registry, token) is None
    with pytest.raises(InvalidInput):
        staff.add_staff(registry, "x@org.be", "boss")
    with pytest.raises(NotFound):
        staff.issue_token(registry, "ghost@org.be")


def test_transition_legal_illegal_and_history_with_actor(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    t = FRIDAY + timedelta(days=2)
    rec = staff.transition(registry, ref, "acknowledged", actor="agent@org.be", role="agent", now=t)
    assert rec["status"] == "acknowledged" and rec["acknowledged_at"] == t.astimezone(UTC).isoformat()
    with pytest.raises(IllegalTransition):
        staff.transition(registry, ref, "closed", actor="agent@org.be", role="agent", now=t)
    with pytest.raises(InvalidInput):
        staff.transition(registry, ref, "answered", actor="agent@org.be", role="agent", now=t, answer_text="Bonjour")
    rec = staff.transition(registry, ref, "in_progress", actor="agent@org.be", role="agent", now=t)
    rec = staff.transition(registry, ref, "answered", actor="agent@org.be", role="agent", now=t,
                           answer_text="Votre dossier a été accepté.", outcome="upheld")
    assert rec["answered_by"] == "agent@org.be" and rec["outcome"] == "upheld" and rec["mediator"] is None
    rec = staff.transition(registry, ref, "closed", actor="agent@org.be", role="agent", now=t)
    assert rec["closed_at"] == t.astimezone(UTC).isoformat()
    statuses = [(h["before"], h["after"], h["actor"]) for h in rec["history"] if h["action"] == "status"]
    assert statuses == [
        ("received", "acknowledged", "agent@org.be"),
        ("acknowledged", "in_progress", "agent@org.be"),
        ("in_progress", "answered", "agent@org.be"),
        ("answered", "closed", "agent@org.be"),
    ]
    assert {"answer_text", "outcome", "answered_by"} <= {h["field"] for h in rec["history"] if h["action"] == "update"}
    # reopening a closed file is for a manager
    with pytest.raises(Forbidden):
        staff.transition(registry, ref, "in_progress", actor="agent@org.be", role="agent", now=t)
    rec = staff.transition(registry, ref, "in_progress", actor="boss@org.be", role="manager", now=t, note="faits nouveaux")
    assert rec["status"] == "in_progress" and rec["closed_at"] is None
    assert rec["history"][-2]["note"] == "faits nouveaux" and rec["history"][-2]["actor"] == "boss@org.be"
    assert _count(registry, ComplaintEventRow) == len(rec["history"])


def test_transition_inadmissible_sets_decision_and_route_manager_reopens(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    with pytest.raises(InvalidInput):
        staff.transition(registry, ref, "inadmissible", actor="a@org.be", role="agent", now=FRIDAY)
    rec = staff.transition(registry, ref, "inadmissible", actor="a@org.be", role="agent", now=FRIDAY,
                           reason_code="too_vague")
    assert rec["decision"] == "too_vague"
    assert rec["mediator"] and "Médiateur de la Wallonie" in rec["mediator"]
    with pytest.raises(Forbidden):
        staff.transition(registry, ref, "in_progress", actor="a@org.be", role="agent", now=FRIDAY)
    rec = staff.transition(registry, ref, "in_progress", actor="m@org.be", role="admin", now=FRIDAY)
    assert rec["status"] == "in_progress" and rec["decision"] == "admissible"


def test_transition_rejected_answer_records_mediator_route(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    rec = staff.transition(registry, ref, "answered", actor="a@org.be", role="agent", now=FRIDAY,
                           answer_text="Nous ne pouvons pas donner suite.", outcome="rejected")
    assert rec["mediator"] and "Médiateur" in rec["mediator"]
    found = lookup_status(registry, ref, CITIZEN["email"], key="z", now=FRIDAY)
    assert found["outcome"] == "rejected" and found["mediator"] == rec["mediator"]


def test_transition_unknown_reference_not_found(registry: Registry) -> None:
    with pytest.raises(NotFound):
        staff.transition(registry, "IGR-2026-000404", "acknowledged", actor="a", role="agent", now=FRIDAY)
    with pytest.raises(NotFound):
        staff.get_complaint(registry, "IGR-2026-000404")


@pytest.mark.parametrize(
    ("policy_id", "ack_due", "answer_due"),
    [
        ("igretec", "2026-12-31", "2027-02-11"),
        ("spf-securite-sociale", "2026-12-24", "2027-01-17"),
        ("notice-reclamation", "2027-01-11", "2027-02-02"),
        ("solidaris-brabant", None, "2027-02-01"),
    ],
)
def test_register_complaint_by_post_deadlines_from_real_receipt(
    registry: Registry, policy_id: str, ack_due: str | None, answer_due: str
) -> None:
    policy = load_policy(policy_id)
    received = datetime(2026, 12, 18, 10, 0, tzinfo=ZoneInfo(policy.timezone))
    rec = staff.register_complaint(registry, policy, CITIZEN, received_at=received, channel="post",
                                   actor="agent@org.be", now=received + timedelta(days=3))
    assert rec["status"] == "received" and rec["channel"] == "post"
    assert (rec["ack_due"], rec["answer_due"]) == (ack_due, answer_due)
    assert rec["reference"] == f"{policy.reference_prefix}-2026-000001"
    assert rec["history"][0]["action"] == "registered" and rec["history"][0]["actor"] == "agent@org.be"


def test_plan_gestion_prepared_then_confirmed_at_counter(registry: Registry) -> None:
    policy = load_policy("plan-gestion")
    prepared = _file(registry, policy, key="pg-1:submit", now=FRIDAY - timedelta(days=2))
    assert prepared["status"] == "prepared" and prepared["reference"] == "PLA-2026-000001"
    assert (prepared["received_at"], prepared["ack_due"], prepared["answer_due"]) == (None, None, None)
    counter = datetime(2026, 12, 18, 10, 0, tzinfo=ZoneInfo(policy.timezone))
    rec = staff.transition(registry, prepared["reference"], "received", actor="guichet@org.fr", role="agent",
                           now=counter)
    assert rec["status"] == "received"
    assert rec["received_at"] == counter.astimezone(UTC).isoformat()
    assert (rec["ack_due"], rec["answer_due"]) == ("2026-12-28", "2027-02-18")


def test_add_update_history_and_outbox(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    out = staff.add_update(registry, ref, "Votre dossier est à l'examen ; réponse retardée.", actor="a@org.be",
                           now=FRIDAY + timedelta(days=20))
    assert out["notified"] is True
    rec = staff.get_complaint(registry, ref)
    assert rec["updates"][0]["text"].startswith("Votre dossier") and rec["updates"][0]["by"] == "a@org.be"
    assert rec["history"][-1]["action"] == "progress_update"
    assert _count(registry, OutboxRow, OutboxRow.to == CITIZEN["email"]) == 1


def test_update_complaint_and_register_entries_recorded(registry: Registry) -> None:
    policy = load_policy("plan-gestion")
    ref = _file(registry, policy, key="pg-2")["reference"]
    rec = staff.update_complaint(registry, ref, {"subject": "Facture erronée", "service_concerned": "Contrat 12"},
                                 actor="guichet@org.fr", now=FRIDAY)
    assert (rec["subject"], rec["service_concerned"]) == ("Facture erronée", "Contrat 12")
    rec = staff.add_register_entry(registry, ref, "dysfunctions", "Relevé de compteur mal saisi",
                                   actor="m@org.fr", now=FRIDAY)
    rec = staff.add_register_entry(registry, ref, "corrective_actions", "Double contrôle des relevés",
                                   actor="m@org.fr", now=FRIDAY)
    assert rec["dysfunctions"] == ["Relevé de compteur mal saisi"]
    assert rec["corrective_actions"] == ["Double contrôle des relevés"]
    changed = [(h["field"], h["before"], h["after"], h["actor"]) for h in rec["history"] if h["action"] == "update"]
    assert ("subject", None, "Facture erronée", "guichet@org.fr") in changed
    assert ("dysfunctions", [], ["Relevé de compteur mal saisi"], "m@org.fr") in changed
    with pytest.raises(InvalidInput):
        staff.update_complaint(registry, ref, {"status": "closed"}, actor="x", now=FRIDAY)


def test_list_complaints_filters_overdue_and_search(registry: Registry, igretec: Any) -> None:
    a = _file(registry, igretec, key="l-1")["reference"]
    b = _file(registry, igretec, key="l-2", last_name="Martin", facts_description="Facture d'eau erronée")["reference"]
    staff.transition(registry, b, "acknowledged", actor="a", role="agent", now=FRIDAY)
    staff.assign(registry, b, "agent@org.be", actor="m", now=FRIDAY)
    today = date(2027, 1, 5)  # a's acknowledgement (31 Dec) is late; b is acknowledged
    assert staff.list_complaints(registry, today=today)["total"] == 2
    late = staff.list_complaints(registry, overdue=True, today=today)
    assert [i["reference"] for i in late["items"]] == [a] and late["items"][0]["overdue"] is True
    assert [i["reference"] for i in staff.list_complaints(registry, overdue=False, today=today)["items"]] == [b]
    assert staff.list_complaints(registry, q="martin", today=today)["items"][0]["reference"] == b
    assert staff.list_complaints(registry, status="acknowledged", today=today)["total"] == 1
    assert staff.list_complaints(registry, assigned_to="agent@org.be", today=today)["total"] == 1
    assert staff.list_complaints(registry, due_within_days=40, today=today)["total"] == 2
    assert staff.list_complaints(registry, due_within_days=10, today=today)["total"] == 0
    page = staff.list_complaints(registry, limit=1, offset=1, today=today)
    assert page["total"] == 2 and [i["reference"] for i in page["items"]] == [a]


# ------------------------------------------------------------------------------------ duplicates


def test_find_duplicate_same_person_same_object_already_handled(registry: Registry, igretec: Any) -> None:
    ref = _file(registry, igretec)["reference"]
    later = FRIDAY + timedelta(days=60)
    data = {**CITIZEN, "facts_description": "Au guichet de Charleroi, le 3 novembre, on a refusé de prendre "
                                            "mon dossier de prime à la rénovation, sans explication."}
    assert check_duplicate(registry, "igretec", data, later) is None  # not handled yet
    staff.transition(registry, ref, "answered", actor="a", role="agent", now=FRIDAY + timedelta(days=10),
                     answer_text="Réponse.", outcome="upheld")
    assert check_duplicate(registry, "igretec", data, later) == ref
    # same person by name only (accents and case folded)
    with registry.unit_of_work(read_only=True) as uow:
        assert find_duplicate(uow.session, "igretec", None, "DUPONT", "marie", data["facts_description"], later) == ref
        # new facts: a different object
        assert find_duplicate(uow.session, "igretec", CITIZEN["email"], None, None,
                              "Ma facture d'eau de décembre est deux fois trop élevée.", later) is None
        # someone else
        assert find_duplicate(uow.session, "igretec", "autre@exemple.be", "Durand", "Paul",
                              data["facts_description"], later) is None
        # another preset's registry
        assert find_duplicate(uow.session, "spf-securite-sociale", CITIZEN["email"], None, None,
                              data["facts_description"], later) is None


# ------------------------------------------------------------------------------------ retention


def test_apply_retention_dry_run_then_real(registry: Registry, tmp_path: Path) -> None:
    notice = load_policy("notice-reclamation")
    assert notice.retention.years == 5
    stored = tmp_path / "doc.pdf"
    stored.write_bytes(b"%PDF")
    doc = record_attachment(registry, conversation_id="c", filename="doc.pdf", media_type="application/pdf",
                            size=4, sha256="cd" * 32, stored_path=str(stored), now=FRIDAY)
    old = _file(registry, notice, key="r-1", attachments=[doc["id"]])["reference"]
    recent = _file(registry, notice, key="r-2")["reference"]
    for ref, closed_on in ((old, FRIDAY + timedelta(days=20)), (recent, FRIDAY + timedelta(days=400))):
        staff.transition(registry, ref, "answered", actor="a", role="agent", now=closed_on,
                         answer_text="Réponse à Mme Dupont.", outcome="upheld")
        staff.transition(registry, ref, "closed", actor="a", role="agent", now=closed_on)
    policies = {"notice-reclamation": notice, "igretec": load_policy("igretec")}
    now = FRIDAY + timedelta(days=20 + 5 * 366)

    assert apply_retention(registry, policies, now=now, dry_run=True) == [old]
    assert staff.get_complaint(registry, old)["last_name"] == "Dupont" and stored.exists()

    assert apply_retention(registry, policies, now=now, dry_run=False) == [old]
    rec = staff.get_complaint(registry, old)
    assert rec["anonymised_at"] == now.astimezone(UTC).isoformat()
    for name in ("last_name", "first_name", "address", "email", "phone", "facts_description", "answer_text"):
        assert rec[name] is None, name
    # statistics stay
    assert (rec["policy"], rec["status"], rec["outcome"], rec["channel"]) == ("notice-reclamation", "closed",
                                                                               "upheld", "webchat")
    assert rec["received_at"] and rec["closed_at"] and rec["answer_due"]
    assert rec["attachments"] == [] and not stored.exists()
    assert "Dupont" not in str(rec["history"])
    assert staff.get_complaint(registry, recent)["last_name"] == "Dupont"
    assert apply_retention(registry, policies, now=now, dry_run=False) == []  # done once
    with pytest.raises(Exception, match="anonymisé"):
        staff.add_update(registry, old, "Bonjour", actor="a", now=now)


def test_filing_a_duplicate_of_a_handled_complaint_flags_it_for_staff(registry: Registry, igretec: Any) -> None:
    data = {**CITIZEN, "facts_description": "Au guichet de Charleroi, le 3 novembre, on a refusé de prendre "
                                            "mon dossier de prime à la rénovation, sans explication."}
    first = filing.file_complaint(registry, igretec, data, channel="webchat", intake_key="dup-1", now=FRIDAY)
    staff.transition(registry, first["reference"], "answered", actor="a", role="agent",
                     now=FRIDAY + timedelta(days=10), answer_text="Réponse.", outcome="upheld")
    again = filing.file_complaint(registry, igretec, data, channel="webchat", intake_key="dup-2",
                           now=FRIDAY + timedelta(days=60))
    assert again["suggested_reason_code"] == "duplicate"
    record = staff.get_complaint(registry, again["reference"])
    assert record["suggested_reason_code"] == "duplicate"
    assert record["extra"]["duplicate_of"] == first["reference"]
    other = filing.file_complaint(registry, load_policy("spf-securite-sociale"), data, channel="webchat",
                           intake_key="dup-3", now=FRIDAY + timedelta(days=60))
    assert other["suggested_reason_code"] is None  # only IGRETEC has the duplicate ground
