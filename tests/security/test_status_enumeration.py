"""Status lookups cannot enumerate the sequential references: throttled per sender and overall,
and a wrong reference answers exactly like a right reference with a wrong contact."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.policies import load_policy
from bot.services import filing
from bot.services.status import GLOBAL_MAX_FAILURES, lookup_status
from bot.services.uow import Registry
from tests.sample_data import CITIZEN, FRIDAY


@pytest.fixture
def registry(migrated_db_url: str) -> Iterator[Registry]:
    reg = Registry.from_url(migrated_db_url)
    yield reg
    reg.dispose()


def _file(registry: Registry) -> str:
    result = filing.file_complaint(registry, load_policy("igretec"), dict(CITIZEN), channel="webchat",
                                   intake_key=None, now=FRIDAY)
    return str(result["reference"])


def test_wrong_reference_and_wrong_contact_answer_the_same(registry: Registry) -> None:
    ref = _file(registry)
    answers: list[dict[str, Any]] = [
        lookup_status(registry, ref, "intrus@exemple.be", key="s1", now=FRIDAY),
        lookup_status(registry, "IGR-2026-000999", CITIZEN["email"], key="s2", now=FRIDAY),
        lookup_status(registry, "IGR-2026-000999", "intrus@exemple.be", key="s3", now=FRIDAY),
        lookup_status(registry, "n'importe quoi", "", key="s4", now=FRIDAY),
    ]
    assert all(a == {"result": "not_found", "found": False} for a in answers)


def test_many_sender_ids_are_throttled_overall(registry: Registry) -> None:
    ref = _file(registry)
    t = FRIDAY
    for i in range(GLOBAL_MAX_FAILURES):  # each from a fresh sender id, as a script would
        assert lookup_status(registry, f"IGR-2026-{i + 2:06d}", CITIZEN["email"], key=f"web-{i}",
                             now=t + timedelta(seconds=i))["result"] == "not_found"
    blocked = lookup_status(registry, ref, CITIZEN["email"], key="web-new", now=t + timedelta(seconds=40))
    assert blocked == {"result": "too_many_attempts", "found": False, "retry_after_minutes": 1}
    # a minute later the window is over
    assert lookup_status(registry, ref, CITIZEN["email"], key="web-new", now=t + timedelta(seconds=61))["found"]


def test_global_limit_comes_from_the_settings(registry: Registry) -> None:
    registry.settings = replace(Settings(), status_failures_global_per_minute=2)
    ref = _file(registry)
    for key in ("a", "b"):
        lookup_status(registry, ref, "intrus@exemple.be", key=key, now=FRIDAY)
    assert lookup_status(registry, ref, CITIZEN["email"], key="c", now=FRIDAY)["result"] == "too_many_attempts"


def test_counter_is_atomic_under_parallel_hits(registry: Registry) -> None:
    """Twenty threads hitting one counter: every hit counted once (SQLite and PostgreSQL)."""
    values: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        with registry.unit_of_work() as uow:
            value = uow.counters.hit("k", timedelta(minutes=1), FRIDAY)
            uow.commit()
        with lock:
            values.append(value)

    threads = [threading.Thread(target=hit) for _ in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(values) == list(range(1, 21))


def test_new_sender_ids_from_one_address_are_throttled_by_the_address(registry: Registry) -> None:
    """The widget's client chooses its sender ids; its (hashed) address is counted too."""
    ref = _file(registry)
    for i in range(3):  # MAX_FAILURES wrong guesses, each from a fresh sender id
        answer = lookup_status(registry, f"IGR-2026-00099{i}", CITIZEN["email"], key=f"web-fresh{i}", now=FRIDAY,
                               also=("address:abc123",))
        assert answer["result"] == "not_found"
    blocked = lookup_status(registry, ref, CITIZEN["email"], key="web-fresh-9", now=FRIDAY, also=("address:abc123",))
    assert blocked["result"] == "too_many_attempts"  # even the right pair, from that address
    elsewhere = lookup_status(registry, ref, CITIZEN["email"], key="web-fresh-10", now=FRIDAY, also=("address:def456",))
    assert elsewhere["result"] == "found"


def test_the_widget_passes_a_hashed_address_to_the_engine() -> None:
    from bot.channels.webchat import client_key

    assert client_key("203.0.113.7") == client_key("203.0.113.7") != client_key("203.0.113.8")
    assert "203" not in client_key("203.0.113.7") and len(client_key("203.0.113.7")) == 16
