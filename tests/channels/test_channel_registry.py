"""The channel registry (bot/channels/registry.py): every channel module registers itself, the
web service mounts and starts what is registered, and the domain only checks channel names."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter

from bot.channels import registry
from bot.channels.registry import Channel, register, registered
from bot.domain.complaint import is_channel_name
from tests.channels.harness import running
from tests.channels.standins import FakeEngine

CONTRACT_ROUTES = {("POST", "/channels/telegram/webhook"), ("GET", "/channels/whatsapp/webhook"),
                   ("POST", "/channels/whatsapp/webhook"), ("POST", "/channels/twilio/webhook"),
                   ("POST", "/chat/session"), ("POST", "/chat/messages"), ("POST", "/chat/upload")}
STAFF_CHANNELS = ("email", "post", "counter", "phone")


class Recorder:
    def __init__(self) -> None:
        self.built: list[object] = []
        self.closed = 0

    def build(self, settings: object, relay: object) -> Recorder:
        self.built.append(relay)
        return self

    async def aclose(self) -> None:
        self.closed += 1


def test_registry_every_channel_module_registered_itself() -> None:
    assert [c.name for c in registered()] == ["telegram", "twilio", "webchat", "whatsapp"]
    assert {c.name: c.recorded_as for c in registered()} == {
        "telegram": "telegram", "twilio": "whatsapp", "webchat": "webchat", "whatsapp": "whatsapp"}


def test_registry_recorded_and_staff_channels_are_names_the_domain_accepts() -> None:
    for name in [c.recorded_as for c in registered()] + ["rest", *STAFF_CHANNELS]:
        assert is_channel_name(name)


@pytest.mark.parametrize("name", ["", "x", "Telegram", "web chat", "9lives", "a" * 17, "signal-2", None, 3])
def test_domain_refuses_a_malformed_channel_name(name: object) -> None:
    assert not is_channel_name(name)


def test_domain_accepts_a_new_channel_name_without_a_domain_change() -> None:
    assert is_channel_name("signal") and is_channel_name("a" * 16)


def test_register_refuses_a_malformed_name_and_a_second_channel_of_the_same_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_CHANNELS", dict(registry._CHANNELS))
    with pytest.raises(ValueError, match="channel name"):
        register(Channel("Signal", APIRouter(), build=Recorder().build))
    with pytest.raises(ValueError, match="channel name"):
        register(Channel("signal", APIRouter(), build=Recorder().build, records="sig nal"))
    with pytest.raises(ValueError, match="twice"):
        register(Channel("telegram", APIRouter(), build=Recorder().build))


async def test_web_service_mounts_every_registered_channel(make_settings, engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:  # the platforms off: their routes answer 404 in French
        answers = {route: await svc.client.request(*route, json={}) for route in CONTRACT_ROUTES}
    for route, resp in answers.items():
        assert resp.status_code != 405 and resp.json().get("detail") != "Not Found", route
    assert answers[("POST", "/channels/twilio/webhook")].json() == {"detail": "canal Twilio désactivé"}
    assert answers[("POST", "/chat/session")].status_code == 200


async def test_a_new_channel_is_mounted_started_and_stopped_from_its_registration_alone(
        make_settings, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels")
    monkeypatch.setattr(registry, "_CHANNELS", dict(registry._CHANNELS))
    router = APIRouter()

    @router.post("/channels/signal/webhook")
    async def signal_webhook() -> dict[str, bool]:
        return {"ok": True}

    on, off = Recorder(), Recorder()
    register(Channel("signal", router, build=on.build, needs=lambda s: {"PUBLIC_BASE_URL": "https://x.org"}))
    register(Channel("sms", APIRouter(), build=off.build, needs=lambda s: {"SMS_TOKEN": None}))
    async with running(make_settings(), engine) as svc:
        resp = await svc.client.post("/channels/signal/webhook")
        assert svc.app.state.channels.get("signal") is on and svc.app.state.channels.get("sms") is None
    assert resp.status_code == 200
    assert on.built == [svc.app.state.relay] and on.closed == 1 and off.built == []
    assert "channel signal: on" in caplog.text and "channel sms: off (SMS_TOKEN unset)" in caplog.text
