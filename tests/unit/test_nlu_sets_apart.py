"""The held-out NLU sets (tests/nlu/heldout*.yml, read by `make nlu-heldout`) stay apart from the
training data (nlu_data/nlu/*.yml): no held-out example is a training example, nor one with a word
or two changed, so that their figures measure what the model learnt, not what it was shown."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from bot.domain.text import fold

CLOSE = 0.88  # one word changed in a sentence of eight ("…le samedi" / "…le dimanche") is 0.89
ROOT = Path(__file__).resolve().parents[2]


def _examples(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", r"\1\2", line.strip()[2:])
                out.append((block["intent"], text))
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text).lower()).split())


def test_no_held_out_example_is_a_training_example_or_a_near_copy() -> None:
    training = {_norm(t) for p in sorted((ROOT / "nlu_data" / "nlu").glob("*.yml")) for _i, t in _examples(p)}
    held = [(p.name, i, t) for p in sorted((ROOT / "tests" / "nlu").glob("heldout*.yml")) for i, t in _examples(p)]
    assert len(held) > 500
    close = []
    for name, intent, text in held:
        n = _norm(text)
        if n in training:
            close.append((name, intent, text, "same"))
            continue
        words = set(n.split())
        if len(words) < 4:
            continue  # "oui merci", "bonjour à vous": short messages are bound to meet
        matcher = SequenceMatcher(None, b=n)  # b is indexed once per held-out example
        for t in training:
            if abs(len(t) - len(n)) > 12:
                continue
            matcher.set_seq1(t)
            if matcher.real_quick_ratio() >= CLOSE and matcher.quick_ratio() >= CLOSE and matcher.ratio() >= CLOSE:
                close.append((name, intent, text, t))
                break
    assert close == []
