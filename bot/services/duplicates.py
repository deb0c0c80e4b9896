"""Duplicate detection: the same complainant, the same object as a complaint already handled."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.services.uow import Registry
from bot.storage.repository import ComplaintRepository, fold, name_key

HANDLED = ("answered", "closed")
SIMILARITY_THRESHOLD = 0.6

_WORD = re.compile(r"[a-z0-9]+")
# short French function words that carry no subject
_STOPWORDS = frozenset("""
au aux avec ce ces cet cette dans de des du elle elles en est et etait eu il ils je la le les leur leurs
lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sont sur ta te
tes toi ton tu un une vos votre vous ai as avons avez ont suis es sommes etes etre avoir fait faire plus
tres tout tous toute toutes aussi donc car si ni depuis encore deja alors comme sans sous chez entre
""".split())


def tokens(text: str | None) -> set[str]:
    """Content words of a text: folded (no case, no accents), stopwords and 1-2 letter words out."""
    if not text:
        return set()
    return {w for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in _STOPWORDS}


def similarity(a: str | None, b: str | None) -> float:
    """Jaccard index of the content words of two texts (0..1)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def find_duplicate(
    session: Any,
    policy_id: str,
    email: str | None,
    last_name: str | None,
    first_name: str | None,
    facts_description: str | None,
    now: datetime,
    *,
    threshold: float = SIMILARITY_THRESHOLD,
) -> str | None:
    """The reference of a complaint already handled (answered or closed, before `now`) by the
    same complainant (same e-mail, case-insensitive, or same normalised name) whose subject
    and description are very similar to `facts_description` (content-word Jaccard ≥
    `threshold`: few new words, so no new facts); None otherwise. `session`: a unit of work's
    (`uow.session`); `check_duplicate` opens its own."""
    return _find(ComplaintRepository(session), policy_id, email, last_name, first_name, facts_description, now,
                 threshold=threshold)


def check_duplicate(registry: Registry, policy_id: str, data: dict[str, Any], now: datetime) -> str | None:
    """`find_duplicate` in its own read-only unit of work, from the citizen's data dict."""
    with registry.unit_of_work(read_only=True) as uow:
        return _find(uow.complaints, policy_id, data.get("email"), data.get("last_name"), data.get("first_name"),
                     data.get("facts_description"), now)


def _find(
    complaints: ComplaintRepository, policy_id: str, email: str | None, last_name: str | None,
    first_name: str | None, facts_description: str | None, now: datetime, *,
    threshold: float = SIMILARITY_THRESHOLD,
) -> str | None:
    if not facts_description:
        return None
    email = email.strip().lower() if email and email.strip() else None
    key = name_key(last_name, first_name) if last_name and first_name else None
    earlier = complaints.handled_by_person(policy_id, HANDLED, email=email, name_key=key)
    return _most_similar(earlier, facts_description, now, threshold)


def _most_similar(earlier: list[dict[str, Any]], facts_description: str, now: datetime,
                  threshold: float) -> str | None:
    """The reference of the complaint handled before `now` most similar to `facts_description`
    (at least `threshold`), or None."""
    best: tuple[float, str] | None = None
    for item in earlier:
        if item["handled_at"] is not None and _aware(item["handled_at"]) > now:
            continue
        description = item["facts_description"]
        score = max(similarity(facts_description, description),
                    similarity(facts_description, f"{item['subject'] or ''} {description or ''}"))
        if score >= threshold and (best is None or score > best[0]):
            best = (score, item["reference"])
    return best[1] if best else None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
