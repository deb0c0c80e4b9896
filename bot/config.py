"""Settings, all from the environment (contract section 6), read once by the composition roots."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    policy: str = "igretec"
    var_dir: Path = ROOT / "var"
    database_url: str = ""
    tracker_store_url: str | None = None
    redis_url: str | None = None
    rasa_auth_token: str = ""
    smtp_host: str | None = None
    smtp_port: int = 25
    staff_notify_email: str | None = None
    mail_from: str = "reclamations@localhost"
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    whatsapp_access_token: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    public_base_url: str | None = None
    engine_host: str = "127.0.0.1"
    engine_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    web_host: str = "0.0.0.0"
    web_port: int = 8000
    attachment_max_bytes: int = 10 * 1024 * 1024
    attachment_max_files: int = 5
    # request body caps, enforced while the body streams in (bot/web/guards.py)
    chat_body_max_bytes: int = 16 * 1024
    webhook_body_max_bytes: int = 64 * 1024
    staff_body_max_bytes: int = 1024 * 1024
    # rate limits: "N/S" = at most N requests per S seconds (per client address, per conversation)
    rate_chat_session: str = "10/600"
    rate_chat_messages_per_address: str = "60/60"
    rate_chat_messages_per_conversation: str = "20/60"
    rate_chat_upload_per_address: str = "20/600"
    rate_chat_upload_per_conversation: str = "10/600"
    handover_notice_seconds: int = 3600  # one staff notice per conversation in this window
    status_failures_global_per_minute: int = 30
    login_failures_per_address: str = "20/900"
    login_failures_per_account: str = "8/900"  # then the account is locked for the window
    trust_forwarded_for: bool = False  # read the client address from X-Forwarded-For (behind a proxy)
    conversation_retention_days: int = 7  # engine conversations silent this long are erased (retention)
    unlinked_attachment_hours: int = 24  # documents never linked to a complaint, erased after this
    processed_message_days: int = 7  # webhook dedup entries kept this long

    @property
    def attachments_dir(self) -> Path:
        return self.var_dir / "attachments"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        e = dict(os.environ if env is None else env)
        var_dir = Path(e.get("COMPLAINT_VAR_DIR") or ROOT / "var")
        engine_host = e.get("ENGINE_HOST") or "127.0.0.1"
        return cls(
            policy=e.get("COMPLAINT_POLICY") or "igretec",
            var_dir=var_dir,
            database_url=e.get("DATABASE_URL") or f"sqlite:///{var_dir / 'registry.db'}",
            tracker_store_url=e.get("TRACKER_STORE_URL") or None,
            redis_url=e.get("REDIS_URL") or None,
            rasa_auth_token=e.get("RASA_AUTH_TOKEN") or _stored_token(var_dir),
            smtp_host=e.get("SMTP_HOST") or None,
            smtp_port=_int(e, "SMTP_PORT", 25),
            staff_notify_email=e.get("STAFF_NOTIFY_EMAIL") or None,
            mail_from=e.get("MAIL_FROM") or "reclamations@localhost",
            telegram_bot_token=e.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_webhook_secret=e.get("TELEGRAM_WEBHOOK_SECRET") or None,
            telegram_api_base_url=(e.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org").rstrip("/"),
            whatsapp_access_token=e.get("WHATSAPP_ACCESS_TOKEN") or None,
            whatsapp_app_secret=e.get("WHATSAPP_APP_SECRET") or None,
            whatsapp_verify_token=e.get("WHATSAPP_VERIFY_TOKEN") or None,
            whatsapp_phone_number_id=e.get("WHATSAPP_PHONE_NUMBER_ID") or None,
            whatsapp_api_base_url=(e.get("WHATSAPP_API_BASE_URL") or "https://graph.facebook.com").rstrip("/"),
            whatsapp_api_version=e.get("WHATSAPP_API_VERSION") or "v21.0",
            twilio_account_sid=e.get("TWILIO_ACCOUNT_SID") or None,
            twilio_auth_token=e.get("TWILIO_AUTH_TOKEN") or None,
            twilio_api_base_url=(e.get("TWILIO_API_BASE_URL") or "https://api.twilio.com").rstrip("/"),
            public_base_url=(e.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            engine_host=engine_host,
            engine_url=(e.get("ENGINE_URL") or f"http://{engine_host}:5005").rstrip("/"),
            action_server_url=e.get("ACTION_SERVER_URL") or "http://127.0.0.1:5055/webhook",
            web_host=e.get("WEB_HOST") or "0.0.0.0",
            web_port=_int(e, "WEB_PORT", 8000),
            attachment_max_bytes=_int(e, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
            attachment_max_files=_int(e, "ATTACHMENT_MAX_FILES", 5),
            chat_body_max_bytes=_int(e, "CHAT_BODY_MAX_BYTES", 16 * 1024),
            webhook_body_max_bytes=_int(e, "WEBHOOK_BODY_MAX_BYTES", 64 * 1024),
            staff_body_max_bytes=_int(e, "STAFF_BODY_MAX_BYTES", 1024 * 1024),
            rate_chat_session=e.get("RATE_CHAT_SESSION") or "10/600",
            rate_chat_messages_per_address=e.get("RATE_CHAT_MESSAGES_PER_ADDRESS") or "60/60",
            rate_chat_messages_per_conversation=e.get("RATE_CHAT_MESSAGES_PER_CONVERSATION") or "20/60",
            rate_chat_upload_per_address=e.get("RATE_CHAT_UPLOAD_PER_ADDRESS") or "20/600",
            rate_chat_upload_per_conversation=e.get("RATE_CHAT_UPLOAD_PER_CONVERSATION") or "10/600",
            handover_notice_seconds=_int(e, "HANDOVER_NOTICE_SECONDS", 3600),
            status_failures_global_per_minute=_int(e, "STATUS_FAILURES_GLOBAL_PER_MINUTE", 30),
            login_failures_per_address=e.get("LOGIN_FAILURES_PER_ADDRESS") or "20/900",
            login_failures_per_account=e.get("LOGIN_FAILURES_PER_ACCOUNT") or "8/900",
            trust_forwarded_for=(e.get("TRUST_FORWARDED_FOR") or "").lower() in ("1", "true", "yes"),
            conversation_retention_days=_int(e, "CONVERSATION_RETENTION_DAYS", 7),
            unlinked_attachment_hours=_int(e, "UNLINKED_ATTACHMENT_HOURS", 24),
            processed_message_days=_int(e, "PROCESSED_MESSAGE_DAYS", 7),
        )


def rate(spec: str) -> tuple[int, float]:
    """A rate setting "N/S" (N per S seconds) as (N, S); "0/…" or an empty string switch it off."""
    count, _, seconds = (spec or "0/1").partition("/")
    return int(count), float(seconds or 1)


def _stored_token(var_dir: Path) -> str:
    """The engine token from var/rasa_token (made by `make run`); empty if absent."""
    path = var_dir / "rasa_token"
    if path.exists():
        return path.read_text().strip()
    return ""


def ensure_token(var_dir: Path) -> str:
    """Create var/rasa_token with a random token when missing; return the token."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "rasa_token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()
