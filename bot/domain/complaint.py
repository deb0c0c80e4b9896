"""The complaint record, its lifecycle and its audit trail (contract section 1)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken; `message` is French and can be shown to a user."""

    def __init__(self, message: str, code: str = "domain_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class IllegalTransition(DomainError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"Passage impossible du statut « {current} » au statut « {target} ».", "illegal_transition"
        )
        self.current = current
        self.target = target


class Status(StrEnum):
    PREPARED = "prepared"
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    INADMISSIBLE = "inadmissible"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset(
    {Status.PREPARED, Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.ANSWERED}
)

# target -> allowed sources (a manager reopening is checked by the service: role rule)
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.PREPARED}),
    Status.ACKNOWLEDGED: frozenset({Status.RECEIVED}),
    Status.IN_PROGRESS: frozenset({Status.ACKNOWLEDGED, Status.RECEIVED, Status.INADMISSIBLE, Status.CLOSED}),
    Status.ANSWERED: frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.ANSWERED}),
    Status.INADMISSIBLE: frozenset({Status.PREPARED, Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS}),
    Status.WITHDRAWN: frozenset(OPEN_STATUSES),
}
# transitions only a manager (or admin) may make
MANAGER_ONLY: frozenset[tuple[Status, Status]] = frozenset(
    {(Status.INADMISSIBLE, Status.IN_PROGRESS), (Status.CLOSED, Status.IN_PROGRESS)}
)


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    REJECTED = "rejected"


class ActingFor(StrEnum):
    SELF = "self"
    ORGANISATION = "organisation"
    GROUP = "group"


# `channel`: where a complaint came from. Whoever brings complaints names its own: the chat
# channels of the web service register theirs (bot/channels/registry.py: telegram, whatsapp,
# webchat), staff record theirs (bot/staff: email, post, counter, phone), and "rest" is the
# engine's REST API reached directly. The domain asks only for a short lowercase name that fits
# the registry's column (16 characters), so a new channel changes no domain file.
CHANNEL_NAME = re.compile(r"[a-z][a-z0-9_]{1,15}")


def is_channel_name(value: object) -> bool:
    """A well-formed `channel` value: 2 to 16 characters a-z, 0-9 and _, starting with a letter."""
    return isinstance(value, str) and CHANNEL_NAME.fullmatch(value) is not None


REFUSAL_CODES = (
    "anonymous", "grouped", "discriminatory", "too_vague", "unrelated", "suggestion", "too_old",
    "duplicate", "co_contractor", "appeal_procedure", "judicial_dispute", "other_service",
)
TRIAGE_CODES = ("information_request", "service_request", "advice_request", "suggestion", "status_question")

# The citizen-supplied fields, in contract order (slot names = columns = API fields).
CITIZEN_FIELDS = (
    "acting_for", "prior_contact", "last_name", "first_name", "address", "email", "phone",
    "file_reference", "facts_description", "facts_date", "facts_place", "persons_contacted",
    "attachments", "objective", "consent", "initiative_taken",
    "subject", "service_concerned", "other_parties", "persons_targeted",
)
# the free answers among them (kept as written, "aucun" where there may be none) and the yes/no ones
FREE_TEXT_FIELDS = ("facts_place", "persons_contacted", "objective", "subject", "service_concerned",
                    "other_parties", "persons_targeted")
YES_NO_FIELDS = ("consent", "prior_contact", "initiative_taken")


@dataclass(frozen=True)
class Attachment:
    id: str
    filename: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Event:
    """One change in the history: who, when, what, before/after."""

    at: datetime
    actor: str
    action: str
    field: str | None = None
    before: Any = None
    after: Any = None
    note: str | None = None


@dataclass
class Complaint:
    policy: str
    channel: str = "rest"
    # citizen fields
    acting_for: str | None = None
    prior_contact: bool | None = None
    last_name: str | None = None
    first_name: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    file_reference: str | None = None
    facts_description: str | None = None
    facts_date: date | None = None
    facts_date_precision: str | None = None  # "day", "month", "approximate", "year"
    facts_place: str | None = None
    persons_contacted: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    objective: str | None = None
    consent: bool | None = None
    initiative_taken: bool | None = None
    subject: str | None = None
    service_concerned: str | None = None
    other_parties: str | None = None
    persons_targeted: str | None = None
    # administrative fields
    reference: str | None = None
    status: Status = Status.RECEIVED
    received_at: datetime | None = None
    ack_due: date | None = None
    answer_due: date | None = None
    acknowledged_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    decision: str | None = None
    suggested_reason_code: str | None = None
    mediator: str | None = None
    answer_text: str | None = None
    answered_by: str | None = None
    outcome: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)
    dysfunctions: list[str] = field(default_factory=list)
    corrective_actions: list[str] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    anonymised_at: datetime | None = None

    def has_identity(self) -> bool:
        return bool(self.last_name and self.first_name)

    def transition(self, to: Status | str, *, actor: str, now: datetime, note: str | None = None) -> Event:
        """Move to `to` if the lifecycle allows it; record and return the event."""
        target = Status(to)
        if self.status not in TRANSITIONS.get(target, frozenset()):
            raise IllegalTransition(self.status.value, target.value)
        before = self.status
        self.status = target
        if target is Status.ACKNOWLEDGED:
            self.acknowledged_at = now
        elif target is Status.ANSWERED:
            self.answered_at = now
        elif target is Status.CLOSED:
            self.closed_at = now
        elif target is Status.RECEIVED:
            self.received_at = now
        event = Event(at=now, actor=actor, action="status", field="status",
                      before=before.value, after=target.value, note=note)
        self.history.append(event)
        return event

    def set_field(self, name: str, value: Any, *, actor: str, now: datetime) -> Event | None:
        """Change one field and record it; returns None when nothing changed."""
        if self.status in (Status.CLOSED,) or self.anonymised_at is not None:
            raise DomainError("Ce dossier est clôturé : il ne peut plus être modifié.", "read_only")
        before = getattr(self, name)
        if before == value:
            return None
        setattr(self, name, value)
        event = Event(at=now, actor=actor, action="update", field=name, before=_plain(before), after=_plain(value))
        self.history.append(event)
        return event

    def as_dict(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
