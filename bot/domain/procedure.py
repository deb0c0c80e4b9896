"""Questions about the complaint procedure itself, asked back by the citizen.

"Combien de temps pour avoir une réponse ?", "je peux porter plainte si j'habite en France ?",
"c'est possible sans e-mail ?", "et si la réponse ne me convient pas ?": these are not answers to
the question being asked, nor requests for information about a service. Each is recognised as one
topic; what to answer comes from the organisation's preset (the procedure service).
Only a question is recognised: "j'habite en France" is a detail, "je peux… si j'habite en France ?"
a question.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.domain.text import fold

Topic = Literal["delay", "abroad", "anonymous", "no_email", "mediator", "other_ways", "who_reads", "grouped",
                "in_person"]

_QUESTION = re.compile(
    r"\?|^(?:est-ce qu|est ce qu|combien|comment|quand|peut-on|puis-je|dois-je|faut-il|y a-t-il|ya t il"
    r"|c'est possible|est-il possible|je peux|on peut|il faut|et si|et quand|qui)\b"
)
_TOPICS: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    ("abroad", re.compile(
        r"\b(?:(?:a|de) l'etranger|hors (?:de |du )?(?:belgique|france|pays)|pas en (?:belgique|france)"
        r"|(?:habite|vis|reside|suis) (?:en|au|aux) (?!belgique\b|wallonie\b)[a-z]+|autre pays|pays etranger)\b")),
    ("anonymous", re.compile(r"\b(?:anonyme(?:ment)?|sans (?:donner|dire|mettre|laisser) (?:mon|de) nom|sans mon nom)\b")),
    ("no_email", re.compile(r"\b(?:sans (?:adresse )?(?:e-?mail|mail|courriel|internet)"
                            r"|pas (?:d'|de )(?:adresse )?(?:e-?mail|mail|courriel))\b")),
    ("delay", re.compile(
        r"\b(?:combien de (?:temps|jours|semaines|mois)|quel(?:s|le)? (?:est le |sont les )?delais?|delais?"
        r"|quand (?:est-ce que |est ce que )?(?:vais-je|aurai-je|j'aurai|je vais|vous allez|allez-vous|aurais-je|recevrai)"
        r"|dans combien|ca prend combien|ca va prendre|en combien de temps|c'est long|ca (?:prend|dure) longtemps"
        r"|ca va (?:etre|durer) long)\b")),
    ("mediator", re.compile(
        r"\b(?:mediateur|mediation|recours|(?:pas|plus) (?:d'accord|satisfait|satisfaite|content|contente) (?:avec|de)"
        r" (?:la|votre) reponse|la reponse ne me (?:convient|plait) pas|(?:si|et si) (?:vous|on) (?:refusez|refuse)"
        r"|faire appel|contester (?:la|votre) (?:reponse|decision))\b")),
    ("who_reads", re.compile(
        r"\bqui (?:va|vont|pourra|peut|doit) (?:lire|traiter|s'occuper de|voir|examiner) (?:ma|la|cette|mon|le|votre|ca)"
        r"|\bqui (?:lit|traite|s'occupe de|examine) (?:ma|la|les|cette|mon) (?:plainte|reclamation|dossier|demande)")),
    ("grouped", re.compile(
        r"\b(?:signer|s'associer|se joindre|participer|deposer|porter plainte|faire)\b.{0,40}\b(?:a plusieurs|ensemble"
        r"|avec moi|en groupe|collectivement)\b|\b(?:mes |les |nos )?voisins?\b.{0,40}\b(?:signer|s'associer|se joindre"
        r"|aussi porter plainte|la meme (?:plainte|reclamation))\b|\bune (?:petition|plainte collective|reclamation"
        r" collective)\b")),
    ("in_person", re.compile(
        r"\b(?:ou (?:est-ce que )?(?:je dois|dois-je|faut-il|il faut|je doit) (?:venir|aller|me rendre|passer)"
        r"|(?:je dois|je doit|dois-je|faut-il) (?:venir|aller|passer) ou|(?:vos|les) horaires|quels? (?:sont )?(?:vos |les )?"
        r"horaires|heures d'ouverture|c'est ou vos bureaux|ou sont vos bureaux|ou se trouvent? vos bureaux"
        r"|quand (?:est-ce que )?(?:je dois|dois-je|faut-il|je peux) (?:venir|passer)|adresse de vos bureaux)\b")),
    ("other_ways", re.compile(
        r"\b(?:par (?:courrier|la poste|lettre|telephone|e-?mail|mail)|en personne|au guichet|sur place"
        r"|autre(?:ment| moyen| facon)|un formulaire)\b.*\b(?:porter plainte|reclamation|plainte|deposer|introduire"
        r"|reclamer|faire)\b|\b(?:porter plainte|reclamation|plainte|deposer|introduire|reclamer)\b.*\b(?:par courrier"
        r"|par la poste|par lettre|par telephone|par e-?mail|par mail|en personne|au guichet|sur place"
        r"|autre(?:ment| moyen| facon))\b")),
)


def procedure_topic(text: str | None) -> Topic | None:
    """The procedure topic a question is about, or None (a statement, or another question)."""
    folded = fold(text or "").strip()
    if not folded or len(folded.split()) > 30 or not _QUESTION.search(folded):
        return None
    return next((topic for topic, pattern in _TOPICS if pattern.search(folded)), None)
