"""The web service (port 8000): demo page and widget, chat channels, staff API and dashboard."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse

from bot.channels.engine import EngineClient
from bot.channels.web import channels_router
from bot.config import Settings
from bot.policies import load_policy
from bot.services.uow import Registry
from bot.web.guards import BodySizeLimit

STATIC = Path(__file__).parent / "static"


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
    # body caps (before any parsing, chunked bodies counted as they stream) and per-address rate limits
    app.add_middleware(BodySizeLimit, settings=settings)

    # --- routers: one line each (channels: bot/channels/web.py; staff: bot/staff/api.py, dashboard.py)
    # CHANNEL ROUTERS
    app.include_router(channels_router(settings, on_start=app.state.on_start, on_stop=app.state.on_stop))
    # STAFF ROUTERS
    from bot.staff import install_staff
    install_staff(app)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "policy": settings.policy}

    @app.get("/", response_class=HTMLResponse)
    async def demo() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/widget.js")
    async def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="application/javascript")

    # the widget's /chat/session, /chat/messages and /chat/upload: bot/channels/web.py

    return app

