"""A whole letter in one message, details given in passing, corrections with their value (issue 10)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionOtherMessage, ActionTriage
from actions.form import ValidateComplaintForm
from actions.intake import ActionStartIntake
from actions.wiring import services
from bot.services.intake import Intake
from tests.actions.conftest import make_tracker, responses, slot_events, texts

LETTER = ("Bonjour, je m'appelle Marc Dupuis, j'habite rue de la Station 8 à 6000 Charleroi "
          "(marc.dupuis@example.be, 0471 98 76 54). Le 6 novembre 2026, au guichet de votre agence de Mons, "
          "Mme Lambert a refusé de me remettre le formulaire de mon dossier 2026/0777. Je demande que ce "
          "formulaire me soit envoyé par courrier.")
FORM_LAYOUT = ("Nom : Martin. Prénom : Claire. Adresse : chaussée de Charleroi 12 à 6040 Jumet. "
               "E-mail : claire.martin@example.be. Téléphone : 0476 12 34 56. Faits : le 12 octobre 2026, votre "
               "agent M. Dubois est venu relever le compteur et a cassé la clôture du jardin. "
               "Objectif : je demande la réparation de la clôture.")
IDENTITY = {"consent": True, "acting_for": "self", "last_name": "Lambert", "first_name": "Sophie",
            "address": "Rue des Écoles 7, 7000 Mons", "email": "sophie.lambert@example.be",
            "phone": "+32475987654", "file_reference": "aucune", "intake_id": "i1"}


async def start(text: str, **kw) -> tuple[CollectingDispatcher, dict]:  # type: ignore[no-untyped-def]
    d = CollectingDispatcher()
    events = await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None, **kw), {})
    return d, slot_events(events)


async def form(slots, set_now, text=None, **kw):  # type: ignore[no-untyped-def]
    d = CollectingDispatcher()
    text = text if text is not None else str(next(iter(set_now.values())))
    events = await ValidateComplaintForm().run(d, make_tracker(slots, text=text, set_now=set_now, **kw), {})
    return d, slot_events(events)


async def test_a_whole_letter_fills_every_field_it_gives(use_policy) -> None:
    use_policy("igretec")
    d, slots = await start(LETTER)
    assert slots["last_name"] == "Dupuis" and slots["first_name"] == "Marc"
    assert slots["address"] == "rue de la Station 8, 6000 Charleroi"
    assert slots["email"] == "marc.dupuis@example.be" and slots["phone"] == "+32471987654"
    assert slots["file_reference"] == "2026/0777"
    assert slots["facts_date"] == "2026-11-06" and slots["facts_date_precision"] == "day"
    assert slots["facts_place"] == "au guichet de votre agence de Mons"
    assert slots["persons_contacted"] == "Mme Lambert"
    assert slots["objective"].startswith("Je demande que ce formulaire")
    assert slots["acting_for"] == "self"
    assert slots["facts_description"].startswith("Le 6 novembre 2026")
    assert "Dupuis" not in slots["facts_description"]
    assert responses(d) == ["utter_letter_noted"], "what was noted is said once"


async def test_after_consent_a_complete_letter_only_asks_for_documents(use_policy) -> None:
    use_policy("igretec")
    _, slots = await start(LETTER)
    _, after = await form(slots, {"consent": "oui"})
    assert after["requested_slot"] == "attachments"


async def test_a_form_layout_is_read_too(use_policy) -> None:
    use_policy("igretec")
    _, slots = await start(FORM_LAYOUT)
    assert (slots["last_name"], slots["first_name"]) == ("Martin", "Claire")
    assert slots["address"] == "chaussée de Charleroi 12, 6040 Jumet"
    assert slots["objective"] == "je demande la réparation de la clôture"
    assert slots["facts_description"].startswith("le 12 octobre 2026, votre agent M. Dubois")


async def test_a_letter_classified_as_something_else_still_starts_the_intake(use_policy) -> None:
    use_policy("igretec")
    for action, intent in ((ActionTriage(), "ask_information"), (ActionOtherMessage(), "out_of_scope"),
                           (ActionOtherMessage(), "greet")):
        d = CollectingDispatcher()
        events = await action.run(d, make_tracker({}, text=FORM_LAYOUT, intent=intent, loop=None), {})
        assert any(e.get("event") == "followup" and e.get("name") == "complaint_form" for e in events), intent
        assert slot_events(events)["last_name"] == "Martin"


async def test_a_triaged_message_is_reused_when_the_citizen_then_files(use_policy) -> None:
    use_policy("igretec")
    text = ("Bonjour, je voudrais savoir pourquoi la facture de raccordement reçue le 14 octobre compte deux fois "
            "les mêmes travaux à Mons ?")
    d = CollectingDispatcher()
    events = await ActionTriage().run(d, make_tracker({}, text=text, intent="ask_information", loop=None), {})
    kept = slot_events(events)["pending_letter"]
    assert kept == text
    _, slots = await start("Je veux déposer une réclamation", intent="file_complaint")
    assert "facts_description" not in slots  # nothing pending in that tracker
    d2 = CollectingDispatcher()
    events2 = await ActionStartIntake().run(
        d2, make_tracker({"pending_letter": kept}, text="Je veux déposer une réclamation", loop=None), {})
    slots2 = slot_events(events2)
    assert slots2["facts_date"] == "2026-10-14" and slots2["pending_letter"] is None


async def test_a_service_request_is_not_turned_into_a_complaint(use_policy) -> None:
    use_policy("notice-reclamation")
    d = CollectingDispatcher()
    text = "je voudrais qu'un technicien vienne installer une deuxième prise dans mon salon, comment faire ?"
    events = await ActionTriage().run(d, make_tracker({}, text=text, intent="request_service", loop=None), {})
    assert not any(e.get("event") == "followup" for e in events)


async def test_emojis_get_a_prompt_never_a_goodbye(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    await ActionOtherMessage().run(d, make_tracker({}, text="😡😡😡", intent="goodbye", loop=None), {})
    assert responses(d) == ["utter_how_can_i_help"]


async def test_an_answer_that_carries_other_details_fills_them(use_policy) -> None:
    use_policy("igretec")
    state = {k: v for k, v in IDENTITY.items() if k not in ("email", "phone")}
    d, slots = await form(state, {"email": "sophie.lambert@example.be et mon gsm c'est le 0475 11 22 33"},
                          requested="email")
    assert slots["email"] == "sophie.lambert@example.be"
    assert slots["phone"] == "+32475112233"
    assert "utter_volunteered" in responses(d)
    assert slots["requested_slot"] == "facts_description"


async def test_a_correction_of_another_field_inside_a_question(use_policy) -> None:
    use_policy("igretec")
    state = {**IDENTITY, "file_reference": None}
    d, slots = await form(state, {"file_reference": "ah non, mon numéro c'est le 0478 99 88 77"},
                          requested="file_reference")
    assert slots["phone"] == "+32478998877"
    assert slots["file_reference"] is None and slots["requested_slot"] == "file_reference"
    assert "utter_corrected" in responses(d)


FULL = {**IDENTITY, "facts_description": "La facture de 412 euros reçue le 14 octobre compte deux fois les travaux.",
        "facts_date": "2026-10-14", "facts_place": "Mons", "persons_contacted": "aucun", "attachments": [],
        "objective": "Une réponse écrite."}


async def test_corrections_with_their_value_at_the_summary(use_policy) -> None:
    use_policy("igretec")
    cases = [
        ("mon e-mail c'est marie.d@example.org", "email", "marie.d@example.org"),
        ("non, le numéro est le 0478 99 88 77", "phone", "+32478998877"),
        ("ah non, c'était le 4 novembre", "facts_date", "2026-11-04"),
        ("le prénom est faux, c'est Paul", "first_name", "Paul"),
        ("Le lieu est faux, c'est Fleurus (le terrain)", "facts_place", "Fleurus (le terrain)"),
        ("l'objectif est faux : je veux une décision rapidement", "objective", "je veux une décision rapidement"),
        ("l'objectif c'est qu'un technicien vienne cette semaine, c'est tout", "objective",
         "qu'un technicien vienne cette semaine"),
    ]
    for text, field, value in cases:
        d, slots = await form(FULL, {"complaint_confirm": text}, requested="complaint_confirm")
        assert slots[field] == value, text
        assert slots["requested_slot"] == "complaint_confirm", "the summary is shown again, nothing else asked"
        assert "utter_corrected" in responses(d)


async def test_several_corrections_in_one_message_are_all_applied(use_policy) -> None:
    use_policy("igretec")
    cases = [
        ("le nom c Benali et le prenom Yasmine", {"last_name": "Benali", "first_name": "Yasmine"}),
        ("mon e-mail c'est marie.d@example.org et mon numéro le 0478 99 88 77",
         {"email": "marie.d@example.org", "phone": "+32478998877"}),
        ("non c'était le 5 novembre, et le lieu c'était au guichet de Charleroi",
         {"facts_date": "2026-11-05", "facts_place": "au guichet de Charleroi"}),
        ("la date c'est le 12 novembre et l'adresse c'est rue Haute 5, 6000 Charleroi",
         {"facts_date": "2026-11-12", "address": "rue Haute 5, 6000 Charleroi"}),
    ]
    for text, expected in cases:
        d, slots = await form(FULL, {"complaint_confirm": text}, requested="complaint_confirm")
        assert {k: slots.get(k) for k in expected} == expected, text
        assert responses(d).count("utter_corrected") == 1 and " ; " in responses_kwargs(d), "said once, both"
    use_policy("plan-gestion")
    plan = {"consent": True, "subject": "le four", "service_concerned": "au début", "facts_date": "2026-11-10",
            "facts_description": "Le technicien n'est pas venu réparer le four.", "intake_id": "i1"}
    _, slots = await form(plan, {"complaint_confirm": "la date c'est le 12 novembre et le contrat c'est le contrat "
                                                      "de maintenance du four"}, requested="complaint_confirm")
    assert slots["facts_date"] == "2026-11-12" and slots["service_concerned"] == "le contrat de maintenance du four"


@pytest.mark.parametrize(("text", "expected"), [
    ("Et l'adresse aussi, j'ai déménagé : rue des Écoles 14, 6200 Châtelet", {"address": "rue des Écoles 14, 6200 Châtelet"}),
    ("La date des faits c'est le 20 octobre, le 10 novembre c'est la date de mon mail.", {"facts_date": "2026-10-20"}),
    ("les faits c'est : le 27 novembre l'agente au téléphone m'a raccroché au nez en me traitant de profiteur",
     {"facts_description": "le 27 novembre l'agente au téléphone m'a raccroché au nez en me traitant de profiteur"}),
    ("non c'était le 15 mars pas le 14, et mettez plutôt mon GSM 0476 12 34 56",
     {"facts_date": "2026-03-15", "phone": "+32476123456"}),
    ("Presque. Mon numéro de téléphone est en fait le 02 374 55 81, et c'était le 14 février, pas le 12.",
     {"phone": "+3223745581", "facts_date": "2026-02-14"}),
    ("mon nom est Fontaine et mon prénom Claire", {"last_name": "Fontaine", "first_name": "Claire"}),
])
async def test_the_field_named_first_is_corrected_never_one_a_word_inside_the_value(use_policy, text, expected) -> None:
    use_policy("igretec")
    _, slots = await form(FULL, {"complaint_confirm": text}, requested="complaint_confirm")
    assert {k: slots.get(k) for k in expected} == expected


async def test_added_facts_are_added_not_replaced(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(FULL, {"complaint_confirm": "Les faits : il faut ajouter que mon message du 5 octobre "
                                                      "au service client n'a jamais eu de réponse"},
                          requested="complaint_confirm")
    assert slots["facts_description"].startswith(FULL["facts_description"])
    assert slots["facts_description"].endswith("Mon message du 5 octobre au service client n'a jamais eu de réponse")


@pytest.mark.parametrize(("text", "said"), [
    ("Les faits du guichet datent de mars 2025, c'est un problème ?", "plus d'un an ne peuvent en principe pas"),
    ("Avant de confirmer : qui est le médiateur si votre réponse ne me convient pas ?", "Médiateur de la Wallonie"),
    ("Mes voisins peuvent-ils signer cette réclamation avec moi ?", "plusieurs personnes"),
    ("Est-ce que ça va être traité par quelqu'un de compétent ?", "Je ne peux pas répondre moi-même"),
])
async def test_a_question_at_the_summary_is_answered_and_changes_nothing(use_policy, text, said) -> None:
    use_policy("igretec")
    d, slots = await form(FULL, {"complaint_confirm": text}, requested="complaint_confirm")
    assert said in texts(d), texts(d)
    assert slots["requested_slot"] == "complaint_confirm"
    assert all(slots.get(k, FULL[k]) == FULL[k] for k in FULL), "nothing in the summary changes"
    assert not slots.get("refusal")


async def test_a_question_after_an_answer_is_answered_and_the_answer_kept(use_policy) -> None:
    use_policy("igretec")
    state = {k: v for k, v in FULL.items() if k not in ("file_reference", "facts_description", "facts_date",
                                                          "facts_place", "persons_contacted", "attachments", "objective")}
    d, slots = await form(state, {"file_reference": "Oui, c'est la demande de permis URB/2026/1187. Et si je ne suis "
                                                    "pas d'accord avec votre réponse, je peux faire quoi ?"},
                          requested="file_reference")
    assert slots["file_reference"] == "URB/2026/1187" and "Médiateur de la Wallonie" in texts(d)


async def test_a_day_alone_corrects_the_date_at_the_summary(use_policy) -> None:
    use_policy("igretec")
    state = {**FULL, "facts_date_detail": {"earliest": "2026-10-14", "latest": "2026-10-14", "text": "le 14 octobre"}}
    for text in ("ah non c'était le 13, pas le 14", "la date c'est le 13", "non c'est le 13"):
        d, slots = await form(state, {"complaint_confirm": text}, requested="complaint_confirm")
        assert slots["facts_date"].endswith("-13") and slots["facts_date_precision"] == "day", text
        assert "utter_corrected" in responses(d)
    d, slots = await form(state, {"complaint_confirm": "c'est le vendeur blond, je connais pas son nom"},
                          requested="complaint_confirm")
    assert slots.get("last_name", FULL["last_name"]) == FULL["last_name"], "someone else's name is not the citizen's"


async def test_changing_a_field_without_its_value_still_asks_for_it(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(FULL, {"complaint_confirm": "je veux changer mon e-mail"}, requested="complaint_confirm")
    assert slots["email"] is None and slots["requested_slot"] == "email"


async def test_correct_an_element_asks_which_with_buttons_without_the_summary_again(use_policy) -> None:
    from actions.asks import AskComplaintConfirm
    use_policy("igretec")
    _, slots = await form(FULL, {"complaint_confirm": "je veux corriger"}, requested="complaint_confirm")
    assert slots["correction_asked"] is True and slots["requested_slot"] == "complaint_confirm"
    d = CollectingDispatcher()
    await AskComplaintConfirm().run(d, make_tracker({**FULL, **slots}, loop="complaint_form"), {})
    assert [m["response"] for m in d.messages] == ["utter_correct_which"], "the summary is not printed again"
    titles = [b["title"] for b in d.messages[0]["buttons"]]
    assert {"Nom", "Adresse", "Date des faits", "Objectif", "Rien, tout est correct"} <= set(titles)
    for title, field in (("Date des faits", "facts_date"), ("Lieu", "facts_place"), ("Nom", "last_name"),
                         ("Au nom de", "acting_for"), ("Objectif", "objective")):
        picked = next(b["payload"] for b in d.messages[0]["buttons"] if b["title"] == title)
        _, chosen = await form({**FULL, **slots}, {"complaint_confirm": picked}, requested="complaint_confirm")
        assert chosen[field] is None and chosen["requested_slot"] == field and not chosen["correction_asked"], title
    _, nothing = await form({**FULL, **slots}, {"complaint_confirm": "non"}, requested="complaint_confirm")
    assert not nothing["correction_asked"] and nothing["requested_slot"] == "complaint_confirm"
    d = CollectingDispatcher()
    await AskComplaintConfirm().run(d, make_tracker({**FULL, **nothing}, loop="complaint_form"), {})
    assert [m["response"] for m in d.messages] == ["utter_ask_complaint_confirm"], "then the summary again"
    _, done = await form({**FULL, **slots}, {"complaint_confirm": "oui, c'est correct"}, requested="complaint_confirm")
    assert done["complaint_confirm"] is True


async def test_an_imprecise_date_is_kept_as_said_and_shown_so(use_policy) -> None:
    from actions.asks import AskComplaintConfirm

    use_policy("igretec")
    state = {**IDENTITY, "facts_description": FULL["facts_description"]}
    _, slots = await form(state, {"facts_date": "fin septembre ou début octobre"}, requested="facts_date")
    assert slots["facts_date_precision"] == "approximate"
    assert slots["facts_date_detail"] == {"earliest": "2026-09-21", "latest": "2026-10-10",
                                          "text": "fin septembre ou début octobre"}
    d = CollectingDispatcher()
    await AskComplaintConfirm().run(d, make_tracker({**FULL, **slots}, loop="complaint_form"), {})
    summary = d.messages[0]["summary"]
    assert "entre le 21 septembre et le 10 octobre 2026" in summary
    _, month = await form(state, {"facts_date": "en juin"}, requested="facts_date")
    d = CollectingDispatcher()
    await AskComplaintConfirm().run(d, make_tracker({**FULL, **month}, loop="complaint_form"), {})
    assert "Date des faits : juin 2026" in d.messages[0]["summary"]


async def test_the_one_year_rule_decides_on_the_range(use_policy) -> None:
    use_policy("igretec")  # today 24 November 2026: the limit is 24 November 2025
    state = {**IDENTITY, "facts_description": FULL["facts_description"]}
    _, old = await form(state, {"facts_date": "en octobre 2025"}, requested="facts_date")
    assert old["refusal"]["reason_code"] == "too_old"
    _, straddles = await form(state, {"facts_date": "en novembre 2025"}, requested="facts_date")
    assert not straddles.get("refusal")
    assert straddles["pending_exclusion"]["code"] == "too_old", "asked, not refused, when the range straddles"
    _, recent = await form(state, {"facts_date": "début décembre 2025"}, requested="facts_date")
    assert not recent.get("refusal") and not recent.get("pending_exclusion")


async def test_slots_read_from_the_letter_are_not_validated_again_when_the_form_opens(use_policy) -> None:
    use_policy("igretec")
    _, started = await start(LETTER)
    opened = [{"event": "user", "text": LETTER}, {"event": "action", "name": "action_start_intake"}]
    d = CollectingDispatcher()
    tracker = make_tracker({}, text=LETTER, set_now=started, events=opened[:1])
    tracker.events.insert(1, opened[1])
    events = await ValidateComplaintForm().run(d, tracker, {})
    slots = slot_events(events)
    assert d.messages == [], "no 'je n'ai pas compris' about values the assistant read itself"
    assert slots["requested_slot"] == "consent"


async def test_after_a_letter_the_spf_asks_only_what_its_seed_requires(use_policy) -> None:
    use_policy("spf-securite-sociale")
    letter = ("Bonjour, je suis Lucie Janssens (lucie.janssens@example.be, 0479 11 22 33). Depuis le 1er octobre "
              "2026 j'attends une réponse de votre service à mon courrier et personne ne répond au téléphone. "
              "Je veux une réponse écrite.")
    _, slots = await start(letter)
    _, after = await form(slots, {"consent": "oui"})
    assert after["requested_slot"] == "attachments", "no address, file reference or date asked after the letter"
    use_policy("igretec")  # IGRETEC's seed lists the place and the persons contacted: still asked
    _, slots = await start(letter)
    _, after = await form(slots, {"consent": "oui"})
    assert after["requested_slot"] == "address"


SOLIDARIS_LETTER = ("Madame, Monsieur, affiliée sous le numéro d'affiliation 123-4567890-12, je vous écris car le "
                    "remboursement de mes séances de kiné, demandé le 9 septembre 2026 à l'agence d'Anderlecht, "
                    "n'a toujours pas été versé. J'ai appelé deux fois le service en charge de mon dossier, sans "
                    "résultat. Je demande le versement des remboursements dus. Anne Wauters, rue Wayez 101, "
                    "1070 Anderlecht, anne.wauters@example.be, 0478 23 45 67")


def responses_kwargs(d: CollectingDispatcher) -> str:
    return " ".join(str(v) for m in d.messages for v in m.values())


async def test_a_letter_that_says_the_service_was_called_is_not_asked_about_it_again(use_policy) -> None:
    use_policy("solidaris-brabant")
    d, slots = await start(SOLIDARIS_LETTER)
    assert slots["prior_contact"] is True
    _, after = await form(slots, {"consent": "oui"})
    assert after["requested_slot"] == "attachments", "the prior-contact question is not asked"
    svc = services()
    summary = Intake(svc.policy, svc.now()).summary({**slots, **after})
    assert "• Contact préalable avec le service : oui" in summary, "the citizen can check what was read"
    assert "contact préalable avec le service" in responses_kwargs(d), "and heard it was noted"


async def test_how_long_the_citizen_lives_abroad_is_not_a_date_that_refuses_the_letter(use_policy) -> None:
    use_policy("igretec")
    _, slots = await start("Bonjour, j'habite en Espagne depuis 2 ans mais j'ai encore un terrain dans le zoning "
                           "de Fleurus. Vous m'avez envoyé une mise en demeure pour un entretien que je n'ai "
                           "jamais demandé.")
    assert not slots.get("refusal") and not slots.get("pending_exclusion")
    assert slots.get("facts_date") is None, "the date of the facts is still to be asked"


async def test_a_letter_too_old_by_its_reading_is_confirmed_before_any_refusal(use_policy) -> None:
    use_policy("igretec")  # today 24 November 2026
    letter = ("Bonjour, le 3 mars 2025 votre technicien a abîmé ma clôture en relevant le compteur et personne "
              "ne m'a jamais recontacté malgré mes appels.")
    _, started = await start(letter)
    assert not started.get("refusal"), "a reading is not enough to refuse"
    pending = started["pending_exclusion"]
    assert pending["code"] == "too_old" and "le 3 mars 2025" in pending["question"]
    state = {**{k: v for k, v in started.items() if v is not None}, "consent": None}
    d, misread = await form(state, {"exclusion_check": "non"}, requested="exclusion_check")
    assert misread["facts_date"] is None and misread["pending_exclusion"] is None
    assert "je vous demanderai la date des faits" in str(d.messages)
    assert not misread.get("refusal")
    _, confirmed = await form(state, {"exclusion_check": "oui"}, requested="exclusion_check")
    assert confirmed["refusal"]["reason_code"] == "too_old"


async def test_a_letter_without_email_is_answered_by_post_and_the_email_is_not_asked(use_policy) -> None:
    use_policy("igretec")
    d, slots = await start("Je n'ai pas d'adresse mail, écrivez-moi au 14 rue de la Gare 6000 Charleroi. Lundi "
                           "dernier votre camion a arraché ma boîte aux lettres et le chauffeur est reparti sans "
                           "rien dire. Je veux qu'on me la remplace. Mme Josiane Lemaire")
    assert slots["declined_fields"] == ["email"]
    assert any("par courrier" in (m.get("text") or "") for m in d.messages)
    assert slots["facts_description"].startswith("Lundi dernier")


async def test_a_short_sms_that_tells_the_facts_is_kept_as_the_account(use_policy) -> None:
    use_policy("solidaris-brabant")
    _, slots = await start("slt jvoulai me plaindre jai recu une facture de 250e alor ke jai rien consommé. "
                           "ref client 45879632. merci")
    assert "facture de 250e" in slots["facts_description"]
    assert slots["file_reference"] == "45879632"


async def test_the_date_corrected_at_the_question_of_its_age_is_assessed_again(use_policy) -> None:
    use_policy("igretec")  # today 24 November 2026
    _, started = await start("Bonjour, le 3 mars 2025 votre technicien a abîmé ma clôture en relevant le compteur "
                             "et personne ne m'a jamais recontacté malgré mes appels.")
    state = {k: v for k, v in started.items() if v is not None}
    _, slots = await form(state, {"exclusion_check": "non, c'était le 3 mars de cette année"},
                          requested="exclusion_check")
    assert slots["facts_date"] == "2026-03-03"
    assert slots["pending_exclusion"] is None and not slots.get("refusal")


async def test_a_firm_unpaid_for_its_invoice_is_asked_whether_it_is_a_co_contractor(use_policy) -> None:
    use_policy("igretec")
    _, slots = await start("Je suis le gérant de la SPRL Dubois Construction, rue du Travail 5 à 4000 Liège. Depuis "
                           "trois mois vous ne payez pas notre facture n° F-2026-118 de 3.400 euros pour le chantier "
                           "de Herstal. Nous exigeons le paiement. Pierre Dubois, 04 222 33 44")
    assert (slots["acting_for"], slots["represented_person"]) == ("organisation", "SPRL Dubois Construction")
    assert slots["pending_exclusion"]["code"] == "co_contractor"
    _, resident = await start("Le chantier de la rue de Mons bloque ma sortie de garage depuis le 2 novembre et "
                              "personne ne répond à mes appels.")
    assert not resident.get("pending_exclusion"), "a resident near a building site is not asked"


async def test_a_letter_that_tells_a_demarche_since_old_facts_is_not_asked_about_it_again(use_policy) -> None:
    use_policy("solidaris-brabant")
    told = ("Bonjour, je m'appelle Nadia Benali, rue de la Station 8, 1400 Nivelles, nadia.benali@example.be, "
            "0471 22 33 44. En mars 2025, votre agence de Nivelles a perdu mes attestations de soins. {} "
            "Je demande le remboursement de mes soins.")
    _, slots = await start(told.format("J'ai déjà écrit trois fois depuis, sans réponse."))
    assert slots["initiative_taken"] is True and not slots.get("initiative_needed")
    _, silent = await start(told.format(""))
    # the date read in the letter is confirmed first, then the démarche is asked about
    assert silent["pending_exclusion"]["date_read"] and not silent.get("initiative_needed")
    _, confirmed = await form({**IDENTITY, **silent}, {"exclusion_check": "oui"}, requested="exclusion_check")
    assert confirmed["initiative_needed"] is True and not confirmed.get("refusal")


async def test_what_the_first_message_already_says_is_dealt_with_before_any_identity(use_policy) -> None:
    use_policy("spf-securite-sociale")
    _, slots = await start("Bonjour, ma mère attend depuis 8 mois une réponse de la DG Personnes handicapées pour "
                           "son allocation, personne ne répond au téléphone.")
    assert slots["pending_exclusion"]["code"] == "other_service"
    intake = Intake(services().policy, services().now())
    assert intake.next_slot({**slots, "consent": True}) == "exclusion_check", "before the name is asked"
    use_policy("solidaris-brabant")
    d, slots = await start("je veux faire une plainte mais rester anonyme, j'ai peur des représailles de l'agent")
    assert "Une plainte anonyme ne peut pas être traitée" in " ".join(m.get("text") or "" for m in d.messages)
    assert not slots.get("refusal"), "the refusal only if the name is then refused"


async def test_the_person_written_for_is_kept_where_the_preset_does_not_ask_it(use_policy) -> None:
    use_policy("spf-securite-sociale")
    _, slots = await start("Bonjour, j'écris pour ma mère, Mme Jeanne Peeters : le 10 novembre votre agent lui a "
                           "raccroché au nez au téléphone alors qu'elle demandait son attestation.")
    assert slots["represented_person"] == "ma mère, Mme Jeanne Peeters"
    intake = Intake(services().policy, services().now())
    assert intake.summary(slots).startswith("• Pour : votre mère, Mme Jeanne Peeters")
    assert intake.filing_data(slots)["represented_person"] == "ma mère, Mme Jeanne Peeters"


async def test_nothing_to_correct_at_the_summary_files_it(use_policy) -> None:
    use_policy("plan-gestion")
    for text in ("aucune", "Rien, tout est correct", "non rien", "tout est bon merci"):
        _, slots = await form({**FULL, "correction_asked": True}, {"complaint_confirm": text},
                              requested="complaint_confirm")
        assert slots["complaint_confirm"] is True, text
