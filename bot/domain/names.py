"""Which word of a two-word answer is the first name ("Lemaire Paul", "Paul Lemaire").

In Belgium many people write their name as on official forms, NOM Prénom; others the other way
round. A word found in the first-name lists Faker keeps for the languages citizens here write in
(data only, loaded once on first use), when the other word is not in them, is the first name;
when both or neither are, the order stays open and the first name is asked.
"""

from __future__ import annotations

import importlib
from functools import cache

from bot.domain.text import fold

_LOCALES = ("fr_FR", "fr_BE", "nl_BE", "fr_CH", "fr_CA", "fr_DZ", "de_DE", "nl_NL", "it_IT", "es_ES", "pt_PT",
            "tr_TR", "pl_PL", "ro_RO", "en_GB", "en_US")
# words that start a last name ("El Amrani", "Van Damme", "Ben Ali", "De Smet"): never a first name here
_NAME_PARTICLES = {"el", "al", "ben", "ibn", "abou", "abu", "van", "von", "de", "di", "da", "du", "le", "la", "dos",
                   "das", "del", "della", "mac", "mc", "o", "d'", "ter", "ten", "den", "der", "des", "vander", "vanden"}


@cache
def _first_names() -> frozenset[str]:
    names: set[str] = set()
    for locale in _LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):  # a locale a Faker release dropped: the others still count
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            values = getattr(provider, attr, ())
            names.update(fold(n) for n in (values.keys() if isinstance(values, dict) else values))
    return frozenset(names)


def is_first_name(word: str) -> bool:
    return fold(word) in _first_names()


def first_and_last(words: list[str]) -> tuple[str, str] | None:
    """(first name, last name) of a two-word name when the lists tell them apart, else None."""
    if len(words) != 2 or fold(words[0]).rstrip("'") in _NAME_PARTICLES:
        return None
    a, b = (is_first_name(w) for w in words)
    if a and not b:
        return words[0], words[1]
    if b and not a:
        return words[1], words[0]
    return None
