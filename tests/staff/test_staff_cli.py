"""The staff-side commands as operators run them (subprocesses, settings from the environment):
a token that opens the API, `outbox send` against a real SMTP server, `deadlines notify`,
`export csv`, `export pdf`, `person export/erase`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.policies import load_policy
from bot.services import staff
from bot.services.uow import Registry
from tests.staff.conftest import CITIZEN, STAFF_INBOX, SmtpServer

COMPLAINTBOT = Path(sys.executable).parent / "complaintbot"


@pytest.fixture
def env(tmp_path: Path, smtp: SmtpServer) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'registry.db'}",
        "COMPLAINT_VAR_DIR": str(tmp_path / "var"),
        "COMPLAINT_POLICY": "igretec",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "STAFF_NOTIFY_EMAIL": STAFF_INBOX,
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMPLAINTBOT), *args], env=env, capture_output=True, text=True, timeout=60,
                          cwd=env["COMPLAINT_VAR_DIR"].rsplit("/", 1)[0])


def test_cli_token_opens_the_api_and_staff_commands_work(env: dict[str, str], smtp: SmtpServer,
                                                         tmp_path: Path) -> None:
    assert run(env, "staff", "add", "chef@org.be", "--role", "manager").returncode == 0
    token = run(env, "staff", "token", "chef@org.be").stdout.split()[-1]
    settings = Settings.from_env(env)
    registry = Registry.from_settings(settings)
    try:
        from bot.web.app import create_app

        client = TestClient(create_app(settings, registry=registry))
        assert client.get("/api/v1/complaints").status_code == 401
        now = datetime.now(UTC)
        created = client.post("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"},
                              json={**CITIZEN, "channel": "email", "received_at": now.isoformat()})
        assert created.status_code == 201, created.text
        ref = created.json()["reference"]
        listed = client.get("/api/v1/complaints?limit=1000", headers={"Authorization": f"Bearer {token}"}).json()
        assert listed["items"][0]["email"] == CITIZEN["email"]
        staff.transition(registry, ref, "acknowledged", actor="chef@org.be", role="manager", now=now)
    finally:
        registry.dispose()

    notify = run(env, "deadlines", "notify")
    assert notify.returncode == 0, notify.stderr
    assert "1 nouveau(x) dossier(s)" in notify.stdout and "2 e-mail(s) envoyé(s)" in notify.stdout
    assert {m["To"] for m in smtp.inbox.wait_for(2)} == {STAFF_INBOX, CITIZEN["email"]}
    again = run(env, "outbox", "send")
    assert again.returncode == 0 and again.stdout.startswith("0 e-mail(s) envoyé(s)")
    assert "0 en attente" in run(env, "outbox", "status").stdout

    year = str(datetime.now(UTC).year)
    exported = run(env, "export", "csv", "--from", f"{year}-01-01", "--to", f"{int(year) + 1}-12-31")
    rows = list(csv.reader(io.StringIO(exported.stdout)))
    assert rows[0][:3] == ["Référence", "Nom du client", "Date de réception"] and rows[1][0] == ref
    pdf = run(env, "export", "pdf", ref, "--output", str(tmp_path / "dossier.pdf"))
    assert pdf.returncode == 0 and (tmp_path / "dossier.pdf").read_bytes().startswith(b"%PDF-")

    access = run(env, "person", "export", "--email", CITIZEN["email"], "--actor", "dpo@org.be")
    assert access.returncode == 0 and json.loads(access.stdout)["complaints"][0]["reference"] == ref
    erase = run(env, "person", "erase", "--email", CITIZEN["email"], "--dry-run")
    assert erase.returncode == 0 and f"conservé {ref} : dossier en cours" in erase.stdout
    assert load_policy("igretec").id == "igretec"


def test_cli_outbox_send_smtp_down_exit_1_nothing_lost(env: dict[str, str], smtp: SmtpServer) -> None:
    env = {**env, "SMTP_PORT": "1"}  # nothing listens there
    registry = Registry.from_settings(Settings.from_env(env), migrate=True)
    try:
        from bot.services.messages import enqueue_email

        enqueue_email(registry, "x@exemple.be", "Objet", "Texte", now=datetime.now(UTC))
    finally:
        registry.dispose()
    down = run(env, "outbox", "send")
    assert down.returncode == 1 and "injoignable" in down.stderr and "1 en attente" in down.stdout
    assert "1 en attente" in run(env, "outbox", "status").stdout
