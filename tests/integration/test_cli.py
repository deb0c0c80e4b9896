"""`complaintbot` as operators run it: a subprocess, settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.services import staff
from bot.services.uow import Registry

COMPLAINTBOT = Path(sys.executable).parent / "complaintbot"
GOOD_POLICY = Path(__file__).resolve().parents[2] / "bot" / "policies" / "igretec.yml"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'registry.db'}",
        "COMPLAINT_VAR_DIR": str(tmp_path / "var"),
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMPLAINTBOT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_cli_staff_add_then_token_fresh_database_token_works(env: dict[str, str]) -> None:
    added = run(env, "staff", "add", "Agent@Exemple.be", "--role", "manager", "--password", "s3cret")
    assert added.returncode == 0, added.stderr
    assert "agent@exemple.be" in added.stdout
    issued = run(env, "staff", "token", "agent@exemple.be")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.split()[-1]
    assert len(token) >= 32
    registry = Registry.from_url(env["DATABASE_URL"])
    try:
        assert staff.authenticate_token(registry, token) == {"email": "agent@exemple.be", "role": "manager", "can_answer": False}
        assert staff.authenticate_password(registry, "agent@exemple.be", "s3cret") is not None
    finally:
        registry.dispose()
    unknown = run(env, "staff", "token", "nobody@exemple.be")
    assert unknown.returncode == 1 and "nobody@exemple.be" in unknown.stderr


def test_cli_policy_check_good_file_ok_broken_file_errors_with_place(env: dict[str, str], tmp_path: Path) -> None:
    good = run(env, "policy", "check", str(GOOD_POLICY))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "valide" in good.stdout

    broken = tmp_path / "broken.yml"
    text = GOOD_POLICY.read_text(encoding="utf-8")
    text = text.replace("reference_prefix: IGR", "reference_prefix: igr-x", 1)
    text = text.replace("unit: jours_ouvrables", "unit: fortnights", 1)
    broken.write_text(text, encoding="utf-8")
    result = run(env, "policy", "check", str(broken))
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERREUR")]
    assert len(errors) >= 2
    assert any("reference_prefix" in e for e in errors)
    assert any("acknowledgement.unit" in e and "ligne" in e for e in errors)

    not_yaml = tmp_path / "bad.yml"
    not_yaml.write_text("id: [unclosed\n", encoding="utf-8")
    result = run(env, "policy", "check", str(not_yaml))
    assert result.returncode == 1 and "ligne" in result.stdout


def test_cli_db_upgrade_and_retention_dry_run(env: dict[str, str]) -> None:
    upgraded = run(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "0005" in upgraded.stdout
    dry = run(env, "retention", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip().splitlines()[-1].startswith("0 dossier")
