"""E-mails through a real SMTP server on loopback (aiosmtpd): the acknowledgement, the answer
with its mediator route, the notices to staff, the outbox across an SMTP outage, and the
web service's own worker. The lifecycle runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import Message

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.policies import load_policy
from bot.services import filing
from bot.services.notifications import queue_staff_notices
from bot.services.outbox import MAX_ATTEMPTS, flush_outbox
from bot.staff.worker import run_once
from bot.storage.models import OutboxRow
from tests.staff.conftest import CITIZEN, FRIDAY, STAFF_INBOX, SmtpServer, StaffWeb, body, free_port


def _flush(web: StaffWeb) -> dict:
    return run_once(web.registry, web.settings, web.clock[0])


def _one(messages: list[Message], words: str) -> Message:
    found = [m for m in messages if words in m["Subject"]]
    assert len(found) == 1, [m["Subject"] for m in messages]
    return found[0]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_full_lifecycle_to_closed_sends_real_emails(
    database: str, request: pytest.FixtureRequest, web_factory: Callable[..., StaffWeb], smtp: SmtpServer
) -> None:
    db_url = request.getfixturevalue("sqlite_url" if database == "sqlite" else "postgres_url")
    web = web_factory(db_url, smtp_port=smtp.port)
    # filed in the chat, then seen by staff on the dashboard's API
    filed = filing.file_complaint(web.registry, load_policy("igretec"), CITIZEN, channel="webchat",
                                  intake_key="conv-1:submit", now=FRIDAY)
    ref = filed["reference"]
    listed = web.client.get("/api/v1/complaints?status=received", headers=web.auth("agent")).json()
    assert [i["reference"] for i in listed["items"]] == [ref]
    assert _flush(web)["notices"] == {"new_complaints": 1, "deadlines": 0}

    web.set_now(FRIDAY + timedelta(days=1))
    web.move(ref, "acknowledged", role="agent")
    web.move(ref, "in_progress", role="agent")
    web.client.post(f"/api/v1/complaints/{ref}/updates", json={"text": "Le service Primes examine votre dossier."},
                    headers=web.auth("agent"))
    web.set_now(FRIDAY + timedelta(days=20))
    web.move(ref, "answered", role="agent", outcome="rejected",
             answer_text="Votre demande de prime ne remplit pas les conditions du règlement.")
    web.move(ref, "closed", role="agent")
    result = _flush(web)
    assert result["outbox"]["error"] is None

    messages = smtp.inbox.wait_for(4)
    staff_notice = _one(smtp.inbox.to(STAFF_INBOX), "Nouvelle réclamation")
    assert ref in staff_notice["Subject"] and "Dupont" not in body(staff_notice)  # no personal data to staff
    assert f"https://reclamations.org.be/staff/complaints/{ref}" in body(staff_notice)
    citizen = smtp.inbox.to(CITIZEN["email"])
    assert len(citizen) == 3 and len(messages) == 4
    ack = _one(citizen, "Accusé de réception")
    text = body(ack)
    assert ref in ack["Subject"] and ref in text
    assert "18 décembre 2026" in text and "11 février 2027" in text  # received, answer due
    assert "Cellule Réclamation" in text and "service concerné" in text  # the preset's after_filing
    assert ack["From"] == "reclamations@org.be" and ack["Message-ID"].startswith("<outbox-")
    update = _one(citizen, "Suivi")
    assert "Le service Primes examine votre dossier." in body(update)
    answer = _one(citizen, "Réponse à votre réclamation")
    text = body(answer)
    assert "ne remplit pas les conditions" in text and "non fondée" in text
    assert "Médiateur de la Wallonie" in text and "courrier@le-mediateur.be" in text

    record = web.client.get(f"/api/v1/complaints/{ref}", headers=web.auth("agent")).json()
    assert record["status"] == "closed"
    statuses = [(e["before"], e["after"], e["actor"]) for e in record["history"] if e["action"] == "status"]
    assert statuses == [("received", "acknowledged", "agent@org.be"), ("acknowledged", "in_progress", "agent@org.be"),
                        ("in_progress", "answered", "agent@org.be"), ("answered", "closed", "agent@org.be")]
    assert [e["note"] for e in record["history"] if e["action"] == "email_queued"] == [
        "E-mail au plaignant : accusé de réception.", "E-mail au plaignant : réponse."]
    assert _flush(web)["outbox"]["sent"] == 0  # each once
    assert len(smtp.inbox.messages) == 4


def test_upheld_answer_has_no_mediator_and_solidaris_ack_repeats_decision_notice(
    web_factory: Callable[..., StaffWeb], smtp: SmtpServer
) -> None:
    web = web_factory(policy="solidaris-brabant", smtp_port=smtp.port, staff_email=None)
    ref = web.register(facts_description="La mutualité a refusé le remboursement de mes soins par une "
                                         "décision du 3 novembre sans explication.")["reference"]
    web.move(ref, "acknowledged")
    web.move(ref, "answered", answer_text="Le remboursement sera effectué.", outcome="upheld")
    _flush(web)
    ack = _one(smtp.inbox.wait_for(2), "Accusé de réception")
    text = body(ack)
    assert "ne suspend pas les délais de recours" in text  # decision_notice
    assert "dans les plus brefs délais" in text and "1er février 2027" in text
    answer = _one(smtp.inbox.messages, "Réponse")
    assert "Le remboursement sera effectué." in body(answer) and "recours" not in body(answer)


def test_inadmissible_email_gives_reason_and_route(web: StaffWeb, smtp: SmtpServer) -> None:
    ref = web.register()["reference"]
    web.move(ref, "inadmissible", reason_code="too_old")
    _flush(web)
    refusal = _one(smtp.inbox.wait_for(2), f"Votre réclamation {ref}")
    assert "Médiateur de la Wallonie" in body(refusal)


def test_deadline_notice_to_staff_once_within_two_working_days(web: StaffWeb, smtp: SmtpServer) -> None:
    ref = web.register()["reference"]  # acknowledgement due Thursday 31 December 2026
    web.client.put(f"/api/v1/complaints/{ref}/assignment", json={"assignee": "agent@org.be"}, headers=web.auth())
    registry = web.registry
    assert queue_staff_notices(registry, staff_email=STAFF_INBOX, now=FRIDAY)["new_complaints"] == 1
    # Monday 28 December: three working days left (29, 30, 31): not yet
    monday = datetime(2026, 12, 28, 8, 0, tzinfo=UTC)
    assert queue_staff_notices(registry, staff_email=STAFF_INBOX, now=monday)["deadlines"] == 0
    tuesday = monday + timedelta(days=1)
    assert queue_staff_notices(registry, staff_email=STAFF_INBOX, now=tuesday)["deadlines"] == 1
    assert queue_staff_notices(registry, staff_email=STAFF_INBOX, now=tuesday + timedelta(hours=3))["deadlines"] == 0
    flush_outbox(registry, smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="r@org.be", now=tuesday)
    notices = [m for m in smtp.inbox.wait_for(3) if "Échéance" in m["Subject"]]
    assert sorted(m["To"] for m in notices) == ["agent@org.be", STAFF_INBOX]
    assert "l'accusé de réception" in notices[0]["Subject"] and "31 décembre 2026" in body(notices[0])
    record = web.client.get(f"/api/v1/complaints/{ref}", headers=web.auth()).json()
    assert [(e["action"], e["field"], e["after"]) for e in record["history"] if e["action"] == "deadline_notice"] == [
        ("deadline_notice", "ack_due", "2026-12-31")]


def test_outbox_smtp_outage_keeps_emails_then_sends_each_once(web_factory: Callable[..., StaffWeb]) -> None:
    port = free_port()  # nothing listens yet: the SMTP server is down
    web = web_factory(smtp_port=port)
    ref = web.register()["reference"]
    web.move(ref, "acknowledged")
    for _ in range(MAX_ATTEMPTS + 2):  # an outage never uses up the attempts
        down = _flush(web)["outbox"]
        assert down["sent"] == 0 and down["waiting"] == 2 and "injoignable" in down["error"]
    with web.registry.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(select(OutboxRow)).all()
        assert len(rows) == 2 and all(r.sent_at is None and r.attempts == 0 for r in rows)
        assert all("injoignable" in (r.last_error or "") for r in rows)

    server = SmtpServer(port)
    server.start()
    try:
        back = _flush(web)["outbox"]
        assert (back["sent"], back["waiting"], back["error"]) == (2, 0, None)
        assert _flush(web)["outbox"]["sent"] == 0
        messages = server.inbox.wait_for(2)
        assert sorted(m["Subject"].split(" ")[0] for m in messages) == ["Accusé", "Nouvelle"]
        assert len(messages) == 2
    finally:
        server.stop()
    with web.registry.unit_of_work(read_only=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.sent_at.is_(None))) == 0


def test_two_senders_at_once_send_each_email_once(web: StaffWeb, smtp: SmtpServer) -> None:
    for n in range(6):
        web.client.post(f"/api/v1/complaints/{web.register()['reference']}/updates",
                        json={"text": f"Message {n}"}, headers=web.auth())
    results: list[dict] = []

    def send() -> None:
        results.append(flush_outbox(web.registry, smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="r@org.be"))

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["sent"] for r in results) == 6
    time.sleep(0.2)
    sent = sorted(re.search(r"Message \d", body(m)).group(0) for m in smtp.inbox.messages)  # type: ignore[union-attr]
    assert sent == [f"Message {n}" for n in range(6)]


def test_web_service_worker_flushes_the_outbox_in_the_background(
    web_factory: Callable[..., StaffWeb], smtp: SmtpServer
) -> None:
    web = web_factory(smtp_port=smtp.port)
    web.app.state.outbox_interval = 0.2
    ref = web.register()["reference"]
    with TestClient(web.app) as client:  # runs the lifespan: on_start starts the worker
        client.post(f"/api/v1/complaints/{ref}/transitions", json={"to": "acknowledged"}, headers=web.auth())
        messages = smtp.inbox.wait_for(2, timeout=10)
    assert {m["To"] for m in messages} == {STAFF_INBOX, CITIZEN["email"]}
    assert web.app.state.outbox_task.done()  # on_stop cancelled it
