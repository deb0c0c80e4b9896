"""A bounded fuzz run of every webhook and chat endpoint of the web service, in process.

    .venv/bin/python -m tests.security.fuzzing --cases 10000 [--seed N]     (make fuzz)

Each case is one request: a valid payload of the endpoint with one part changed (a value of
another type, a key removed or added, odd Unicode, a huge string), any JSON value, bytes that
are not JSON (truncated, invalid UTF-8, nested ten thousand deep), a body over the cap, a wrong
content type. Webhook cases are sent unsigned or wrongly signed first, then validly signed (a
platform's own bugs). It checks:

- no 5xx, whatever was sent;
- nothing sent without a valid signature reaches the engine or stores a document;
- afterwards the service still answers (`/healthz`, and a real message gets a reply).

It prints the counts (cases per endpoint, status codes, 5xx, engine calls, files stored) and exits 1
on a failure. `tests/security/test_fuzz.py` runs a short version in the suite.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.channels.twilio import signature as twilio_signature
from bot.config import Settings
from bot.storage.migrate import upgrade
from tests.channels.harness import (
    PUBLIC,
    TG_SECRET,
    TG_TOKEN,
    TW_SID,
    TW_TOKEN,
    WA_PHONE_ID,
    WA_TOKEN,
    WA_VERIFY,
    running,
    stored_files,
    telegram_env,
    twilio_env,
    wa_signature,
    whatsapp_env,
)
from tests.channels.standins import (
    PDF,
    FakeEngine,
    TelegramStandIn,
    TwilioStandIn,
    WhatsAppStandIn,
    tg_callback,
    tg_document,
    tg_message,
    wa_document,
    wa_payload,
    wa_text,
)

ODD_STRINGS = [
    "", " ", "\x00", "\u0000\u0001\u001f", "\ud800", "\udfff", "\u202e‮gnp.exe", "\u200b\u200d\ufeff", "😡" * 50,
    "é" * 3, "e\u0301", "ǅ", "İı", "ß", "\ufdfd", "𝕸𝖆𝖗𝖙𝖎𝖓", "\r\n\r\n", "\t", "<script>alert(1)</script>",
    "{{7*7}}", "${jndi:ldap://x}", "'; DROP TABLE complaints; --", "../../etc/passwd", "%00", "%s%s%n",
    "null", "true", "1e999", "-0", "NaN", "a" * 5000, "/start", "/start " + "x" * 300, "IGR-2026-000001",
    "web-" + "A" * 60, "web-short", "x" * 70,
]
ODD_NUMBERS: list[Any] = [0, -1, 1, 2**31, 2**63, 2**64 + 1, -(2**70), 10**400, 1.5, -0.0, 1e308, 1e-320]


def junk(rng: random.Random, depth: int = 0) -> Any:
    """Any JSON value, biased towards the ones parsers trip on."""
    kind = rng.randrange(9 if depth < 4 else 5)
    if kind == 0:
        return rng.choice(ODD_STRINGS)
    if kind == 1:
        return rng.choice(ODD_NUMBERS)
    if kind == 2:
        return rng.choice([None, True, False])
    if kind == 3:
        return "".join(chr(rng.randrange(0x20, 0x2FFFF)) for _ in range(rng.randrange(1, 40)))
    if kind == 4:
        return rng.randrange(-10, 10**12)
    if kind in (5, 6):
        return [junk(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    return {rng.choice(ODD_STRINGS + ["message", "text", "from", "id", "entry", "chat"]): junk(rng, depth + 1)
            for _ in range(rng.randrange(0, 5))}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


def mutate(rng: random.Random, payload: Any) -> Any:
    """A copy of `payload` with one to three parts changed: replaced, removed, or given an extra key."""
    value = json.loads(json.dumps(payload))
    for _ in range(rng.randrange(1, 4)):
        paths = _paths(value)[1:]
        if not paths:
            return junk(rng)
        path = rng.choice(paths)
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = rng.randrange(4)
        if action == 0 and isinstance(parent, dict):
            del parent[last]
        elif action == 1 and isinstance(parent, dict):
            parent[rng.choice(ODD_STRINGS)] = junk(rng)
        elif action == 2 and isinstance(parent[last], str):
            parent[last] = parent[last] + rng.choice(ODD_STRINGS)
        else:
            parent[last] = junk(rng)
    return value


def raw_body(rng: random.Random, valid: bytes) -> bytes:
    """Bytes that are not a JSON document the endpoint expects."""
    kind = rng.randrange(8)
    if kind == 0:
        return valid[: rng.randrange(0, max(1, len(valid)))]
    if kind == 1:
        return b"\xff\xfe" + valid + b"\xc3\x28\xa0\xa1"
    if kind == 2:
        depth = rng.choice([100, 1000, 5000, 10_000])
        return b"[" * depth + b"]" * depth
    if kind == 3:
        depth = rng.choice([1000, 5000])
        return b'{"a":' * depth + b"1" + b"}" * depth
    if kind == 4:
        return b""
    if kind == 5:
        return b"\xef\xbb\xbf" + valid  # a BOM
    if kind == 6:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    return b'{"message": "' + b"A" * rng.choice([20_000, 70_000, 300_000]) + b'"}'  # over the caps


@dataclass
class Case:
    endpoint: str
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    signed: bool = False


def _json_headers(rng: random.Random) -> dict[str, str]:
    return {"Content-Type": rng.choice(["application/json"] * 6 + ["text/plain", "application/x-www-form-urlencoded",
                                                                  "application/json; charset=latin-1", ""])}


def _as_bytes(rng: random.Random, payload: Any, valid: bytes) -> bytes:
    roll = rng.random()
    if roll < 0.55:
        return json.dumps(mutate(rng, payload), ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    if roll < 0.75:
        return json.dumps(junk(rng)).encode()
    return raw_body(rng, valid)


SENDER = "web-FuzzFuzzFuzzFuzz01"


def chat_case(rng: random.Random, n: int) -> Case:
    payload = {"sender": SENDER, "message": "Bonjour, je veux déposer une réclamation", "message_id": f"m{n:010d}"}
    return Case("chat/messages", "POST", "/chat/messages", _as_bytes(rng, payload, json.dumps(payload).encode()),
                _json_headers(rng))


def session_case(rng: random.Random, n: int) -> Case:
    return Case("chat/session", "POST", "/chat/session", raw_body(rng, b"{}") if rng.random() < 0.5 else b"",
                _json_headers(rng))


def upload_case(rng: random.Random, n: int) -> Case:
    boundary = "fuzz" + str(rng.randrange(10**6))
    sender = SENDER if rng.random() < 0.6 else rng.choice(ODD_STRINGS)
    name = rng.choice(["scan.pdf", "a.exe", "", "x" * 300, "..\\..\\boot.ini", "\u202egnp.exe", "photo.jpg"])
    content = rng.choice([PDF, PDF[: rng.randrange(len(PDF))], b"MZ\x90\x00" + bytes(200), b"", bytes(3000)])
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="sender"\r\n\r\n{sender}\r\n'.encode("utf-8", "surrogatepass"),
             f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
             f"Content-Type: {rng.choice(['application/pdf', 'image/jpeg', 'text/html', ''])}\r\n\r\n"
             .encode("utf-8", "surrogatepass") + content + b"\r\n",
             f"--{boundary}--\r\n".encode()]
    if rng.random() < 0.3:
        parts.pop(rng.randrange(len(parts)))  # a part or the closing boundary missing
    body = b"".join(parts) if rng.random() < 0.8 else raw_body(rng, b"")
    ctype = f"multipart/form-data; boundary={boundary}" if rng.random() < 0.85 else rng.choice(
        ["multipart/form-data", "application/json", "multipart/form-data; boundary="])
    return Case("chat/upload", "POST", "/chat/upload", body, {"Content-Type": ctype})


def telegram_case(rng: random.Random, n: int, sign: bool) -> Case:
    builders: list[Callable[[], dict[str, Any]]] = [
        lambda: tg_message(10_000 + n, text="Bonjour"), lambda: tg_callback(10_000 + n, "/choose"),
        lambda: tg_document(10_000 + n, f"BQAC{n:06d}", "scan.pdf", "application/pdf", 400)]
    payload = rng.choice(builders)()
    headers = _json_headers(rng)
    if sign:
        headers["X-Telegram-Bot-Api-Secret-Token"] = TG_SECRET
    elif rng.random() < 0.7:
        headers["X-Telegram-Bot-Api-Secret-Token"] = rng.choice(["", "forged", TG_SECRET[:-1], TG_SECRET + " "])
    return Case("telegram", "POST", "/channels/telegram/webhook", _as_bytes(rng, payload, json.dumps(payload).encode()),
                headers, sign)


def whatsapp_case(rng: random.Random, n: int, sign: bool) -> Case:
    message = rng.choice([wa_text(f"wamid.F{n}", "Bonjour"),
                          wa_document(f"wamid.F{n}", f"77{n}", "scan.pdf", "application/pdf")])
    payload = wa_payload(WA_PHONE_ID, message)
    body = _as_bytes(rng, payload, json.dumps(payload).encode())
    headers = _json_headers(rng)
    if sign:
        headers["X-Hub-Signature-256"] = wa_signature(body)
    elif rng.random() < 0.7:
        forged = hmac.new(b"wrong", body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = rng.choice(["", "sha256=", "sha256=" + forged, "sha1=" + forged[:40], forged])
    return Case("whatsapp", "POST", "/channels/whatsapp/webhook", body, headers, sign)


def whatsapp_verify_case(rng: random.Random, n: int) -> Case:
    params = {"hub.mode": rng.choice(["subscribe", "", "unsubscribe", rng.choice(ODD_STRINGS)]),
              "hub.verify_token": rng.choice([WA_VERIFY, "", "nope", rng.choice(ODD_STRINGS)]),
              "hub.challenge": rng.choice(["1158201444", "", rng.choice(ODD_STRINGS)])}
    for key in list(params):
        if rng.random() < 0.15:
            del params[key]
    query = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in params.items()})
    return Case("whatsapp/verify", "GET", "/channels/whatsapp/webhook?" + query)


def twilio_case(rng: random.Random, n: int, sign: bool) -> Case:
    form = {"MessageSid": f"SM{n:032d}", "AccountSid": TW_SID, "From": "whatsapp:+32475123456",
            "To": "whatsapp:+14155238886", "Body": "Bonjour", "NumMedia": "0", "WaId": "32475123456"}
    if rng.random() < 0.3:
        form |= {"NumMedia": "1", "MediaUrl0": f"{PUBLIC}/media/{n}", "MediaContentType0": "application/pdf"}
    items = list(form.items())
    for _ in range(rng.randrange(1, 4)):
        roll = rng.randrange(4)
        if roll == 0 and items:
            items.pop(rng.randrange(len(items)))
        elif roll == 1:
            items.append((rng.choice([k for k, _ in items] or ["Body"]), str(junk(rng))))  # a repeated name
        else:
            i = rng.randrange(len(items)) if items else 0
            if items:
                items[i] = (items[i][0], str(junk(rng)) if rng.random() < 0.5 else rng.choice(ODD_STRINGS))
    safe = [(k, v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")) for k, v in items]
    body = urlencode(safe).encode() if rng.random() < 0.85 else raw_body(rng, b"")
    headers = {"Content-Type": "application/x-www-form-urlencoded" if rng.random() < 0.9 else "application/json"}
    if sign:
        headers["X-Twilio-Signature"] = twilio_signature(TW_TOKEN, PUBLIC + "/channels/twilio/webhook", safe)
    elif rng.random() < 0.7:
        headers["X-Twilio-Signature"] = rng.choice(["", "forged", base64.b64encode(bytes(20)).decode()])
    return Case("twilio", "POST", "/channels/twilio/webhook", body, headers, sign)


def make_cases(count: int, seed: int, *, signed: bool) -> list[Case]:
    """`count` cases, the same for the same seed. Unsigned: every endpoint; signed: the webhooks."""
    rng = random.Random(seed)
    cases = []
    for n in range(count):
        if signed:
            build = rng.choice([telegram_case, whatsapp_case, twilio_case])
            cases.append(build(rng, n, True))
        else:
            build_any = rng.choice([chat_case, chat_case, session_case, upload_case, whatsapp_verify_case,
                                    lambda r, i: telegram_case(r, i, False), lambda r, i: whatsapp_case(r, i, False),
                                    lambda r, i: twilio_case(r, i, False)])
            cases.append(build_any(rng, n))
    return cases


class _ErrorLog(logging.Handler):
    """Keeps the ERROR lines the service logs: a failure in a background task answers no HTTP request."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


@dataclass
class Report:
    tried: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[tuple[Case, int, str]] = field(default_factory=list)
    unsigned_engine_calls: int = 0
    unsigned_files_stored: int = 0
    signed_engine_calls: int = 0
    errors_logged: list[str] = field(default_factory=list)
    healthy_after: bool = False
    answers_after: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (not self.server_errors and not self.errors_logged and self.unsigned_engine_calls == 0 and self.unsigned_files_stored == 0
                and self.healthy_after and self.answers_after)

    def lines(self) -> list[str]:
        out = [f"cases tried: {sum(self.tried.values())} in {self.seconds:.1f} s"]
        out += [f"  {name}: {n}" for name, n in sorted(self.tried.items())]
        out.append("status codes: " + ", ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items())))
        out.append(f"5xx seen: {len(self.server_errors)}")
        out.append(f"errors logged by the service (a message lost in a background task): {len(self.errors_logged)}")
        out += [f"  {line[:200]}" for line in self.errors_logged[:5]]
        for case, code, text in self.server_errors[:5]:
            out.append(f"  {code} {case.method} {case.path} {case.headers} {case.body[:120]!r} -> {text[:200]}")
        out.append(f"unsigned or forged webhooks, message-shaped chat junk: engine calls {self.unsigned_engine_calls}, "
                   f"files stored {self.unsigned_files_stored}")
        out.append(f"validly signed webhooks relayed to the engine: {self.signed_engine_calls}")
        out.append(f"service healthy after: {self.healthy_after}; answers a real message after: {self.answers_after}")
        return out


def _fuzz_settings(var: Path, apis: dict[str, str]) -> Settings:
    url = f"sqlite:///{var / 'registry.db'}"
    upgrade(url)
    off = "0/1"
    return Settings.from_env({
        "COMPLAINT_VAR_DIR": str(var), "DATABASE_URL": url, "RASA_AUTH_TOKEN": "t",
        **telegram_env(apis["telegram"]), **whatsapp_env(apis["whatsapp"]), **twilio_env(apis["twilio"]),
        "RATE_CHAT_SESSION": off, "RATE_CHAT_MESSAGES_PER_ADDRESS": off,
        "RATE_CHAT_MESSAGES_PER_CONVERSATION": off, "RATE_CHAT_UPLOAD_PER_ADDRESS": off,
        "RATE_CHAT_UPLOAD_PER_CONVERSATION": off,
    })


async def _send_all(svc: Any, cases: list[Case], report: Report) -> None:
    for case in cases:
        report.tried[case.endpoint + (" (signed)" if case.signed else "")] += 1
        try:
            resp = await svc.client.request(case.method, case.path, content=case.body or None, headers=case.headers)
        except Exception as exc:  # noqa: BLE001 - raised through the ASGI transport: a 500 under uvicorn
            report.statuses[500] += 1
            report.server_errors.append((case, 500, f"{type(exc).__name__}: {exc}"))
            continue
        report.statuses[resp.status_code] += 1
        if resp.status_code >= 500:
            report.server_errors.append((case, resp.status_code, resp.text))


async def fuzz(cases: int, seed: int = 2026) -> Report:
    """Run `cases` requests (three quarters unsigned or forged, a quarter validly signed webhooks)."""
    report = Report()
    started = time.perf_counter()
    catcher = _ErrorLog(report.errors_logged)
    logging.getLogger("bot").addHandler(catcher)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        apis = {"telegram": stack.enter_context(TelegramStandIn(TG_TOKEN)).url,
                "whatsapp": stack.enter_context(WhatsAppStandIn(WA_TOKEN, WA_PHONE_ID)).url,
                "twilio": stack.enter_context(TwilioStandIn(TW_SID, TW_TOKEN)).url}
        settings = _fuzz_settings(Path(tmp), apis)
        engine = FakeEngine()
        async with running(settings, engine) as svc:
            unsigned = make_cases(cases - cases // 4, seed, signed=False)
            await _send_all(svc, [c for c in unsigned if not c.endpoint.startswith("chat")], report)
            await svc.drain()
            report.unsigned_engine_calls = len(engine.calls)
            report.unsigned_files_stored = len(stored_files(settings))
            await _send_all(svc, [c for c in unsigned if c.endpoint.startswith("chat")], report)
            await _send_all(svc, make_cases(cases // 4, seed + 1, signed=True), report)
            await svc.drain()
            report.signed_engine_calls = sum(1 for c in engine.calls if not c["sender"].startswith("web-"))
            health = await svc.client.get("/healthz")
            report.healthy_after = health.status_code == 200
            before = len(engine.calls)
            answer = await svc.client.post("/chat/messages", json={"sender": "web-AfterTheFuzzRun0001",
                                                                   "message": "Bonjour"})
            report.answers_after = answer.status_code == 200 and len(engine.calls) == before + 1
    logging.getLogger("bot").removeHandler(catcher)
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # the service logs each refusal: thousands of lines
    report = asyncio.run(fuzz(args.cases, args.seed))
    print("\n".join(report.lines()))
    print("OK" if report.ok else "FAILED")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
