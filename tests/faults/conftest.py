"""Fault tests: the whole stack under `bot.runner` (PostgreSQL tracker store, Redis lock store,
two engines), processes killed with SIGKILL while intakes run through the chat endpoint.

`make test-faults` runs the full version (COMPLAINTBOT_FAULTS=full: 100 intakes); without that
variable a short one (16 intakes): `.venv/bin/pytest -m faults tests/faults`. `make test` leaves
them out (tests/unit/test_runner_supervised.py kills each process once instead)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.servers import throwaway_redis

FULL = os.environ.get("COMPLAINTBOT_FAULTS") == "full"


@pytest.fixture(scope="module")
def redis_port() -> Iterator[int]:
    with throwaway_redis() as port:
        yield port
