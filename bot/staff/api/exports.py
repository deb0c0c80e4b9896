"""What leaves the registry through the API: a file's attachments and its whole record as
PDF or JSON (`/api/v1/complaints/{reference}/…`), the registry as CSV for a period, and the
improvement statistics (`/api/v1/analytics`). The files are built in bot/staff/downloads.py,
shared with the dashboard."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse

from bot.services.analytics import compute_analytics
from bot.staff import downloads
from bot.staff.api.errors import FrenchErrorsRoute
from bot.staff.deps import ApiUser, PolicyDep, RegistryDep, TodayDep

router = APIRouter(route_class=FrenchErrorsRoute)


@router.get("/complaints/{reference}/attachments/{attachment_id}", summary="Télécharger une pièce jointe",
            response_class=FileResponse)
def download(reference: str, attachment_id: str, request: Request, user: ApiUser) -> FileResponse:
    return downloads.attachment_response(request, reference, attachment_id)


@router.get("/complaints/{reference}/export.pdf", summary="Le dossier complet en PDF",
            response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def export_pdf(reference: str, request: Request, user: ApiUser) -> Response:
    return downloads.pdf_response(request, reference, user["email"])


@router.get("/complaints/{reference}/export.json", summary="Le dossier complet en JSON")
def export_json(reference: str, request: Request, user: ApiUser) -> Response:
    return downloads.json_export_response(request, reference, user["email"])


@router.get("/registry.csv", summary="Registre CSV (colonnes du plan de gestion) pour une période",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def registry_csv(
    request: Request, user: ApiUser,
    start: Annotated[date | None, Query(alias="from", description="date de réception minimale (incluse)")] = None,
    end: Annotated[date | None, Query(alias="to", description="date de réception maximale (incluse)")] = None,
    all_policies: bool = False,
    header: Literal["labels", "fields"] = "labels",
    delimiter: Literal["comma", "semicolon"] = "comma",
) -> Response:
    return downloads.csv_response(request, start, end, all_policies, header, delimiter)


@router.get("/analytics", summary="Statistiques d'amélioration pour une période")
def analytics(
    registry: RegistryDep, user: ApiUser, policy: PolicyDep, today: TodayDep,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    period: Literal["day", "week", "month", "year"] = "month", all_policies: bool = False,
) -> dict[str, Any]:
    return compute_analytics(registry, policy=policy, start=start, end=end, period=period, today=today,
                             all_policies=all_policies)
