"""`/api/v1/outbox`: the e-mails waiting or refused (manager), sending them now, and giving the
refused ones another chance."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from typing import Any

from fastapi import APIRouter

from bot.services import outbox
from bot.staff.api.errors import FrenchErrorsRoute
from bot.staff.deps import ApiManager, NowDep, RegistryDep, SettingsDep

router = APIRouter(prefix="/outbox", route_class=FrenchErrorsRoute)


@router.get("", summary="E-mails en attente ou en échec (responsable)")
def outbox_state(registry: RegistryDep, user: ApiManager) -> dict[str, Any]:
    return outbox.outbox_overview(registry)


@router.post("/flush", summary="Envoyer maintenant les e-mails en attente (responsable)")
def outbox_flush(registry: RegistryDep, settings: SettingsDep, user: ApiManager, now: NowDep) -> dict[str, Any]:
    from bot.staff.worker import run_once

    return run_once(registry, settings, now)


@router.post("/retry", summary="Redonner une chance aux e-mails refusés (responsable)")
def outbox_retry(registry: RegistryDep, user: ApiManager) -> dict[str, Any]:
    return {"reset": outbox.retry_failed(registry)}
