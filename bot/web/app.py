"""The web service (port 8000): demo page and widget, chat channels, staff API and dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse

from bot.channels.engine import EngineClient
from bot.channels.relay import use_log_key
from bot.channels.web import install_channels
from bot.config import Settings
from bot.policies import load_policy
from bot.services.uow import Registry
from bot.web.deps import SettingsDep
from bot.web.errors import validation_error
from bot.web.guards import BodySizeLimit
from bot.web.headers import SecurityHeaders

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, engine: EngineClient | None = None,
               registry: Registry | None = None) -> FastAPI:
    """The service, from the environment unless given its settings, engine client or registry."""
    settings = settings or Settings.from_env()
    app = FastAPI(title="Assistant réclamations", lifespan=_lifespan(engine), docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.settings = settings
    use_log_key(settings.rasa_auth_token)  # log pseudonyms keyed by a secret of this installation
    app.state.on_start = []  # async callables(app) run at start-up (channels, outbox worker)
    app.state.on_stop = []
    app.state.registry = registry or Registry.from_settings(settings)
    app.state.policy = load_policy(settings.policy)
    # body caps (before any parsing, chunked bodies counted as they stream) and per-address rate limits
    app.add_middleware(BodySizeLimit, settings=settings)
    app.add_middleware(SecurityHeaders, https=(settings.public_base_url or "").startswith("https://"))
    app.add_exception_handler(RequestValidationError, validation_error)  # French, never the input echoed
    install_channels(app)  # every channel's routes: bot/channels/registry.py
    from bot.staff import install_staff

    install_staff(app)  # bot/staff/api/, bot/staff/pages/, the outbox worker
    app.include_router(pages)
    return app


def _lifespan(engine: EngineClient | None) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up and shutdown: the engine client (the given one, else one per start), then the
    `app.state.on_start` hooks; at the end the `on_stop` hooks, then the engine client closed."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine or EngineClient(app.state.settings.engine_url)
        for start in app.state.on_start:
            await start(app)
        yield
        for stop in app.state.on_stop:
            await stop(app)
        await app.state.engine.aclose()

    return lifespan


pages = APIRouter()


@pages.get("/healthz")
async def healthz(settings: SettingsDep) -> dict[str, str]:
    return {"status": "ok", "policy": settings.policy}


@pages.get("/", response_class=HTMLResponse)
async def demo() -> FileResponse:
    """The demo page with the widget."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


@pages.get("/widget.js")
async def widget() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="application/javascript")
