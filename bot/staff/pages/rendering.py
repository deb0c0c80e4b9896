"""How every dashboard page answers: the Jinja2 templates (bot/staff/templates/) with their
French filters and labels, `render` (the session's CSRF token, the one-time message, no
caching, no framing), the error page, the dashboard's cookies and the redirect after a POST
carrying its one-time message."""

from __future__ import annotations

import time
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from bot.services import labels as L
from bot.services import staff
from bot.staff.common import policy_of, settings_of, signer_of
from bot.staff.session import FLASH_COOKIE

TEMPLATES = Path(__file__).parent.parent / "templates"


@cache
def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(TEMPLATES))
    env = found.env
    env.filters["fr_date"] = fr_date
    env.globals.update(
        STATUS=L.STATUS_LABELS, CHANNEL=L.CHANNEL_LABELS, OUTCOME=L.OUTCOME_LABELS, REASON=L.REASON_LABELS,
        ACTING=L.ACTING_FOR_LABELS, ACTION=L.ACTION_LABELS, label=L.label, days_text=days_text, bars=bars,
    )
    return found


def render(request: Request, name: str, user: dict[str, Any] | None, **context: Any) -> HTMLResponse:
    """The page `name` for `user` (None on the login page), with its one-time message if any."""
    flash = signer_of(request).unsign(request.cookies.get(FLASH_COOKIE), 120)
    policy = policy_of(request)
    response = templates().TemplateResponse(request, name, {
        "user": user, "csrf": user["csrf"] if user else None, "flash": flash, "policy": policy,
        "fr_instant": lambda v: fr_instant(v, policy.timezone), "is_manager": bool(
            user and user["role"] in staff.MANAGER_ROLES), **context,
    })
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/staff")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def error_page(request: Request, message: str, status_code: int) -> HTMLResponse:
    return templates().TemplateResponse(request, "error.html", {"message": message, "status_code": status_code,
                                                                "user": None, "csrf": None, "flash": None,
                                                                "policy": policy_of(request)},
                                        status_code=status_code)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """A dashboard cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, for `/staff` only."""
    base = settings_of(request).public_base_url or ""
    secure = request.url.scheme == "https" or base.startswith("https://")
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/staff")


def flash_redirect(request: Request, url: str, message: str, kind: str = "ok") -> RedirectResponse:
    """303 to `url`, which shows `message` once (kind "ok" or "error")."""
    response = RedirectResponse(url, status_code=303)
    set_cookie(request, response, FLASH_COOKIE, signer_of(request).sign({"msg": message, "kind": kind,
                                                                          "iat": time.time()}), 60)
    return response


def to_complaint(request: Request, reference: str, message: str) -> RedirectResponse:
    """After an action on a file: back to the file, with `message`."""
    return flash_redirect(request, f"/staff/complaints/{quote(reference)}", message)


# ---------------------------------------------------------------------------------- template helpers


def fr_date(value: str | None) -> str:
    if not value:
        return "—"
    try:
        return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return value


def fr_instant(value: str | None, tz: str) -> str:
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return value


def days_text(info: dict[str, Any]) -> str:
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


def bars(items: list[dict[str, Any]], key: str = "label", value: str = "count") -> list[dict[str, Any]]:
    """Rows of a horizontal bar chart: label, value, width in percent."""
    top = max((i[value] for i in items), default=0) or 1
    return [{"label": str(i.get(key) or i.get("code") or "—"), "value": i[value],
             "width": round(100 * i[value] / top, 1)} for i in items]
