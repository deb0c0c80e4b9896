"""The staff accounts: `/api/v1/me` (the token's own account, any role) and `/api/v1/staff`
(listing, creating or changing accounts and issuing API tokens: administrator)."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from bot.services import staff
from bot.staff.api.errors import FrenchErrorsRoute
from bot.staff.deps import ApiAdmin, ApiUser, NowDep, RegistryDep

me_router = APIRouter(route_class=FrenchErrorsRoute)
router = APIRouter(prefix="/staff", route_class=FrenchErrorsRoute)


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str
    role: Literal["agent", "manager", "admin"]
    password: str | None = Field(None, min_length=8)


@me_router.get("/me", summary="Le compte du jeton")
def me(user: ApiUser) -> dict[str, Any]:
    return user


@router.get("", summary="Comptes du personnel (administrateur)")
def list_accounts(registry: RegistryDep, user: ApiAdmin) -> list[dict[str, Any]]:
    return staff.list_staff(registry)


@router.post("", status_code=201, summary="Créer ou modifier un compte (administrateur)")
def add_account(body: StaffIn, registry: RegistryDep, user: ApiAdmin, now: NowDep) -> dict[str, Any]:
    return staff.add_staff(registry, body.email, body.role, body.password, now=now)


@router.post("/{email}/tokens", status_code=201, summary="Émettre un jeton d'API (administrateur)")
def new_token(email: str, registry: RegistryDep, user: ApiAdmin) -> dict[str, str]:
    return {"email": email.strip().lower(), "token": staff.issue_token(registry, email)}
