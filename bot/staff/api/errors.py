"""The API's errors as JSON with a French `detail`: the route class every API router uses
turns validation errors into 422 `invalid_input` (with the field-by-field `errors`) and the
services' `DomainError` into their status (bot/staff/common.py `ERROR_STATUS`)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from bot.domain.complaint import DomainError
from bot.staff.common import error_status

_VALIDATION_FR = {
    "missing": "champ obligatoire",
    "timezone_aware": "date et heure avec fuseau horaire attendues (par exemple 2026-12-18T10:00:00+01:00)",
    "datetime_parsing": "date et heure illisibles (format ISO 8601 attendu, avec fuseau horaire)",
    "datetime_from_date_parsing": "date et heure illisibles (format ISO 8601 attendu, avec fuseau horaire)",
    "datetime_type": "date et heure attendues (format ISO 8601 avec fuseau horaire)",
    "date_parsing": "date illisible (format AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date illisible (format AAAA-MM-JJ attendu)",
    "bool_parsing": "valeur oui/non attendue (true ou false)",
    "bool_type": "valeur oui/non attendue (true ou false)",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "string_type": "texte attendu",
    "string_too_short": "texte trop court",
    "string_too_long": "texte trop long",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "extra_forbidden": "champ inconnu",
    "json_invalid": "corps JSON illisible",
    "model_attributes_type": "objet JSON attendu",
    "dict_type": "objet JSON attendu",
    "list_type": "liste attendue",
}


def french_validation(errors: Any) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        text = _VALIDATION_FR.get(err.get("type", ""), err.get("msg", "valeur invalide"))
        if err.get("type") == "literal_error":
            text = f"valeur non permise (attendu : {err.get('ctx', {}).get('expected', '?')})"
        where = f"« {'.'.join(loc)} »" if loc else "requête"
        parts.append(f"{where} : {text}")
    return "Données invalides — " + " ; ".join(parts) + "."


class FrenchErrorsRoute(APIRoute):
    """Turns the services' errors and the validation errors into JSON with a French `detail`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except RequestValidationError as exc:
                errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
                return JSONResponse({"detail": french_validation(exc.errors()), "code": "invalid_input",
                                     "errors": errors}, status_code=422)
            except DomainError as exc:
                return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=error_status(exc))

        return handler
