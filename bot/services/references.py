"""Human-friendly complaint references: `IGR-2026-000123`, one counter per prefix and year."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.uow import UnitOfWork

_REFERENCE = re.compile(r"^\s*([A-Za-z]{2,5})[\s\-_./]*(\d{4})[\s\-_./]*(\d{1,9})\s*$")


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def next_reference(uow: UnitOfWork, prefix: str, year: int) -> str:
    """Allocate the next reference inside the unit of work's transaction: unique under concurrent
    writers, and a rolled-back filing gives its number back (`uow.references.next_number`)."""
    return format_reference(prefix, year, uow.references.next_number(prefix, year))


def normalise_reference(text: str | None) -> str | None:
    """`igr 2026 123`, `IGR-2026-000123` -> `IGR-2026-000123`; None when it cannot be one."""
    if not text:
        return None
    m = _REFERENCE.match(text)
    if not m:
        return None
    return format_reference(m.group(1).upper(), int(m.group(2)), int(m.group(3)))
