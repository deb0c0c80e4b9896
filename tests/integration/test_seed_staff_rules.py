"""Staff-side rules the seeds state, on a real database (SQLite and PostgreSQL): the plan's
answer comes from an authorised person, the notice's management can record "not a complaint",
and a preset never borrows another's grounds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.policies import load_policy
from bot.services import filing, staff
from bot.services.errors import Forbidden, InvalidInput
from bot.services.procedure import in_person_text
from bot.services.uow import Registry
from tests.sample_data import CITIZEN, FRIDAY

PLAN_CITIZEN = {**CITIZEN, "subject": "facture", "service_concerned": "contrat d'entretien"}


@pytest.fixture
def registry(migrated_db_url: str) -> Iterator[Registry]:
    reg = Registry.from_url(migrated_db_url)
    yield reg
    reg.dispose()


def _received_plan_complaint(registry: Registry) -> str:
    plan = load_policy("plan-gestion")
    filed = filing.file_complaint(registry, plan, PLAN_CITIZEN, channel="webchat", intake_key=None, now=FRIDAY)
    assert filed["status"] == "prepared"
    staff.transition(registry, filed["reference"], "received", actor="guichet@org.fr", role="agent",
                     now=FRIDAY + timedelta(days=1))
    return str(filed["reference"])


def _answer(registry: Registry, reference: str, role: str, **kw: Any) -> dict[str, Any]:
    return staff.transition(registry, reference, "answered", actor=f"{role}@org.fr", role=role,
                            now=FRIDAY + timedelta(days=3), answer_text="Votre facture est corrigée.",
                            outcome="upheld", **kw)


def test_plan_answer_refused_to_an_agent_without_the_right(registry: Registry) -> None:
    reference = _received_plan_complaint(registry)
    with pytest.raises(Forbidden, match="habilitée"):
        _answer(registry, reference, "agent")
    assert staff.get_complaint(registry, reference)["status"] == "received"


def test_plan_answer_by_a_manager(registry: Registry) -> None:
    reference = _received_plan_complaint(registry)
    record = _answer(registry, reference, "manager")
    assert record["status"] == "answered"
    assert record["answered_by"] == "manager@org.fr"


def test_plan_answer_by_an_agent_given_the_right(registry: Registry) -> None:
    staff.add_staff(registry, "agent@org.fr", "agent", "s3cret-pass", now=FRIDAY, can_answer=True)
    user = staff.authenticate_password(registry, "agent@org.fr", "s3cret-pass")
    assert user == {"email": "agent@org.fr", "role": "agent", "can_answer": True}
    reference = _received_plan_complaint(registry)
    assert _answer(registry, reference, "agent", may_answer=user["can_answer"])["status"] == "answered"
    # the right can be withdrawn, and an update without the option keeps it as it is
    assert staff.add_staff(registry, "agent@org.fr", "agent", now=FRIDAY)["can_answer"] is True
    assert staff.add_staff(registry, "agent@org.fr", "agent", now=FRIDAY, can_answer=False)["can_answer"] is False


def test_other_presets_let_any_agent_answer(registry: Registry) -> None:
    igretec = load_policy("igretec")
    filed = filing.file_complaint(registry, igretec, CITIZEN, channel="webchat", intake_key=None, now=FRIDAY)
    assert _answer(registry, filed["reference"], "agent")["status"] == "answered"


@pytest.mark.parametrize("code", ["service_request", "information_request", "advice_request"])
def test_notice_management_records_not_a_complaint(registry: Registry, code: str) -> None:
    notice = load_policy("notice-reclamation")
    assert code in staff.refusal_reasons(notice)
    filed = filing.file_complaint(registry, notice, CITIZEN, channel="webchat", intake_key=None, now=FRIDAY)
    record = staff.transition(registry, filed["reference"], "inadmissible", actor="direction@org.fr",
                              role="manager", now=FRIDAY + timedelta(days=1), reason_code=code)
    assert record["status"] == "inadmissible"
    assert record["decision"] == code
    assert "Grenoble" in (record["mediator"] or "")  # the notice's mediator route is given


def test_not_a_complaint_is_the_notice_rule_only(registry: Registry) -> None:
    igretec = load_policy("igretec")
    assert "service_request" not in staff.refusal_reasons(igretec)
    filed = filing.file_complaint(registry, igretec, CITIZEN, channel="webchat", intake_key=None, now=FRIDAY)
    with pytest.raises(InvalidInput, match="n'est pas prévu"):
        staff.transition(registry, filed["reference"], "inadmissible", actor="a@org.be", role="agent",
                         now=FRIDAY + timedelta(days=1), reason_code="service_request")


def test_plan_office_address_and_hours_shown_when_the_preset_fills_them() -> None:
    plan = load_policy("plan-gestion")
    assert plan.in_person is not None and plan.in_person.address is None  # the seed names none
    bare = in_person_text(plan)
    assert "présentez-vous" in bare and "adresse" not in bare
    filled = plan.model_copy(update={"in_person": plan.in_person.model_copy(
        update={"address": "Rue du Port 3, 13002 Marseille", "hours": "du lundi au vendredi, 9 h - 17 h"})})
    text = in_person_text(filled)
    assert "• adresse : Rue du Port 3, 13002 Marseille" in text
    assert "• heures d'ouverture : du lundi au vendredi, 9 h - 17 h" in text
