"""What leaves the registry through the dashboard: a file's PDF and JSON exports and its
attachments, the registry as CSV, and the analytics page with its charts. The files are
built in bot/staff/downloads.py, shared with the API."""

# no `from __future__ import annotations`: FastAPI reads the Annotated aliases at definition time

from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from bot.services.analytics import compute_analytics
from bot.staff import downloads
from bot.staff.deps import PolicyDep, RegistryDep, SessionUser, TodayDep
from bot.staff.pages.errors import DashboardRoute
from bot.staff.pages.rendering import render

router = APIRouter(route_class=DashboardRoute)


@router.get("/complaints/{reference}/export.pdf")
def export_pdf(reference: str, request: Request, user: SessionUser) -> Response:
    return downloads.pdf_response(request, reference, user["email"])


@router.get("/complaints/{reference}/export.json")
def export_json(reference: str, request: Request, user: SessionUser) -> Response:
    return downloads.json_export_response(request, reference, user["email"])


@router.get("/complaints/{reference}/attachments/{attachment_id}")
def download(reference: str, attachment_id: str, request: Request, user: SessionUser) -> Response:
    return downloads.attachment_response(request, reference, attachment_id)


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(request: Request, user: SessionUser, registry: RegistryDep, policy: PolicyDep, today: TodayDep,
                   start: str = "", end: str = "", period: str = "month") -> HTMLResponse:
    period = period if period in ("day", "week", "month", "year") else "month"
    data = compute_analytics(registry, policy=policy, start=_date_or_none(start), end=_date_or_none(end),
                             period=period, today=today)  # type: ignore[arg-type]
    return render(request, "analytics.html", user, a=data, start=start, end=end, period=period)


@router.get("/registry.csv")
def registry_csv(request: Request, user: SessionUser, start: str = "", end: str = "",
                 delimiter: str = "semicolon") -> Response:
    return downloads.csv_response(request, _date_or_none(start), _date_or_none(end), False, "labels",
                                  "semicolon" if delimiter == "semicolon" else "comma")


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
