"""Inside a question: is the message an answer, a question about the question, a remark, or a "no"?

"c'est quoi une référence ?" asks what the field is; "je vous l'ai déjà donnée" points back at an
earlier message; "je n'ai pas d'e-mail" declines the field. None of them is a value to store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.domain.text import fold
from bot.domain.validation import is_none_answer

Kind = Literal["question", "already_said", "decline"]


_QUESTION_RE = re.compile(
    r"(?:c'est quoi|c est quoi|qu'est-ce que c'est|qu'est ce que c'est|qu'est-ce qu'|ca veut dire quoi|cela veut dire"
    r"|que veut dire|que signifie|c'est-a-dire|c'est a dire|pourquoi (?:vous |tu )?(?:me )?(?:demandez|demande|voulez|avez"
    r"|faut|dois|ca|cela|c'est|est-ce)|pourquoi\s*\?|(?:je dois|dois-je|faut-il|il faut|je peux|on doit) (?:mettre|ecrire"
    r"|repondre|dire|indiquer|donner) quoi|(?:que|qu') ?(?:dois-je|faut-il|je dois|est-ce que je dois|je mets|mettre)"
    r"|je mets quoi|je met quoi|a quoi (?:ca|cela|ca) (?:sert|servira|va servir)|(?:est-ce|c'est|cest) obligatoire"
    r"|je suis oblige|suis-je oblige|comment (?:ca|je (?:fais|le trouve|la trouve|sais)|faire|savoir|le trouver|la trouver)"
    r"|ou (?:est-ce que )?(?:je )?(?:le |la )?trouve|je (?:ne )?comprends? pas(?: la question)?|quelle? (?:genre|type)"
    r"|vous voulez dire quoi|c'est a dire\s*\?|kesako|hein\s*\?)"
)
_ALREADY_RE = re.compile(
    r"(?:(?:je )?(?:vous )?(?:l'|les |le |la )?ai deja (?:dit|donnees|donnee|donnes|donne|ecrite|ecrit|indiquee|indique|mise|mis"
    r"|envoyee|envoye|repondu|precisee|precise)|deja (?:dit|donnees|donnee|donne|repondu|ecrite|ecrit|indiquee|indique)|c'est (?:deja )?(?:dans|ecrit dans)"
    r" (?:mon|le|mes) (?:premier )?message|voir (?:plus haut|ci-dessus|mon message)|(?:comme )?(?:je (?:vous )?l'ai|j'ai|j ?l'?ai) (?:deja )?dit"
    r"(?: plus haut| avant)?|relisez|vous l'avez deja|je viens de (?:vous )?(?:le |l'|la )?(?:dire|ecrire|donner|preciser))"
)
# what may follow "je l'ai déjà dit" without being a value
_FILLER_REST = re.compile(r"^(?:(?:tout )?(?:ca|cela)|tout|tout le reste|le reste)?\s*(?:(?:la|a la) (?:derniere|premiere) fois"
                          r"|la fois (?:derniere|passee)|(?:juste )?avant|plus haut|au debut|au telephone|par telephone"
                          r"|hier|l'autre jour|a votre collegue|dans (?:mon|le) (?:premier |dernier )?message)?\W*$")
# after the remark, the other name of the pair: "Lambert c'est le nom" said while the first name is asked
_OTHER_NAME_REST = re.compile(r"^[\w'-]+(?: [\w'-]+)? (?:c'est|est|c) (?:le|mon) (?:nom|prenom)\b")
_DECLINE_RE = {
    "email": re.compile(r"(?:pas|plus|aucune?|sans) (?:d'|de )?(?:adresse )?(?:e-?mail|mail|courriel|adresse electronique)"
                        r"|(?:je n'ai|j'ai) (?:pas|plus) (?:d'|de )?(?:e-?mail|mail|internet|ordinateur)"
                        r"|(?:repondez|ecrivez)[- ]moi par (?:courrier|la poste|lettre)|par courrier (?:svp|s'il vous plait)?$"
                        # "j'en ai une mais je la regarde jamais, appelez-moi plutôt"
                        r"|(?:appelez|telephonez|contactez)[- ]moi (?:plutot|par telephone|au )|plutot par (?:telephone|courrier)"
                        r"|je (?:ne )?(?:la |les )?(?:regarde|lis|consulte|utilise) (?:jamais|pas|presque jamais|rarement)"),
    "phone": re.compile(r"(?:pas|plus|aucun|sans) (?:de |d'|le |la )?(?:numero|telephone|gsm|portable|tel)\b"
                        r"|je (?:ne )?(?:veux|souhaite) pas (?:donner|communiquer) (?:mon|de) (?:numero|telephone)"),
    "address": re.compile(r"(?:pas|plus|sans) (?:de |d')?(?:adresse|domicile)(?! e-?mail| mail)|sans domicile|sdf\b"),
    "file_reference": re.compile(r"(?:pas|aucune?|sans) (?:de |d')?(?:dossier|reference|numero)|je ne (?:l'|la )?(?:ai|connais) pas"),
    "facts_date": re.compile(r"je ne (?:sais|me souviens|m'en souviens) (?:plus|pas)(?: (?:la|de la) date| quand)?"
                             r"|aucune idee|(?:je ne sais|sais) plus|je (?:ne )?(?:sais|connais) pas (?:la date|quand)"
                             r"|(?:pas|plus) (?:de |la )?date"),
    "facts_place": re.compile(r"(?:pas|aucun) (?:de |d')?(?:lieu|endroit)(?: precis)?|nulle part|je ne sais (?:plus|pas)"),
}
# a plain "non" / "j'en ai pas" to "Quelle est votre adresse e-mail ?" says the citizen has none
_NO_IS_DECLINE = ("email", "phone", "address")
# "je veux pas la donner", "je préfère ne pas le dire"
_WONT_GIVE = re.compile(r"(?:je (?:ne )?(?:veux|souhaite|prefere|tiens) pas|je prefere ne pas|pas envie de) (?:la |le |les |l'|vous )*"
                        r"(?:donner|communiquer|dire|transmettre|mettre|ecrire|repondre)\b"
                        r"|^(?:non,? )?(?:je |j ?)?(?:ne )?(?:souhaite|prefere|veux) pas\W*$|(?:ca|cela) (?:ne )?vous regarde pas"
                        r"|je (?:n'en ai|n en ai|en ai) (?:vraiment |toujours |absolument )?pas\b")
_DONT_KNOW = re.compile(r"^(?:je ne sais (?:pas|plus)|je sais (?:pas|plus)|sais (?:pas|plus)|jsp|je ne me souviens (?:plus|pas)"
                        r"|aucune idee|je ne m'en souviens (?:plus|pas)|j'en sais rien|je n'en sais rien)\W*$")


_REQUIRED_ASKED = re.compile(r"obligatoire|\boblige|(?:je dois|dois-je|faut-il|il faut) (?:vraiment )?(?:le |la |les |l'|vous )*"
                             r"(?:donner|mettre|indiquer|communiquer)\b(?! quoi)|\bnecessaire\b|indispensable")


def asks_if_required(text: str | None) -> bool:
    """"c'est obligatoire l'adresse ?", "je dois vraiment la donner ?": is the field required?"""
    folded = fold(text or "")
    return len(folded.split()) <= 20 and bool(_REQUIRED_ASKED.search(folded))


@dataclass(frozen=True)
class Remark:
    kind: Kind
    rest: str = ""  # what follows the remark ("je l'ai déjà dit, dans vos bureaux" -> "dans vos bureaux")


def read_remark(text: str | None, field: str) -> Remark | None:
    """What a message inside the question about `field` is, when it is not a plain answer."""
    raw = (text or "").strip()
    folded = fold(raw)
    if not folded:
        return None
    words = len(folded.split())
    m = _ALREADY_RE.search(folded)
    if m and words <= 25:
        rest = raw[_original_index(raw, folded, m.end()):].strip(" ,.;:-!")
        rest = re.sub(r"(?i)^(?:c'est|c’est|a savoir|à savoir|donc|:)\s*", "", rest)
        if _FILLER_REST.match(fold(rest)) or _OTHER_NAME_REST.match(fold(rest)):
            rest = ""  # "… déjà donné tout ça la dernière fois", "Jean-Marie, je viens de le dire. Lambert c'est le nom"
        if not re.search(r"\w", rest):  # "Dubois, je viens de vous le dire": the value came first
            rest = re.sub(r"(?i)[\s,;:.!-]*(?:je\s+)?(?:vous\s+)?$", "", raw[:_original_index(raw, folded, m.start())])
            if "?" in rest or _QUESTION_RE.search(fold(rest)) or re.search(r"(?i)\bpourquoi\b", rest):
                rest = ""  # "pourquoi vous me redemandez ? je l'ai déjà dit": a question, not the value
        if rest and field in _DECLINE_RE and _declines(fold(rest), field, rest):  # "j'ai dit pas d'email"
            return Remark("decline")
        return Remark("already_said", rest if len(rest.split()) >= 1 and re.search(r"\w", rest) else "")
    # a long message declines in its first sentence: "Je n'ai plus le téléphone fixe… Vous pouvez m'écrire : …"
    first = re.split(r"(?<=[.!?])\s+", raw)[0] if words > 14 else raw
    if field in _DECLINE_RE and len(first.split()) <= 14 and _declines(fold(first), field, first):
        return Remark("decline")
    if words <= 14 and _QUESTION_RE.search(folded) and (raw.endswith("?") or words <= 8):
        return Remark("question")
    return None


def _declines(folded: str, field: str, raw: str) -> bool:
    return bool(_DECLINE_RE[field].search(folded) or _DONT_KNOW.match(folded)
                or (field in _NO_IS_DECLINE and (is_none_answer(raw) or _WONT_GIVE.search(folded))))


def _original_index(raw: str, folded: str, folded_index: int) -> int:
    """Index in `raw` matching `folded_index` (folding keeps lengths except for collapsed spaces)."""
    if len(raw) == len(folded):
        return folded_index
    prefix = folded[:folded_index]
    count, i = 0, 0
    while i < len(raw) and count < len(prefix):
        if fold(raw[: i + 1]).endswith(prefix[count:count + 1]):
            count += 1
        i += 1
    return i
