"""Load: N full intakes at C concurrent conversations through the web service's public chat
endpoint (`POST /chat/session`, then `POST /chat/messages`), as the widget does.

    .venv/bin/python bench/load.py --start [--engines 1,2] [--stores postgres] [-n 48] [-c 16] [--plugin on|off]
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 [-n 48] [-c 16]   # a running `make run`

`--start` runs `bot.runner` (supervised, as `make run`) in a throw-away var/ on free ports, once
per engine count, with the web service's per-address rate limits lifted (one address plays
every citizen; against a running stack, start it with RATE_CHAT_SESSION and
RATE_CHAT_MESSAGES_PER_ADDRESS raised), with the stores of the environment (TRACKER_STORE_URL, REDIS_URL,
DATABASE_URL: SQLite in the throw-away folder when unset). Without `--start` the figures are
taken against a running stack and its registry gets the complaints. The happy-path answers are
`bot.devstack.HAPPY_ANSWERS`: one conversation is recorded first (the engine's tracker tells
which field is asked), then every conversation replays those messages.

Prints, per run: p50/p95/p99 per turn, messages per second, errors (HTTP errors, the relay's
"engine down" answer, intakes not ending with a reference), each process's resident memory and
its CPU time per message (comparable between runs even when other work shares the machine).
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import ROOT  # noqa: E402
from bot.devstack import FIRST_MESSAGE, HAPPY_ANSWERS, free_port  # noqa: E402

REF = re.compile(r"\b[A-Z]{3}-\d{4}-\d{6}\b")
DOWN_WORDS = ("ne répond pas", "un instant")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    filed: int = 0
    elapsed: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


# ---------------------------------------------------------------------------- chat client
async def new_sender(http: httpx.AsyncClient) -> str:
    r = await http.post("/chat/session")
    r.raise_for_status()
    return str(r.json()["sender"])


async def say(http: httpx.AsyncClient, sender: str, text: str) -> list[str]:
    r = await http.post("/chat/messages", json={"sender": sender, "message": text,
                                                "message_id": secrets.token_urlsafe(12)})
    r.raise_for_status()
    return [m.get("text") or "" for m in r.json().get("messages", [])]


async def record(http: httpx.AsyncClient, engine_url: str, token: str) -> list[str]:
    """One intake through the chat endpoint, answering the field the engine's tracker asks."""
    sender = await new_sender(http)
    script = [FIRST_MESSAGE]
    said = await say(http, sender, FIRST_MESSAGE)
    async with httpx.AsyncClient(base_url=engine_url, timeout=30) as eng:
        for _ in range(40):
            tracker = (await eng.get(f"/conversations/{sender}/tracker", params={"token": token})).json()
            slot = (tracker.get("slots") or {}).get("requested_slot")
            if not slot:
                break
            text = HAPPY_ANSWERS.get(slot) or ("oui, c'est correct" if "confirm" in slot else "oui")
            script.append(text)
            said += await say(http, sender, text)
    if not REF.search("\n".join(said)):
        raise RuntimeError("the recorded intake was not filed: " + " | ".join(said[-3:]))
    return script


async def replay(base_url: str, script: list[str], n: int, conc: int, timeout: float) -> Result:
    res = Result()
    sem = asyncio.Semaphore(conc)
    limits = httpx.Limits(max_connections=conc + 4, max_keepalive_connections=conc + 4)

    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as http:
        async def one() -> None:
            async with sem:
                try:
                    sender = await new_sender(http)
                except Exception as exc:
                    res.error(f"session {type(exc).__name__}")
                    return
                said: list[str] = []
                for text in script:
                    t = time.perf_counter()
                    try:
                        answers = await say(http, sender, text)
                    except Exception as exc:
                        res.error(type(exc).__name__)
                        return
                    res.latencies.append(time.perf_counter() - t)
                    if any(w in a.lower() for a in answers for w in DOWN_WORDS):
                        res.error("engine down answer")
                    said += answers
                if REF.search("\n".join(said)):
                    res.filed += 1
                else:
                    res.error("not filed")

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        res.elapsed = time.perf_counter() - t0
    return res


# ---------------------------------------------------------------------------- processes
def tree_rss_mb(pid: int) -> float:
    pids, total = [pid], 0
    while pids:
        p = pids.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total / 1024


def tree_cpu_s(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants, in seconds."""
    pids, ticks = [pid], 0
    while pids:
        p = pids.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
            for task in Path(f"/proc/{p}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def supervised_pids(var_dir: Path) -> dict[str, int]:
    conf = var_dir / "supervisord.conf"
    if not conf.exists():
        return {}
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c", str(conf), "status"],
                         capture_output=True, text=True).stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"(?m)^(\S+)\s+RUNNING\s+pid (\d+)", out)}


def supervised_rss(var_dir: Path) -> dict[str, float]:
    return {name: tree_rss_mb(pid) for name, pid in supervised_pids(var_dir).items()}


def supervised_cpu(var_dir: Path) -> dict[str, float]:
    return {name: tree_cpu_s(pid) for name, pid in supervised_pids(var_dir).items()}


class Started:
    """`python -m bot.runner` in a throw-away folder on free ports."""

    def __init__(self, engines: int, plugin: str, tmp: Path, action_workers: int | None = None,
                 stores: dict[str, str] | None = None) -> None:
        self.tmp = tmp
        self.web_port, self.engine_port, self.action_port = free_port(), free_port(), free_port()
        # consecutive engine ports from engine_port: pick a base whose next ports are free too
        self.engine_port = next(p for p in range(self.engine_port, self.engine_port + 500, 10)
                                if all(_free(p + i) for i in range(engines)))
        self.token = "bench-" + secrets.token_hex(8)
        self.env = dict(os.environ, COMPLAINT_VAR_DIR=str(tmp), RASA_AUTH_TOKEN=self.token,
                        WEB_PORT=str(self.web_port), WEB_HOST="127.0.0.1",
                        ENGINE_URL=f"http://127.0.0.1:{self.engine_port}",
                        ACTION_SERVER_URL=f"http://127.0.0.1:{self.action_port}/webhook",
                        ENGINE_WORKERS=str(engines), COMPLAINTBOT_RASA_PLUGIN=plugin,
                        RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3")
        if action_workers:
            self.env["ACTION_WORKERS"] = str(action_workers)
        # one client address plays every conversation: lift the per-address limits of the chat
        self.env.update(RATE_CHAT_SESSION="1000000/60", RATE_CHAT_MESSAGES_PER_ADDRESS="1000000/60",
                        RATE_CHAT_MESSAGES_PER_CONVERSATION="1000/60")
        self.env.update(stores or {})
        self.env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'registry.db'}")
        self.log = (tmp / "runner.log").open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.runner"], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 600) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("runner stopped: " + (self.tmp / "runner.log").read_text()[-3000:])
            if "Prêt en" in (self.tmp / "runner.log").read_text(errors="replace"):
                return
            time.sleep(1)
        raise RuntimeError("runner not ready in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def report(label: str, res: Result, rss: dict[str, float], cpu: dict[str, float] | None = None) -> None:
    lat = sorted(res.latencies)

    def pct(q: float) -> float:
        return lat[min(len(lat) - 1, int(len(lat) * q))] * 1000 if lat else float("nan")

    rate = len(lat) / res.elapsed if res.elapsed else 0.0
    errors = sum(res.errors.values())
    print(f"{label}: {len(lat)} turns in {res.elapsed:.1f} s, {rate:.1f} msgs/s, p50 {pct(0.50):.0f} ms, "
          f"p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, filed {res.filed}, errors {errors}"
          + (f" {res.errors}" if errors else ""), flush=True)
    if rss:
        print("  RSS MB: " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()), flush=True)
    if cpu and lat:  # CPU per message: comparable across runs even when other work shares the machine
        print("  CPU ms per message: " + ", ".join(f"{k} {1000 * v / len(lat):.0f}" for k, v in cpu.items()),
              flush=True)


async def run_once(base_url: str, engine_url: str, token: str, args: argparse.Namespace,
                   var_dir: Path) -> tuple[Result, dict[str, float]]:
    """The measured run, and the CPU seconds each supervised process spent during it."""
    async with httpx.AsyncClient(base_url=base_url, timeout=args.timeout) as http:
        script = await record(http, engine_url, token)
    if args.warmup:
        await replay(base_url, script, args.warmup, min(args.warmup, args.concurrency), args.timeout)
    before = supervised_cpu(var_dir)
    res = await replay(base_url, script, args.conversations, args.concurrency, args.timeout)
    after = supervised_cpu(var_dir)
    return res, {k: after[k] - before[k] for k in after if k in before}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--conversations", type=int, default=48)
    ap.add_argument("-c", "--concurrency", type=int, default=16)
    ap.add_argument("--url", default="http://127.0.0.1:8000", help="web service of a running stack")
    ap.add_argument("--engine-url", default=None, help="engine (to record the script); default: ENGINE_URL")
    ap.add_argument("--start", action="store_true", help="start bot.runner in a throw-away folder")
    ap.add_argument("--engines", default="1", help="with --start: engine counts to run, e.g. 1,2")
    ap.add_argument("--action-workers", type=int, default=None, help="with --start: ACTION_WORKERS")
    ap.add_argument("--stores", default="env", choices=["env", "postgres"],
                    help="with --start: the environment's stores (SQLite when unset), or a throw-away "
                         "PostgreSQL + Redis")
    ap.add_argument("--plugin", default="on", choices=["on", "off"], help="with --start: the engine plug-in")
    ap.add_argument("--warmup", type=int, default=4, help="conversations played before measuring")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    label = f"n={args.conversations} c={args.concurrency}"
    if not args.start:
        engine_url = (args.engine_url or os.environ.get("ENGINE_URL") or "http://127.0.0.1:5005").split(",")[0]
        token = os.environ.get("RASA_AUTH_TOKEN") or (ROOT / "var" / "rasa_token").read_text().strip()
        var_dir = Path(os.environ.get("COMPLAINT_VAR_DIR") or ROOT / "var")
        res, cpu = asyncio.run(run_once(args.url, engine_url, token, args, var_dir))
        report(label, res, supervised_rss(var_dir), cpu)
        return 0
    for engines in [int(x) for x in args.engines.split(",")]:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, own_stores(args.stores) as stores:
            stack = Started(engines, args.plugin, Path(tmp), args.action_workers, stores)
            try:
                stack.wait_ready()
                res, cpu = asyncio.run(run_once(f"http://127.0.0.1:{stack.web_port}",
                                                f"http://127.0.0.1:{stack.engine_port}", stack.token, args, Path(tmp)))
                kind = "PostgreSQL+Redis" if (stores or os.environ).get("REDIS_URL") else "SQLite"
                report(f"{engines} engine(s), {kind}, plug-in {args.plugin}, {label}", res,
                       supervised_rss(Path(tmp)), cpu)
            finally:
                stack.stop()
    return 0


@contextmanager
def own_stores(kind: str) -> Iterator[dict[str, str]]:
    """`--stores postgres`: a throw-away PostgreSQL (durable: fsync on, the server's defaults) and
    Redis for one run, with a tracker and a registry database; nothing for `env` (the environment's)."""
    if kind != "postgres":
        yield {}
        return
    from tests.servers import production_stores, throwaway_postgres, throwaway_redis

    with throwaway_postgres(durable=True, max_connections=200) as pg, throwaway_redis() as redis_port:
        yield production_stores(pg, redis_port)


if __name__ == "__main__":
    sys.exit(main())
