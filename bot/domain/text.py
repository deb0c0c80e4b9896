"""Text made comparable: the one accent folding the recognisers (dates, letters, answers,
admissibility cues, interruptions) and the storage keys use."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["APOSTROPHES", "DASHES", "fold"]

APOSTROPHES = "’‘`´ʼ"  # each folds to '
DASHES = "‐‑‒–—"  # each folds to -
_SPACES_RE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """`ch` without its combining marks, lower-cased: "É" -> "e", "ß" -> "ß", a lone mark -> ""."""
    if ch in APOSTROPHES:
        return "'"
    if ch in DASHES:
        return "-"
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)).lower()


def _fold_char_in_place(ch: str) -> str:
    folded = _fold_char(ch)
    return folded if len(folded) == 1 else ch


def fold(text: str, *, keep_length: bool = False, compatibility: bool = False) -> str:
    """`text` for matching, not for display: "L’Été  à Liège " -> "l'ete a liege".

    Each character of the text (taken in NFC) loses its accents and other combining marks
    (canonical decomposition, NFD: "œ", "ß" and ligatures stay as they are) and is lower-cased;
    the apostrophes ’ ‘ ` ´ ʼ become ' and the dashes ‐ ‑ ‒ – — become -. Each run of whitespace
    then becomes one space and both ends are trimmed.

    `keep_length=True`: one character for one, spaces as they are, so that a position in the
    folded text is the same position in the NFC text (a character that would not fold to exactly
    one character, such as a lone combining mark, is kept as it is).

    `compatibility=True`: compatibility forms are folded too (NFKC first): ligatures ("ﬁ" -> "fi",
    "Ĳ" -> "ij"), superscripts ("²" -> "2"), fullwidth letters, non-breaking spaces, "…" -> "...";
    with `keep_length`, positions are then those of the NFKC text.
    """
    text = unicodedata.normalize("NFKC" if compatibility else "NFC", text)
    if keep_length:
        return "".join(map(_fold_char_in_place, text))
    return _SPACES_RE.sub(" ", "".join(map(_fold_char, text))).strip()
