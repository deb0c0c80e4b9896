"""The staff dashboard (`/staff/`): server-rendered French pages (Jinja2), a signed session
cookie after a password login, a CSRF token in every POST form, the same services as the API.

Pages: login, the list (due-soon and overdue highlighted, filters), a complaint's whole file
with its actions, registering a complaint received elsewhere, analytics with charts, the
person requests (access, erasure), the outbox. Actions answer with a redirect (POST, then
GET) and a one-time message.
"""

# no `from __future__ import annotations`: FastAPI reads the local Annotated aliases at definition time

import time
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import anyio
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from bot.domain.complaint import MANAGER_ONLY, TRANSITIONS, DomainError, Status
from bot.domain.policy import Policy
from bot.services import labels as L
from bot.services import outbox, privacy, staff
from bot.services.analytics import compute_analytics
from bot.staff.common import (
    now_of,
    policy_named,
    policy_of,
    registry_of,
    settings_of,
    today_of,
    with_deadlines,
)
from bot.staff.downloads import attachment_response, csv_response, json_export_response, pdf_response
from bot.staff.session import (
    FLASH_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_HOURS,
    LoginLimits,
    Signer,
    load_key,
    login_succeeded,
    new_session,
    reserve_login_attempt,
    same_token,
)
from bot.web.guards import client_address

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50


class LoginRequired(Exception):
    def __init__(self, next_url: str = "/staff/") -> None:
        self.next_url = next_url


class DashboardRoute(APIRoute):
    """Login redirects, and the services' errors as a message (POST) or an error page (GET)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except LoginRequired as exc:
                return RedirectResponse(f"/staff/login?next={quote(exc.next_url)}", status_code=303)
            except DomainError as exc:
                if request.method == "POST":
                    return _flash_redirect(request, _back(request), exc.message, "error")
                return _error_page(request, exc.message, 404 if exc.code == "not_found" else 409)
            except HTTPException as exc:
                if exc.status_code in (401, 403, 404, 409, 422, 429):
                    return _error_page(request, str(exc.detail), exc.status_code)
                raise

        return handler


def _back(request: Request) -> str:
    """Where a POST goes back to: the page it came from (same site only)."""
    path = request.url.path
    if path in ("/staff/new", "/staff/persons", "/staff/outbox"):
        return path
    for suffix in ("/transition", "/update", "/note", "/assign", "/dysfunction", "/corrective", "/fields",
                   "/legal-hold"):
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return "/staff/"


def _signer(request: Request) -> Signer:
    signer = getattr(request.app.state, "staff_signer", None)
    if signer is None:
        signer = Signer(load_key(settings_of(request).var_dir))
        request.app.state.staff_signer = signer
    return signer


def _secure(request: Request) -> bool:
    base = settings_of(request).public_base_url or ""
    return request.url.scheme == "https" or base.startswith("https://")


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=_secure(request),
                        path="/staff")


def _flash_redirect(request: Request, url: str, message: str, kind: str = "ok") -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    _set_cookie(request, response, FLASH_COOKIE, _signer(request).sign({"msg": message, "kind": kind,
                                                                          "iat": time.time()}), 60)
    return response


@cache
def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters["fr_date"] = _fr_date
    env.globals.update(
        STATUS=L.STATUS_LABELS, CHANNEL=L.CHANNEL_LABELS, OUTCOME=L.OUTCOME_LABELS, REASON=L.REASON_LABELS,
        ACTING=L.ACTING_FOR_LABELS, ACTION=L.ACTION_LABELS, label=L.label, days_text=_days_text, bars=_bars,
    )
    return templates


def _fr_date(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _fr_instant(value: str | None, tz: str) -> str:
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return value


def _days_text(info: dict[str, Any]) -> str:
    state, days = info.get("state"), info.get("days_left")
    if state == "none" or days is None:
        return ""
    if state == "met":
        return "fait"
    if state == "met_late":
        return "fait en retard"
    if state == "void":
        return ""
    if days < 0:
        return f"dépassé de {-days} j"
    if days == 0:
        return "aujourd'hui"
    return f"dans {days} j ({info.get('working_days_left')} j ouvrés)"


def _bars(items: list[dict[str, Any]], key: str = "label", value: str = "count") -> list[dict[str, Any]]:
    """Rows of a horizontal bar chart: label, value, width in percent."""
    top = max((i[value] for i in items), default=0) or 1
    return [{"label": str(i.get(key) or i.get("code") or "—"), "value": i[value],
             "width": round(100 * i[value] / top, 1)} for i in items]


def make_dashboard_router() -> APIRouter:
    router = APIRouter(prefix="/staff", route_class=DashboardRoute, include_in_schema=False)
    templates = _templates()

    # -- session ------------------------------------------------------------------------
    def session_user(request: Request) -> dict[str, Any]:
        data = _signer(request).unsign(request.cookies.get(SESSION_COOKIE), SESSION_HOURS * 3600)
        account = staff.staff_account(registry_of(request), data["email"]) if data else None
        if data is None or account is None or not account["active"]:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target if request.method == "GET" else "/staff/")
        return {"email": account["email"], "role": account["role"], "can_answer": account["can_answer"],
                "csrf": data["csrf"]}

    Session = Annotated[dict[str, Any], Depends(session_user)]

    async def form_user(request: Request, user: Session) -> dict[str, Any]:
        form = await request.form()
        if not same_token(str(form.get("csrf") or ""), user["csrf"]):
            raise HTTPException(403, "Jeton de sécurité (CSRF) invalide : rechargez la page et recommencez.")
        return user | {"form": {k: str(v) for k, v in form.items() if isinstance(v, str)}}

    Form = Annotated[dict[str, Any], Depends(form_user)]

    def manager_of(user: dict[str, Any]) -> None:
        if user["role"] not in staff.MANAGER_ROLES:
            raise HTTPException(403, "Action réservée à un responsable (rôle manager ou admin).")

    def render(request: Request, name: str, user: dict[str, Any] | None, **context: Any) -> HTMLResponse:
        flash = _signer(request).unsign(request.cookies.get(FLASH_COOKIE), 120)
        policy = policy_of(request)
        response = templates.TemplateResponse(request, name, {
            "user": user, "csrf": user["csrf"] if user else None, "flash": flash, "policy": policy,
            "fr_instant": lambda v: _fr_instant(v, policy.timezone), "is_manager": bool(
                user and user["role"] in staff.MANAGER_ROLES), **context,
        })
        if flash:
            response.delete_cookie(FLASH_COOKIE, path="/staff")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # -- login / logout ---------------------------------------------------------------------
    @router.get("", response_class=HTMLResponse)
    def root() -> RedirectResponse:
        return RedirectResponse("/staff/", status_code=307)

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/staff/", error: str | None = None) -> HTMLResponse:
        token = new_session("")["csrf"]
        response = render(request, "login.html", None, login_csrf=token, next=_safe_next(next), error=error)
        _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
        return response

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        email, password = str(form.get("email") or ""), str(form.get("password") or "")
        next_url = _safe_next(str(form.get("next") or "/staff/"))
        if not same_token(str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF_COOKIE)):
            return RedirectResponse("/staff/login?error=csrf", status_code=303)
        settings = settings_of(request)
        client = client_address(request.scope, settings.trust_forwarded_for)
        registry, now = registry_of(request), now_of(request)
        # counted in the database before the password is checked: parallel attempts all count,
        # across workers too; the account is locked once over its limit, whoever tries
        allowed = await anyio.to_thread.run_sync(lambda: reserve_login_attempt(
            registry, client, email, LoginLimits.from_settings(settings), now=now))
        if not allowed:
            return RedirectResponse("/staff/login?error=throttled", status_code=303)
        user = await anyio.to_thread.run_sync(staff.authenticate_password, registry, email, password)
        if user is None:
            return RedirectResponse(f"/staff/login?error=invalid&next={quote(next_url)}", status_code=303)
        await anyio.to_thread.run_sync(login_succeeded, registry, client, email)
        response = RedirectResponse(next_url, status_code=303)
        _set_cookie(request, response, SESSION_COOKIE, _signer(request).sign(new_session(user["email"])),
                    SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff")
        return response

    @router.post("/logout")
    def logout(request: Request, user: Form) -> Response:
        response = RedirectResponse("/staff/login?error=logged_out", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/staff")
        return response

    # -- the list ---------------------------------------------------------------------------
    @router.get("/", response_class=HTMLResponse)
    def list_page(
        request: Request, user: Session, status: str = "", channel: str = "",
        q: str = "", overdue: str = "", due: str = "", mine: str = "", page: int = 1,
    ) -> HTMLResponse:
        page = max(1, page)
        due_days = int(due) if due.isdigit() else None
        statuses = [s for s in status.split(",") if s in L.STATUS_LABELS] or None
        result = staff.list_complaints(
            registry_of(request), status=statuses, channel=channel or None, q=q or None,
            overdue=True if overdue else None, due_within_days=due_days,
            assigned_to=user["email"] if mine else None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
            today=today_of(request),
        )
        items = [with_deadlines(request, i) for i in result["items"]]
        filters = {"status": status, "channel": channel, "q": q, "overdue": overdue, "due": due, "mine": mine}
        query = urlencode({k: v for k, v in filters.items() if v})
        pages = max(1, -(-result["total"] // PAGE_SIZE))
        return render(request, "list.html", user, items=items, total=result["total"], filters=filters,
                      page=page, pages=pages, query=query, today=today_of(request))

    # -- one complaint ----------------------------------------------------------------------
    @router.get("/complaints/{reference}", response_class=HTMLResponse)
    def complaint_page(reference: str, request: Request, user: Session) -> HTMLResponse:
        record = with_deadlines(request, staff.get_complaint(registry_of(request), reference))
        policy = policy_named(request, record["policy"])
        accounts = [u["email"] for u in staff.list_staff(registry_of(request)) if u["active"]]
        from bot.services.exports import transcript_lines

        notes = [h for h in record["history"] if h["action"] == "internal_note"]
        return render(
            request, "complaint.html", user, c=record, complaint_policy=policy, accounts=accounts,
            actions=_actions(record["status"], user, policy), notes=notes,
            reasons=staff.refusal_reasons(policy), answer_route=staff.answer_route_text(policy),
            transcript=transcript_lines(record["transcript"]) if record.get("transcript") else [],
            editable=staff.EDITABLE_FIELDS, legal_hold=(record.get("extra") or {}).get("legal_hold"),
        )

    def _done(request: Request, reference: str, message: str) -> RedirectResponse:
        return _flash_redirect(request, f"/staff/complaints/{quote(reference)}", message)

    @router.post("/complaints/{reference}/transition")
    def do_transition(reference: str, request: Request, user: Form) -> Response:
        f = user["form"]
        record = staff.transition(
            registry_of(request), reference, f.get("to", ""), actor=user["email"], role=user["role"],
            now=now_of(request), answer_text=f.get("answer_text") or None, outcome=f.get("outcome") or None,
            reason_code=f.get("reason_code") or None, note=f.get("note") or None,
            may_answer=user["can_answer"],
        )
        return _done(request, reference, f"Statut : {L.label(L.STATUS_LABELS, record['status'])}.")

    @router.post("/complaints/{reference}/update")
    def do_update(reference: str, request: Request, user: Form) -> Response:
        out = staff.add_update(registry_of(request), reference, user["form"].get("text", ""), actor=user["email"],
                               now=now_of(request))
        sent = "envoyé par e-mail" if out["notified"] else "enregistré (pas d'e-mail : à envoyer par courrier)"
        return _done(request, reference, f"Message de suivi {sent}.")

    @router.post("/complaints/{reference}/note")
    def do_note(reference: str, request: Request, user: Form) -> Response:
        staff.add_note(registry_of(request), reference, user["form"].get("text", ""), actor=user["email"],
                       now=now_of(request))
        return _done(request, reference, "Note interne ajoutée.")

    @router.post("/complaints/{reference}/assign")
    def do_assign(reference: str, request: Request, user: Form) -> Response:
        assignee = user["form"].get("assignee", "").strip().lower() or None
        if assignee and staff.staff_account(registry_of(request), assignee) is None:
            raise DomainError(f"Aucun compte « {assignee} ».", "unknown_staff")
        staff.assign(registry_of(request), reference, assignee, actor=user["email"], now=now_of(request))
        return _done(request, reference, f"Attribué à {assignee}." if assignee else "Attribution retirée.")

    @router.post("/complaints/{reference}/dysfunction")
    def do_dysfunction(reference: str, request: Request, user: Form) -> Response:
        staff.add_register_entry(registry_of(request), reference, "dysfunctions", user["form"].get("text", ""),
                                 actor=user["email"], now=now_of(request))
        return _done(request, reference, "Dysfonctionnement ajouté au registre.")

    @router.post("/complaints/{reference}/corrective")
    def do_corrective(reference: str, request: Request, user: Form) -> Response:
        staff.add_register_entry(registry_of(request), reference, "corrective_actions",
                                 user["form"].get("text", ""), actor=user["email"], now=now_of(request))
        return _done(request, reference, "Action corrective ajoutée au registre.")

    @router.post("/complaints/{reference}/fields")
    def do_fields(reference: str, request: Request, user: Form) -> Response:
        current = staff.get_complaint(registry_of(request), reference)
        changes = {}
        for name in staff.EDITABLE_FIELDS:
            if name in user["form"]:
                value = user["form"][name].strip() or None
                old = current.get(name)
                if (str(old) if old is not None else None) != value:
                    changes[name] = value
        if changes:
            staff.update_complaint(registry_of(request), reference, changes, actor=user["email"], now=now_of(request))
        return _done(request, reference, f"{len(changes)} champ(s) modifié(s).")

    @router.post("/complaints/{reference}/legal-hold")
    def do_legal_hold(reference: str, request: Request, user: Form) -> Response:
        manager_of(user)
        reason = user["form"].get("reason") or None
        privacy.set_legal_hold(registry_of(request), reference, reason, actor=user["email"], now=now_of(request))
        return _done(request, reference, "Conservation légale posée." if reason else "Conservation légale levée.")

    @router.get("/complaints/{reference}/export.pdf")
    def export_pdf(reference: str, request: Request, user: Session) -> Response:
        return pdf_response(request, reference, user["email"])

    @router.get("/complaints/{reference}/export.json")
    def export_json(reference: str, request: Request, user: Session) -> Response:
        return json_export_response(request, reference, user["email"])

    @router.get("/complaints/{reference}/attachments/{attachment_id}")
    def download(reference: str, attachment_id: str, request: Request,
                 user: Session) -> Response:
        return attachment_response(request, reference, attachment_id)

    # -- registering a complaint received elsewhere -----------------------------------------------
    @router.get("/new", response_class=HTMLResponse)
    def new_page(request: Request, user: Session) -> HTMLResponse:
        now = now_of(request).astimezone(ZoneInfo(policy_of(request).timezone))
        return render(request, "new.html", user, now_local=now.strftime("%Y-%m-%dT%H:%M"))

    @router.post("/new")
    def new_submit(request: Request, user: Form) -> Response:
        f = dict(user["form"])
        policy = policy_of(request)
        try:
            received = datetime.fromisoformat(f.pop("received_at", "")).replace(tzinfo=ZoneInfo(policy.timezone))
        except ValueError:
            raise DomainError("Date de réception illisible.", "invalid_date") from None
        channel = f.pop("channel", "")
        if channel not in ("email", "post", "phone", "counter"):
            raise DomainError("Canal inconnu.", "invalid_channel")
        f.pop("csrf", None)
        data = {k: v.strip() for k, v in f.items() if v and v.strip() and k in staff.EDITABLE_FIELDS}
        data["consent"] = "consent" in f
        record = staff.register_complaint(registry_of(request), policy, data, received_at=received, channel=channel,
                                          actor=user["email"], now=now_of(request))
        return _done(request, record["reference"], f"Réclamation {record['reference']} enregistrée.")

    # -- analytics, registry ----------------------------------------------------------------------
    @router.get("/analytics", response_class=HTMLResponse)
    def analytics_page(request: Request, user: Session, start: str = "",
                       end: str = "", period: str = "month") -> HTMLResponse:
        lo, hi = _date_or_none(start), _date_or_none(end)
        period = period if period in ("day", "week", "month", "year") else "month"
        data = compute_analytics(registry_of(request), policy=policy_of(request), start=lo, end=hi,
                                 period=period, today=today_of(request))  # type: ignore[arg-type]
        return render(request, "analytics.html", user, a=data, start=start, end=end, period=period)

    @router.get("/registry.csv")
    def registry_csv(request: Request, user: Session, start: str = "",
                     end: str = "", delimiter: str = "semicolon") -> Response:
        return csv_response(request, _date_or_none(start), _date_or_none(end), False, "labels",
                            "semicolon" if delimiter == "semicolon" else "comma")

    # -- data protection ----------------------------------------------------------------------------
    @router.get("/persons", response_class=HTMLResponse)
    def persons_page(request: Request, user: Session) -> HTMLResponse:
        manager_of(user)
        return render(request, "persons.html", user, result=None, person={})

    @router.post("/persons")
    def persons_submit(request: Request, user: Form) -> Response:
        manager_of(user)
        f = user["form"]
        person = {k: (f.get(k) or "").strip() or None for k in ("email", "phone", "last_name", "first_name")}
        action = f.get("action")
        if action == "access":
            from bot.services.exports import json_bytes

            data = privacy.person_data(registry_of(request), **person, actor=user["email"], now=now_of(request))
            return Response(json_bytes(data), media_type="application/json",
                            headers={"Content-Disposition": 'attachment; filename="donnees-personne.json"'})
        result = privacy.erase_person(registry_of(request), **person, actor=user["email"], now=now_of(request),
                                      dry_run=action != "erase")
        return render(request, "persons.html", user, result=result, person=person)

    # -- outbox -----------------------------------------------------------------------------------
    @router.get("/outbox", response_class=HTMLResponse)
    def outbox_page(request: Request, user: Session) -> HTMLResponse:
        manager_of(user)
        return render(request, "outbox.html", user, o=outbox.outbox_overview(registry_of(request)),
                      smtp=settings_of(request).smtp_host)

    @router.post("/outbox")
    def outbox_action(request: Request, user: Form) -> Response:
        manager_of(user)
        if user["form"].get("action") == "retry":
            count = outbox.retry_failed(registry_of(request))
            return _flash_redirect(request, "/staff/outbox", f"{count} e-mail(s) remis dans la file.")
        from bot.staff.worker import run_once

        result = run_once(registry_of(request), settings_of(request), now_of(request))["outbox"]
        message = f"{result['sent']} e-mail(s) envoyé(s), {result['waiting']} en attente."
        if result["error"]:
            message += f" {result['error']}"
        return _flash_redirect(request, "/staff/outbox", message, "error" if result["error"] else "ok")

    return router


# ---------------------------------------------------------------------------------- helpers

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
    role = user["role"]
    may_answer = (not policy.answer_by_authorised_only or role in staff.MANAGER_ROLES
                  or bool(user.get("can_answer")))
    current = Status(status)
    out = []
    for target, sources in TRANSITIONS.items():
        if current not in sources:
            continue
        manager_only = (current, target) in MANAGER_ONLY
        text = "Rouvrir (responsable)" if manager_only else _ACTION_TEXT.get(target, target.value)
        form = {Status.ANSWERED: "answer", Status.INADMISSIBLE: "refuse"}.get(target)
        allowed = (not manager_only or role in staff.MANAGER_ROLES) and (target is not Status.ANSWERED or may_answer)
        out.append({"to": target.value, "label": text, "form": form, "allowed": allowed})
    return out


def _safe_next(url: str) -> str:
    return url if url.startswith("/staff/") and not url.startswith("//") and "\\" not in url else "/staff/"


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _error_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    templates = _templates()
    return templates.TemplateResponse(request, "error.html", {"message": message, "status_code": status_code,
                                                              "user": None, "csrf": None, "flash": None,
                                                              "policy": policy_of(request)},
                                      status_code=status_code)
