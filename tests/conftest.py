"""Shared fixtures: database URLs for SQLite and a throw-away PostgreSQL 15 server.

`db_url` runs a test on both databases (the PostgreSQL case is marked `postgres`);
`migrated_db_url` likewise, with the schema already at head (an SQLite copy of a migrated
file; on PostgreSQL one migrated database emptied before each test). The
PostgreSQL server is started once per session as the `postgres` user (initdb and pg_ctl
refuse root) in a temporary directory it owns, on a free port; each test gets a fresh,
empty database. If the server cannot start the tests fail: they are never skipped.
Binaries: $PG_BIN, else /usr/local/bin, else /usr/lib/postgresql/15/bin, else $PATH.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

_PG_STARTUP: list[float] = []


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    directory: Path
    startup_seconds: float

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{database}"


def _pg_binary(name: str) -> str:
    candidates = [os.environ.get("PG_BIN", ""), "/usr/local/bin", "/usr/lib/postgresql/15/bin"]
    for folder in candidates:
        if folder and (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(f"PostgreSQL binary {name!r} not found (set PG_BIN)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
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
    port = _free_port()
    options = (f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
    start = subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-o", options, "-l", str(directory / "server.log"), "-w", "start"]),
        capture_output=True, text=True,
    )
    if start.returncode != 0:
        log = (directory / "server.log").read_text() if (directory / "server.log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {start.stdout}{start.stderr}\n{log}")
    server = PostgresServer("127.0.0.1", port, directory, time.monotonic() - started)
    _PG_STARTUP.append(server.startup_seconds)
    try:
        yield server
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, text=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server, dropped afterwards."""
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = f"host={postgres_server.host} port={postgres_server.port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_migrated_database(postgres_server: PostgresServer) -> str:
    """A database migrated to head once per session, emptied before each test that uses it."""
    import psycopg

    from bot.storage.migrate import upgrade

    name = "registry_test"
    admin = f"host={postgres_server.host} port={postgres_server.port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    upgrade(postgres_server.url(name))
    return name


@pytest.fixture
def migrated_postgres_url(postgres_server: PostgresServer, postgres_migrated_database: str) -> str:
    """The session's migrated database, every table emptied (faster than a new database)."""
    import psycopg

    name = postgres_migrated_database
    dsn = f"host={postgres_server.host} port={postgres_server.port} user=postgres dbname={name}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        # a connection a previous test leaked must not block the TRUNCATE
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )]
        if tables:
            conn.execute(f"TRUNCATE {', '.join(f'"{t}"' for t in tables)} RESTART IDENTITY CASCADE")
    return postgres_server.url(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.storage.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "registry.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def migrated_sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """An SQLite file already at the head revision (a copy of the session's template)."""
    target = tmp_path / "registry.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An SQLite file in the test's temporary directory (not created yet)."""
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL (an empty database, not migrated)."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migrated_db_url(request: pytest.FixtureRequest) -> str:
    """Like `db_url`, but the database is already migrated to head (faster)."""
    return str(request.getfixturevalue(f"migrated_{request.param}_url"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _PG_STARTUP:
        terminalreporter.write_line(f"PostgreSQL test server start-up: {_PG_STARTUP[0]:.2f} s")
