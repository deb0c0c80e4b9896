"""End-to-end fixtures: a real Rasa engine and our real action server (bot/devstack.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.devstack import MODEL, Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    s = Stack(tmp_path_factory.mktemp("stack"))
    try:
        s.start_engine()
        yield s
    finally:
        s.stop()
