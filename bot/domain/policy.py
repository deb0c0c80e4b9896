"""Schema of a policy preset (one YAML file per organisation, `bot/policies/*.yml`).

Everything an organisation's procedure says lives in its preset: contacts, exclusions,
deadlines, routes, texts. Values a seed does not give stay `null` (never invented);
`complaintbot policy check` warns about each of them.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeadlineUnit(StrEnum):
    JOURS_OUVRABLES = "jours_ouvrables"  # Monday to Saturday, minus public holidays
    JOURS_OUVRES = "jours_ouvres"  # Monday to Friday, minus public holidays
    CALENDAR_DAYS = "calendar_days"  # receipt + N days, not moved off Sundays/holidays
    MONTHS = "months"  # same day number N months later, or that month's last day
    ASAP = "asap"  # "dans les plus brefs délais": no date


class Deadline(_Strict):
    amount: int | None = None
    unit: DeadlineUnit
    text: str  # how the seed words it, e.g. "dans les 10 jours ouvrables"


class Contacts(_Strict):
    email: str | None = None
    phone: str | None = None
    urgent_phone: str | None = None
    fax: str | None = None
    postal_address: str | None = None
    website: str | None = None
    online_form: str | None = None
    other: list[str] = Field(default_factory=list)  # e.g. "dans une agence"


class Organisation(_Strict):
    name: str
    service: str | None = None  # the service handling complaints
    contacts: Contacts = Contacts()


class Route(_Strict):
    """Where the citizen goes next: a mediator, an appeal procedure, another service, the DPO."""

    # "dispute": an administrative or judicial dispute, which follows its own procedure (SPF)
    kind: Literal[
        "mediator", "appeal_procedure", "other_service", "data_protection_officer", "agreement", "dispute", "none"
    ]
    name: str | None = None
    description: str | None = None
    conditions: list[str] = Field(default_factory=list)
    contacts: Contacts = Contacts()


class Exclusion(_Strict):
    code: str  # a refusal reason code of contract section 1
    seed_text: str  # the seed's own sentence, quoted
    decided_by: Literal["assistant", "staff"]  # staff: flagged as suggested_reason_code, filed
    explanation: str  # French, shown to the citizen
    route: Route | None = None  # where to go instead; None: the preset's mediator route
    cues: list[str] = Field(default_factory=list)  # lowercase words that make the assistant ask `question`
    question: str | None = None  # yes/no question; "oui" means the exclusion applies
    # too_vague only: the one request for precision (a free-text question) asked before flagging
    precision_request: str | None = None


class TooOldRule(_Strict):
    max_age_months: int = 12
    unless_initiative_taken: bool = False  # Solidaris: unless the complainant took an initiative since
    # yes/no question filling `initiative_taken`; "oui" means a step was taken (the complaint is filed)
    initiative_question: str | None = None


class Triage(_Strict):
    """Answers to what is not a complaint (code -> French text pointing where to go)."""

    information_request: str
    service_request: str
    advice_request: str
    suggestion: str
    status_question: str | None = None


class PriorContact(_Strict):
    ask: bool = False
    question: str | None = None
    advice: str | None = None  # shown when the citizen has not contacted the service yet
    contacts: Contacts = Contacts()


class InPerson(_Strict):
    address: str | None = None
    hours: str | None = None
    text: str


class Retention(_Strict):
    years: int | None = None
    from_event: Literal["closure", "receipt"] = "closure"
    text: str | None = None


def of_organisation(name: str) -> str:
    """ "d'IGRETEC", "du SPF Sécurité sociale", "de Solidaris Brabant": French elision and contraction."""
    if re.match(r"(?:Notre|Nos|Votre|Vos)\b", name):  # a preset's placeholder name: "de notre société"
        return f"de {name[0].lower()}{name[1:]}"
    if re.match(r"(?i)(?:SPF|service|centre|CPAS|conseil|ministère|fonds|forem)\b", name):
        return f"du {name}"
    if re.match(r"(?i)[aeiouyhàâéèêëîïôöûü]", name):
        return f"d'{name}"
    return f"de {name}"


class Policy(_Strict):
    id: str
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    organisation: Organisation
    country: Literal["BE", "FR"]
    timezone: str
    language: Literal["fr"] = "fr"
    scope: str  # what a complaint may be about (French)
    intake_mode: Literal["online", "in_person"] = "online"
    in_person: InPerson | None = None
    privacy_notice: str
    # ordered fields the form asks (contract names); required ones cannot be "aucun"
    ask_fields: list[str]
    required_fields: list[str]
    # what follows when a citizen cannot give a required field and the seed itself has another way
    # (IGRETEC answers postal complaints at the home address: no e-mail -> an answer by post)
    decline_alternatives: dict[str, str] = Field(default_factory=dict)
    # after a whole letter, ask only the required fields it lacks (the SPF's seed asks for name,
    # first name, phone and e-mail "systématiquement", nothing else); the documents are still offered
    letter_asks_only_required: bool = False
    prior_contact: PriorContact = PriorContact()
    exclusions: list[Exclusion] = Field(default_factory=list)
    too_old: TooOldRule | None = None
    acknowledgement: Deadline
    answer: Deadline
    mediator: Route | None = None
    data_protection: Route | None = None
    triage: Triage
    other_ways_to_file: Contacts = Contacts()
    decision_notice: str | None = None  # Solidaris: handling does not suspend appeal deadlines
    after_filing: str  # what happens next, French
    answer_appeal_text: str | None = None  # plan-gestion: routes of appeal on rejection (to fill in)
    retention: Retention = Retention()
    staff_judges_admissibility: bool = False  # notice: la direction judges what is a complaint
    # plan: the answer is written by a qualified, authorised person (a manager or an account given
    # the right to answer)
    answer_by_authorised_only: bool = False

    def exclusion(self, code: str) -> Exclusion | None:
        return next((e for e in self.exclusions if e.code == code), None)

    def excludes(self, code: str) -> bool:
        return self.exclusion(code) is not None
