"""Dependencies point inward: the domain core imports no framework, the services no chat engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_IN_DOMAIN = {"dateparser", "holidays", "phonenumbers", "email_validator", "pydantic", "py3langid", "faker",
                     "bot"}  # faker: its first-name lists only (bot/domain/names.py)
FORBIDDEN_IN_SERVICES = {"rasa_sdk", "rasa", "fastapi", "starlette", "telegram"}
# The database is reached through the unit of work and its repositories (bot/storage): no
# service imports SQLAlchemy or the models, except the unit of work itself.
STORAGE_MODULES = ("sqlalchemy", "bot.storage.models")
UNIT_OF_WORK_MODULES = {"uow.py"}
SERVICES = sorted((ROOT / "bot" / "services").glob("*.py"))


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def imported_modules(path: Path) -> set[str]:
    """Every module an absolute import names, with `from a.b import c` counted as a.b and a.b.c."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def storage_imports(path: Path) -> set[str]:
    return {m for m in imported_modules(path)
            if any(m == s or m.startswith(s + ".") for s in STORAGE_MODULES)}


def stdlib(name: str) -> bool:
    import sys

    return name in sys.stdlib_module_names or name == "__future__"


@pytest.mark.parametrize("path", sorted((ROOT / "bot" / "domain").glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_only_stdlib_and_parsers(path: Path) -> None:
    foreign = {r for r in imported_roots(path) if not stdlib(r) and r not in ALLOWED_IN_DOMAIN}
    assert not foreign, f"{path.name} imports {foreign}"


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_services_do_not_import_the_chat_engine_or_web(path: Path) -> None:
    assert not imported_roots(path) & FORBIDDEN_IN_SERVICES


@pytest.mark.parametrize(
    "path", [p for p in SERVICES if p.name not in UNIT_OF_WORK_MODULES],
    ids=lambda p: p.name,
)
def test_services_reach_the_database_only_through_the_unit_of_work(path: Path) -> None:
    assert not storage_imports(path), f"{path.name} imports {storage_imports(path)}: use uow.<repository>"


def test_storage_modules_are_caught(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy.orm\nfrom bot.storage import models\nfrom bot.storage.repository import plain\n")
    assert storage_imports(sample) == {"sqlalchemy.orm", "bot.storage.models"}


def test_domain_does_not_import_services_or_storage() -> None:
    for path in (ROOT / "bot" / "domain").glob("*.py"):
        src = path.read_text()
        assert "bot.services" not in src and "bot.storage" not in src, path.name


EDGE = sorted(p for folder in ("staff", "web", "channels") for p in (ROOT / "bot" / folder).rglob("*.py"))


@pytest.mark.parametrize("path", EDGE, ids=lambda p: str(p.relative_to(ROOT / "bot")))
def test_routers_channels_and_dashboard_reach_the_database_only_through_services(path: Path) -> None:
    """bot/staff, bot/web and bot/channels call services; no SQL, no models, no session."""
    assert not storage_imports(path), f"{path.name} imports {storage_imports(path)}: call a service"
    assert "uow.session" not in path.read_text(), f"{path.name} writes through the session: use uow.<repository>"
