"""The action server's shared secret (rasa_sdk_plugins): with ACTION_SERVER_TOKEN, a made-up
tracker posted to /webhook without the engine's token is refused before any action runs; the
engine's endpoints.yml carries the token; without the variable nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from bot.config import Settings
from bot.devstack import free_port
from bot.runner import engine_endpoints, wait_http, write_endpoints

ROOT = Path(__file__).resolve().parents[2]
FORGED = {"next_action": "action_submit_complaint", "sender_id": "x",
          "tracker": {"sender_id": "x", "slots": {}, "events": [], "latest_message": {}}, "domain": {}}


def _serve(tmp_path: Path, token: str | None) -> Iterator[int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    env |= {"COMPLAINT_VAR_DIR": str(tmp_path), "ACTION_SERVER_SANIC_WORKERS": "1"}
    if token:
        env["ACTION_SERVER_TOKEN"] = token
    proc = subprocess.Popen([sys.executable, "-m", "bot.runner", "actions", "--actions", "actions", "-p", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_http(f"http://127.0.0.1:{port}/health", 60), "the action server did not start"
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[int]:
    yield from _serve(tmp_path, "s3cret-du-moteur")


def test_forged_tracker_without_the_token_is_refused(guarded: int) -> None:
    url = f"http://127.0.0.1:{guarded}/webhook"
    assert httpx.post(url, json=FORGED, timeout=10).status_code == 401
    assert httpx.post(url, params={"token": "faux"}, json=FORGED, timeout=10).status_code == 401
    accepted = httpx.post(url, params={"token": "s3cret-du-moteur"}, json=FORGED, timeout=30)
    assert accepted.status_code != 401  # reaches rasa-sdk (which then judges the payload itself)
    assert httpx.get(f"http://127.0.0.1:{guarded}/health", timeout=10).status_code == 200


def test_without_the_variable_the_webhook_is_open_on_loopback(tmp_path: Path) -> None:
    for port in _serve(tmp_path, None):
        response = httpx.post(f"http://127.0.0.1:{port}/webhook", json=FORGED, timeout=30)
        assert response.status_code != 401


def test_engine_endpoints_carry_the_token_in_a_private_file(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, action_server_token="s3cret-du-moteur")
    assert engine_endpoints(settings)["action_endpoint"]["token"] == "s3cret-du-moteur"
    assert "token" not in engine_endpoints(Settings(var_dir=tmp_path))["action_endpoint"]
    path = write_endpoints(settings)
    assert yaml.safe_load(path.read_text())["action_endpoint"]["token"] == "s3cret-du-moteur"
    assert path.stat().st_mode & 0o077 == 0
