"""A citizen (or a script) asking again and again for a person sends staff one notice per hour."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.policies import load_policy
from bot.services.notifications import request_handover
from bot.services.uow import Registry
from bot.storage.models import OutboxRow, TriageCountRow
from tests.sample_data import FRIDAY

STAFF = "equipe@org.be"


@pytest.fixture
def registry(migrated_db_url: str) -> Iterator[Registry]:
    reg = Registry.from_url(migrated_db_url)
    yield reg
    reg.dispose()


def _queued(registry: Registry) -> int:
    with registry.unit_of_work(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def test_handover_notice_once_per_conversation_and_window(registry: Registry) -> None:
    policy = load_policy("igretec")
    sent = [request_handover(registry, policy, conversation="tw-32475123456", channel="whatsapp",
                             staff_email=STAFF, now=FRIDAY + timedelta(minutes=i)) for i in range(10)]
    assert sent == [1] + [0] * 9 and _queued(registry) == 1
    # another conversation is notified; the same one again after an hour
    assert request_handover(registry, policy, conversation="web-abcdefghijklmnop", channel="webchat",
                            staff_email=STAFF, now=FRIDAY) == 1
    assert request_handover(registry, policy, conversation="tw-32475123456", channel="whatsapp",
                            staff_email=STAFF, now=FRIDAY + timedelta(minutes=61)) == 1
    with registry.unit_of_work(read_only=True) as uow:
        counted = uow.session.scalar(select(func.sum(TriageCountRow.count))
                                     .where(TriageCountRow.code == "human_handover"))
    assert counted == 3  # the statistics count requests per conversation and window, not clicks


def test_handover_window_comes_from_the_settings(registry: Registry) -> None:
    registry.settings = replace(Settings(), handover_notice_seconds=60)
    policy = load_policy("igretec")
    first = request_handover(registry, policy, conversation="tg-1", channel="telegram", staff_email=STAFF, now=FRIDAY)
    again = request_handover(registry, policy, conversation="tg-1", channel="telegram", staff_email=STAFF,
                             now=FRIDAY + timedelta(seconds=61))
    assert (first, again) == (1, 1)
