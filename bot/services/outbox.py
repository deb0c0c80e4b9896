"""Sending the e-mail outbox through SMTP (`SMTP_HOST`, `SMTP_PORT`), each e-mail once.

An e-mail is written to the `outbox` table in the transaction of the change it reports; this
module sends what is waiting. States of a row (no extra column needed):

- waiting: `sent_at` NULL (and fewer than `MAX_ATTEMPTS` refusals by the server);
- being sent: `sent_at` set and `last_error` = `CLAIM_MARK` — claimed by one sender with an
  atomic UPDATE, so that two senders (the web service's worker and `complaintbot outbox send`)
  never send the same row; a claim older than `CLAIM_TIMEOUT` (a sender that died) is released;
- sent: `sent_at` set and `last_error` NULL.

An outage (server unreachable, disconnected, 4xx) leaves the e-mail waiting without counting an
attempt: nothing is lost, it goes when the server is back. A 5xx refusal of that message counts
an attempt; after `MAX_ATTEMPTS` it stays in the table as failed, shown to staff. Each message
carries a stable `Message-ID` (`<outbox-ID.CREATED@domain>`) so a resend after a crash between
the SMTP "250 OK" and the commit can be recognised.

Logs name outbox ids, never addresses or contents (no personal data in logs).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from bot.services._records import require_aware
from bot.services.uow import Registry

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # refusals by the server before an e-mail is left as failed (shown to staff)
CLAIM_MARK = "envoi en cours"
CLAIM_TIMEOUT = timedelta(minutes=10)
SMTP_TIMEOUT = 10.0
MAX_ERROR = 2000  # characters of an error kept


class SmtpUnavailable(Exception):
    """The SMTP server cannot be reached or dropped the connection."""


@dataclass(frozen=True)
class SmtpSecurity:
    """How the connection to the SMTP server is protected. `tls`: "auto" (STARTTLS whenever the
    server offers it), "starttls" (required), "ssl" (implicit TLS, port 465) or "off". A login
    (`username`) is only ever sent over TLS; `ca_file` trusts a private authority."""

    tls: str = "auto"
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> SmtpSecurity:
        return cls(settings.smtp_tls, settings.smtp_username, settings.smtp_password, settings.smtp_ca_file)

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file or None)


class SmtpRefused(Exception):
    """The connection could be made but not used (no TLS where required, login refused)."""


def flush_outbox(
    registry: Registry,
    *,
    smtp_host: str | None,
    smtp_port: int = 25,
    mail_from: str = "reclamations@localhost",
    now: datetime | None = None,
    limit: int = 200,
    timeout: float = SMTP_TIMEOUT,
    security: SmtpSecurity = SmtpSecurity(),
) -> dict[str, Any]:
    """Send the waiting e-mails, oldest first. Returns {sent, failed, waiting, error}:
    `failed` are the refusals of this run, `waiting` what is still to send, `error` the
    outage message when the server could not be used (None otherwise)."""
    now = now or datetime.now(UTC)
    require_aware("now", now)
    _release_stale_claims(registry, now)
    ids = _waiting_ids(registry, limit)
    result: dict[str, Any] = {"sent": 0, "failed": 0, "waiting": len(ids), "error": None}
    if not ids:
        return result
    if not smtp_host:
        result["error"] = "SMTP non configuré (SMTP_HOST) : les e-mails restent dans la file d'attente."
        return result
    smtp = _connect(registry, smtp_host, smtp_port, timeout, ids, result, security)
    if smtp is None:
        return result
    try:
        for outbox_id in ids:
            _send_one(registry, smtp, outbox_id, mail_from, result)
    except SmtpUnavailable as exc:
        result["error"] = f"Envoi interrompu : {exc}"
        log.warning("outbox: sending interrupted (%s)", exc)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    result["waiting"] = count_waiting(registry)
    return result


def _connect(
    registry: Registry, host: str, port: int, timeout: float, ids: list[int], result: dict[str, Any],
    security: SmtpSecurity,
) -> smtplib.SMTP | None:
    """The SMTP connection, secured and logged in as `security` says; None when the server cannot
    be reached or used (noted on the waiting e-mails and in `result`)."""
    try:
        return _open(host, port, timeout, security)
    except SmtpRefused as exc:
        result["error"] = f"Serveur SMTP inutilisable : {exc}"
    except smtplib.SMTPAuthenticationError as exc:
        result["error"] = f"Identifiants SMTP refusés (code {exc.smtp_code})"
    except (OSError, smtplib.SMTPException) as exc:  # ssl.SSLError is an OSError
        result["error"] = f"Serveur SMTP injoignable : {type(exc).__name__}"
    log.warning("outbox: SMTP server not usable (%s), %d e-mail(s) kept", result["error"], len(ids))
    _note_outage(registry, ids, result["error"])
    return None


def _open(host: str, port: int, timeout: float, security: SmtpSecurity) -> smtplib.SMTP:
    if security.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=security.context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security.tls != "ssl":
            smtp.ehlo()
            offered = smtp.has_extn("starttls")
            if security.tls == "starttls" and not offered:
                raise SmtpRefused("STARTTLS exigé (SMTP_TLS=starttls) mais non proposé par le serveur")
            if offered and security.tls in ("auto", "starttls"):
                smtp.starttls(context=security.context())
                smtp.ehlo()
            elif security.username:
                raise SmtpRefused("identifiants non envoyés sans TLS (le serveur ne propose pas STARTTLS)")
        if security.username:
            try:
                smtp.login(security.username, security.password or "")
            except smtplib.SMTPServerDisconnected as exc:  # some servers hang up on a failed AUTH
                raise SmtpRefused("identifiants refusés (le serveur a coupé la connexion)") from exc
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_one(registry: Registry, smtp: smtplib.SMTP, outbox_id: int, mail_from: str, result: dict[str, Any]) -> None:
    """Claim and send one e-mail, counting it in `result`; raises SmtpUnavailable on an outage."""
    claimed = _claim(registry, outbox_id, datetime.now(UTC))
    if claimed is None:
        return  # sent or claimed by another sender meanwhile
    try:
        smtp.send_message(_message(claimed, mail_from))
    except smtplib.SMTPRecipientsRefused as exc:
        _release(registry, outbox_id, f"destinataire refusé : {_codes(exc.recipients)}", counts=True)
        result["failed"] += 1
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        _release(registry, outbox_id, f"refus du serveur {exc.smtp_code}", counts=permanent)
        if permanent:
            result["failed"] += 1
        elif isinstance(exc, smtplib.SMTPSenderRefused):
            raise SmtpUnavailable(f"expéditeur refusé ({exc.smtp_code})") from exc
    except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPException) as exc:
        _release(registry, outbox_id, f"envoi interrompu : {type(exc).__name__}", counts=False)
        raise SmtpUnavailable(type(exc).__name__) from exc
    else:
        _mark_sent(registry, outbox_id, datetime.now(UTC))
        result["sent"] += 1
        log.info("outbox: e-mail %d sent", outbox_id)


def count_waiting(registry: Registry) -> int:
    with registry.unit_of_work(read_only=True) as uow:
        return uow.outbox.count_waiting(MAX_ATTEMPTS)


def outbox_overview(registry: Registry, *, limit: int = 100) -> dict[str, Any]:
    """For staff: counts and the latest e-mails waiting or failed (no bodies)."""
    with registry.unit_of_work(read_only=True) as uow:
        overview = uow.outbox.overview(MAX_ATTEMPTS, limit=limit)
    overview["items"] = [
        item | {"created_at": item["created_at"].isoformat(),
                "state": "failed" if item["attempts"] >= MAX_ATTEMPTS else "waiting"}
        for item in overview["items"]
    ]
    return overview


def retry_failed(registry: Registry) -> int:
    """Give the e-mails refused `MAX_ATTEMPTS` times a new chance; returns how many."""
    with registry.unit_of_work() as uow:
        count = uow.outbox.retry_failed(MAX_ATTEMPTS)
        uow.commit()
    return count


# ---------------------------------------------------------------------------------- helpers


def _waiting_ids(registry: Registry, limit: int) -> list[int]:
    with registry.unit_of_work(read_only=True) as uow:
        return uow.outbox.waiting_ids(MAX_ATTEMPTS, limit=limit)


def _release_stale_claims(registry: Registry, now: datetime) -> None:
    with registry.unit_of_work() as uow:
        uow.outbox.release_stale_claims(CLAIM_MARK, claimed_before=now - CLAIM_TIMEOUT,
                                        error="envoi interrompu (expéditeur arrêté)")
        uow.commit()


def _claim(registry: Registry, outbox_id: int, now: datetime) -> dict[str, Any] | None:
    """Take the row for this sender (atomic UPDATE ... WHERE sent_at IS NULL); None if taken."""
    with registry.unit_of_work() as uow:
        data = uow.outbox.claim(outbox_id, CLAIM_MARK, now=now, max_attempts=MAX_ATTEMPTS)
        if data is None:
            return None
        uow.commit()
    return data


def _release(registry: Registry, outbox_id: int, error: str, *, counts: bool) -> None:
    with registry.unit_of_work() as uow:
        uow.outbox.release(outbox_id, error[:MAX_ERROR], counts=counts)
        uow.commit()
    log.warning("outbox: e-mail %d not sent (%s)", outbox_id, "refused" if counts else "kept for later")


def _mark_sent(registry: Registry, outbox_id: int, now: datetime) -> None:
    with registry.unit_of_work() as uow:
        uow.outbox.mark_sent(outbox_id, now=now)
        uow.commit()


def _note_outage(registry: Registry, ids: list[int], error: str) -> None:
    with registry.unit_of_work() as uow:
        uow.outbox.note_error(ids, error)
        uow.commit()


def _codes(recipients: dict[str, Any]) -> str:
    return ", ".join(str(code) for code, _msg in recipients.values()) or "?"


def _message(row: dict[str, Any], mail_from: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = row["to"]
    msg["Subject"] = row["subject"]
    msg["Date"] = format_datetime(datetime.now(UTC))
    domain = mail_from.rsplit("@", 1)[-1] if "@" in mail_from else "localhost"
    msg["Message-ID"] = f"<outbox-{row['id']}.{int(row['created_at'].timestamp())}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row["body"])
    return msg
