"""`make run` for real (`python -m bot.runner` on free ports, throw-away var/): what it starts
listens where it should, each process killed with SIGKILL is restarted by supervisord, and a
stop leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import ROOT
from bot.devstack import MODEL, free_port
from bot.runner import supervisorctl

pytestmark = pytest.mark.slow


@dataclass
class Running:
    proc: subprocess.Popen[bytes]
    var: Path
    web_port: int
    engine_port: int
    action_port: int
    token: str

    def pid(self, program: str) -> int:
        out = supervisorctl(self.var, "pid", program).stdout.strip()
        return int(out) if out.isdigit() else 0

    def wait_running(self, program: str, old_pid: int, timeout: float) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            status = supervisorctl(self.var, "status", program).stdout
            pid = self.pid(program)
            if "RUNNING" in status and pid and pid != old_pid:
                return pid
            time.sleep(0.5)
        raise AssertionError(f"{program} not restarted: {supervisorctl(self.var, 'status').stdout}")


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = [int(c) for c in (task / "children").read_text().split()]
                out += kids
                todo += kids
        except OSError:
            continue
    return out


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


def listeners(port: int) -> list[str]:
    """Local addresses of the sockets listening on `port` (IPv4 and IPv6), from /proc/net."""
    found = []
    for name, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            fields = line.split()
            addr, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:
                if width == 8:
                    found.append(".".join(str(b) for b in reversed(bytes.fromhex(addr))))
                else:
                    found.append("ipv6:" + addr)
    return found


def http(url: str, body: dict | None = None, timeout: float = 30) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def wait_http(url: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3):
                return
        except Exception:
            if time.monotonic() > end:
                raise
            time.sleep(0.5)


def chat_turn(r: Running) -> list[str]:
    base = f"http://127.0.0.1:{r.web_port}"
    sender = http(f"{base}/chat/session", {})["sender"]
    out = http(f"{base}/chat/messages", {"sender": sender, "message": "Bonjour, je voudrais faire une réclamation"})
    return [m["text"] for m in out["messages"]]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    var = tmp_path_factory.mktemp("runner")
    web_port, engine_port, action_port = free_port(), free_port(), free_port()
    env = dict(os.environ, COMPLAINT_VAR_DIR=str(var), RASA_AUTH_TOKEN="t-" + os.urandom(6).hex(),
               WEB_PORT=str(web_port), WEB_HOST="127.0.0.1", ENGINE_URL=f"http://127.0.0.1:{engine_port}",
               ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook", ENGINE_WORKERS="1",
               SANIC_HOST="0.0.0.0",  # what rasa-sdk would bind by default: the runner must override it
               RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("TRACKER_STORE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    log = (var / "runner.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot.runner"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    r = Running(proc, var, web_port, engine_port, action_port, env["RASA_AUTH_TOKEN"])
    try:
        end = time.monotonic() + 420
        while "Prêt en" not in (var / "runner.log").read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < end, (var / "runner.log").read_text()[-3000:]
            time.sleep(1)
        yield r
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(90)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def test_runner_internal_servers_listen_on_loopback_only(running: Running) -> None:
    """Bound to 127.0.0.1: no other address of the machine can reach them (SANIC_HOST=0.0.0.0
    was set in the runner's environment on purpose)."""
    assert listeners(running.action_port) and set(listeners(running.action_port)) == {"127.0.0.1"}
    assert listeners(running.engine_port) and set(listeners(running.engine_port)) == {"127.0.0.1"}
    assert set(listeners(running.web_port)) == {"127.0.0.1"}  # WEB_HOST given by the test


def test_runner_engine_token_is_on_no_command_line_yet_protects_the_engine(running: Running) -> None:
    pid = running.pid("engine-0")
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    assert "rasa.__main__" in cmdline and "os.environ['RASA_AUTH_TOKEN']" in cmdline
    token = running.token
    assert token and token not in cmdline
    base = f"http://127.0.0.1:{running.engine_port}"
    assert http_status(f"{base}/status") == 401 and http_status(f"{base}/status?token={token}") == 200


def test_runner_action_server_killed_is_restarted_and_its_workers_do_not_linger(running: Running) -> None:
    pid = running.pid("actions")
    workers = descendants(pid)
    assert pid and workers
    os.kill(pid, signal.SIGKILL)
    new = running.wait_running("actions", pid, 60)
    wait_http(f"http://127.0.0.1:{running.action_port}/health", 60)
    time.sleep(1)
    assert not [w for w in workers if alive(w)], "a worker of the killed action server is still running"
    assert new in [running.pid("actions")]
    answers = chat_turn(running)
    assert answers and not any("ne répond pas" in a for a in answers)


def test_runner_web_service_killed_is_restarted(running: Running) -> None:
    pid = running.pid("web")
    os.kill(pid, signal.SIGKILL)
    running.wait_running("web", pid, 60)
    wait_http(f"http://127.0.0.1:{running.web_port}/healthz", 60)
    assert chat_turn(running)


def test_runner_engine_killed_is_restarted(running: Running) -> None:
    pid = running.pid("engine-0")
    os.kill(pid, signal.SIGKILL)
    running.wait_running("engine-0", pid, 60)
    wait_http(f"http://127.0.0.1:{running.engine_port}/", 400)
    answers = chat_turn(running)
    assert answers and not any("ne répond pas" in a for a in answers)


def test_runner_sigterm_stops_everything(running: Running) -> None:
    pids = [running.pid(p) for p in ("engine-0", "actions", "web")]
    supervisord = int((running.var / "run" / "supervisord.pid").read_text())
    everything = [supervisord, *pids, *(d for p in pids for d in descendants(p))]
    running.proc.send_signal(signal.SIGTERM)
    assert running.proc.wait(90) == 0
    end = time.monotonic() + 30
    while any(alive(p) for p in everything) and time.monotonic() < end:
        time.sleep(0.5)
    assert not [p for p in everything if alive(p)]
