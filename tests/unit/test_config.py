"""Settings from the environment (bot/config.py): variable names, defaults, parsing, errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import ROOT, Settings, env_name

# contract section 6 (and the others the project reads): every one names a setting
CONTRACT_VARIABLES = (
    "COMPLAINT_POLICY", "DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "RASA_AUTH_TOKEN", "SMTP_HOST",
    "SMTP_PORT", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL",
    "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_API_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL",
    "PUBLIC_BASE_URL", "ENGINE_HOST", "ENGINE_URL", "ATTACHMENT_MAX_BYTES", "ATTACHMENT_MAX_FILES",
    "COMPLAINT_VAR_DIR",
)
NUMBERS = [f.name for f in dataclasses.fields(Settings) if f.type == "int"]
TEXTS = [f.name for f in dataclasses.fields(Settings) if f.type in ("str", "str | None")]


def test_settings_every_contract_variable_names_a_setting() -> None:
    names = {env_name(f.name) for f in dataclasses.fields(Settings)}
    assert set(CONTRACT_VARIABLES) <= names


def test_settings_constructor_gives_the_defaults_without_reading_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("COMPLAINT_POLICY", "plan-gestion")
    s = Settings()
    assert (s.smtp_port, s.policy, s.database_url, s.var_dir) == (25, "igretec", "", ROOT / "var")
    assert dataclasses.replace(s, smtp_port=1).smtp_port == 1


def test_from_env_without_argument_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("COMPLAINT_POLICY", "plan-gestion")
    s = Settings.from_env()
    assert (s.smtp_port, s.policy) == (2525, "plan-gestion")


def test_from_env_empty_environment_derives_database_engine_and_token(tmp_path: Path) -> None:
    (tmp_path / "rasa_token").write_text(" stored-token \n")
    s = Settings.from_env({"COMPLAINT_VAR_DIR": str(tmp_path)})
    assert s.var_dir == tmp_path and isinstance(s.var_dir, Path)
    assert s.database_url == f"sqlite:///{tmp_path / 'registry.db'}"
    assert s.engine_url == "http://127.0.0.1:5005"
    assert s.rasa_auth_token == "stored-token"
    others = {f.name for f in dataclasses.fields(Settings)} - {"var_dir", "database_url", "rasa_auth_token"}
    assert {n: getattr(s, n) for n in others} == {n: getattr(Settings(), n) for n in others}


def test_from_env_given_token_wins_over_the_stored_one(tmp_path: Path) -> None:
    (tmp_path / "rasa_token").write_text("stored")
    assert Settings.from_env({"COMPLAINT_VAR_DIR": str(tmp_path), "RASA_AUTH_TOKEN": "given"}).rasa_auth_token == "given"
    assert Settings.from_env({"COMPLAINT_VAR_DIR": str(tmp_path / "none")}).rasa_auth_token == ""


@pytest.mark.parametrize("name", TEXTS)
def test_from_env_text_setting_read_from_its_variable_as_given(name: str, tmp_path: Path) -> None:
    value = " https://example.org/x " if name.endswith("_url") else f" v-{name} "
    assert getattr(Settings.from_env({env_name(name): value}), name) == value


@pytest.mark.parametrize("name", NUMBERS)
def test_from_env_number_setting_read_from_its_variable(name: str) -> None:
    assert getattr(Settings.from_env({env_name(name): " 42 "}), name) == 42


def test_from_env_empty_variables_are_unset(tmp_path: Path) -> None:
    env = {env_name(f.name): "" for f in dataclasses.fields(Settings)}
    s = Settings.from_env(env | {"COMPLAINT_VAR_DIR": str(tmp_path)})
    assert s == Settings.from_env({"COMPLAINT_VAR_DIR": str(tmp_path)})


def test_from_env_variable_names_are_case_sensitive() -> None:
    s = Settings.from_env({"smtp_port": "2525", "Complaint_Policy": "plan-gestion", "UNRELATED": "1"})
    assert (s.smtp_port, s.policy) == (25, "igretec")


def test_from_env_engine_url_follows_engine_host_unless_given() -> None:
    assert Settings.from_env({"ENGINE_HOST": "10.0.0.5"}).engine_url == "http://10.0.0.5:5005"
    given = Settings.from_env({"ENGINE_HOST": "10.0.0.5", "ENGINE_URL": "http://a:1/,http://b:2//"})
    assert (given.engine_host, given.engine_url) == ("10.0.0.5", "http://a:1/,http://b:2")


def test_from_env_base_urls_lose_their_trailing_slashes() -> None:
    s = Settings.from_env({"TELEGRAM_API_BASE_URL": "http://t/", "WHATSAPP_API_BASE_URL": "http://w///",
                           "TWILIO_API_BASE_URL": "/", "PUBLIC_BASE_URL": "https://p.org/"})
    assert (s.telegram_api_base_url, s.whatsapp_api_base_url, s.twilio_api_base_url, s.public_base_url) == (
        "http://t", "http://w", "", "https://p.org")
    assert Settings.from_env({"PUBLIC_BASE_URL": "/"}).public_base_url is None


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("TRUE", True), ("Yes", True),
                                           ("on", False), ("0", False), ("no", False), ("n'importe", False)])
def test_from_env_trust_forwarded_for_only_1_true_yes(value: str, on: bool) -> None:
    assert Settings.from_env({"TRUST_FORWARDED_FOR": value}).trust_forwarded_for is on


@pytest.mark.parametrize(("value", "number"), [("+25", 25), ("-1", -1), ("1_000", 1000)])
def test_from_env_numbers_read_as_int_reads_them(value: str, number: int) -> None:
    assert Settings.from_env({"SMTP_PORT": value}).smtp_port == number


@pytest.mark.parametrize("value", ["abc", "12.0", "0x10", "25 ports"])
def test_from_env_bad_number_is_a_value_error_naming_the_variable(value: str) -> None:
    with pytest.raises(ValueError, match="WEB_PORT"):
        Settings.from_env({"WEB_PORT": value})
