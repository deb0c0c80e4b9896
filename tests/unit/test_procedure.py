"""Questions about the procedure itself: recognised (domain) and answered from each preset (service)."""

import pytest

from bot.domain.procedure import procedure_topic
from bot.policies import list_policy_ids, load_policy
from bot.services.procedure import procedure_answer


@pytest.mark.parametrize(("text", "topic"), [
    ("c'est possible de porter plainte si j'habite pas en Belgique ?", "abroad"),
    ("je vis au Maroc, je peux faire une réclamation ?", "abroad"),
    ("Combien de temps pour avoir une réponse ?", "delay"),
    ("Quand vais-je recevoir une réponse", "delay"),
    ("quel est le délai ?", "delay"), ("oui mais c'est long ?", "delay"), ("ça prend longtemps ?", "delay"),
    ("je peux porter plainte anonymement ?", "anonymous"),
    ("et si je n'ai pas d'email ?", "no_email"),
    ("Et si la réponse ne me convient pas ?", "mediator"),
    ("je peux aussi envoyer ma plainte par courrier ?", "other_ways"),
    ("Qui va lire ma plainte ?", "who_reads"),
    ("Mes voisins peuvent-ils signer cette réclamation avec moi ?", "grouped"),
    ("on peut signer à plusieurs ?", "grouped"),
    ("je doit venir ou ? cest quoi les horaires", "in_person"), ("Vos horaires c'est quoi d'ailleurs ?", "in_person"),
])
def test_a_question_about_the_procedure_names_its_topic(text, topic):
    assert procedure_topic(text) == topic


@pytest.mark.parametrize("text", [
    "j'habite en France",                      # a detail, not a question
    "je suis en Belgique, c'est bon ?",
    "Pourquoi vous demandez ça ?",             # about the field asked
    "c'est quoi une référence ?",
    "Le 3 novembre au guichet on m'a refusé mon dossier",
])
def test_other_messages_are_not_procedure_questions(text):
    assert procedure_topic(text) is None


@pytest.mark.parametrize("policy", list_policy_ids())
def test_each_preset_answers_each_topic_from_its_own_text(policy):
    p = load_policy(policy)
    delay = procedure_answer(p, "delay")
    assert " ".join(p.acknowledgement.text.split()) in delay and " ".join(p.answer.text.split()) in delay
    if p.mediator and p.mediator.name:
        assert p.mediator.name in procedure_answer(p, "mediator")
    anonymous = p.exclusion("anonymous")
    if anonymous:
        assert procedure_answer(p, "anonymous") == " ".join(anonymous.explanation.split())
    for topic in ("abroad", "no_email", "other_ways", "who_reads", "grouped", "in_person"):
        assert procedure_answer(p, topic).strip()
    grouped = p.exclusion("grouped")
    if grouped:
        assert procedure_answer(p, "grouped") == " ".join(grouped.explanation.split())


def test_the_plan_says_plainly_that_its_office_address_and_hours_are_not_known_here():
    answer = procedure_answer(load_policy("plan-gestion"), "in_person")
    assert "en personne" in answer and "ne me sont pas indiqués" in answer
    assert "Nous avons préparé" not in answer, "nothing is prepared before the intake"


def test_without_e_mail_each_preset_says_what_its_seed_allows():
    assert "par courrier" in procedure_answer(load_policy("igretec"), "no_email")
    spf = procedure_answer(load_policy("spf-securite-sociale"), "no_email")
    assert "plainte@minsoc.fed.be" in spf, "the SPF requires an e-mail: its other ways are given"


def test_a_preset_without_mediator_does_not_invent_one():
    answer = procedure_answer(load_policy("plan-gestion"), "mediator")
    assert "ne désigne pas de médiateur" in answer
