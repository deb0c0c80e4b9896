"""The one accent folding (bot.domain.text.fold)."""

from __future__ import annotations

import unicodedata

import pytest

from bot.domain.text import fold


@pytest.mark.parametrize(("text", "expected"), [
    ("Élodie", "elodie"),
    ("ÇA S’EST PASSÉ À LIÈGE", "ca s'est passe a liege"),
    ("l‘agent`  ´ ʼ", "l'agent' ' '"),
    ("Jean‐Pierre – Marie—Claire ‑ ‒", "jean-pierre - marie-claire - -"),
    ("  deux\tespaces\n\net une ligne  ", "deux espaces et une ligne"),
    ("cœur, Strauß, ﬁn", "cœur, strauß, ﬁn"),  # not decomposed canonically: kept
    ("", ""),
])
def test_fold_accents_case_apostrophes_dashes_spaces_unified(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_decomposed_input_same_as_composed() -> None:
    composed = "Noël à Liège"
    assert fold(unicodedata.normalize("NFD", composed)) == fold(composed) == "noel a liege"


def test_fold_lone_combining_mark_dropped() -> None:
    assert fold("a\u0334b") == "ab"


def test_fold_keep_length_positions_match_the_nfc_text() -> None:
    text = unicodedata.normalize("NFD", "Le  3 Août – à Liège\n")
    nfc = unicodedata.normalize("NFC", text)
    folded = fold(text, keep_length=True)
    assert folded == "le  3 aout - a liege\n"
    assert len(folded) == len(nfc)
    assert nfc[folded.index("aout"):][:4] == "Août"


def test_fold_keep_length_keeps_a_character_that_folds_to_none() -> None:
    assert fold("a\u0334b", keep_length=True) == "a\u0334b"


def test_fold_compatibility_folds_ligatures_superscripts_and_nbsp() -> None:
    assert fold("ﬁn Ĳssel 1ᵉʳ\u00a0mars…", compatibility=True) == "fin ijssel 1er mars..."
    assert fold("ﬁn Ĳssel", compatibility=False) == "ﬁn ĳssel"
