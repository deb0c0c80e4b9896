"""The policy presets (one YAML file per organisation) and their loader.

This module is the only place that reads the preset files. Nothing is read at import time:
`load_policy` reads a preset the first time it is asked for, then keeps it (`cache_clear()`
forgets them). `check_policy_file` is what `complaintbot policy check FILE` reports: errors,
each with its place in the file, and a warning for each empty value the organisation should
fill in (values the seed did not give stay `null`: they are never invented).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import ValidationError

from bot.domain.complaint import CITIZEN_FIELDS, REFUSAL_CODES, TRIAGE_CODES
from bot.domain.policy import Contacts, Deadline, DeadlineUnit, Policy, Route
from bot.domain.text import fold

__all__ = [
    "PolicyError",
    "check_policy_file",
    "list_policy_ids",
    "load_policy",
    "load_policy_file",
    "policies_dir",
]

SUFFIX = ".yml"
EMPTY = "vide (à compléter par l'organisation)"
# the contact values a citizen would use; their absence is reported (fax and urgent line are extras)
WARNED_CONTACT_FIELDS = ("email", "phone", "postal_address", "website", "online_form")
# routes whose contacts the citizen needs (an agreement, an appeal procedure or a dispute has none)
ROUTES_WITH_CONTACTS = ("mediator", "other_service", "data_protection_officer")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class PolicyError(Exception):
    """A preset is unknown, unreadable or invalid; the message lists every problem found."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])


def policies_dir() -> Path:
    """The folder holding the preset files (`bot/policies/`)."""
    return Path(__file__).resolve().parent


def list_policy_ids() -> list[str]:
    """The ids of the presets shipped with the project, sorted."""
    return sorted(p.stem for p in policies_dir().glob(f"*{SUFFIX}") if p.is_file())


@cache
def load_policy(policy_id: str) -> Policy:
    """The preset `policy_id` (e.g. "igretec"), read once then cached; raises PolicyError."""
    if not isinstance(policy_id, str) or not _ID_RE.match(policy_id):
        raise PolicyError(f"Identifiant de préréglage invalide : {policy_id!r}.")
    path = policies_dir() / f"{policy_id}{SUFFIX}"
    if not path.is_file():
        known = ", ".join(list_policy_ids()) or "aucun"
        raise PolicyError(f"Préréglage inconnu : « {policy_id} » (disponibles : {known}).")
    policy = load_policy_file(path)
    if policy.id != policy_id:
        raise PolicyError(f"{path.name} : id « {policy.id} » différent du nom du fichier « {policy_id} ».")
    return policy


def load_policy_file(path: str | Path) -> Policy:
    """Read and validate one preset file; raises PolicyError listing every error."""
    path = Path(path)
    policy, errors, _warnings = _examine(path)
    if errors or policy is None:
        raise PolicyError(f"Préréglage invalide ({path.name}) :\n" + "\n".join(f"- {e}" for e in errors), errors)
    return policy


def check_policy_file(path: str | Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) for one preset file, each prefixed by its place in the file."""
    _policy, errors, warnings = _examine(Path(path))
    return errors, warnings


# ---------------------------------------------------------------------------------------- internals


def _examine(path: Path) -> tuple[Policy | None, list[str], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path.name}: lecture impossible ({exc})"], []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [_yaml_error(exc)], []
    if not isinstance(data, dict):
        return None, ["(racine): le fichier doit contenir un dictionnaire YAML (clé: valeur)"], []
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = _loc(err["loc"])
            line = _line_of(root, err["loc"])
            where = f" (ligne {line})" if line else ""
            errors.append(f"{loc}: {err['msg']}{where}")
        return None, errors, []
    errors = [_with_line(root, loc, msg) for loc, msg in _semantic_errors(policy)]
    warnings = [f"{loc}: {msg}" for loc, msg in _warnings(policy, path)]
    return (None if errors else policy), errors, warnings


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    if mark is not None:
        return f"ligne {mark.line + 1}, colonne {mark.column + 1}: syntaxe YAML invalide ({detail})"
    return f"syntaxe YAML invalide ({detail})"


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(racine)"


def _parse_loc(loc: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", loc):
        parts.append(int(index) if index else name)
    return parts


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...] | list[Any]) -> int | None:
    """1-based line of the deepest YAML node found along `loc`."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if child is None:  # extra key: point at the key itself
                key = next((k for k, _v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
                if key is not None:
                    return key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _with_line(root: yaml.Node | None, loc: str, msg: str) -> str:
    line = _line_of(root, _parse_loc(loc))
    return f"{loc}: {msg}" + (f" (ligne {line})" if line else "")


def _semantic_errors(p: Policy) -> list[tuple[str, str]]:
    """Rules the schema alone cannot say (field names, codes, questions, deadlines)."""
    out = _field_errors(p) + _exclusion_errors(p) + _deadline_errors(p)
    if p.intake_mode == "in_person" and p.in_person is None:
        out.append(("in_person", "obligatoire quand intake_mode vaut in_person"))
    return out + _deadline_text_errors(p)


def _field_errors(p: Policy) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        ZoneInfo(p.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        out.append(("timezone", f"fuseau horaire inconnu : {p.timezone!r}"))
    seen: set[str] = set()
    for i, name in enumerate(p.ask_fields):
        if name not in CITIZEN_FIELDS:
            out.append((f"ask_fields[{i}]", f"champ inconnu {name!r} (champs : {', '.join(CITIZEN_FIELDS)})"))
        if name in seen:
            out.append((f"ask_fields[{i}]", f"champ {name!r} demandé deux fois"))
        seen.add(name)
    for i, name in enumerate(p.required_fields):
        if name not in p.ask_fields:
            out.append((f"required_fields[{i}]", f"{name!r} est obligatoire mais absent de ask_fields"))
    if ("prior_contact" in p.ask_fields) != p.prior_contact.ask:
        out.append(("prior_contact.ask", "doit être vrai si et seulement si ask_fields contient prior_contact"))
    if p.prior_contact.ask and not p.prior_contact.question:
        out.append(("prior_contact.question", "question obligatoire quand prior_contact.ask est vrai"))
    return out


def _exclusion_errors(p: Policy) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    codes: set[str] = set()
    for i, ex in enumerate(p.exclusions):
        where = f"exclusions[{i}]"
        if ex.code not in REFUSAL_CODES and ex.code not in TRIAGE_CODES:
            out.append((f"{where}.code", f"code inconnu {ex.code!r}"))
        if ex.code in codes:
            out.append((f"{where}.code", f"code {ex.code!r} présent deux fois"))
        codes.add(ex.code)
        for j, cue in enumerate(ex.cues):
            if cue != cue.lower() or not cue.strip():
                out.append((f"{where}.cues[{j}]", f"indice {cue!r} : écrire en minuscules, non vide"))
        if ex.cues and ex.decided_by == "assistant" and not ex.question:
            out.append((f"{where}.question", "une exclusion décidée par l'assistant avec des indices doit "
                                             "avoir une question oui/non"))
        if ex.code == "too_vague" and not ex.precision_request:
            out.append((f"{where}.precision_request", "too_vague demande une précision avant d'être signalée"))
    if ("too_old" in codes) != (p.too_old is not None):
        out.append(("too_old", "la règle too_old et l'exclusion too_old vont ensemble"))
    if p.too_old is not None and p.too_old.unless_initiative_taken and not p.too_old.initiative_question:
        out.append(("too_old.initiative_question", "question obligatoire quand unless_initiative_taken est vrai"))
    if "grouped" in codes and "acting_for" not in p.ask_fields:
        out.append(("exclusions", "grouped suppose acting_for dans ask_fields"))
    return out


def _deadline_errors(p: Policy) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name in ("acknowledgement", "answer"):
        d = getattr(p, name)
        if d.unit is DeadlineUnit.ASAP and d.amount is not None:
            out.append((f"{name}.amount", "doit être vide (null) pour l'unité asap"))
        if d.unit is not DeadlineUnit.ASAP and (d.amount is None or d.amount <= 0):
            out.append((f"{name}.amount", f"nombre positif obligatoire pour l'unité {d.unit.value}"))
    if p.answer.unit is DeadlineUnit.ASAP:
        out.append(("answer.unit", "le délai de réponse doit être une durée"))
    return out


# "10 jours ouvrables", "14 jours ouvrés", "45 jours calendrier", "30 jours", "2 mois", in a folded text
_DURATION_RE = re.compile(
    r"\b(?P<amount>\d+)\s+(?:(?P<months>mois)"
    r"|jours?(?:\s+(?P<kind>ouvrables?|ouvres?|ouvrees?|calendriers?|calendaires?))?)\b"
)
_ASAP_RE = re.compile(r"\b(?:plus brefs delais|des que possible)\b")
_ASAP_WORDS = "« dans les plus brefs délais » ou « dès que possible »"
_DEADLINE_LABELS = {"acknowledgement": "d'accusé de réception", "answer": "de réponse"}
_UNIT_WORDS = {  # (one, several)
    DeadlineUnit.JOURS_OUVRABLES: ("jour ouvrable", "jours ouvrables"),
    DeadlineUnit.JOURS_OUVRES: ("jour ouvré", "jours ouvrés"),
    DeadlineUnit.CALENDAR_DAYS: ("jour", "jours"),
    DeadlineUnit.MONTHS: ("mois", "mois"),
}


def _durations(text: str) -> list[tuple[int, DeadlineUnit]]:
    """The durations a French text states: "45 jours calendrier" -> (45, calendar_days)."""
    return [(int(m["amount"]), _unit_of(m)) for m in _DURATION_RE.finditer(fold(text))]


def _unit_of(duration: re.Match[str]) -> DeadlineUnit:
    kind = duration["kind"] or ""  # "calendrier", "calendaires" or nothing: calendar days
    if duration["months"]:
        return DeadlineUnit.MONTHS
    if kind.startswith("ouvrable"):
        return DeadlineUnit.JOURS_OUVRABLES
    if kind.startswith("ouvr"):
        return DeadlineUnit.JOURS_OUVRES
    return DeadlineUnit.CALENDAR_DAYS


def _in_words(amount: int | None, unit: DeadlineUnit) -> str:
    """How a text states a deadline: « 10 jours ouvrables », « 1 jour », « 2 mois »."""
    if unit is DeadlineUnit.ASAP:
        return _ASAP_WORDS
    one, several = _UNIT_WORDS[unit]
    return f"« {amount} {one if amount == 1 else several} »"


def _states(text: str, d: Deadline) -> bool:
    if d.unit is DeadlineUnit.ASAP:
        return bool(_ASAP_RE.search(fold(text)))
    return (d.amount, d.unit) in _durations(text)


def _deadline_text_errors(p: Policy) -> list[tuple[str, str]]:
    """Each deadline's `text`, and `after_filing`, state the deadlines its amount and unit say."""
    deadlines = {name: d for name, d in (("acknowledgement", p.acknowledgement), ("answer", p.answer))
                 if d.unit is DeadlineUnit.ASAP or (d.amount is not None and d.amount > 0)}
    out: list[tuple[str, str]] = []
    for name, d in deadlines.items():
        numbers = f"unit ({d.unit.value})" if d.amount is None else f"amount ({d.amount}) et unit ({d.unit.value})"
        expected = f"{_in_words(d.amount, d.unit)}, comme {numbers}"
        others = [(n, u) for n, u in _durations(d.text) if (n, u) != (d.amount, d.unit)]
        if not _states(d.text, d):
            out.append((f"{name}.text", f"« {d.text} » devrait dire {expected}"))
        elif others:
            out.append((f"{name}.text", f"« {d.text} » dit aussi {_in_words(*others[0])} : il ne doit dire "
                                        f"que {expected}"))
        if not _states(p.after_filing, d):
            out.append(("after_filing", f"ne dit pas le délai {_DEADLINE_LABELS[name]} {_in_words(d.amount, d.unit)} "
                                        f"({name})"))
    stated = {(d.amount, d.unit) for d in deadlines.values()}
    for amount, unit in dict.fromkeys(_durations(p.after_filing)):
        if (amount, unit) not in stated:
            known = ", ".join(f"{name} : {_in_words(d.amount, d.unit)}" for name, d in deadlines.items())
            out.append(("after_filing", f"{_in_words(amount, unit)} ne correspond à aucun délai ({known})"))
    return out


def _contact_warnings(where: str, contacts: Contacts) -> list[tuple[str, str]]:
    return [(f"{where}.{name}", EMPTY) for name in WARNED_CONTACT_FIELDS if getattr(contacts, name) is None]


def _route_warnings(where: str, route: Route | None) -> list[tuple[str, str]]:
    if route is None:
        return [(where, EMPTY)]
    out = [] if route.name else [(f"{where}.name", EMPTY)]
    if route.kind in ROUTES_WITH_CONTACTS:
        out += _contact_warnings(f"{where}.contacts", route.contacts)
    return out


def _warnings(p: Policy, path: Path) -> list[tuple[str, str]]:
    """Each empty value an organisation should fill in."""
    out: list[tuple[str, str]] = []
    if p.id != path.stem:
        out.append(("id", f"« {p.id} » diffère du nom du fichier « {path.stem} »"))
    out += _contact_warnings("organisation.contacts", p.organisation.contacts)
    if p.intake_mode != "in_person":
        out += _contact_warnings("other_ways_to_file", p.other_ways_to_file)
    if p.prior_contact.ask:
        out += _contact_warnings("prior_contact.contacts", p.prior_contact.contacts)
    out += _route_warnings("mediator", p.mediator)
    if p.mediator is None and p.answer_appeal_text is None:
        out.append(("answer_appeal_text", EMPTY))
    out += _route_warnings("data_protection", p.data_protection)
    for i, ex in enumerate(p.exclusions):
        if ex.route is not None:
            out += _route_warnings(f"exclusions[{i}].route", ex.route)
    if p.in_person is not None:
        if p.in_person.address is None:
            out.append(("in_person.address", EMPTY))
        if p.in_person.hours is None:
            out.append(("in_person.hours", EMPTY))
    return out
