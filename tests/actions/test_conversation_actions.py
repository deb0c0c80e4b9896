"""Filing, triage, status lookup, fallback and session actions with inline trackers."""

from __future__ import annotations

import re

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from actions.conversation import (
    ActionDefaultFallback,
    ActionOtherMessage,
    ActionSessionStart,
    ActionStatusLookup,
    ActionTriage,
)
from actions.intake import ActionSubmitComplaint
from tests.actions.conftest import make_tracker, responses, slot_events, texts

FULL = {"consent": True, "acting_for": "self", "last_name": "Lambert", "first_name": "Sophie",
        "address": "Rue des Écoles 7, 7000 Mons", "email": "sophie.lambert@example.be", "phone": "+32475987654",
        "file_reference": "aucune", "facts_description": "Le 14 octobre, une facture de 412 euros pour rien à Mons.",
        "facts_date": "2026-10-14", "facts_place": "Mons", "persons_contacted": "aucun", "attachments": [],
        "objective": "Annulation de la facture.", "complaint_confirm": True, "intake_id": "abc"}


async def submit(slots):  # type: ignore[no-untyped-def]
    d = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(d, make_tracker(slots, loop=None), {})
    return d, slot_events(events)


def count(svc, where: str) -> int:  # type: ignore[no-untyped-def]
    with svc.registry.unit_of_work() as uow:
        return int(uow.session.execute(text(f"select count(*) from complaints where {where}")).scalar())


async def test_submit_files_once_even_when_the_action_is_retried(use_policy) -> None:
    svc = use_policy("igretec")
    d1, s1 = await submit(FULL)
    d2, s2 = await submit(FULL)
    assert s1["reference"] == s2["reference"]
    assert re.fullmatch(r"IGR-2026-\d{6}", s1["reference"])
    assert count(svc, "email='sophie.lambert@example.be'") == 1
    filed = d1.messages[0]
    assert filed["response"] == "utter_filed"
    assert filed["ack_due"] == "5 décembre 2026"  # 10 jours ouvrables (Mon-Sat) after Tuesday 24 November
    assert filed["received_on"] == "24 novembre 2026"
    assert s1["last_name"] is None, "the intake is reset after filing"


async def test_submit_solidaris_says_acknowledgement_as_soon_as_possible(use_policy) -> None:
    use_policy("solidaris-brabant")
    d, _ = await submit({**FULL, "prior_contact": True})
    assert responses(d)[0] == "utter_filed_ack_asap"
    assert d.messages[0]["answer_due"] == "8 janvier 2027"  # 45 calendar days


async def test_submit_refusal_with_identity_is_stored_inadmissible_without_showing_a_reference(use_policy) -> None:
    svc = use_policy("igretec")
    refusal = {"reason_code": "too_old", "explanation": "Trop ancien.", "route": "Le Médiateur de la Wallonie"}
    d, slots = await submit({**FULL, "complaint_confirm": None, "refusal": refusal})
    assert "Médiateur" in texts(d)
    assert not re.search(r"IGR-\d{4}", texts(d))
    assert count(svc, "status='inadmissible' and decision='too_old'") == 1


async def test_submit_refusal_without_identity_stores_no_complaint(use_policy) -> None:
    svc = use_policy("igretec")
    d, _ = await submit({"consent": True, "acting_for": "group", "intake_id": "g1",
                         "refusal": {"reason_code": "grouped", "explanation": "Groupé.", "route": "Médiateur"}})
    assert count(svc, "1=1") == 0


async def test_submit_cancelled_stores_nothing(use_policy) -> None:
    svc = use_policy("igretec")
    d, _ = await submit({**FULL, "complaint_confirm": None, "intake_end": "cancelled"})
    assert responses(d) == ["utter_cancelled", ""]
    assert d.messages[-1]["custom"] == {"forget_conversation": True}  # the web service erases it at once
    assert count(svc, "1=1") == 0


async def test_triage_information_request_answers_from_the_preset_and_asks_nothing(use_policy) -> None:
    svc = use_policy("spf-securite-sociale")
    d = CollectingDispatcher()
    events = await ActionTriage().run(d, make_tracker({}, text="horaires ?", intent="ask_information", loop=None), {})
    assert events == []
    assert d.messages[0]["text"] == svc.policy.triage.information_request


async def test_triage_data_protection_goes_to_the_dpo_at_solidaris(use_policy) -> None:
    use_policy("solidaris-brabant")
    d = CollectingDispatcher()
    await ActionTriage().run(d, make_tracker({}, text="RGPD", intent="data_protection", loop=None), {})
    assert "dataprotection.bra@solidaris.be" in texts(d)


async def test_status_lookup_needs_the_contact_on_file(use_policy) -> None:
    use_policy("igretec")
    _, filed = await submit(FULL)
    ref = filed["reference"]
    d = CollectingDispatcher()
    await ActionStatusLookup().run(d, make_tracker({"status_reference": ref, "status_contact": "x@example.be"},
                                                   loop=None, sender="s1"), {})
    assert responses(d) == ["utter_status_not_found"]
    d = CollectingDispatcher()
    await ActionStatusLookup().run(d, make_tracker({"status_reference": ref, "status_contact": "0475 98 76 54"},
                                                   loop=None, sender="s2"), {})
    assert responses(d) == ["utter_status"] and d.messages[0]["reference"] == ref


async def test_status_lookup_slows_down_repeated_wrong_tries(use_policy) -> None:
    use_policy("igretec")
    last = None
    for _ in range(5):
        d = CollectingDispatcher()
        await ActionStatusLookup().run(d, make_tracker({"status_reference": "IGR-2026-000999",
                                                        "status_contact": "a@b.be"}, loop=None, sender="brute"), {})
        last = responses(d)
    assert last == ["utter_status_throttled"]


async def test_fallback_first_rephrase_then_offer_a_human(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    await ActionDefaultFallback().run(d, make_tracker({}, text="blabla", intent="nlu_fallback", loop=None), {})
    assert responses(d) == ["utter_default"]
    earlier = [{"event": "action", "name": "action_default_fallback"}, {"event": "action", "name": "action_listen"}]
    d = CollectingDispatcher()
    await ActionDefaultFallback().run(d, make_tracker({}, text="blibli", intent="nlu_fallback", loop=None,
                                                      events=earlier), {})
    assert responses(d) == ["utter_default_human"]


async def test_the_fallback_always_ends_the_turn_unless_it_starts_the_intake(use_policy) -> None:
    """Predicted where no rule fits (a state a fault can leave), it must not be predicted again
    after itself until the circuit breaker: it hands over to the citizen."""
    use_policy("igretec")
    events = await ActionDefaultFallback().run(CollectingDispatcher(), make_tracker(
        {}, text="blabla", intent="nlu_fallback", loop=None), {})
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}
    letter = ("Bonjour, je m'appelle Marc Dupuis, rue de la Station 8 à 6000 Charleroi. Le 6 novembre 2026 au "
              "guichet de Mons, Mme Lambert a refusé mon formulaire. Je demande qu'il me soit envoyé.")
    events = await ActionDefaultFallback().run(CollectingDispatcher(), make_tracker(
        {}, text=letter, intent="nlu_fallback", loop=None), {})
    assert {"event": "followup", "timestamp": None, "name": "complaint_form"} in events
    assert {"event": "followup", "timestamp": None, "name": "action_listen"} not in events


async def test_session_start_says_plainly_that_an_unfinished_intake_expired(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    events = await ActionSessionStart().run(d, make_tracker({"intake_id": "old", "last_name": "Lambert"}, loop=None), {})
    assert responses(d) == ["utter_session_expired"]
    assert events[0]["event"] == "session_started"
    assert not any(e.get("name") == "last_name" for e in events)


async def test_request_human_queues_a_notice_to_staff(use_policy) -> None:
    import dataclasses

    from actions import wiring
    from actions.conversation import ActionRequestHuman

    svc = use_policy("igretec")
    wiring.override(dataclasses.replace(svc, settings=dataclasses.replace(svc.settings,
                                                                          staff_notify_email="accueil@example.be")))
    d = CollectingDispatcher()
    await ActionRequestHuman().run(d, make_tracker({}, text="je veux parler à quelqu'un", intent="request_human",
                                                   loop=None, sender="tg-42"), {})
    assert responses(d) == ["utter_human_handover_no_contact"], "no contact known yet: none is promised"
    assert "reclamation@igretec.com" in d.messages[0]["other_ways"]
    d2 = CollectingDispatcher()
    await ActionRequestHuman().run(d2, make_tracker({"email": "a@b.be"}, text="je veux parler à quelqu'un",
                                                    intent="request_human", loop=None, sender="tg-43"), {})
    assert responses(d2) == ["utter_human_handover"] and d2.messages[0]["contact_way"] == "e-mail"
    with svc.registry.unit_of_work() as uow:
        rows = uow.session.execute(text('select "to", body from outbox')).all()
        requests = uow.session.execute(text("select conversation from handover_requests order by id")).all()
    assert rows and rows[0][0] == "accueil@example.be" and "Demande n° 1" in rows[0][1]
    assert "tg-42" not in rows[0][1]  # the conversation is on the dashboard, not in the e-mail
    assert [r[0] for r in requests] == ["tg-42", "tg-43"]


async def test_each_ending_has_its_own_value_and_stores_nothing(use_policy) -> None:
    svc = use_policy("igretec")
    expected = {"start_over": ["utter_restarted"], "no_consent": ["utter_consent_refused", ""],
                "other_organisation": ["utter_other_organisation"], "cancelled": ["utter_cancelled", ""]}
    for ending, said in expected.items():
        d, slots = await submit({**FULL, "complaint_confirm": None, "intake_end": ending,
                                 "organisation_named": "Proximus"})
        assert responses(d) == said, ending
        assert slots.get("intake_end", "reset") is None  # the ending itself is reset with the intake
    assert count(svc, "1=1") == 0


async def test_a_whole_complaint_read_as_a_status_question_starts_the_intake(use_policy) -> None:
    from actions.conversation import ActionStatusStart

    use_policy("solidaris-brabant")
    letter = ("bjr cest karim benali, affilie chez vous. ma carte europeenne commandee le 15/10/2026 est jamais "
              "arrivee et je pars en vacances le 12 decembre. jai deja appele le service 2 fois et rien.")
    d = CollectingDispatcher()
    events = await ActionStatusStart().run(d, make_tracker({}, text=letter, intent="check_status", loop=None), {})
    assert {"event": "followup", "timestamp": None, "name": "complaint_form"} in events
    assert slot_events(events)["last_name"] == "Benali"
    d = CollectingDispatcher()
    asked = "où en est ma réclamation SOL-2026-000012 ? toujours rien reçu, c'est inadmissible, j'ai appelé 2 fois"
    assert await ActionStatusStart().run(d, make_tracker({}, text=asked, intent="check_status", loop=None), {}) == []


async def test_the_example_reference_is_the_organisations_own(use_policy) -> None:
    use_policy("solidaris-brabant")
    events = await ActionSessionStart().run(CollectingDispatcher(), make_tracker({}, loop=None), {})
    example = next(e["value"] for e in events if e.get("name") == "reference_example")
    assert re.fullmatch(r"SOL-\d{4}-000123", example), example


async def test_asking_for_a_person_during_the_status_lookup_leaves_it(use_policy) -> None:
    from actions.conversation import ValidateStatusForm

    use_policy("igretec")
    d = CollectingDispatcher()
    tracker = make_tracker({}, text="je veux parler à quelqu'un", set_now={"status_reference": "je veux parler à quelqu'un"},
                           requested="status_reference", loop="status_form", intent="request_human")
    events = slot_events(await ValidateStatusForm().run(d, tracker, {}))
    assert events["requested_slot"] is None and events["status_reference"] is None
    assert "utter_invalid_reference" not in responses(d) and d.messages, "the hand-over is said, not a reference error"


async def test_no_reference_at_the_status_lookup_says_where_to_find_it(use_policy) -> None:
    from actions.conversation import ValidateStatusForm

    use_policy("igretec")
    for said in ("j'ai pas de référence", "je l'ai pas", "non", "jsp jai pas la ref, c au nom de dupont"):
        d = CollectingDispatcher()
        tracker = make_tracker({}, text=said, set_now={"status_reference": said}, requested="status_reference",
                               loop="status_form", intent="deny")
        events = slot_events(await ValidateStatusForm().run(d, tracker, {}))
        assert events["requested_slot"] is None, said
        assert "accusé de réception" in texts(d) and "reclamation@igretec.com" in texts(d), said


def followed_by(events, action: str) -> bool:  # type: ignore[no-untyped-def]
    return any(e.get("event") == "followup" and e.get("name") == action for e in events)


async def test_a_question_about_a_complaint_sent_by_post_goes_to_the_status_lookup(use_policy) -> None:
    from actions.intake import ActionStartIntake
    use_policy("solidaris-brabant")
    d = CollectingDispatcher()
    said = "bonjour j'ai envoyé une plainte par courrier le mois passé, est ce que vous l'avez reçue ?"
    events = await ActionStartIntake().run(d, make_tracker({}, text=said, intent="file_complaint", loop=None), {})
    assert followed_by(events, "status_form")
    assert not slot_events(events).get("intake_id"), "no intake opened"
    assert [m["response"] for m in d.messages] == ["utter_not_a_new_complaint"]


async def test_not_a_new_complaint_said_inside_the_form_ends_it_for_the_lookup_or_the_answer(use_policy) -> None:
    from actions.form import ValidateComplaintForm
    use_policy("solidaris-brabant")
    for said, ending in (("non c'est pas une nouvelle plainte, je veux savoir si ma lettre est arrivée", "status_question"),
                         ("c'est pas une plainte, je cherche juste une info : comment avoir une attestation ?",
                          "not_a_complaint")):
        d = CollectingDispatcher()
        events = await ValidateComplaintForm().run(d, make_tracker({"intake_id": "i1"}, text=said,
                                                                   set_now={"consent": said}, requested="consent"), {})
        slots = slot_events(events)
        assert slots["intake_end"] == ending and slots["requested_slot"] is None, said
    d = CollectingDispatcher()
    events = await ActionSubmitComplaint().run(d, make_tracker({"intake_id": "i1", "intake_end": "status_question"},
                                                               loop=None), {})
    assert followed_by(events, "status_form")
    d = CollectingDispatcher()
    await ActionSubmitComplaint().run(d, make_tracker({"intake_id": "i1", "intake_end": "not_a_complaint"}, loop=None), {})
    assert "utter_not_a_complaint_offer" in [m["response"] for m in d.messages]


async def test_an_insult_starts_the_intake_rather_than_a_not_a_complaint_answer(use_policy) -> None:
    use_policy("notice-reclamation")
    d = CollectingDispatcher()
    events = await ActionTriage().run(d, make_tracker({}, text="vous etes des voleurs", intent="ask_information",
                                                      loop=None), {})
    assert followed_by(events, "complaint_form")
    assert slot_events(events).get("intake_id")


async def test_a_triage_text_that_already_offers_to_file_is_not_followed_by_the_same_offer(use_policy) -> None:
    use_policy("notice-reclamation")
    d = CollectingDispatcher()
    await ActionTriage().run(d, make_tracker({}, text="ce serait bien de recevoir les factures par mail",
                                             intent="make_suggestion", loop=None), {})
    assert len(d.messages) == 1 and "mécontentement" in d.messages[0]["text"]
    assert d.messages[0]["buttons"][0]["title"] == "Déposer une réclamation"


async def test_following_ones_complaint_without_its_reference_is_told_where_it_is_at_once(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    said = "je voudrais suivre ma plainte, je n'ai pas de référence"
    events = await ActionTriage().run(d, make_tracker({}, text=said, intent="nlu_fallback", loop=None), {})
    assert not followed_by(events, "status_form")
    assert "accusé de réception" in d.messages[0]["text"] and "reclamation@igretec.com" in d.messages[0]["text"]


async def test_the_contact_given_with_the_reference_is_taken_at_once(use_policy) -> None:
    from actions.conversation import ValidateStatusForm

    use_policy("igretec")
    said = "ah non pardon c'est IGR-2026-000001, mon mail claire.moreau@orange.fr"
    tracker = make_tracker({}, text=said, set_now={"status_reference": said}, requested="status_reference",
                           loop="status_form", intent="check_status")
    events = slot_events(await ValidateStatusForm().run(CollectingDispatcher(), tracker, {}))
    assert events["status_reference"] == "IGR-2026-000001"
    assert events["status_contact"] == "claire.moreau@orange.fr" and events["requested_slot"] is None


async def test_a_question_about_delays_after_a_status_is_answered_not_a_new_lookup(use_policy) -> None:
    from actions.conversation import ActionStatusStart

    use_policy("notice-reclamation")
    d = CollectingDispatcher()
    events = await ActionStatusStart().run(d, make_tracker({}, text="et quand est ce que j'aurai la réponse ?",
                                                           intent="check_status", loop=None), {})
    assert followed_by(events, "action_listen") and "réponse" in d.messages[0]["text"]


async def test_a_status_lookup_answered_without_any_reference_stops_never_loops(use_policy) -> None:
    from actions.conversation import ValidateStatusForm

    use_policy("plan-gestion")
    for said in ("une facture", "je veux me plaindre de la facture de gaz de ma mère", "Déposer une réclamation"):
        d = CollectingDispatcher()
        tracker = make_tracker({}, text=said, set_now={"status_reference": said}, requested="status_reference",
                               loop="status_form", intent="file_complaint")
        events = slot_events(await ValidateStatusForm().run(d, tracker, {}))
        assert events["requested_slot"] is None and "utter_invalid_reference" not in responses(d), said
        assert d.messages[0]["buttons"][0]["title"] == "Déposer une réclamation"


async def test_a_prepared_file_says_what_follows_at_the_office_and_the_deadlines(use_policy) -> None:
    use_policy("plan-gestion")
    plan = {**FULL, "subject": "facture erronée", "service_concerned": "abonnement", "other_parties": "aucun",
            "persons_targeted": "aucun"}
    d, slots = await submit(plan)
    prepared = d.messages[0]
    assert prepared["response"] == "utter_prepared" and "dans les 10 jours" in prepared["in_person"]
    assert "2 mois" in prepared["in_person"] and "tiendrons informé" in prepared["in_person"]


async def test_without_email_or_phone_the_reference_is_not_promised_for_a_lookup_here(use_policy) -> None:
    use_policy("igretec")
    d, _ = await submit({**FULL, "email": None, "phone": None, "declined_fields": ["email", "phone"]})
    assert "utter_keep_reference" not in responses(d)
    assert "ne permet pas de suivre votre réclamation dans cette conversation" in texts(d)
    d, _ = await submit({**FULL, "intake_id": "other"})
    assert "utter_keep_reference" in responses(d)


async def test_thanks_with_a_goodbye_is_a_goodbye(use_policy) -> None:
    use_policy("notice-reclamation")
    d = CollectingDispatcher()
    await ActionOtherMessage().run(d, make_tracker({}, text="merci, au revoir", intent="thank", loop=None), {})
    assert responses(d) == ["utter_goodbye"]
    d = CollectingDispatcher()
    await ActionOtherMessage().run(d, make_tracker({}, text="merci beaucoup", intent="thank", loop=None), {})
    assert responses(d) == ["utter_thank"]


async def test_a_number_left_after_a_handover_without_contact_is_put_on_the_request(use_policy) -> None:
    from actions.conversation import ActionDefaultFallback, ActionRequestHuman
    from bot.services import privacy

    svc = use_policy("notice-reclamation")
    await ActionRequestHuman().run(CollectingDispatcher(), make_tracker(
        {}, text="je veux parler à un conseiller humain", intent="request_human", loop=None, sender="web-7"), {})
    asked = [{"event": "bot", "text": "…", "metadata": {"utter_action": "utter_human_handover_no_contact"}}]
    d = CollectingDispatcher()
    await ActionDefaultFallback().run(d, make_tracker(
        {}, text="je peux vous laisser mon numéro pour qu'on me rappelle ? 06 55 44 33 22", intent="nlu_fallback",
        loop=None, sender="web-7", events=asked), {})
    assert "+33655443322" in texts(d)
    with svc.registry.unit_of_work() as uow:
        contacts = uow.session.execute(text("select contact from handover_requests")).scalars().all()
    assert contacts == ["+33655443322"]
    d = CollectingDispatcher()  # without the hand-over just before, a number is not taken for it
    await ActionDefaultFallback().run(d, make_tracker({}, text="06 55 44 33 22", intent="nlu_fallback", loop=None,
                                                      sender="web-8"), {})
    assert "+33655443322" not in texts(d)
    privacy.erase_person(svc.registry, phone="+33655443322", actor="dpo@example.fr", now=svc.now())
    with svc.registry.unit_of_work() as uow:
        assert uow.session.execute(text("select count(*) from handover_requests")).scalar() == 0


async def test_the_status_of_a_refused_complaint_gives_its_reason_and_the_mediator(use_policy) -> None:
    svc = use_policy("igretec")
    refusal = {"reason_code": "too_old", "explanation": "Trop ancien.", "route": "Le Médiateur de la Wallonie"}
    await submit({**FULL, "complaint_confirm": None, "refusal": refusal, "intake_id": "old1"})
    with svc.registry.unit_of_work() as uow:
        ref = uow.session.execute(text("select reference from complaints where decision='too_old'")).scalar()
    d = CollectingDispatcher()
    await ActionStatusLookup().run(d, make_tracker({"status_reference": ref, "status_contact": "0475 98 76 54"},
                                                   loop=None, sender="s9"), {})
    assert "Motif : Les faits se sont produits il y a plus d'un an" in d.messages[0]["deadlines"]
    assert "Médiateur de la Wallonie" in texts(d)
