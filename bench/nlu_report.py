"""Print an intent report written by `rasa test nlu` (intent_report.json): per intent F1 and
support, then accuracy, macro and weighted F1, weakest first.

    .venv/bin/python bench/nlu_report.py var/nlu-heldout/intent_report.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")


def main(path: str) -> int:
    report = json.loads(Path(path).read_text(encoding="utf-8"))
    intents = {k: v for k, v in report.items() if k not in SUMMARY_KEYS and isinstance(v, dict)}
    print(f"{'intent':<20}{'precision':>10}{'recall':>8}{'f1':>7}{'n':>5}  most often confused with")
    for name, v in sorted(intents.items(), key=lambda kv: kv[1].get("f1-score", 0)):
        confused = v.get("confused_with") or {}
        worst = ", ".join(f"{k} {n}" for k, n in sorted(confused.items(), key=lambda kv: -kv[1])[:2])
        print(f"{name:<20}{v['precision']:>10.2f}{v['recall']:>8.2f}{v['f1-score']:>7.2f}{v['support']:>5}  {worst}")
    macro, weighted = report.get("macro avg", {}), report.get("weighted avg", {})
    print(f"\naccuracy {report.get('accuracy', 0):.3f}  macro F1 {macro.get('f1-score', 0):.3f}  "
          f"weighted F1 {weighted.get('f1-score', 0):.3f}  ({int(macro.get('support', 0))} examples)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/nlu-heldout/intent_report.json"))
