"""Is a complaint admissible under its preset's own rules? Pure functions, no I/O.

`assess` looks only at what is filled in, so it can be called after each answer of the form:

- "refused": a rule the citizen's own answers settle (grouped, facts older than the preset's
  limit by the date given, a matter for another procedure or service, confirmed by the citizen);
  `route` is where to go instead (the exclusion's own route, else the preset's mediator).
- "ask": the assistant must ask `question` first. `answer_field` says where the answer goes:
  the reason code itself (a yes/no answer kept in `answers[reason_code]`, "oui" meaning the
  exclusion applies), "initiative_taken" (Solidaris' yes/no question, kept on the complaint:
  "oui" means a step was taken and the complaint is filed) or "facts_description" (too_vague:
  the one request for precision, a free answer).
- "flagged": a ground that needs judgement (too vague after the request for precision,
  discriminatory, a suggestion, a duplicate, or in the notice preset anything doubtful): the
  complaint is filed with `suggested_reason_code = reason_code` and staff decide.
- "admissible": nothing stops the complaint so far.

"admissible" and "flagged" are not final while fields are still missing: call again after each
answer; the call on the complete record decides. A preset never applies another preset's rule:
everything here is driven by `policy.exclusions` and `policy.too_old`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.domain.complaint import Complaint
from bot.domain.dates import ParsedDate, older_than
from bot.domain.policy import Contacts, Exclusion, Policy, Route
from bot.domain.text import fold

__all__ = [
    "Assessment",
    "assess",
    "decision_notice_for",
    "describe_route",
    "facts_older_than",
    "found_cues",
    "is_vague",
    "mediator_text",
    "refusal_for_anonymity",
    "route_for",
]

Outcome = Literal["admissible", "refused", "flagged", "ask"]


@dataclass(frozen=True)
class Assessment:
    outcome: Outcome
    reason_code: str | None = None
    explanation: str | None = None
    route: Route | None = None
    question: str | None = None
    # "ask" only: where the answer goes (a reason code -> `answers`, else a Complaint field)
    answer_field: str | None = None


ADMISSIBLE = Assessment("admissible")

# ------------------------------------------------------------------------------------ text helpers


def found_cues(text: str | None, cues: Iterable[str]) -> list[str]:
    """The cues present in `text` as whole words (a final s or x allowed), accents ignored."""
    if not text:
        return []
    folded = fold(text)
    found = []
    for cue in cues:
        c = fold(cue)
        if c and re.search(rf"(?<![\w]){re.escape(c)}(?:s|x)?(?![\w])", folded):
            found.append(cue)
    return found


_WORD_RE = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
MIN_WORDS = 8
# Words that make a description concrete: a time, a place or channel, a thing, a person.
_CONCRETE = frozenset(
    """
    hier aujourd'hui avant-hier matin matinee soir soiree midi apres-midi nuit semaine mois annee an jour
    lundi mardi mercredi jeudi vendredi samedi dimanche week-end
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    guichet bureau agence accueil telephone appel appele courrier lettre mail e-mail email
    courriel message site internet formulaire chantier parking rue batiment salle reunion rendez-vous
    route trottoir zone terrain piscine ecole commune ville
    facture dossier decision paiement remboursement contrat permis devis document attestation
    prime subside allocation indemnite colis livraison commande reponse travaux compteur montant
    euro euros virement retard attente delai convocation refus certificat carte
    agent agente employe employee collaborateur collaboratrice conseiller conseillere responsable
    gestionnaire directeur directrice technicien technicienne personnel ouvrier ouvriers chef
    monsieur madame mme
    """.split()
)


def is_vague(description: str | None) -> bool:
    """A simple test: fewer than 8 words, or no concrete element (a number, a date or time,
    a place or channel, a document or service, a person, a proper noun)."""
    if not description or not description.strip():
        return True
    matches = list(_WORD_RE.finditer(description))
    if len(matches) < MIN_WORDS:
        return True
    if re.search(r"\d", description):
        return False
    for m in matches:
        word = m.group()
        folded = fold(word)
        if {folded, *folded.split("'"), folded.rstrip("sx")} & _CONCRETE:
            return False
        # a capitalised word inside a sentence: a name or a place ("Madame Dupont", "à Charleroi")
        before = description[: m.start()].rstrip()
        if word[:1].isupper() and not word.isupper() and before and before[-1] not in ".!?…:;\"«(-":
            return False
    return True


# ------------------------------------------------------------------------------------ dates


def facts_older_than(complaint: Complaint, received: date, months: int,
                     facts_range: tuple[date, date] | None = None) -> Literal["yes", "no", "probably"] | None:
    """Are the facts more than `months` months older than `received`? None without a date.

    "probably" when an imprecise date (a month, a year, "début janvier") straddles the limit.
    `facts_range`: the (earliest, latest) the citizen's words allow, when known.
    """
    if facts_range is not None:
        lo, hi = facts_range
        return older_than(ParsedDate(lo, "approximate", "", lo, hi), received, months)
    if complaint.facts_date is None:
        return None
    precision = complaint.facts_date_precision or "day"
    if precision not in ("day", "month", "approximate", "year"):
        precision = "approximate"
    return older_than(ParsedDate(complaint.facts_date, precision, ""), received, months)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ routes


def route_for(policy: Policy, reason_code: str | None) -> Route | None:
    """Where to go after a refusal: the exclusion's own route, else the preset's mediator (or None)."""
    exclusion = policy.exclusion(reason_code) if reason_code else None
    if exclusion is not None and exclusion.route is not None:
        return exclusion.route
    return policy.mediator


_HEADINGS = {
    "mediator": "Vous pouvez vous adresser au médiateur : {name}.",
    "other_service": "Service compétent : {name}.",
    "data_protection_officer": "Pour la protection de vos données : {name}.",
}


def _contact_lines(c: Contacts) -> list[str]:
    pairs = (
        ("Par e-mail", c.email),
        ("Par téléphone", c.phone),
        ("En cas d'urgence uniquement", c.urgent_phone),
        ("Par fax", c.fax),
        ("Par courrier", c.postal_address),
        ("Site internet", c.website),
        ("Formulaire en ligne", c.online_form),
    )
    lines = [f"• {label} : {_clean(value)}" for label, value in pairs if value]
    lines += [f"• {_clean(other)[:1].upper()}{_clean(other)[1:]}" for other in c.other if other and other.strip()]
    return lines


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def describe_route(route: Route) -> str:
    """The route in French: its name, description, conditions and each contact it has.

    An empty (null) value is never mentioned.
    """
    parts: list[str] = []
    name = _clean(route.name).rstrip(".") if route.name else None
    if name and route.kind in _HEADINGS:
        parts.append(_HEADINGS[route.kind].format(name=name))
    elif name and not route.description:  # an agreement or a procedure: its description says it
        parts.append(f"{name}.")
    if route.description:
        parts.append(_clean(route.description))
    if route.conditions:
        parts.append("Conditions :\n" + "\n".join(f"• {_clean(c)}" for c in route.conditions))
    contacts = _contact_lines(route.contacts)
    if contacts:
        parts.append("Pour le contacter :\n" + "\n".join(contacts))
    return "\n\n".join(parts)


def mediator_text(policy: Policy) -> str | None:
    """What to tell on a refusal or a (partly) rejected answer: the mediator, else the preset's
    appeal text, else None (nothing is invented)."""
    if policy.mediator is not None:
        return describe_route(policy.mediator)
    if policy.answer_appeal_text:
        return _clean(policy.answer_appeal_text)
    return None


# ------------------------------------------------------------------------------------ assessment


def _refused(policy: Policy, code: str) -> Assessment:
    exclusion = policy.exclusion(code)
    return Assessment(
        "refused",
        reason_code=code,
        explanation=_clean(exclusion.explanation) if exclusion else None,
        route=route_for(policy, code),
    )


def _flagged(exclusion: Exclusion) -> Assessment:
    return Assessment("flagged", reason_code=exclusion.code, explanation=_clean(exclusion.explanation))


def _ask(code: str | None, question: str | None, answer_field: str | None) -> Assessment:
    return Assessment("ask", reason_code=code, question=_clean(question) if question else None,
                      answer_field=answer_field)


def refusal_for_anonymity(policy: Policy) -> Assessment:
    """The citizen will not give a name. Refused where the preset excludes anonymous complaints;
    elsewhere the name is still needed to file: "ask" for it again (never a refusal)."""
    if policy.excludes("anonymous"):
        return _refused(policy, "anonymous")
    return _ask(
        None,
        "Votre nom et votre prénom sont nécessaires pour enregistrer votre demande et vous répondre. "
        "Pouvez-vous nous les indiquer ?",
        "last_name",
    )


def _too_old(complaint: Complaint, policy: Policy, received: date, answers: dict[str, bool],
             facts_range: tuple[date, date] | None = None) -> Assessment | None:
    rule, exclusion = policy.too_old, policy.exclusion("too_old")
    if rule is None or exclusion is None:
        return None
    verdict = facts_older_than(complaint, received, rule.max_age_months, facts_range)
    if verdict is None or verdict == "no":
        return None
    confirmed = answers.get("too_old") if verdict == "probably" else True
    if confirmed is False:
        return None
    if rule.unless_initiative_taken:
        if complaint.initiative_taken is True:
            return None
        if complaint.initiative_taken is None:
            return _ask("too_old", rule.initiative_question, "initiative_taken")
    if confirmed is None:
        return _ask("too_old", exclusion.question, "too_old")
    return _refused(policy, "too_old")


def assess(
    complaint: Complaint,
    policy: Policy,
    *,
    received: date,
    answers: dict[str, bool] | None = None,
    precision_asked: bool = False,
    facts_range: tuple[date, date] | None = None,
) -> Assessment:
    """The admissibility of `complaint` so far under `policy` (see the module docstring).

    `answers`: the citizen's yes/no answers to exclusion questions, by reason code.
    `precision_asked`: the one request for precision about a vague description was made.
    `received`: the date of receipt (today in the chat), to which the one-year rules compare.
    """
    answers = dict(answers or {})
    return (_settled_by_citizen(complaint, policy, received, answers, facts_range)
            or _for_staff_to_judge(complaint, policy, answers, precision_asked)
            or ADMISSIBLE)


def _settled_by_citizen(complaint: Complaint, policy: Policy, received: date, answers: dict[str, bool],
                        facts_range: tuple[date, date] | None) -> Assessment | None:
    """A refusal (or the question before it) that the citizen's own answers settle."""
    if complaint.acting_for == "group" and policy.excludes("grouped"):
        return _refused(policy, "grouped")
    old = _too_old(complaint, policy, received, answers, facts_range)
    if old is not None:
        return old
    text = complaint.facts_description or ""
    for ex in policy.exclusions:
        if ex.decided_by != "assistant" or ex.code in ("too_old", "anonymous", "grouped"):
            continue
        answer = answers.get(ex.code)
        if answer is True:
            return _refused(policy, ex.code)
        if answer is None and ex.question and found_cues(text, ex.cues):
            return _ask(ex.code, ex.question, ex.code)
    return None


def _for_staff_to_judge(complaint: Complaint, policy: Policy, answers: dict[str, bool],
                        precision_asked: bool) -> Assessment | None:
    """A ground that needs judgement: flagged for staff (or asked about first), never refused here."""
    text = complaint.facts_description or ""
    vague = policy.exclusion("too_vague")
    if vague is not None and complaint.facts_description is not None and is_vague(text):
        if not precision_asked and vague.precision_request:
            return _ask("too_vague", vague.precision_request, "facts_description")
        return _flagged(vague)
    for ex in policy.exclusions:
        if ex.decided_by != "staff" or ex.code == "too_vague":
            continue
        answer = answers.get(ex.code)
        if answer is True:
            return _flagged(ex)
        if answer is None and found_cues(text, ex.cues):
            if ex.code == "discriminatory" and is_victim_account(text):
                continue  # the citizen reports discrimination suffered: a complaint like any other
            return _ask(ex.code, ex.question, ex.code) if ex.question else _flagged(ex)
    return None


_VICTIM_RE = re.compile(
    r"\b(?:m'a (?:traite|traitee|insulte|insultee|appele|appelee|dit|lance|refuse|regarde)|on m'a (?:traite|insulte|dit)"
    r"|(?:j'ai|je me suis) (?:ete|senti|sentie) (?:victime|discrimine|discriminee|humilie|humiliee|insulte|insultee)"
    r"|victime d|parce que je suis|a cause de (?:mon|ma|mes)|en raison de (?:mon|ma|mes)|envers moi|contre moi"
    r"|raciste|racisme|discrimination|discrimine|discriminee|propos (?:racistes|discriminatoires)|me traiter)"
)


def is_victim_account(text: str | None) -> bool:
    """Does the citizen say they suffered discrimination (not ask for a discriminatory treatment)?"""
    return bool(_VICTIM_RE.search(fold(text or "")))


DECISION_CUES = (
    "décision", "décidé", "refus", "refusé", "refusée", "rejet", "rejeté", "rejetée", "recours",
    "sanction", "récupération", "indu",
)


def decision_notice_for(complaint: Complaint, policy: Policy) -> str | None:
    """The preset's decision notice (Solidaris: the handling does not suspend the time limits for
    appealing before the courts) when the description is about a decision; else None."""
    if policy.decision_notice and found_cues(complaint.facts_description, DECISION_CUES):
        return _clean(policy.decision_notice)
    return None
