"""The procedure in the organisation's own words: how else to file, how to come in person, and the
answers to the citizen's questions about the procedure (bot.domain.procedure recognises them).

Everything said comes from the preset; a topic the preset says nothing about is said to be unknown
here, with the service's contacts, never guessed.
"""

from __future__ import annotations

from bot.domain.admissibility import describe_route
from bot.domain.policy import Deadline, Policy, of_organisation
from bot.domain.procedure import Topic


def other_ways_lines(policy: Policy) -> str:
    """The preset's other ways to file, as lines (nothing invented: only what the preset fills)."""
    c = policy.other_ways_to_file
    lines = [f"• {label} : {value}" for label, value in (
        ("e-mail", c.email), ("téléphone", c.phone), ("courrier", c.postal_address),
        ("formulaire", c.online_form), ("site", c.website)) if value]
    lines += [f"• {o}" for o in c.other]
    return "\n".join(lines) or policy.organisation.name


def in_person_text(policy: Policy) -> str:
    """How to come in person (the plan): the preset's text, then its office address and hours
    when the preset fills them (nothing invented)."""
    place = policy.in_person
    if place is None:
        return ""
    lines = [" ".join(place.text.split())]
    lines += [f"• {label} : {value}" for label, value in (
        ("adresse", place.address), ("heures d'ouverture", place.hours)) if value]
    return "\n".join(lines)


def _deadline(d: Deadline) -> str:
    return " ".join(d.text.split())


def _contacts_or_here(policy: Policy, lead: str,
                      none: str = "Vous pouvez déposer votre réclamation ici, dans cette conversation.") -> str:
    """`lead` and the preset's other ways to file, or `none` when the preset gives none."""
    c = policy.other_ways_to_file
    if not any((c.email, c.phone, c.postal_address, c.online_form, c.website, c.other)):
        return none
    return f"{lead}\n{other_ways_lines(policy)}"


def procedure_answer(policy: Policy, topic: Topic) -> str:
    """What the preset says about `topic`, in French, addressed to the citizen."""
    if topic == "delay":
        return (f"Vous recevrez un accusé de réception {_deadline(policy.acknowledgement)}, "
                f"puis une réponse {_deadline(policy.answer)}.")
    if topic == "abroad":
        return ("Oui : vous pouvez introduire une réclamation où que vous habitiez. Une adresse ou un numéro de "
                "téléphone à l'étranger est accepté : indiquez simplement le pays.")
    if topic == "anonymous":
        anonymous = policy.exclusion("anonymous")
        if anonymous:
            return " ".join(anonymous.explanation.split())
        return ("Votre nom et votre prénom sont nécessaires pour enregistrer votre réclamation et vous répondre ; "
                "ils ne servent qu'au traitement de votre réclamation.")
    if topic == "no_email":
        if "email" in policy.decline_alternatives:
            return " ".join(policy.decline_alternatives["email"].split())
        if "email" not in policy.required_fields:
            return "Oui : l'adresse e-mail n'est pas obligatoire. Dites simplement que vous n'en avez pas."
        return ("L'adresse e-mail est demandée. Si vous n'en avez pas, dites-le : votre réclamation sera "
                "enregistrée et le service vous recontactera autrement. "
                + _contacts_or_here(policy, "Vous pouvez aussi vous adresser directement au service :"))
    if topic == "mediator":
        if policy.mediator:
            return "Si la réponse ne vous satisfait pas :\n\n" + describe_route(policy.mediator)
        if policy.answer_appeal_text:
            return " ".join(policy.answer_appeal_text.split())
        return ("La procédure de réclamation que je connais ne désigne pas de médiateur. "
                + _contacts_or_here(policy, "Pour toute question sur la suite, vous pouvez contacter le service :",
                                    none="")).strip()
    if policy.intake_mode == "in_person" and policy.in_person:  # other_ways
        return in_person_text(policy)
    return _contacts_or_here(policy, f"Oui. Vous pouvez aussi introduire votre réclamation auprès "
                                     f"{of_organisation(policy.organisation.name)} :")
