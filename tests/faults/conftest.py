"""Fault tests: the whole stack under `bot.runner` (PostgreSQL tracker store, Redis lock store,
two engines), processes killed with SIGKILL while intakes run through the chat endpoint.

`make test-faults` runs the full version (COMPLAINTBOT_FAULTS=full: 100 intakes); without that
variable a short one (16 intakes): `.venv/bin/pytest -m faults tests/faults`. `make test` leaves
them out (tests/unit/test_runner_supervised.py kills each process once instead)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis

from bot.devstack import free_port

FULL = os.environ.get("COMPLAINTBOT_FAULTS") == "full"


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server is installed by `make setup` (apt package redis-server)"
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(10)
