"""`/staff/outbox` (manager): the e-mails waiting or refused, sending them now, or giving the
refused ones another chance."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.services import outbox
from bot.staff.deps import FormManager, NowDep, RegistryDep, SessionManager, SettingsDep
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import flash_redirect, render

router = APIRouter(route_class=DashboardRoute)


@router.get("/outbox", response_class=HTMLResponse)
def outbox_page(request: Request, user: SessionManager, registry: RegistryDep, settings: SettingsDep) -> HTMLResponse:
    return render(request, "outbox.html", user, o=outbox.outbox_overview(registry), smtp=settings.smtp_host)


@router.post("/outbox")
def outbox_action(request: Request, user: FormManager, registry: RegistryDep, settings: SettingsDep,
                  now: NowDep) -> Response:
    from bot.staff.worker import run_once

    if user["form"].get("action") == "retry":
        count = outbox.retry_failed(registry)
        return flash_redirect(request, "/staff/outbox", f"{count} e-mail(s) remis dans la file.")
    result = run_once(registry, settings, now)["outbox"]
    message = f"{result['sent']} e-mail(s) envoyé(s), {result['waiting']} en attente."
    if result["error"]:
        message += f" {result['error']}"
    return flash_redirect(request, "/staff/outbox", message, "error" if result["error"] else "ok")
