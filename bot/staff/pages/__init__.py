"""The staff dashboard (`/staff/`): server-rendered French pages (Jinja2, bot/staff/templates/),
a signed session cookie after a password login, a CSRF token in every POST form, the same
services as the API. Actions answer with a redirect (POST, then GET) and a one-time message.

One module per resource, each with its `router` and module-level handlers; `dashboard_router`
(here) assembles them under `/staff`:

    login.py       GET, POST /staff/login; POST /staff/logout
    complaints.py  GET /staff/ (the list); GET /staff/complaints/{reference} (the file);
                   POST …/transition, …/update, …/note, …/assign, …/dysfunction, …/corrective,
                   …/fields, …/legal-hold
    exports.py     GET /staff/complaints/{reference}/export.pdf, …/export.json,
                   …/attachments/{id}; GET /staff/analytics, /staff/registry.csv
    register.py    GET, POST /staff/new (a complaint received elsewhere)
    persons.py     GET, POST /staff/persons (access and erasure requests, manager)
    outbox.py      GET, POST /staff/outbox (manager)
    handovers.py   GET, POST /staff/handovers (requests to talk to a person)
    rendering.py   templates, `render`, the error page, cookies, redirects with a message
    errors.py      the route class: login redirects, errors as a message or an error page
    (here)         GET /staff, to /staff/ (a route of an included router cannot have an empty path)

Handlers take the session user (or, for a POST, the form user, CSRF checked) and the rest
from bot/staff/deps.py, call a service, and render a page or redirect.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from bot.staff.pages import complaints, exports, handovers, login, outbox, persons, register
from bot.staff.pages.errors import DashboardRoute

dashboard_router = APIRouter(prefix="/staff", route_class=DashboardRoute, include_in_schema=False)


@dashboard_router.get("", response_class=HTMLResponse)
def root() -> RedirectResponse:
    return RedirectResponse("/staff/", status_code=307)


dashboard_router.include_router(login.router)
dashboard_router.include_router(complaints.router)
dashboard_router.include_router(exports.router)
dashboard_router.include_router(register.router)
dashboard_router.include_router(persons.router)
dashboard_router.include_router(outbox.router)
dashboard_router.include_router(handovers.router)


def make_dashboard_router() -> APIRouter:
    """The dashboard's router, for `bot.staff.install_staff`."""
    return dashboard_router
