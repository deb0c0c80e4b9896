"""Interruptions inside the intake: cancel, start over, ask for a human.

Inside a question, any free text may be an answer ("le conseiller" answers "who is targeted?"),
so a classifier's guess is not enough to throw an answer away. An interruption is recognised
only when the whole short message says so.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.domain.text import fold

Interrupt = Literal["cancel", "start_over", "request_human", "pause", "bot_question"]

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
# the message opens on a cancel and says why ("laissez tomber, j'abandonne, c'est trop compliqué")
_CANCEL_START = re.compile(
    r"^(?:(?:en fait|bon|finalement|non|ok|bah|ben|euh|alors|att|attendez)[ ,]+)*(?:je veux |je voudrais |je prefere )?"
    r"(?:(?:annuler|annulez|j'annule|laissez tomber|laisse tomber|je laisse tomber|j'abandonne|abandonner|oubliez(?: ca| tout)?"
    r"|j'arrete(?: tout| la)?)(?=\s*(?:[,.;!]|$| je | j'| c'est| n'envoyez| ne l'envoyez))"
    r"|je (?:ne )?(?:veux|souhaite) (?:pas|plus) (?:l'envoyer|la deposer|continuer)|(?:je )?prefere (?:ne pas|pas) l'envoyer"
    r"|n'envoyez rien|ne l'envoyez pas|n'envoyez pas)")
# "je veux parler à un vrai conseiller, pas à une machine": a person, said in any words
_HUMAN_ASKED = re.compile(
    r"\b(?:parler|discuter|echanger|avoir affaire) (?:a|avec) (?:un|une|quelqu'un|quelqu un|des|votre|le|la)"
    r"(?: (?:vrai|vraie|veritable|etre))? ?(?:humain|humaine|personne|conseiller|conseillere|agent|operateur|operatrice"
    r"|etre humain|responsable|employe|membre du personnel)?\b"
    r"|\b(?:un|une|des) (?:vrai |vraie )?(?:humain|humaine|etre humain|vraie personne)s?\b.{0,20}\bpas (?:a |avec )?(?:un|une) "
    r"(?:robot|machine|bot)")
# "je dois partir, je reviens ce soir", "att jdois y aller jfinirai + tard": a pause, not an answer
_PAUSE = re.compile(
    r"\b(?:je dois (?:partir|y aller|filer|m'absenter|raccrocher)|j ?dois (?:partir|y aller)|je reviens (?:ce soir|plus tard|demain"
    r"|dans|tout a l'heure|apres)|je reviendrai|j ?finirai (?:plus|\+) tard|je (?:finirai|continuerai|terminerai) (?:plus tard|"
    r"ce soir|demain|apres)|(?:pas|plus) le temps (?:la|maintenant|aujourd'hui)|je (?:n'ai|n ai) pas le temps (?:la|maintenant)"
    r"|on continue (?:plus tard|demain|ce soir)|je (?:reprendrai|reprends) (?:plus tard|demain|ce soir))\b")
_BOT_QUESTION = re.compile(r"\b(?:(?:vous etes|t'es|tu es|c'est|es-tu|etes-vous|je parle a) (?:un |une )?(?:robot|bot|machine|ia"
                           r"|intelligence artificielle|ordinateur|programme|vraie personne|humain|chatbot)"
                           r"|(?:un|une) (?:robot|machine|vraie personne) (?:la|ici)?\s*\?)")
_HUMAN_WORDS = re.compile(r"\b(parler|discuter|echanger|passez|humain|vraie personne|quelqu'un|quelqu un)\b")


def _words(text: str) -> str:
    """Folded (compatibility forms included), punctuation turned into spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[!?.…,;:]+", " ", fold(text, compatibility=True))).strip()


def detect_interrupt(text: str | None) -> Interrupt | None:
    """The interruption a short message asks for, or None when it may be an answer."""
    folded = _words(text or "")
    if not folded:
        return None
    words = len(folded.split())
    if words <= 20 and _HUMAN_ASKED.search(folded) and not re.search(r"\b(?:j'ai|il m'a|elle m'a|on m'a|j'avais) (?:deja )?(?:parle|discute|eu|echange)", folded):
        return "request_human"  # "je veux parler à un humain, pas à un robot" (not "j'ai parlé à un agent")
    if words <= 16 and _CANCEL_START.match(fold(text or "").strip()):
        return "cancel"
    if words <= 16 and _PAUSE.search(folded):
        return "pause"
    if words <= 14 and _BOT_QUESTION.search(fold(text or "")) and (text or "").rstrip().endswith("?"):
        return "bot_question"
    if words > 10:
        return None
    for kind, pattern in _PATTERNS:
        if pattern.match(folded):
            if kind == "request_human" and not _HUMAN_WORDS.search(folded):
                continue  # "un conseiller" alone may answer "who was contacted?"
            return kind
    return None
