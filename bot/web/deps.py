"""Dependencies of the web service's handlers (`Annotated[..., Depends(...)]` aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.config import Settings


def settings_of(request: Request) -> Settings:
    """The settings the service was created with (`create_app`)."""
    return request.app.state.settings  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(settings_of)]
