"""Fault tests: the whole stack under `bot.runner` (PostgreSQL tracker store, Redis lock store,
two engines), processes killed with SIGKILL and PostgreSQL and Redis stopped for a few seconds
while intakes run through the chat endpoint. The fault tests have their own PostgreSQL and Redis
servers (stopping them disturbs no other test).

`make test-faults` runs the full version (COMPLAINTBOT_FAULTS=full: 100 intakes); without that
variable a short one (16 intakes): `.venv/bin/pytest -m faults tests/faults`. `make test` leaves
them out (tests/unit/test_runner_supervised.py kills each process once instead)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.servers import PostgresServer, RedisServer, redis_server, throwaway_postgres

FULL = os.environ.get("COMPLAINTBOT_FAULTS") == "full"


@pytest.fixture(scope="module")
def fault_redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def fault_postgres() -> Iterator[PostgresServer]:
    with throwaway_postgres(max_connections=120) as server:
        yield server
