"""The dashboard's session: a signed cookie (HMAC-SHA256), HttpOnly, SameSite=Lax, Secure
over HTTPS, valid `SESSION_HOURS`; it carries the account's e-mail and a CSRF token that
every POST form repeats. The key is `var/staff_session_key` (created with mode 600)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Any

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
FLASH_COOKIE = "staff_flash"
SESSION_HOURS = 10


def load_key(var_dir: Path) -> bytes:
    """The signing key, created once per installation."""
    path = var_dir / "staff_session_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()


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


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))
