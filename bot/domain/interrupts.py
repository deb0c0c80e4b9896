"""Interruptions inside the intake: cancel, start over, ask for a human.

Inside a question, any free text may be an answer ("le conseiller" answers "who is targeted?"),
so a classifier's guess is not enough to throw an answer away. An interruption is recognised
only when the whole short message says so.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.domain.text import fold

Interrupt = Literal["cancel", "start_over", "request_human"]

_CANCEL_WORDS = (r"(?:annuler|annule|annulez|annulation|stop|stoppe|arrete|arreter|arretez|j'arrete( tout| la)?|"
                 r"abandonner|j'abandonne|je laisse tomber|laisse tomber|laissez tomber|oubliez( ca| tout)?|oublie( ca| tout)?|"
                 r"je ne veux plus (?:continuer|porter plainte|faire de reclamation|deposer de reclamation)|"
                 r"je ne souhaite plus (?:continuer|porter plainte))")

_PATTERNS: list[tuple[Interrupt, re.Pattern[str]]] = [
    ("start_over", re.compile(
        r"^(je veux |je voudrais |on peut |on va |peut-on |pouvez-vous )?"
        r"(tout )?(recommencer|reprendre (du|depuis le|a) (debut|zero)|repartir de zero|tout reprendre|"
        r"tout refaire|recommence|on recommence|restart|reset)( tout| a zero| depuis le debut| du debut)?( svp| stp| s'il vous plait)?$")),
    ("cancel", re.compile(
        r"^(?:(?:en fait|bon|finalement|non|ok|bah|ben|euh|alors) )*(je veux |je voudrais |je prefere )?"
        rf"{_CANCEL_WORDS}(?: (?:et )?{_CANCEL_WORDS})*"  # "laissez tomber, j'arrête"
        r"( (ma|la) (reclamation|plainte|demarche))?( svp| stp| s'il vous plait| merci)?"
        r"( (je verrai|on verra|je reviendrai|je le ferai|je reessaierai) plus tard)?( merci)?$")),
    ("request_human", re.compile(
        r"^(je (veux|voudrais|souhaite|prefere|peux) |puis-je |est-ce que je peux |pouvez-vous me passer |passez-moi )?"
        r"(parler|discuter|echanger)? ?(a|avec)? ?(un|une|quelqu'un|quelqu un)( vrai| vraie)? ?"
        r"(humain|personne|agent|conseiller|conseillere|operateur|operatrice|membre du personnel|etre humain)?"
        r"( reel| reelle| physique)?( svp| stp| s'il vous plait| merci)?$")),
]
_HUMAN_WORDS = re.compile(r"\b(parler|discuter|echanger|passez|humain|vraie personne|quelqu'un|quelqu un)\b")


def _words(text: str) -> str:
    """Folded (compatibility forms included), punctuation turned into spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[!?.…,;:]+", " ", fold(text, compatibility=True))).strip()


def detect_interrupt(text: str | None) -> Interrupt | None:
    """The interruption a short message asks for, or None when it may be an answer."""
    folded = _words(text or "")
    if not folded or len(folded.split()) > 10:
        return None
    for kind, pattern in _PATTERNS:
        if pattern.match(folded):
            if kind == "request_human" and not _HUMAN_WORDS.search(folded):
                continue  # "un conseiller" alone may answer "who was contacted?"
            return kind
    return None
