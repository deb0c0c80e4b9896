"""The dashboard says what each preset really provides: the route added to a rejecting answer
(or that the preset names none), the answer form only for those allowed to answer (the plan),
and "not a complaint" as a ground where the management judges it (the notice)."""

from __future__ import annotations

from collections.abc import Callable

from tests.staff.conftest import StaffWeb
from tests.staff.test_staff_dashboard import _login


def _page(web: StaffWeb, reference: str) -> str:
    page = web.client.get(f"/staff/complaints/{reference}")
    assert page.status_code == 200
    return page.text


def test_igretec_answer_form_names_the_mediator_route(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    _login(web)
    html = _page(web, ref)
    assert "cette voie de recours est ajoutée à la réponse" in html
    assert "Médiateur" in html
    assert "ne nomme aucune voie de recours" not in html


def test_plan_without_appeal_route_says_so_and_hides_answer_from_agent(
        web_factory: Callable[..., StaffWeb]) -> None:
    web = web_factory(policy="plan-gestion")
    ref = web.register()["reference"]  # registered at the counter by staff: received
    _login(web)  # an agent without the right to answer
    html = _page(web, ref)
    assert "réservé à une personne habilitée à répondre" in html
    assert 'name="answer_text"' not in html
    refused = web.client.post(f"/api/v1/complaints/{ref}/transitions", headers=web.auth("agent"),
                              json={"to": "answered", "answer_text": "Réponse.", "outcome": "upheld"})
    assert refused.status_code == 403 and "habilitée" in refused.text
    _login(web, "manager@org.be", "mot-de-passe-manager")
    html = _page(web, ref)
    assert 'name="answer_text"' in html
    assert "la procédure ne nomme aucune voie de recours" in html


def test_notice_offers_not_a_complaint_grounds(web_factory: Callable[..., StaffWeb]) -> None:
    web = web_factory(policy="notice-reclamation")
    ref = web.register()["reference"]
    _login(web)
    html = _page(web, ref)
    assert "Déclarer irrecevable" in html
    for code in ("service_request", "information_request", "advice_request"):
        assert f'value="{code}"' in html, code
