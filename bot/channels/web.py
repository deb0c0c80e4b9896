"""HTTP side shared by the chat channels: mounting, start-up, shutdown and the handlers' dependencies.

`install_channels(app)` (called by `bot/web/app.py`) mounts the router of every registered
channel (bot/channels/registry.py) and hooks `start_channels`, which builds the relay and the
adapter of each channel whose settings are complete (a channel left unset is off: its routes
answer 404 and the start-up log says so), and `stop_channels`. Handlers only check, parse and
queue; the work happens in `bot.channels.relay`.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, Request

from bot.channels.registry import Adapter, registered
from bot.channels.relay import Relay
from bot.config import Settings

log = logging.getLogger("bot.channels")


@dataclass
class Running:
    """The channels of a started service: the relay and the adapter of each channel that is on."""

    relay: Relay
    adapters: dict[str, Adapter]

    def get(self, name: str) -> Any:
        """The adapter of channel `name`; None when that channel is off."""
        return self.adapters.get(name)

    async def aclose(self) -> None:
        await self.relay.drain(timeout=10)
        for adapter in self.adapters.values():
            await adapter.aclose()


def channel_status(settings: Settings) -> dict[str, str | None]:
    """Per channel: None when on, else why it is off (the settings left unset)."""
    return {channel.name: channel.off_because(settings) for channel in registered()}


def install_channels(app: FastAPI) -> None:
    """Mount every channel's routes; start and stop the channels with the service."""
    for channel in registered():
        app.include_router(channel.router)
    app.state.on_start.append(start_channels)
    app.state.on_stop.append(stop_channels)


async def start_channels(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    _log_status(settings)
    relay = Relay(app.state.engine, app.state.registry, settings)
    app.state.relay = relay
    app.state.channels = Running(relay, {channel.name: channel.build(settings, relay) for channel in registered()
                                         if channel.off_because(settings) is None})


async def stop_channels(app: FastAPI) -> None:
    channels: Running | None = getattr(app.state, "channels", None)
    if channels is not None:
        await channels.aclose()


def _log_status(settings: Settings) -> None:
    bot_log = logging.getLogger("bot")
    if not bot_log.handlers and not logging.getLogger().handlers:  # uvicorn configures only its own loggers
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
        bot_log.addHandler(handler)
        bot_log.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines show URLs with the Telegram token
    for name, why in channel_status(settings).items():
        if why is None:
            log.info("channel %s: on", name)
        else:
            log.info("channel %s: off (%s)", name, why)
    for channel in registered():
        for note in channel.notes(settings):
            log.warning("channel %s: %s", channel.name, note)


# ------------------------------------------------------------------ for the channels' handlers


def running(request: Request) -> Running:
    """The started channels (503 while the service starts)."""
    channels: Running | None = getattr(request.app.state, "channels", None)
    if channels is None:
        raise HTTPException(503, "service en cours de démarrage")
    return channels


def adapter_of(request: Request, name: str, off: str) -> Any:
    """The adapter of channel `name`; 404 with the French `off` when that channel is off."""
    adapter = running(request).get(name)
    if adapter is None:
        raise HTTPException(404, off)
    return adapter


def json_object(body: bytes) -> dict[str, Any] | None:
    """A request body that is a JSON object; None otherwise."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
        return None
    return data if isinstance(data, dict) else None
