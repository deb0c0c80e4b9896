"""Which language a message is written in (py3langid, restricted to the languages citizens use here).

The assistant works in French; a message clearly in another language gets a short answer in
that language with the organisation's own contacts (`foreign_language_reply`). Short or
ambiguous messages "ok", a name, an address) are never called foreign.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

CANDIDATES = ("fr", "en", "nl", "de", "es", "it", "pt", "ar", "tr", "pl")
MIN_WORDS = 3
MIN_CONFIDENCE = 0.95

_REPLIES = {
    "en": "This assistant only works in French. To file a complaint with {org} in another way:",
    "nl": "Deze assistent werkt alleen in het Frans. Om op een andere manier een klacht in te dienen bij {org}:",
    "de": "Dieser Assistent arbeitet nur auf Französisch. Um auf anderem Weg eine Beschwerde bei {org} "
           "einzureichen:",
    "es": "Este asistente solo funciona en francés. Para presentar una reclamación a {org} de otra manera:",
    "it": "Questo assistente funziona solo in francese. Per presentare un reclamo a {org} in altro modo:",
}
_FRENCH_WELCOME = {
    "en": "You can also write to me here in French.",
    "nl": "U kunt mij hier ook in het Frans schrijven.",
    "de": "Sie können mir hier auch auf Französisch schreiben.",
    "es": "También puede escribirme aquí en francés.",
    "it": "Può anche scrivermi qui in francese.",
}
_LABELS = {
    "en": {"email": "e-mail", "phone": "phone", "postal_address": "post", "online_form": "online form",
           "website": "website"},
    "nl": {"email": "e-mail", "phone": "telefoon", "postal_address": "post", "online_form": "online formulier",
           "website": "website"},
    "de": {"email": "E-Mail", "phone": "Telefon", "postal_address": "Post", "online_form": "Online-Formular",
           "website": "Webseite"},
    "es": {"email": "correo electrónico", "phone": "teléfono", "postal_address": "correo postal",
           "online_form": "formulario en línea", "website": "sitio web"},
    "it": {"email": "e-mail", "phone": "telefono", "postal_address": "posta", "online_form": "modulo online",
           "website": "sito web"},
}
_FRENCH_HINTS = re.compile(r"(?i)\b(?:je|j'|vous|mon|ma|bonjour|merci|oui|non|pas|est|une?|le|la|les|des)\b")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(CANDIDATES))
    return ident


def detect_language(text: str | None, *, min_words: int = MIN_WORDS) -> str | None:
    """The ISO 639-1 code of a message clearly written in one language, or None when unsure."""
    # e-mail addresses, links and names say nothing of the language ("jan.vandermeer@ziggo.nl",
    # "Morel Thierry, thierry.morel@free.fr, 07 81 22 33 44")
    plain = re.sub(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+", " ", text or "")
    words = [w for w in re.findall(r"[^\W\d_]{2,}", plain) if not w[0].isupper() or w.isupper() and len(w) <= 2]
    if len(words) < min_words:
        return None
    lang, confidence = _identifier().classify(" ".join(words))
    if confidence < MIN_CONFIDENCE:
        return None
    return str(lang)


def is_foreign(text: str | None, *, min_words: int = MIN_WORDS) -> str | None:
    """The language of a message clearly not in French (that we can answer in), else None."""
    lang = detect_language(text, min_words=min_words)
    if lang is None or lang == "fr" or lang not in _REPLIES:
        return None
    if len(_FRENCH_HINTS.findall(text or "")) >= 2:
        return None  # French with a few foreign words
    return lang


def foreign_language_reply(lang: str, organisation: str, contacts: dict[str, str | None]) -> str:
    """A short answer in `lang`: the assistant works in French, and the preset's own contacts."""
    intro = _REPLIES[lang]
    labels = _LABELS[lang]
    lines = [intro.format(org=organisation)]
    lines += [f"• {labels[k]}: {v}" for k, v in contacts.items() if v and k in labels]
    lines.append(_FRENCH_WELCOME[lang])
    return "\n".join(lines)
