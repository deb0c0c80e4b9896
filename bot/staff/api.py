"""The staff API (contract section 5): JSON under `/api/v1/`, bearer tokens from
`complaintbot staff token EMAIL`, roles agent < manager < admin.

Handlers only read the request, call a service and shape the answer; the services own the
rules and the transactions. Errors are JSON `{"detail": "<French message>", "code": ...}`:
401 without a valid token, 403 when the role is not enough, 404 unknown file, 409 a
transition the lifecycle forbids, 422 invalid data.
"""

# no `from __future__ import annotations`: FastAPI reads the local Annotated aliases at definition time

from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bot.domain.complaint import DomainError
from bot.services import exports, outbox, privacy, staff
from bot.services.analytics import compute_analytics
from bot.services.attachments import attachment_file, served_name
from bot.services.references import normalise_reference
from bot.staff.common import (
    error_status,
    now_of,
    policy_named,
    policy_of,
    registry_of,
    settings_of,
    today_of,
    with_deadlines,
)

API_TITLE = "API du personnel — registre des réclamations"
STAFF_CHANNELS = ("email", "post", "phone", "counter")

_VALIDATION_FR = {
    "missing": "champ obligatoire",
    "timezone_aware": "date et heure avec fuseau horaire attendues (par exemple 2026-12-18T10:00:00+01:00)",
    "datetime_parsing": "date et heure illisibles (format ISO 8601 attendu, avec fuseau horaire)",
    "datetime_from_date_parsing": "date et heure illisibles (format ISO 8601 attendu, avec fuseau horaire)",
    "datetime_type": "date et heure attendues (format ISO 8601 avec fuseau horaire)",
    "date_parsing": "date illisible (format AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date illisible (format AAAA-MM-JJ attendu)",
    "bool_parsing": "valeur oui/non attendue (true ou false)",
    "bool_type": "valeur oui/non attendue (true ou false)",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "string_type": "texte attendu",
    "string_too_short": "texte trop court",
    "string_too_long": "texte trop long",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "extra_forbidden": "champ inconnu",
    "json_invalid": "corps JSON illisible",
    "model_attributes_type": "objet JSON attendu",
    "dict_type": "objet JSON attendu",
    "list_type": "liste attendue",
}


def french_validation(errors: Any) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        text = _VALIDATION_FR.get(err.get("type", ""), err.get("msg", "valeur invalide"))
        if err.get("type") == "literal_error":
            text = f"valeur non permise (attendu : {err.get('ctx', {}).get('expected', '?')})"
        where = f"« {'.'.join(loc)} »" if loc else "requête"
        parts.append(f"{where} : {text}")
    return "Données invalides — " + " ; ".join(parts) + "."


class FrenchErrorsRoute(APIRoute):
    """Turns the services' errors and the validation errors into JSON with a French `detail`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except RequestValidationError as exc:
                errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
                return JSONResponse({"detail": french_validation(exc.errors()), "code": "invalid_input",
                                     "errors": errors}, status_code=422)
            except DomainError as exc:
                return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=error_status(exc))

        return handler


# ---------------------------------------------------------------------------------- bodies


class RegisterIn(BaseModel):
    """A complaint received by e-mail, post, phone or at the counter (contract field names).

    Unknown keys are refused (422): they would otherwise land in the record's `extra` and could
    carry what only a manager may set (`legal_hold`) without a history line."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "channel": "post", "received_at": "2026-12-18T10:00:00+01:00", "last_name": "Dupont",
        "first_name": "Marie", "address": "Rue des Écoles 7, 7000 Mons", "email": "marie.dupont@exemple.be",
        "phone": "+32475123456", "facts_description": "…", "objective": "…", "consent": True}})

    channel: Literal["email", "post", "phone", "counter"]
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


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = None
    phone: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    dry_run: bool = False


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str
    role: Literal["agent", "manager", "admin"]
    password: str | None = Field(None, min_length=8)


# ---------------------------------------------------------------------------------- router


def make_api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", route_class=FrenchErrorsRoute)
    bearer = HTTPBearer(auto_error=False, scheme_name="jeton",
                        description="Jeton d'API : `complaintbot staff token EMAIL`")

    def current_user(request: Request,
                     credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> dict[str, Any]:
        user = staff.authenticate_token(registry_of(request), credentials.credentials if credentials else None)
        if user is None:
            raise HTTPException(401, "Authentification requise : jeton d'API manquant, invalide ou révoqué.",
                                headers={"WWW-Authenticate": "Bearer"})
        return user

    def manager(user: Annotated[dict[str, Any], Depends(current_user)]) -> dict[str, Any]:
        if user["role"] not in staff.MANAGER_ROLES:
            raise HTTPException(403, "Action réservée à un responsable (rôle manager ou admin).")
        return user

    def admin(user: Annotated[dict[str, Any], Depends(current_user)]) -> dict[str, Any]:
        if user["role"] != "admin":
            raise HTTPException(403, "Action réservée à un administrateur.")
        return user

    User = Annotated[dict[str, Any], Depends(current_user)]
    Manager = Annotated[dict[str, Any], Depends(manager)]
    Admin = Annotated[dict[str, Any], Depends(admin)]

    # -- complaints ---------------------------------------------------------------------
    @router.get("/me", summary="Le compte du jeton")
    def me(user: User) -> dict[str, Any]:
        return user

    @router.get("/complaints", summary="Liste du registre (filtres, pagination)")
    def list_complaints(
        request: Request,
        user: User,
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
            registry_of(request), status=statuses, overdue=overdue, policy=policy, channel=channel,
            due_within_days=due_within_days, assigned_to=user["email"] if assigned_to == "me" else assigned_to,
            q=q, limit=limit, offset=offset, today=today_of(request), full=True,
        )
        page["items"] = [with_deadlines(request, i) for i in page["items"]]
        return page

    @router.post("/complaints", status_code=201, summary="Enregistrer une réclamation reçue par e-mail, "
                 "courrier, téléphone ou au guichet")
    def register(body: RegisterIn, request: Request, response: Response, user: User) -> dict[str, Any]:
        from bot.policies import PolicyError, load_policy

        try:
            policy = load_policy(body.policy) if body.policy else policy_of(request)
        except PolicyError as exc:
            raise DomainError(str(exc), "invalid_policy") from None
        data = body.model_dump(exclude={"channel", "received_at", "policy"}, exclude_none=True)
        record = staff.register_complaint(registry_of(request), policy, data, received_at=body.received_at,
                                          channel=body.channel, actor=user["email"], now=now_of(request))
        response.headers["Location"] = f"/api/v1/complaints/{record['reference']}"
        return with_deadlines(request, record)

    @router.get("/complaints/{reference}", summary="Le dossier complet")
    def get_one(reference: str, request: Request, user: User) -> dict[str, Any]:
        return with_deadlines(request, staff.get_complaint(registry_of(request), reference))

    @router.patch("/complaints/{reference}", summary="Corriger ou compléter des champs du plaignant")
    def patch(reference: str, changes: dict[str, Any], request: Request, user: User) -> dict[str, Any]:
        record = staff.update_complaint(registry_of(request), reference, changes, actor=user["email"],
                                        now=now_of(request))
        return with_deadlines(request, record)

    @router.post("/complaints/{reference}/transitions", summary="Changer de statut")
    def transition(reference: str, body: TransitionIn, request: Request, user: User) -> dict[str, Any]:
        record = staff.transition(
            registry_of(request), reference, body.to, actor=user["email"], role=user["role"], now=now_of(request),
            answer_text=body.answer_text, outcome=body.outcome, reason_code=body.reason_code, note=body.note,
            may_answer=bool(user.get("can_answer")),
        )
        return with_deadlines(request, record)

    @router.post("/complaints/{reference}/updates", status_code=201,
                 summary="Message de suivi ou de retard envoyé au plaignant")
    def add_update(reference: str, body: TextIn, request: Request, user: User) -> dict[str, Any]:
        return staff.add_update(registry_of(request), reference, body.text, actor=user["email"], now=now_of(request))

    @router.post("/complaints/{reference}/notes", status_code=201, summary="Note interne (jamais envoyée)")
    def add_note(reference: str, body: TextIn, request: Request, user: User) -> dict[str, Any]:
        return staff.add_note(registry_of(request), reference, body.text, actor=user["email"], now=now_of(request))

    @router.put("/complaints/{reference}/assignment", summary="Attribuer à un membre du personnel")
    def assign(reference: str, body: AssignIn, request: Request, user: User) -> dict[str, Any]:
        assignee = (body.assignee or "").strip().lower() or None
        if assignee and assignee not in {u["email"] for u in staff.list_staff(registry_of(request)) if u["active"]}:
            raise DomainError(f"Aucun compte actif « {assignee} ».", "unknown_staff")
        return staff.assign(registry_of(request), reference, assignee, actor=user["email"], now=now_of(request))

    @router.post("/complaints/{reference}/dysfunctions", status_code=201, summary="Dysfonctionnement constaté")
    def add_dysfunction(reference: str, body: TextIn, request: Request, user: User) -> dict[str, Any]:
        return staff.add_register_entry(registry_of(request), reference, "dysfunctions", body.text,
                                        actor=user["email"], now=now_of(request))

    @router.post("/complaints/{reference}/corrective_actions", status_code=201,
                 summary="Action corrective ou recommandation au service concerné")
    def add_corrective(reference: str, body: TextIn, request: Request, user: User) -> dict[str, Any]:
        return staff.add_register_entry(registry_of(request), reference, "corrective_actions", body.text,
                                        actor=user["email"], now=now_of(request))

    @router.put("/complaints/{reference}/legal_hold", summary="Conservation légale (responsable)")
    def legal_hold(reference: str, body: LegalHoldIn, request: Request,
                   user: Manager) -> dict[str, Any]:
        return privacy.set_legal_hold(registry_of(request), reference, body.reason, actor=user["email"],
                                      now=now_of(request))

    @router.get("/complaints/{reference}/attachments/{attachment_id}", summary="Télécharger une pièce jointe",
                response_class=FileResponse)
    def download(reference: str, attachment_id: str, request: Request, user: User) -> FileResponse:
        return attachment_response(request, reference, attachment_id)

    @router.get("/complaints/{reference}/export.pdf", summary="Le dossier complet en PDF",
                response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
    def export_pdf(reference: str, request: Request, user: User) -> Response:
        return pdf_response(request, reference, user["email"])

    @router.get("/complaints/{reference}/export.json", summary="Le dossier complet en JSON")
    def export_json(reference: str, request: Request, user: User) -> Response:
        return json_export_response(request, reference, user["email"])

    # -- registry, analytics ------------------------------------------------------------
    @router.get("/registry.csv", summary="Registre CSV (colonnes du plan de gestion) pour une période",
                response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    def registry_csv(
        request: Request, user: User,
        start: Annotated[date | None, Query(alias="from", description="date de réception minimale (incluse)")] = None,
        end: Annotated[date | None, Query(alias="to", description="date de réception maximale (incluse)")] = None,
        all_policies: bool = False,
        header: Literal["labels", "fields"] = "labels",
        delimiter: Literal["comma", "semicolon"] = "comma",
    ) -> Response:
        return csv_response(request, start, end, all_policies, header, delimiter)

    @router.get("/analytics", summary="Statistiques d'amélioration pour une période")
    def analytics(
        request: Request, user: User,
        start: Annotated[date | None, Query(alias="from")] = None,
        end: Annotated[date | None, Query(alias="to")] = None,
        period: Literal["day", "week", "month", "year"] = "month", all_policies: bool = False,
    ) -> dict[str, Any]:
        return compute_analytics(registry_of(request), policy=policy_of(request), start=start, end=end,
                                 period=period, today=today_of(request), all_policies=all_policies)

    # -- data protection ----------------------------------------------------------------
    @router.post("/persons/access", summary="Demande d'accès : toutes les données d'une personne (responsable)")
    def person_access(body: PersonIn, request: Request, user: Manager) -> dict[str, Any]:
        return privacy.person_data(registry_of(request), email=body.email, phone=body.phone,
                                   last_name=body.last_name, first_name=body.first_name,
                                   actor=user["email"], now=now_of(request))

    @router.post("/persons/erasure", summary="Demande d'effacement (responsable)")
    def person_erasure(body: PersonIn, request: Request, user: Manager) -> dict[str, Any]:
        return privacy.erase_person(registry_of(request), email=body.email, phone=body.phone,
                                    last_name=body.last_name, first_name=body.first_name,
                                    actor=user["email"], now=now_of(request), dry_run=body.dry_run)

    # -- outbox, accounts ---------------------------------------------------------------
    @router.get("/outbox", summary="E-mails en attente ou en échec (responsable)")
    def outbox_state(request: Request, user: Manager) -> dict[str, Any]:
        return outbox.outbox_overview(registry_of(request))

    @router.post("/outbox/flush", summary="Envoyer maintenant les e-mails en attente (responsable)")
    def outbox_flush(request: Request, user: Manager) -> dict[str, Any]:
        from bot.staff.worker import run_once

        return run_once(registry_of(request), settings_of(request), now_of(request))

    @router.post("/outbox/retry", summary="Redonner une chance aux e-mails refusés (responsable)")
    def outbox_retry(request: Request, user: Manager) -> dict[str, Any]:
        return {"reset": outbox.retry_failed(registry_of(request))}

    @router.get("/staff", summary="Comptes du personnel (administrateur)")
    def list_accounts(request: Request, user: Admin) -> list[dict[str, Any]]:
        return staff.list_staff(registry_of(request))

    @router.post("/staff", status_code=201, summary="Créer ou modifier un compte (administrateur)")
    def add_account(body: StaffIn, request: Request, user: Admin) -> dict[str, Any]:
        return staff.add_staff(registry_of(request), body.email, body.role, body.password, now=now_of(request))

    @router.post("/staff/{email}/tokens", status_code=201, summary="Émettre un jeton d'API (administrateur)")
    def new_token(email: str, request: Request, user: Admin) -> dict[str, str]:
        return {"email": email.strip().lower(), "token": staff.issue_token(registry_of(request), email)}

    # -- the API's own description --------------------------------------------------------
    schema: dict[str, Any] = {}

    @router.get("/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        if not schema:
            schema.update(get_openapi(
                title=API_TITLE, version="1.0.0", routes=router.routes,
                description="Registre des réclamations : liste, dossier complet, enregistrement des réclamations "
                            "reçues hors ligne, transitions, suivi, registre et statistiques. Authentification : "
                            "`Authorization: Bearer <jeton>` (`complaintbot staff token EMAIL`).",
            ))
        return schema

    return router


# ---------------------------------------------------------------------------------- shared with the dashboard


def attachment_response(request: Request, reference: str, attachment_id: str) -> FileResponse:
    info = attachment_file(registry_of(request), attachment_id)
    if info is None or info.get("reference") != normalise_reference(reference):
        raise HTTPException(404, "Pièce jointe introuvable pour ce dossier.")
    path = Path(info["stored_path"])
    if not path.is_absolute():
        path = settings_of(request).var_dir / path
    if not path.is_file():
        raise HTTPException(404, "Le document n'est plus disponible (effacé ou déplacé).")
    # the sniffed type's extension, whatever the name the citizen's file had (records made before
    # names were stored that way included)
    return FileResponse(path, media_type=info["media_type"], filename=served_name(info["filename"], info["media_type"]),
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def pdf_response(request: Request, reference: str, actor: str) -> Response:
    record = staff.get_complaint(registry_of(request), reference)
    pdf = exports.complaint_pdf(record, policy_named(request, record["policy"]), generated_at=now_of(request),
                                generated_by=actor)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{record["reference"]}.pdf"'})


def json_export_response(request: Request, reference: str, actor: str) -> Response:
    record = with_deadlines(request, staff.get_complaint(registry_of(request), reference))
    data = exports.complaint_json(record, generated_at=now_of(request), generated_by=actor)
    return Response(exports.json_bytes(data), media_type="application/json",
                    headers={"Content-Disposition": f'inline; filename="{record["reference"]}.json"'})


def csv_response(request: Request, start: date | None, end: date | None, all_policies: bool,
                 header: str = "labels", delimiter: str = "comma") -> Response:
    text = exports.registry_csv(registry_of(request), start=start, end=end, policy=policy_of(request),
                                all_policies=all_policies, header=header,
                                delimiter=";" if delimiter == "semicolon" else ",")
    name = f"registre-{start or 'debut'}-{end or 'fin'}.csv"
    return Response(text.encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
