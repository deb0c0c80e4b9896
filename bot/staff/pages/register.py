"""`/staff/new`: registering a complaint received by e-mail, post, phone or at the counter
(the form, then the file it created)."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.domain.complaint import DomainError
from bot.services import staff
from bot.staff.common import STAFF_CHANNELS
from bot.staff.deps import FormUser, NowDep, PolicyDep, RegistryDep, SessionUser
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import render, to_complaint

router = APIRouter(route_class=DashboardRoute)


@router.get("/new", response_class=HTMLResponse)
def new_page(request: Request, user: SessionUser, policy: PolicyDep, now: NowDep) -> HTMLResponse:
    local = now.astimezone(ZoneInfo(policy.timezone))
    return render(request, "new.html", user, now_local=local.strftime("%Y-%m-%dT%H:%M"))


@router.post("/new")
def new_submit(request: Request, user: FormUser, registry: RegistryDep, policy: PolicyDep, now: NowDep) -> Response:
    received, channel, data = _registration(user["form"], policy.timezone)
    record = staff.register_complaint(registry, policy, data, received_at=received, channel=channel,
                                      actor=user["email"], now=now)
    return to_complaint(request, record["reference"], f"Réclamation {record['reference']} enregistrée.")


def _registration(form: dict[str, str], timezone: str) -> tuple[datetime, str, dict[str, Any]]:
    """The form read: reception (local time of the preset), channel, the citizen's fields."""
    f = dict(form)
    try:
        received = datetime.fromisoformat(f.pop("received_at", "")).replace(tzinfo=ZoneInfo(timezone))
    except ValueError:
        raise DomainError("Date de réception illisible.", "invalid_date") from None
    channel = f.pop("channel", "")
    if channel not in STAFF_CHANNELS:
        raise DomainError("Canal inconnu.", "invalid_channel")
    f.pop("csrf", None)
    data: dict[str, Any] = {k: v.strip() for k, v in f.items() if v and v.strip() and k in staff.EDITABLE_FIELDS}
    data["consent"] = "consent" in f
    return received, channel, data
