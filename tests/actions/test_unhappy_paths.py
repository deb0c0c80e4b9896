"""Inside the form: questions, remarks, declines, doubtful values, other organisations, other languages
(issue 11). Each test drives the form's validation action with an inline tracker."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.form import ValidateComplaintForm
from actions.intake import ActionStartIntake, ActionSubmitComplaint
from bot.services.intake import FIELD_LABELS
from tests.actions.conftest import make_tracker, responses, slot_events, texts, validated

IDENTITY = {"consent": True, "acting_for": "self", "last_name": "Lambert", "first_name": "Sophie",
            "address": "Rue des Écoles 7, 7000 Mons", "email": "sophie.lambert@example.be",
            "phone": "+32475987654", "file_reference": "aucune", "intake_id": "i1"}
ORDER = ["acting_for", "last_name", "first_name", "address", "email", "phone", "file_reference",
         "facts_description", "facts_date", "facts_place", "persons_contacted", "attachments", "objective"]


def before(slot: str) -> dict:
    """IGRETEC's state when `slot` is the question being asked."""
    full = {**IDENTITY, "facts_description": "La facture de 412 euros reçue le 14 octobre compte deux fois les travaux.",
            "facts_date": "2026-10-14", "facts_place": "Mons", "persons_contacted": "aucun", "attachments": [],
            "objective": "Une réponse écrite."}
    return {k: (None if k in ORDER and ORDER.index(k) >= ORDER.index(slot) else v) for k, v in full.items()}


async def form(slots, set_now, text=None, events=None, **kw):  # type: ignore[no-untyped-def]
    d = CollectingDispatcher()
    slot = next(iter(set_now))
    text = text if text is not None else str(set_now[slot])
    evts = await ValidateComplaintForm().run(d, make_tracker(slots, text=text, set_now=set_now, requested=slot,
                                                             events=events, **kw), {})
    return d, validated(set_now, evts)


@pytest.mark.parametrize("slot", [s for s in ORDER if s in FIELD_LABELS and s != "attachments"])
async def test_a_question_about_the_field_is_explained_and_never_stored(use_policy, slot) -> None:
    use_policy("igretec")
    for question in ("c'est quoi ?", "pourquoi vous demandez ça ?", "je dois mettre quoi ?"):
        d, slots = await form(before(slot), {slot: question})
        assert slots[slot] is None, (slot, question)
        assert slots["requested_slot"] == slot, "the question is asked again"
        assert responses(d) == [f"utter_why_{slot}"]


async def test_already_said_looks_back_at_earlier_messages(use_policy) -> None:
    use_policy("igretec")
    earlier = [{"event": "user", "text": "je m'appelle Sophie Lambert, j'habite Rue des Écoles 7, 7000 Mons"}]
    d, slots = await form(before("address"), {"address": "je vous l'ai déjà donnée"}, events=earlier)
    assert slots["address"] == "Rue des Écoles 7, 7000 Mons"
    assert responses(d)[0] == "utter_found_earlier"
    d, slots = await form(before("address"), {"address": "je vous l'ai déjà donnée"})
    assert slots["address"] is None and responses(d) == ["utter_not_found_earlier"]


async def test_already_said_with_the_value_keeps_only_the_value(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(before("facts_place"), {"facts_place": "je l'ai déjà dit, dans vos bureaux boulevard Mayence"})
    assert slots["facts_place"] == "dans vos bureaux boulevard Mayence"


async def test_no_email_at_igretec_goes_on_with_an_answer_by_post(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form(before("email"), {"email": "pas d'email, répondez-moi par courrier"})
    assert slots["email"] is None and "email" in slots["declined_fields"]
    assert slots["requested_slot"] == "phone", "the intake goes on"
    assert "par courrier" in texts(d)


async def test_spf_requires_the_email_says_how_else_then_never_locks_in(use_policy) -> None:
    use_policy("spf-securite-sociale")
    state = {k: v for k, v in before("email").items() if k not in ("acting_for",)}
    d, slots = await form(state, {"email": "je n'ai pas d'e-mail"})
    assert slots["requested_slot"] == "email"
    assert responses(d) == ["", "utter_field_required_other_ways"]
    assert "Une adresse e-mail est demandée" in texts(d) and "redites-le" in texts(d), "never 'dites-le simplement'"
    assert "plainte@minsoc.fed.be" in d.messages[1]["other_ways"]
    d2, again = await form({**state, **slots}, {"email": "je vous dis que j'en ai pas !!"})
    assert again["requested_slot"] == "phone"
    assert again["missing_required"] == ["email"]
    assert "vous répondra par téléphone" in texts(d2), "how the answer will reach the citizen"


async def test_spf_does_not_require_the_address(use_policy) -> None:
    use_policy("spf-securite-sociale")
    state = {k: v for k, v in before("address").items() if k != "acting_for"}
    d, slots = await form(state, {"address": "je préfère ne pas donner d'adresse, pas d'adresse"})
    assert slots["requested_slot"] == "email" and responses(d) == ["utter_declined_ok"]


@pytest.mark.parametrize(("policy", "slot", "question", "said"), [
    ("spf-securite-sociale", "address", "c'est obligatoire l'adresse ? j'habite à l'étranger", "Non, ce n'est pas"),
    ("igretec", "address", "c'est obligatoire l'adresse ? j'habite à l'étranger", "Oui, c'est demandé"),
    ("igretec", "email", "je dois vraiment donner mon mail ?", "vous répondra par courrier"),
    ("notice-reclamation", "phone", "c'est obligatoire ?", "Non, ce n'est pas"),
    ("spf-securite-sociale", "phone", "c'est obligatoire mon numéro ?", "Oui, c'est demandé"),
    ("igretec", "objective", "c'est obligatoire ?", "Oui, c'est nécessaire"),
])
async def test_is_it_mandatory_is_answered_as_the_preset_requires(use_policy, policy, slot, question, said) -> None:
    use_policy(policy)
    state = {k: v for k, v in before(slot).items() if policy == "igretec" or k != "acting_for"}
    d, slots = await form(state, {slot: question})
    assert slots[slot] is None and slots["requested_slot"] == slot, "nothing stored, the question again"
    assert said in texts(d).split("\n")[0], texts(d)
    assert not texts(d).startswith("Oui :"), "never a bare yes to 'is it mandatory?' where it is not"


@pytest.mark.parametrize("answer", ["il y a 3 semaines à peu près", "le 12 novembre vers 14h"])
async def test_a_date_alone_at_the_facts_question_is_the_date_and_the_facts_are_asked_again(use_policy, answer) -> None:
    use_policy("notice-reclamation")
    state = {k: v for k, v in before("facts_description").items() if k != "acting_for"}
    d, slots = await form(state, {"facts_description": answer})
    assert slots["facts_description"] is None and slots["requested_slot"] == "facts_description"
    assert slots["facts_date"] and responses(d)[0] == "utter_volunteered"
    _, slots = await form(state, {"facts_description": "il y a 3 semaines, le livreur a laissé le colis dehors"})
    assert slots["facts_description"].startswith("il y a 3 semaines, le livreur"), "an account with a date is kept"


async def test_no_file_reference_and_no_date_remembered(use_policy) -> None:
    use_policy("solidaris-brabant")
    _, slots = await form({**IDENTITY, "prior_contact": True, "file_reference": None}, {"file_reference": "pas de dossier"})
    assert slots["file_reference"] == "aucune"
    use_policy("spf-securite-sociale")
    state = {**before("facts_date")}
    state.pop("acting_for")
    d, slots = await form(state, {"facts_date": "je ne sais plus"})
    assert slots["facts_date"] is None and "facts_date" in slots["declined_fields"]
    assert slots["requested_slot"] != "facts_date"


async def test_a_doubtful_landline_is_kept_as_typed_once_confirmed(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form(before("phone"), {"phone": "02 123 45 67"})
    assert slots["phone"] is None and "inhabituel" in d.messages[0]["validation_message"]
    d, kept = await form({**before("phone"), **slots}, {"phone": "oui"})
    assert kept["phone"] == "+3221234567" and kept["doubtful_fields"] == ["phone"]
    assert responses(d) == ["utter_kept_as_typed"]


async def test_a_file_reference_question_answered_with_yes_or_another_answer_is_not_stored(use_policy) -> None:
    use_policy("igretec")
    state = before("file_reference")
    for _ in range(3):  # "oui" again and again: the reference is asked for, "oui" is never kept as one
        d, slots = await form(state, {"file_reference": "oui"})
        state.update(slots)
        assert slots["file_reference"] is None and slots["requested_slot"] == "file_reference"
    d, slots = await form(before("file_reference"), {"file_reference": "Pour moi-même"})
    assert slots["file_reference"] is None and "répondez « oui »" in d.messages[0]["validation_message"]
    d, kept = await form({**before("file_reference"), **slots}, {"file_reference": "oui"})
    assert kept["file_reference"] == "Pour moi-même" and kept["doubtful_fields"] == ["file_reference"]


@pytest.mark.parametrize(("slot", "answer"), [
    ("address", "chez moi"), ("phone", "0475"), ("file_reference", "x" * 150), ("facts_date", "le jour de la fête"),
    ("facts_place", "?"), ("persons_contacted", "!"), ("objective", "?"), ("last_name", "Charge12"),
    ("first_name", "Jean2"), ("email", "sophie chez example"),
])
async def test_no_field_loops_on_the_same_answer(use_policy, slot, answer) -> None:
    use_policy("igretec")
    state = before(slot)
    for _ in range(6):
        _, slots = await form(state, {slot: answer})
        state.update(slots)
        if slots["requested_slot"] != slot:
            break
    else:
        pytest.fail(f"{slot} still asked after six identical answers")


async def test_a_complaint_about_another_company_is_asked_about_once_before_any_identity(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    text = "Proximus m'a coupé internet depuis trois jours sans prévenir, je veux porter plainte contre Proximus"
    events = await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None, intent="file_complaint"), {})
    started = slot_events(events)
    assert started["pending_exclusion"]["code"] == "other_organisation"
    assert "IGRETEC" in started["pending_exclusion"]["question"]
    _, slots = await form({**started, "consent": None}, {"exclusion_check": "non"})
    assert slots["refusal"]["reason_code"] == "unrelated" and slots["requested_slot"] is None
    _, yes = await form({**started, "consent": None}, {"exclusion_check": "oui"})
    assert yes["requested_slot"] == "consent" and not yes.get("refusal")


async def test_another_company_at_a_preset_without_that_rule_files_nothing(use_policy) -> None:
    use_policy("spf-securite-sociale")
    d = CollectingDispatcher()
    text = "Je veux porter plainte contre Proximus qui m'a coupé internet depuis trois jours sans prévenir."
    started = slot_events(await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None), {}))
    _, slots = await form({**started}, {"exclusion_check": "non"})
    assert slots["intake_end"] == "other_organisation" and slots["organisation_named"] == "Proximus"
    assert not slots.get("refusal")  # not a refusal under the preset's rules: nothing recorded
    d2 = CollectingDispatcher()
    await ActionSubmitComplaint().run(d2, make_tracker({**started, **slots}, loop=None), {})
    assert responses(d2) == ["utter_other_organisation"]
    assert d2.messages[0]["other"] == "Proximus"


async def test_the_victim_of_discrimination_is_not_flagged_as_discriminatory(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(before("facts_description"), {
        "facts_description": "Au guichet de Mons le 3 novembre, l'agent m'a traité de sale étranger devant tout le monde."})
    assert slots.get("suggested_reason_code") != "discriminatory"


async def test_a_message_in_english_inside_the_form_is_answered_in_english(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form(before("last_name"), {"last_name": "Sorry I do not speak French, can you help me?"})
    assert slots["last_name"] is None and slots["requested_slot"] == "last_name"
    assert "only works in French" in texts(d) and "reclamation@igretec.com" in texts(d)


async def test_english_first_message_does_not_start_the_form(use_policy) -> None:
    use_policy("spf-securite-sociale")
    d = CollectingDispatcher()
    events = await ActionStartIntake().run(d, make_tracker({}, text="Hello, I would like to file a complaint",
                                                           loop=None, intent="file_complaint"), {})
    assert any(e.get("event") == "followup" and e.get("name") == "action_listen" for e in events)
    assert "plainte@minsoc.fed.be" in texts(d)


async def test_an_organisation_is_asked_its_name_then_goes_on(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form({"consent": True, "intake_id": "i1"}, {"acting_for": "au nom d'une organisation"})
    assert slots["acting_for"] == "organisation"
    assert slots["requested_slot"] == "represented_person"
    state = {"consent": True, "intake_id": "i1", "acting_for": "organisation"}
    d, slots = await form(state, {"represented_person": "c'est quoi ?"})
    assert slots["represented_person"] is None and slots["requested_slot"] == "represented_person"
    _, slots = await form(state, {"represented_person": "ASBL Les Amis du Parc"})
    assert slots["represented_person"] == "ASBL Les Amis du Parc"
    assert slots["requested_slot"] == "last_name"


async def test_a_person_acting_for_themselves_is_not_asked_an_organisation_name(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form({"consent": True, "intake_id": "i1"}, {"acting_for": "en mon nom propre"})
    assert slots["requested_slot"] == "last_name"


async def test_a_letter_for_ones_mother_is_said_back_as_hers_with_the_date_of_a_weekday(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    text = ("Bonjour, j'écris pour ma mère qui a 87 ans et ne sait pas se servir d'internet. Les ouvriers ne sont "
            "pas venus vendredi alors qu'elle les attendait toute la journée.")
    started = slot_events(await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None), {}))
    assert started["represented_person"] == "ma mère"  # not "ma mère qui a"
    said = d.messages[0]["volunteered_list"]
    assert "au nom de : votre mère" in said and "vous-même" not in said
    assert started["facts_date"] is not None


async def test_a_first_person_letter_does_not_open_on_au_nom_de_vous_meme(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    text = "bjr jai un souci avec le ramassage des encombrants, ils sont pas passés mardi alors que j'avais RDV, c la 2e fois"
    started = slot_events(await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None,
                                                                        intent="file_complaint"), {}))
    assert started["acting_for"] == "self"
    assert "vous-même" not in str(d.messages)
    assert started["facts_date"] == "2026-11-17"  # "mardi", said on Tuesday the 24th: a week ago


async def test_a_phone_number_given_when_the_email_is_asked_is_noted_without_an_error(use_policy) -> None:
    use_policy("spf-securite-sociale")
    state = {"consent": True, "intake_id": "i1", "acting_for": "self", "last_name": "Moreau", "first_name": "Chantal",
             "address": "3 rue Victor Hugo, 59000 Lille",
             "facts_description": "Je n'ai toujours pas reçu de réponse à ma demande d'allocation du 2 octobre."}
    d, slots = await form(state, {"email": "+33 6 12 34 56 78"})
    assert slots["phone"] == "+33612345678" and slots["email"] is None
    assert slots["requested_slot"] == "email", "the e-mail is asked again"
    assert "trouvé d'adresse e-mail" not in texts(d) and "téléphone" in str(d.messages)


@pytest.mark.parametrize(("slot", "question", "expected"), [
    ("phone", "combien de temps pour avoir une réponse ?", "45 jours ouvrables"),
    ("address", "j'habite en France, c'est possible ?", "à l'étranger"),
    ("facts_description", "et si la réponse ne me convient pas ?", "Médiateur de la Wallonie"),
])
async def test_a_question_about_the_procedure_inside_the_form_is_answered_and_the_question_asked_again(
        use_policy, slot, question, expected) -> None:
    use_policy("igretec")
    d, slots = await form(before(slot), {slot: question})
    assert slots[slot] is None and slots["requested_slot"] == slot
    assert expected in texts(d)


async def test_a_question_about_filing_from_abroad_is_answered_before_the_form(use_policy) -> None:
    use_policy("igretec")
    d = CollectingDispatcher()
    events = await ActionStartIntake().run(d, make_tracker({}, text="je vis au Maroc, je peux faire une réclamation ?",
                                                           loop=None, intent="file_complaint"), {})
    assert any(e.get("event") == "followup" and e.get("name") == "action_listen" for e in events)
    assert "à l'étranger" in texts(d) and "utter_procedure_offer" in responses(d)


@pytest.mark.parametrize("answer", ["non", "non merci", "j'en ai pas", "bah je veux pas la donner",
                                    "j'en ai une mais je la regarde jamais, appelez moi plutot"])
async def test_a_plain_no_to_the_email_is_a_decline_not_an_invalid_address(use_policy, answer) -> None:
    use_policy("igretec")
    d, slots = await form(before("email"), {"email": answer})
    assert slots["email"] is None and "email" in slots["declined_fields"], answer
    assert slots["requested_slot"] == "phone", "the intake goes on"
    assert "trouvé d'adresse e-mail" not in texts(d)


async def test_a_required_field_declined_after_a_typo_is_first_explained(use_policy) -> None:
    use_policy("igretec")  # IGRETEC requires the home address
    state = {**before("address"), "field_failures": {"address": 1}}
    d, slots = await form(state, {"address": "non"})
    assert responses(d) == ["", "utter_field_required_other_ways"]
    assert "Une adresse postale est demandée" in texts(d)
    assert slots["requested_slot"] == "address"


async def test_the_objective_given_at_another_question_is_noted_and_that_question_asked_again(use_policy) -> None:
    use_policy("igretec")
    for slot in ("email", "acting_for", "first_name"):
        d, slots = await form(before(slot), {slot: "je veux que vous payiez la réparation de ma clôture"})
        assert slots["objective"] == "je veux que vous payiez la réparation de ma clôture", slot
        assert slots[slot] is None and slots["requested_slot"] == slot, slot
        assert "pas compris" not in texts(d) and "pas reconnu" not in texts(d) and "trouvé" not in texts(d), slot


async def test_an_answer_to_another_question_is_not_a_name(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(before("last_name"), {"last_name": "moi-même"})
    assert slots["last_name"] is None


async def test_a_compound_last_name_is_not_split_into_a_first_name(use_policy) -> None:
    use_policy("igretec")
    for name in ("El Amrani", "Van den Bossche", "Ait Oufella"):
        d, slots = await form(before("last_name"), {"last_name": name})
        assert slots["last_name"] == name and slots.get("first_name") is None, name
        assert slots["requested_slot"] == "first_name", "the first name is asked"


async def test_a_full_name_given_as_the_last_name_is_split_by_the_first_name(use_policy) -> None:
    use_policy("igretec")
    state = {**before("last_name"), "last_name": "Nadia Benali"}
    _, slots = await form(state, {"first_name": "Nadia"})
    assert (slots["last_name"], slots["first_name"]) == ("Benali", "Nadia")


async def test_whose_name_is_explained_and_never_refused_as_anonymous(use_policy) -> None:
    use_policy("igretec")
    for answer in ("non pas mon nom, le nom de ma maman", "vous voulez son nom à lui ou le mien ?"):
        d, slots = await form(before("last_name"), {"last_name": answer})
        assert not slots.get("refusal") and slots["last_name"] is None, answer
        assert "votre nom à vous" in str(d.messages), answer


async def test_a_vague_no_to_the_name_is_first_answered_with_the_rule(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form(before("last_name"), {"last_name": "non, pas mon nom"})
    assert not slots.get("refusal") and "anonymes" in texts(d) and slots["requested_slot"] == "last_name"
    _, again = await form({**before("last_name"), **{k: v for k, v in slots.items() if k == "field_failures"}},
                          {"last_name": "non, pas mon nom"})
    assert again["refusal"]["reason_code"] == "anonymous", "said again: refused"


async def test_a_question_about_refusing_consent_is_answered_not_taken_as_a_refusal(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form({"intake_id": "i1"}, {"consent": "Et si je refuse, il se passe quoi ?"})
    assert slots["consent"] is None and not slots.get("intake_end")
    assert "Sans votre accord" in texts(d) and "reclamation@igretec.com" in texts(d)


@pytest.mark.parametrize(("policy", "answer", "said"), [
    ("plan-gestion", "oui mais je peux pas venir à vos bureaux, j'habite en Espagne, comment je fais ?",
     "d'où que vous soyez"),
    ("igretec", "oui, combien de temps ça prend ?", "accusé de réception"),
    ("igretec", "d'accord mais j'habite en France, c'est possible ?", "où que vous habitiez"),
])
async def test_a_yes_with_a_question_gives_consent_and_answers_the_question(use_policy, policy, answer, said) -> None:
    use_policy(policy)
    d, slots = await form({"intake_id": "i1"}, {"consent": answer})
    assert slots["consent"] is True and not slots.get("intake_end")
    assert said in texts(d) and "Sans votre accord" not in texts(d)


@pytest.mark.parametrize(("answer", "consent"), [
    ("qui va lire mes données ?", None), ("vous gardez ça combien de temps ?", None),
    ("et mes données vous en faites quoi ?", None), ("oui mais qui va lire mes données ?", True),
])
async def test_a_question_about_the_data_at_consent_gets_the_notice_not_a_refusal(use_policy, answer, consent) -> None:
    use_policy("notice-reclamation")
    d, slots = await form({"intake_id": "i1"}, {"consent": answer})
    assert slots["consent"] is consent and not slots.get("intake_end")
    assert "servent au traitement de votre réclamation" in texts(d) and "pendant 5 ans" in texts(d), texts(d)
    assert "Sans votre accord" not in texts(d) and "accusé de réception" not in texts(d)


async def test_refusing_consent_where_no_other_way_is_known_names_the_organisation(use_policy) -> None:
    use_policy("notice-reclamation")
    d, _ = await form({"intake_id": "i1"}, {"consent": "c'est obligatoire ?"})
    assert "directement auprès de notre société." in texts(d) and "• " not in texts(d)


async def test_a_yes_that_asks_whether_consent_is_mandatory_is_explained_first(use_policy) -> None:
    use_policy("plan-gestion")
    d, slots = await form({"intake_id": "i1"}, {"consent": "ok mais c'est obligatoire ?"})
    assert slots["consent"] is None and "Sans votre accord" in texts(d)
    assert "en personne, à nos bureaux" in texts(d), "the plan's own way, not its placeholder name"
    assert "Notre entreprise" not in texts(d)


async def test_a_letter_that_only_says_it_is_a_complaint_is_asked_its_facts_never_a_yes_no(use_policy) -> None:
    use_policy("igretec")
    text = ("Bonjour, je suis gérant de la SPRL Boulangerie Hanotiau à Fleurus. "
            "Je souhaite introduire une réclamation au nom de ma société.")
    d = CollectingDispatcher()
    started = slot_events(await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None,
                                                                        intent="file_complaint"), {}))
    assert not started.get("pending_exclusion") and started.get("facts_description") is None
    assert started["represented_person"] == "SPRL Boulangerie Hanotiau"


async def test_all_the_details_given_at_the_name_question_are_taken(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(before("last_name"), {
        "last_name": "Renard. Marc Renard. Rue du Parc 8 6180 Courcelles. marc.renard@proximus.be 0472556677"})
    assert (slots["last_name"], slots["first_name"]) == ("Renard", "Marc")
    assert slots["address"] == "Rue du Parc 8, 6180 Courcelles" and slots["phone"] == "+32472556677"
    assert slots["email"] == "marc.renard@proximus.be"


@pytest.mark.parametrize(("answer", "who", "then"), [("pour mon père", "mon père", "represented_name"),
                                                     ("ni l'un ni l'autre, c'est pour mon papa Jacques Renson",
                                                      "mon papa Jacques Renson", "last_name")])
async def test_writing_for_a_parent_is_understood_at_the_acting_for_question(use_policy, answer, who, then) -> None:
    use_policy("igretec")
    _, slots = await form(before("acting_for"), {"acting_for": answer})
    assert (slots["acting_for"], slots["represented_person"]) == ("self", who)
    assert slots["requested_slot"] == then, "his name is asked only when not given"


def test_a_declined_field_is_said_so_in_its_own_gender() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.policies import load_policy
    from bot.services.intake import Intake

    intake = Intake(load_policy("igretec"), datetime(2026, 12, 3, tzinfo=ZoneInfo("Europe/Brussels")))
    declined = {"declined_fields": ["address", "phone"]}
    assert (intake.display("address", None, declined), intake.display("phone", None, declined)) == (
        "non communiquée", "non communiqué")


@pytest.mark.parametrize(("answer", "stored"), [
    ("j'habite au 14 rue des Lilas à 6000 Charleroi depuis 10 ans", "14 rue des Lilas, 6000 Charleroi"),
    ("c'est rue des Lilas 14, 6000 Charleroi", "rue des Lilas 14, 6000 Charleroi"),
    ("Résidence Les Pins, appartement 4, rue Haute 3, 7000 Mons",  # what the postman needs is kept
     "Résidence Les Pins, appartement 4, rue Haute 3, 7000 Mons"),
])
async def test_an_address_answer_stores_the_address_not_the_sentence_around_it(use_policy, answer, stored) -> None:
    use_policy("igretec")
    _, slots = await form(before("address"), {"address": answer})
    assert slots["address"] == stored
    assert slots.get("last_name") is None


@pytest.mark.parametrize(("answer", "last", "first"), [
    ("Dupont, Marie", "Dupont", "Marie"),
    ("Martin. prénom Sophie", "Martin", "Sophie"),
    ("Dubois, je viens de vous le dire", "Dubois", None),
    ("Dumont Isabelle, pour la société", "Dumont", "Isabelle"),  # NOM Prénom, as on forms
    ("Girard, Sylvie Girard. mon père c'est Henri Girard", "Girard", "Sylvie"),
    ("c'est marqué en bas de ma lettre : Moreau", "Moreau", None),
])
async def test_a_name_followed_by_more_keeps_the_name_and_never_a_relatives(use_policy, answer, last, first) -> None:
    use_policy("notice-reclamation")
    _, slots = await form(before("last_name"), {"last_name": answer})
    assert slots["last_name"] == last and slots.get("first_name") == first
    assert slots.get("facts_description") is None


async def test_details_given_with_the_consent_are_taken(use_policy) -> None:
    use_policy("solidaris-brabant")
    d, slots = await form({"intake_id": "i1"}, {"consent": "oui j'accepte, je m'appelle Claire Dubois et j'ai déjà "
                                                           "appelé le service deux fois"})
    assert slots["consent"] is True and (slots["last_name"], slots["first_name"]) == ("Dubois", "Claire")
    assert slots["prior_contact"] is True
    assert slots["requested_slot"] not in ("last_name", "first_name", "prior_contact")


@pytest.mark.parametrize(("answer", "last", "first"), [
    ("Lemaire Paul", "Lemaire", "Paul"), ("Paul Lemaire", "Lemaire", "Paul"), ("benali youssef", "Benali", "Youssef"),
    ("El Amrani", "El Amrani", None), ("Van Damme", "Van Damme", None),  # a particle starts a last name
    ("Martin Claire", "Martin Claire", None),  # both may be first names: the first name is asked
])
async def test_a_two_word_answer_to_the_last_name_is_split_when_one_word_is_a_first_name(use_policy, answer, last,
                                                                                         first) -> None:
    use_policy("spf-securite-sociale")
    _, slots = await form(before("last_name"), {"last_name": answer})
    assert slots["last_name"] == last and slots.get("first_name") == first


async def test_a_first_name_said_with_the_last_name_after_the_remark_keeps_both(use_policy) -> None:
    use_policy("solidaris-brabant")
    state = {"consent": True, "acting_for": "self", "intake_id": "i1", "last_name": "Lambert Jean-Marie"}
    _, slots = await form(state, {"first_name": "Jean-Marie, je viens de le dire. Lambert c'est le nom"})
    assert (slots["first_name"], slots["last_name"]) == ("Jean-Marie", "Lambert")


@pytest.mark.parametrize(("answer", "said"), [
    ("désolée je dois partir, je reviens ce soir pour finir", "Revenez quand vous voulez"),
    ("bon j'ai pas le temps là, je reviendrai plus tard", "Revenez quand vous voulez"),
])
async def test_a_pause_inside_the_form_keeps_everything_and_takes_no_value(use_policy, answer, said) -> None:
    use_policy("spf-securite-sociale")
    state = {**{k: v for k, v in before("address").items() if k != "acting_for"},
             "facts_date": "2026-10-10", "facts_description": "J'ai appelé quatre fois en octobre."}
    d, slots = await form(state, {"address": answer})
    assert said in texts(d) and slots["address"] is None and slots["requested_slot"] == "address"
    assert "facts_date" not in slots or slots["facts_date"] == "2026-10-10", "no date read in a pause"


async def test_asking_whether_it_is_a_robot_inside_the_form_is_answered(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form(before("phone"), {"phone": "attendez, je parle à une vraie personne ou à un robot là ?"})
    assert responses(d) == ["utter_bot_challenge"] and slots["requested_slot"] == "phone"


async def test_a_name_pair_with_contact_details_is_never_copied_into_both_names(use_policy) -> None:
    use_policy("igretec")
    _, slots = await form(before("last_name"), {"last_name": "Hubert Lucas, rue du Pont 8, 6000 Charleroi, "
                                                             "lucas.hubert@outlook.be, 0499 11 22 33"})
    assert slots.get("first_name") is None and slots["requested_slot"] == "first_name", "the pair's order is asked"
    assert slots["email"] == "lucas.hubert@outlook.be" and slots["address"] == "rue du Pont 8, 6000 Charleroi"


async def test_a_yes_to_the_fact_but_no_to_the_question_is_not_a_refusal(use_policy) -> None:
    use_policy("spf-securite-sociale")
    state = {"consent": True, "intake_id": "i1",
             "pending_exclusion": {"code": "judicial_dispute", "question": "Votre plainte porte-t-elle… ?"}}
    _, slots = await form(state, {"exclusion_check": "Oui il y a un litige, mais ma plainte ici c'est sur l'agente "
                                                     "impolie, pas sur le litige"})
    assert not slots.get("refusal") and slots["exclusion_answers"] == {"judicial_dispute": False}


async def test_every_refusal_gives_the_mediator_after_the_matters_own_route(use_policy) -> None:
    use_policy("spf-securite-sociale")
    state = {"consent": True, "intake_id": "i1",
             "pending_exclusion": {"code": "appeal_procedure", "question": "Votre plainte porte-t-elle… ?"}}
    _, slots = await form(state, {"exclusion_check": "oui"})
    route = slots["refusal"]["route"]
    assert route.index("procédure de recours") < route.index("Médiateur fédéral") and "0800 99 962" in route


async def test_a_decline_that_gives_another_detail_keeps_that_detail(use_policy) -> None:
    use_policy("notice-reclamation")
    state = {k: v for k, v in before("phone").items() if k != "acting_for"}
    _, slots = await form({**state, "address": None}, {"phone": "Je n'ai plus le téléphone fixe depuis que la ligne a "
                                                                "été coupée. Vous pouvez m'écrire : 3 impasse du Moulin, "
                                                                "21000 Dijon."})
    assert slots["phone"] is None and slots["address"] == "3 impasse du Moulin, 21000 Dijon"
    assert "facts_description" not in slots or slots["facts_description"] is None


@pytest.mark.parametrize(("first", "then", "stored"), [
    ("chaussee de mons 455 anderlecht", "1070", "chaussee de mons 455, 1070 anderlecht"),
    ("chaussée de Mons 455, 1070", "Anderlecht", "chaussée de Mons 455, 1070 Anderlecht"),
])
async def test_the_part_missing_from_an_address_completes_it(use_policy, first, then, stored) -> None:
    use_policy("igretec")
    d, slots = await form(before("address"), {"address": first})
    assert slots["address"] is None
    _, slots = await form({**before("address"), "last_invalid": {"address": first}}, {"address": then})
    assert slots["address"] == stored and slots["requested_slot"] == "email"


async def test_the_organisations_name_is_kept_without_the_remark_around_it(use_policy) -> None:
    use_policy("solidaris-brabant")
    _, slots = await form({"consent": True, "acting_for": "organisation", "intake_id": "i1"},
                          {"represented_person": "ASBL Aide à Domicile Forest, comme je l'ai écrit"})
    assert slots["represented_person"] == "ASBL Aide à Domicile Forest"


@pytest.mark.parametrize("policy", ["notice-reclamation", "plan-gestion", "spf-securite-sociale"])
async def test_where_the_seed_has_no_anonymity_rule_none_is_said(use_policy, policy) -> None:
    use_policy(policy)
    d, slots = await form({"consent": True, "intake_id": "i1"}, {"last_name": "je ne veux pas donner mon nom"})
    assert slots["last_name"] is None and not slots.get("refusal")
    assert "anonymes ne peuvent pas" not in responses_text(d) and "nécessaires pour enregistrer" in responses_text(d)


def responses_text(d: CollectingDispatcher) -> str:
    return " ".join(str(v) for m in d.messages for v in m.values())


async def test_a_date_taken_back_inside_another_answer_corrects_the_date(use_policy) -> None:
    use_policy("igretec")
    state = {**before("facts_place"), "facts_date": "2026-11-06", "facts_date_precision": "day",
             "facts_date_detail": {"earliest": "2026-11-06", "latest": "2026-11-06", "text": "Le 6 novembre"}}
    d, slots = await form(state, {"facts_place": "chez moi. ah non pardon c'était le 5 pas le 6"})
    assert slots["facts_date"] == "2026-11-05" and slots["facts_place"].startswith("chez moi")
    assert "utter_corrected" in responses(d) and "c'était" not in slots["facts_place"]
    d, slots = await form({**state, "facts_place": "chez moi"}, {"persons_contacted": "non c'était le 5 novembre pas le 6"})
    assert slots["facts_date"] == "2026-11-05" and slots["persons_contacted"] is None


async def test_already_said_at_the_facts_question_takes_the_earlier_message_that_told_them(use_policy) -> None:
    use_policy("spf-securite-sociale")
    first = "Je veux déposer une plainte contre un agent impoli au guichet de Bruxelles le 1er décembre"
    state = {"consent": True, "intake_id": "i1", "last_name": "Dupont", "first_name": "Marc",
             "email": "marc@example.be", "phone": "+32475123456", "address": None, "file_reference": "aucune"}
    history = [first, "oui", "Dupont", "Marc"]
    events = [{"event": "user", "text": t} for t in history]
    d, slots = await form(state, {"facts_description": "JE VOUS L'AI DIT"}, events=events)
    assert slots["facts_description"] == first and responses(d)[0] == "utter_found_earlier"


async def test_writing_for_a_parent_asks_her_name_and_never_takes_it_as_the_citizens(use_policy) -> None:
    use_policy("solidaris-brabant")
    _, slots = await form({"consent": True, "intake_id": "i1"}, {"acting_for": "pour ma mère"})
    assert slots["represented_person"] == "ma mère" and slots["requested_slot"] == "represented_name"
    state = {"consent": True, "intake_id": "i1", "acting_for": "self", "represented_person": "ma mère"}
    d, slots = await form(state, {"represented_name": "Jeanne Dupont-Lemaire"})
    assert slots["represented_person"] == "ma mère, Jeanne Dupont-Lemaire"
    assert slots.get("last_name") is None and slots.get("first_name") is None, "her name is not the citizen's"
    _, slots = await form(state, {"represented_name": "je sais pas"})
    assert slots["represented_name"] == "non communiqué" and slots["requested_slot"] != "represented_name"


async def test_her_name_added_at_the_summary_goes_to_her_never_to_the_citizen(use_policy) -> None:
    use_policy("solidaris-brabant")
    full = {**before("objective"), "objective": "Le remboursement.", "prior_contact": True,
            "represented_person": "ma mère", "represented_name": "non communiqué", "last_name": "Dupont",
            "first_name": "Kevin"}
    d, slots = await form(full, {"complaint_confirm": "faut mettre le nom de ma mere aussi, Jeanne Dupont-Lemaire"})
    assert slots["represented_person"] == "ma mère, Jeanne Dupont-Lemaire"
    assert slots.get("last_name", "Dupont") == "Dupont" and slots["requested_slot"] == "complaint_confirm"


async def test_documents_on_paper_are_told_how_to_send_them(use_policy) -> None:
    use_policy("igretec")
    d, slots = await form(before("attachments"), {"attachments": "Je les ai en papier seulement, je peux les envoyer "
                                                                 "par la poste ?"})
    assert slots["attachments"] is None and "en photo" in texts(d) and "Boulevard Mayence 1" in texts(d)
    d, slots = await form(before("attachments"), {"attachments": "je peux vous envoyer une photo ?"})
    assert slots["attachments"] is None and "trombone" in texts(d)


async def test_a_complaint_the_citizen_says_is_not_about_us_is_asked_about_once(use_policy) -> None:
    use_policy("plan-gestion")
    d, slots = await start_intake("Mon voisin du dessus, M. Roux, fait du bruit toutes les nuits depuis le 2 novembre. "
                                  "Ça n'a rien à voir avec vous mais je ne sais pas à qui m'adresser.")
    question = slots["pending_exclusion"]["question"]
    assert "ne concerne pas directement nos services" in question and "notre entreprise" in question
    d = CollectingDispatcher()
    await ActionSubmitComplaint().run(d, make_tracker({"intake_id": "i1", "intake_end": "other_organisation"},
                                                      loop=None), {})
    assert "Rien n'a été enregistré" in texts(d) and "pour ," not in texts(d)


async def start_intake(text: str):  # type: ignore[no-untyped-def]
    d = CollectingDispatcher()
    events = await ActionStartIntake().run(d, make_tracker({}, text=text, loop=None), {})
    return d, slot_events(events)


async def test_a_step_told_instead_of_yes_answers_the_question_about_it(use_policy) -> None:
    use_policy("solidaris-brabant")
    state = {"consent": True, "intake_id": "i1", "initiative_needed": True, "facts_date": "2025-03-01",
             "facts_date_precision": "month", "acting_for": "self", "prior_contact": True}
    _, slots = await form(state, {"initiative_taken": "je vous l'ai déjà dit, deux courriers en avril et juin 2025"})
    assert slots["initiative_taken"] is True and slots.get("facts_date", "2025-03-01") == "2025-03-01"
