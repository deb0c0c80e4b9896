"""Validation and normalisation of the citizen's answers, field by field (contract section 1).

Each validator returns the normalised value or raises `FieldError` with a short polite French
message and, when useful, an example answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import email_validator
import phonenumbers

from bot.domain.complaint import FREE_TEXT_FIELDS, YES_NO_FIELDS, ActingFor, DomainError
from bot.domain.dates import DateError, ParsedDate, parse_facts_date
from bot.domain.names import first_and_last
from bot.domain.text import APOSTROPHES, fold


class FieldError(DomainError):
    def __init__(self, message: str, code: str = "invalid", example: str | None = None) -> None:
        super().__init__(message, code)
        self.example = example


EXAMPLES: dict[str, str] = {
    "last_name": "Dupont",
    "first_name": "Marie",
    "address": "Rue des Écoles 7, 7000 Mons",
    "email": "marie.dupont@exemple.com",
    "phone": "0475 12 34 56",
    "file_reference": "dossier 2026/4471 (ou « aucune »)",
    "facts_description": "Le 3 novembre, au guichet, on a refusé de prendre mon dossier sans explication.",
    "facts_date": "le 3 novembre, ou 03/11/2026",
    "facts_place": "au guichet de Charleroi",
    "persons_contacted": "Mme Martin, du service clientèle (ou « aucun »)",
    "attachments": "une photo ou un PDF de votre facture (ou « aucune »)",
    "objective": "Je souhaite le remboursement des frais facturés par erreur.",
    "acting_for": "en mon nom propre, pour une organisation ou pour un groupe",
    "subject": "facture erronée",
    "service_concerned": "service facturation",
    "other_parties": "mon fournisseur d'énergie (ou « aucun »)",
    "persons_targeted": "l'agent du guichet",
    "consent": "oui",
    "prior_contact": "oui",
    "initiative_taken": "non",
}

_COUNTRY_TZ = {"BE": "Europe/Brussels", "FR": "Europe/Paris"}


# ---------------------------------------------------------------- text helpers


def _clean(text: str) -> str:
    """NFC, spaces collapsed (newlines kept), trimmed."""
    text = unicodedata.normalize("NFC", text or "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return text.strip()


def _bare(text: str) -> str:
    """Folded, without surrounding punctuation."""
    return fold(text).strip(" .,;:!?\"'«»()")


_NONE_RE = re.compile(
    # "non j'en ai pas", "euh non, aucune", "bah j'ai pas de dossier", "non désolé"
    r"^(?:(?:non|nan|euh|ben|bah|bon|ah|alors|malheureusement|helas|mais|(?:puisque |comme )?je vous (?:dis|ai dit|repete)"
    r"(?: que)?|j'ai dit que)[ ,.!]+)*"
    r"(?:aucun(?:e)?(?: idee)?|non|nan|nn|rien(?: du tout)?|neant|personne|nul(?:le)?|nope|non merci"
    r"|pas de \w.*|pas d'\w.*|pas encore|sans objet|sans|n/?a|/|-+|0"
    r"|(?:je n'en ai|j'en ai|jen ai|j'en ai eu|je n'en ai eu) (?:pas|aucune?|jamais)(?: (?:de |d')\w.*)?"
    r"|(?:je n'ai|j'ai|jai) (?:pas|jamais) (?:de |d')\w.*|j'ai pas|je n'ai pas|jai pas"
    r"|je n'ai (?:eu|contacte) personne|je n'ai rien|j'ai rien|pas que je sache"
    r"|(?:non,? )?(?:aucun|aucune|personne|rien)(?: en particulier| de precis| de special| \w+)?)"
    r"(?:[ ,.!]+(?:desole|desolee|malheureusement|merci|non|pas))*$"
)


def is_none_answer(text: str) -> bool:
    """"aucun", "aucune", "non", "rien", "pas de …", "néant", "personne", "/"…"""
    t = _bare(text or "")
    if not t:
        t = (text or "").strip()
    return bool(_NONE_RE.match(t))


_DONT_KNOW = {"je ne sais pas", "je sais pas", "sais pas", "jsp", "j'sais pas", "chais pas", "aucune idee",
              "je ne sais plus", "?", "??", "???", "idk", "euh", "bof"}


def _is_dont_know(text: str) -> bool:
    t = fold(text)
    return t in _DONT_KNOW or _bare(text) in _DONT_KNOW or not re.search(r"\w", t)


# ---------------------------------------------------------------- names

_ANONYMOUS_RE = re.compile(
    r"anonym|sans (?:donner )?(?:mon |de )?nom|pas (?:de|mon) nom|"
    r"(?:veux|voudrais|souhaite|prefere|peux|compte) (?:pas|ne pas|rien)|"
    r"ne (?:veux|souhaite|voudrais|desire|tiens|peux) (?:pas|rien)|"
    r"\brefuse\b|pas envie|ca ne vous regarde|ne vous regarde pas|confidentiel|secret|"
    r"je garde (?:ca|mon nom)|pas la peine|\bnon merci\b"
)
# said in so many words: refused at once where the preset excludes anonymous complaints; the other
# signals ("non, pas mon nom", "non merci") are first answered with the rule, then refused
_CLEARLY_ANONYMOUS_RE = re.compile(
    r"anonym|sans (?:donner )?(?:mon |de )?nom|(?:veux|souhaite|voudrais|prefere|tiens) (?:pas|ne pas) (?:le |vous le )?"
    r"(?:donner|dire|communiquer|laisser) (?:mon|de|mon vrai) nom|ne vous regarde|ca ne vous regarde")


def clearly_anonymous(text: str) -> bool:
    return bool(_CLEARLY_ANONYMOUS_RE.search(_bare(text or "")))


_WHOSE_NAME_RE = re.compile(
    r"\b(?:le mien|la mienne|celui de|celui d'|son nom|son prenom|(?:le )?nom de (?:ma|mon|mes|la|le|sa|son)|a lui|a elle"
    r"|(?:nom|prenom) (?:de|du) (?:maman|papa|ma mere|mon pere|mon fils|ma fille|la personne))\b")
_INVALID_WORDS = {
    "je ne sais pas", "je sais pas", "jsp", "sais pas", "aucun", "aucune", "rien", "x", "xx", "xxx",
    "personne", "nom", "prenom", "non", "oui", "test", "inconnu", "inconnue", "nul", "na", "n/a",
    "moi", "bonjour", "salut", "ok", "blabla", "azerty", "qwerty", "toto",
    # an answer to another question ("en mon nom propre" was meant)
    "moi-meme", "moi meme", "moi-même", "moi même", "pour moi", "nom propre",
    "en mon nom", "en mon nom propre", "d'accord", "daccord", "j'accepte", "accepte", "ok merci", "merci",
}
_NAME_PREFIX_RE = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut)[ ,!]+)?(?:(?:je (?:vous )?l'ai|j ?l'?ai) (?:deja |déjà )?dit[ ,:]+)?"
    r"(?:je m'appelle|je me nomme|je suis|moi c'?est|c'est|c est|cest"
    r"|(?:mon|le) (?:nom|pr[ée]nom)(?: de famille)?(?: complet)?(?: est| c'?est| c|:)?)\s+"
    r"|^(?:(?:je (?:vous )?l'ai|j ?l'?ai) (?:deja |déjà )?dit)[ ,:]+",
    re.IGNORECASE,
)
_NAME_CHARS_RE = re.compile(r"^[^\W\d_]+(?:[-' ][^\W\d_]+)*$")


def _strip_name_prefix(text: str) -> str:
    m = _NAME_PREFIX_RE.match(text)
    return text[m.end():] if m else text


def _capitalise_word(word: str) -> str:
    return "-".join(
        "'".join(p[:1].upper() + p[1:].lower() for p in part.split("'")) for part in word.split("-")
    )


def _normalise_case(name: str) -> str:
    """Capitalise a name typed all in lower or all in upper case; keep a mixed case as typed."""
    letters = [c for c in name if c.isalpha()]
    if letters and (all(c.islower() for c in letters) or all(c.isupper() for c in letters)):
        return " ".join(_capitalise_word(w) for w in name.split(" "))
    return name


def validate_name(text: str, field: str = "last_name") -> str:
    """A last or first name: letters (accents), hyphens, apostrophes, spaces."""
    label = "prénom" if field == "first_name" else "nom"
    example = EXAMPLES.get(field, EXAMPLES["last_name"])
    raw = re.sub(f"[{APOSTROPHES}]", "'", _clean(text or "").replace("\n", " "))
    folded = _bare(raw)
    if _WHOSE_NAME_RE.search(folded):
        # "non pas mon nom, le nom de ma maman", "son nom à lui ou le mien ?": whose name, not anonymity
        raise FieldError(
            f"C'est votre {label} à vous que je demande, celui de la personne qui écrit. "
            "La personne pour qui vous écrivez sera notée avec la réclamation (vous pourrez le préciser dans "
            "la description des faits).",
            "whose_name",
            example,
        )
    if _ANONYMOUS_RE.search(folded):
        raise FieldError(
            f"Pour traiter une plainte, nous avons besoin de votre {label}. "
            "Les plaintes anonymes ne peuvent pas être traitées.",
            "anonymous_refusal",
            example,
        )
    name = _strip_name_prefix(raw).strip(" .,;:!?\"«»()")
    name = re.sub(r"\s*-\s*", "-", re.sub(r"\s+", " ", name))
    bad = FieldError(
        f"Je n'ai pas reconnu un {label} : pouvez-vous l'écrire en lettres ? (par exemple « {example} »)",
        "invalid_name",
        example,
    )
    if not name or _bare(name) in _INVALID_WORDS or _bare(raw) in _INVALID_WORDS or _is_dont_know(raw):
        raise bad
    if not _NAME_CHARS_RE.match(name) or len(name) > 80 or len(name.split(" ")) > 5:
        raise bad
    words = [_bare(w) for w in name.split(" ")]
    if len(words) >= 2 and (any(w in _SENTENCE_WORDS for w in words) or words[0] == "les"):
        raise bad  # "ils ne passent plus", "les poubelles": an answer to another question, not a name
    if sum(c.isalpha() for c in name) < 2:
        raise bad
    return _normalise_case(name)


_NAME_TOKEN = r"[^\W\d_]+(?:['-][^\W\d_]+)*"  # a regular expression, not a password  # nosec B105
_PARTICLES = {"de", "du", "des", "van", "von", "der", "den", "le", "la", "d'", "di", "da", "ten", "ter"}
_STOP_AFTER_NAME = {
    "et", "je", "j", "qui", "mais", "car", "donc", "pour", "avec", "habite", "ai", "suis", "est", "mon", "ma",
    "mes", "vous", "il", "elle", "nous", "on", "ne", "n", "a", "à", "au", "en", "dans", "sur", "par", "ou",
}
_NOT_NAME_WORDS = {
    "je", "j'", "ne", "pas", "sais", "suis", "veux", "oui", "non", "bonjour", "merci", "est", "et", "ai",
    "mon", "ma", "mes", "nom", "prenom", "aucun", "aucune", "rien", "personne", "anonyme", "plainte",
}
# words of a sentence that no name holds (particles such as "de", "la", "van" are not among them)
_SENTENCE_WORDS = {
    "je", "j'", "tu", "il", "ils", "elle", "elles", "nous", "vous", "on", "ne", "pas", "plus", "est", "sont", "ont",
    "ai", "et", "mais", "ou", "donc", "car", "que", "qui", "quoi", "avec", "sans", "pour", "dans", "sur", "chez",
    "mon", "ma", "mes", "ton", "ta", "votre", "vos", "leur", "leurs", "ce", "cette", "ces", "ca", "cela", "jamais",
    "toujours", "rien", "tout", "tous", "une", "un", "deja", "encore", "tres", "trop", "c'est", "c'etait", "nom",
    "prenom",
}
_TITLES = {"monsieur", "madame", "mademoiselle", "mme", "mlle", "m", "mr", "mrs", "ms", "dr", "docteur", "maître"}
_STRONG_PREFIX_RE = re.compile(
    r"(?:je m['’]appelle|je me nomme|mon nom(?: complet)? est|mon nom c['’]est|moi c['’]est)\s+", re.IGNORECASE
)
_WEAK_PREFIX_RE = re.compile(r"(?:je suis|c['’]est)\s+", re.IGNORECASE)


def _name_words(rest: str, require_capitals: bool) -> list[str]:
    """The name-looking words at the start of `rest`, up to punctuation or an ordinary word."""
    words: list[str] = []
    tokens = rest.split()
    if tokens and tokens[0].rstrip(".").lower() in _TITLES:
        tokens = tokens[1:]
    for token in tokens:
        core = token.rstrip(".,;:!?)")
        if not re.fullmatch(_NAME_TOKEN, core):
            break
        low = core.lower()
        if low in _STOP_AFTER_NAME or re.match(r"(?:j|n|l|m|s|t|c|qu)'", low):
            break
        capitals = require_capitals or (bool(words) and words[0][0].isupper())
        if capitals and not core[0].isupper() and low not in _PARTICLES:
            break
        words.append(core)
        if core != token or len(words) == 4:
            break
    while words and words[-1].lower() in _PARTICLES:
        words.pop()
    return words


def split_full_name(text: str) -> tuple[str, str] | None:
    """(first_name, last_name) from "Je m'appelle Sophie Lambert", "Sophie LAMBERT", "LAMBERT Sophie".

    A word in capitals is the last name; otherwise the first word is the first name and the
    rest the last name ("Sophie Van Damme"). None when not clearly a full name.
    """
    text = _clean(text or "").replace("\n", " ")
    if not text:
        return None
    m = _STRONG_PREFIX_RE.search(text)
    if m:
        words = _name_words(text[m.end():], require_capitals=False)
    else:
        m = _WEAK_PREFIX_RE.search(text)
        if m:
            words = _name_words(text[m.end():], require_capitals=True)
        else:
            candidate = text.strip(" .!")
            if not _NAME_CHARS_RE.match(candidate) or _is_dont_know(candidate):
                return None
            words = candidate.split(" ")
            if len(words) > 4 or any(fold(w) in _NOT_NAME_WORDS for w in words):
                return None
    if len(words) < 2:
        return None
    upper = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()]
    if upper and len(upper) < len(words):
        last_words = [w for i, w in enumerate(words) if i in upper]
        first_words = [w for i, w in enumerate(words) if i not in upper]
    else:
        first_words, last_words = words[:1], words[1:]
        ordered = first_and_last(words)  # "je m'appelle Lemaire Paul": NOM Prénom, as on forms
        if ordered:
            first_words, last_words = [ordered[0]], [ordered[1]]
    try:
        first = validate_name(" ".join(first_words), "first_name")
        last = validate_name(" ".join(last_words), "last_name")
    except FieldError:
        return None
    if last.isupper() and not first.isupper():
        last = _normalise_case(last)
    return first, last


# ---------------------------------------------------------------- contact details

_EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def find_email(text: str) -> str | None:
    """The first e-mail-looking address in `text` (" arobase " understood), or None."""
    text = re.sub(r"\s*(?:\barobase\b|\(at\)|\[at\])\s*", "@", text or "", flags=re.IGNORECASE)
    m = _EMAIL_RE.search(text)
    return m.group(0).rstrip(".") if m else None


def validate_email(text: str) -> str:
    example = EXAMPLES["email"]
    candidate = find_email(text)
    unfinished = re.search(r"[\w.+-]+@(?P<domain>[\w-]+)(?![\w.-]*\.\w)", text or "")
    if candidate is None and unfinished:  # "karim.benali@gmail": the end is missing
        domain = unfinished.group("domain")
        raise FieldError(
            f"Il manque la fin de l'adresse après « @{domain} » (par exemple « @{domain}.com » ou « @{domain}.be ») : "
            "pouvez-vous l'écrire en entier ?",
            "invalid_email",
            example,
        )
    if candidate is None:
        raise FieldError(
            f"Je n'ai pas trouvé d'adresse e-mail : pouvez-vous l'écrire en entier ? (par exemple « {example} »)",
            "invalid_email",
            example,
        )
    try:
        result = email_validator.validate_email(candidate, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise FieldError(
            f"Cette adresse e-mail ne semble pas valide : pouvez-vous la vérifier ? (par exemple « {example} »)",
            "invalid_email",
            example,
        ) from None
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


_TAKEN_BACK = re.compile(r"(?i)\b(?:non|pardon|d[ée]sol[ée]e?|plut[ôo]t|en fait|oups|erreur|je me suis tromp[ée]e?"
                         r"|pas celui-l[àa]|c'est le)\b")


def validate_phone(text: str, country: str) -> str:
    """A valid phone number, as E.164; national numbers are read for `country`, then for the
    neighbouring countries (a citizen of a Belgian body may live in France). A number the library
    calls possible but not valid raises "doubtful_phone": the citizen may confirm it."""
    example = EXAMPLES["phone"] if country == "BE" else "06 12 34 56 78"
    error = FieldError(
        f"Ce numéro de téléphone ne semble pas valide : pouvez-vous le vérifier ? (par exemple « {example} »)",
        "invalid_phone",
        example,
    )
    text = _clean(text or "").replace("\n", " ")
    found = list(phonenumbers.PhoneNumberMatcher(text, country, leniency=phonenumbers.Leniency.VALID))
    if found:
        # "06 11 22 33 44 ah non 06 11 22 33 45 pardon": the number given after taking the first back
        taken_back = len(found) > 1 and _TAKEN_BACK.search(text[found[0].end:found[-1].start])
        match = found[-1] if taken_back else found[0]
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+?\d{6,16}", digits):
        raise error
    try:
        number = phonenumbers.parse(digits, country)
    except phonenumbers.NumberParseException:
        raise error from None
    if not digits.startswith("+") and not phonenumbers.is_valid_number(number) and len(digits) == 10:
        for region in ("FR", "NL", "BE"):  # a national number of a neighbouring country ("06 12 34 56 78")
            try:
                other = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if region != country and phonenumbers.is_valid_number(other):
                return phonenumbers.format_number(other, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        if phonenumbers.is_possible_number(number):
            raise FieldError(
                "Ce numéro me paraît inhabituel. S'il est correct, répondez « oui » (je le garde tel quel, "
                "le service vérifiera) ; sinon, corrigez-le.",
                "doubtful_phone",
                example,
            )
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_POSTCODE_RE = {
    "BE": re.compile(r"(?<![\d\w])(?:B\s*-\s*|B)?([1-9]\d{3})(?![\d])", re.IGNORECASE),
    "FR": re.compile(r"(?<![\d\w])(?:F\s*-\s*|F)?(\d{5})(?![\d])", re.IGNORECASE),
}
_FOREIGN_POSTCODES = (
    re.compile(r"(?<![\d\w])(?:F\s*-\s*|D\s*-\s*)?(\d{5})(?![\d])", re.IGNORECASE),
    re.compile(r"(?<![\d\w])(?:B\s*-\s*|L\s*-\s*|CH\s*-\s*)?([1-9]\d{3})(?![\d])", re.IGNORECASE),
    re.compile(r"(?<![\d\w])([1-9]\d{3}\s?[A-Z]{2})(?![\w])"),
)
_TOWN_AFTER_RE = re.compile(r"^[\s,]*(?:cedex\s*)?([^\W\d_]{2,})")
_TOWN_BEFORE_RE = re.compile(r"([^\W\d_]{2,})\s*$")  # "Mons 7000"; "Poulat, 38000" is a street
_STREET_WORDS = {
    "rue", "avenue", "av", "boulevard", "bd", "chaussee", "place", "chemin", "route", "allee", "impasse",
    "quai", "square", "clos", "cours", "voie", "sentier", "dreve", "residence", "bte", "boite", "bus",
}


def _has_town_after(rest: str) -> bool:
    m = _TOWN_AFTER_RE.match(rest)
    return m is not None and fold(m.group(1)) not in _STREET_WORDS


def _has_town_before(head: str) -> bool:
    """"…7, Mons 7000" or "8 avenue Jean Jaurès Lyon 69007": a word after the street and its number."""
    m = _TOWN_BEFORE_RE.search(head)
    if not m or fold(m.group(1)) in _STREET_WORDS:
        return False
    street = head[:m.start()]
    return bool(re.search(r"\d", street)) or street.rstrip().endswith(",")


def validate_address(text: str, country: str) -> str:
    """A home address with its postcode and town ("Rue des Écoles 7, 7000 Mons")."""
    country = country.upper()
    example = EXAMPLES["address"] if country == "BE" else "8 avenue Jean Jaurès, 69007 Lyon"
    address = _clean(text or "").replace("\n", ", ")
    address = re.sub(r"\s*,\s*", ", ", address).strip(" ,")
    if len(address) > 300:
        raise FieldError("Cette adresse est trop longue : pouvez-vous la raccourcir ?", "too_long", example)
    pattern = _POSTCODE_RE.get(country, _POSTCODE_RE["BE"])
    matches = list(pattern.finditer(address))
    if not matches:  # a citizen living abroad: France, the Netherlands ("1012 AB"), Luxembourg ("L-1234")…
        matches = [m for p in _FOREIGN_POSTCODES for m in p.finditer(address)]
    if not matches:
        raise FieldError(
            "Il manque le code postal : pouvez-vous donner l'adresse complète, avec le pays si vous habitez "
            f"à l'étranger ? (par exemple « {example} »)",
            "missing_postcode",
            example,
        )
    for m in reversed(matches):
        if _has_town_after(address[m.end():]) or _has_town_before(address[:m.start()]):
            return address
    raise FieldError(
        f"Il manque la commune : pouvez-vous l'ajouter après le code postal ? (par exemple « {example} »)",
        "missing_town",
        example,
    )


# ---------------------------------------------------------------- references and free text


# a reference without digits: "ABC-XYZ", or said as one ("dossier Dupont")
_CODE_LIKE = re.compile(r"[A-Z]{2,}(?:[-/.][A-Z0-9]+)+|(?i:(?:dossier|r[ée]f[ée]rence|r[ée]f\.?|n°)\s+\S.*)")


def validate_file_reference(text: str) -> str | None:
    """The reference of an existing file, or None when the citizen has none."""
    value = _clean(text or "").replace("\n", " ")
    if not value or is_none_answer(value):
        return None
    if len(value) > 100:
        raise FieldError(
            "Cette référence est trop longue (100 caractères au plus) : pouvez-vous la vérifier ?",
            "too_long",
            EXAMPLES["file_reference"],
        )
    words = value.split()
    said = [t.strip(".,;:!?()") for t in re.findall(r"[\w/.-]*\d[\w/.-]*", value) if sum(c.isdigit() for c in t) >= 3]
    if said and len(words) >= 4:
        # "Je l'ai indiquée dans mon courrier : URB-2026-4471", "non attendez c'est 445-212": the reference only
        return said[-1] if _TAKEN_BACK.search(value) else max(said, key=len)
    if parse_yes_no(value) is True and not re.search(r"\d", value):  # "oui", "oui j'en ai une": still to come
        raise FieldError(
            "Quelle est cette référence ? Indiquez-la telle qu'elle figure sur votre courrier.",
            "value_missing",
            EXAMPLES["file_reference"],
        )
    if not re.search(r"\d", value) and not _CODE_LIKE.fullmatch(value):
        # "elle est sur la lettre", "pour moi-même" (another question's answer), "Dupont": kept once confirmed
        raise FieldError(
            "Je ne vois pas de référence dans votre réponse : indiquez-la telle qu'elle figure sur votre "
            "courrier, ou répondez « aucune ». Si c'est bien elle, répondez « oui » et je la garde telle quelle.",
            "doubtful",
            EXAMPLES["file_reference"],
        )
    return value


_NONE_ACCEPTED = {"persons_contacted", "other_parties", "persons_targeted"}

_FIELD_LABELS = {
    "facts_place": "le lieu des faits",
    "persons_contacted": "les personnes déjà contactées",
    "objective": "ce que vous souhaitez obtenir",
    "subject": "l'objet de votre plainte",
    "service_concerned": "le service concerné",
    "other_parties": "les autres parties concernées",
    "persons_targeted": "les personnes visées",
    "facts_description": "la description des faits",
}


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text)


def validate_free_text(text: str, field: str, min_words: int = 1, max_chars: int = 4000) -> str:
    """A free answer; "aucun" for persons_contacted, other_parties and persons_targeted when there
    is none."""
    example = EXAMPLES.get(field)
    hint = f" (par exemple « {example} »)" if example else ""
    label = _FIELD_LABELS.get(field, "cette information")
    value = _clean(text or "")
    if field in _NONE_ACCEPTED and value and is_none_answer(value):
        return "aucun"
    if not value or _is_dont_know(value):
        raise FieldError(f"Pouvez-vous préciser {label} ?{hint}", "empty", example)
    if is_none_answer(value):
        raise FieldError(f"Cette information est nécessaire : pouvez-vous préciser {label} ?{hint}",
                         "none_not_accepted", example)
    if len(value) > max_chars:
        raise FieldError(
            f"Votre réponse est trop longue ({max_chars} caractères au plus) : pouvez-vous la raccourcir ?",
            "too_long",
            example,
        )
    if len(_words(value)) < min_words:
        raise FieldError(f"Pouvez-vous préciser {label} en quelques mots de plus ?{hint}", "too_short", example)
    return re.sub(r"\s*([!?])\1+\s*$|\s*!+\s*$", "", value) or value  # "l'aspirateur Turbo 3000 !!!"


def validate_description(text: str) -> str:
    """The facts: at least 5 words, at most 4000 characters."""
    example = EXAMPLES["facts_description"]
    value = _clean(text or "")
    if len(value) > 4000:
        raise FieldError(
            "Votre description est trop longue (4000 caractères au plus) : pouvez-vous la résumer ?",
            "too_long",
            example,
        )
    if len(_words(value)) < 5:
        raise FieldError(
            "Pouvez-vous décrire les faits un peu plus précisément, en une ou deux phrases ? "
            f"(par exemple « {example} »)",
            "too_short",
            example,
        )
    return value


# ---------------------------------------------------------------- yes / no, acting for

_NO_START = ("non", "nan", "no", "nope", "jamais", "/deny", "👎", "❌", "pas question", "nullement",
             "negatif", "surtout pas")
_NO_PHRASES = (
    "je refuse", "pas d'accord", "n'accepte pas", "accepte pas", "pas encore", "pas du tout", "absolument pas",
    "certainement pas", "pas question", "n'est pas", "ne suis pas", "pas correct", "pas vraiment",
    "pas exact", "pas ca", "je ne veux pas", "je veux pas", "pas maintenant", "que non",
)
_FILLERS = re.compile(r"^(?:(?:ben|bah|bon|mais|eh bien|euh|alors|ah|oh|hm+)[ ,.!]+)+(?=\S)")
_YES_START = (
    "oui", "ouais", "ouai", "ouep", "yes", "yep", "ok", "okay", "okey", "d'accord", "dac", "bien sur",
    "exact", "exactement", "tout a fait", "absolument", "certainement", "evidemment", "volontiers",
    "parfait", "c'est correct", "c'est exact", "c'est bien ca", "c'est ca", "correct", "j'accepte",
    "je suis d'accord", "je confirme", "confirme", "affirmatif", "en effet", "effectivement", "/affirm",
    "👍", "✅", "👌", "bien entendu", "avec plaisir", "c'est bon", "ca marche", "entendu", "accepte",
    "vas-y", "allez-y",
)


def _starts_with(t: str, options: tuple[str, ...]) -> bool:
    for opt in options:
        if t == opt or (t.startswith(opt) and not t[len(opt)].isalnum()):
            return True
        if not opt[0].isalnum() and not opt.startswith("/") and t.startswith(opt):  # emoji
            return True
    return False


def parse_yes_no(text: str) -> bool | None:
    """True for "oui", "d'accord", "👍"…; False for "non", "pas encore", "je refuse"…; else None."""
    t = _bare(text or "")
    if not t:
        t = (text or "").strip()
    if not t:
        return None
    t = _FILLERS.sub("", t) or t  # "ben oui", "bah ouais", "mais oui"
    t = re.sub(r"^(?:je (?:pense|crois|dirais)|il me semble|j'imagine)(?: que)? (?=oui|non|pas)", "", t)  # "je pense que oui"
    if re.fullmatch(r"nn+|nan+|non+", t):  # SMS "nn"
        return False
    if _starts_with(t, _NO_START) or any(p in t for p in _NO_PHRASES):
        return False
    if _starts_with(t, _YES_START) or "j'accepte" in t or "je suis d'accord" in t:
        return True
    return None


_GROUP_RE = re.compile(
    r"\b(?:groupe|collectif|plusieurs|nous sommes|nous (?:tous|toutes)|petition|voisins|riverains|habitants"
    r"|residents|locataires|copropri\w*|familles|ensemble|a (?:deux|trois|plusieurs)|nous)\b"
)
_ORG_RE = re.compile(
    r"\b(?:entreprise|societe|association|asbl|a\.s\.b\.l|organisation|organisme|sprl|srl|sarl|sas|sasu|eurl"
    r"|scrl|fondation|federation|syndicat|club|commerce|firme|personne morale|employeur|cooperative"
    r"|institution|cabinet|etablissement|mutuelle|compagnie|ong|ma boite|notre boite|s\.a\.)(?!\w)"
)
_SELF_RE = re.compile(
    r"\b(?:moi|moi-meme|pour moi|mon nom|en mon nom|mon propre compte|mon compte|personnellement"
    r"|a titre (?:personnel|prive|individuel)|particulier|perso|seul|seule|individuel(?:le)?|nom propre"
    r"|je (?:porte plainte|me plains) (?:moi|seul))\b"
)


def parse_acting_for(text: str) -> ActingFor | None:
    """SELF, ORGANISATION or GROUP from a free answer; None when unclear."""
    t = _bare(text or "")
    if not t:
        return None
    if t in ("self", "organisation", "group"):
        return ActingFor(t)
    if _ORG_RE.search(t):
        return ActingFor.ORGANISATION
    if _GROUP_RE.search(t):
        return ActingFor.GROUP
    if _SELF_RE.search(t):
        return ActingFor.SELF
    return None


# ---------------------------------------------------------------- dispatch


@dataclass(frozen=True)
class _Asked:
    """The field asked and what its validator may need besides the answer."""

    field: str
    country: str
    now: datetime | None
    tz: str | None


def _validate_facts_date(text: str, asked: _Asked) -> ParsedDate:
    if asked.now is None:
        raise ValueError("validate_field('facts_date') needs now=")
    try:
        return parse_facts_date(text, now=asked.now, tz=asked.tz or _COUNTRY_TZ.get(asked.country, "Europe/Brussels"))
    except DateError as e:
        raise FieldError(e.message, e.code, EXAMPLES["facts_date"]) from None


def _validate_yes_no(text: str, asked: _Asked) -> bool:
    answer = parse_yes_no(text)
    if answer is None:
        raise FieldError("Pouvez-vous répondre par « oui » ou par « non » ?", "yes_no_expected", "oui")
    return answer


def _validate_acting_for(text: str, asked: _Asked) -> ActingFor:
    acting = parse_acting_for(text)
    if acting is None:
        raise FieldError(
            "Déposez-vous cette plainte en votre nom propre, pour une organisation ou pour un groupe "
            "de personnes ?",
            "acting_for_unclear",
            EXAMPLES["acting_for"],
        )
    return acting


def _validate_attachments(text: str, asked: _Asked) -> list[str]:
    if is_none_answer(text):
        return []
    raise FieldError(
        "Vous pouvez envoyer vos documents en pièce jointe dans cette conversation, "
        "ou répondre « aucune » si vous n'en avez pas.",
        "attachment_expected",
        EXAMPLES["attachments"],
    )


_VALIDATORS: dict[str, Callable[[str, _Asked], object]] = {
    "last_name": lambda text, asked: validate_name(text, asked.field),
    "first_name": lambda text, asked: validate_name(text, asked.field),
    "address": lambda text, asked: validate_address(text, asked.country),
    "email": lambda text, asked: validate_email(text),
    "phone": lambda text, asked: validate_phone(text, asked.country),
    "file_reference": lambda text, asked: validate_file_reference(text),
    "facts_description": lambda text, asked: validate_description(text),
    "facts_date": _validate_facts_date,
    **dict.fromkeys(FREE_TEXT_FIELDS, lambda text, asked: validate_free_text(text, asked.field)),
    **dict.fromkeys(YES_NO_FIELDS, _validate_yes_no),
    "acting_for": _validate_acting_for,
    "attachments": _validate_attachments,
}


def validate_field(name: str, text: str, *, country: str, now: datetime | None = None,
                   tz: str | None = None) -> object:
    """Validate the answer `text` for the contract field `name`; raises FieldError.

    `facts_date` needs `now` (returns a ParsedDate); yes/no fields return a bool; `acting_for`
    an ActingFor; `attachments` only accepts a "none" answer (returns []), files come as uploads.
    """
    validator = _VALIDATORS.get(name)
    if validator is None:
        raise ValueError(f"unknown field {name!r}")
    return validator(text, _Asked(name, country, now, tz))
