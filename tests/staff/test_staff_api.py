"""The staff API as an integrator calls it: bearer tokens, roles, registering complaints
received by post with their real deadlines, the lifecycle, exports, registry and analytics."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest

from bot.policies import load_policy
from bot.services import filing
from bot.services.attachments import record_attachment
from tests.staff.conftest import CITIZEN, FRIDAY, StaffWeb

RECEIVED = "2026-12-18T10:00:00+01:00"

# ---------------------------------------------------------------------------------- auth


def test_api_without_token_401_french_json(web: StaffWeb) -> None:
    for method, path in (("get", "/api/v1/complaints"), ("post", "/api/v1/complaints"),
                         ("get", "/api/v1/complaints/IGR-2026-000001/export.pdf")):
        response = getattr(web.client, method)(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert "Authentification requise" in response.json()["detail"]
    wrong = web.client.get("/api/v1/complaints", headers={"Authorization": "Bearer pas-un-jeton"})
    assert wrong.status_code == 401


def test_api_token_from_cli_style_account_lists_complaints(web: StaffWeb) -> None:
    response = web.client.get("/api/v1/complaints", headers=web.auth("agent"))
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert web.client.get("/api/v1/me", headers=web.auth("agent")).json() == {"email": "agent@org.be",
                                                                              "role": "agent", "can_answer": False}


def test_agent_cannot_reopen_manager_can_403(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    web.move(ref, "answered", role="agent", answer_text="Votre dossier est accepté.", outcome="upheld")
    web.move(ref, "closed", role="agent")
    refused = web.client.post(f"/api/v1/complaints/{ref}/transitions", json={"to": "in_progress"},
                              headers=web.auth("agent"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Seul un responsable peut rouvrir ce dossier."
    reopened = web.move(ref, "in_progress", role="manager")
    assert reopened["status"] == "in_progress" and reopened["closed_at"] is None
    assert reopened["history"][-1]["actor"] == "manager@org.be"


def test_manager_only_and_admin_only_endpoints_403_for_agent(web: StaffWeb) -> None:
    for method, path, body in (
        ("post", "/api/v1/persons/erasure", {"email": CITIZEN["email"]}),
        ("post", "/api/v1/persons/access", {"email": CITIZEN["email"]}),
        ("get", "/api/v1/outbox", None),
        ("get", "/api/v1/staff", None),
    ):
        response = web.client.request(method, path, json=body, headers=web.auth("agent"))
        assert response.status_code == 403, path
        assert "réservée" in response.json()["detail"]
    assert web.client.get("/api/v1/staff", headers=web.auth("manager")).status_code == 403
    assert web.client.get("/api/v1/staff", headers=web.auth("admin")).status_code == 200


def test_openapi_document_lists_the_contract_paths(web: StaffWeb) -> None:
    doc = web.client.get("/api/v1/openapi.json", headers=web.auth("agent")).json()
    for path in ("/api/v1/complaints", "/api/v1/complaints/{reference}",
                 "/api/v1/complaints/{reference}/transitions", "/api/v1/complaints/{reference}/updates",
                 "/api/v1/complaints/{reference}/export.pdf", "/api/v1/complaints/{reference}/export.json"):
        assert path in doc["paths"], path
    assert web.client.get("/api/v1/openapi.json").status_code == 200  # public: the description is not secret


# ---------------------------------------------------------------------------------- registering


@pytest.mark.parametrize(
    ("policy_id", "channel", "ack_due", "answer_due"),
    [
        ("igretec", "post", "2026-12-31", "2027-02-11"),
        ("spf-securite-sociale", "post", "2026-12-24", "2027-01-17"),
        ("notice-reclamation", "post", "2027-01-11", "2027-02-02"),
        ("solidaris-brabant", "post", None, "2027-02-01"),
        ("plan-gestion", "counter", "2026-12-28", "2027-02-18"),
    ],
)
def test_register_by_post_each_preset_gets_working_day_deadlines(
    web: StaffWeb, policy_id: str, channel: str, ack_due: str | None, answer_due: str
) -> None:
    web.set_now(FRIDAY + timedelta(days=4))
    created = web.client.post("/api/v1/complaints", headers=web.auth("agent"), json={
        **CITIZEN, "policy": policy_id, "channel": channel, "received_at": RECEIVED})
    assert created.status_code == 201, created.text
    reference = created.json()["reference"]
    assert reference.startswith(load_policy(policy_id).reference_prefix + "-2026-")
    record = web.client.get(f"/api/v1/complaints/{reference}", headers=web.auth("agent")).json()
    assert (record["ack_due"], record["answer_due"]) == (ack_due, answer_due)
    assert record["status"] == "received" and record["channel"] == channel
    assert record["received_at"] == "2026-12-18T09:00:00+00:00"
    assert record["history"][0]["action"] == "registered" and record["history"][0]["actor"] == "agent@org.be"
    assert record["deadlines"]["answer"]["state"] == "pending"


def test_register_with_the_real_clock_receipt_date_ahead_is_accepted_and_noted(web: StaffWeb) -> None:
    web.app.state.clock = None  # as the contract check runs it: the machine's own time
    for policy_id, channel, dues in (("igretec", "post", ("2026-12-31", "2027-02-11")),
                                     ("plan-gestion", "counter", ("2026-12-28", "2027-02-18"))):
        created = web.client.post("/api/v1/complaints", headers=web.auth(), json={
            **CITIZEN, "policy": policy_id, "channel": channel, "received_at": "2026-12-18T10:00+01:00"})
        assert created.status_code == 201, created.text
        record = web.client.get(f"/api/v1/complaints/{created.json()['reference']}", headers=web.auth()).json()
        assert (record["ack_due"], record["answer_due"]) == dues
        ahead = datetime(2026, 12, 18, 9, 0, tzinfo=UTC) > datetime.now(UTC)
        assert ("postérieure" in record["history"][0]["note"]) is ahead


def test_register_service_preset_by_default_and_phone_normalised(web: StaffWeb) -> None:
    record = web.register(phone="0475 12 34 56", email="Marie.Dupont@Exemple.BE")
    assert record["policy"] == "igretec" and record["reference"] == "IGR-2026-000001"
    assert record["phone"] == "+32475123456" and record["email"] == "Marie.Dupont@exemple.be"


def test_register_invalid_input_422_with_french_detail(web: StaffWeb) -> None:
    cases = [
        ({"received_at": "2026-12-18T10:00:00"}, "fuseau horaire"),
        ({"channel": "telegram"}, "valeur non permise"),
        ({"email": "pas-une-adresse"}, "e-mail"),
        ({"policy": "inconnu"}, "Préréglage inconnu"),
        ({"received_at": "2099-01-01T10:00:00+01:00"}, "futur"),
    ]
    for change, words in cases:
        response = web.client.post("/api/v1/complaints", headers=web.auth(),
                                   json={**CITIZEN, "channel": "post", "received_at": RECEIVED, **change})
        assert response.status_code == 422, change
        assert words in response.json()["detail"], response.json()


def test_unknown_reference_404_illegal_transition_409_foreign_reason_422(web: StaffWeb) -> None:
    missing = web.client.get("/api/v1/complaints/IGR-2026-999999", headers=web.auth())
    assert missing.status_code == 404 and "Aucun dossier" in missing.json()["detail"]
    ref = web.register()["reference"]
    illegal = web.client.post(f"/api/v1/complaints/{ref}/transitions", json={"to": "closed"}, headers=web.auth())
    assert illegal.status_code == 409 and "Passage impossible" in illegal.json()["detail"]
    foreign = web.client.post(f"/api/v1/complaints/{ref}/transitions", headers=web.auth(),
                              json={"to": "inadmissible", "reason_code": "appeal_procedure"})  # an SPF rule
    assert foreign.status_code == 422 and "n'est pas prévu" in foreign.json()["detail"]
    incomplete = web.client.post(f"/api/v1/complaints/{ref}/transitions", headers=web.auth(),
                                 json={"to": "answered", "answer_text": "Réponse."})
    assert incomplete.status_code == 422 and "outcome" in incomplete.json()["detail"]


# ---------------------------------------------------------------------------------- list


def test_list_limit_1000_items_carry_contract_fields(web: StaffWeb) -> None:
    policy = load_policy("igretec")
    for n in range(3):
        filing.file_complaint(web.registry, policy, {**CITIZEN, "email": f"p{n}@exemple.be"}, channel="webchat",
                              intake_key=f"k{n}", now=FRIDAY)
    response = web.client.get("/api/v1/complaints?limit=1000", headers=web.auth())
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 3 and len(page["items"]) == 3
    contract = ("reference", "policy", "channel", "status", "last_name", "first_name", "address", "email", "phone",
                "acting_for", "file_reference", "facts_description", "facts_date", "facts_place",
                "persons_contacted", "attachments", "objective", "consent", "prior_contact", "initiative_taken",
                "subject", "service_concerned", "other_parties", "persons_targeted", "received_at", "ack_due",
                "answer_due", "acknowledged_at", "answered_at", "closed_at", "decision", "suggested_reason_code",
                "mediator", "answer_text", "answered_by", "outcome", "updates", "dysfunctions",
                "corrective_actions")
    for item in page["items"]:
        assert set(contract) <= set(item), set(contract) - set(item)
    assert {i["email"] for i in page["items"]} == {"p0@exemple.be", "p1@exemple.be", "p2@exemple.be"}
    assert web.client.get("/api/v1/complaints?limit=1001", headers=web.auth()).status_code == 422


def test_list_filters_status_overdue_search_assigned(web: StaffWeb) -> None:
    a = web.register()["reference"]
    b = web.register(last_name="Martin", email="martin@exemple.be")["reference"]
    web.move(b, "acknowledged")
    assign = web.client.put(f"/api/v1/complaints/{b}/assignment", json={"assignee": "agent@org.be"},
                            headers=web.auth())
    assert assign.status_code == 200 and assign.json()["assigned_to"] == "agent@org.be"
    web.set_now(datetime(2027, 1, 5, 9, 0, tzinfo=UTC))  # a's acknowledgement (31 Dec) is late

    def refs(query: str, role: str = "manager") -> list[str]:
        response = web.client.get(f"/api/v1/complaints?{query}", headers=web.auth(role))
        assert response.status_code == 200, response.text
        return [i["reference"] for i in response.json()["items"]]

    assert refs("overdue=true") == [a]
    assert refs("status=acknowledged") == [b]
    assert refs("status=received,acknowledged") == [b, a]
    assert refs("q=martin") == [b]
    assert refs("assigned_to=me", role="agent") == [b]
    late = web.client.get(f"/api/v1/complaints/{a}", headers=web.auth()).json()["deadlines"]
    assert late["ack"]["state"] == "overdue" and late["ack"]["days_left"] == -5
    unknown = web.client.put(f"/api/v1/complaints/{b}/assignment", json={"assignee": "x@y.be"}, headers=web.auth())
    assert unknown.status_code == 422


# ---------------------------------------------------------------------------------- the file


def test_notes_updates_register_entries_in_history_with_who_and_when(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    web.set_now(FRIDAY + timedelta(days=1))
    h = web.auth("agent")
    assert web.client.post(f"/api/v1/complaints/{ref}/notes", json={"text": "Appeler le guichet."},
                           headers=h).status_code == 201
    assert web.client.post(f"/api/v1/complaints/{ref}/updates", json={"text": "Nous examinons votre dossier."},
                           headers=h).status_code == 201
    assert web.client.post(f"/api/v1/complaints/{ref}/dysfunctions", json={"text": "Dossier refusé sans motif"},
                           headers=h).status_code == 201
    assert web.client.post(f"/api/v1/complaints/{ref}/corrective_actions",
                           json={"text": "Rappel de la procédure aux guichets"}, headers=h).status_code == 201
    patched = web.client.patch(f"/api/v1/complaints/{ref}", json={"other_parties": "Commune de Mons"}, headers=h)
    assert patched.status_code == 200 and patched.json()["other_parties"] == "Commune de Mons"
    record = web.client.get(f"/api/v1/complaints/{ref}", headers=h).json()
    assert record["updates"][0]["text"] == "Nous examinons votre dossier." and record["updates"][0]["by"] == "agent@org.be"
    assert record["dysfunctions"] == ["Dossier refusé sans motif"]
    assert record["corrective_actions"] == ["Rappel de la procédure aux guichets"]
    actions = {(e["action"], e["field"]) for e in record["history"]}
    assert {("internal_note", None), ("progress_update", "updates"), ("update", "dysfunctions"),
            ("update", "corrective_actions"), ("update", "other_parties")} <= actions
    after = [e for e in record["history"] if e["at"] >= (FRIDAY + timedelta(days=1)).astimezone(UTC).isoformat()]
    assert after and all(e["actor"] == "agent@org.be" for e in after)
    empty = web.client.post(f"/api/v1/complaints/{ref}/notes", json={"text": ""}, headers=h)
    assert empty.status_code == 422 and "détail" not in empty.json()  # detail, not a stack trace
    assert "Données invalides" in empty.json()["detail"]


def test_attachment_download_only_through_its_complaint(web: StaffWeb, tmp_path: Path) -> None:
    stored = tmp_path / "facture.pdf"
    stored.write_bytes(b"%PDF-1.4 facture")
    doc = record_attachment(web.registry, conversation_id="c1", filename="facture.pdf",
                            media_type="application/pdf", size=16, sha256="ab" * 32, stored_path=str(stored),
                            now=FRIDAY)
    ref = web.register(attachments=[doc["id"]])["reference"]
    other = web.register()["reference"]
    got = web.client.get(f"/api/v1/complaints/{ref}/attachments/{doc['id']}", headers=web.auth("agent"))
    assert got.status_code == 200 and got.content == b"%PDF-1.4 facture"
    assert 'filename="facture.pdf"' in got.headers["content-disposition"]
    assert web.client.get(f"/api/v1/complaints/{other}/attachments/{doc['id']}",
                          headers=web.auth("agent")).status_code == 404


def test_export_pdf_opens_and_shows_the_whole_file(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    web.client.post(f"/api/v1/complaints/{ref}/dysfunctions", json={"text": "Guichet sans procédure écrite"},
                    headers=web.auth())
    web.move(ref, "answered", answer_text="Votre dossier de prime sera réexaminé par le service.",
             outcome="partially_upheld")
    response = web.client.get(f"/api/v1/complaints/{ref}/export.pdf", headers=web.auth("agent"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    text = " ".join(text.split())
    for expected in (ref, "Dupont", "Marie", "marie.dupont@exemple.be", "Rue des Écoles 7", "prime à la rénovation",
                     "31/12/2026", "11/02/2027", "Votre dossier de prime sera réexaminé", "partiellement fondée",
                     "Médiateur de la Wallonie", "Guichet sans procédure écrite", "Historique", "manager@org.be"):
        assert expected in text, expected


def test_export_json_is_the_whole_record(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    response = web.client.get(f"/api/v1/complaints/{ref}/export.json", headers=web.auth("agent"))
    assert response.status_code == 200
    data = response.json()
    assert data["export"]["generated_by"] == "agent@org.be"
    assert data["complaint"]["reference"] == ref and data["complaint"]["history"]
    assert data["complaint"]["facts_description"] == CITIZEN["facts_description"]


# ---------------------------------------------------------------------------------- registry, analytics


def test_registry_csv_has_the_management_plan_columns_for_a_period(web_factory: Callable[..., StaffWeb]) -> None:
    web = web_factory(policy="plan-gestion")
    first = web.register(channel="counter", other_parties="Le transporteur", persons_targeted="M. Leroy (livreur)")
    web.move(first["reference"], "acknowledged")
    web.set_now(FRIDAY + timedelta(days=3))
    web.move(first["reference"], "answered", answer_text="Nous vous remboursons la livraison.", outcome="upheld")
    web.client.post(f"/api/v1/complaints/{first['reference']}/dysfunctions", json={"text": "=Colis égaré"},
                    headers=web.auth())
    web.set_now(datetime(2027, 2, 1, tzinfo=UTC))
    web.register(channel="post", received_at="2027-01-20T10:00:00+01:00")  # outside the period
    response = web.client.get("/api/v1/registry.csv?from=2026-12-01&to=2026-12-31", headers=web.auth("agent"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Référence", "Nom du client", "Date de réception", "Objet",
                       "Contrat, produit ou service concerné", "Autres parties concernées", "Personnes visées",
                       "Date de l'accusé de réception", "Date de la réponse", "Contenu de la réponse",
                       "Dysfonctionnements constatés", "Actions correctives", "Statut", "Canal", "Issue", "Décision",
                       "Procédure"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Référence"] == first["reference"] and row["Nom du client"] == "Dupont Marie"
    assert row["Date de réception"] == "2026-12-18" and row["Objet"] == CITIZEN["subject"]
    assert row["Contrat, produit ou service concerné"] == CITIZEN["service_concerned"]
    assert (row["Autres parties concernées"], row["Personnes visées"]) == ("Le transporteur", "M. Leroy (livreur)")
    assert row["Date de l'accusé de réception"] == "2026-12-18" and row["Date de la réponse"] == "2026-12-21"
    assert row["Contenu de la réponse"] == "Nous vous remboursons la livraison."
    assert row["Dysfonctionnements constatés"] == "'=Colis égaré"  # no formula injection
    fields = web.client.get("/api/v1/registry.csv?header=fields", headers=web.auth()).text.splitlines()
    assert fields[0].startswith("reference,client_name,received_on,subject,service_concerned,other_parties")
    assert len(fields) == 3


def test_analytics_counts_shares_and_medians(web: StaffWeb) -> None:
    policy = load_policy("igretec")
    web.set_now(datetime(2027, 1, 5, tzinfo=UTC))
    a = web.register(channel="post", service_concerned="Primes")["reference"]
    b = web.register(channel="email", service_concerned="Primes")["reference"]
    c = web.register(channel="email", service_concerned="Urbanisme",
                     received_at="2027-01-04T10:00:00+01:00")["reference"]
    web.set_now(FRIDAY + timedelta(days=2))  # acknowledged after 2 days, on time
    web.move(a, "acknowledged")
    web.set_now(FRIDAY + timedelta(days=4))
    web.move(b, "acknowledged")
    web.set_now(FRIDAY + timedelta(days=10))
    web.move(a, "answered", answer_text="Réponse.", outcome="upheld")
    web.set_now(datetime(2027, 3, 1, 10, 0, tzinfo=UTC))  # b answered late (due 11 February)
    web.move(b, "answered", answer_text="Réponse tardive.", outcome="rejected")
    web.move(c, "inadmissible", reason_code="too_vague")
    filing.count_triage(web.registry, "igretec", "anonymous", FRIDAY)  # a refusal without identity
    filing.count_triage(web.registry, "igretec", "information_request", FRIDAY)
    web.client.post(f"/api/v1/complaints/{a}/corrective_actions", json={"text": "Former les agents"},
                    headers=web.auth())

    data = web.client.get("/api/v1/analytics?from=2026-12-01&to=2027-01-31", headers=web.auth("agent")).json()
    assert data["total"] == 3
    assert data["by_period"] == [{"period": "2026-12", "count": 2}, {"period": "2027-01", "count": 1}]
    assert {i["code"]: i["count"] for i in data["by_channel"]} == {"email": 2, "post": 1}
    assert {i["service"]: i["count"] for i in data["by_service"]} == {"Primes": 2, "Urbanisme": 1}
    reasons = {i["code"]: (i["registered"], i["anonymous"]) for i in data["by_refusal_reason"]}
    assert reasons == {"too_vague": (1, 0), "anonymous": (0, 1)}
    assert data["answered_within_deadline"] == {"count": 2, "on_time": 1, "share": 0.5}
    assert data["acknowledged_within_deadline"] == {"count": 2, "on_time": 2, "share": 1.0}
    assert data["median_days_to_acknowledge"] == 3.0
    assert data["median_days_to_answer"] == pytest.approx((10 + (datetime(2027, 3, 1, 10, tzinfo=UTC)
                                                                 - FRIDAY).total_seconds() / 86400) / 2, abs=0.01)
    assert {i["code"]: i["count"] for i in data["not_complaints"]} == {"information_request": 1}
    assert data["corrective_actions"][0]["text"] == "Former les agents"
    assert data["corrective_actions"][0]["reference"] == a
    assert policy.id == data["policy"]


# ---------------------------------------------------------------------------------- data protection


def test_person_access_and_erasure_respect_open_files_and_legal_hold(web: StaffWeb) -> None:
    done = web.register()["reference"]
    held = web.register()["reference"]
    open_ref = web.register()["reference"]
    other = web.register(email="autre@exemple.be", last_name="Durand", phone="+32470000000")["reference"]
    for ref in (done, held):
        web.move(ref, "answered", answer_text="Réponse.", outcome="upheld")
        web.move(ref, "closed")
    hold = web.client.put(f"/api/v1/complaints/{held}/legal_hold", json={"reason": "recours en justice"},
                          headers=web.auth())
    assert hold.status_code == 200 and hold.json()["legal_hold"]["reason"] == "recours en justice"

    access = web.client.post("/api/v1/persons/access", json={"email": "MARIE.DUPONT@exemple.be"}, headers=web.auth())
    assert access.status_code == 200
    assert {c["reference"] for c in access.json()["complaints"]} == {done, held, open_ref}
    by_phone = web.client.post("/api/v1/persons/access", json={"phone": "0475/12.34.56"}, headers=web.auth()).json()
    assert by_phone["count"] == 3

    dry = web.client.post("/api/v1/persons/erasure", json={"email": CITIZEN["email"], "dry_run": True},
                          headers=web.auth()).json()
    assert dry["erased"] == [done] and dry["dry_run"] is True
    result = web.client.post("/api/v1/persons/erasure", json={"email": CITIZEN["email"]}, headers=web.auth()).json()
    assert result["erased"] == [done]
    assert {k["reference"]: k["reason"].split(" ")[0] for k in result["kept"]} == {held: "conservation",
                                                                                   open_ref: "dossier"}
    erased = web.client.get(f"/api/v1/complaints/{done}", headers=web.auth()).json()
    assert erased["last_name"] is None and erased["email"] is None and erased["anonymised_at"]
    assert erased["history"][-1]["action"] == "anonymised" and erased["history"][-1]["actor"] == "manager@org.be"
    assert "Dupont" not in str(erased)
    assert web.client.get(f"/api/v1/complaints/{held}", headers=web.auth()).json()["last_name"] == "Dupont"
    assert web.client.get(f"/api/v1/complaints/{other}", headers=web.auth()).json()["last_name"] == "Durand"
    nobody = web.client.post("/api/v1/persons/erasure", json={}, headers=web.auth())
    assert nobody.status_code == 422


def test_retention_skips_a_file_under_legal_hold(web_factory: Callable[..., StaffWeb]) -> None:
    from bot.services.retention import apply_retention

    web = web_factory(policy="notice-reclamation")
    refs = [web.register()["reference"] for _ in range(2)]
    for ref in refs:
        web.move(ref, "answered", answer_text="Réponse.", outcome="upheld")
        web.move(ref, "closed")
    web.client.put(f"/api/v1/complaints/{refs[1]}/legal_hold", json={"reason": "contentieux"}, headers=web.auth())
    later = FRIDAY + timedelta(days=5 * 366 + 1)
    policies = {"notice-reclamation": load_policy("notice-reclamation")}
    assert apply_retention(web.registry, policies, now=later, dry_run=False) == [refs[0]]
    web.client.put(f"/api/v1/complaints/{refs[1]}/legal_hold", json={"reason": None}, headers=web.auth())
    assert apply_retention(web.registry, policies, now=later, dry_run=False) == [refs[1]]
