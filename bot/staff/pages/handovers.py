"""`/staff/handovers` (any staff account): the citizens who asked to talk to a person, with the
channel and the conversation to answer them on, and "pris en charge" to close a request."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.services import notifications
from bot.staff.deps import FormUser, NowDep, RegistryDep, SessionUser
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import flash_redirect, render

router = APIRouter(route_class=DashboardRoute)


@router.get("/handovers", response_class=HTMLResponse)
def handovers_page(request: Request, user: SessionUser, registry: RegistryDep) -> HTMLResponse:
    return render(request, "handovers.html", user, h=notifications.handover_overview(registry))


@router.post("/handovers")
def handover_handled(request: Request, user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    raw = str(user["form"].get("id") or "")
    if not raw.isdigit():
        return flash_redirect(request, "/staff/handovers", "Demande inconnue.", "error")
    if notifications.mark_handover_handled(registry, int(raw), actor=user["email"], now=now):
        return flash_redirect(request, "/staff/handovers", f"Demande n° {raw} prise en charge.")
    return flash_redirect(request, "/staff/handovers", f"La demande n° {raw} était déjà prise en charge.", "error")
