"""Signing in and out of the dashboard: the login page and form
(its own CSRF cookie, attempts throttled per address and per account before the password is
checked), and logging out."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from urllib.parse import quote

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.services import staff
from bot.staff.common import signer_of
from bot.staff.deps import FormUser, NowDep, RegistryDep, SettingsDep
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import render, set_cookie
from bot.staff.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_HOURS,
    LoginLimits,
    end_session,
    login_succeeded,
    new_session,
    reserve_login_attempt,
    same_token,
)
from bot.web.guards import client_address

router = APIRouter(route_class=DashboardRoute)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/staff/", error: str | None = None) -> HTMLResponse:
    token = new_session("")["csrf"]
    response = render(request, "login.html", None, login_csrf=token, next=safe_next(next), error=error)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.post("/login")
async def login(request: Request, registry: RegistryDep, settings: SettingsDep, now: NowDep) -> Response:
    form = await request.form()
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or "/staff/"))
    if not same_token(str(form.get("csrf") or ""), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return RedirectResponse("/staff/login?error=csrf", status_code=303)
    client = client_address(request.scope, settings.trust_forwarded_for)
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
    return _signed_in(request, user["email"], next_url)


def _signed_in(request: Request, email: str, next_url: str) -> RedirectResponse:
    """To `next_url` with a new session cookie; the login form's CSRF cookie is dropped."""
    response = RedirectResponse(next_url, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, signer_of(request).sign(new_session(email)), SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff")
    return response


@router.post("/logout")
def logout(user: FormUser, registry: RegistryDep, now: NowDep) -> Response:
    end_session(registry, user, now=now)  # refused server-side too, not only forgotten by the browser
    response = RedirectResponse("/staff/login?error=logged_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/staff")
    return response


def safe_next(url: str) -> str:
    """`url` when it is a dashboard page, else the list: never another site."""
    return url if url.startswith("/staff/") and not url.startswith("//") and "\\" not in url else "/staff/"
