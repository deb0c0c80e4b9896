"""The chat channels of the web service, each registered by its own module.

A channel module of this package (telegram.py, whatsapp.py, twilio.py, webchat.py) ends with
`register(Channel(...))`: its name, its router, the settings it needs and how its adapter is
built. `bot.channels.web.install_channels` mounts every router and, at start-up, builds the
adapter of each channel whose settings are all set; a channel with one unset is off (its routes
answer 404, the start-up log says which settings are missing).

`registered()` imports every module of this package, so a new channel is one new module here:
no domain, web or staff file changes. The `channel` a channel's complaints record (`records`,
the relay's metadata) is checked when it registers against the domain's rule for channel names
(`bot.domain.complaint.is_channel_name`), which is what the registry stores.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import APIRouter

from bot.channels.relay import Relay
from bot.config import Settings
from bot.domain.complaint import is_channel_name


class Adapter(Protocol):
    """A channel at run time (built at start-up, closed at shutdown)."""

    async def aclose(self) -> None: ...


def _nothing(settings: Settings) -> dict[str, str | None]:
    return {}


def _no_notes(settings: Settings) -> list[str]:
    return []


@dataclass(frozen=True)
class Channel:
    name: str  # routes, logs, start-up status ("twilio")
    router: APIRouter
    build: Callable[[Settings, Relay], Adapter]
    needs: Callable[[Settings], dict[str, str | None]] = _nothing  # variable -> value; one unset: off
    records: str | None = None  # the `channel` its complaints record ("whatsapp" for Twilio); None: `name`
    notes: Callable[[Settings], list[str]] = _no_notes  # warnings for the start-up log

    @property
    def recorded_as(self) -> str:
        return self.records or self.name

    def off_because(self, settings: Settings) -> str | None:
        """None when the channel is on, else why it is off (the settings left unset)."""
        unset = [name for name, value in self.needs(settings).items() if not value]
        return f"{', '.join(unset)} unset" if unset else None


_CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    """Add a channel (called once by its module, at the end)."""
    for name in (channel.name, channel.recorded_as):
        if not is_channel_name(name):
            raise ValueError(f"channel name {name!r}: 2 to 16 characters a-z, 0-9 and _, a letter first")
    known = _CHANNELS.get(channel.name)
    if known is not None and known is not channel:
        raise ValueError(f"channel {channel.name!r} registered twice")
    _CHANNELS[channel.name] = channel
    return channel


def registered() -> list[Channel]:
    """Every channel of this package, by name (its modules imported the first time)."""
    package = importlib.import_module(__package__ or "bot.channels")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return [_CHANNELS[name] for name in sorted(_CHANNELS)]
