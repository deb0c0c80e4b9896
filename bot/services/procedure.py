"""The procedure in the organisation's own words: how else to file, how to come in person, and the
answers to the citizen's questions about the procedure (bot.domain.procedure recognises them).

Everything said comes from the preset; a topic the preset says nothing about is said to be unknown
here, with the service's contacts, never guessed.
"""

from __future__ import annotations

from bot.domain.admissibility import describe_route
from bot.domain.policy import Policy, of_organisation
from bot.domain.procedure import Topic


def _flat(text: str) -> str:
    """A preset's folded YAML text on one line."""
    return " ".join(text.split())


def _other_ways(policy: Policy) -> list[str]:
    """One line per other way to file the preset fills (nothing invented)."""
    c = policy.other_ways_to_file
    lines = [f"• {label} : {value}" for label, value in (
        ("e-mail", c.email), ("téléphone", c.phone), ("courrier", c.postal_address),
        ("formulaire", c.online_form), ("site", c.website)) if value]
    return lines + [f"• {o}" for o in c.other]


def other_ways_lines(policy: Policy) -> str:
    """The preset's other ways to file, as lines; when it gives none, its offices (a plan that takes
    complaints in person) or the organisation itself, never an invented contact."""
    lines = _other_ways(policy)
    if lines:
        return "\n".join(lines)
    if policy.intake_mode == "in_person" and policy.in_person:
        where = [v for v in (policy.in_person.address, policy.in_person.hours) if v]
        return "• en personne, à nos bureaux" + (f" ({', '.join(where)})" if where else ", aux heures d'ouverture")
    return f"• auprès {of_organisation(policy.organisation.name)}"


def in_person_text(policy: Policy) -> str:
    """How to come in person (the plan): the preset's text, then its office address and hours
    when the preset fills them (nothing invented)."""
    place = policy.in_person
    if place is None:
        return ""
    lines = [_flat(place.text)]
    lines += [f"• {label} : {value}" for label, value in (
        ("adresse", place.address), ("heures d'ouverture", place.hours)) if value]
    return "\n".join(lines)


def _contacts_or_here(policy: Policy, lead: str,
                      none: str = "Vous pouvez déposer votre réclamation ici, dans cette conversation.") -> str:
    """`lead` and the preset's other ways to file, or `none` when the preset gives none."""
    lines = _other_ways(policy)
    return f"{lead}\n" + "\n".join(lines) if lines else none


def _grouped_answer(policy: Policy) -> str:
    """"Mes voisins peuvent-ils signer avec moi ?": the preset's grouped rule, or how to file for a group."""
    grouped = policy.exclusion("grouped")
    if grouped:
        return _flat(grouped.explanation)
    if "acting_for" in policy.ask_fields:
        return ("Oui : vous pouvez introduire la réclamation au nom d'un groupe ; dites-le quand je vous demande "
                "pour qui vous agissez.")
    return "Chaque personne concernée peut introduire sa propre réclamation ici."


def _where_and_when(policy: Policy) -> str:
    """"Je dois venir où ? Vos horaires ?": the offices the preset names, or plainly that it names none."""
    if not (policy.intake_mode == "in_person" and policy.in_person):
        return _contacts_or_here(policy, f"Vous pouvez introduire votre réclamation auprès "
                                         f"{of_organisation(policy.organisation.name)} :")
    place = policy.in_person
    first = _flat(place.text).split(". ")[0].rstrip(".") + "."
    lines = [f"• {label} : {value}" for label, value in (
        ("adresse", place.address), ("heures d'ouverture", place.hours)) if value]
    known = "\n".join(lines) if lines else (
        "L'adresse et les horaires de nos bureaux ne me sont pas indiqués ici : renseignez-vous auprès de notre "
        "entreprise avant de venir, et apportez la référence de votre dossier.")
    return f"{first}\n{known}"


def procedure_answer(policy: Policy, topic: Topic) -> str:
    """What the preset says about `topic`, in French, addressed to the citizen."""
    if topic == "delay":
        return (f"Vous recevrez un accusé de réception {_flat(policy.acknowledgement.text)}, "
                f"puis une réponse {_flat(policy.answer.text)}.")
    if topic == "abroad" and policy.intake_mode == "in_person":
        return ("Je peux préparer votre dossier ici, d'où que vous soyez, avec une adresse ou un numéro de "
                "téléphone à l'étranger. La procédure prévoit ensuite que la réclamation soit présentée en "
                "personne, à nos bureaux, et n'indique pas d'autre moyen ; si vous ne pouvez pas vous déplacer, "
                "dites-le dans votre description : le service en sera informé.")
    if topic == "abroad":
        return ("Vous pouvez introduire une réclamation où que vous habitiez. Une adresse ou un numéro de "
                "téléphone à l'étranger est accepté : indiquez simplement le pays.")
    if topic == "anonymous":
        anonymous = policy.exclusion("anonymous")
        if anonymous:
            return _flat(anonymous.explanation)
        return ("Votre nom et votre prénom sont nécessaires pour enregistrer votre réclamation et vous répondre ; "
                "ils ne servent qu'au traitement de votre réclamation.")
    if topic == "no_email":
        if "email" in policy.decline_alternatives:
            return _flat(policy.decline_alternatives["email"])
        if "email" not in policy.required_fields:
            return "Oui : l'adresse e-mail n'est pas obligatoire. Dites simplement que vous n'en avez pas."
        return ("L'adresse e-mail est demandée. Si vous n'en avez pas, dites-le : votre réclamation sera "
                "enregistrée et le service vous recontactera autrement. "
                + _contacts_or_here(policy, "Vous pouvez aussi vous adresser directement au service :"))
    if topic == "mediator":
        if policy.mediator:
            return "Si la réponse ne vous satisfait pas :\n\n" + describe_route(policy.mediator)
        if policy.answer_appeal_text:
            return _flat(policy.answer_appeal_text)
        return ("La procédure de réclamation que je connais ne désigne pas de médiateur. "
                + _contacts_or_here(policy, "Pour toute question sur la suite, vous pouvez contacter le service :",
                                    none="")).strip()
    if topic == "who_reads":
        return _flat(policy.privacy_notice)
    if topic == "grouped":
        return _grouped_answer(policy)
    if topic == "in_person":
        return _where_and_when(policy)
    if policy.intake_mode == "in_person" and policy.in_person:  # other_ways
        return in_person_text(policy)
    return _contacts_or_here(policy, f"Oui. Vous pouvez aussi introduire votre réclamation auprès "
                                     f"{of_organisation(policy.organisation.name)} :")
