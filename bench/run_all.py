"""Benchmarks: engine start-up, per-turn latency and throughput on the full happy path (1 and 16
concurrent conversations), resident memory of each process, optionally training time.

    .venv/bin/python bench/run_all.py [--conversations 32] [--train]

Prints figures; asserts nothing. Uses a throw-away registry and the trained model in models/.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.config import ROOT
from bot.devstack import FIRST_MESSAGE, HAPPY_ANSWERS, Stack, play

HAPPY = HAPPY_ANSWERS
FIRST = FIRST_MESSAGE


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def replay(stack: Stack, script: list[str], conc: int, convs: int) -> dict[str, float]:
    lat: list[float] = []

    def one(i: int) -> None:
        sender = f"bench-{conc}-{i}-{time.time_ns()}"
        for text in script:
            t = time.perf_counter()
            stack.say(sender, text)
            lat.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(conc) as ex:
        list(ex.map(one, range(convs)))
    elapsed = time.perf_counter() - t0
    lat.sort()
    return {"p50_ms": lat[len(lat) // 2] * 1000, "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000,
            "mean_ms": statistics.mean(lat) * 1000, "msgs_per_s": len(lat) / elapsed, "turns": len(lat)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conversations", type=int, default=32)
    ap.add_argument("--train", action="store_true", help="also time a full training run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp))
        t0 = time.perf_counter()
        stack.start_engine()
        engine_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        stack.use_policy("igretec")
        actions_s = time.perf_counter() - t1
        try:
            transcript = play(stack, "bench-record", FIRST, HAPPY)
            script = [t for who, t in transcript if who == "user"]
            filed = any("IGR-" in t for who, t in transcript if who == "bot")
            print(f"engine start-up {engine_s:.1f} s, action server start-up {actions_s:.1f} s")
            print(f"happy path: {len(script)} user turns, filed={filed}")
            for conc in (1, 16):
                r = replay(stack, script, conc, max(conc, args.conversations if conc > 1 else 4))
                print(f"conc={conc:>2}: p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
                      f"mean {r['mean_ms']:.0f} ms, {r['msgs_per_s']:.1f} msgs/s over {r['turns']} turns")
            for name, pid in stack.pids().items():
                print(f"RSS {name}: {rss_mb(pid):.0f} MB")
        finally:
            stack.stop()
    if args.train:
        with tempfile.TemporaryDirectory() as out:
            t = time.perf_counter()
            subprocess.run([str(ROOT / ".venv-rasa/bin/rasa"), "train", "--data", "nlu_data", "--config", "config.yml",
                            "--domain", "domain.yml", "--out", out, "--force"], cwd=ROOT, check=True,
                           capture_output=True)
            print(f"training (forced, from scratch): {time.perf_counter() - t:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
