"""A real engine and action server on free ports, for the end-to-end tests and the benchmarks.

The engine starts once (about 20 s); the action server, which carries the preset, restarts per
preset in about a second. Nothing here runs at import.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.request
from pathlib import Path

from bot.config import ROOT, Settings
from bot.runner import commands, wait_http, write_endpoints

MODEL = ROOT / "models" / "current.tar.gz"

# A Belgian citizen's answers to every question of the happy path (tests and benchmarks).
HAPPY_ANSWERS: dict[str, str] = {
    "consent": "oui, j'accepte",
    "acting_for": "en mon nom propre",
    "prior_contact": "oui, j'ai déjà contacté le service",
    "last_name": "Lambert",
    "first_name": "Sophie",
    "address": "Rue des Écoles 7, 7000 Mons",
    "email": "sophie.lambert@example.be",
    "phone": "0475 98 76 54",
    "file_reference": "dossier 2026/4471",
    "facts_description": "Le 14 octobre, j'ai reçu une facture de 412 euros pour des travaux de raccordement "
                         "jamais réalisés. J'ai écrit au service facturation le 20 octobre, sans réponse.",
    "facts_date": "le 14 octobre",
    "facts_place": "à mon domicile à Mons",
    "persons_contacted": "le service facturation par e-mail",
    "attachments": "aucun",
    "objective": "L'annulation de la facture et une réponse écrite.",
}
FIRST_MESSAGE = "Bonjour, je voudrais faire une réclamation au sujet d'une facture."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    def __init__(self, tmp: Path, extra_env: dict[str, str] | None = None) -> None:
        self.tmp = tmp
        self.token = "e2e-token-" + os.urandom(6).hex()
        self.engine_port, self.action_port = free_port(), free_port()
        self.env = dict(os.environ, RASA_AUTH_TOKEN=self.token, DATABASE_URL=f"sqlite:///{tmp / 'registry.db'}",
                        COMPLAINT_VAR_DIR=str(tmp), TF_CPP_MIN_LOG_LEVEL="3", RASA_TELEMETRY_ENABLED="false",
                        ACTION_SERVER_URL=f"http://127.0.0.1:{self.action_port}/webhook")
        self.env.update(extra_env or {})
        self.db_url = self.env["DATABASE_URL"]
        self.settings = Settings.from_env(self.env)
        self.engine: subprocess.Popen[bytes] | None = None
        self.replicas: list[subprocess.Popen[bytes]] = []
        self.actions: subprocess.Popen[bytes] | None = None
        self.policy: str | None = None
        self.url = f"http://127.0.0.1:{self.engine_port}"

    def start_engine(self) -> None:
        from bot.storage.migrate import upgrade

        upgrade(self.db_url)
        endpoints = write_endpoints(self.settings)
        cmd = commands(self.settings, MODEL, endpoints, engine_port=self.engine_port)["engine"]
        self.engine = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=(self.tmp / "engine.log").open("wb"),
                                       stderr=subprocess.STDOUT)
        if not wait_http(f"{self.url}/status?token={self.token}", 300):
            raise RuntimeError("engine did not start: " + (self.tmp / "engine.log").read_text()[-3000:])

    def start_replica(self) -> str:
        """Another engine process on the same stores (for the lock-store test); returns its URL."""
        port = free_port()
        cmd = commands(self.settings, MODEL, self.settings.var_dir / "endpoints.yml", engine_port=port)["engine"]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=(self.tmp / f"engine-{port}.log").open("wb"),
                                stderr=subprocess.STDOUT)
        self.replicas.append(proc)
        url = f"http://127.0.0.1:{port}"
        if not wait_http(f"{url}/status?token={self.token}", 300):
            raise RuntimeError("replica did not start")
        return url

    def use_policy(self, policy: str) -> None:
        if self.policy == policy and self.actions and self.actions.poll() is None:
            return
        self.stop_actions()
        env = dict(self.env, COMPLAINT_POLICY=policy)
        cmd = commands(self.settings, MODEL, Path("x"), action_port=self.action_port)["actions"]
        self.actions = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=(self.tmp / f"actions-{policy}.log").open("wb"),
                                        stderr=subprocess.STDOUT)
        if not wait_http(f"http://127.0.0.1:{self.action_port}/health", 60):
            raise RuntimeError("action server did not start")
        self.policy = policy

    def stop_actions(self) -> None:
        if self.actions and self.actions.poll() is None:
            self.actions.terminate()
            self.actions.wait(10)
        self.actions = None

    def stop(self) -> None:
        self.stop_actions()
        for proc in [self.engine, *self.replicas]:
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()

    # -------------------------------------------------------------- client side
    def say(self, sender: str, text: str, metadata: dict | None = None, url: str | None = None) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
        req = urllib.request.Request(f"{url or self.url}/webhooks/rest/webhook", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:  # http://127.0.0.1 URL built here  # nosec B310
            return json.loads(r.read() or b"[]")

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(f"{self.url}/conversations/{sender}/tracker?token={self.token}", timeout=30) as r:  # http://127.0.0.1 URL built here  # nosec B310
            return json.loads(r.read())



    def pids(self) -> dict[str, int]:
        out = {}
        if self.engine:
            out["engine"] = self.engine.pid
        if self.actions:
            out["actions"] = self.actions.pid
        return out


def play(stack: Stack, sender: str, first: str, answers: dict[str, str], *, max_turns: int = 40,
         confirm: str = "oui, c'est correct") -> list[tuple[str, str]]:
    """Drive one conversation: answer each requested slot from `answers`; returns the transcript."""
    transcript: list[tuple[str, str]] = []

    def say(text: str) -> None:
        transcript.append(("user", text))
        for m in stack.say(sender, text):
            transcript.append(("bot", m.get("text") or ""))

    say(first)
    for _ in range(max_turns):
        slot = (stack.tracker(sender).get("slots") or {}).get("requested_slot")
        if not slot:
            break
        if slot in answers:
            say(answers[slot])
        elif "confirm" in slot:
            say(confirm)
        else:
            say("oui")
    return transcript
