"""The staff side's dependencies, as `Annotated[..., Depends(...)]` aliases (the FastAPI
full-stack template's `deps.py`): a handler names what it needs in its signature.

- From `app.state` (bot/staff/common.py): `RegistryDep`, `PolicyDep` (the service's preset),
  `SettingsDep`, `NowDep` (the clock tests may set), `TodayDep` (the preset's local date),
  `WithDeadlines` (adds `deadlines` to a record, on its own preset's today).
- The API's caller, from the bearer token: `ApiUser` (401 without a valid token),
  `ApiManager` and `ApiAdmin` (403 when the role is not enough).
- The dashboard's, from the signed session cookie: `SessionUser` (`LoginRequired` otherwise,
  which the dashboard's route class turns into a redirect to the login page) and
  `SessionManager`; for a POST, `FormUser` / `FormManager`: the session user plus the
  submitted `form`, its CSRF token checked first (403).

A user is the account's dict: `email`, `role`, `can_answer` (and `csrf` on the dashboard).
"""

# no `from __future__ import annotations`: FastAPI reads these aliases from the handlers' signatures

from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.config import Settings
from bot.domain.policy import Policy
from bot.services import staff
from bot.services.uow import Registry
from bot.staff.common import (
    now_of,
    policy_of,
    registry_of,
    settings_of,
    signer_of,
    today_of,
    with_deadlines,
)
from bot.staff.session import SESSION_COOKIE, SESSION_HOURS, same_token, session_ended

RegistryDep = Annotated[Registry, Depends(registry_of)]
PolicyDep = Annotated[Policy, Depends(policy_of)]
SettingsDep = Annotated[Settings, Depends(settings_of)]
NowDep = Annotated[datetime, Depends(now_of)]
TodayDep = Annotated[date, Depends(today_of)]


def deadlines_adder(request: Request) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`with_deadlines` bound to this request's clock and presets."""
    return partial(with_deadlines, request)


WithDeadlines = Annotated[Callable[[dict[str, Any]], dict[str, Any]], Depends(deadlines_adder)]

MANAGER_ONLY_TEXT = "Action réservée à un responsable (rôle manager ou admin)."
ADMIN_ONLY_TEXT = "Action réservée à un administrateur."


def require_manager(user: dict[str, Any]) -> dict[str, Any]:
    """`user`, if a manager or an administrator; else 403."""
    if user["role"] not in staff.MANAGER_ROLES:
        raise HTTPException(403, MANAGER_ONLY_TEXT)
    return user


# ---------------------------------------------------------------------------------- the API's caller

bearer = HTTPBearer(auto_error=False, scheme_name="jeton", description="Jeton d'API : `complaintbot staff token EMAIL`")


def token_user(registry: RegistryDep,
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> dict[str, Any]:
    """The active account owning the bearer token (unrevoked); else 401."""
    user = staff.authenticate_token(registry, credentials.credentials if credentials else None)
    if user is None:
        raise HTTPException(401, "Authentification requise : jeton d'API manquant, invalide ou révoqué.",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


ApiUser = Annotated[dict[str, Any], Depends(token_user)]


def token_manager(user: ApiUser) -> dict[str, Any]:
    return require_manager(user)


def token_admin(user: ApiUser) -> dict[str, Any]:
    if user["role"] != "admin":
        raise HTTPException(403, ADMIN_ONLY_TEXT)
    return user


ApiManager = Annotated[dict[str, Any], Depends(token_manager)]
ApiAdmin = Annotated[dict[str, Any], Depends(token_admin)]


# ---------------------------------------------------------------------------------- the dashboard's user


class LoginRequired(Exception):
    """No valid session: the dashboard's route class redirects to the login page, then `next_url`."""

    def __init__(self, next_url: str = "/staff/") -> None:
        self.next_url = next_url


def session_user(request: Request, registry: RegistryDep) -> dict[str, Any]:
    """The active account of the signed session cookie, with the session's CSRF token."""
    data = signer_of(request).unsign(request.cookies.get(SESSION_COOKIE), SESSION_HOURS * 3600)
    if data is not None and session_ended(registry, data, now=now_of(request)):
        data = None  # logged out: the cookie may be replayed, the session is over
    account = staff.staff_account(registry, data["email"]) if data else None
    if data is None or account is None or not account["active"]:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else "/staff/")
    return {"email": account["email"], "role": account["role"], "can_answer": account["can_answer"],
            "csrf": data["csrf"]}


SessionUser = Annotated[dict[str, Any], Depends(session_user)]


async def form_user(request: Request, user: SessionUser) -> dict[str, Any]:
    """The session user plus the POSTed `form` (text fields), once its CSRF token matched; else 403."""
    form = await request.form()
    if not same_token(str(form.get("csrf") or ""), user["csrf"]):
        raise HTTPException(403, "Jeton de sécurité (CSRF) invalide : rechargez la page et recommencez.")
    return user | {"form": {k: str(v) for k, v in form.items() if isinstance(v, str)}}


FormUser = Annotated[dict[str, Any], Depends(form_user)]


def session_manager(user: SessionUser) -> dict[str, Any]:
    return require_manager(user)


def form_manager(user: FormUser) -> dict[str, Any]:
    return require_manager(user)


SessionManager = Annotated[dict[str, Any], Depends(session_manager)]
FormManager = Annotated[dict[str, Any], Depends(form_manager)]
