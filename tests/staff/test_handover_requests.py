""""Parler à quelqu'un": the staff notice carries a request number, not the conversation id (a
phone number on WhatsApp); the dashboard's "Demandes de contact" page shows the conversation and
closes the request; the requests go with their conversation (retention, erasure, "annuler")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.policies import load_policy
from bot.services import privacy
from bot.services.notifications import handover_overview, request_handover
from bot.services.retention import purge_conversation_data
from bot.services.uow import Registry
from tests.sample_data import FRIDAY
from tests.staff.conftest import StaffWeb

WA = "wa-32475123456"


@pytest.fixture
def registry(migrated_db_url: str, tmp_path) -> Iterator[Registry]:  # type: ignore[no-untyped-def]
    reg = Registry.from_url(migrated_db_url)
    reg.settings = replace(Settings(), var_dir=tmp_path, public_base_url="https://reclamations.org.be")
    yield reg
    reg.dispose()


def _outbox(registry: Registry) -> list[dict[str, object]]:
    from sqlalchemy import select

    from bot.storage.models import OutboxRow

    with registry.unit_of_work(read_only=True) as uow:
        return [{"subject": r.subject, "body": r.body} for r in uow.session.scalars(select(OutboxRow))]


def test_the_staff_notice_names_the_request_not_the_phone_number(registry: Registry) -> None:
    assert request_handover(registry, load_policy("igretec"), conversation=WA, channel="whatsapp",
                            staff_email="equipe@org.be", now=FRIDAY) == 1
    [mail] = _outbox(registry)
    number = handover_overview(registry)["items"][0]["id"]
    assert f"n° {number}" in str(mail["subject"]) and "https://reclamations.org.be/staff/handovers" in str(mail["body"])
    assert "32475123456" not in str(mail["body"]) + str(mail["subject"])  # it said "Conversation : wa-3247…"
    overview = handover_overview(registry)
    assert overview["open"] == 1 and overview["items"][0]["conversation"] == WA
    assert overview["items"][0]["channel_label"] == "WhatsApp"


def test_requests_go_with_their_conversation(registry: Registry) -> None:
    policy = load_policy("igretec")
    for sender, when in ((WA, FRIDAY), ("tg-42", FRIDAY + timedelta(days=6)), ("web-abcdefghijklmnopq", FRIDAY)):
        request_handover(registry, policy, conversation=sender, channel="webchat", staff_email=None, now=when)
    purged = purge_conversation_data(registry, registry.settings, now=FRIDAY + timedelta(days=8))  # type: ignore[arg-type]
    assert purged["handover_requests"] == 2  # older than CONVERSATION_RETENTION_DAYS (7)
    assert [i["conversation"] for i in handover_overview(registry)["items"]] == ["tg-42"]
    privacy.forget_conversation(registry, "tg-42", now=FRIDAY + timedelta(days=8))  # "annuler"
    assert handover_overview(registry)["items"] == []


def test_an_agent_sees_the_requests_and_takes_one_in_hand(web: StaffWeb) -> None:
    request_handover(web.registry, load_policy("igretec"), conversation=WA, channel="whatsapp",
                     staff_email=None, now=FRIDAY)
    assert web.client.get("/staff/handovers", follow_redirects=False).status_code == 303  # login first
    csrf = web.login(page="/staff/handovers")
    page = web.client.get("/staff/handovers").text
    assert WA in page and "WhatsApp" in page and "Ouvertes : <strong>1</strong>" in page
    number = handover_overview(web.registry)["items"][0]["id"]
    assert web.client.post("/staff/handovers", data={"id": str(number)}, follow_redirects=False).status_code == 403
    assert handover_overview(web.registry)["open"] == 1  # no CSRF token: refused
    done = web.client.post("/staff/handovers", data={"id": str(number), "csrf": csrf})
    assert f"Demande n° {number} prise en charge." in done.text
    assert "prise en charge par agent@org.be" in done.text and handover_overview(web.registry)["open"] == 0
    again = web.client.post("/staff/handovers", data={"id": str(number), "csrf": csrf})
    assert "déjà prise en charge" in again.text
