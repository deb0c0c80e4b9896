"""`/api/v1/complaints`: the registry's list, registering a complaint received elsewhere, one
file, its corrections, status changes, follow-up messages, notes, assignment, the
dysfunctions and corrective actions it revealed, and the legal hold (manager)."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bot.domain.complaint import DomainError
from bot.domain.policy import Policy
from bot.services import privacy, staff
from bot.services.uow import Registry
from bot.staff.api.errors import FrenchErrorsRoute
from bot.staff.common import StaffChannel
from bot.staff.deps import ApiManager, ApiUser, NowDep, PolicyDep, RegistryDep, TodayDep, WithDeadlines

router = APIRouter(prefix="/complaints", route_class=FrenchErrorsRoute)


# ---------------------------------------------------------------------------------- bodies


class RegisterIn(BaseModel):
    """A complaint received by e-mail, post, phone or at the counter (contract field names).

    Unknown keys are refused (422): they would otherwise land in the record's `extra` and could
    carry what only a manager may set (`legal_hold`) without a history line."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "channel": "post", "received_at": "2026-12-18T10:00:00+01:00", "last_name": "Dupont",
        "first_name": "Marie", "address": "Rue des Écoles 7, 7000 Mons", "email": "marie.dupont@exemple.be",
        "phone": "+32475123456", "facts_description": "…", "objective": "…", "consent": True}})

    channel: StaffChannel
    received_at: AwareDatetime = Field(description="réception réelle, ISO 8601 avec fuseau horaire")
    policy: str | None = Field(None, description="préréglage (par défaut celui du service)")
    acting_for: Literal["self", "organisation", "group"] | None = None
    last_name: str | None = None
    first_name: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    file_reference: str | None = None
    facts_description: str | None = None
    facts_date: date | None = None
    facts_place: str | None = None
    persons_contacted: str | None = None
    objective: str | None = None
    consent: bool | None = None
    prior_contact: bool | None = None
    initiative_taken: bool | None = None
    subject: str | None = None
    service_concerned: str | None = None
    other_parties: str | None = None
    persons_targeted: str | None = None
    suggested_reason_code: str | None = None
    attachments: list[str] | None = Field(None, description="identifiants de documents déjà déposés")


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    to: Literal["received", "acknowledged", "in_progress", "answered", "closed", "inadmissible", "withdrawn"]
    answer_text: str | None = None
    outcome: Literal["upheld", "partially_upheld", "rejected"] | None = None
    reason_code: str | None = None
    note: str | None = None


class TextIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=1, max_length=10000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    assignee: str | None = Field(None, description="e-mail d'un compte du personnel, null pour retirer")


class LegalHoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, description="motif ; null pour lever la conservation légale")


# ---------------------------------------------------------------------------------- the registry


@router.get("", summary="Liste du registre (filtres, pagination)")
def list_complaints(
    registry: RegistryDep,
    user: ApiUser,
    today: TodayDep,
    with_deadlines: WithDeadlines,
    status: Annotated[list[str] | None, Query(description="un ou plusieurs statuts (répétés ou séparés par des virgules)")] = None,
    overdue: Annotated[bool | None, Query(description="true : un accusé ou une réponse en retard")] = None,
    policy: str | None = None,
    channel: str | None = None,
    due_within_days: Annotated[int | None, Query(ge=0, le=366, description="réponse due d'ici n jours")] = None,
    assigned_to: Annotated[str | None, Query(description="e-mail, ou « me »")] = None,
    q: Annotated[str | None, Query(description="mots cherchés (référence, nom, e-mail, objet, faits)")] = None,
    limit: Annotated[int, Query(ge=1, le=staff.LIST_MAX)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    statuses = [s.strip() for part in status or [] for s in part.split(",") if s.strip()] or None
    page = staff.list_complaints(
        registry, status=statuses, overdue=overdue, policy=policy, channel=channel,
        due_within_days=due_within_days, assigned_to=user["email"] if assigned_to == "me" else assigned_to,
        q=q, limit=limit, offset=offset, today=today, full=True,
    )
    page["items"] = [with_deadlines(i) for i in page["items"]]
    return page


@router.post("", status_code=201, summary="Enregistrer une réclamation reçue par e-mail, "
             "courrier, téléphone ou au guichet")
def register(body: RegisterIn, response: Response, registry: RegistryDep, user: ApiUser, service_policy: PolicyDep,
             now: NowDep, with_deadlines: WithDeadlines) -> dict[str, Any]:
    data = body.model_dump(exclude={"channel", "received_at", "policy"}, exclude_none=True)
    record = staff.register_complaint(registry, _preset(body.policy, service_policy), data,
                                      received_at=body.received_at, channel=body.channel, actor=user["email"], now=now)
    response.headers["Location"] = f"/api/v1/complaints/{record['reference']}"
    return with_deadlines(record)


def _preset(name: str | None, service_policy: Policy) -> Policy:
    """The preset a registration names, else the service's own; an unknown one is a 422."""
    from bot.policies import PolicyError, load_policy

    try:
        return load_policy(name) if name else service_policy
    except PolicyError as exc:
        raise DomainError(str(exc), "invalid_policy") from None


# ---------------------------------------------------------------------------------- one file


@router.get("/{reference}", summary="Le dossier complet")
def get_one(reference: str, registry: RegistryDep, user: ApiUser, with_deadlines: WithDeadlines) -> dict[str, Any]:
    return with_deadlines(staff.get_complaint(registry, reference))


@router.patch("/{reference}", summary="Corriger ou compléter des champs du plaignant")
def patch(reference: str, changes: dict[str, Any], registry: RegistryDep, user: ApiUser, now: NowDep,
          with_deadlines: WithDeadlines) -> dict[str, Any]:
    return with_deadlines(staff.update_complaint(registry, reference, changes, actor=user["email"], now=now))


@router.post("/{reference}/transitions", summary="Changer de statut")
def transition(reference: str, body: TransitionIn, registry: RegistryDep, user: ApiUser, now: NowDep,
               with_deadlines: WithDeadlines) -> dict[str, Any]:
    record = staff.transition(
        registry, reference, body.to, actor=user["email"], role=user["role"], now=now,
        answer_text=body.answer_text, outcome=body.outcome, reason_code=body.reason_code, note=body.note,
        may_answer=bool(user.get("can_answer")),
    )
    return with_deadlines(record)


@router.post("/{reference}/updates", status_code=201, summary="Message de suivi ou de retard envoyé au plaignant")
def add_update(reference: str, body: TextIn, registry: RegistryDep, user: ApiUser, now: NowDep) -> dict[str, Any]:
    return staff.add_update(registry, reference, body.text, actor=user["email"], now=now)


@router.post("/{reference}/notes", status_code=201, summary="Note interne (jamais envoyée)")
def add_note(reference: str, body: TextIn, registry: RegistryDep, user: ApiUser, now: NowDep) -> dict[str, Any]:
    return staff.add_note(registry, reference, body.text, actor=user["email"], now=now)


@router.put("/{reference}/assignment", summary="Attribuer à un membre du personnel")
def assign(reference: str, body: AssignIn, registry: RegistryDep, user: ApiUser, now: NowDep) -> dict[str, Any]:
    assignee = _active_account(registry, body.assignee)
    return staff.assign(registry, reference, assignee, actor=user["email"], now=now)


def _active_account(registry: Registry, email: str | None) -> str | None:
    """The assignee's e-mail, normalised; None to withdraw; an unknown or inactive account is a 422."""
    assignee = (email or "").strip().lower() or None
    if assignee and assignee not in {u["email"] for u in staff.list_staff(registry) if u["active"]}:
        raise DomainError(f"Aucun compte actif « {assignee} ».", "unknown_staff")
    return assignee


@router.post("/{reference}/dysfunctions", status_code=201, summary="Dysfonctionnement constaté")
def add_dysfunction(reference: str, body: TextIn, registry: RegistryDep, user: ApiUser,
                    now: NowDep) -> dict[str, Any]:
    return staff.add_register_entry(registry, reference, "dysfunctions", body.text, actor=user["email"], now=now)


@router.post("/{reference}/corrective_actions", status_code=201,
             summary="Action corrective ou recommandation au service concerné")
def add_corrective(reference: str, body: TextIn, registry: RegistryDep, user: ApiUser,
                   now: NowDep) -> dict[str, Any]:
    return staff.add_register_entry(registry, reference, "corrective_actions", body.text, actor=user["email"],
                                    now=now)


@router.put("/{reference}/legal_hold", summary="Conservation légale (responsable)")
def legal_hold(reference: str, body: LegalHoldIn, registry: RegistryDep, user: ApiManager,
               now: NowDep) -> dict[str, Any]:
    return privacy.set_legal_hold(registry, reference, body.reason, actor=user["email"], now=now)
