"""Throw-away servers the tests start on free ports and stop (Redis; PostgreSQL lives in
tests/conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from bot.devstack import free_port


@contextmanager
def throwaway_redis() -> Iterator[int]:
    """Debian's redis-server on 127.0.0.1, no persistence; yields its port once it answers."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is installed by `make setup` (apt package redis-server)"
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield port
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)
