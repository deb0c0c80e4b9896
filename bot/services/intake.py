"""The intake conversation as a use case, free of any chat framework.

The Rasa actions hand it the slots (the conversation state) and the citizen's answer; it
returns slot updates and what to say, as response names of domain.yml or texts of the
preset. Validation and admissibility come from the domain core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.admissibility import Assessment, assess, describe_route, refusal_for_anonymity, route_for
from bot.domain.complaint import FREE_TEXT_FIELDS as COMPLAINT_FREE_TEXT
from bot.domain.complaint import ActingFor, Complaint
from bot.domain.dates import (
    EXAMPLE_HINT,
    DateError,
    ParsedDate,
    format_date_fr,
    format_parsed_fr,
    parse_facts_date,
)
from bot.domain.letter import Reading, other_organisation, read_message, tells_facts
from bot.domain.names import first_and_last
from bot.domain.policy import Policy, of_organisation
from bot.domain.procedure import Topic, procedure_topic
from bot.domain.remarks import asks_if_required, read_remark
from bot.domain.text import fold
from bot.domain.validation import (
    EXAMPLES,
    FieldError,
    clearly_anonymous,
    is_none_answer,
    parse_acting_for,
    parse_yes_no,
    split_full_name,
    validate_field,
    validate_name,
)
from bot.services.labels import CITIZEN_ACTING_FOR_LABELS
from bot.services.procedure import other_ways_lines, procedure_answer

# Labels of the summary, in the order shown.
FIELD_LABELS: dict[str, str] = {
    "acting_for": "Au nom de",
    "last_name": "Nom",
    "first_name": "Prénom",
    "address": "Adresse",
    "email": "E-mail",
    "phone": "Téléphone",
    "file_reference": "Référence de dossier",
    "facts_description": "Faits",
    "facts_date": "Date des faits",
    "facts_place": "Lieu",
    "persons_contacted": "Personnes contactées",
    "attachments": "Documents",
    "objective": "Objectif",
    "subject": "Objet",
    "service_concerned": "Contrat, produit ou service",
    "other_parties": "Autres intervenants",
    "persons_targeted": "Personnes visées",
}
PRIOR_CONTACT_LABEL = "Contact préalable avec le service"  # a yes/no answer, shown before the name
# what "j'ai noté : …" may name: the summary's fields and the yes/no answer a letter can give
NOTED_LABELS = {**FIELD_LABELS, "prior_contact": PRIOR_CONTACT_LABEL}
EXAMPLES_REPRESENTED = "ASBL Les Amis du Parc"

# Words a citizen uses to name a field at the summary ("mon e-mail est faux", "changer la date").
FIELD_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("email", ("e-mail", "email", "mail", "courriel", "adresse électronique")),
    ("first_name", ("prénom", "prenom")),
    ("last_name", ("nom de famille", "mon nom", "le nom", "nom")),
    ("phone", ("téléphone", "telephone", "gsm", "portable", "numéro de tel", "numero de tel", "tél", "tel")),
    ("file_reference", ("référence", "reference", "numéro de dossier", "numero de dossier", "dossier")),
    ("facts_date", ("date", "quand", "jour")),
    ("facts_place", ("lieu", "endroit", "où")),
    ("prior_contact", ("contact préalable", "contact prealable")),
    ("persons_contacted", ("personnes contactées", "contacts", "personne contactée", "contacté")),
    ("attachments", ("document", "pièce", "piece", "fichier", "photo")),
    ("objective", ("objectif", "demande", "ce que je veux", "ce que j'attends")),
    ("facts_description", ("description", "faits", "récit", "ce qui s'est passé")),
    ("address", ("adresse", "domicile", "rue", "code postal", "commune")),
    ("subject", ("objet",)),
    ("service_concerned", ("contrat", "produit", "service")),
    ("other_parties", ("intervenants",)),
    ("persons_targeted", ("personnes visées", "visée")),
    ("acting_for", ("au nom de", "organisation", "groupe")),
]

STORY_MIN_WORDS = 20  # a first message this long is the account of the facts
# details taken from any answer, whatever was asked (their form leaves no doubt)
STRONG_FIELDS = ("email", "phone", "file_reference", "address", "last_name", "first_name", "facts_date")
# details taken from a message long enough to be an account of the facts
LETTER_FIELDS = STRONG_FIELDS + ("acting_for", "prior_contact", "facts_place", "persons_contacted", "objective",
                                 "subject", "service_concerned", "other_parties", "persons_targeted",
                                 "facts_description")
# fields whose doubtful value is kept as typed once confirmed (names have their own rule)
KEEPABLE = ("phone", "address", "file_reference", "facts_date", "facts_place", "persons_contacted", "objective",
            "subject", "service_concerned", "other_parties", "persons_targeted")
FREE_TEXT_FIELDS = ("facts_description", *COMPLAINT_FREE_TEXT)
_NAME_SAID_AS_SUCH = re.compile(r"(?i)\b(?:je\s+m['’ ]?appel|je\s+suis|moi\s+c['’]est|c['’]est|mon\s+(?:nom|pr[ée]nom)|nom\s*:"
                                r"|pr[ée]nom\s*:)")
# what the address reader leaves out but the postman needs: kept as typed
_ADDRESS_COMPLEMENT = re.compile(r"(?i)\b(?:r[ée]sidence|app(?:artemen)?t|appt|bloc|[ée]tage|b[âa]timent|chez|c/o"
                                 r"|bo[îi]te|bte|bus|lieu-dit|hameau|cedex|bp)\b")
_NAME_THEN_MORE = re.compile(r"\s*[,;.]\s+|\s+-\s+|\s*,\s*")
_FIRST_NAME_SAID = re.compile(r"(?i)(?:et\s+)?(?:mon\s+)?pr[ée]nom\s*(?::|c['’]est|est)?\s*([^\W\d_][\w'-]+)\W*$")
_HOW_TO_SEND = re.compile(r"comment (?:on |je |faire |fait |faut-il |dois-je |je dois |je peux |vous )?[^?]{0,20}?"
                          r"(?:envoy|joindre|mettre|transmettre|telecharg|ajout|attach)"
                          r"|(?:sais|sait) pas (?:comment )?(?:l'|les |vous )?(?:envoy|joindre|mettre|transmettre)"
                          # "je peux vous envoyer une photo ?"
                          r"|(?:je peux|on peut|puis-je|est-ce que je peux) (?:vous )?(?:envoy|joindre|mettre|transmettre)"
                          r"\w* (?:une?|des|la|le|les|mes|ma|mon)? ?(?:photos?|documents?|fichiers?|pdf|pieces?|scans?)")
# "je les ai en papier seulement, je peux les envoyer par la poste ?"
_ON_PAPER = re.compile(r"\b(?:en papier|version papier|sur papier|par (?:la )?poste|par courrier|photocopies?)\b")


# a step taken with the service, told instead of "oui" ("j'ai écrit deux fois", "deux courriers en avril")
_STEP_TOLD = re.compile(r"\b(?:j'ai (?:deja )?(?:ecrit|appele|telephone|envoye|relance|contacte|rappele|ete)|"
                        r"(?:deux|trois|plusieurs|des|un|une|\d+) (?:courriers?|lettres?|mails?|e-?mails?|appels?|relances?"
                        r"|recommandes?|visites?)\b|je (?:suis|me suis) (?:passee?|rendue?|deplacee?))")
# "ça n'a rien à voir avec vous mais je ne sais pas à qui m'adresser"
_NOT_ABOUT_YOU = re.compile(r"\b(?:ca|cela|ceci) n'a rien a voir avec vous\b|\bce n'est pas (?:de )?votre faute\b.{0,40}"
                            r"\bvoisin|\bje ne sais pas a qui (?:m'adresser|me plaindre)\b")


def _lower_own(name: str) -> str:
    """"Notre entreprise" inside a sentence: "notre entreprise"."""
    return f"{name[0].lower()}{name[1:]}" if re.match(r"(?:Notre|Nos|Votre|Vos)\b", name) else name


def _unnamed_relative(state: dict[str, Any]) -> bool:
    """"ma mère", "mon voisin": a person written for whose name is not known yet."""
    who = str(state.get("represented_person") or "")
    return bool(who) and not state.get("represented_name") and not re.search(r"[A-ZÀ-Ý]", who[3:])


def _clauses(text: str) -> list[str]:
    """The message cut where a new field is named; a piece naming none stays with the one before."""
    clauses: list[str] = []
    last = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if _CLAUSE_START.match(text[m.end():]):
            clauses.append(text[last:m.start()])
            last = m.end()
    clauses.append(text[last:])
    return [c.strip() for c in clauses if c.strip()]


def _how_to_send(channel: str) -> str:
    """How to attach a file, on the citizen's channel."""
    if channel in ("telegram", "whatsapp"):
        where = "touchez le trombone (📎) à côté de la zone de texte, choisissez la photo ou le fichier"
    elif channel == "twilio":
        where = "joignez la photo ou le fichier à votre message, comme pour un MMS"
    else:
        where = "cliquez sur le trombone (📎) à gauche de la zone de texte, choisissez le fichier"
    return (f"Pour joindre un document, {where} et envoyez-le (PDF, photo, document Word ou OpenOffice). "
            "Écrivez ensuite « terminé ». Si vous n'y arrivez pas, répondez « aucun » : le service pourra vous "
            "le demander plus tard.")


_DOCUMENTS_LATER = re.compile(r"plus tard|pour l'instant|pour le moment|pas sous la main|pas ici|je (?:les |l')?enverrai"
                              r"|je vais (?:les |l')?(?:envoyer|chercher|retrouver)|apres|ulterieurement|pas maintenant")
_FIRST_CLAUSE = re.compile(r"(?i)\s*(?:[,.;:!?]|\bmais\b|\bet\b)\s*")
_DAY_SAID = re.compile(r"(?i)\ble\s+(?:1er|\d{1,2})\b")
_REQUIRED_CONTACT = {"email": "Une adresse e-mail", "phone": "Un numéro de téléphone", "address": "Une adresse postale"}
_NOTHING_TO_CORRECT = re.compile(r"^\W*(?:(?:non,? )?rien(?: a corriger| du tout)?|aucune?(?: correction)?|c'est bon)\W*$"
                                 r"|\btout est (?:bon|correct|ok|juste|exact)\b")
_PICKED_FIELD = re.compile(r"(?i)^\s*corriger\s*:\s*(.+?)\s*$")
_VALUE_AFTER_CUE = re.compile(r"(?i)(?:c['’]est|c['’]était|\bc\b|plutôt|mais|:)(?:\s*:)?"
                              r"(?:\s+(?:seulement|simplement|juste|en fait|plutôt)(?:\s*:)?)?\s+(?P<value>[^,;!?]+?)\s*[.!]?\s*$")
# "…, c'est tout", "voilà", "merci": the end of the message, not a value
_END_FILLER = re.compile(r"(?i)[\s,;.]*(?:c['’]est tout|voil[àa]|merci(?: beaucoup| bien)?|svp|s['’]il vous pla[îi]t"
                         r"|point(?: final|\s*barre)?)[\s.!]*$")
# "oui…, mais ma plainte c'est sur l'agente, pas sur le litige": a yes to the fact, a no to the question
_YES_BUT_NOT = re.compile(r"\bmais\b.{0,80}(?:\bpas (?:sur|de|du|le|la|ca|cela|a propos)\b|\bne (?:porte|concerne) pas\b"
                          r"|\bma (?:plainte|reclamation)(?: ici)? (?:c'est|porte|concerne)\b|\bc'est (?:sur|pour|a propos d))")
# "ah non pardon c'était le 5 pas le 6": the date taken back, whatever the question
_DATE_TAKEN_BACK = re.compile(r"(?i)^\W*(?:(?:non|ah|oh|oups|pardon|d[ée]sol[ée]e?|en fait)\W+)+c['’][ée]tait\s+(?:le|en)\b"
                              r".*\b(?:pas|et non)\s+(?:le\s+)?\d")
_THEIR_NAME_SAID = re.compile(r"(?i)\bnom\s+de\s+(?:ma|mon|la|notre)\s+(?:m[èe]re|p[èe]re|maman|papa|fils|fille|voisine?|"
                              r"personne|grand-m[èe]re|grand-p[èe]re|femme|mari|[ée]pouse|s[œo]e?ur|fr[èe]re|tante|oncle)\b")
# "pouvez-vous corriger l'adresse ?": a question that asks for a change
_CHANGE_ASKED = re.compile(r"(?i)\b(?:corrig|chang|modifi|rectifi|remplac|mettre|mettez|ajout)")
# "ajoutez que…", "il faut ajouter que…": a detail added to a free text, not a replacement
_ADDED = re.compile(r"(?i)^\s*(?:il faut |je voudrais |je veux |merci d['’])?(?:ajout(?:ez|er|e)|compl[ée]t(?:ez|er))"
                    r"(?: aussi| également)?(?: que| :)?\s*|^\s*(?:j['’]ajoute|en plus|aussi)(?: que)?\s*[,:]?\s*")
# where a message of several corrections divides: "la date c'est le 12 et le contrat c'est…"
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;.](?:\s+(?:et|puis)\b)?|\s(?:et|puis)\b)\s*")
_CLAUSE_START = re.compile(
    r"(?i)^(?:(?:deux|trois) (?:choses|corrections)\s*:\s*)?(?:(?:mettez|mets|mettre|notez|note|changez|corrigez)"
    r"(?:\s+plut[ôo]t)?\s+)?(?:(?:le|la|l['’]|les|mon|ma|mes|pour\s+(?:le|la|l['’]))\s*)(?:e-?mail|mail|courriel|adresse|"
    r"num[ée]ro|t[ée]l[ée]phone|t[ée]l|gsm|portable|nom|pr[ée]nom|date|jour|dossier|r[ée]f[ée]rence|lieu|endroit|contrat|"
    r"produit|service|objet|objectif|demande|personnes?|intervenants?|faits|description)\b"
    r"|^c['’][ée]tait\s+(?:le|en|au|à|a|il y a|début|fin|mi)\b")
_ABOUT_CONSENT = re.compile(r"\bet si\b|refus|obligatoire|suis-je oblige|je suis oblige|a quoi (?:ca|cela) sert"
                            r"|pourquoi")
_CONSENT_QUESTION = re.compile(r"\?\s*$|\bet si\b|se passe (?:quoi|t-il)|qu'est-ce qui se passe|obligatoire|suis-je oblige"
                               r"|je suis oblige|a quoi (?:ca|cela) sert|pourquoi")
# "qui va lire mes données ?", "vous les gardez combien de temps ?": a question about the notice itself
_ABOUT_DATA = re.compile(r"\bqui (?:va|vont|peut|pourra|aura) (?:les |me |y )?(?:lire|voir|acces)|qui (?:les |y )?(?:lit|voit|a acces)"
                         r"|(?:en|vous en) faites quoi|(?:mes|les|vos) donnees|combien de temps (?:vous )?(?:les |la )?"
                         r"(?:gardez|conservez|garde|conserve)|(?:gardez|conservez)\b.{0,15}combien|conserv|rgpd|vie privee|(?:revendu|transmis|partage)e?s?\b")
_CORRECTION_CUE = re.compile(
    r"(?i)^\s*(?:non|ah|oh|oups|pardon|d[ée]sol[ée]e?|en fait|attention|erreur|correction|plut[ôo]t|rectification)\b"
    r"|\b(?:je me suis tromp[ée]e?|je rectifie|pas le bon|c'[ée]tait plut[ôo]t|c'est plut[ôo]t|au lieu de|je corrige)\b"
    r"|\b(?:mon|ma|le|la|l['’])\s*(?:e-?mail|mail|courriel|adresse|num[ée]ro|t[ée]l[ée]phone|t[ée]l|gsm|portable|nom|"
    r"pr[ée]nom|date|dossier|r[ée]f[ée]rence)\b[^,.?!]{0,25}?\b(?:c'est|est|=|:|devient)"
)


class Ending(StrEnum):
    """How an intake ends without a filing or a refusal (slot `intake_end`); a refusal under the
    preset's rules is the `refusal` slot, and neither set means the complaint is filed."""

    CANCELLED = "cancelled"  # "annuler"
    START_OVER = "start_over"  # "recommencer"
    NO_CONSENT = "no_consent"  # the privacy notice declined
    OTHER_ORGANISATION = "other_organisation"  # about another body (slot `organisation_named`)
    STATUS_QUESTION = "status_question"  # "ce n'est pas une nouvelle plainte, l'avez-vous reçue ?"
    NOT_A_COMPLAINT = "not_a_complaint"  # "c'est pas une plainte, je cherche juste une info"


@dataclass
class Say:
    """One message: a domain.yml response (with its variables) or a text of the preset."""

    response: str | None = None
    text: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Step:
    slots: dict[str, Any] = field(default_factory=dict)
    say: list[Say] = field(default_factory=list)

    def merge(self, other: Step) -> Step:
        self.slots.update(other.slots)
        self.say.extend(other.say)
        return self


_POSSESSIVES = {"ma": "votre", "mon": "votre", "mes": "vos"}


def _addressed(who: str) -> str:
    """A person the citizen named in the first person, said back to them ("ma mère" -> "votre mère")."""
    first, _, rest = who.partition(" ")
    mine = _POSSESSIVES.get(first.lower())
    return f"{mine} {rest}" if mine and rest else who


class Intake:
    """Decides, for one preset, what to ask next and what an answer means."""

    def __init__(self, policy: Policy, now: datetime) -> None:
        self.policy = policy
        self.now = now.astimezone(ZoneInfo(policy.timezone))
        self._readings: dict[str, Reading] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    # ------------------------------------------------------------------ what to ask
    def required_slots(self, state: dict[str, Any]) -> list[str]:
        """The form's fields for this preset and this state; [] ends the form (refusal)."""
        if state.get("refusal") or state.get("intake_end"):
            return []
        fields = [f for f in self.policy.ask_fields if f != "prior_contact" or self.policy.prior_contact.ask]
        if state.get("volunteered") and self.policy.letter_asks_only_required:
            keep = {"consent", "attachments", *self.policy.required_fields}
            fields = [f for f in fields if f in keep or state.get(f) is not None]
        out: list[str] = []
        pending = state.get("pending_exclusion") or {}
        if pending and not any(state.get(f) for f in ("last_name", "first_name", "email", "phone") if f in fields
                               and f not in (state.get("volunteered") or [])):
            out.append("exclusion_check")  # known from the first message: asked before any personal data
        for f in fields:
            out.append(f)
            if f == "acting_for" and state.get("acting_for") == "organisation":
                out.append("represented_person")  # an organisation gives its name (and its address)
            if f == "acting_for" and state.get("acting_for") == "self" and _unnamed_relative(state):
                out.append("represented_name")  # "pour ma mère": her name, to find her file
            if f == "facts_date":
                if state.get("initiative_needed"):
                    out.append("initiative_taken")
                if state.get("pending_exclusion"):
                    out.append("exclusion_check")
        if state.get("pending_exclusion") and "exclusion_check" not in out:
            out.append("exclusion_check")
        out.append("complaint_confirm")
        return list(dict.fromkeys(out))

    def next_slot(self, state: dict[str, Any]) -> str | None:
        declined = set(state.get("declined_fields") or [])
        return next((s for s in self.required_slots(state) if state.get(s) is None and s not in declined), None)

    # ------------------------------------------------------------------ start
    def start(self, first_message: str, *, intake_id: str) -> Step:
        """Details the citizen gave in the message that opened the complaint (a whole letter, often)."""
        step = Step(slots={"intake_id": intake_id, "refusal": None, "intake_end": None, "complaint_confirm": None,
                           "pending_letter": None})
        reading = self.read(first_message)
        letter = self.is_account(first_message, reading)
        fields = LETTER_FIELDS if letter else STRONG_FIELDS
        if letter and "facts_description" in self.policy.ask_fields and "facts_description" not in reading.fields:
            reading = replace(reading, fields={**reading.fields, "facts_description": first_message.strip()})
        step.merge(self._take(reading, {}, fields, letter=letter))
        if letter:
            step.slots["volunteered"] = sorted(k for k in step.slots if k in NOTED_LABELS)
        step.merge(self._lacking(reading, step.slots))
        step.merge(self._wants_anonymity(first_message))
        step.merge(self._other_organisation(first_message, {}))
        state = dict(step.slots)
        if state.get("facts_description") or state.get("facts_date") or state.get("acting_for"):
            step.merge(self._assess(state, first_message=True))
        return step

    def _wants_anonymity(self, text: str) -> Step:
        """"Je veux faire une plainte mais rester anonyme": where the preset excludes it, the rule is
        said at once (not after three questions); the refusal comes only if the name is refused."""
        if not self.policy.excludes("anonymous") or procedure_topic(text) != "anonymous" and not clearly_anonymous(text):
            return Step()
        exclusion = self.policy.exclusion("anonymous")
        rule = " ".join((exclusion.explanation if exclusion and exclusion.explanation else "").split())
        return Step(say=[Say(text=f"{rule} Si vous acceptez de donner votre nom, je peux enregistrer votre "
                                  "réclamation ; il ne sert qu'à son traitement.".strip())])

    def _lacking(self, reading: Reading, state: dict[str, Any]) -> Step:
        """"Je n'ai pas d'adresse mail" in the letter: not asked, when the seed lets the citizen do without."""
        step = Step()
        for key in reading.lacks:
            if key in self.policy.ask_fields and state.get(key) is None and (
                    key not in self.policy.required_fields or key in self.policy.decline_alternatives):
                step.merge(self._decline(key, {**state, **step.slots}))
        return step

    def _other_organisation(self, text: str, state: dict[str, Any]) -> Step:
        """A complaint naming another body or company: asked once whether it is about this one."""
        if "other_organisation" in (state.get("exclusion_answers") or {}) or state.get("pending_exclusion"):
            return Step()
        org = self.policy.organisation
        other = other_organisation(text, (org.name, org.service or "", self.policy.reference_prefix))
        said_unrelated = other is None and _NOT_ABOUT_YOU.search(fold(text))
        if other is None and not said_unrelated:
            return Step()
        about = "Vous écrivez que cela ne concerne pas directement nos services" if said_unrelated \
            else f"Vous parlez de {other}"
        question = (f"{about} : votre réclamation concerne-t-elle bien {_lower_own(org.name)} "
                    f"(une décision, un service ou un membre du personnel {of_organisation(org.name)}) ?")
        return Step(slots={"pending_exclusion": {"code": "other_organisation", "question": question,
                                                 "other": other}})

    def read(self, text: str) -> Reading:
        """What `text` says, read once per message (a turn asks it for corrections, the answer and
        the details given besides)."""
        if text not in self._readings:
            ways, contacts = self.policy.other_ways_to_file, self.policy.organisation.contacts
            self._readings[text] = read_message(
                text, now=self.now, country=self.policy.country, tz=self.policy.timezone,
                org_address=ways.postal_address or contacts.postal_address, org_contacts=_own_contacts(self.policy))
        return self._readings[text]

    def procedure_question(self, text: str) -> Topic | None:
        """A short question about the procedure itself (not an account that happens to end with "?")."""
        topic = procedure_topic(text) if len(text.split()) <= 15 else None
        if topic is None or self.is_account(text, self.read(text)):
            return None
        return topic

    @staticmethod
    def is_account(text: str, reading: Reading | None = None) -> bool:
        """A message long enough, or laid out as a form, to be the citizen's account of the facts."""
        return (len((text or "").split()) >= STORY_MIN_WORDS or bool(reading and reading.labelled)
                or tells_facts(text or ""))

    def _take(self, reading: Reading, state: dict[str, Any], fields: tuple[str, ...], *, letter: bool = False,
              skip: str | None = None) -> Step:
        """Slot updates for the details found that the form still needs; says once what was noted."""
        slots: dict[str, Any] = {}
        for key in fields:
            if key == skip or key not in reading.fields or key not in self.policy.ask_fields:
                continue
            if state.get(key) not in (None, ""):
                continue
            value = reading.fields[key]
            if key == "facts_date":
                if reading.date is None:
                    continue
                slots.update(self._date_slots(reading.date))
                continue
            if key == "facts_description":
                try:
                    value = validate_field("facts_description", str(value), country=self.policy.country)
                except FieldError:
                    continue
            slots[key] = value
        if ("persons_targeted" in fields and "persons_targeted" in self.policy.ask_fields
                and "persons_contacted" not in self.policy.ask_fields and not state.get("persons_targeted")
                and "persons_targeted" not in reading.fields and reading.fields.get("persons_contacted")):
            slots["persons_targeted"] = reading.fields["persons_contacted"]  # the plan: the persons named
        if reading.represented and not state.get("represented_person"):  # kept for staff even where not asked
            slots["represented_person"] = reading.represented
        step = Step(slots=slots)
        # "au nom de : vous-même" only read from a "je": not worth saying back before the summary
        noted = [k for k in slots if k in NOTED_LABELS and k != "facts_description"
                 and not (k == "acting_for" and slots[k] == "self" and not slots.get("represented_person"))]
        if noted:
            if letter and len(noted) >= 3:
                labels = ", ".join(NOTED_LABELS[k].lower() for k in noted)
                step.say.append(Say("utter_letter_noted", kwargs={"volunteered_list": labels}))
            else:
                listed = [f"{NOTED_LABELS[k].lower()} : {self.display(k, slots[k], slots)}" for k in noted]
                # the template ends with its own full stop: "… contrat ?." never
                said = " ; ".join(listed).rstrip(" .?!;")
                step.say.append(Say("utter_volunteered", kwargs={"volunteered_list": said}))
        return step

    @staticmethod
    def _date_slots(parsed: ParsedDate) -> dict[str, Any]:
        lo, hi = parsed.bounds()
        return {"facts_date": parsed.value.isoformat(), "facts_date_precision": parsed.precision,
                "facts_date_detail": {"earliest": lo.isoformat(), "latest": hi.isoformat(), "text": parsed.text}}

    def volunteered(self, text: str, state: dict[str, Any], skip: str | None = None) -> Step:
        """Details an answer carries besides what was asked ("oui, et mon gsm c'est le 0471…")."""
        reading = self.read(text)
        # an account given to another question is a long one ("c'est marqué en bas de ma lettre : Moreau"
        # to the name question tells no facts, though a first message that short may)
        account = len(text.split()) >= STORY_MIN_WORDS or bool(reading.labelled)
        fields: tuple[str, ...] = LETTER_FIELDS if account else (*STRONG_FIELDS, "prior_contact")
        if skip in ("last_name", "first_name") and len(re.split(r"[,;\n]", text)[0].split()) <= 4 \
                and not _NAME_SAID_AS_SUCH.search(text):
            # "El Amrani", "Van den Bossche" to "Quel est votre nom ?": the last name, not a first name too;
            # "Hubert Lucas, rue du Pont 8…": the name question settles the pair, the rest is taken
            fields = tuple(f for f in fields if f not in ("last_name", "first_name"))
        if not account and self._states_objective(text, reading):
            fields = (*fields, "objective")  # "je veux qu'on répare le trottoir" when the e-mail was asked
        return self._take(reading, state, fields, skip=skip)

    @staticmethod
    def _states_objective(text: str, reading: Reading) -> bool:
        """The message is the citizen's objective itself ("je veux que vous répariez…"), not a remark."""
        objective = reading.fields.get("objective")
        return isinstance(objective, str) and fold(text).lstrip(" ,.").startswith(fold(objective)[:15])

    # ------------------------------------------------------------------ corrections
    def correction(self, text: str, state: dict[str, Any], asked: str | None) -> Step | None:
        """A correction with its value ("non, le numéro est le 0478 99 88 77"), or None.

        A field named with a value of its kind changes that field; without a name, a short message
        with a correction cue and exactly one recognisable detail does. The field being asked is
        answered by its own question, not here.
        """
        raw = (text or "").strip()
        long_named = asked in (None, "complaint_confirm") and bool(_CLAUSE_START.match(raw)) and len(raw.split()) <= 80
        if not raw or (len(raw.split()) > 18 and not long_named):  # "les faits c'est : …" at the summary
            return None
        reading = self.read(raw)
        found = {k: v for k, v in reading.fields.items() if k in STRONG_FIELDS and k in self.policy.ask_fields}
        said_date = reading.date
        if not found and state.get("facts_date_detail") and _CORRECTION_CUE.search(raw) and _DAY_SAID.search(raw):
            said_date = self._date_alone(raw)  # "ah non c'était le 14, pas le 15"
            if said_date is not None:
                found = {"facts_date": said_date.value.isoformat()}
        theirs = self._their_name(raw, state, asked)
        if theirs is not None:
            return theirs
        named = self.field_named(raw)
        if named and named != asked and named not in found and (
                named not in FREE_TEXT_FIELDS or asked in (None, "complaint_confirm")):
            said = _VALUE_AFTER_CUE.search(_END_FILLER.sub("", raw))  # "le prénom est faux, c'est Paul"
            if said:
                step = self.handle(named, said.group("value"), state)
                if step.slots.get(named) is not None:
                    found = {named: step.slots[named]}
                    if named == "facts_date":  # "la date c'est le 14"
                        said_date = self._date_alone(said.group("value"))
        if not found:
            return None
        target = self._correction_target(raw, found, named, asked)
        if target is None:
            return None
        slots: dict[str, Any] = {}
        if target == "facts_date":
            if said_date is None:
                return None
            slots.update(self._date_slots(said_date))
        else:
            slots[target] = found[target]
            added = _ADDED.match(str(found[target])) if target in FREE_TEXT_FIELDS else None
            if added and state.get(target):  # "les faits : ajoutez que mon mail du 5 octobre…": added, not replaced
                more = str(found[target])[added.end():].strip()
                slots[target] = f"{state[target]}\n{more[:1].upper()}{more[1:]}"
        step = Step(slots=slots)
        step.say.append(Say("utter_corrected", kwargs={
            "corrected_list": f"{FIELD_LABELS[target].lower()} : {self.display(target, slots[target], slots)}".rstrip(
                " .?!;")}))
        if target == "facts_date":
            step.merge(self._date_said_again(state))
            step.merge(self._assess({**state, **step.slots}))
        return step

    @staticmethod
    def _correction_target(raw: str, found: dict[str, Any], named: str | None, asked: str | None) -> str | None:
        """Which of the details found the message corrects, if it is a correction at all."""
        if len(found) >= 3 and not _CORRECTION_CUE.search(raw):
            return None  # "Renard. Marc Renard. Rue du Parc 8 … 0472…": details given at once, not a correction
        target = None
        if named in found:
            target = named
        elif named in ("file_reference", None) and "phone" in found and re.search(r"(?i)num[ée]ro|t[ée]l|gsm", raw):
            target = "phone"
        elif _CORRECTION_CUE.search(raw) and len(found) == 1 and len(raw.split()) <= 12:
            target = next(iter(found))
        elif named is None and len(found) == 1 and asked in (None, "complaint_confirm") and len(raw.split()) <= 8:
            target = next(iter(found))
        if target is None or target == asked or (asked in FREE_TEXT_FIELDS and named is None and not (
                target == "facts_date" and _DATE_TAKEN_BACK.search(raw))):  # "non c'était le 5 pas le 6" is no place
            return None
        if target in ("last_name", "first_name") and named not in ("last_name", "first_name"):
            return None
        return target

    def _their_name(self, raw: str, state: dict[str, Any], asked: str | None) -> Step | None:
        """"faut mettre le nom de ma mère aussi, Jeanne Dupont-Lemaire": the person written for, never
        the citizen."""
        if not (_THEIR_NAME_SAID.search(raw) and asked in (None, "complaint_confirm") and state.get("represented_person")):
            return None
        said_name = re.split(r"[,:]", raw)[-1].strip(" .")
        step = self._on_represented_name(said_name, {**state, "represented_person": re.sub(
            r",\s*[^,]*[A-ZÀ-Ý][^,]*$", "", str(state["represented_person"]))})
        if step.slots.get("represented_name") in (None, "non communiqué"):
            return None
        step.say.append(Say("utter_corrected", kwargs={
            "corrected_list": f"pour : {_addressed(str(step.slots['represented_person']))}"}))
        return step

    def corrections(self, text: str, state: dict[str, Any], asked: str | None) -> Step | None:
        """Several corrections in one message ("la date c'est le 12 novembre et le contrat c'est celui
        du four"), each clause naming its field, are all applied; otherwise `correction`."""
        clauses = _clauses(text or "")
        if len(clauses) >= 2:
            seen, steps = dict(state), []
            for clause in clauses:
                start = _CLAUSE_START.match(clause)
                step = self.correction(clause, seen, asked)
                rest = re.sub(r"(?i)^\s*(?:est|c['’]est|c|sont|=|:)\s+", "", clause[start.end():] if start else "").strip()
                if step is None and start and rest:  # "et le prénom Yasmine", "mon nom est Fontaine"
                    step = self.correction(f"{clause[:start.end()]} : {rest}", seen, asked)
                if step is not None:
                    steps.append(step)
                    seen.update(step.slots)
            if len(steps) >= 2:
                said = [s.kwargs["corrected_list"] for st in steps for s in st.say if s.response == "utter_corrected"]
                merged = Step(say=[Say("utter_corrected", kwargs={"corrected_list": " ; ".join(said)})])
                for step in steps:
                    merged.slots.update(step.slots)
                    merged.say.extend(s for s in step.say if s.response != "utter_corrected")
                return merged
        return self.correction(text, state, asked)

    def _date_alone(self, text: str) -> ParsedDate | None:
        """The date of a short answer read whole ("le 14" is a day here, not in a letter)."""
        try:
            return parse_facts_date(text, now=self.now, tz=self.policy.timezone)
        except DateError:
            return None

    @staticmethod
    def _date_said_again(state: dict[str, Any]) -> Step:
        """The date is the citizen's to give again (corrected, or misread in the letter): the question
        about its age and its answer are forgotten, and it no longer counts as read in the letter."""
        slots: dict[str, Any] = {}
        if (state.get("pending_exclusion") or {}).get("code") == "too_old":
            slots.update(pending_exclusion=None, exclusion_check=None)
        if "too_old" in (state.get("exclusion_answers") or {}):
            slots["exclusion_answers"] = {k: v for k, v in state["exclusion_answers"].items() if k != "too_old"}
        if "facts_date" in (state.get("volunteered") or []):
            slots["volunteered"] = [f for f in state["volunteered"] if f != "facts_date"]
        return Step(slots=slots)

    # ------------------------------------------------------------------ answers
    def answer(self, slot: str, value: Any, state: dict[str, Any], history: list[str] | None = None) -> Step:
        """One message inside the form: a question about the question, a remark ("je l'ai déjà dit"),
        a "no" to the field, a correction of another field, or the answer to `slot` (plus the details
        it carries besides). Never the raw text of a question stored as a value."""
        text = value if isinstance(value, str) else None
        if text:
            for step_or_none in (self._asked_back(slot, text, state, history),
                                 None if slot == "complaint_confirm" else self._remark(slot, text, state, history),
                                 self._date_taken_back_after(slot, text, state, history)):
                if step_or_none is not None:
                    return step_or_none
        if not text or slot in ("complaint_confirm",):
            return self.handle(slot, value, state)
        return self._answer_itself(slot, text, state)

    def _asked_back(self, slot: str, text: str, state: dict[str, Any], history: list[str] | None) -> Step | None:
        """A question about the procedure (alone, or after an answer), or one asked at the summary."""
        asked_back = self.procedure_question(text)
        if asked_back is not None and not (slot == "email" and asked_back == "no_email") \
                and not (slot == "consent" and (self._yes_then_more(text) or _ABOUT_DATA.search(fold(text)))):
            # "combien de temps pour avoir une réponse ?": answered, then the same question again
            said = [Say(text=procedure_answer(self.policy, asked_back))]
            if slot in FIELD_LABELS and asks_if_required(text) and asked_back == "abroad":
                said.insert(0, Say(text=self._required_or_not(slot)))  # "c'est obligatoire l'adresse ? j'habite à…"
            return Step(slots={slot: None}, say=said)
        if "?" not in text or asked_back is not None or slot == "consent":
            return None
        topic, rest = self._question_sentence(text)
        if topic is not None and re.search(r"\w", rest):
            # "Oui, c'est le permis URB/2026/1187. Et si je ne suis pas d'accord avec votre réponse ?":
            # the answer taken, the question answered
            step = self.answer(slot, rest, state, history)
            step.say.append(Say(text=procedure_answer(self.policy, topic)))
            return step
        if topic is not None:
            return Step(slots={slot: None}, say=[Say(text=procedure_answer(self.policy, topic))])
        if slot == "complaint_confirm" and not _PICKED_FIELD.match(text) and not _CHANGE_ASKED.search(text):
            return self._question_at_summary(text, state)
        return None

    def _remark(self, slot: str, text: str, state: dict[str, Any], history: list[str] | None) -> Step | None:
        """A question about the field, "je l'ai déjà dit", or a "no" to it (with what else it gives)."""
        if slot not in FIELD_LABELS:
            return None
        required_asked = asks_if_required(text)
        remark = read_remark(text, slot)
        if remark is not None and remark.kind == "question" and not (
                slot == "attachments" and _HOW_TO_SEND.search(fold(text))):  # how to send: its own answer
            said = [Say(f"utter_why_{slot}")]
            if required_asked:  # "c'est obligatoire ?": yes or no, as the preset says, then why
                said.insert(0, Say(text=self._required_or_not(slot)))
            return Step(slots={slot: None}, say=said)
        if remark is not None and remark.kind == "already_said":
            return self._already_said(slot, remark.rest, state, history or [])
        if remark is not None and remark.kind == "decline":  # what else the message gives is taken too
            declined = self._decline(slot, state)
            if len(text.split()) > 6 and declined.slots.get(slot) is None:
                declined.merge(self._take(self.read(text), {**state, **declined.slots}, STRONG_FIELDS, skip=slot))
            return declined
        if remark is None and required_asked and text.rstrip().endswith("?") and slot != "consent":
            return Step(slots={slot: None}, say=[Say(text=self._required_or_not(slot)), Say(f"utter_why_{slot}")])
        return None

    def _date_taken_back_after(self, slot: str, text: str, state: dict[str, Any],
                               history: list[str] | None) -> Step | None:
        """"chez moi. ah non pardon c'était le 5 pas le 6": the answer, then the date corrected."""
        if slot not in FREE_TEXT_FIELDS:
            return None
        parts = re.split(r"(?<=[.!?;])\s+", text.strip())
        if len(parts) < 2 or not _DATE_TAKEN_BACK.search(parts[-1]):
            return None
        fixed = self.correction(parts[-1], state, None)
        if fixed is None:
            return None
        return fixed.merge(self.answer(slot, " ".join(parts[:-1]), {**state, **fixed.slots}, history))

    def _answer_itself(self, slot: str, text: str, state: dict[str, Any]) -> Step:
        """The message read as the answer to `slot`, or a correction of another field it makes."""
        value: Any = text
        reading = self.read(text) if slot != "consent" else None
        if reading is not None and slot not in reading.fields:
            corrected = self.corrections(text, state, slot)
            if corrected is not None:
                corrected.slots.setdefault(slot, None)
                return corrected
        found_address = reading.fields.get("address") if reading is not None and slot == "address" else None
        if isinstance(found_address, str) and len(text.split()) > len(found_address.split()) \
                and not _ADDRESS_COMPLEMENT.search(text):
            value = found_address  # "j'habite au 14 rue des Lilas à 6000 Charleroi depuis 10 ans": the address only
        step = self.handle(slot, value, state)
        if step.slots.get(slot) is None and reading is not None and slot not in reading.fields \
                and slot not in (*FREE_TEXT_FIELDS, "exclusion_check"):
            other = self.volunteered(text, state, skip=slot)
            if "objective" in other.slots or (len(text.split()) <= 8 and any(k in STRONG_FIELDS for k in other.slots)):
                other.slots.setdefault(slot, None)
                return other  # "+33 6 12 34 56 78" when the e-mail was asked: noted, and the e-mail asked again
        if step.slots.get(slot) is None and reading is not None \
                and slot in ("email", "phone", "file_reference", "last_name", "first_name") and slot in reading.fields:
            # "sophie@example.be et mon gsm c'est le 0475…": the answer is in the message
            step = self.handle(slot, str(reading.fields[slot]), state)
        if slot not in ("facts_description", "consent", "exclusion_check", "represented_name", "represented_person") or (
                slot == "consent" and step.slots.get("consent") is True and len(text.split()) > 3):
            # "oui j'accepte, je m'appelle Claire Dubois": what comes with the consent is taken too
            step.merge(self.volunteered(text, {**state, **step.slots}, skip=slot))
        return step

    def _already_said(self, slot: str, rest: str, state: dict[str, Any], history: list[str]) -> Step:
        """"Je l'ai déjà dit": the value is looked for in the citizen's earlier messages."""
        if rest and len(rest.split()) >= 1:
            return self.handle(slot, rest, state)
        if slot == "facts_description":  # "JE VOUS L'AI DIT": the earlier message that told what happened
            told = [m for m in history if len(m.split()) >= 8 and self.is_account(m, self.read(m))
                    or tells_facts(m) or (len(m.split()) >= 10 and self.read(m).date is not None)]
            if told:
                step = self.handle(slot, max(told, key=len), state)
                if step.slots.get(slot) is not None:
                    step.say.insert(0, Say("utter_found_earlier", kwargs={
                        "field_label": FIELD_LABELS[slot].lower(), "value": f"« {step.slots[slot]} »"}))
                    return step
        for earlier in reversed(history):
            found = self.read(earlier).fields.get(slot)
            if found and slot != "facts_description":
                step = self.handle(slot, str(found), state)
                if step.slots.get(slot) is not None:
                    step.say.insert(0, Say("utter_found_earlier", kwargs={
                        "field_label": FIELD_LABELS[slot].lower(), "value": self.display(slot, step.slots[slot], step.slots)}))
                    return step
        return Step(slots={slot: None}, say=[Say("utter_not_found_earlier",
                                                 kwargs={"field_label": FIELD_LABELS[slot].lower()})])

    @staticmethod
    def _question_sentence(text: str) -> tuple[Topic | None, str]:
        """The procedure topic of a question sentence inside a longer message, and the rest of it."""
        sentences = re.split(r"(?<=[.!?])\s+", text.strip())
        for i, sentence in enumerate(sentences):
            if sentence.rstrip().endswith("?") and len(sentence.split()) <= 22:
                topic = procedure_topic(sentence)
                if topic is not None:
                    return topic, " ".join(sentences[:i] + sentences[i + 1:])
        return None, text

    def _question_at_summary(self, text: str, state: dict[str, Any]) -> Step:
        """A question at the summary is never a correction: the one-year rule when it is about an old
        date, else where it will be answered; nothing in the summary changes."""
        said = self.read(text).date
        if said is not None and self.policy.excludes("too_old"):
            earliest, latest = said.bounds()
            result = assess(self.complaint_from({**state, "facts_date": latest.isoformat()}), self.policy,
                            received=self.today, answers={}, precision_asked=True, facts_range=(earliest, latest))
            if result.reason_code == "too_old":
                return Step(slots={"complaint_confirm": None}, say=[Say(text=(
                    "Selon la procédure, des faits de plus d'un an ne peuvent en principe pas être pris en compte. "
                    "Votre réclamation reste datée comme dans le récapitulatif ci-dessous : ce sont ces faits-là qui "
                    "seront examinés. Vous pouvez la confirmer telle quelle, ou corriger un élément."))])
        return Step(slots={"complaint_confirm": None}, say=[Say(text=(
            "Je ne peux pas répondre moi-même à cette question. Si elle fait partie de votre réclamation, ajoutez-la "
            "à la description des faits (« Corriger un élément ») : le service y répondra. Rien n'a été modifié."))])

    def _required_or_not(self, slot: str) -> str:
        """Whether the preset requires `slot`, in one sentence (its own alternative when it has one)."""
        if slot not in self.policy.required_fields:
            return "Non, ce n'est pas obligatoire : si vous ne souhaitez pas répondre, dites-le simplement."
        alternative = self.policy.decline_alternatives.get(slot)
        if alternative:
            return f"Ce n'est pas indispensable. {' '.join(alternative.split())}"
        if slot in _REQUIRED_CONTACT:
            return ("Oui, c'est demandé pour traiter votre réclamation. Si vous n'en avez vraiment pas, dites-le : "
                    "je continuerai sans.")
        return "Oui, c'est nécessaire pour traiter votre réclamation."

    def _decline(self, slot: str, state: dict[str, Any]) -> Step:
        """The citizen cannot or will not give `slot`: go on when the seed allows it, say what follows."""
        declined = [*(state.get("declined_fields") or []), slot]
        if slot == "file_reference":
            return Step(slots={"file_reference": "aucune"})
        if slot not in self.policy.required_fields:
            return Step(slots={slot: None, "declined_fields": declined}, say=[Say("utter_declined_ok")])
        alternative = self.policy.decline_alternatives.get(slot)
        if alternative:
            return Step(slots={slot: None, "declined_fields": declined}, say=[Say(text=alternative)])
        failures = dict(state.get("field_failures") or {})
        failures[f"declined:{slot}"] = failures.get(f"declined:{slot}", 0) + 1  # a typo before does not count
        if failures[f"declined:{slot}"] < 2:
            # the seed requires it and gives no other way in the chat: say why and how else to file
            asked = _REQUIRED_CONTACT.get(slot)
            why = Say(text=(f"{asked} est demandé{'e' if slot != 'phone' else ''} pour traiter votre réclamation. Si "
                            "vous n'en avez vraiment pas, redites-le : je continuerai sans, et le service vous "
                            "contactera autrement.")) if asked else Say(f"utter_why_{slot}")
            return Step(slots={slot: None, "field_failures": failures}, say=[
                why, Say("utter_field_required_other_ways", kwargs={"other_ways": other_ways_lines(self.policy)})])
        # never locked in: the complaint goes on without it, and staff see it is missing
        missing = [*(state.get("missing_required") or []), slot]
        return Step(slots={slot: None, "declined_fields": declined, "missing_required": missing,
                           "field_failures": failures}, say=[self._declined_required(slot, state, declined)])

    def _declined_required(self, slot: str, state: dict[str, Any], declined: list[str]) -> Say:
        """Going on without a required contact: how the answer will reach the citizen instead."""
        ways = {"email": "par e-mail", "phone": "par téléphone", "address": "par courrier"}
        if slot not in ways:
            return Say("utter_declined_required")
        other = [ways[k] for k in ("email", "phone", "address") if k != slot and k not in declined
                 and (k in self.policy.ask_fields or state.get(k))]
        how = " ou ".join(other[:2]) if other else "par un autre moyen"
        what = {"email": "votre adresse e-mail", "phone": "votre numéro de téléphone", "address": "votre adresse"}[slot]
        return Say(text=f"D'accord, je continue sans {what} ; le service en sera informé et vous répondra {how}.")

    def handle(self, slot: str, value: Any, state: dict[str, Any]) -> Step:
        """Validate one answer; returns the slot updates and what to say."""
        if value is None:
            return Step(slots={slot: None})
        text = str(value).strip() if not isinstance(value, bool | list) else value
        handler = getattr(self, f"_on_{slot}", None)
        try:
            if handler is not None:
                step = handler(text, state)
            else:
                step = Step(slots={slot: validate_field(slot, str(text), country=self.policy.country)})
        except FieldError as err:
            completed = self._completed_address(str(text), state) if slot == "address" else None
            if completed is not None:  # "chaussée de Mons 455 Anderlecht", then "1070": one address
                return Step(slots={"address": completed, "last_invalid": {
                    k: v for k, v in (state.get("last_invalid") or {}).items() if k != "address"}})
            kept = self._kept_as_typed(slot, str(text), state)
            if kept is not None:
                return kept
            given = " ".join(str(text).split())
            if slot == "email" and (state.get("field_failures") or {}).get(slot, 0) >= 2 \
                    and (state.get("last_invalid") or {}).get(slot) == given:
                return self._decline("email", state)  # never locked in: go on as without an e-mail
            step = self._invalid(slot, err.message, state, err.example)
            if slot in KEEPABLE or slot == "email":
                step.slots["last_invalid"] = {**(state.get("last_invalid") or {}), slot: " ".join(str(text).split())}
            return step
        except DateError as err:
            kept = self._kept_as_typed(slot, str(text), state)
            if kept is not None:
                return kept
            # the question asked again right after shows the examples: the message does not repeat them
            message = err.message.replace(EXAMPLE_HINT, "").strip()
            step = self._invalid(slot, message, state, example_in_question=True)
            step.slots["last_invalid"] = {**(state.get("last_invalid") or {}), slot: " ".join(str(text).split())}
            return step
        if slot in KEEPABLE and (state.get("last_invalid") or {}).get(slot):
            step.slots["last_invalid"] = {k: v for k, v in (state.get("last_invalid") or {}).items() if k != slot}
        return step

    def _completed_address(self, text: str, state: dict[str, Any]) -> str | None:
        """The part missing from the address given just before (a postcode, a town), put in its place."""
        last = (state.get("last_invalid") or {}).get("address")
        part = " ".join(text.split())
        if not last or len(part.split()) > 4 or not re.search(r"\d{4,5}|^[^\W\d]", part):
            return None
        candidates = [f"{last} {part}", f"{last}, {part}"] if re.search(r"\d{4,5}$", last) else [
            f"{last}, {part}", f"{last} {part}"]
        if re.fullmatch(r"\d{4,5}", part):  # the postcode before the town it lacked
            candidates.insert(0, re.sub(r"\s+(\S+)$", rf", {part} \1", last))
        for candidate in candidates:
            try:
                return str(validate_field("address", candidate, country=self.policy.country))
            except FieldError:
                continue
        return None

    def _kept_as_typed(self, slot: str, text: str, state: dict[str, Any]) -> Step | None:
        """Never locked in: a value the validator doubts is kept as typed once the citizen confirms it
        ("oui" after "ce numéro me paraît inhabituel", or the same answer after two refusals), and
        flagged for staff. A date that cannot be read is kept as words, without a day."""
        if slot not in KEEPABLE:
            return None
        last = (state.get("last_invalid") or {}).get(slot)
        given = " ".join(text.split())
        failures = (state.get("field_failures") or {}).get(slot, 0)
        confirmed = last and (given == last or (parse_yes_no(given) is True and failures >= 1))
        repeated = last and given == last and failures >= 2
        if not (confirmed or repeated) or not last or len(last) > 200 or parse_yes_no(last) is not None:
            return None
        doubtful_fields = sorted({*(state.get("doubtful_fields") or []), slot})
        rest = {k: v for k, v in (state.get("last_invalid") or {}).items() if k != slot}
        if slot == "facts_date":
            declined = [*(state.get("declined_fields") or []), "facts_date"]
            return Step(slots={"facts_date": None, "facts_date_detail": {"text": last}, "declined_fields": declined,
                               "doubtful_fields": doubtful_fields, "last_invalid": rest},
                        say=[Say("utter_kept_as_typed", kwargs={"value": last})])
        return Step(slots={slot: last, "doubtful_fields": doubtful_fields, "last_invalid": rest},
                    say=[Say("utter_kept_as_typed", kwargs={"value": last})])

    def _invalid(self, slot: str, message: str, state: dict[str, Any], example: str | None = None, *,
                 example_in_question: bool = False) -> Step:
        failures = dict(state.get("field_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        example = None if example_in_question else example or EXAMPLES.get(slot)
        if failures[slot] >= 2 and ("exemple" in message.lower() or example_in_question):
            # the message (or the question that follows) already shows an example: say it once, and offer a person
            say = Say("utter_field_help_human", kwargs={"validation_message": message})
        elif failures[slot] >= 2 and example:
            say = Say("utter_field_help", kwargs={"validation_message": message, "example": example})
        else:
            say = Say("utter_field_invalid", kwargs={"validation_message": message})
        return Step(slots={slot: None, "field_failures": failures}, say=[say])

    def _yes_no(self, slot: str, text: Any, state: dict[str, Any]) -> bool | Step:
        if isinstance(text, bool):
            return text
        answer = parse_yes_no(str(text))
        if answer is None and slot in ("initiative_taken", "prior_contact") and _STEP_TOLD.search(fold(str(text))):
            answer = True  # "je vous l'ai déjà dit, deux courriers en avril et juin 2025": a step, told
        if answer is None:
            return self._invalid(slot, "Je n'ai pas compris : répondez simplement « oui » ou « non ».", state, "oui")
        return answer

    def _refuse(self, code: str, assessment: Assessment | None = None, **extra: Any) -> Step:
        route = assessment.route if assessment and assessment.route else route_for(self.policy, code)
        exclusion = self.policy.exclusion(code)
        explanation = (assessment.explanation if assessment and assessment.explanation
                       else exclusion.explanation if exclusion else None)
        said = describe_route(route) if route else None
        if route is not None and self.policy.mediator is not None and route != self.policy.mediator:
            # the mediator route is given at each refusal, after the matter's own route (the SPF's appeals)
            said = f"{said}\n\n{describe_route(self.policy.mediator)}"
        refusal = {"reason_code": code, "explanation": explanation, "route": said, **extra}
        return Step(slots={"refusal": refusal, "decision": code})

    def _on_consent(self, text: Any, state: dict[str, Any]) -> Step:
        if isinstance(text, str) and self._yes_then_more(text) and not _ABOUT_CONSENT.search(fold(text)):
            # "oui mais j'habite en Espagne, comment je fais ?": the consent is given, the question answered
            step = Step(slots={"consent": True})
            topic = procedure_topic(text)
            if _ABOUT_DATA.search(fold(text)):  # "oui mais qui va lire mes données ?"
                step.say.append(Say(text=self._about_data()))
            elif topic is not None:
                step.say.append(Say(text=procedure_answer(self.policy, topic)))
            return step
        if isinstance(text, str) and _ABOUT_DATA.search(fold(text)) and (
                text.rstrip().endswith("?") or len(text.split()) <= 12) and parse_yes_no(text) is None:
            return Step(slots={"consent": None}, say=[Say(text=self._about_data())])
        if isinstance(text, str) and _CONSENT_QUESTION.search(fold(text)):
            # "et si je refuse, il se passe quoi ?": answered, then the same question
            ways = other_ways_lines(self.policy)
            return Step(slots={"consent": None}, say=[Say(text=(
                "Sans votre accord, je ne peux pas enregistrer votre réclamation ici, et rien de ce que vous "
                "avez écrit n'est conservé. " + ("Vous pouvez aussi vous adresser directement au service :\n" + ways
                                                 if "\n" in ways or ":" in ways else
                                                 f"Vous pouvez aussi présenter votre réclamation directement {ways[2:]}.")))])
        answer = self._yes_no("consent", text, state)
        if isinstance(answer, Step):
            return answer
        if not answer:
            return Step(slots={"consent": False, "intake_end": Ending.NO_CONSENT.value})
        return Step(slots={"consent": True})

    def _about_data(self) -> str:
        """The preset's notice, how long it keeps the data and whom to ask, when it says so."""
        said = [" ".join(self.policy.privacy_notice.split())]
        if self.policy.retention.text:
            said.append(" ".join(self.policy.retention.text.split()))
        if self.policy.data_protection:
            said.append("Pour toute question sur vos données :\n" + describe_route(self.policy.data_protection))
        return "\n\n".join(said)

    @staticmethod
    def _yes_then_more(text: str) -> bool:
        """"oui mais …", "d'accord, combien de temps ?": a yes first, then something else."""
        return len(text.split()) > 1 and parse_yes_no(_FIRST_CLAUSE.split(text.strip(), 1)[0]) is True

    def _on_acting_for(self, text: Any, state: dict[str, Any]) -> Step:
        acting = parse_acting_for(str(text))
        represented = self.read(str(text)).represented
        if represented and acting in (None, ActingFor.SELF):
            # "pour mon père", "c'est pour mon papa Jacques Renson": a person, in the citizen's own name
            step = Step(slots={"acting_for": ActingFor.SELF.value, "represented_person": represented})
            return step.merge(self._assess({**state, **step.slots}))
        if acting is None:
            return self._invalid("acting_for", "Je n'ai pas compris. Agissez-vous pour vous-même, pour une "
                                 "organisation ou pour un groupe de personnes ?", state)
        step = Step(slots={"acting_for": acting.value})
        return step.merge(self._assess({**state, **step.slots}))

    def _on_represented_person(self, text: Any, state: dict[str, Any]) -> Step:
        """The name of the organisation the complainant acts for."""
        name = " ".join(str(text).split()).strip(" .")
        name = re.sub(r"(?i)\s*[,;(-]?\s*(?:comme |ainsi que )?(?:je (?:vous )?l['’]ai|j['’]ai) (?:d[ée]j[àa] )?"
                      r"(?:dit|[ée]crit|indiqu[ée]|pr[ée]cis[ée])\b.*$", "", name).strip(" .,")  # "…, comme je l'ai écrit"
        if len(name) < 2 or is_none_answer(name) or name.endswith("?"):
            return self._invalid("represented_person", "Quel est le nom de l'organisation pour laquelle vous "
                                 "introduisez la réclamation ?", state, EXAMPLES_REPRESENTED)
        return Step(slots={"represented_person": name[:200]})

    def _on_represented_name(self, text: Any, state: dict[str, Any]) -> Step:
        """The name of the relative written for ("pour ma mère"): added to who the complaint is for."""
        raw = " ".join(str(text).split())
        folded = fold(raw)
        if raw.endswith("?"):  # "c'est obligatoire ?", "pourquoi ?": why, then the question again
            return Step(slots={"represented_name": None}, say=[Say("utter_why_represented_name")])
        if is_none_answer(raw) or re.search(r"\bje (?:ne )?(?:sais|connais) pas\b|\bjsp\b|(?:prefere|veux|souhaite) pas",
                                            folded):
            return Step(slots={"represented_name": "non communiqué"})
        try:
            name = validate_name(re.sub(r"(?i)^(?:elle|il)\s+s['’]appelle\s+|^c['’]est\s+", "", raw), "last_name")
        except FieldError:
            return self._invalid("represented_name", "Je n'ai pas reconnu un nom : pouvez-vous écrire le nom et le "
                                 "prénom de la personne pour qui vous écrivez ?", state, "Jeanne Dupont")
        who = str(state.get("represented_person") or "").strip()
        return Step(slots={"represented_name": name, "represented_person": f"{who}, {name}" if who else name})

    def _on_prior_contact(self, text: Any, state: dict[str, Any]) -> Step:
        answer = self._yes_no("prior_contact", text, state)
        if isinstance(answer, Step):
            return answer
        step = Step(slots={"prior_contact": answer})
        if not answer and self.policy.prior_contact.advice:
            step.say.append(Say(text=self.policy.prior_contact.advice))
        return step

    def _on_name(self, slot: str, text: str, state: dict[str, Any]) -> Step:
        try:
            return Step(slots={slot: validate_field(slot, text, country=self.policy.country), "last_invalid": None})
        except FieldError as err:
            named = self._name_then_more(slot, text) if err.code == "invalid_name" else None
            if named is not None:
                return named
            if err.code == "anonymous_refusal":
                refusal = refusal_for_anonymity(self.policy)
                failures = dict(state.get("field_failures") or {})
                if refusal.outcome == "refused" and not clearly_anonymous(text) and not failures.get("anonymous"):
                    failures["anonymous"] = 1  # "non, pas mon nom": the rule first, the refusal if it is said again
                    return Step(slots={slot: None, "field_failures": failures}, say=[Say(text=(
                        f"{err.message} Si vous préférez rester anonyme, dites-le ; sinon, indiquez votre "
                        f"{'prénom' if slot == 'first_name' else 'nom'}."))])
                if refusal.outcome == "refused":
                    return self._refuse("anonymous", refusal)
                # no anonymity rule in this preset: the name is needed, no rule is invented
                return self._invalid(slot, refusal.question or err.message, state, err.example)
            # A name is the citizen's own: after two refusals, the same answer a third time is kept
            # as typed (staff can check it) rather than locking the citizen out.
            last = (state.get("last_invalid") or {}).get(slot)
            failures = (state.get("field_failures") or {}).get(slot, 0)
            given = " ".join(text.split())
            if failures >= 2 and last == given and 1 < len(given) <= 80:
                return Step(slots={slot: given, "last_invalid": None},
                            say=[Say("utter_name_kept_as_given", kwargs={"name": given})])
            step = self._invalid(slot, err.message, state, err.example)
            step.slots["last_invalid"] = {**(state.get("last_invalid") or {}), slot: given}
            return step

    def _name_then_more(self, slot: str, text: str) -> Step | None:
        """"Dupont, Marie", "Martin. prénom Sophie", "Dumont Isabelle, pour la société", "Girard, Sylvie
        Girard.": the name is the first part; a first name said in the rest is taken too."""
        before, colon, after = text.strip().rpartition(":")
        if colon and before and 0 < len(after.split()) <= 4:  # "c'est marqué en bas de ma lettre : Moreau"
            try:
                return Step(slots={slot: validate_field(slot, after, country=self.policy.country), "last_invalid": None})
            except FieldError:
                pass
        parts = _NAME_THEN_MORE.split(text.strip(), maxsplit=1)
        if len(parts) < 2 or not parts[0].strip():
            return None
        try:
            value = validate_field(slot, parts[0], country=self.policy.country)
        except FieldError:
            return None
        step = Step(slots={slot: value, "last_invalid": None})
        rest = _NAME_THEN_MORE.split(parts[1].strip(), maxsplit=1)[0]  # "Sylvie Girard", not what follows
        if slot == "last_name" and "first_name" in self.policy.ask_fields:
            said = _FIRST_NAME_SAID.match(rest)
            full = split_full_name(rest) if not said else None
            first = said.group(1) if said else (full[0] if full and fold(full[1]) == fold(str(value)) else None)
            if first is None and re.fullmatch(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?", rest.strip(" .")):
                first = rest.strip(" .")  # "Dupont, Marie"
            if first:
                try:
                    step.slots["first_name"] = validate_field("first_name", first, country=self.policy.country)
                except FieldError:
                    pass
        return step

    def _on_last_name(self, text: Any, state: dict[str, Any]) -> Step:
        step = self._on_name("last_name", str(text), state)
        value = step.slots.get("last_name")
        if isinstance(value, str) and "first_name" in self.policy.ask_fields and not state.get("first_name") \
                and not step.slots.get("first_name"):
            names = first_and_last(value.split(" "))  # "Lemaire Paul" (as on forms) or "Paul Lemaire"
            if names:
                step.slots.update(first_name=names[0], last_name=names[1])
                step.say.append(Say("utter_volunteered", kwargs={
                    "volunteered_list": f"nom : {names[1]} ; prénom : {names[0]}"}))
        return step

    def _on_first_name(self, text: Any, state: dict[str, Any]) -> Step:
        step = self._on_name("first_name", str(text), state)
        first, last = step.slots.get("first_name"), str(state.get("last_name") or "")
        words = last.split()
        if isinstance(first, str) and len(words) >= 2 and fold(first) in [fold(w) for w in words]:
            # "Nadia Benali" (or "Dupont Martine") to the last name, then "Nadia": the rest is the last name
            rest = " ".join(w for w in words if fold(w) != fold(first))
            step.slots["last_name"] = rest
            step.say.append(Say("utter_corrected", kwargs={"corrected_list": f"nom : {rest} ; prénom : {first}"}))
        return step

    def _on_file_reference(self, text: Any, state: dict[str, Any]) -> Step:
        value = validate_field("file_reference", str(text), country=self.policy.country)
        return Step(slots={"file_reference": value if value else "aucune"})

    def _on_facts_description(self, text: Any, state: dict[str, Any]) -> Step:
        from bot.domain.admissibility import is_vague

        description = validate_field("facts_description", str(text), country=self.policy.country)
        if state.get("precision_asked") and state.get("vague_description"):
            description = f"{state['vague_description']}\n{description}"
        vague_rule = self.policy.exclusion("too_vague")
        if vague_rule and is_vague(str(description)) and not state.get("precision_asked"):
            ask = Say(text=vague_rule.precision_request) if vague_rule.precision_request else Say("utter_ask_precision")
            return Step(slots={"facts_description": None, "precision_asked": True,
                               "vague_description": description}, say=[ask])
        said_date = self.read(str(text)).date
        if said_date is not None and not state.get("precision_asked"):
            rest = fold(str(text)).replace(fold(said_date.text), " ")
            rest = re.sub(r"\b(?:a peu pres|environ|plus ou moins|je crois|je pense|je dirais|c'etait|ca fait|"
                          r"c'est arrive|vers|depuis|bien|deja)\b|[^\w\s]", " ", rest)
            if len(rest.split()) < 3:  # "il y a 3 semaines à peu près": the date, not yet the facts
                dated = self.volunteered(str(text), state, skip="facts_description")
                dated.slots["facts_description"] = None
                if not dated.say:
                    dated.say.append(Say(text="J'ai bien la date ; il me faut maintenant ce qui s'est passé."))
                return dated
        step = Step(slots={"facts_description": description})
        step.merge(self.volunteered(str(text), state, skip="facts_description"))
        step.merge(self._other_organisation(str(text), {**state, **step.slots}))
        if (step.slots.get("pending_exclusion") or {}).get("code") == "other_organisation":
            return step
        return step.merge(self._assess({**state, **step.slots}))

    def _on_facts_date(self, text: Any, state: dict[str, Any]) -> Step:
        parsed = parse_facts_date(str(text), now=self.now, tz=self.policy.timezone)
        step = Step(slots=self._date_slots(parsed))
        return step.merge(self._assess({**state, **step.slots}))

    def _on_initiative_taken(self, text: Any, state: dict[str, Any]) -> Step:
        answer = self._yes_no("initiative_taken", text, state)
        if isinstance(answer, Step):
            return answer
        step = Step(slots={"initiative_taken": answer, "initiative_needed": None})
        return step.merge(self._assess({**state, **step.slots}))

    def _on_exclusion_check(self, text: Any, state: dict[str, Any]) -> Step:
        pending = state.get("pending_exclusion") or {}
        answer = self._yes_no("exclusion_check", text, state)
        if isinstance(answer, Step):
            return answer
        code = pending.get("code")
        answers = dict(state.get("exclusion_answers") or {})
        if code:
            answers[code] = answer
        step = Step(slots={"exclusion_answers": answers, "pending_exclusion": None, "exclusion_check": None})
        if code == "other_organisation":
            if answer:  # it is about this organisation after all: go on, never ask again
                return step
            if self.policy.excludes("unrelated"):
                return step.merge(self._refuse("unrelated"))
            step.slots.update(intake_end=Ending.OTHER_ORGANISATION.value, organisation_named=pending.get("other"))
            return step
        if answer and code and _YES_BUT_NOT.search(fold(str(text))):
            # "oui il y a un litige, mais ma plainte ici c'est sur l'agente, pas sur le litige": not about it
            answer = False
            answers[code] = False
            step.slots["exclusion_answers"] = answers
        if code == "grouped":  # "en votre nom propre ?": yes goes on as the citizen's own, no is the refusal
            if answer:
                step.slots["acting_for"] = ActingFor.SELF.value
                return step.merge(self._assess({**state, **step.slots}))
            return step.merge(self._refuse("grouped"))
        if code == "too_old" and pending.get("date_read") and not answer:  # the date was misread: ask it
            step.merge(self._date_said_again({**state, "exclusion_answers": answers}))
            step.slots.update(facts_date=None, facts_date_precision=None, facts_date_detail=None)
            step.say.append(Say(text="D'accord : je vous demanderai la date des faits un peu plus loin."))
            return step
        exclusion = self.policy.exclusion(code) if code else None
        if answer and code == "too_old" and self.policy.too_old and self.policy.too_old.unless_initiative_taken \
                and state.get("initiative_taken") is None:
            return step.merge(self._assess({**state, **step.slots}))  # old, confirmed: was a démarche made since?
        if answer and code and (code == "too_old" or (exclusion and exclusion.decided_by == "assistant")):
            return step.merge(self._refuse(code))
        return step.merge(self._assess({**state, **step.slots}))

    def _on_attachments(self, text: Any, state: dict[str, Any]) -> Step:
        uploaded = list(state.get("uploaded_attachments") or [])
        if isinstance(text, list):
            return Step(slots={"attachments": text})
        if uploaded and not is_none_answer(str(text)):
            return Step(slots={"attachments": uploaded})
        if is_none_answer(str(text)) or str(text).lower().strip(" .!") in ("terminé", "termine", "fini", "c'est tout"):
            return Step(slots={"attachments": uploaded})
        if _ON_PAPER.search(fold(str(text))) and not is_none_answer(str(text)):
            return Step(slots={"attachments": None}, say=[Say(text=self._paper_documents())])
        if _HOW_TO_SEND.search(fold(str(text))):  # "je sais pas comment l'envoyer": how, then the same question
            return Step(slots={"attachments": None}, say=[Say(text=_how_to_send(str(state.get("channel") or "")))])
        if _DOCUMENTS_LATER.search(fold(str(text))) or (state.get("field_failures") or {}).get("attachments", 0) >= 1:
            # "aucun pour l'instant", "je l'envoie plus tard", or a second message without a file: go on
            return Step(slots={"attachments": uploaded}, say=[Say(text=(
                "D'accord, je continue sans document. Vous pourrez encore en envoyer ici avant la fin ; sinon, "
                "gardez-les : le service pourra vous les demander."))])
        return self._invalid("attachments", "Je n'ai pas reçu de document. Envoyez un fichier (PDF, photo, "
                             "document Word ou OpenOffice) ou répondez « aucun ».", state, "aucun")

    def _paper_documents(self) -> str:
        """Documents on paper: a photo sent here, or the post to the preset's own address (never invented)."""
        post = self.policy.other_ways_to_file.postal_address
        by_post = (f" Vous pouvez aussi les envoyer par courrier à {post}, en rappelant la référence que je vous "
                   "donnerai à la fin." if post else "")
        return ("Le plus simple est de les prendre en photo avec votre téléphone et de m'envoyer les photos ici."
                f"{by_post} Si vous préférez, répondez « aucun » : le service pourra vous les demander.")

    def _on_complaint_confirm(self, text: Any, state: dict[str, Any]) -> Step:
        if isinstance(text, bool):
            return Step(slots={"complaint_confirm": text or None})
        raw = str(text).strip()
        corrected = None if _PICKED_FIELD.match(raw) else self.corrections(raw, state, "complaint_confirm")
        if corrected is not None:
            corrected.slots.update(complaint_confirm=None, correction_asked=None)
            return corrected
        field_name = self.field_named(raw)
        if field_name:
            return Step(slots={field_name: None, "complaint_confirm": None, "correction_asked": None},
                        say=[Say("utter_correct_ok")])
        answer = True if _NOTHING_TO_CORRECT.search(fold(raw)) else parse_yes_no(raw)
        if answer:  # "oui", "rien, tout est correct", "aucune" (correction): filed
            return Step(slots={"complaint_confirm": True, "correction_asked": None})
        if answer is False and state.get("correction_asked"):  # "non, rien": the summary is shown again
            return Step(slots={"complaint_confirm": None, "correction_asked": None})
        # which element? asked with one button per field, the summary is not printed again
        return Step(slots={"complaint_confirm": None, "correction_asked": True})

    def correctable_fields(self, state: dict[str, Any]) -> list[tuple[str, str]]:
        """(field, label) of the summary's lines, for the "which element?" buttons."""
        shown = [name for name in FIELD_LABELS if name in self.policy.ask_fields or name == "acting_for"]
        return [(name, FIELD_LABELS[name]) for name in shown if name != "acting_for" or state.get("acting_for")]

    def field_named(self, text: str, entity: str | None = None) -> str | None:
        """The field a correction names ("mon e-mail est faux" -> email), if any."""
        if entity in FIELD_LABELS and entity in self.policy.ask_fields:
            return entity
        picked = _PICKED_FIELD.match(text or "")  # a "which element?" button: "Corriger : Date des faits"
        if picked:
            label = picked.group(1).strip().lower()
            for name, shown in FIELD_LABELS.items():
                if shown.lower() == label and (name in self.policy.ask_fields or name == "acting_for"):
                    return name
        low = f" {text.lower()} "
        named: list[tuple[int, int, str]] = []  # (where, rank, field): the field named first wins
        for rank, (name, words) in enumerate(FIELD_WORDS):
            if name not in self.policy.ask_fields:
                continue
            if name == "last_name" and re.search(r"\b(?:son|leur|ton|sa|ses)\s+nom\b", low) \
                    and not re.search(r"\b(?:mon|le)\s+nom\b", low):
                continue  # "je connais pas son nom": someone else's
            for w in words:  # whole words: "Châtelet" names no phone, "mailing" no e-mail
                m = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", low)
                if m and not (name == "last_name" and re.match(r"\s*de\s+(?:l['’]|la\s|famille)", low[m.end():])
                              and w == "nom" and "famille" not in low[m.end():m.end() + 12]):
                    named.append((m.start(), rank, name))
        if not named:
            return None
        if any(n == "first_name" for _, _, n in named):  # "le nom c'est X et le prénom Y": both are names
            named = [t for t in named if t[2] != "last_name" or t[0] < min(w for w, _, n in named if n == "first_name")]
        return min(named)[2]

    # ------------------------------------------------------------------ admissibility
    def complaint_from(self, state: dict[str, Any]) -> Complaint:
        c = Complaint(policy=self.policy.id)
        for key in ("acting_for", "last_name", "first_name", "address", "email", "phone", "facts_description",
                    "facts_place", "persons_contacted", "objective", "subject", "service_concerned",
                    "other_parties", "persons_targeted", "facts_date_precision"):
            if state.get(key) not in (None, ""):
                setattr(c, key, state[key])
        if state.get("file_reference") not in (None, "aucune"):
            c.file_reference = state["file_reference"]
        for key in ("consent", "prior_contact", "initiative_taken"):
            if isinstance(state.get(key), bool):
                setattr(c, key, state[key])
        if state.get("facts_date"):
            c.facts_date = date.fromisoformat(str(state["facts_date"]))
        return c

    def _assess(self, state: dict[str, Any], *, first_message: bool = False) -> Step:
        result = assess(self.complaint_from(state), self.policy, received=self.today,
                        answers=dict(state.get("exclusion_answers") or {}),
                        precision_asked=bool(state.get("precision_asked")),
                        facts_range=self._facts_range(state))
        if result.outcome == "refused" and result.reason_code:
            if result.reason_code == "too_old" and self._date_only_read(state):
                return self._confirm_date_read(state)
            if result.reason_code == "grouped" and "grouped" not in (state.get("exclusion_answers") or {}):
                return self._offer_own_name(result)
            return self._refuse(result.reason_code, result)
        if result.outcome == "ask" and result.answer_field == "facts_description" and first_message:
            # "je souhaite introduire une réclamation au nom de ma société": not yet the facts; asked in turn
            return Step(slots={"facts_description": None,
                               "volunteered": [f for f in state.get("volunteered") or [] if f != "facts_description"]})
        if result.outcome == "ask" and result.answer_field == "facts_description":
            # too vague (a letter, or a description completed later): one request for precision, a free
            # answer added to the description, never a yes/no question
            return Step(slots={"facts_description": None, "precision_asked": True,
                               "vague_description": state.get("facts_description")},
                        say=[Say(text=result.question) if result.question else Say("utter_ask_precision")])
        if result.outcome == "ask" and result.reason_code:
            if (result.reason_code == "too_old" and self.policy.too_old
                    and self.policy.too_old.unless_initiative_taken and state.get("initiative_taken") is None):
                if state.get("prior_contact") is True and "prior_contact" in (state.get("volunteered") or []):
                    # the letter tells it ("j'ai déjà écrit trois fois depuis"): a démarche since the facts; a
                    # "yes" to "avez-vous déjà contacté le service ?" may be older than the facts: asked
                    return Step(slots={"initiative_taken": True}).merge(
                        self._assess({**state, "initiative_taken": True}, first_message=first_message))
                if self._date_only_read(state) and "too_old" not in (state.get("exclusion_answers") or {}):
                    return self._confirm_date_read(state)  # the date read in the letter first, then the démarche
                return Step(slots={"initiative_needed": True})
            return Step(slots={"pending_exclusion": {"code": result.reason_code, "question": result.question}})
        if result.outcome == "flagged" and result.reason_code:
            return Step(slots={"suggested_reason_code": result.reason_code})
        return Step()

    @staticmethod
    def _offer_own_name(result: Assessment) -> Step:
        """A grouped complaint is refused, but each person may file their own: the rule is said and the
        citizen asked whether to file in their own name, before anything is refused or lost."""
        rule = " ".join((result.explanation or "").split())
        question = f"{rule} Souhaitez-vous introduire cette réclamation en votre nom propre ?".strip()
        return Step(slots={"acting_for": None, "pending_exclusion": {"code": "grouped", "question": question}})

    @staticmethod
    def _date_only_read(state: dict[str, Any]) -> bool:
        """The date of the facts was read in the letter and the citizen never confirmed it."""
        return ("facts_date" in (state.get("volunteered") or [])
                and "too_old" not in (state.get("exclusion_answers") or {}))

    def _confirm_date_read(self, state: dict[str, Any]) -> Step:
        """Before refusing a complaint as too old on a date read in the letter, the citizen confirms it
        ("j'habite en Espagne depuis 2 ans" is not the date of the facts; a reading can be wrong)."""
        exclusion = self.policy.exclusion("too_old")
        said = (state.get("facts_date_detail") or {}).get("text")
        read = self.display("facts_date", state.get("facts_date"), state)
        quoted = f"Vous écrivez « {said} »." if said else f"J'ai lu dans votre message : {read}."
        question = f"{quoted} {exclusion.question if exclusion and exclusion.question else ''}".strip()
        return Step(slots={"pending_exclusion": {"code": "too_old", "question": question, "date_read": True}})

    @staticmethod
    def _facts_range(state: dict[str, Any]) -> tuple[date, date] | None:
        detail = state.get("facts_date_detail") or {}
        try:
            return date.fromisoformat(detail["earliest"]), date.fromisoformat(detail["latest"])
        except (KeyError, TypeError, ValueError):
            return None

    # ------------------------------------------------------------------ summary and filing data
    def display(self, key: str, value: Any, state: dict[str, Any] | None = None) -> str:
        if value is None or value == "":
            if key == "facts_date" and state and (state.get("facts_date_detail") or {}).get("text"):
                return f"« {state['facts_date_detail']['text']} » (tel que vous l'avez écrit)"
            if state and key in (state.get("declined_fields") or []):
                # "Adresse : non communiquée", "Téléphone : non communiqué"
                return "non communiquée" if key in ("address", "facts_date", "file_reference") else "non communiqué"
            return "—"
        if key == "facts_date":
            state = state or {}
            try:
                day = date.fromisoformat(str(value))
            except ValueError:
                return str(value)
            precision = state.get("facts_date_precision") or "day"
            rng = self._facts_range(state)
            detail = state.get("facts_date_detail") or {}
            if precision == "day" or precision not in ("month", "year", "approximate"):
                return format_date_fr(day)
            parsed = ParsedDate(day, precision, str(detail.get("text") or ""),  # type: ignore[arg-type]
                                rng[0] if rng else None, rng[1] if rng else None)
            return format_parsed_fr(parsed)
        if key == "acting_for":
            acting = CITIZEN_ACTING_FOR_LABELS.get(str(value), str(value))
            who = (state or {}).get("represented_person")
            if who and value == "organisation":
                return f"l'organisation {who}"
            if who and value == "self":
                return _addressed(str(who))  # "ma mère, Mme Martin" -> "votre mère, Mme Martin"
            return f"{acting}, pour {who}" if who else acting
        if key == "attachments":
            return ", ".join(a.get("filename", "?") for a in value) if value else "aucun"
        if isinstance(value, bool):
            return "oui" if value else "non"
        return str(value)

    def summary(self, state: dict[str, Any]) -> str:
        lines = []
        for key, label in FIELD_LABELS.items():
            if key not in self.policy.ask_fields:
                continue
            if key == "last_name" and self.policy.prior_contact.ask and isinstance(state.get("prior_contact"), bool):
                lines.append(f"• {PRIOR_CONTACT_LABEL} : {self.display('prior_contact', state['prior_contact'])}")
            value = self.attachments_of(state) if key == "attachments" and state.get(key) is not None else state.get(key)
            lines.append(f"• {label} : {self.display(key, value, state)}")
        if state.get("represented_person") and "acting_for" not in self.policy.ask_fields:
            lines.insert(0, f"• Pour : {_addressed(str(state['represented_person']))}")  # "votre mère"
        return "\n".join(lines)

    @staticmethod
    def attachments_of(state: dict[str, Any]) -> list[dict[str, Any]]:
        """The documents answered to the documents question, and those sent later in the intake
        (at the summary, say: "il sera joint à votre réclamation"), each once."""
        out: list[dict[str, Any]] = []
        seen: set[Any] = set()
        for a in [*(state.get("attachments") or []), *(state.get("uploaded_attachments") or [])]:
            item = a if isinstance(a, dict) else a.__dict__
            key = item.get("id") or item.get("stored_name") or repr(sorted(item.items()))
            if key not in seen:
                seen.add(key)
                out.append(item)
        return out

    def filing_data(self, state: dict[str, Any]) -> dict[str, Any]:
        c = self.complaint_from(state)
        data = {k: v for k, v in c.as_dict().items() if k in FIELD_LABELS or k in (
            "consent", "prior_contact", "initiative_taken", "facts_date_precision")}
        data["attachments"] = self.attachments_of(state)
        data["suggested_reason_code"] = state.get("suggested_reason_code")
        detail = state.get("facts_date_detail") or {}
        if detail and c.facts_date is not None:
            data["facts_date_earliest"], data["facts_date_latest"] = detail.get("earliest"), detail.get("latest")
            data["facts_date_text"] = detail.get("text")
        if state.get("represented_person"):
            data["represented_person"] = state["represented_person"]
        if state.get("declined_fields"):
            data["declined_fields"] = list(state["declined_fields"])
        if state.get("missing_required"):
            data["missing_required"] = list(state["missing_required"])
        if state.get("doubtful_fields"):
            data["doubtful_fields"] = list(state["doubtful_fields"])
        detail = state.get("facts_date_detail") or {}
        if c.facts_date is None and detail.get("text"):
            data["facts_date_text"] = detail["text"]
        return data


_OWN_CONTACTS: dict[str, tuple[str, ...]] = {}


def _own_contacts(policy: Policy) -> tuple[str, ...]:
    """Every phone number and e-mail address the preset quotes (contacts, advice…): never the citizen's own."""
    if policy.id not in _OWN_CONTACTS:
        quoted = policy.model_dump_json()
        _OWN_CONTACTS[policy.id] = (*re.findall(r"\+?\d[\d ./]{7,}\d", quoted),
                                    *re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", quoted))
    return _OWN_CONTACTS[policy.id]
