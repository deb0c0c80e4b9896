"""Action tests: inline trackers, a CollectingDispatcher, a real SQLite registry, a fixed clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker

from actions import wiring
from bot.config import Settings
from bot.policies import load_policy
from bot.services.uow import Registry

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture
def use_policy(tmp_path) -> Iterator[Callable[[str], wiring.Services]]:
    registry = Registry.from_url(f"sqlite:///{tmp_path / 'registry.db'}", migrate=True)

    def make(policy_id: str) -> wiring.Services:
        svc = wiring.Services(settings=Settings.from_env({"COMPLAINT_POLICY": policy_id}),
                              policy=load_policy(policy_id), registry=registry, clock=lambda: NOW)
        wiring.override(svc)
        return svc

    yield make
    wiring.override(None)
    registry.dispose()


def make_tracker(slots: dict[str, Any] | None = None, *, text: str = "", intent: str = "inform",
                 set_now: dict[str, Any] | None = None, requested: str | None = None,
                 loop: str | None = "complaint_form", metadata: dict[str, Any] | None = None,
                 sender: str = "tester", events: list[dict[str, Any]] | None = None) -> Tracker:
    """A tracker whose latest user message is `text`; `set_now` are the slots extracted from it."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": [],
              "metadata": metadata or {}}
    all_slots = {**(slots or {}), **(set_now or {}), "requested_slot": requested}
    evts = list(events or []) + [{"event": "user", "text": text, "parse_data": latest}]
    evts += [{"event": "slot", "name": k, "value": v} for k, v in (set_now or {}).items()]
    return Tracker(sender_id=sender, slots=all_slots, latest_message=latest, events=evts, paused=False,
                   followup_action=None, active_loop={"name": loop} if loop else {},
                   latest_action_name="action_listen")


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def validated(set_now: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The slots after the form's validation: those extracted from the message (`set_now`), then
    the validation's changes (a value it keeps as extracted is not set a second time)."""
    return {**set_now, **slot_events(events)}


def responses(dispatcher) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.get("response") or "" for m in dispatcher.messages]


def texts(dispatcher) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(m.get("text") or "") for m in dispatcher.messages)
