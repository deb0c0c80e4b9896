"""`/staff/persons` (manager): a person's data-protection requests: what is kept about them
(a preview), a download of all of it (access), or its erasure."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.services import privacy
from bot.staff import downloads
from bot.staff.deps import FormManager, NowDep, RegistryDep, SessionManager
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import render

router = APIRouter(route_class=DashboardRoute)

PERSON_FIELDS = ("email", "phone", "last_name", "first_name")


@router.get("/persons", response_class=HTMLResponse)
def persons_page(request: Request, user: SessionManager) -> HTMLResponse:
    return render(request, "persons.html", user, result=None, person={})


@router.post("/persons")
def persons_submit(request: Request, user: FormManager, registry: RegistryDep, now: NowDep) -> Response:
    f = user["form"]
    person = {k: (f.get(k) or "").strip() or None for k in PERSON_FIELDS}
    action = f.get("action")
    if action == "access":
        return downloads.person_data_response(privacy.person_data(registry, **person, actor=user["email"], now=now))
    result = privacy.erase_person(registry, **person, actor=user["email"], now=now, dry_run=action != "erase")
    return render(request, "persons.html", user, result=result, person=person)
