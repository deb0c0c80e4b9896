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

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import PostgresServer, throwaway_postgres

_PG_STARTUP: list[float] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    with throwaway_postgres() as server:
        _PG_STARTUP.append(server.startup_seconds)
        yield server


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
