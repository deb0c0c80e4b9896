"""The intake conversation as a use case, free of any chat framework.

The Rasa actions hand it the slots (the conversation state) and the citizen's answer; it
returns slot updates and what to say, as response names of domain.yml or texts of the
preset. Validation and admissibility come from the domain core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.admissibility import Assessment, assess, describe_route, refusal_for_anonymity, route_for
from bot.domain.complaint import Complaint
from bot.domain.dates import DateError, format_date_fr, parse_facts_date
from bot.domain.extraction import extract_volunteered
from bot.domain.policy import Policy
from bot.domain.validation import (
    EXAMPLES,
    FieldError,
    is_none_answer,
    parse_acting_for,
    parse_yes_no,
    validate_field,
)

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
ACTING_FOR_LABELS = {"self": "vous-même", "organisation": "une organisation", "group": "un groupe de personnes"}

# Words a citizen uses to name a field at the summary ("mon e-mail est faux", "changer la date").
FIELD_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("email", ("e-mail", "email", "mail", "courriel", "adresse électronique")),
    ("first_name", ("prénom", "prenom")),
    ("last_name", ("nom de famille", "mon nom", "le nom", "nom")),
    ("phone", ("téléphone", "telephone", "gsm", "portable", "numéro de tel", "numero de tel", "tél", "tel")),
    ("file_reference", ("référence", "reference", "numéro de dossier", "numero de dossier", "dossier")),
    ("facts_date", ("date", "quand", "jour")),
    ("facts_place", ("lieu", "endroit", "où")),
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
SLOT_FOR_VOLUNTEERED = ("email", "phone", "facts_date", "file_reference", "last_name", "first_name", "facts_place")


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


class Intake:
    """Decides, for one preset, what to ask next and what an answer means."""

    def __init__(self, policy: Policy, now: datetime) -> None:
        self.policy = policy
        self.now = now.astimezone(ZoneInfo(policy.timezone))

    @property
    def today(self) -> date:
        return self.now.date()

    # ------------------------------------------------------------------ what to ask
    def required_slots(self, state: dict[str, Any]) -> list[str]:
        """The form's fields for this preset and this state; [] ends the form (refusal)."""
        if state.get("refusal"):
            return []
        fields = [f for f in self.policy.ask_fields if f != "prior_contact" or self.policy.prior_contact.ask]
        out: list[str] = []
        for f in fields:
            out.append(f)
            if f == "facts_date":
                if state.get("initiative_needed"):
                    out.append("initiative_taken")
                if state.get("pending_exclusion"):
                    out.append("exclusion_check")
        if state.get("pending_exclusion") and "exclusion_check" not in out:
            out.append("exclusion_check")
        out.append("complaint_confirm")
        return out

    def next_slot(self, state: dict[str, Any]) -> str | None:
        return next((s for s in self.required_slots(state) if state.get(s) is None), None)

    # ------------------------------------------------------------------ start
    def start(self, first_message: str, *, intake_id: str) -> Step:
        """Details the citizen volunteered in the message that opened the complaint."""
        step = Step(slots={"intake_id": intake_id, "refusal": None, "complaint_confirm": None})
        if len(first_message.split()) >= STORY_MIN_WORDS and "facts_description" in self.policy.ask_fields:
            # the citizen already told what happened: the form will not ask again (the summary shows it)
            step.slots["facts_description"] = first_message.strip()
        return step.merge(self.volunteered(first_message, {}))

    def volunteered(self, text: str, state: dict[str, Any]) -> Step:
        found = extract_volunteered(text, now=self.now, country=self.policy.country, tz=self.policy.timezone)
        slots: dict[str, Any] = {}
        for key in SLOT_FOR_VOLUNTEERED:
            if key in found and state.get(key) is None and key in self.policy.ask_fields:
                slots[key] = found[key]
        if "facts_date" in slots:
            slots["facts_date_precision"] = found.get("facts_date_precision", "day")
        step = Step(slots=slots)
        if slots:
            noted = [f"{FIELD_LABELS[k].lower()} : {self.display(k, v)}" for k, v in slots.items() if k in FIELD_LABELS]
            step.say.append(Say("utter_volunteered", kwargs={"volunteered_list": " ; ".join(noted)}))
        return step

    # ------------------------------------------------------------------ answers
    def handle(self, slot: str, value: Any, state: dict[str, Any]) -> Step:
        """Validate one answer; returns the slot updates and what to say."""
        if value is None:
            return Step(slots={slot: None})
        text = str(value).strip() if not isinstance(value, bool | list) else value
        handler = getattr(self, f"_on_{slot}", None)
        try:
            if handler is not None:
                return handler(text, state)
            return Step(slots={slot: validate_field(slot, str(text), country=self.policy.country)})
        except FieldError as err:
            return self._invalid(slot, err.message, state, err.example)
        except DateError as err:
            return self._invalid(slot, err.message, state, EXAMPLES.get(slot))

    def _invalid(self, slot: str, message: str, state: dict[str, Any], example: str | None = None) -> Step:
        failures = dict(state.get("field_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        example = example or EXAMPLES.get(slot)
        if failures[slot] >= 2 and example:
            say = Say("utter_field_help", kwargs={"validation_message": message, "example": example})
        else:
            say = Say("utter_field_invalid", kwargs={"validation_message": message})
        return Step(slots={slot: None, "field_failures": failures}, say=[say])

    def _yes_no(self, slot: str, text: Any, state: dict[str, Any]) -> bool | Step:
        if isinstance(text, bool):
            return text
        answer = parse_yes_no(str(text))
        if answer is None:
            return self._invalid(slot, "Je n'ai pas compris : répondez simplement « oui » ou « non ».", state, "oui")
        return answer

    def _refuse(self, code: str, assessment: Assessment | None = None, **extra: Any) -> Step:
        route = assessment.route if assessment and assessment.route else route_for(self.policy, code)
        exclusion = self.policy.exclusion(code)
        explanation = (assessment.explanation if assessment and assessment.explanation
                       else exclusion.explanation if exclusion else None)
        refusal = {"reason_code": code, "explanation": explanation,
                   "route": describe_route(route) if route else None, **extra}
        return Step(slots={"refusal": refusal, "decision": code})

    def _on_consent(self, text: Any, state: dict[str, Any]) -> Step:
        answer = self._yes_no("consent", text, state)
        if isinstance(answer, Step):
            return answer
        if not answer:
            return Step(slots={"consent": False, "refusal": {"kind": "no_consent"}})
        return Step(slots={"consent": True})

    def _on_acting_for(self, text: Any, state: dict[str, Any]) -> Step:
        acting = parse_acting_for(str(text))
        if acting is None:
            return self._invalid("acting_for", "Je n'ai pas compris. Agissez-vous pour vous-même, pour une "
                                 "organisation ou pour un groupe de personnes ?", state)
        step = Step(slots={"acting_for": acting.value})
        return step.merge(self._assess({**state, **step.slots}))

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
            if err.code == "anonymous_refusal":
                refusal = refusal_for_anonymity(self.policy)
                if refusal.outcome == "refused":
                    return self._refuse("anonymous", refusal)
                raise
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

    def _on_last_name(self, text: Any, state: dict[str, Any]) -> Step:
        return self._on_name("last_name", str(text), state)

    def _on_first_name(self, text: Any, state: dict[str, Any]) -> Step:
        return self._on_name("first_name", str(text), state)

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
        step = Step(slots={"facts_description": description})
        step.merge(self.volunteered(str(text), state))
        return step.merge(self._assess({**state, **step.slots}))

    def _on_facts_date(self, text: Any, state: dict[str, Any]) -> Step:
        parsed = parse_facts_date(str(text), now=self.now, tz=self.policy.timezone)
        step = Step(slots={"facts_date": parsed.value.isoformat(), "facts_date_precision": parsed.precision})
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
        exclusion = self.policy.exclusion(code) if code else None
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
        return self._invalid("attachments", "Je n'ai pas reçu de document. Envoyez un fichier (PDF, photo, "
                             "document Word ou OpenOffice) ou répondez « aucun ».", state, "aucun")

    def _on_complaint_confirm(self, text: Any, state: dict[str, Any]) -> Step:
        if isinstance(text, bool):
            return Step(slots={"complaint_confirm": text or None})
        raw = str(text).strip()
        field_name = self.field_named(raw)
        if field_name:
            return Step(slots={field_name: None, "complaint_confirm": None}, say=[Say("utter_correct_ok")])
        answer = parse_yes_no(raw)
        if answer:
            return Step(slots={"complaint_confirm": True})
        return Step(slots={"complaint_confirm": None}, say=[Say("utter_correct_which")])

    def field_named(self, text: str, entity: str | None = None) -> str | None:
        """The field a correction names ("mon e-mail est faux" -> email), if any."""
        if entity in FIELD_LABELS and entity in self.policy.ask_fields:
            return entity
        low = f" {text.lower()} "
        for name, words in FIELD_WORDS:
            if name in self.policy.ask_fields and any(w in low for w in words):
                if name == "last_name" and any(w in low for w in ("prénom", "prenom")):
                    continue
                return name
        return None

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

    def _assess(self, state: dict[str, Any]) -> Step:
        result = assess(self.complaint_from(state), self.policy, received=self.today,
                        answers=dict(state.get("exclusion_answers") or {}),
                        precision_asked=bool(state.get("precision_asked")))
        if result.outcome == "refused" and result.reason_code:
            return self._refuse(result.reason_code, result)
        if result.outcome == "ask" and result.reason_code:
            if (result.reason_code == "too_old" and self.policy.too_old
                    and self.policy.too_old.unless_initiative_taken and state.get("initiative_taken") is None):
                return Step(slots={"initiative_needed": True})
            return Step(slots={"pending_exclusion": {"code": result.reason_code, "question": result.question}})
        if result.outcome == "flagged" and result.reason_code:
            return Step(slots={"suggested_reason_code": result.reason_code})
        return Step()

    # ------------------------------------------------------------------ summary and filing data
    def display(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if key == "facts_date":
            try:
                return format_date_fr(date.fromisoformat(str(value)))
            except ValueError:
                return str(value)
        if key == "acting_for":
            return ACTING_FOR_LABELS.get(str(value), str(value))
        if key == "attachments":
            return ", ".join(a.get("filename", "?") for a in value) if value else "aucun"
        return str(value)

    def summary(self, state: dict[str, Any]) -> str:
        lines = [f"• {label} : {self.display(key, state.get(key))}" for key, label in FIELD_LABELS.items()
                 if key in self.policy.ask_fields]
        return "\n".join(lines)

    def filing_data(self, state: dict[str, Any]) -> dict[str, Any]:
        c = self.complaint_from(state)
        data = {k: v for k, v in c.as_dict().items() if k in FIELD_LABELS or k in (
            "consent", "prior_contact", "initiative_taken", "facts_date_precision")}
        data["attachments"] = [a if isinstance(a, dict) else a.__dict__ for a in (state.get("attachments") or [])]
        data["suggested_reason_code"] = state.get("suggested_reason_code")
        return data
