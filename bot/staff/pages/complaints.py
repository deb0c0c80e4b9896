"""The registry's pages: the list (`/staff/`: due-soon and overdue highlighted, filters, pages
of `PAGE_SIZE`), one complaint's whole file with the actions open to the reader, and those
actions (POST `/staff/complaints/{reference}/…`), each answering with a redirect to the file
and a one-time message."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.domain.complaint import MANAGER_ONLY, TRANSITIONS, DomainError, Status
from bot.domain.policy import Policy
from bot.services import labels as L
from bot.services import privacy, staff
from bot.staff.common import policy_named
from bot.staff.deps import FormManager, FormUser, NowDep, RegistryDep, SessionUser, TodayDep, WithDeadlines
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import render, to_complaint

PAGE_SIZE = 50

router = APIRouter(route_class=DashboardRoute)


# ---------------------------------------------------------------------------------- the list


@router.get("/", response_class=HTMLResponse)
def list_page(
    request: Request, user: SessionUser, registry: RegistryDep, today: TodayDep, with_deadlines: WithDeadlines,
    status: str = "", channel: str = "", q: str = "", overdue: str = "", due: str = "", mine: str = "", page: int = 1,
) -> HTMLResponse:
    page = max(1, page)
    statuses = [s for s in status.split(",") if s in L.STATUS_LABELS] or None
    result = staff.list_complaints(
        registry, status=statuses, channel=channel or None, q=q or None, overdue=True if overdue else None,
        due_within_days=int(due) if due.isdigit() else None, assigned_to=user["email"] if mine else None,
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, today=today,
    )
    filters = {"status": status, "channel": channel, "q": q, "overdue": overdue, "due": due, "mine": mine}
    return render(request, "list.html", user, items=[with_deadlines(i) for i in result["items"]],
                  total=result["total"], filters=filters, page=page, pages=max(1, -(-result["total"] // PAGE_SIZE)),
                  query=urlencode({k: v for k, v in filters.items() if v}), today=today)


# ---------------------------------------------------------------------------------- one complaint


@router.get("/complaints/{reference}", response_class=HTMLResponse)
def complaint_page(reference: str, request: Request, user: SessionUser, registry: RegistryDep,
                   with_deadlines: WithDeadlines) -> HTMLResponse:
    from bot.services.exports import transcript_lines

    record = with_deadlines(staff.get_complaint(registry, reference))
    policy = policy_named(request, record["policy"])
    return render(
        request, "complaint.html", user, c=record, complaint_policy=policy,
        accounts=[u["email"] for u in staff.list_staff(registry) if u["active"]],
        actions=_actions(record["status"], user, policy),
        notes=[h for h in record["history"] if h["action"] == "internal_note"],
        reasons=staff.refusal_reasons(policy), answer_route=staff.answer_route_text(policy),
        transcript=transcript_lines(record["transcript"]) if record.get("transcript") else [],
        editable=staff.EDITABLE_FIELDS, legal_hold=(record.get("extra") or {}).get("legal_hold"),
    )


_ACTION_TEXT = {
    Status.RECEIVED: "Confirmer au guichet (reçue maintenant)",
    Status.ACKNOWLEDGED: "Accuser réception",
    Status.IN_PROGRESS: "Commencer le traitement",
    Status.CLOSED: "Clôturer",
    Status.WITHDRAWN: "Retrait par le plaignant",
}


def _actions(status: str, user: dict[str, Any], policy: Policy) -> list[dict[str, Any]]:
    """The transitions open from `status`: {to, label, form ("answer", "refuse" or None), allowed}.
    Where the preset wants the answer from an authorised person, only they see the answer form."""
    current = Status(status)
    out = []
    for target, sources in TRANSITIONS.items():
        if current not in sources:
            continue
        manager_only = (current, target) in MANAGER_ONLY
        text = "Rouvrir (responsable)" if manager_only else _ACTION_TEXT.get(target, target.value)
        form = {Status.ANSWERED: "answer", Status.INADMISSIBLE: "refuse"}.get(target)
        allowed = staff.transition_allowed(current, target, user["role"], policy, bool(user.get("can_answer")))
        out.append({"to": target.value, "label": text, "form": form, "allowed": allowed})
    return out


# ---------------------------------------------------------------------------------- its actions


@router.post("/complaints/{reference}/transition")
def do_transition(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    f = user["form"]
    record = staff.transition(
        registry, reference, f.get("to", ""), actor=user["email"], role=user["role"], now=now,
        answer_text=f.get("answer_text") or None, outcome=f.get("outcome") or None,
        reason_code=f.get("reason_code") or None, note=f.get("note") or None, may_answer=user["can_answer"],
    )
    return to_complaint(request, reference, f"Statut : {L.label(L.STATUS_LABELS, record['status'])}.")


@router.post("/complaints/{reference}/update")
def do_update(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    out = staff.add_update(registry, reference, user["form"].get("text", ""), actor=user["email"], now=now)
    sent = "envoyé par e-mail" if out["notified"] else "enregistré (pas d'e-mail : à envoyer par courrier)"
    return to_complaint(request, reference, f"Message de suivi {sent}.")


@router.post("/complaints/{reference}/note")
def do_note(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    staff.add_note(registry, reference, user["form"].get("text", ""), actor=user["email"], now=now)
    return to_complaint(request, reference, "Note interne ajoutée.")


@router.post("/complaints/{reference}/assign")
def do_assign(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    assignee = user["form"].get("assignee", "").strip().lower() or None
    if assignee and staff.staff_account(registry, assignee) is None:
        raise DomainError(f"Aucun compte « {assignee} ».", "unknown_staff")
    staff.assign(registry, reference, assignee, actor=user["email"], now=now)
    return to_complaint(request, reference, f"Attribué à {assignee}." if assignee else "Attribution retirée.")


@router.post("/complaints/{reference}/dysfunction")
def do_dysfunction(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    staff.add_register_entry(registry, reference, "dysfunctions", user["form"].get("text", ""),
                             actor=user["email"], now=now)
    return to_complaint(request, reference, "Dysfonctionnement ajouté au registre.")


@router.post("/complaints/{reference}/corrective")
def do_corrective(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    staff.add_register_entry(registry, reference, "corrective_actions", user["form"].get("text", ""),
                             actor=user["email"], now=now)
    return to_complaint(request, reference, "Action corrective ajoutée au registre.")


@router.post("/complaints/{reference}/fields")
def do_fields(reference: str, request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    changes = _changed_fields(staff.get_complaint(registry, reference), user["form"])
    if changes:
        staff.update_complaint(registry, reference, changes, actor=user["email"], now=now)
    return to_complaint(request, reference, f"{len(changes)} champ(s) modifié(s).")


def _changed_fields(current: dict[str, Any], form: dict[str, str]) -> dict[str, str | None]:
    """The editable fields the form sends with a value other than the record's (blank: None)."""
    changes = {}
    for name in staff.EDITABLE_FIELDS:
        if name in form:
            value = form[name].strip() or None
            old = current.get(name)
            if (str(old) if old is not None else None) != value:
                changes[name] = value
    return changes


@router.post("/complaints/{reference}/legal-hold")
def do_legal_hold(reference: str, request: Request, user: FormManager, registry: RegistryDep,
                  now: NowDep) -> Response:
    reason = user["form"].get("reason") or None
    privacy.set_legal_hold(registry, reference, reason, actor=user["email"], now=now)
    return to_complaint(request, reference, "Conservation légale posée." if reason else "Conservation légale levée.")
