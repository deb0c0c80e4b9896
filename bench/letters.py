"""Letters benchmark: whole complaints written in one first message, as the seeds ask for them.

    .venv/bin/python bench/letters.py [--policy P] [--data FILE] [--verbose] [--max-turns 40]

For each preset in turn it starts a real engine and action server (`bot.devstack`, the trained
model in models/current.tar.gz, a throw-away registry), then plays each letter of
bench/letters_data.json the way `contract_check.py letters` does: the first message is the
letter; each question (`requested_slot` read from the engine's tracker through its HTTP API and
token) gets a generic answer; a question whose slot contains "confirm" gets "oui, c'est correct"
and the slots at that moment are the summary snapshot; with no question asked, an affirming
button is clicked; it stops when the assistant gives a reference (IGR-2026-000123) or after
`--max-turns` turns.

A detail the letter gives (`expect`: field -> regular expression, accents and case ignored; the
phone compares digits) is *right* when it was not asked and the snapshot matches, *wrong* when
it was not asked and the snapshot does not match, *asked again* when the assistant asked for
it. When no summary was reached, the last slots seen stand for the snapshot.

Prints a table per preset and in total, then one line per failing letter. A benchmark, not a
test: the exit code is always 0.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import ROOT
from bot.devstack import MODEL, Stack

DATA = Path(__file__).resolve().parent / "letters_data.json"
POLICIES = ("igretec", "solidaris-brabant", "spf-securite-sociale", "notice-reclamation", "plan-gestion")
FRENCH_POLICIES = ("notice-reclamation", "plan-gestion")

REF_RE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,8}\b")
AFFIRM_BUTTON = re.compile(r"oui|accept|continuer|réclamation|plainte|confirm|d'accord|c'est correct", re.I)
CONFIRM = "oui, c'est correct"

# Answers to questions about details a letter did not give (the same as contract_check.py's).
GENERIC = {
    "BE": {"last_name": "Dupont", "first_name": "Marie", "address": "Rue de la Station 12, 6000 Charleroi",
           "email": "marie.dupont@example.be", "phone": "0471 23 45 67"},
    "FR": {"last_name": "Dupont", "first_name": "Marie", "address": "12 rue Félix Poulat, 38000 Grenoble",
           "email": "marie.dupont@example.fr", "phone": "06 12 34 56 78"},
}
GENERIC_ANY = {
    "consent": "oui, j'accepte", "acting_for": "en mon nom propre", "prior_contact": "oui",
    "initiative_taken": "non", "exclusion_check": "non", "file_reference": "aucune",
    "facts_description": "Le technicien n'est jamais venu au rendez-vous fixé et personne ne m'a prévenu, "
                         "malgré deux appels au service clientèle.",
    "facts_date": "le 3 novembre", "facts_place": "à mon domicile", "persons_contacted": "le service clientèle",
    "attachments": "aucun", "objective": "Je demande une solution rapide.", "subject": "Visite non effectuée",
    "service_concerned": "contrat d'entretien", "other_parties": "aucun", "persons_targeted": "personne en particulier",
}


def answers_for(policy: str) -> dict[str, str]:
    return dict(GENERIC_ANY, **GENERIC["FR" if policy in FRENCH_POLICIES else "BE"])


def fold(text: object) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", str(text)) if unicodedata.category(c) != "Mn").lower()


def matches(slot: str, expected: str, value: Any) -> bool:
    if value is None:
        return False
    if slot == "phone":
        return re.sub(r"\D", "", expected) in re.sub(r"\D", "", str(value))
    return re.search(fold(expected), fold(value)) is not None


# the details a letter can write out (yes/no answers, consent and documents are asked in any case)
WRITTEN = ("last_name", "first_name", "address", "email", "phone", "file_reference", "facts_date", "facts_place",
           "persons_contacted", "objective", "subject", "service_concerned", "other_parties", "persons_targeted")


def is_complete(policy: str, letter: dict[str, Any]) -> bool:
    """A complete letter gives every detail the preset asks that can be written out (its `expect`
    names them all; the description of the facts is the letter itself)."""
    from bot.policies import load_policy
    return all(f in letter["expect"] for f in load_policy(policy).ask_fields if f in WRITTEN)


@dataclass
class Result:
    letter: dict[str, Any]
    complete: bool = False
    filed: bool = False
    turns: int = 0
    asked: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    snapshot: dict[str, Any] = field(default_factory=dict)
    transcript: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None

    @property
    def expected(self) -> int:
        return len(self.letter["expect"])

    @property
    def right(self) -> int:
        return self.expected - len(self.missed) - len(self.wrong)

    @property
    def ok(self) -> bool:
        return self.filed and not self.missed and not self.wrong and self.error is None


class Conversation:
    def __init__(self, stack: Stack, sender: str) -> None:
        self.stack, self.sender = stack, sender
        self.transcript: list[tuple[str, str]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        self.transcript.append(("user", text))
        out = self.stack.say(self.sender, text)
        for m in out:
            self.transcript.append(("bot", m.get("text") or json.dumps(m, ensure_ascii=False)))
        return out

    def tracker(self) -> dict[str, Any]:
        return self.stack.tracker(self.sender)

    def refs(self) -> list[str]:
        """References the assistant gave, not merely echoed from the citizen's messages."""
        said = " ".join(t for who, t in self.transcript if who == "user")
        bot = "\n".join(t for who, t in self.transcript if who == "bot")
        return [r for r in REF_RE.findall(bot) if r not in said]


def play_letter(stack: Stack, policy: str, letter: dict[str, Any], max_turns: int) -> Result:
    res = Result(letter, complete=is_complete(policy, letter))
    answers = answers_for(policy)
    conv = Conversation(stack, f"letters-{policy}-{letter['id']}-{time.time_ns()}")
    last_slots: dict[str, Any] = {}
    try:
        last = conv.say(letter["text"])
        res.turns = 1
        for _ in range(max_turns):
            if conv.refs():
                break
            slots = conv.tracker().get("slots") or {}
            last_slots = dict(slots)
            slot = slots.get("requested_slot")
            if slot and "confirm" in slot:
                res.snapshot = dict(slots)
                answer = CONFIRM
            elif slot:
                res.asked.append(slot)
                answer = answers.get(slot, "oui")
            else:
                buttons = [b for m in last for b in (m.get("buttons") or [])]
                hit = next((b for b in buttons
                            if AFFIRM_BUTTON.search(f"{b.get('title', '')} {b.get('payload', '')}")), None)
                if not hit:
                    break
                answer = hit["payload"]
            last = conv.say(answer)
            res.turns += 1
    except Exception as e:  # noqa: BLE001 - a crash is a failed letter, the benchmark goes on
        res.error = repr(e)
    res.transcript = conv.transcript
    res.filed = bool(conv.refs())
    snapshot = res.snapshot or last_slots
    res.snapshot = snapshot
    expect: dict[str, str] = letter["expect"]
    res.missed = [k for k in expect if k in res.asked]
    res.wrong = [k for k in expect if k not in res.asked and not matches(k, expect[k], snapshot.get(k))]
    return res


def check_data(letters: list[dict[str, Any]]) -> None:
    """Warn about letters the table would misread: unknown preset, a detail the preset never asks."""
    try:
        from bot.policies import load_policy
    except ImportError:  # pragma: no cover
        return
    for x in letters:
        for p in x["policies"]:
            if p not in POLICIES:
                print(f"warning: {x['id']}: unknown preset {p}", file=sys.stderr)
                continue
            asked = set(load_policy(p).ask_fields)
            extra = [k for k in x["expect"] if k not in asked]
            if extra:
                print(f"warning: {x['id']}: {p} never asks {extra}", file=sys.stderr)


def row(name: str, results: list[Result]) -> str:
    n = len(results)
    filed = sum(r.filed for r in results)
    total = sum(r.expected for r in results)
    right = sum(r.right for r in results)
    wrong = sum(len(r.wrong) for r in results)
    again = sum(len(r.missed) for r in results)
    done = [r.turns for r in results if r.filed]
    turns = f"{sum(done) / len(done):.1f}" if done else "-"
    whole = [r.turns for r in results if r.filed and r.complete]
    complete = f"{sum(whole) / len(whole):.1f} ({len(whole)}, max {max(whole)})" if whole else "-"
    pct = f"{100 * right / total:.0f}%" if total else "-"
    return (f"{name:<22}{f'{filed}/{n}':>8}{f'{right}/{total}':>10}{pct:>6}{wrong:>7}{again:>8}"
            f"{turns:>8}   {complete}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--policy", choices=POLICIES, help="only this preset")
    ap.add_argument("--data", type=Path, default=DATA, help="letters file (default bench/letters_data.json)")
    ap.add_argument("--verbose", action="store_true", help="print the transcripts of failing letters")
    ap.add_argument("--max-turns", type=int, default=40)
    args = ap.parse_args()

    letters = json.loads(args.data.read_text(encoding="utf-8"))
    check_data(letters)
    policies = [args.policy] if args.policy else list(POLICIES)
    todo = {p: [x for x in letters if p in x["policies"]] for p in policies}
    todo = {p: xs for p, xs in todo.items() if xs}
    if not todo:
        print(f"no letter for {', '.join(policies)} in {args.data}")
        return 0
    if not MODEL.exists():
        print(f"no trained model at {MODEL.relative_to(ROOT)}: run `make train`")
        return 0

    results: dict[str, list[Result]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp))
        t0 = time.perf_counter()
        try:
            stack.start_engine()
            for policy, xs in todo.items():
                stack.use_policy(policy)
                results[policy] = []
                for x in xs:
                    r = play_letter(stack, policy, x, args.max_turns)
                    results[policy].append(r)
                    print(f"{'PASS' if r.ok else 'FAIL'} {policy} {x['id']}: filed={r.filed} turns={r.turns}"
                          f"{' (complete)' if r.complete else ''} "
                          f"asked={','.join(r.asked) or '-'}",
                          file=sys.stderr, flush=True)
        except Exception as e:  # noqa: BLE001 - report what was measured before the stack failed
            print(f"stack error: {e!r}")
        finally:
            stack.stop()
        elapsed = time.perf_counter() - t0

    print()
    print(f"{'preset':<22}{'filed':>8}{'right':>10}{'':>6}{'wrong':>7}{'asked':>8}{'turns':>8}"
          "   turns, complete letters (n, max)")
    everything: list[Result] = []
    for policy, rs in results.items():
        print(row(policy, rs))
        everything += rs
    if len(results) > 1:
        print(row("total", everything))
    print("(right: not asked and matching the summary; wrong: not asked but wrong; asked: asked again; "
          f"turns: user turns to the reference, filed letters only; complete letters: those that give every "
          f"detail the preset asks that can be written) {elapsed:.0f} s")

    failing = [(p, r) for p, rs in results.items() for r in rs if not r.ok]
    if failing:
        print()
    for policy, r in failing:
        extra = f" error={r.error}" if r.error else ""
        print(f"FAIL {policy} {r.letter['id']}: filed={r.filed} turns={r.turns} "
              f"asked again={r.missed} wrong={r.wrong}{extra}")
        if args.verbose:
            for k in r.wrong:
                print(f"    {k}: expected /{r.letter['expect'][k]}/, got {r.snapshot.get(k)!r}")
            for who, text in r.transcript:
                print(f"    {who}: {text}")
            print()
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - a benchmark reports, it never fails the build
        print(f"letters benchmark stopped: {e!r}")
    sys.exit(0)
