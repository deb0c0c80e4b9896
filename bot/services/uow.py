"""Composition of the registry (engine + session factory) and the unit of work.

Nothing is built at import: `Registry.from_settings(Settings.from_env())` or
`Registry.from_url(url)` in a composition root (web service, action server, CLI, tests).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.storage.counters import (
    ProcessedMessages,
    RateCounters,
    ReferenceCounters,
    StatusLookupAttempts,
    TriageCounts,
)
from bot.storage.db import SQLITE_BEGIN_OPTION, make_engine, make_session_factory
from bot.storage.repository import (
    AttachmentRepository,
    ComplaintRepository,
    HandoverRepository,
    OutboxRepository,
    StaffRepository,
)

#: A write refused by a unique key (e.g. a concurrent retry stored the same intake key first):
#: the services catch this name, not the storage library's.
Conflict = IntegrityError
#: The database cannot be reached (stopped, restarting, network cut): callers that face a citizen
#: say "un instant" and process nothing, instead of failing.
Unavailable = OperationalError


class Registry:
    """The complaint registry's database: build once per process, share between threads."""

    def __init__(self, engine: Engine, settings: Settings | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.session_factory: sessionmaker[Session] = make_session_factory(engine)

    @classmethod
    def from_url(cls, url: str, *, migrate: bool = False) -> Registry:
        if migrate:
            from bot.storage.migrate import upgrade

            upgrade(url)
        return cls(make_engine(url))

    @classmethod
    def from_settings(cls, settings: Settings, *, migrate: bool = False) -> Registry:
        registry = cls.from_url(settings.database_url, migrate=migrate)
        registry.settings = settings
        return registry

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self, read_only=read_only)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """One transaction: `with registry.unit_of_work() as uow: ...; uow.commit()`.

    Leaving the block without `commit()` rolls back. On SQLite a write unit of work starts
    with `BEGIN IMMEDIATE` (one writer at a time, others wait on the busy timeout).

    The services talk to the repositories below, never to `session` (kept for the tests and for
    the callers not converted yet).
    """

    session: Session
    complaints: ComplaintRepository
    attachments: AttachmentRepository
    outbox: OutboxRepository
    staff: StaffRepository
    handovers: HandoverRepository
    references: ReferenceCounters
    triage: TriageCounts
    processed: ProcessedMessages
    counters: RateCounters
    lookups: StatusLookupAttempts

    def __init__(self, registry: Registry, *, read_only: bool = False) -> None:
        self.registry = registry
        self.read_only = read_only
        self.committed = False

    def __enter__(self) -> Self:
        self.session = self.registry.session_factory()
        if self.registry.dialect == "sqlite" and not self.read_only:
            self.session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        self.complaints = ComplaintRepository(self.session)
        self.attachments = AttachmentRepository(self.session)
        self.outbox = OutboxRepository(self.session, self.complaints)
        self.staff = StaffRepository(self.session)
        self.handovers = HandoverRepository(self.session)
        self.references = ReferenceCounters(self.session)
        self.triage = TriageCounts(self.session)
        self.processed = ProcessedMessages(self.session)
        self.counters = RateCounters(self.session)
        self.lookups = StatusLookupAttempts(self.session)
        self.committed = False
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self.committed:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self.committed = True

    def rollback(self) -> None:
        self.session.rollback()
