"""Engine capacity without our form logic: /model/parse and a greeting turn, 1 and 16 at a time.

    .venv/bin/python bench/engine_capacity.py [ENGINE_URL] [TOKEN]

Against a running stack (`make run`); prints p50/p99 and messages per second.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5005"
TOKEN = sys.argv[2] if len(sys.argv) > 2 else (Path("var/rasa_token").read_text().strip()
                                               if Path("var/rasa_token").exists() else "")


def post(path: str, body: dict) -> None:
    req = urllib.request.Request(URL + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=60).read()


def measure(name: str, call, n: int, conc: int) -> None:  # type: ignore[no-untyped-def]
    lat: list[float] = []

    def one(i: int) -> None:
        t = time.perf_counter()
        call(i)
        lat.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(conc) as ex:
        list(ex.map(one, range(n)))
    el = time.perf_counter() - t0
    lat.sort()
    print(f"{name:10s} conc={conc:>2}: p50 {lat[len(lat)//2]*1000:.0f} ms, p99 {lat[int(len(lat)*0.99)]*1000:.0f} ms, "
          f"{n/el:.1f} req/s")


def main() -> None:
    tag = uuid.uuid4().hex[:6]
    for conc in (1, 16):
        measure("parse", lambda i: post(f"/model/parse?token={TOKEN}", {"text": "je veux faire une réclamation"}),
                64, conc)
        measure("greeting", lambda i, c=conc: post("/webhooks/rest/webhook",
                                           {"sender": f"cap-{tag}-{c}-{i}", "message": "bonjour"}), 64, conc)


if __name__ == "__main__":
    main()
