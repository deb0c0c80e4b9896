"""Whole conversations through the engine's REST channel, checked in the registry."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.devstack import FIRST_MESSAGE, HAPPY_ANSWERS, Stack, play

pytestmark = pytest.mark.slow

REF = re.compile(r"\b[A-Z]{3}-\d{4}-\d{6}\b")
BE = HAPPY_ANSWERS
FR = dict(BE, address="8 avenue Jean Jaurès, 69007 Lyon", phone="07 81 22 33 44", email="julien.moreau@example.fr",
          last_name="Moreau", first_name="Julien", subject="remboursement non versé",
          service_concerned="abonnement mobile", other_parties="aucun", persons_targeted="le conseiller")
FIRST = FIRST_MESSAGE


def sender() -> str:
    return "e2e-" + uuid.uuid4().hex[:12]


def bot_text(transcript: list[tuple[str, str]]) -> str:
    return "\n".join(t for who, t in transcript if who == "bot")


def row(stack: Stack, reference: str) -> dict:
    eng = create_engine(stack.db_url)
    with eng.connect() as c:
        r = c.execute(text("select * from complaints where reference = :r"), {"r": reference}).mappings().one()
    eng.dispose()
    return dict(r)


@pytest.mark.parametrize("policy,answers,prefix", [
    ("igretec", BE, "IGR"),
    ("solidaris-brabant", BE, "SOL"),
    ("spf-securite-sociale", BE, "SPF"),
    ("notice-reclamation", FR, "NOT"),
])
def test_full_intake_is_filed_with_reference_and_deadlines(stack: Stack, policy, answers, prefix) -> None:
    stack.use_policy(policy)
    s = sender()
    transcript = play(stack, s, FIRST, answers)
    said = bot_text(transcript)
    refs = REF.findall(said)
    assert refs and refs[-1].startswith(prefix + "-"), said[-800:]
    assert "au plus tard le" in said
    stored = row(stack, refs[-1])
    assert stored["status"] == "received"
    assert stored["email"] == answers["email"]
    assert stored["phone"].startswith("+")
    assert stored["answer_due"] is not None
    assert (stored["ack_due"] is None) == (policy == "solidaris-brabant")
    turns = sum(1 for who, _ in transcript if who == "user")
    assert turns <= 18


def test_plan_gestion_prepares_the_file_and_says_to_come_in_person(stack: Stack) -> None:
    stack.use_policy("plan-gestion")
    transcript = play(stack, sender(), FIRST, FR)
    said = bot_text(transcript)
    refs = REF.findall(said)
    assert refs and refs[-1].startswith("PLA-")
    assert re.search(r"en personne|présentiel|au bureau", said, re.I)
    stored = row(stack, refs[-1])
    assert stored["status"] == "prepared" and stored["ack_due"] is None
    assert stored["subject"] == "remboursement non versé"


def test_too_old_is_refused_with_the_mediator_and_stored_inadmissible(stack: Stack) -> None:
    stack.use_policy("igretec")
    s = sender()
    answers = dict(BE, facts_description="Le 2 février 2024, l'agent d'accueil a refusé de prendre mon dossier "
                                         "et s'est montré insultant.", facts_date="le 2 février 2024")
    transcript = play(stack, s, "Bonjour, je veux me plaindre d'un agent qui m'a mal reçu.", answers)
    said = bot_text(transcript)
    assert "Médiateur" in said
    assert not REF.search(said)
    tracker = stack.tracker(s)
    assert not (tracker.get("active_loop") or {}).get("name")
    eng = create_engine(stack.db_url)
    with eng.connect() as c:
        n = c.execute(text("select count(*) from complaints where decision='too_old' and last_name='Lambert'")).scalar()
    assert n >= 1


def test_grouped_complaint_refused_before_identity(stack: Stack) -> None:
    stack.use_policy("igretec")
    s = sender()
    transcript = play(stack, s, FIRST, dict(BE, acting_for="au nom d'un collectif de voisins", exclusion_check="non"))
    asked = [t for who, t in transcript if who == "bot"]
    assert not any("nom de famille" in t for t in asked)
    assert any("en votre nom propre" in t for t in asked), "offered to file in the citizen's own name first"
    assert "Médiateur" in bot_text(transcript)


def test_information_request_is_redirected_without_identity(stack: Stack) -> None:
    for policy in ("igretec", "spf-securite-sociale"):
        stack.use_policy(policy)
        s = sender()
        out = stack.say(s, "Bonjour, quels sont vos horaires d'ouverture le samedi ?")
        tracker = stack.tracker(s)
        assert tracker["slots"].get("requested_slot") is None
        assert out and not REF.search(" ".join(m.get("text", "") for m in out))


def test_correction_at_summary_keeps_everything_else(stack: Stack) -> None:
    stack.use_policy("igretec")
    s = sender()
    stack.say(s, FIRST)
    for _ in range(30):  # answer every question up to the summary, then correct once
        slot = stack.tracker(s)["slots"].get("requested_slot")
        if slot == "complaint_confirm":
            break
        stack.say(s, BE.get(slot, "oui"))
    stack.say(s, "mon email est faux")
    tracker = stack.tracker(s)
    assert tracker["slots"]["requested_slot"] == "email"
    assert tracker["slots"]["last_name"] == "Lambert"
    stack.say(s, "sophie.nouvelle@example.be")
    tracker = stack.tracker(s)
    assert tracker["slots"]["requested_slot"] == "complaint_confirm"
    out = stack.say(s, "oui, c'est correct")
    said = " ".join(m.get("text", "") for m in out)
    ref = REF.search(said)
    assert ref
    assert row(stack, ref.group())["email"] == "sophie.nouvelle@example.be"


def test_cancel_stores_nothing(stack: Stack) -> None:
    stack.use_policy("igretec")
    s = sender()
    stack.say(s, FIRST)
    stack.say(s, "oui, j'accepte")
    stack.say(s, "en mon nom propre")
    stack.say(s, "Lambert")
    out = stack.say(s, "annuler")
    tracker = stack.tracker(s)
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"].get("last_name") is None
    assert "annul" in " ".join(m.get("text", "") for m in out).lower()


def test_status_lookup_needs_reference_and_contact(stack: Stack) -> None:
    stack.use_policy("igretec")
    transcript = play(stack, sender(), FIRST, BE)
    ref = REF.findall(bot_text(transcript))[-1]
    s = sender()
    stack.say(s, "Où en est ma réclamation ?")
    stack.say(s, ref)
    out = stack.say(s, "quelqu.un@example.be")
    assert "trouve pas" in " ".join(m.get("text", "") for m in out)
    stack.say(s, f"je voudrais le suivi de mon dossier {ref}")
    out = stack.say(s, BE["email"])
    said = " ".join(m.get("text", "") for m in out)
    assert ref in said and "au plus tard" in said


@pytest.mark.parametrize("policy,description,code,route", [
    ("spf-securite-sociale", "Ma demande d'allocation pour personnes handicapées traîne depuis des mois sans réponse "
                             "du service, malgré mes appels.", "other_service", "Personnes handicapées"),
    ("spf-securite-sociale", "Je conteste la décision de refus qui m'a été notifiée le 3 novembre par courrier.",
     "appeal_procedure", "recours"),
    ("spf-securite-sociale", "Mon avocat a porté le litige devant le tribunal du travail de Bruxelles le 3 novembre.",
     "judicial_dispute", ""),
    ("igretec", "En tant que co-contractant avec un gestionnaire de projet, je conteste le décompte du 3 novembre "
                "établi à Charleroi.", "co_contractor", "convention"),
])
def test_matter_for_another_procedure_is_refused_with_its_route(stack: Stack, policy, description, code, route) -> None:
    stack.use_policy(policy)
    s = sender()
    transcript = play(stack, s, FIRST, dict(BE, facts_description=description, facts_date="le 3 novembre",
                                            exclusion_check="oui"))
    said = bot_text(transcript)
    assert not REF.search(said)
    assert route.lower() in said.lower()
    eng = create_engine(stack.db_url)
    with eng.connect() as c:
        n = c.execute(text("select count(*) from complaints where decision=:d"), {"d": code}).scalar()
    eng.dispose()
    assert n >= 1


def test_anonymous_complaint_refused_at_igretec(stack: Stack) -> None:
    stack.use_policy("igretec")
    transcript = play(stack, sender(), FIRST, dict(BE, last_name="je préfère rester anonyme"))
    said = bot_text(transcript)
    assert "anonyme" in said.lower() and "Médiateur" in said
    assert not any("prénom" in t for who, t in transcript if who == "bot")


def test_story_told_in_the_first_message_files_in_ten_turns(stack: Stack) -> None:
    stack.use_policy("igretec")
    first = ("Bonjour, je m'appelle Sophie Lambert, sophie.lambert@example.be, 0475 98 76 54. Le 14 octobre j'ai "
             "reçu une facture de 412 euros pour des travaux de raccordement jamais réalisés et personne ne répond.")
    transcript = play(stack, sender(), first, BE)
    turns = sum(1 for who, _ in transcript if who == "user")
    assert REF.search(bot_text(transcript))
    assert turns <= 10, turns


def test_organisation_gives_its_name_and_its_address_not_a_home_address(stack: Stack) -> None:
    stack.use_policy("igretec")
    answers = dict(BE, acting_for="au nom d'une organisation", represented_person="ASBL Les Amis du Parc",
                   address="Rue du Parc 12, 6000 Charleroi")
    transcript = play(stack, sender(), FIRST, answers)
    said = bot_text(transcript)
    assert "nom de l'organisation" in said
    assert "adresse de l'organisation" in said and "adresse de domicile" not in said
    assert "l'organisation ASBL Les Amis du Parc" in said  # the summary shows it for checking
    refs = REF.findall(said)
    assert refs and refs[-1].startswith("IGR-")
    stored = row(stack, refs[-1])
    assert stored["acting_for"] == "organisation" and stored["address"].startswith("Rue du Parc 12")
    assert "ASBL Les Amis du Parc" in str(stored["extra"])


def test_questions_a_pause_and_two_corrections_at_the_summary(stack: Stack) -> None:
    stack.use_policy("igretec")
    s = sender()
    stack.say(s, FIRST)
    for _ in range(30):  # the happy path up to the summary
        slot = stack.tracker(s)["slots"].get("requested_slot")
        if slot in (None, "complaint_confirm"):
            break
        stack.say(s, BE.get(slot, "oui"))
    assert stack.tracker(s)["slots"]["requested_slot"] == "complaint_confirm"
    said = " ".join(m.get("text") or "" for m in stack.say(s, "Les faits du guichet datent de mars 2025, c'est un "
                                                              "problème ?"))
    slots = stack.tracker(s)["slots"]
    assert "plus d'un an" in said and not slots.get("refusal") and slots["facts_date"] == "2026-10-14"
    said = " ".join(m.get("text") or "" for m in stack.say(s, "désolée je dois partir, je reviens ce soir pour finir"))
    slots = stack.tracker(s)["slots"]
    assert "Revenez quand vous voulez" in said and slots["facts_date"] == "2026-10-14", "a pause reads no date"
    stack.say(s, "non c'était le 15 octobre pas le 14, et mettez plutôt mon GSM 0476 12 34 56")
    slots = stack.tracker(s)["slots"]
    assert (slots["facts_date"], slots["phone"]) == ("2026-10-15", "+32476123456")
    said = " ".join(m.get("text") or "" for m in stack.say(s, "oui, c'est correct"))
    ref = REF.search(said)
    assert ref, said
    stored = row(stack, ref.group(0))
    assert str(stored["facts_date"])[:10] == "2026-10-15" and stored["phone"] == "+32476123456"
