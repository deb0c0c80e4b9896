"""The API's errors as JSON with a French `detail`: the route class every API router uses
turns validation errors into 422 `invalid_input` (with the field-by-field `errors`, French
wording from bot/web/errors.py) and the services' `DomainError` into their status
(bot/staff/common.py `ERROR_STATUS`)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from bot.domain.complaint import DomainError
from bot.staff.common import error_status
from bot.web.errors import invalid_input


class FrenchErrorsRoute(APIRoute):
    """Turns the services' errors and the validation errors into JSON with a French `detail`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except RequestValidationError as exc:
                return invalid_input(exc.errors())
            except DomainError as exc:
                return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=error_status(exc))

        return handler
