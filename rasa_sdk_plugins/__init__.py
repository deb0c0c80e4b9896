"""The action server's plug-in, loaded the way rasa-sdk supports (`rasa_sdk.plugin` imports a
`rasa_sdk_plugins` package and calls its `init_hooks`; this folder is on the action server's
path, which runs from the repository).

With `ACTION_SERVER_TOKEN` set, `POST /webhook` answers 401 unless the request carries that
token (`?token=`, which the engine adds from `action_endpoint.token` in its endpoints.yml,
written by `bot.runner`): whoever reaches the action server's port cannot file a made-up
tracker. `/health` and `/actions` stay open for probes. Without the variable nothing changes
(both processes on 127.0.0.1)."""

from __future__ import annotations

import hmac
import os
import sys
from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")
PROTECTED = ("/webhook",)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(sys.modules[__name__])


@hookimpl  # type: ignore[misc]
def attach_sanic_app_extensions(app: Any) -> None:
    token = os.environ.get("ACTION_SERVER_TOKEN") or ""
    if not token:
        return

    @app.on_request
    async def check_token(request: Any) -> Any:
        if request.path not in PROTECTED:
            return None
        given = request.args.get("token") or ""
        if hmac.compare_digest(given.encode(), token.encode()):
            return None
        from sanic.response import json as json_response

        return json_response({"error": "Jeton du moteur absent ou invalide."}, status=401)
