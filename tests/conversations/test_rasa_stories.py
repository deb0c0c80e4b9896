"""`rasa test` on the conversation stories of this folder, with the trained model."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bot.config import ROOT
from bot.devstack import MODEL

pytestmark = pytest.mark.slow


def test_conversation_stories_predict_every_action(tmp_path) -> None:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train`")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", RASA_TELEMETRY_ENABLED="false")
    r = subprocess.run([str(ROOT / ".venv-rasa/bin/rasa"), "test", "core", "--stories", str(ROOT / "tests/conversations"),
                        "--model", str(MODEL), "--out", str(tmp_path), "--no-plot"],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text() if (tmp_path / "failed_test_stories.yml").exists() else ""
    assert "stories:" not in failed or "[]" in failed or failed.strip().endswith("stories: []"), failed
    report = json.loads((tmp_path / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0, failed
