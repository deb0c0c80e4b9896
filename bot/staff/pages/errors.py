"""The route class of every dashboard page: without a session, a redirect to the login page;
a service's error after a POST, a redirect back with the message; after a GET, or an
HTTP error (401, 403, 404, 409, 422, 429), the error page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from bot.domain.complaint import DomainError
from bot.staff.deps import LoginRequired
from bot.staff.pages.rendering import error_page, flash_redirect

# the pages a POST comes from and goes back to, by the POST's path
_OWN_PAGE = ("/staff/new", "/staff/persons", "/staff/outbox")
_COMPLAINT_ACTIONS = ("/transition", "/update", "/note", "/assign", "/dysfunction", "/corrective", "/fields",
                      "/legal-hold")


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
                    return flash_redirect(request, back(request), exc.message, "error")
                return error_page(request, exc.message, 404 if exc.code == "not_found" else 409)
            except HTTPException as exc:
                if exc.status_code in (401, 403, 404, 409, 422, 429):
                    return error_page(request, str(exc.detail), exc.status_code)
                raise

        return handler


def back(request: Request) -> str:
    """Where a POST goes back to: the page it came from (same site only)."""
    path = request.url.path
    if path in _OWN_PAGE:
        return path
    for suffix in _COMPLAINT_ACTIONS:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return "/staff/"
