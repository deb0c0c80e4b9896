"""Dependencies point inward: the domain core imports no framework, the services no chat engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_IN_DOMAIN = {"dateparser", "holidays", "phonenumbers", "email_validator", "pydantic", "py3langid", "bot"}
FORBIDDEN_IN_SERVICES = {"rasa_sdk", "rasa", "fastapi", "starlette", "telegram"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def stdlib(name: str) -> bool:
    import sys

    return name in sys.stdlib_module_names or name == "__future__"


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_only_stdlib_and_parsers(path: Path) -> None:
    foreign = {r for r in imported_roots(path) if not stdlib(r) and r not in ALLOWED_IN_DOMAIN}
    assert not foreign, f"{path.name} imports {foreign}"


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "services").glob("*.py")), ids=lambda p: p.name)
def test_services_do_not_import_the_chat_engine_or_web(path: Path) -> None:
    assert not imported_roots(path) & FORBIDDEN_IN_SERVICES


def test_domain_does_not_import_services_or_storage() -> None:
    for path in (ROOT / "bot" / "domain").glob("*.py"):
        src = path.read_text()
        assert "bot.services" not in src and "bot.storage" not in src, path.name
