"""`make run`: prepare var/, migrate, then start the engines, the action server and the web service
under supervisord, which restarts each of them when it dies.

Processes (each a supervisord program, `var/supervisord.conf`, written at every start):

- `engine-0` … `engine-{N-1}`: N = `ENGINE_WORKERS` Rasa engines on consecutive ports from
  ENGINE_URL's port (5005, 5006…), on ENGINE_HOST (127.0.0.1 by default: the token protects the
  HTTP API, not the REST webhook). Default N: the number of cores when the tracker store is
  PostgreSQL (TRACKER_STORE_URL) and the lock store Redis (REDIS_URL), else 1 (several engines
  need the shared stores to hand a conversation from one to another);
- `actions`: the action server, bound to 127.0.0.1 (rasa-sdk's default is 0.0.0.0), with
  `ACTION_WORKERS` Sanic worker processes (default: 1 per two engines);
- `web`: the web service, given every engine's URL in ENGINE_URL (comma-separated): it routes
  each sender to one engine by a stable hash, and to the next one when that one is down.

Ctrl-C (SIGINT) or SIGTERM stops everything; supervisord also gets SIGTERM if this process dies.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shlex
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

LOOPBACK = "127.0.0.1"
WORKER_MARK = "COMPLAINTBOT_SUPERVISED"


class _Stopping(Exception):
    """SIGINT or SIGTERM received by the runner."""


def engine_endpoints(settings: Settings) -> dict:
    """The engine's endpoints.yml from the settings (pitfall: the engine refuses unset ${VARS})."""
    endpoints: dict = {"action_endpoint": {"url": settings.action_server_url}}
    if settings.action_server_token:  # checked by rasa_sdk_plugins (the action server's plug-in)
        endpoints["action_endpoint"]["token"] = settings.action_server_token
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
    path.touch(mode=0o600)  # it may hold the action server's token
    path.chmod(0o600)
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


# ---------------------------------------------------------------------------- sizing
def shared_stores(settings: Settings) -> bool:
    """True when several engines can share conversations: SQL tracker store on a server + Redis locks."""
    tracker = urlparse(settings.tracker_store_url or "sqlite://").scheme.split("+")[0]
    return bool(settings.redis_url) and tracker in ("postgres", "postgresql")


def engine_workers(settings: Settings, env: dict[str, str] | None = None) -> int:
    raw = (os.environ if env is None else env).get("ENGINE_WORKERS")
    if raw:
        return max(1, int(raw))
    return max(1, os.cpu_count() or 1) if shared_stores(settings) else 1


def action_workers(engines: int, env: dict[str, str] | None = None) -> int:
    raw = (os.environ if env is None else env).get("ACTION_WORKERS")
    if raw:
        return max(1, int(raw))
    return max(1, (engines + 1) // 2)


def port_of(url: str, default: int) -> int:
    return urlparse(url).port or default


def engine_urls(settings: Settings, count: int) -> list[str]:
    u = urlparse(settings.engine_url)
    base = u.port or 5005
    host = u.hostname or LOOPBACK
    return [f"{u.scheme or 'http'}://{host}:{base + i}" for i in range(count)]


# ---------------------------------------------------------------------------- commands
# `rasa run` with its token read from RASA_AUTH_TOKEN instead of the command line, which every
# user of the machine can read (ps, /proc/<pid>/cmdline); Rasa has no other way to be given it.
ENGINE_MAIN = ("import os, sys; from rasa.__main__ import main; "
               "sys.argv = ['rasa', *sys.argv[1:], '--auth-token', os.environ['RASA_AUTH_TOKEN']]; main()")


def commands(settings: Settings, model: Path, endpoints: Path, *, engine_port: int = 5005,
             action_port: int = 5055, web_port: int | None = None) -> dict[str, list[str]]:
    """The command of each process (none holds a secret: the engine reads RASA_AUTH_TOKEN from its
    environment). The action server goes through `bot.runner actions`, which binds it to 127.0.0.1
    whoever starts it (rasa-sdk reads SANIC_HOST, default 0.0.0.0)."""
    venv = ROOT / ".venv" / "bin"
    return {
        "actions": [str(venv / "python"), "-m", "bot.runner", "actions", "--actions", "actions",
                    "-p", str(action_port)],
        "engine": [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", ENGINE_MAIN, "run", "-m", str(model),
                   "--enable-api", "-i", settings.engine_host,
                   "-p", str(engine_port), "--endpoints", str(endpoints), "--credentials",
                   str(ROOT / "credentials.yml")],
        "web": [str(venv / "python"), "-m", "uvicorn", "bot.web.app:create_app", "--factory",
                "--host", settings.web_host, "--port", str(web_port or settings.web_port), "--no-access-log"],
    }


def serve_actions(argv: list[str]) -> None:
    """`python -m bot.runner actions [--host H] <rasa_sdk arguments>`: the action server on H
    (127.0.0.1 unless given: it trusts every tracker it is sent)."""
    parser = argparse.ArgumentParser(prog="bot.runner actions", add_help=False)
    parser.add_argument("--host", default=LOOPBACK)
    ours, rest = parser.parse_known_args(argv)
    os.environ["SANIC_HOST"] = ours.host
    os.environ[WORKER_MARK] = "actions"  # inherited by Sanic's worker processes (see the end of this file)
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    main_from_args(create_argument_parser().parse_args(rest))


def programs(settings: Settings, model: Path, endpoints: Path, *, engines: int,
             actions: int) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Each supervised program: (command, extra environment). The engine reads its token from
    RASA_AUTH_TOKEN (supervisord's environment), so neither the config nor a command holds it."""
    action_port = port_of(settings.action_server_url, 5055)
    urls = engine_urls(settings, engines)
    out: dict[str, tuple[list[str], dict[str, str]]] = {}
    for i, url in enumerate(urls):
        cmd = commands(settings, model, endpoints, engine_port=port_of(url, 5005))["engine"]
        out[f"engine-{i}"] = (cmd, {})
    out["actions"] = (commands(settings, model, endpoints, action_port=action_port)["actions"],
                      {"ACTION_SERVER_SANIC_WORKERS": str(actions)})
    out["web"] = (commands(settings, model, endpoints)["web"], {"ENGINE_URL": ",".join(urls)})
    return out


def supervisor_conf(progs: dict[str, tuple[list[str], dict[str, str]]], var_dir: Path) -> str:
    """supervisord's configuration: every program restarted when it dies, its output on ours."""
    def q(value: str) -> str:
        return value.replace("%", "%%")

    run = var_dir / "run"
    lines = [
        "[supervisord]", "nodaemon=true", f"logfile={q(str(var_dir / 'supervisord.log'))}",
        "logfile_maxbytes=1MB", "logfile_backups=2", f"pidfile={q(str(run / 'supervisord.pid'))}",
        f"childlogdir={q(str(run))}", "",
        "[unix_http_server]", f"file={q(str(run / 'supervisor.sock'))}", "chmod=0700", "",
        "[supervisorctl]", f"serverurl=unix://{q(str(run / 'supervisor.sock'))}", "",
        "[rpcinterface:supervisor]", "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
    ]
    for name, (cmd, extra) in progs.items():
        # each program ends with supervisord: a kill -9 of `make run` leaves nothing on the ports
        cmd = [str(ROOT / ".venv" / "bin" / "python"), "-m", "bot.runner", "exec", *cmd]
        command = q(shlex.join(cmd))
        lines += [
            f"[program:{name}]", f"command={command}", f"directory={q(str(ROOT))}",
            "autostart=true", "autorestart=true", "startsecs=3", "startretries=100",
            "stopasgroup=true", "killasgroup=true", "stopwaitsecs=15", "stopsignal=TERM",
            "redirect_stderr=true", "stdout_logfile=/dev/stdout", "stdout_logfile_maxbytes=0",
        ]
        if extra:
            lines.append("environment=" + ",".join(f'{k}="{q(v)}"' for k, v in extra.items()))
        lines.append("")
    return "\n".join(lines)


def write_supervisor_conf(progs: dict[str, tuple[list[str], dict[str, str]]], var_dir: Path) -> Path:
    (var_dir / "run").mkdir(parents=True, exist_ok=True)
    path = var_dir / "supervisord.conf"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(supervisor_conf(progs, var_dir))
    return path


def supervisorctl(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`supervisorctl` on the running stack (`status`, `pid actions`, `restart web`…)."""
    return subprocess.run([str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c", str(var_dir / "supervisord.conf"),
                           *args], capture_output=True, text=True, timeout=30)


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the runner dies (Linux), so nothing is left behind."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


# ---------------------------------------------------------------------------- start-up
def wait_http(url: str, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):  # a health URL of our own processes  # nosec B310
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
    """`make run`: prepare, start supervisord with every program, wait until all answer, then
    until supervisord ends (1) or Ctrl-C / SIGTERM stops everything (0)."""
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
    engines = engine_workers(settings)
    if engines > 1 and not shared_stores(settings):
        print(f"Attention : {engines} moteurs sans PostgreSQL + Redis (TRACKER_STORE_URL, REDIS_URL) : "
              "une conversation n'est reprise par un autre moteur que sans garantie d'ordre.", file=sys.stderr)
    progs = programs(settings, model, endpoints, engines=engines, actions=action_workers(engines))
    conf = write_supervisor_conf(progs, settings.var_dir)
    supervisor = subprocess.Popen([str(ROOT / ".venv" / "bin" / "supervisord"), "-c", str(conf)], cwd=ROOT,
                                  env=child_env(settings), preexec_fn=_die_with_parent)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        return _supervise(supervisor, settings, engines, conf, t0)
    except _Stopping:
        _stop(supervisor)
        return 0


def _on_signal(*_: object) -> None:
    raise _Stopping  # handled in main, outside any wait (a nested Popen.wait would spin on its lock)


def _stop(supervisor: subprocess.Popen[bytes]) -> None:
    if supervisor.poll() is None:
        supervisor.terminate()
        try:
            supervisor.wait(40)
        except subprocess.TimeoutExpired:
            supervisor.kill()
            supervisor.wait()


def _supervise(supervisor: subprocess.Popen[bytes], settings: Settings, engines: int, conf: Path,
               t0: float) -> int:
    """Wait for every program to answer, say where to reach them, then wait for supervisord."""
    urls = engine_urls(settings, engines)
    if not _all_up(settings, urls) or supervisor.poll() is not None:
        print("Le démarrage a échoué (voir les messages ci-dessus).", file=sys.stderr)
        _stop(supervisor)
        return 1
    print(
        f"\nPrêt en {time.monotonic() - t0:.1f} s, organisation « {settings.policy} », "
        f"{engines} moteur(s), processus relancés s'ils s'arrêtent.\n"
        f"  Discuter : http://localhost:{settings.web_port}/  (widget web)\n"
        f"  API REST du moteur : POST {urls[0]}/webhooks/rest/webhook\n"
        f"  Personnel : http://localhost:{settings.web_port}/staff/\n"
        f"  État des processus : .venv/bin/supervisorctl -c {conf} status\n"
        "Ctrl-C pour tout arrêter.\n",
        flush=True,
    )
    code = supervisor.wait()
    print(f"Le superviseur s'est arrêté (code {code}).", file=sys.stderr)
    return 1


def _all_up(settings: Settings, urls: list[str]) -> bool:
    """The action server, the web service, then every engine answer (in that order, at most 2, 2 and 10 min)."""
    action_port = port_of(settings.action_server_url, 5055)
    return (wait_http(f"http://{LOOPBACK}:{action_port}/health", 120)
            and wait_http(f"http://{LOOPBACK}:{settings.web_port}/healthz", 120)
            and all(wait_http(f"{url}/status?token={settings.rasa_auth_token}", 600) for url in urls))


if __name__ == "__mp_main__" and os.environ.get(WORKER_MARK) == "actions":
    # A worker process of the action server (Sanic starts them with multiprocessing's "spawn",
    # which imports the parent's main module under this name): end with its parent. Without
    # this, a kill -9 of the action server leaves its worker holding the port, and the server
    # supervisord restarts cannot bind it.
    _die_with_parent()

if __name__ == "__main__":
    if sys.argv[1:2] == ["exec"]:
        # `python -m bot.runner exec CMD…`: CMD with SIGTERM when its parent (supervisord) dies
        _die_with_parent()
        os.execv(sys.argv[2], sys.argv[2:])  # our own launcher, argv from bot.runner  # nosec B606
    if sys.argv[1:2] == ["actions"]:
        _die_with_parent()
        serve_actions(sys.argv[2:])
    else:
        sys.exit(main())
