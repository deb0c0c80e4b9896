"""The engine plug-in (rasa_plugins/sitecustomize.py, installed into .venv-rasa by make): fails
when a Rasa or jsonschema upgrade breaks it — the patched methods must exist, the patches must be
active in the engine's interpreter, validation must be Rasa's own (invalid replies refused with
the same error and message) and the event lookup must give Rasa's answers."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.config import ROOT

pytestmark = pytest.mark.slow
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"

CHECK = r'''
import inspect, json, sys
import jsonschema
from rasa.core.actions import action
from rasa.utils.endpoints import EndpointConfig

out = {"sitecustomize": sys.modules.get("sitecustomize") and sys.modules["sitecustomize"].__file__}
method = action.RemoteAction.__dict__["_validate_action_result"]
out["patched"] = bool(getattr(method, "__complaintbot_patched__", False))
original = getattr(method, "__wrapped__", method)
out["original_source"] = inspect.getsource(original)
from importlib.metadata import version
out["jsonschema"] = version("jsonschema")
remote = action.RemoteAction("action_x", EndpointConfig("http://127.0.0.1:1"))
replies = [
    {"events": [{"event": "slot", "name": "email", "value": "a@b.be"}], "responses": [{"text": "ok"}]},
    {"events": [{"event": "active_loop", "name": "complaint_form"}, {"event": "followup", "name": "x"}]},
    {},
    {"events": [{"event": "slot"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": 3, "value": 1}]},
]
results = []
for reply in replies:
    row = []
    for fn in (remote._validate_action_result, lambda r: original(remote, r)):
        try:
            row.append("ok" if fn(json.loads(json.dumps(reply))) is True else "returned falsy")
        except jsonschema.ValidationError as e:
            row.append("refused: " + e.message)
    results.append(row)
out["results"] = results
from rasa.shared.core import events
from rasa.shared.utils import common
resolve = events.Event.resolve_by_type
out["events_patched"] = bool(getattr(resolve, "__complaintbot_patched__", False))
plain = getattr(resolve, "__wrapped__", resolve)
out["events_source"] = inspect.getsource(plain)
names = [c.type_name for c in common.all_subclasses(events.Event)]
out["events_same"] = all(resolve(n) is plain(n) for n in names) and len(names) > 20
out["events_fallbacks"] = [resolve("topic") is None, resolve("nope", events.SlotSet) is events.SlotSet]
try:
    resolve("nope")
    out["events_fallbacks"].append(False)
except ValueError:
    out["events_fallbacks"].append(True)
import asyncio
from rasa.core import tracker_store as ts
class Broken(ts.InMemoryTrackerStore):
    async def retrieve(self, sender_id):
        raise ConnectionError("database stopped")
    async def retrieve_full_tracker(self, sender_id):
        raise ConnectionError("database stopped")
from rasa.shared.core.domain import Domain
safe = ts.FailSafeTrackerStore(Broken(Domain.empty()))
outcomes = []
for name in ("retrieve", "retrieve_full_tracker"):
    try:
        outcomes.append(repr(asyncio.run(getattr(safe, name)("x"))))
    except ConnectionError as e:
        outcomes.append("raised " + str(e))
out["fail_safe"] = outcomes
ok = ts.FailSafeTrackerStore(ts.InMemoryTrackerStore(Domain.empty()))
out["fail_safe_missing"] = repr(asyncio.run(ok.retrieve("nobody")))
out["fail_safe_source"] = inspect.getsource(getattr(ts.FailSafeTrackerStore.retrieve, "__wrapped__",
                                                    ts.FailSafeTrackerStore.retrieve))
from rasa.core import processor as proc
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
def limit(events):
    tracker = DialogueStateTracker.from_events("x", events)
    fake = type("P", (), {"max_number_of_predictions": 10})()
    fn = proc.MessageProcessor.is_action_limit_reached
    plain = getattr(fn, "__wrapped__", fn)
    return [fn(fake, tracker, True), plain(fake, tracker, True)]
broken = [ActionExecuted("action_listen"), UserUttered("a")] + [ActionExecuted("validate_x")] * 10
out["limit_after_break"] = limit(broken + [UserUttered("b")])
out["limit_in_turn"] = limit(broken)
out["limit_patched"] = bool(getattr(proc.MessageProcessor.is_action_limit_reached, "__complaintbot_patched__", False))
import io, logging
import structlog
from rasa.utils import log_utils
for handler in list(logging.getLogger().handlers):
    logging.getLogger().removeHandler(handler)
stdout, sys.stdout = sys.stdout, io.StringIO()
log_utils.configure_structlog(logging.INFO)
structlog.get_logger().error("rest.message.received.failure", text="Sophie Lambert, rue des Écoles 7")
structlog.get_logger().info("form.slots", slot_values={"email": "sophie@example.be"}, sender_id="web-1")
out["log_lines"], sys.stdout = sys.stdout.getvalue(), stdout
out["log_patched"] = bool(getattr(log_utils._anonymizer, "__complaintbot_patched__", False))
print("RESULT " + json.dumps(out))
'''


def run_check(**env: str) -> dict:
    if not RASA_PY.exists():
        pytest.fail(".venv-rasa missing: run `make setup`")
    proc = subprocess.run([str(RASA_PY), "-c", CHECK], capture_output=True, text=True, timeout=240, cwd="/",
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **env))
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, proc.stderr[-3000:]
    return json.loads(line[len("RESULT "):])


@pytest.fixture(scope="module")
def patched() -> dict:
    return run_check()


def test_plugin_installed_copy_is_the_repository_file() -> None:
    site = subprocess.run([str(RASA_PY), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    installed = Path(site) / "sitecustomize.py"
    assert installed.exists(), "make setup installs rasa_plugins/sitecustomize.py into .venv-rasa"
    assert installed.read_text() == (ROOT / "rasa_plugins" / "sitecustomize.py").read_text(), "run make setup"


def test_plugin_patch_active_in_the_engine_interpreter(patched: dict) -> None:
    assert patched["sitecustomize"] and patched["sitecustomize"].endswith("site-packages/sitecustomize.py")
    assert patched["patched"], "the engine runs jsonschema.validate at every reply again"


def test_plugin_replaces_the_method_it_was_written_for(patched: dict) -> None:
    """If Rasa changes how it validates action replies, re-read the plug-in before upgrading."""
    source = patched["original_source"]
    assert "validate(result, self.action_response_format_spec())" in source
    assert patched["jsonschema"].split(".")[0] == "4"


def test_plugin_validation_identical_valid_accepted_invalid_refused(patched: dict) -> None:
    results = patched["results"]
    assert [fast for fast, _ in results[:3]] == ["ok", "ok", "ok"]
    for fast, rasa in results:
        assert fast == rasa  # same verdict, same error message
    assert all(fast.startswith("refused: ") for fast, _ in results[3:])
    assert "Failed to validate Action server response" in results[3][0]


def test_plugin_event_lookup_patched_and_identical(patched: dict) -> None:
    assert patched["events_patched"]
    assert "all_subclasses(Event)" in patched["events_source"]  # Rasa still walks the subclasses
    assert patched["events_same"]
    assert patched["events_fallbacks"] == [True, True, True]


def test_plugin_off_leaves_the_engine_as_shipped() -> None:
    off = run_check(COMPLAINTBOT_RASA_PLUGIN="off")
    assert not off["patched"] and not off["events_patched"]
    assert [row[0] for row in off["results"]] == [row[1] for row in off["results"]]


def test_plugin_a_tracker_that_cannot_be_read_is_an_error_not_a_new_conversation(patched: dict) -> None:
    assert patched["fail_safe"] == ["raised database stopped", "raised database stopped"]
    assert patched["fail_safe_missing"] == "None", "an unknown conversation is still None (a new one)"
    assert "return None" in patched["fail_safe_source"], "Rasa's own method returned None on error"


def test_plugin_off_leaves_the_fail_safe_store_as_shipped() -> None:
    plain = run_check(COMPLAINTBOT_RASA_PLUGIN="off")
    assert plain["fail_safe"] == ["None", "None"]


def test_plugin_a_circuit_break_ends_its_turn_but_not_the_conversation(patched: dict) -> None:
    assert patched["limit_patched"]
    assert patched["limit_in_turn"] == [True, True], "ten actions after one message still trip the breaker"
    assert patched["limit_after_break"] == [False, True], "Rasa would drop every later message"


def test_plugin_keeps_the_citizens_words_out_of_the_engine_logs(patched: dict) -> None:
    assert patched["log_patched"]
    lines = patched["log_lines"]
    assert "rest.message.received.failure" in lines and "web-1" in lines  # the lines are still written
    assert "Sophie" not in lines and "sophie@example.be" not in lines
    first = json.loads(lines.splitlines()[0])  # JSON lines when the output is not a terminal
    assert first["text"] == "[masqué : 32 caractères]" and first["level"] == "error"


def test_plugin_off_logs_the_message_as_rasa_does() -> None:
    plain = run_check(COMPLAINTBOT_RASA_PLUGIN="off")
    assert "Sophie Lambert" in plain["log_lines"], "Rasa Open Source logs the text: the patch is needed"
