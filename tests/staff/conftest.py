"""Staff-side fixtures: the web service built on a throw-away registry, a real SMTP server on
loopback (aiosmtpd) that keeps what it receives, staff accounts with their API tokens, and a
clock the tests move."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.services import staff
from bot.services.uow import Registry
from tests.sample_data import CITIZEN as BASE_CITIZEN
from tests.sample_data import FRIDAY

STAFF_INBOX = "equipe-reclamations@org.be"
CITIZEN: dict[str, Any] = {
    **BASE_CITIZEN,
    "subject": "Dossier de prime refusé au guichet",
    "service_concerned": "Primes à la rénovation",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler keeping each message received (parsed), in order."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in (m["To"] or "")]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.05)
        return self.messages


def csrf_of(html: str) -> str:
    """The CSRF token of a dashboard page's forms."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def body(message: Message) -> str:
    """The text of a message parsed with the default policy (an EmailMessage)."""
    return str(message.get_content())  # type: ignore[attr-defined]


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (started); `smtp.inbox.messages` is what it received."""
    server = SmtpServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class StaffWeb:
    app: FastAPI
    client: TestClient
    registry: Registry
    settings: Settings
    clock: list[datetime]
    tokens: dict[str, str]

    def login(self, role: str = "agent", page: str = "/staff/") -> str:
        """Log in to the dashboard with the role's account; returns the CSRF token of `page`."""
        form = self.client.get("/staff/login")
        response = self.client.post("/staff/login", data={"email": f"{role}@org.be", "password": f"mot-de-passe-{role}",
                                                          "csrf": csrf_of(form.text)}, follow_redirects=False)
        assert response.status_code == 303 and not response.headers["location"].startswith("/staff/login")
        return csrf_of(self.client.get(page).text)

    def auth(self, role: str = "manager") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def set_now(self, moment: datetime) -> None:
        self.clock[0] = moment

    def register(self, role: str = "manager", **changes: Any) -> dict[str, Any]:
        body = {**CITIZEN, "channel": "post", "received_at": FRIDAY.isoformat(), **changes}
        response = self.client.post("/api/v1/complaints", json=body, headers=self.auth(role))
        assert response.status_code == 201, response.text
        return response.json()

    def move(self, reference: str, to: str, role: str = "manager", **extra: Any) -> dict[str, Any]:
        response = self.client.post(f"/api/v1/complaints/{reference}/transitions", json={"to": to, **extra},
                                    headers=self.auth(role))
        assert response.status_code == 200, response.text
        return response.json()


_HASHES: dict[str, str] = {}


def _password_hash(password: str) -> str:
    """scrypt is slow on purpose: hash each test password once per session."""
    if password not in _HASHES:
        _HASHES[password] = staff.hash_password(password)
    return _HASHES[password]


def build_web(db_url: str, tmp_path: Path, *, policy: str = "igretec", smtp_port: int | None = None,
              smtp_host: str | None = "127.0.0.1", staff_email: str | None = STAFF_INBOX) -> StaffWeb:
    from sqlalchemy import update

    from bot.storage.models import StaffUserRow
    from bot.web.app import create_app

    settings = Settings(
        policy=policy, var_dir=tmp_path / "var", database_url=db_url, smtp_host=smtp_host if smtp_port else None,
        smtp_port=smtp_port or 25, staff_notify_email=staff_email, mail_from="reclamations@org.be",
        public_base_url="https://reclamations.org.be",
    )
    registry = Registry.from_settings(settings, migrate=True)
    app = create_app(settings, registry=registry)
    clock = [FRIDAY]
    app.state.clock = lambda: clock[0]
    tokens = {}
    for role in ("agent", "manager", "admin"):
        staff.add_staff(registry, f"{role}@org.be", role)
        with registry.unit_of_work() as uow:
            uow.session.execute(update(StaffUserRow).where(StaffUserRow.email == f"{role}@org.be")
                                .values(password_hash=_password_hash(f"mot-de-passe-{role}")))
            uow.commit()
        tokens[role] = staff.issue_token(registry, f"{role}@org.be")
    return StaffWeb(app, TestClient(app, base_url="https://testserver"), registry, settings, clock, tokens)


@pytest.fixture
def web_factory(tmp_path: Path, sqlite_template: Path) -> Iterator[Callable[..., StaffWeb]]:
    """Build the web service (no lifespan: the worker is not started) on a database URL
    (default: a copy of the session's migrated SQLite file)."""
    built: list[StaffWeb] = []

    def make(db_url: str | None = None, **kwargs: Any) -> StaffWeb:
        if db_url is None:
            target = tmp_path / f"registry{len(built)}.db"
            shutil.copyfile(sqlite_template, target)
            db_url = f"sqlite:///{target}"
        url = db_url
        web = build_web(url, tmp_path / f"w{len(built)}", **kwargs)
        built.append(web)
        return web

    yield make
    for web in built:
        web.client.close()
        web.registry.dispose()


@pytest.fixture
def web(web_factory: Callable[..., StaffWeb], smtp: SmtpServer) -> StaffWeb:
    """The igretec web service on SQLite, e-mail to the loopback SMTP server."""
    return web_factory(smtp_port=smtp.port)
