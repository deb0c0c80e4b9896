"""`/api/v1/persons`: the data-protection requests of one person (manager): access (all
their data) and erasure (a dry run first, if wished)."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from bot.services import privacy
from bot.staff.api.errors import FrenchErrorsRoute
from bot.staff.deps import ApiManager, NowDep, RegistryDep

router = APIRouter(prefix="/persons", route_class=FrenchErrorsRoute)


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str | None = None
    phone: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    dry_run: bool = False


@router.post("/access", summary="Demande d'accès : toutes les données d'une personne (responsable)")
def person_access(body: PersonIn, registry: RegistryDep, user: ApiManager, now: NowDep) -> dict[str, Any]:
    return privacy.person_data(registry, email=body.email, phone=body.phone, last_name=body.last_name,
                               first_name=body.first_name, actor=user["email"], now=now)


@router.post("/erasure", summary="Demande d'effacement (responsable)")
def person_erasure(body: PersonIn, registry: RegistryDep, user: ApiManager, now: NowDep) -> dict[str, Any]:
    return privacy.erase_person(registry, email=body.email, phone=body.phone, last_name=body.last_name,
                                first_name=body.first_name, actor=user["email"], now=now, dry_run=body.dry_run)
