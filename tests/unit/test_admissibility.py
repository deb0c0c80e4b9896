"""One test per exclusion rule of every seed: each quotes the seed's own sentence."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.domain.admissibility import (
    Assessment,
    assess,
    decision_notice_for,
    describe_route,
    found_cues,
    is_vague,
    mediator_text,
    refusal_for_anonymity,
    route_for,
)
from bot.domain.complaint import Complaint
from bot.domain.policy import Policy, Route
from bot.policies import load_policy

RECEIVED = date(2026, 12, 18)
CLEAR = ("Le 3 novembre, au guichet de l'agence, le collaborateur a refusé de prendre mon dossier "
         "complet sans explication et m'a demandé de revenir une autre fois.")
SPF_CLEAR = ("J'attends depuis trois mois une réponse à mon courrier du 2 septembre et personne ne "
             "répond au téléphone.")


def igretec() -> Policy:
    return load_policy("igretec")


def solidaris() -> Policy:
    return load_policy("solidaris-brabant")


def spf() -> Policy:
    return load_policy("spf-securite-sociale")


def notice() -> Policy:
    return load_policy("notice-reclamation")


def plan() -> Policy:
    return load_policy("plan-gestion")


def complaint(policy: Policy, **fields: Any) -> Complaint:
    base: dict[str, Any] = {"acting_for": "self", "last_name": "Dupont", "first_name": "Marie",
                            "facts_description": CLEAR}
    base.update(fields)
    return Complaint(policy=policy.id, **base)


def run(policy: Policy, answers: dict[str, bool] | None = None, precision_asked: bool = False,
        **fields: Any) -> Assessment:
    return assess(complaint(policy, **fields), policy, received=RECEIVED, answers=answers,
                  precision_asked=precision_asked)


# =========================================================================== IGRETEC (seed 000)


def test_igretec_co_contractor() -> None:
    """« cette procédure de réclamation n'est pas applicable aux co-contractants d'IGRETEC pour lesquels
    un gestionnaire de projet est désigné au sein d'IGRETEC et pour lesquels la convention définit les
    modalités de recours en cas d'insatisfaction et/ou de litige. »"""
    p = igretec()
    text = "Notre gestionnaire de projet chez IGRETEC ne répond plus depuis le 3 novembre sur le chantier."
    asked = run(p, facts_description=text)
    assert (asked.outcome, asked.reason_code, asked.answer_field) == ("ask", "co_contractor", "co_contractor")
    assert asked.question and "co-contractant" in asked.question
    refused = run(p, {"co_contractor": True}, facts_description=text)
    assert (refused.outcome, refused.reason_code) == ("refused", "co_contractor")
    assert refused.route is not None and refused.route.kind == "agreement"
    assert "convention" in describe_route(refused.route)
    assert run(p, {"co_contractor": False}, facts_description=text).outcome == "admissible"


def test_igretec_anonymous() -> None:
    """« Votre réclamation ne sera pas prise en compte si : Elle est anonyme »"""
    result = refusal_for_anonymity(igretec())
    assert (result.outcome, result.reason_code) == ("refused", "anonymous")
    assert result.route is igretec().mediator and result.explanation


def test_igretec_grouped() -> None:
    """« Elle consiste en un groupement de plaintes par plusieurs personnes »"""
    result = run(igretec(), acting_for="group")
    assert (result.outcome, result.reason_code) == ("refused", "grouped")
    assert result.route is not None and result.route.kind == "mediator"
    assert run(igretec(), acting_for="organisation").outcome == "admissible"


def test_igretec_discriminatory_is_flagged_not_refused() -> None:
    """« Elle est fondée sur des motifs discriminatoires »"""
    text = "Le 3 novembre, au guichet, j'ai été servi par un étranger et je refuse que cela se reproduise."
    result = run(igretec(), facts_description=text)
    assert (result.outcome, result.reason_code) == ("flagged", "discriminatory")


def test_igretec_too_vague_after_one_request_for_precision() -> None:
    """« Elle est trop vaguement formulée »"""
    vague = "Je ne suis pas content du tout de vous"
    first = run(igretec(), facts_description=vague)
    assert (first.outcome, first.reason_code, first.answer_field) == ("ask", "too_vague", "facts_description")
    assert first.question and "précisément" in first.question
    second = run(igretec(), precision_asked=True, facts_description=vague + ". Vraiment pas content.")
    assert (second.outcome, second.reason_code) == ("flagged", "too_vague")
    assert run(igretec(), precision_asked=True).outcome == "admissible"


def test_igretec_unrelated_is_for_staff() -> None:
    """« Elle n'a aucun lien avec une décision rendue par IGRETEC, la qualité des prestations ou les
    contacts avec les collaborateurs d'IGRETEC »"""
    ex = igretec().exclusion("unrelated")
    assert ex is not None and ex.decided_by == "staff"
    text = "Le 3 novembre, mon voisin a garé sa voiture devant mon garage rue de la Station."
    assert run(igretec(), facts_description=text).outcome == "admissible"  # never refused in the chat


def test_igretec_information_or_suggestions() -> None:
    """« Il s'agit d'informations ou de suggestions »"""
    text = "Je suggère d'ouvrir le guichet de l'agence le samedi matin pour les personnes qui travaillent."
    result = run(igretec(), facts_description=text)
    assert (result.outcome, result.reason_code) == ("flagged", "suggestion")
    assert igretec().triage.information_request and igretec().triage.suggestion


def test_igretec_too_old() -> None:
    """« Les faits relatés se sont produits il y a plus d'1 an »"""
    refused = run(igretec(), facts_date=date(2025, 11, 18), facts_date_precision="day")  # 13 months
    assert (refused.outcome, refused.reason_code) == ("refused", "too_old")
    assert refused.route is igretec().mediator
    exactly_a_year = run(igretec(), facts_date=date(2025, 12, 18), facts_date_precision="day")
    assert exactly_a_year.outcome == "admissible"


def test_igretec_too_old_probably_asks_to_confirm() -> None:
    """« Les faits relatés se sont produits il y a plus d'1 an » (a month straddling the limit)"""
    fields = {"facts_date": date(2025, 12, 1), "facts_date_precision": "month"}
    asked = run(igretec(), **fields)
    assert (asked.outcome, asked.reason_code, asked.answer_field) == ("ask", "too_old", "too_old")
    assert asked.question and "plus d'un an" in asked.question
    assert run(igretec(), {"too_old": True}, **fields).outcome == "refused"
    assert run(igretec(), {"too_old": False}, **fields).outcome == "admissible"


def test_igretec_duplicate_is_flagged() -> None:
    """« Son objet est identique à une réclamation déjà traitée par IGRETEC et qui ne contient pas de
    faits nouveaux. »"""
    text = "J'ai déjà introduit une réclamation le 3 mars pour la facture du chantier et rien n'a changé."
    result = run(igretec(), facts_description=text)
    assert (result.outcome, result.reason_code) == ("flagged", "duplicate")


def test_igretec_admissible_complaint() -> None:
    """« Une réclamation peut être introduite pour contester une décision d'IGRETEC, la qualité des
    prestations d'IGRETEC, les contacts avec les collaborateurs d'IGRETEC ou toute autre situation dont
    vous n'êtes pas satisfait. »"""
    assert run(igretec(), facts_date=date(2026, 11, 3), facts_date_precision="day") == Assessment("admissible")


# =========================================================================== Solidaris (seed 001)


def test_solidaris_unrelated_is_for_staff() -> None:
    """« une plainte qui ne concerne pas les services de Solidaris Brabant »"""
    ex = solidaris().exclusion("unrelated")
    assert ex is not None and ex.decided_by == "staff"
    assert run(solidaris(), facts_description="Mon propriétaire ne répare pas le chauffage depuis le "
                                              "mois d'octobre, rue du Marché.").outcome == "admissible"


def test_solidaris_anonymous_without_mediator() -> None:
    """« une plainte anonyme »"""
    result = refusal_for_anonymity(solidaris())
    assert (result.outcome, result.reason_code) == ("refused", "anonymous")
    assert result.route is None  # no mediator in the seed: none invented


def test_solidaris_too_old_asks_about_initiative() -> None:
    """« une plainte portant sur des faits datant de plus d'un an et pour laquelle aucune initiative n'a
    été prise par le ou la plaignante depuis lors. »"""
    old = {"facts_date": date(2025, 10, 1), "facts_date_precision": "day"}
    asked = run(solidaris(), **old)
    assert (asked.outcome, asked.reason_code, asked.answer_field) == ("ask", "too_old", "initiative_taken")
    assert asked.question == solidaris().too_old.initiative_question  # type: ignore[union-attr]
    assert run(solidaris(), initiative_taken=True, **old).outcome == "admissible"
    refused = run(solidaris(), initiative_taken=False, **old)
    assert (refused.outcome, refused.reason_code) == ("refused", "too_old")
    assert refused.route is None


def test_solidaris_probably_old_asks_initiative_then_date() -> None:
    """« des faits datant de plus d'un an et pour laquelle aucune initiative n'a été prise » (imprecise date)"""
    fields = {"facts_date": date(2025, 12, 1), "facts_date_precision": "month"}
    assert run(solidaris(), **fields).answer_field == "initiative_taken"
    assert run(solidaris(), initiative_taken=True, **fields).outcome == "admissible"
    confirm = run(solidaris(), initiative_taken=False, **fields)
    assert (confirm.outcome, confirm.answer_field) == ("ask", "too_old")
    assert run(solidaris(), {"too_old": True}, initiative_taken=False, **fields).outcome == "refused"
    assert run(solidaris(), {"too_old": False}, initiative_taken=False, **fields).outcome == "admissible"


def test_solidaris_prior_contact_never_refuses() -> None:
    """« nous vous conseillons de vous adresser dans un premier temps au service en charge de votre
    dossier » (advice, never a refusal)"""
    assert run(solidaris(), prior_contact=False).outcome == "admissible"
    assert run(solidaris(), prior_contact=True).outcome == "admissible"
    assert solidaris().prior_contact.advice


def test_solidaris_accepts_organisations_and_groups() -> None:
    """« Toute personne ou organisation en contact avec les services de Solidaris Brabant peut porter
    plainte. »"""
    assert run(solidaris(), acting_for="organisation").outcome == "admissible"
    assert run(solidaris(), acting_for="group").outcome == "admissible"


def test_solidaris_vague_text_is_not_its_rule() -> None:
    """Only IGRETEC excludes vague complaints."""
    assert run(solidaris(), facts_description="pas content").outcome == "admissible"


def test_solidaris_decision_notice() -> None:
    """« Le traitement par le service Médiation et Qualité de Service ne suspend pas les délais de
    recours contre la décision de l'administration devant les tribunaux. »"""
    about_decision = complaint(solidaris(), facts_description="La décision de refus de mon remboursement est injuste.")
    assert "ne suspend pas" in (decision_notice_for(about_decision, solidaris()) or "")
    assert decision_notice_for(complaint(solidaris(), facts_description=SPF_CLEAR), solidaris()) is None
    assert decision_notice_for(about_decision, igretec()) is None


def test_solidaris_data_protection_route() -> None:
    """« Les plaintes relatives à la protection des données à caractère personnel sont gérées au sein de
    Solidaris Brabant par le délégué à la protection des données. »"""
    route = solidaris().data_protection
    assert route is not None
    text = describe_route(route)
    assert "dataprotection.bra@solidaris.be" in text and "Charte" in text
    assert "None" not in text and "Formulaire en ligne :" not in text


# =========================================================================== SPF (seed 002)


def test_spf_appeal_procedure() -> None:
    """« Si vous avez une plainte au sujet du contenu de décisions de notre SPF pour lesquelles il existe
    des procédures de recours spécifiques, vous devrez suivre ces procédures. »"""
    p = spf()
    text = "Je conteste la décision du 3 octobre qui réduit mon allocation."
    asked = run(p, facts_description=text)
    assert (asked.outcome, asked.reason_code) == ("ask", "appeal_procedure")
    refused = run(p, {"appeal_procedure": True}, facts_description=text)
    assert (refused.outcome, refused.reason_code) == ("refused", "appeal_procedure")
    assert refused.route is not None and refused.route.kind == "appeal_procedure"
    assert run(p, {"appeal_procedure": False}, facts_description=text).outcome == "admissible"


def test_spf_judicial_dispute() -> None:
    """« Le service des plaintes n'est pas l'interlocuteur auquel vous devez vous adresser pour des
    litiges administratifs et judiciaires que vous auriez avec l'administration. »"""
    p = spf()
    text = "Mon avocat a introduit une affaire au tribunal du travail contre l'administration."
    asked = run(p, facts_description=text)
    assert (asked.outcome, asked.reason_code) == ("ask", "judicial_dispute")
    refused = run(p, {"judicial_dispute": True}, facts_description=text)
    assert (refused.outcome, refused.reason_code) == ("refused", "judicial_dispute")
    assert refused.route is not None and refused.route.kind == "dispute"
    assert refused.route is not p.mediator


def test_spf_dg_personnes_handicapees() -> None:
    """« Concernant les plaintes relatives à la Direction générale Personnes handicapées, nous vous
    invitons à vous adresser au service des plaintes de la DG Personnes handicapées. »"""
    p = spf()
    text = "Mon allocation d'intégration n'est toujours pas payée malgré mes courriers."
    asked = run(p, facts_description=text)
    assert (asked.outcome, asked.reason_code) == ("ask", "other_service")
    refused = run(p, {"other_service": True}, facts_description=text)
    assert (refused.outcome, refused.reason_code) == ("refused", "other_service")
    assert refused.route is not None and refused.route.kind == "other_service"
    text_route = describe_route(refused.route)
    assert "DG Personnes handicapées" in text_route
    assert "Pour le contacter" not in text_route and "None" not in text_route  # no contact in the seed


def test_spf_admissible_dissatisfaction() -> None:
    """« Vous estimez qu'une réaction se fait trop attendre ? Vous pensez qu'un de nos collaborateurs a
    été impoli ou inefficace ? Vous trouvez que les informations reçues manquent de précision ? »"""
    assert run(spf(), facts_description=SPF_CLEAR).outcome == "admissible"


def test_spf_has_no_one_year_vague_or_grouped_rule() -> None:
    """No one-year rule, no grouped or vague rule in seed 002."""
    assert run(spf(), facts_description=SPF_CLEAR, facts_date=date(2020, 1, 1),
               facts_date_precision="day").outcome == "admissible"
    assert run(spf(), facts_description="nul").outcome == "admissible"
    assert run(spf(), facts_description=SPF_CLEAR, acting_for="group").outcome == "admissible"
    anonymous = refusal_for_anonymity(spf())
    assert anonymous.outcome == "ask" and anonymous.answer_field == "last_name"


def test_spf_mediator_route() -> None:
    """« Si le service des plaintes n'a pas pu vous aider ou vous a aidé(e) insuffisamment, vous pouvez
    toujours vous adresser au Médiateur fédéral. »"""
    text = mediator_text(spf()) or ""
    for part in ("Médiateur fédéral", "Rue Ducale 43, 1000 Bruxelles", "www.federaalombudsman.be",
                 "0800 99 962", "gratuit"):
        assert part in text
    assert "e-mail" not in text.lower()  # the seed gives none


# =========================================================================== notice (seed 003)

NOTICE_TEXTS = {
    "je voudrais savoir quels sont vos tarifs pour la livraison": "information_request",
    "Pouvez-vous m'indiquer les horaires d'ouverture de la boutique ?": "information_request",
    "Je souhaite commander un nouveau modèle et avoir un devis": "service_request",
    "Que me conseillez-vous pour l'entretien de mon installation ?": "advice_request",
}


@pytest.mark.parametrize(
    "text,code", list(NOTICE_TEXTS.items()),
    ids=["« Une demande de services ou de prestations, une demande d'information, de clarification ou une "
         f"demande d'avis n'est pas une réclamation. » {i}" for i in range(len(NOTICE_TEXTS))],
)
def test_notice_doubtful_requests_are_flagged_for_la_direction(text: str, code: str) -> None:
    result = run(notice(), facts_description=text)
    assert (result.outcome, result.reason_code) == ("flagged", code)


@pytest.mark.parametrize("fields", [
    {"facts_description": "Le technicien n'est jamais venu au rendez-vous du 4 novembre."},
    {"facts_description": "pas content"},
    {"facts_description": "je voudrais savoir pourquoi personne ne répond"},
    {"facts_description": "x", "acting_for": "group", "facts_date": date(2015, 1, 1)},
], ids=["« Ces derniers sont juges de la nécessité de considérer le désagrément exposé par le client comme "
        f"une réclamation ou non. » {i}" for i in range(4)])
def test_notice_never_refuses(fields: dict[str, Any]) -> None:
    p = notice()
    everything = {code: True for code in ("information_request", "service_request", "advice_request",
                                          "too_old", "grouped", "too_vague", "appeal_procedure")}
    assert run(p, **fields).outcome in ("admissible", "flagged")
    assert run(p, everything, precision_asked=True, **fields).outcome in ("admissible", "flagged")
    assert refusal_for_anonymity(p).outcome == "ask"


def test_notice_mediator_for_rejections() -> None:
    """« En cas de rejet ou de refus de la déclaration, en totalité ou partiellement, et/ou si aucune
    solution amiable n'a pu être trouvée, le client peut faire appel au médiateur du Tribunal de
    Grenoble. »"""
    text = mediator_text(notice()) or ""
    assert "Tribunal de Grenoble" in text and "Pour le contacter" not in text


# =========================================================================== plan de gestion (seed 004)


@pytest.mark.parametrize("fields", [
    {}, {"facts_description": "nul"}, {"acting_for": "group"},
    {"facts_date": date(2010, 5, 1), "facts_date_precision": "year"},
], ids=["« Toute réclamation doit se faire en présentiel aux heures d'ouverture des bureaux. » "
        f"(no exclusion rule) {i}" for i in range(4)])
def test_plan_gestion_has_no_exclusion(fields: dict[str, Any]) -> None:
    p = plan()
    assert run(p, {"too_old": True, "grouped": True}, precision_asked=True, **fields).outcome == "admissible"
    assert refusal_for_anonymity(p).outcome == "ask"


def test_plan_gestion_appeal_text_to_fill_in() -> None:
    """« nous devons lui indiquer les voies de recours dont il dispose » (not named in the seed)"""
    assert mediator_text(plan()) is None
    assert route_for(plan(), "too_old") is None


# =========================================================================== across presets


def test_the_one_year_rules_differ() -> None:
    """IGRETEC: « Les faits relatés se sont produits il y a plus d'1 an »; Solidaris: « ... et pour
    laquelle aucune initiative n'a été prise par le ou la plaignante depuis lors »."""
    thirteen_months = {"facts_date": date(2025, 11, 18), "facts_date_precision": "day"}
    assert run(igretec(), **thirteen_months).outcome == "refused"
    assert run(igretec(), initiative_taken=True, **thirteen_months).outcome == "refused"
    assert run(solidaris(), **thirteen_months).outcome == "ask"
    assert run(solidaris(), initiative_taken=True, **thirteen_months).outcome == "admissible"
    for other in (spf(), notice(), plan()):
        assert run(other, facts_description=SPF_CLEAR, **thirteen_months).outcome == "admissible"


@pytest.mark.parametrize("policy_id", ["igretec", "solidaris-brabant", "spf-securite-sociale",
                                       "notice-reclamation", "plan-gestion"])
def test_every_cue_of_every_preset_works(policy_id: str) -> None:
    p = load_policy(policy_id)
    for i, ex in enumerate(p.exclusions):
        earlier = {e.code: False for e in p.exclusions[:i]}
        for cue in ex.cues:
            text = f"Le 3 mars, au guichet de l'agence, voici ce qui s'est passé : {cue}."
            result = run(p, earlier, facts_description=text)
            expected = "ask" if ex.question else "flagged"
            assert (result.outcome, result.reason_code) == (expected, ex.code), cue


def test_cues_match_whole_words_without_accents() -> None:
    assert found_cues("Ma DECISION du 3 mars", ["décision"]) == ["décision"]
    assert found_cues("les avocats", ["avocat"]) == ["avocat"]
    assert found_cues("le processus", ["procès"]) == []
    assert found_cues(None, ["x"]) == []


def test_is_vague() -> None:
    assert is_vague("nul")
    assert is_vague("Ce n'est pas normal, vous êtes nuls et incompétents, c'est toujours pareil")
    assert not is_vague("On m'a mal parlé au téléphone quand j'ai appelé pour mon dossier")
    assert not is_vague("Votre collaboratrice Madame Dupont m'a raccroché au nez sans raison")
    assert not is_vague(CLEAR)


def test_describe_route_never_mentions_an_empty_value() -> None:
    route = Route(kind="mediator", name="Médiateur X", conditions=["Une condition."])
    text = describe_route(route)
    assert text.startswith("Vous pouvez vous adresser au médiateur : Médiateur X.")
    assert "Une condition." in text and "contacter" not in text and "None" not in text
    igr = mediator_text(igretec()) or ""
    for part in ("courrier@le-mediateur.be", "081/32 19 00", "Rue Lucien Namèche 54", "Espaces Wallonie",
                 "réclamation auprès d'IGRETEC", "recours administratif ou juridictionnel"):
        assert part in igr
    assert "Formulaire en ligne" not in igr  # its address is not in the seed


def test_route_for_prefers_the_exclusion_route() -> None:
    assert route_for(igretec(), "co_contractor").kind == "agreement"  # type: ignore[union-attr]
    assert route_for(igretec(), "too_old") is igretec().mediator
    assert route_for(spf(), "other_service").kind == "other_service"  # type: ignore[union-attr]
    assert route_for(solidaris(), "too_old") is None


# ----------------------------------------------- the other procedures: asked whenever plausible
@pytest.mark.parametrize(("preset", "code", "text"), [
    ("igretec", "co_contractor", "Notre société est sous-traitant sur le chantier de la zone d'activité et la "
                                 "facture du 3 novembre n'est toujours pas payée."),
    ("igretec", "co_contractor", "Nous sommes adjudicataire du marché public de voirie et le chef de projet ne "
                                 "répond plus à nos courriers depuis le 3 novembre."),
    ("spf-securite-sociale", "appeal_procedure", "J'ai reçu le 3 novembre la notification d'un indu de 1 200 euros "
                                                 "et je ne suis pas d'accord avec ce montant."),
    ("spf-securite-sociale", "judicial_dispute", "L'auditorat du travail m'a convoqué le 3 novembre et la cour du "
                                                 "travail doit encore se prononcer."),
    ("spf-securite-sociale", "other_service", "Ma demande d'allocation pour l'aide aux personnes âgées attend son "
                                              "évaluation médicale depuis le 3 mai."),
])
def test_another_procedure_is_asked_about_when_plausible(preset: str, code: str, text: str) -> None:
    asked = run(load_policy(preset), facts_description=text)
    assert (asked.outcome, asked.reason_code) == ("ask", code)


def test_an_ordinary_complaint_is_not_asked_about_other_procedures() -> None:
    text = "Le 3 novembre, au guichet de Bruxelles, l'agent a refusé de me donner un formulaire sans explication."
    assert run(load_policy("igretec"), facts_description=text).outcome == "admissible"
    text = "Depuis le 3 novembre personne ne répond au téléphone du service et ma question reste sans réponse."
    assert run(load_policy("spf-securite-sociale"), facts_description=text).outcome == "admissible"
