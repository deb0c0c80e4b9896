"""Errors of the whole web service as JSON with a French `detail`.

A request that does not validate gets 422 `invalid_input` and never its own input back: FastAPI's
default handler echoes the body (a citizen's words, or bytes that are not UTF-8, which it cannot
encode and turned into a 500 — found by tests/security/fuzzing.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.web.guards import CORS_HEADERS

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


def invalid_input(errors: Sequence[Any], headers: Mapping[str, str] | None = None) -> JSONResponse:
    """422 with the French reasons, the place and type of each error, not the values sent."""
    brief = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in errors]
    return JSONResponse({"detail": french_validation(errors), "code": "invalid_input", "errors": brief},
                        status_code=422, headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """The service's handler of RequestValidationError (the staff API's route class answers the
    same way before it)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return invalid_input(errors, CORS_HEADERS if request.url.path.startswith("/chat/") else None)  # the widget reads it
