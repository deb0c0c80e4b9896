"""Settings, all from the environment (contract section 6), read once by the composition roots.

`Settings` below is the one list of the settings and their defaults. `Settings()` is the defaults
alone (tests build theirs this way); `Settings.from_env(env)` reads `env` (`os.environ` when not
given) through pydantic-settings:

- each setting's variable is its name in capitals (`smtp_port`: SMTP_PORT), except `policy` and
  `var_dir`: COMPLAINT_POLICY and COMPLAINT_VAR_DIR (`ENV_NAMES`); names are case-sensitive;
- an empty variable is an unset one: the default applies;
- three defaults follow other settings: DATABASE_URL (`registry.db` in the var directory),
  ENGINE_URL (ENGINE_HOST, port 5005) and RASA_AUTH_TOKEN (`var/rasa_token`, made by `make run`);
- numbers are read as Python's `int()` reads them and a bad one raises `ValueError` (pydantic's
  `ValidationError`, which names the variable); TRUST_FORWARDED_FOR is on for 1, true or yes in
  any case and off for anything else; trailing slashes of the base URLs are dropped.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import AfterValidator, BeforeValidator, Field, create_model
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent

ENV_NAMES = {"policy": "COMPLAINT_POLICY", "var_dir": "COMPLAINT_VAR_DIR"}  # the others: the name in capitals


def env_name(setting: str) -> str:
    """The environment variable of a setting."""
    return ENV_NAMES.get(setting, setting.upper())


def _without_trailing_slash(value: str) -> str:
    return value.rstrip("/")


def _without_trailing_slash_or_none(value: str | None) -> str | None:
    return (value or "").rstrip("/") or None


def _url(default: str | None = None) -> Any:
    """A base URL setting: read without its trailing slashes ("/" alone: unset, for an optional one)."""
    read = _without_trailing_slash if default is not None else _without_trailing_slash_or_none
    return field(default=default, metadata={"read": AfterValidator(read)})


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
    smtp_tls: Literal["auto", "starttls", "ssl", "off"] = "auto"  # auto (STARTTLS when offered), starttls (required), ssl (port 465), off
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_ca_file: str | None = None
    staff_notify_email: str | None = None
    mail_from: str = "reclamations@localhost"
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = _url("https://api.telegram.org")
    whatsapp_access_token: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_api_base_url: str = _url("https://graph.facebook.com")
    whatsapp_api_version: str = "v21.0"
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_api_base_url: str = _url("https://api.twilio.com")
    public_base_url: str | None = _url()
    engine_host: str = "127.0.0.1"
    engine_url: str = _url("http://127.0.0.1:5005")
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    # shared secret the engine sends the action server (?token=) when they run apart; unset: none
    # (both on 127.0.0.1)
    action_server_token: str | None = None
    web_host: str = "0.0.0.0"  # the public web service; internal ports are 127.0.0.1  # nosec B104
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
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment `env` (default: `os.environ`) gives, the defaults for the rest."""
        model = _environment_model()
        read = model.model_validate(_Variables(model, os.environ if env is None else env)())
        values = read.model_dump(exclude_unset=True)
        defaults = cls()
        var_dir: Path = values.get("var_dir", defaults.var_dir)
        values.setdefault("database_url", f"sqlite:///{var_dir / 'registry.db'}")
        values.setdefault("engine_url", f"http://{values.get('engine_host', defaults.engine_host)}:5005")
        if "rasa_auth_token" not in values:
            values["rasa_auth_token"] = _stored_token(var_dir)
        return replace(defaults, **values)


# --------------------------------------------------------------------------------- reading the environment


def _whole_number(value: Any) -> Any:
    """As `int()` reads a variable (" 8 ", "+8", "1_000"; not "8.0"): ValueError otherwise."""
    return int(value) if isinstance(value, str) else value


def _switched_on(value: Any) -> Any:
    return value.lower() in ("1", "true", "yes") if isinstance(value, str) else value


_READ_AS = {int: BeforeValidator(_whole_number), bool: BeforeValidator(_switched_on)}


class _Environment(BaseSettings):
    """What `from_env` reads: one field per setting, named by its variable (`_environment_model`)."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)


@functools.cache
def _environment_model() -> type[BaseSettings]:
    """The pydantic-settings model of `Settings`: same names, types and defaults, plus each
    setting's variable and how it is read."""
    hints = get_type_hints(Settings)
    specs: dict[str, Any] = {}
    for setting in fields(Settings):
        kind = hints[setting.name]
        readers = [r for r in (_READ_AS.get(kind), setting.metadata.get("read")) if r is not None]
        annotated = Annotated[kind, *readers] if readers else kind
        specs[setting.name] = (annotated, Field(setting.default, validation_alias=env_name(setting.name)))
    return create_model("SettingsFromEnvironment", __base__=_Environment, **specs)


class _Variables(EnvSettingsSource):
    """pydantic-settings' environment source over the given variables instead of `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], variables: Mapping[str, str]) -> None:
        self._variables = variables
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name: value for name, value in self._variables.items() if value != ""}  # empty: unset


# --------------------------------------------------------------------------------- helpers


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
    return ensure_secret_file(var_dir / "rasa_token", lambda: secrets.token_urlsafe(32))


def ensure_secret_file(path: Path, make: Callable[[], str]) -> str:
    """The secret kept in `path`, created when missing with `make()`: the file is created with mode
    600 (never readable by others, not even between its creation and a chmod), and exclusively,
    so that two processes starting together keep the same secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(make())
    return path.read_text().strip()
