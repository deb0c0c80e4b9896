"""The web service (port 8000): demo page and widget, chat channels, staff API and dashboard."""

from __future__ import annotations

import re
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from bot.channels.engine import EngineClient
from bot.config import Settings
from bot.policies import load_policy
from bot.services.uow import Registry

STATIC = Path(__file__).parent / "static"
SENDER_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class ChatIn(BaseModel):
    sender: str = Field(min_length=8, max_length=64)
    message: str = Field(min_length=1, max_length=4000)


def create_app(settings: Settings | None = None, engine: EngineClient | None = None,
               registry: Registry | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        app.state.engine = engine or EngineClient(settings.engine_url)
        for start in app.state.on_start:
            await start(app)
        yield
        for stop in app.state.on_stop:
            await stop(app)
        await app.state.engine.aclose()

    app = FastAPI(title="Assistant réclamations", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.on_start = []  # async callables(app) run at start-up (channels, outbox worker)
    app.state.on_stop = []
    app.state.registry = registry or Registry.from_settings(settings)
    app.state.policy = load_policy(settings.policy)

    # --- routers: one line each (channels: bot/channels/web.py; staff: bot/staff/api.py, dashboard.py)
    # CHANNEL ROUTERS
    # STAFF ROUTERS

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "policy": settings.policy}

    @app.get("/", response_class=HTMLResponse)
    async def demo() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/widget.js")
    async def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="application/javascript")

    @app.post("/chat/session")
    async def chat_session() -> dict[str, str]:
        return {"sender": "web-" + secrets.token_urlsafe(18)}

    @app.post("/chat/messages")
    async def chat_message(body: ChatIn, request: Request) -> JSONResponse:
        if not SENDER_RE.match(body.sender):
            raise HTTPException(400, "identifiant de conversation invalide")
        out = await request.app.state.engine.send(body.sender, body.message, {"channel": "webchat"})
        return JSONResponse({"messages": _public(out)})

    return app


def _public(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"text": m.get("text"), "buttons": m.get("buttons") or []} for m in messages if m.get("text")]
