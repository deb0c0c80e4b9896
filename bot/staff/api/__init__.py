"""The staff API (contract section 5): JSON under `/api/v1/`, bearer tokens from
`complaintbot staff token EMAIL`, roles agent < manager < admin.

One module per resource, each with its `router`, its module-level handlers and, next to
them, the pydantic bodies they read; `api_router` (here) assembles them under `/api/v1`:

    accounts.py    GET /me; GET, POST /staff; POST /staff/{email}/tokens
    complaints.py  GET, POST /complaints; GET, PATCH /complaints/{reference};
                   POST …/transitions, …/updates, …/notes, …/dysfunctions, …/corrective_actions;
                   PUT …/assignment, …/legal_hold
    exports.py     GET /complaints/{reference}/attachments/{id}, …/export.pdf, …/export.json;
                   GET /registry.csv, /analytics
    persons.py     POST /persons/access, /persons/erasure
    outbox.py      GET /outbox; POST /outbox/flush, /outbox/retry
    errors.py      the route class that turns errors into French JSON
    (here)         GET /openapi.json, the API's own description

Handlers take what they need as dependencies (bot/staff/deps.py: the registry, the clock,
the caller and their role), call a service and shape the answer; the services own the rules
and the transactions. Errors are JSON `{"detail": "<French message>", "code": ...}`: 401
without a valid token, 403 when the role is not enough, 404 unknown file, 409 a transition
the lifecycle forbids, 422 invalid data.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi

from bot.staff.api import accounts, complaints, exports, outbox, persons
from bot.staff.api.errors import FrenchErrorsRoute

API_TITLE = "API du personnel — registre des réclamations"
API_DESCRIPTION = ("Registre des réclamations : liste, dossier complet, enregistrement des réclamations "
                   "reçues hors ligne, transitions, suivi, registre et statistiques. Authentification : "
                   "`Authorization: Bearer <jeton>` (`complaintbot staff token EMAIL`).")

api_router = APIRouter(prefix="/api/v1", route_class=FrenchErrorsRoute)
# in this order, the order of the paths in the API's description
api_router.include_router(accounts.me_router)
api_router.include_router(complaints.router)
api_router.include_router(exports.router)
api_router.include_router(persons.router)
api_router.include_router(outbox.router)
api_router.include_router(accounts.router)


# What a 422 really is (bot/staff/api/errors.py), instead of FastAPI's default shape it describes
_INVALID_INPUT = {
    "title": "InvalidInput", "type": "object", "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "title": "Detail", "description": "Les erreurs, en français"},
        "code": {"type": "string", "description": "invalid_input, or the refusal of a rule (received_in_future…)"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"type": "string"}, "loc": {"type": "array", "items": {"anyOf": [{"type": "string"},
                                                                                      {"type": "integer"}]}},
            "msg": {"type": "string"}}}},
    },
}


@cache
def _description() -> dict[str, Any]:
    described = get_openapi(title=API_TITLE, version="1.0.0", routes=api_router.routes, description=API_DESCRIPTION)
    schemas = described.get("components", {}).get("schemas", {})
    if "HTTPValidationError" in schemas:
        schemas["HTTPValidationError"] = _INVALID_INPUT
        schemas.pop("ValidationError", None)
    return described


@api_router.get("/openapi.json", include_in_schema=False)
def openapi() -> dict[str, Any]:
    return _description()


def make_api_router() -> APIRouter:
    """The staff API's router, for `bot.staff.install_staff`."""
    return api_router
