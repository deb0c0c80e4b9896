"""The files the API and the dashboard both serve: a complaint's attachment, its whole file
as PDF or JSON, the registry as CSV. Each builds the response from the services' output."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import FileResponse

from bot.services import exports, staff
from bot.services.attachments import attachment_file, served_name
from bot.services.references import normalise_reference
from bot.staff.common import now_of, policy_named, policy_of, registry_of, settings_of, with_deadlines


def attachment_response(request: Request, reference: str, attachment_id: str) -> FileResponse:
    info = attachment_file(registry_of(request), attachment_id)
    if info is None or info.get("reference") != normalise_reference(reference):
        raise HTTPException(404, "Pièce jointe introuvable pour ce dossier.")
    path = Path(info["stored_path"])
    if not path.is_absolute():
        path = settings_of(request).var_dir / path
    if not path.is_file():
        raise HTTPException(404, "Le document n'est plus disponible (effacé ou déplacé).")
    # the sniffed type's extension, whatever the name the citizen's file had (records made before
    # names were stored that way included)
    return FileResponse(path, media_type=info["media_type"], filename=served_name(info["filename"], info["media_type"]),
                        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def pdf_response(request: Request, reference: str, actor: str) -> Response:
    record = staff.get_complaint(registry_of(request), reference)
    pdf = exports.complaint_pdf(record, policy_named(request, record["policy"]), generated_at=now_of(request),
                                generated_by=actor)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{record["reference"]}.pdf"'})


def json_export_response(request: Request, reference: str, actor: str) -> Response:
    record = with_deadlines(request, staff.get_complaint(registry_of(request), reference))
    data = exports.complaint_json(record, generated_at=now_of(request), generated_by=actor)
    return Response(exports.json_bytes(data), media_type="application/json",
                    headers={"Content-Disposition": f'inline; filename="{record["reference"]}.json"'})


def csv_response(request: Request, start: date | None, end: date | None, all_policies: bool,
                 header: str = "labels", delimiter: str = "comma") -> Response:
    text = exports.registry_csv(registry_of(request), start=start, end=end, policy=policy_of(request),
                                all_policies=all_policies, header=header,
                                delimiter=";" if delimiter == "semicolon" else ",")
    name = f"registre-{start or 'debut'}-{end or 'fin'}.csv"
    return Response(text.encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def person_data_response(data: Any) -> Response:
    """A person's data (an access request) as a JSON download."""
    return Response(exports.json_bytes(data), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="donnees-personne.json"'})
