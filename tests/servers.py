"""Throw-away servers the tests (and bench/load.py) start on free ports and stop: PostgreSQL 15
and Redis.

PostgreSQL runs as the `postgres` user (initdb and pg_ctl refuse root) in a temporary directory
it owns. Binaries: $PG_BIN, else /usr/local/bin, else /usr/lib/postgresql/15/bin, else $PATH.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from bot.devstack import free_port


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    directory: Path
    startup_seconds: float
    options: str = ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"

    def stop(self) -> None:
        """Stopped at once (`-m immediate`: every connection cut, as when the server dies)."""
        subprocess.run(_as_postgres([_pg_binary("pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate",
                                     "-w", "stop"]), capture_output=True, text=True)

    def start(self) -> None:
        """Started again on the same port and data (after `stop`)."""
        subprocess.run(_as_postgres([_pg_binary("pg_ctl"), "-D", str(self.directory / "data"), "-o", self.options,
                                     "-l", str(self.directory / "server.log"), "-w", "start"]),
                       check=True, capture_output=True, text=True)


def _pg_binary(name: str) -> str:
    candidates = [os.environ.get("PG_BIN", ""), "/usr/local/bin", "/usr/lib/postgresql/15/bin"]
    for folder in candidates:
        if folder and (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(f"PostgreSQL binary {name!r} not found (set PG_BIN)")


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def throwaway_postgres(*, durable: bool = False, max_connections: int = 60) -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1 and a free port, removed afterwards. Tests run it without
    fsync (`durable=False`); the load benchmark with the server's defaults."""
    started = time.monotonic()
    directory = Path(tempfile.mkdtemp(prefix="complaintbot-pg-"))
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(directory, pg.pw_uid, pg.pw_gid)
    data = directory / "data"
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    subprocess.run(
        _as_postgres([initdb, "-A", "trust", "-U", "postgres", "-D", str(data), "-E", "UTF8", "--locale=C",
                      "--no-sync"]),
        check=True, capture_output=True, text=True,
    )
    port = free_port()
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    start = subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-o", options, "-l", str(directory / "server.log"), "-w", "start"]),
        capture_output=True, text=True,
    )
    if start.returncode != 0:
        log = (directory / "server.log").read_text() if (directory / "server.log").exists() else ""
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {start.stdout}{start.stderr}\n{log}")
    try:
        yield PostgresServer("127.0.0.1", port, directory, time.monotonic() - started, options)
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, text=True)
        shutil.rmtree(directory, ignore_errors=True)


def production_stores(pg: PostgresServer, redis_port: int, suffix: str = "") -> dict[str, str]:
    """A tracker and a registry database created on `pg` (named tracker<suffix>, registry<suffix>)
    and the Redis on `redis_port`: the environment of the production stores (DATABASE_URL,
    TRACKER_STORE_URL, REDIS_URL)."""
    import psycopg

    with psycopg.connect(pg.url().replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE tracker{suffix}")
        conn.execute(f"CREATE DATABASE registry{suffix}")
    return {"DATABASE_URL": pg.url(f"registry{suffix}"),
            "TRACKER_STORE_URL": f"postgresql://postgres@{pg.host}:{pg.port}/tracker{suffix}",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"}


class RedisServer:
    """Debian's redis-server on 127.0.0.1 and a free port, no persistence."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is installed by `make setup` (apt package redis-server)"
        self.binary, self.port = binary, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    assert time.monotonic() < deadline, "redis-server did not start"
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Killed (SIGKILL: its locks vanish, as when the server dies)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def throwaway_redis() -> Iterator[int]:
    """Debian's redis-server on 127.0.0.1, no persistence; yields its port once it answers."""
    with redis_server() as server:
        yield server.port
