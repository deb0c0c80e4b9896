"""The dashboard's session: a signed cookie (HMAC-SHA256), HttpOnly, SameSite=Lax, Secure
over HTTPS, valid `SESSION_HOURS`; it carries the account's e-mail and a CSRF token that
every POST form repeats. The key is `var/staff_session_key` (created with mode 600).
Login attempts are throttled per client address and per account (below)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings, ensure_secret_file, rate
from bot.services.uow import Registry

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
FLASH_COOKIE = "staff_flash"
SESSION_HOURS = 10


def load_key(var_dir: Path) -> bytes:
    """The signing key, created once per installation."""
    return ensure_secret_file(var_dir / "staff_session_key", lambda: secrets.token_urlsafe(48)).encode()


class Signer:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, data: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{payload}.{self._mac(payload)}"

    def unsign(self, value: str | None, max_age: float) -> dict[str, Any] | None:
        if not value or "." not in value:
            return None
        payload, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        if not isinstance(data, dict) or time.time() - float(data.get("iat", 0)) > max_age:
            return None
        return data

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()


def new_session(email: str) -> dict[str, Any]:
    return {"email": email, "csrf": secrets.token_urlsafe(24), "iat": time.time()}


def _ended_key(session: dict[str, Any]) -> str:
    return "session:ended:" + hashlib.sha256(str(session.get("csrf")).encode()).hexdigest()[:32]


def end_session(registry: Registry, session: dict[str, Any], *, now: datetime) -> None:
    """Logout: this session (its random CSRF token is its id) is refused from now on by every
    worker, even if its cookie is replayed, until it would have expired anyway."""
    with registry.unit_of_work() as uow:
        uow.counters.hit(_ended_key(session), timedelta(hours=SESSION_HOURS), now)
        uow.commit()


def session_ended(registry: Registry, session: dict[str, Any], *, now: datetime) -> bool:
    with registry.unit_of_work() as uow:
        count, _ = uow.counters.peek(_ended_key(session), timedelta(hours=SESSION_HOURS), now)
    return count > 0


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


# --------------------------------------------------------------------------------- login throttling
# Counted in the database (`rate_counters`), so that the limits hold across workers and the
# parallel attempts of one attacker are each counted: an attempt is reserved (counted) *before*
# the password is checked, and given back when the password was right.


@dataclass(frozen=True)
class LoginLimits:
    per_address: int = 20
    address_window: float = 900
    per_account: int = 8  # then the account is locked for the rest of its window
    account_window: float = 900

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        (a, aw), (b, bw) = rate(settings.login_failures_per_address), rate(settings.login_failures_per_account)
        return cls(a, aw, b, bw)


def _keys(address: str, email: str) -> tuple[str, str]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login:address:{address[:64]}", f"login:account:{account}"


def reserve_login_attempt(registry: Registry, address: str, email: str, limits: LoginLimits, *,
                          now: datetime) -> bool:
    """Count one login attempt for the address and for the account (atomically); False when
    either is over its limit (the password must then not even be checked)."""
    address_key, account_key = _keys(address, email)
    with registry.unit_of_work() as uow:
        by_address = uow.counters.hit(address_key, timedelta(seconds=limits.address_window), now)
        by_account = uow.counters.hit(account_key, timedelta(seconds=limits.account_window), now)
        uow.commit()
    return (limits.per_address <= 0 or by_address <= limits.per_address) and \
        (limits.per_account <= 0 or by_account <= limits.per_account)


def login_succeeded(registry: Registry, address: str, email: str) -> None:
    """The password was right: the attempt was not a failure (the address gets it back) and the
    account's failures are forgotten."""
    address_key, account_key = _keys(address, email)
    with registry.unit_of_work() as uow:
        uow.counters.undo(address_key)
        uow.counters.reset(account_key)
        uow.commit()
