"""Engine plug-in, installed as `sitecustomize.py` into .venv-rasa's site-packages by `make`.

Python imports `sitecustomize` at every start of that interpreter (`site` module). This one
imports nothing heavy: it registers an import hook that, once `rasa.core.actions.action` is
loaded, builds the JSON-schema validator of action-server replies once and reuses it.

Why: `RemoteAction._validate_action_result` calls `jsonschema.validate(reply, schema)` for each
reply of the action server, and jsonschema 4.17's `validate` checks the schema itself again and
builds a new validator at every call (most of the engine's time under load). The validator
built once checks the same schema with the same class, so the validation is identical; a reply
it finds invalid is handed to Rasa's own method, which raises the very same error (with Rasa's
message). A subclass with its own `action_response_format_spec` keeps Rasa's method.

`COMPLAINTBOT_RASA_PLUGIN=off` leaves the engine as shipped (to measure the difference).
`tests/unit/test_runner_rasa_plugin.py` fails if a Rasa or jsonschema upgrade breaks the patch.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from typing import Any

TARGET = "rasa.core.actions.action"
MARK = "__complaintbot_validator_once__"


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


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename… (tracebacks, inspect)
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        try:
            patch_remote_action(module)
        except Exception as exc:  # never stop the engine: run unpatched, say so (the test fails)
            print(f"complaintbot rasa plug-in: validator patch not applied ({exc!r})", file=sys.stderr)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        sys.meta_path.remove(self)
        if spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader)
        return spec


def install() -> None:
    if os.environ.get("COMPLAINTBOT_RASA_PLUGIN", "").lower() in ("off", "0", "false", "no"):
        return
    if TARGET in sys.modules:
        patch_remote_action(sys.modules[TARGET])
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


install()
