"""`make run`: prepare var/, migrate, then start the engine, the action server and the web service.

Ctrl-C (SIGINT) or SIGTERM stops all three. The engine listens on ENGINE_HOST (127.0.0.1 by
default): its token protects the HTTP API but not the REST webhook, so the public face is the
web service.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

from bot.config import ROOT, Settings, ensure_token


def engine_endpoints(settings: Settings) -> dict:
    """The engine's endpoints.yml from the settings (pitfall: the engine refuses unset ${VARS})."""
    endpoints: dict = {"action_endpoint": {"url": settings.action_server_url}}
    if settings.tracker_store_url:
        u = urlparse(settings.tracker_store_url)
        dialect = u.scheme.split("+")[0]
        if dialect == "postgres":
            dialect = "postgresql"
        store: dict = {"type": "SQL", "dialect": dialect, "db": u.path.lstrip("/")}
        if dialect != "sqlite":
            store.update(url=u.hostname or "localhost", port=u.port or 5432)
            if u.username:
                store["username"] = unquote(u.username)
            if u.password:
                store["password"] = unquote(u.password)
        else:
            store["db"] = u.path[1:] if u.path.startswith("//") else u.path.lstrip("/")
        endpoints["tracker_store"] = store
    else:
        endpoints["tracker_store"] = {"type": "SQL", "dialect": "sqlite", "db": str(settings.var_dir / "tracker.db")}
    if settings.redis_url:
        r = urlparse(settings.redis_url)
        lock: dict = {"type": "redis", "url": r.hostname or "localhost", "port": r.port or 6379,
                      "db": int((r.path or "/0").lstrip("/") or 0), "key_prefix": "complaintbot"}
        if r.password:
            lock["password"] = unquote(r.password)
        endpoints["lock_store"] = lock
    return endpoints


def write_endpoints(settings: Settings) -> Path:
    path = settings.var_dir / "endpoints.yml"
    path.write_text(yaml.safe_dump(engine_endpoints(settings), sort_keys=False))
    return path


def latest_model() -> Path | None:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RASA_AUTH_TOKEN=settings.rasa_auth_token,
        COMPLAINT_POLICY=settings.policy,
        DATABASE_URL=settings.database_url,
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONUNBUFFERED="1",
    )
    return env


def commands(settings: Settings, model: Path, endpoints: Path, *, engine_port: int = 5005,
             action_port: int = 5055, web_port: int | None = None) -> dict[str, list[str]]:
    venv = ROOT / ".venv" / "bin"
    return {
        "actions": [str(venv / "python"), "-m", "rasa_sdk", "--actions", "actions", "-p", str(action_port)],
        "engine": [str(ROOT / ".venv-rasa" / "bin" / "rasa"), "run", "-m", str(model), "--enable-api",
                   "--auth-token", settings.rasa_auth_token, "-i", settings.engine_host, "-p", str(engine_port),
                   "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")],
        "web": [str(venv / "python"), "-m", "uvicorn", "bot.web.app:create_app", "--factory",
                "--host", settings.web_host, "--port", str(web_port or settings.web_port), "--no-access-log"],
    }


def wait_http(url: str, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except Exception:
            time.sleep(0.5)
    return False


def prepare(settings: Settings) -> None:
    from bot.storage.migrate import upgrade

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    settings.attachments_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)


def main() -> int:
    if not os.environ.get("RASA_AUTH_TOKEN"):
        ensure_token(Settings.from_env().var_dir)
    settings = Settings.from_env()
    t0 = time.monotonic()
    prepare(settings)
    model = latest_model()
    if model is None:
        print("Aucun modèle entraîné : lancez `make train`.", file=sys.stderr)
        return 1
    endpoints = write_endpoints(settings)
    env = child_env(settings)
    procs: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        end = time.monotonic() + 10
        for p in procs.values():
            try:
                p.wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()

    def on_signal(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for name, cmd in commands(settings, model, endpoints).items():
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env)
    ok = (wait_http("http://127.0.0.1:5055/health", 120)
          and wait_http(f"http://127.0.0.1:{settings.web_port}/healthz", 120)
          and wait_http(f"{settings.engine_url}/status?token={settings.rasa_auth_token}", 600))
    if not ok:
        print("Le démarrage a échoué (voir les messages ci-dessus).", file=sys.stderr)
        stop()
        return 1
    print(
        f"\nPrêt en {time.monotonic() - t0:.1f} s, organisation « {settings.policy} ».\n"
        f"  Discuter : http://localhost:{settings.web_port}/  (widget web)\n"
        f"  API REST du moteur : POST {settings.engine_url}/webhooks/rest/webhook\n"
        f"  Personnel : http://localhost:{settings.web_port}/staff/\n"
        "Ctrl-C pour tout arrêter.\n",
        flush=True,
    )
    while True:
        for name, p in procs.items():
            if p.poll() is not None:
                print(f"Le processus {name} s'est arrêté (code {p.returncode}) : arrêt.", file=sys.stderr)
                stop()
                return 1
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
