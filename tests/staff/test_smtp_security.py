"""The outbox's SMTP connection as a real mail relay wants it: STARTTLS whenever offered (or
required, or implicit TLS), a login only ever over TLS, a private authority trusted by file.
A real aiosmtpd on loopback with a certificate made by openssl for 127.0.0.1."""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.services.outbox import SmtpSecurity, count_waiting, flush_outbox
from tests.staff.conftest import StaffWeb, free_port


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(crt), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return crt, key


class Relay:
    """What the server saw of each message: whether the session was encrypted and logged in."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.logins: list[tuple[str, bool]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        with self.lock:
            self.seen.append({"tls": session.ssl is not None, "login": bool(session.authenticated)})
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"reclamations", b"s3cret")
        with self.lock:
            self.logins.append((mechanism, session.ssl is not None))
        return AuthResult(success=ok)


@pytest.fixture
def relay_factory(cert: tuple[Path, Path]) -> Iterator[Callable[..., tuple[Relay, int]]]:
    started: list[Controller] = []

    def start(*, tls: bool = True, require_starttls: bool = True) -> tuple[Relay, int]:
        relay, port = Relay(), free_port()
        kwargs: dict[str, Any] = {"authenticator": relay.authenticate, "auth_require_tls": False}
        if tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(cert[0]), str(cert[1]))
            kwargs |= {"tls_context": ctx, "require_starttls": require_starttls}
        controller = Controller(relay, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return relay, port

    yield start
    for controller in started:
        controller.stop()


def _two_waiting(web_factory: Callable[..., StaffWeb], port: int) -> StaffWeb:
    web = web_factory(smtp_port=port)
    for _ in range(2):
        web.move(web.register()["reference"], "acknowledged")  # an acknowledgement each
    assert count_waiting(web.registry) == 2
    return web


def _flush(web: StaffWeb, port: int, security: SmtpSecurity) -> dict[str, Any]:
    return flush_outbox(web.registry, smtp_host="127.0.0.1", smtp_port=port, mail_from="r@org.be",
                        security=security)


def test_starttls_then_login_then_every_email_sent(web_factory, relay_factory, cert) -> None:  # type: ignore[no-untyped-def]
    relay, port = relay_factory()
    web = _two_waiting(web_factory, port)
    done = _flush(web, port, SmtpSecurity(username="reclamations", password="s3cret", ca_file=str(cert[0])))
    assert (done["sent"], done["error"]) == (2, None)
    assert relay.seen == [{"tls": True, "login": True}] * 2
    assert relay.logins and all(encrypted for _, encrypted in relay.logins)


def test_wrong_password_keeps_the_emails_with_a_french_reason(web_factory, relay_factory, cert) -> None:  # type: ignore[no-untyped-def]
    relay, port = relay_factory()
    web = _two_waiting(web_factory, port)
    done = _flush(web, port, SmtpSecurity(username="reclamations", password="wrong", ca_file=str(cert[0])))
    assert done["sent"] == 0 and "identifiants" in done["error"].lower() and "refusés" in done["error"]
    assert count_waiting(web.registry) == 2 and relay.seen == []


def test_a_login_is_never_sent_in_clear(web_factory, relay_factory) -> None:  # type: ignore[no-untyped-def]
    relay, port = relay_factory(tls=False)  # a relay that offers no STARTTLS
    web = _two_waiting(web_factory, port)
    done = _flush(web, port, SmtpSecurity(username="reclamations", password="s3cret"))
    assert done["sent"] == 0 and "sans TLS" in done["error"]
    assert relay.logins == [] and count_waiting(web.registry) == 2


def test_starttls_required_but_not_offered_sends_nothing(web_factory, relay_factory) -> None:  # type: ignore[no-untyped-def]
    relay, port = relay_factory(tls=False)
    web = _two_waiting(web_factory, port)
    done = _flush(web, port, SmtpSecurity(tls="starttls"))
    assert done["sent"] == 0 and "STARTTLS exigé" in done["error"] and relay.seen == []


def test_an_untrusted_certificate_is_refused(web_factory, relay_factory) -> None:  # type: ignore[no-untyped-def]
    relay, port = relay_factory()
    web = _two_waiting(web_factory, port)
    done = _flush(web, port, SmtpSecurity())  # auto: STARTTLS offered, certificate of no known authority
    assert done["sent"] == 0 and done["error"] and relay.seen == []
    assert count_waiting(web.registry) == 2


def test_a_loopback_relay_without_tls_or_login_still_works(web_factory, relay_factory) -> None:  # type: ignore[no-untyped-def]
    relay, port = relay_factory(tls=False)
    web = _two_waiting(web_factory, port)
    assert _flush(web, port, SmtpSecurity())["sent"] == 2 and relay.seen == [{"tls": False, "login": False}] * 2
