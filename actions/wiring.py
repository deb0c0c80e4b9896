"""Composition root of the action server: settings, preset, registry and clock, built on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.domain.policy import Policy


@dataclass
class Services:
    settings: Settings
    policy: Policy
    registry: Any
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()


_services: Services | None = None


def build(settings: Settings | None = None, clock: Callable[[], datetime] | None = None) -> Services:
    from bot.policies import load_policy
    from bot.services.uow import Registry

    settings = settings or Settings.from_env()
    return Services(
        settings=settings,
        policy=load_policy(settings.policy),
        registry=Registry.from_url(settings.database_url),
        clock=clock or (lambda: datetime.now(UTC)),
    )


def services() -> Services:
    global _services
    if _services is None:
        _services = build()
    return _services


def override(new: Services | None) -> None:
    """Tests inject their own services (a temporary registry, a fixed clock, another preset)."""
    global _services
    _services = new
