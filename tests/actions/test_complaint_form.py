"""The form's validation action: each answer validated by the domain core, refusals end the form."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.form import ValidateComplaintForm
from tests.actions.conftest import make_tracker, responses, slot_events, validated

IDENTITY = {"consent": True, "acting_for": "self", "last_name": "Lambert", "first_name": "Sophie",
            "address": "Rue des Écoles 7, 7000 Mons", "email": "sophie.lambert@example.be",
            "phone": "+32475987654", "file_reference": "aucune", "intake_id": "i1"}


async def run(slots, set_now, text=None, **kw):  # type: ignore[no-untyped-def]
    d = CollectingDispatcher()
    text = text if text is not None else str(next(iter(set_now.values())))
    events = await ValidateComplaintForm().run(d, make_tracker(slots, text=text, set_now=set_now, **kw), {})
    return d, validated(set_now, events)


async def test_form_invalid_email_asks_again_with_a_message(use_policy) -> None:
    use_policy("igretec")
    d, slots = await run({**IDENTITY, "email": None, "phone": None}, {"email": "sophie@@example"})
    assert slots["email"] is None
    assert slots["requested_slot"] == "email"
    assert responses(d) == ["utter_field_invalid"]
    assert slots["field_failures"] == {"email": 1}


async def test_form_second_failure_gives_an_example_and_offers_a_human(use_policy) -> None:
    use_policy("igretec")
    d, slots = await run({**IDENTITY, "email": None, "field_failures": {"email": 1}}, {"email": "sophie chez example"})
    # the message already carries its example: it is said once, with the offer of a person
    assert responses(d) == ["utter_field_help_human"]
    assert d.messages[0]["validation_message"].lower().count("par exemple") == 1


async def test_form_phone_is_normalised_to_e164_with_the_preset_country(use_policy) -> None:
    use_policy("notice-reclamation")
    _, slots = await run({}, {"phone": "07 81 22 33 44"})
    assert slots["phone"] == "+33781223344"


async def test_form_grouped_complaint_refused_before_identity_at_igretec(use_policy) -> None:
    use_policy("igretec")
    _, slots = await run({"consent": True}, {"acting_for": "au nom d'un groupe de voisins"})
    assert not slots.get("refusal") and slots["requested_slot"] == "exclusion_check", "the rule first, then a choice"
    assert "en votre nom propre" in slots["pending_exclusion"]["question"]
    assert "plusieurs personnes" in slots["pending_exclusion"]["question"]
    pending = {"consent": True, "pending_exclusion": slots["pending_exclusion"]}
    _, slots = await run(pending, {"exclusion_check": "non"})
    assert slots["refusal"]["reason_code"] == "grouped"
    assert slots["requested_slot"] is None
    assert "last_name" not in slots


async def test_form_grouped_complaint_goes_on_in_the_citizens_own_name(use_policy) -> None:
    use_policy("igretec")
    _, slots = await run({"consent": True}, {"acting_for": "au nom d'un groupe de voisins"})
    pending = {"consent": True, "pending_exclusion": slots["pending_exclusion"]}
    _, slots = await run(pending, {"exclusion_check": "bon ok je la fais en mon nom propre"})
    assert slots["acting_for"] == "self" and not slots.get("refusal")
    assert slots["requested_slot"] == "last_name"


async def test_form_grouped_complaint_accepted_at_solidaris(use_policy) -> None:
    use_policy("solidaris-brabant")
    _, slots = await run({"consent": True}, {"acting_for": "au nom d'un groupe de voisins"})
    assert slots["acting_for"] == "group"
    assert not slots.get("refusal")
    assert slots["requested_slot"] == "prior_contact"


async def test_form_facts_older_than_a_year_refused_at_igretec(use_policy) -> None:
    use_policy("igretec")
    _, slots = await run({**IDENTITY, "facts_description": "L'agent m'a insulté au guichet de Charleroi."},
                         {"facts_date": "le 2 février 2024"})
    assert slots["refusal"]["reason_code"] == "too_old"
    assert "Médiateur" in slots["refusal"]["route"]
    assert slots["requested_slot"] is None


async def test_form_old_facts_at_solidaris_ask_about_an_initiative(use_policy) -> None:
    use_policy("solidaris-brabant")
    state = {**IDENTITY, "prior_contact": True, "facts_description": "Mon remboursement a été refusé sans motif."}
    _, slots = await run(state, {"facts_date": "le 2 février 2024"})
    assert not slots.get("refusal")
    assert slots["requested_slot"] == "initiative_taken"
    _, after = await run({**state, **slots}, {"initiative_taken": "oui, j'ai écrit en mars"})
    assert after["initiative_taken"] is True
    assert not after.get("refusal")


async def test_form_vague_description_gets_one_request_for_precision(use_policy) -> None:
    use_policy("igretec")
    d, slots = await run(IDENTITY, {"facts_description": "je ne suis vraiment pas content du tout"})
    assert slots["facts_description"] is None and slots["precision_asked"] is True
    assert d.messages, "a request for precision is said"
    d2, slots2 = await run({**IDENTITY, **slots}, {"facts_description": "vraiment pas content de tout cela, franchement"})
    assert slots2["suggested_reason_code"] == "too_vague"
    assert slots2["facts_description"]


async def test_form_date_in_the_description_fills_facts_date(use_policy) -> None:
    use_policy("igretec")
    _, slots = await run(IDENTITY, {"facts_description": "Le 14 octobre, j'ai reçu une facture de 412 euros "
                                                          "pour des travaux jamais réalisés à Mons."})
    assert slots["facts_date"] == "2026-10-14"
    assert slots["requested_slot"] == "facts_place"


async def test_form_correction_at_summary_reopens_only_that_field(use_policy) -> None:
    use_policy("igretec")
    full = {**IDENTITY, "facts_description": "x " * 10, "facts_date": "2026-10-14", "facts_place": "Mons",
            "persons_contacted": "aucun", "attachments": [], "objective": "Une réponse écrite."}
    _, slots = await run(full, {"complaint_confirm": "mon email est faux"})
    assert slots["email"] is None
    assert slots["requested_slot"] == "email"
    assert "last_name" not in slots and "phone" not in slots
    _, again = await run({**full, **slots}, {"email": "sophie.l@example.be"})
    assert again["requested_slot"] == "complaint_confirm"


async def test_form_anonymous_refused_at_igretec_but_asked_again_at_spf(use_policy) -> None:
    use_policy("igretec")
    _, slots = await run({"consent": True, "acting_for": "self"}, {"last_name": "anonyme"})
    assert slots["refusal"]["reason_code"] == "anonymous"
    use_policy("spf-securite-sociale")
    _, slots = await run({"consent": True, "acting_for": "self"}, {"last_name": "anonyme"})
    assert not slots.get("refusal") and slots["requested_slot"] == "last_name"


async def test_form_consent_refused_ends_the_form_without_data(use_policy) -> None:
    use_policy("igretec")
    _, slots = await run({}, {"consent": "non"})
    assert slots["intake_end"] == "no_consent" and not slots.get("refusal")
    assert slots["requested_slot"] is None


async def test_form_uploaded_file_is_acknowledged_and_question_stays(use_policy) -> None:
    use_policy("igretec")
    before_files = {**IDENTITY, "facts_description": "Une facture de 412 euros reçue le 14 octobre à Mons.",
                    "facts_date": "2026-10-14", "facts_place": "Mons", "persons_contacted": "aucun"}
    meta = {"attachments": [{"id": "a1", "filename": "facture.pdf", "media_type": "application/pdf",
                             "size": 100, "sha256": "0" * 64}]}
    d, slots = await run(before_files, {"attachments": "[document]"}, metadata=meta, requested="attachments")
    assert responses(d) == ["utter_attachment_received"]
    assert slots["uploaded_attachments"][0]["filename"] == "facture.pdf"
    assert slots["attachments"] is None and slots["requested_slot"] == "attachments"
    meta2 = {"attachments": [{"id": "a2", "filename": "photo.jpg", "media_type": "image/jpeg",
                              "size": 50, "sha256": "1" * 64}]}
    _, slots2 = await run({**before_files, **slots}, {"attachments": "[document]"}, metadata=meta2,
                          requested="attachments")
    assert [a["id"] for a in slots2["uploaded_attachments"]] == ["a1", "a2"]
    assert slots2["requested_slot"] == "attachments"
    _, done = await run({**before_files, **slots2}, {"attachments": "terminé"})
    assert [a["id"] for a in done["attachments"]] == ["a1", "a2"]


async def test_form_file_sent_during_another_question_answers_nothing(use_policy) -> None:
    use_policy("igretec")
    meta = {"attachments": [{"id": "a1", "filename": "decision.pdf", "media_type": "application/pdf",
                             "size": 100, "sha256": "0" * 64}]}
    d, slots = await run(IDENTITY, {"facts_description": "[document]"}, metadata=meta, requested="facts_description")
    assert responses(d) == ["utter_attachment_kept_for_later"]
    assert slots["facts_description"] is None and slots["requested_slot"] == "facts_description"
    assert slots["uploaded_attachments"][0]["id"] == "a1"


async def test_a_file_sent_at_the_summary_is_joined_as_promised(use_policy) -> None:
    from actions.wiring import services
    from bot.services.intake import Intake
    use_policy("igretec")
    state = {**IDENTITY, "attachments": [], "uploaded_attachments": [
        {"id": "a9", "filename": "photo.jpg", "media_type": "image/jpeg", "size": 50, "sha256": "2" * 64}]}
    intake = Intake(services().policy, services().now())
    assert [a["id"] for a in intake.filing_data(state)["attachments"]] == ["a9"]
    assert "photo.jpg" in intake.summary(state)


@pytest.mark.parametrize("answer", ["aucun pour l'instant", "le bon de livraison, je l'envoie plus tard"])
async def test_documents_for_later_go_on_without_a_loop(use_policy, answer) -> None:
    use_policy("plan-gestion")
    d, slots = await run({"consent": True}, {"attachments": answer}, requested="attachments")
    assert slots["attachments"] == [] and slots["requested_slot"] != "attachments"
    assert "je continue sans document" in " ".join(m.get("text") or "" for m in d.messages)


async def test_form_cancel_inside_a_question_ends_the_form_and_keeps_nothing(use_policy) -> None:
    use_policy("igretec")
    events = await ValidateComplaintForm().run(CollectingDispatcher(), make_tracker(
        IDENTITY, text="annuler", set_now={"facts_place": "annuler"}), {})
    assert slot_events(events) == {"intake_end": "cancelled", "requested_slot": None}


async def test_form_an_answer_mentioning_a_counsellor_is_an_answer_not_a_handover(use_policy) -> None:
    use_policy("plan-gestion")
    d, slots = await run({}, {"persons_targeted": "le conseiller"}, intent="request_human")
    assert slots["persons_targeted"] == "le conseiller"
    assert "utter_human_handover" not in responses(d)


async def test_form_explicit_request_for_a_human_keeps_the_question(use_policy) -> None:
    use_policy("igretec")
    d, slots = await run(IDENTITY, {"facts_place": "je veux parler à quelqu'un"})
    assert responses(d) == ["utter_human_handover"]
    assert slots["facts_place"] is None and slots["requested_slot"] == "facts_description"


async def test_form_name_refused_twice_is_kept_when_given_a_third_time(use_policy) -> None:
    use_policy("igretec")
    state: dict = {"consent": True, "acting_for": "self"}
    messages = []
    for _ in range(3):
        d, slots = await run(state, {"last_name": "Charge12"})
        state.update(slots)
        messages.append(responses(d))
    assert messages[0] == ["utter_field_invalid"] and messages[1] in (["utter_field_help"], ["utter_field_help_human"])
    assert messages[2] == ["utter_name_kept_as_given"]
    assert state["last_name"] == "Charge12" and state["requested_slot"] == "first_name"


async def test_form_a_different_wrong_name_is_still_refused(use_policy) -> None:
    use_policy("igretec")
    state: dict = {"consent": True, "acting_for": "self"}
    for answer in ("Charge12", "Charge13", "Dupont3"):
        _, slots = await run(state, {"last_name": answer})
        state.update(slots)
    assert state["last_name"] is None


async def test_form_sets_again_only_what_the_validation_changes(use_policy) -> None:
    # every event is stored and replayed at each turn: an answer kept as typed is not set twice
    use_policy("igretec")
    kept = await ValidateComplaintForm().run(CollectingDispatcher(), make_tracker(
        {"consent": True, "acting_for": "self"}, text="Lambert", set_now={"last_name": "Lambert"},
        requested="last_name"), {})
    assert "last_name" not in slot_events(kept) and slot_events(kept)["requested_slot"] == "first_name"
    changed = await ValidateComplaintForm().run(CollectingDispatcher(), make_tracker(
        {**IDENTITY, "phone": None}, text="0475 98 76 54", set_now={"phone": "0475 98 76 54"},
        requested="phone"), {})
    assert slot_events(changed)["phone"] == "+32475987654"


async def test_form_wrong_date_does_not_repeat_the_example_of_the_question_asked_again(use_policy) -> None:
    import yaml

    from bot.config import ROOT

    use_policy("igretec")
    question = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]["utter_ask_facts_date"][0]["text"]
    assert "par exemple" in question  # asked again right after the message below
    facts = {**IDENTITY, "facts_description": "Le technicien n'est pas venu au rendez-vous fixé."}
    d, slots = await run(facts, {"facts_date": "devant chez moi"})
    assert slots["requested_slot"] == "facts_date"
    assert responses(d) == ["utter_field_invalid"]
    assert "exemple" not in d.messages[0]["validation_message"].lower()
    d, slots = await run({**facts, **slots}, {"facts_date": "bof"})
    assert responses(d) == ["utter_field_help_human"]  # a person offered, still no second example
    assert "exemple" not in d.messages[0]["validation_message"].lower()


@pytest.mark.parametrize("answer", ["je sais pas comment l'envoyer", "comment je fais pour joindre la photo ?",
                                    "comment on fait pr envoyer"])
async def test_how_to_send_a_document_is_explained_and_the_question_stays(use_policy, answer) -> None:
    use_policy("igretec")
    state = {**IDENTITY, "channel": "telegram", "facts_description": "Une facture de 412 euros reçue le 14 octobre.",
             "facts_date": "2026-10-14", "facts_place": "Mons", "persons_contacted": "aucun"}
    d, slots = await run(state, {"attachments": answer}, requested="attachments")
    assert slots["attachments"] is None and slots["requested_slot"] == "attachments"
    assert "trombone" in " ".join(m.get("text") or "" for m in d.messages)
