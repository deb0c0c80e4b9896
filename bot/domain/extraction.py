"""Details a citizen gives unasked in a free message ("je m'appelle…, mon numéro est…").

Conservative on purpose: a key is returned only when its value is clear; the caller still
confirms with the citizen. Nothing here raises.
"""

from __future__ import annotations

import re
from datetime import datetime

import phonenumbers

from bot.domain.dates import find_date, local_today
from bot.domain.validation import FieldError, find_email, split_full_name, validate_email

# complaint references of this registry (contract section 2): IGR-2026-000123
_COMPLAINT_REF_RE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,}\b")
_FILE_REF_RE = re.compile(
    r"\b(?:(?:num[ée]ro|n°|no|nº)\s+(?:de\s+)?dossier|dossier|r[ée]f[ée]rence|r[ée]f\.?)(?![\w])"
    r"(?:\s+(?:n°|no|nº|num[ée]ro))?\s*(?:est\s+(?:le\s+)?|:|#|=)?\s*"
    r"(?P<ref>(?=[\w/.-]*\d)[A-Za-z0-9][\w/.-]*[A-Za-z0-9])",
    re.IGNORECASE,
)
_PLACE_NOUNS = (
    r"guichet|agence|bureau|antenne|centre|permanence|mairie|maison\s+communale|administration\s+communale"
    r"|commune|gare|h[ôo]pital|poste|office|si[èe]ge|succursale|magasin|boutique|point\s+de\s+vente"
)
_TOWN = r"(?P<town>[A-ZÀ-ÖØ-Þ][\w'-]*(?:\s[A-ZÀ-ÖØ-Þ][\w'-]*)*)"
_PLACE_NOUN_RE = re.compile(
    rf"(?i:\b(?:(?:au|à\s+la|à\s+l'|a\s+la|a\s+l'|dans\s+l'|dans\s+la|dans\s+le|en)\s*)?(?:{_PLACE_NOUNS})\s+"
    rf"(?:de|d'|du|à|a)\s*){_TOWN}"
)
_EVENT_AT_TOWN_RE = re.compile(
    r"(?i:\b(?:pass[ée]e?s?|arriv[ée]e?s?|produit|produite|d[ée]roul[ée]e?s?|survenue?s?|rendue?s?|all[ée]e?s?"
    r"|trouvais|c'[ée]tait)\s+(?:\w+\s+){0,2}?(?:à|a)\s+)" + _TOWN
)
# a capitalised word after "à" that is not a town: a person's title, a pronoun, a month, a day
_NOT_TOWN_FIRST = {
    "Monsieur", "Madame", "Mademoiselle", "Mme", "Mlle", "M", "Mr", "Maître", "Docteur", "Dr", "Je", "Il",
    "Elle", "Nous", "Vous", "On", "Un", "Une", "Ce", "Cette", "Mon", "Ma", "Mes", "Votre", "Noël", "Pâques",
    "Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
    "Novembre", "Décembre", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
}
_NOT_TOWN_ALONE = {"Le", "La", "Les", "L"}


def _mask(text: str, start: int, end: int) -> str:
    """Blank out a span (same length) so later passes do not read it again."""
    return text[:start] + " " * (end - start) + text[end:]


def _town(match: re.Match[str]) -> str | None:
    town = match.group("town").rstrip(".,;:!?'-")
    words = town.split()
    if words[0].split("-")[0] in _NOT_TOWN_FIRST or (len(words) == 1 and town in _NOT_TOWN_ALONE):
        return None
    return town


def extract_volunteered(text: str, *, now: datetime, country: str, tz: str) -> dict[str, object]:
    """Contact details, a date, a file reference, a name or a place found in a free message."""
    found: dict[str, object] = {}
    try:
        _extract(text or "", now=now, country=country, tz=tz, found=found)
    except Exception:  # noqa: BLE001 - extraction is a bonus: never break the conversation
        pass
    return found


def _extract(text: str, *, now: datetime, country: str, tz: str, found: dict[str, object]) -> None:
    work = text

    # e-mail first: its digits are neither a phone nor a date
    email = find_email(work)
    if email:
        try:
            found["email"] = validate_email(email)
        except FieldError:
            pass
        idx = work.find(email)
        if idx >= 0:
            work = _mask(work, idx, idx + len(email))

    # this registry's complaint references (IGR-2026-000123): never a phone, a date or a file
    for m in _COMPLAINT_REF_RE.finditer(work):
        work = _mask(work, m.start(), m.end())

    # a reference of an existing file ("dossier 2026/4471", "référence ABC-123")
    for m in _FILE_REF_RE.finditer(work):
        ref = m.group("ref").rstrip(".")
        if len(re.sub(r"\D", "", ref)) >= 2 or re.search(r"[A-Za-z]", ref):
            found["file_reference"] = ref
            work = _mask(work, m.start("ref"), m.end("ref"))
            break

    # phone numbers
    for match in phonenumbers.PhoneNumberMatcher(work, country, leniency=phonenumbers.Leniency.VALID):
        found["phone"] = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        work = _mask(work, match.start, match.end)
        break

    # the date of the facts ("aujourd'hui" is when they write, rarely when it happened)
    parsed = find_date(work, now=now, tz=tz)
    if parsed is not None and parsed.text.lower() not in ("aujourd'hui", "aujourd’hui"):
        earliest, _ = parsed.bounds()
        if earliest <= local_today(now, tz):
            found["facts_date"] = parsed.value.isoformat()
            found["facts_date_precision"] = parsed.precision

    # the name, only after "je m'appelle" / "je suis" / "mon nom est"
    if re.search(r"(?i)je m['’]appelle|je me nomme|mon nom|je suis|moi c['’]est", text):
        names = split_full_name(_first_sentence_with_name(text))
        if names:
            found["first_name"], found["last_name"] = names

    # the place, only when clear
    for m in _PLACE_NOUN_RE.finditer(text):
        town = _town(m)
        if town:  # "au guichet de Mons"
            found["facts_place"] = text[m.start():m.start("town") + len(town)].strip()
            return
    for m in _EVENT_AT_TOWN_RE.finditer(text):
        town = _town(m)
        if town:  # "ça s'est passé à Mons"
            found["facts_place"] = town
            return


def _first_sentence_with_name(text: str) -> str:
    m = re.search(r"(?i)(je m['’]appelle|je me nomme|mon nom|je suis|moi c['’]est)", text)
    return text[m.start():] if m else text
