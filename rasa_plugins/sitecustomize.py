"""Engine plug-in, installed as `sitecustomize.py` into .venv-rasa's site-packages by `make`.

Python imports `sitecustomize` at every start of that interpreter (`site` module). This one
imports nothing heavy: it registers an import hook that patches five Rasa modules once they are
loaded: the first two do once what Rasa redoes at every call, with the same result; the next
two keep a conversation alive through a fault (a database outage, a circuit break); the last
keeps the citizens' words out of the engine's logs:

1. `rasa.core.actions.action`: the JSON-schema validator of action-server replies is built once.
2. `rasa.shared.core.events`: `Event.resolve_by_type` (the class of an event from its name, for
   every event of a tracker read from the tracker store) looks in a table instead of walking
   every subclass of `Event` each time (12% of the engine's samples under load).

1. Why: `RemoteAction._validate_action_result` calls `jsonschema.validate(reply, schema)` for each
reply of the action server, and jsonschema 4.17's `validate` checks the schema itself again and
builds a new validator at every call (most of the engine's time under load). The validator
built once checks the same schema with the same class, so the validation is identical; a reply
it finds invalid is handed to Rasa's own method, which raises the very same error (with Rasa's
message). A subclass with its own `action_response_format_spec` keeps Rasa's method.

2. The table maps each type name to the first subclass that Rasa's own walk would return; a
name not in it rebuilds the table (an `Event` subclass defined later) and then falls back to
Rasa's method (its `topic`, default and unknown-name answers).

3. `rasa.core.tracker_store`: a tracker that cannot be read (the database is stopped or
   unreachable) is an error, not a new conversation. Rasa's `FailSafeTrackerStore.retrieve`
   logs the error and returns None, so the engine starts the citizen over on an empty tracker
   (kept in memory only): the message is answered as the first of a conversation and, once the
   database is back, forgotten. Patched, it logs the same error and raises it: the engine
   answers nothing to that message, and the web service tells the citizen to send it again
   (the conversation goes on where it was once the database answers). Saving keeps Rasa's
   fallback (the answer has already been given by then).

4. `rasa.core.processor`: a circuit break (more than `max_number_of_predictions` actions after
   one message, e.g. every custom action failing while the action server restarts) ends that
   turn, as in Rasa, but no longer every later one. Rasa counts the actions since the latest
   `action_listen`; a circuit break stops before listening, so each later message of that
   conversation finds the same count and is dropped with no answer, forever (found by the fault
   run: 23 of 100 conversations dead). Patched, the count also stops at the latest user message.

5. `rasa.utils.log_utils`: no citizen's words in the engine's logs. Rasa passes every structured
   log line through `_anonymizer`, which only acts with Rasa Pro's anonymisation pipeline; in
   Rasa Open Source its REST channel logs the whole message (`text=`) at ERROR level when
   handling it fails or times out (a stopped database, a dead action server: the fault run's
   logs held citizens' names and addresses). Patched, the values of the keys Rasa lists as
   anonymizable are replaced by their length, at every level.

`COMPLAINTBOT_RASA_PLUGIN=off` leaves the engine as shipped (to measure the difference).
`tests/unit/test_runner_rasa_plugin.py` fails if a Rasa or jsonschema upgrade breaks the patch.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from typing import Any

MARK = "__complaintbot_patched__"


def patch_remote_action(module: Any) -> bool:
    """Replace `RemoteAction._validate_action_result` with the built-once validator; True if done."""
    from jsonschema import exceptions, validators

    remote = module.RemoteAction
    original = remote.__dict__["_validate_action_result"]
    if getattr(original, MARK, False):
        return True
    spec = remote.action_response_format_spec
    schema = spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once here, instead of at every reply
    validator = cls(schema)

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        if type(self).action_response_format_spec is not spec:
            return bool(original(self, result))
        if exceptions.best_match(validator.iter_errors(result)) is None:
            return True
        return bool(original(self, result))  # raises Rasa's own ValidationError and message

    setattr(_validate_action_result, MARK, True)
    _validate_action_result.__wrapped__ = original  # type: ignore[attr-defined]
    _validate_action_result.__doc__ = original.__doc__
    remote._validate_action_result = _validate_action_result
    return True


def patch_event_lookup(module: Any) -> bool:
    """Replace `Event.resolve_by_type` with a table lookup; True if done."""
    from rasa.shared.utils import common

    event = module.Event
    original = event.__dict__["resolve_by_type"].__func__
    if getattr(original, MARK, False):
        return True
    table: dict[str, Any] = {}

    def rebuild() -> None:
        fresh: dict[str, Any] = {}
        for cls in common.all_subclasses(event):
            fresh.setdefault(cls.type_name, cls)
        table.clear()
        table.update(fresh)

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        cls = table.get(type_name)
        if cls is None:
            rebuild()
            cls = table.get(type_name)
        return cls if cls is not None else original(type_name, default)

    setattr(resolve_by_type, MARK, True)
    resolve_by_type.__wrapped__ = original  # type: ignore[attr-defined]
    resolve_by_type.__doc__ = original.__doc__
    event.resolve_by_type = staticmethod(resolve_by_type)
    return True


def patch_fail_safe_retrieve(module: Any) -> bool:
    """`FailSafeTrackerStore.retrieve` (and `retrieve_full_tracker`) re-raise the store's error
    after logging it instead of returning None; True if done."""
    store = module.FailSafeTrackerStore

    def make(name: str, original: Any) -> Any:
        async def retrieve(self: Any, sender_id: str) -> Any:
            try:
                return await getattr(self._tracker_store, name)(sender_id)
            except Exception as e:
                self.on_tracker_store_retrieve_error(e)  # Rasa's own log line
                raise

        setattr(retrieve, MARK, True)
        retrieve.__wrapped__ = original  # type: ignore[attr-defined]
        retrieve.__doc__, retrieve.__name__ = original.__doc__, name
        return retrieve

    for name in ("retrieve", "retrieve_full_tracker"):
        original = store.__dict__[name]
        if not getattr(original, MARK, False):
            setattr(store, name, make(name, original))
    return True


def patch_action_limit(module: Any) -> bool:
    """`MessageProcessor.is_action_limit_reached` counts the actions since the latest user message
    (or listen, or session start) instead of since the latest listen only; True if done."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    processor = module.MessageProcessor
    original = processor.__dict__["is_action_limit_reached"]
    if getattr(original, MARK, False):
        return True
    stops = (module.ACTION_LISTEN_NAME, module.ACTION_SESSION_START_NAME)

    def is_action_limit_reached(self: Any, tracker: Any, should_predict_another_action: bool) -> bool:
        count = 0
        for e in reversed(tracker.events):
            if isinstance(e, UserUttered):
                break
            if isinstance(e, ActionExecuted):
                if e.action_name in stops:
                    break
                count += 1
        return count >= self.max_number_of_predictions and should_predict_another_action

    setattr(is_action_limit_reached, MARK, True)
    is_action_limit_reached.__wrapped__ = original  # type: ignore[attr-defined]
    is_action_limit_reached.__doc__ = original.__doc__
    processor.is_action_limit_reached = is_action_limit_reached
    return True


def patch_log_redaction(module: Any) -> bool:
    """`log_utils._anonymizer` (the first processor of every engine log line) replaces the values
    Rasa lists as anonymizable (the user's text, slot values, entities…) by their length; True if done."""
    original = module.__dict__["_anonymizer"]
    if getattr(original, MARK, False):
        return True
    keys = _anonymizable_keys(original)

    def _anonymizer(logger: Any, method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        for key in keys.intersection(event_dict):
            event_dict[key] = f"[masqué : {len(str(event_dict[key]))} caractères]"
        return event_dict

    setattr(_anonymizer, MARK, True)
    _anonymizer.__wrapped__ = original  # type: ignore[attr-defined]
    _anonymizer.__doc__ = original.__doc__
    module._anonymizer = _anonymizer
    return True


def _anonymizable_keys(anonymizer: Any) -> set[str]:
    """The keys Rasa's own anonymizer lists (read from its code: a Rasa upgrade that adds one adds
    it here too), never fewer than those its 3.6 REST channel logs."""
    consts = [c for const in anonymizer.__code__.co_consts
              for c in (const if isinstance(const, tuple) else (const,))]
    names = {c for c in consts if isinstance(c, str) and c.isidentifier()}
    return names | {"text", "user_text", "slot_values", "parse_data_text", "message", "response"}


PATCHES = {"rasa.core.actions.action": patch_remote_action, "rasa.shared.core.events": patch_event_lookup,
           "rasa.core.tracker_store": patch_fail_safe_retrieve, "rasa.core.processor": patch_action_limit,
           "rasa.utils.log_utils": patch_log_redaction}


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any, patch: Any) -> None:
        self._loader = loader
        self._patch = patch

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename… (tracebacks, inspect)
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        try:
            self._patch(module)
        except Exception as exc:  # never stop the engine: run unpatched, say so (the test fails)
            print(f"complaintbot rasa plug-in: patch of {module.__name__} not applied ({exc!r})", file=sys.stderr)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, pending: dict[str, Any]) -> None:
        self.pending = pending

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in self.pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        patch = self.pending.pop(fullname)
        if not self.pending:
            sys.meta_path.remove(self)
        if spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


def install() -> None:
    if os.environ.get("COMPLAINTBOT_RASA_PLUGIN", "").lower() in ("off", "0", "false", "no"):
        return
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    pending = {}
    for name, patch in PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])
        else:
            pending[name] = patch
    if pending:
        sys.meta_path.insert(0, _Finder(pending))


install()
