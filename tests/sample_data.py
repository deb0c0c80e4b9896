"""A citizen's complaint shared by the registry and staff tests (received Friday 18 December 2026)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
FRIDAY = datetime(2026, 12, 18, 10, 0, tzinfo=BRUSSELS)  # Friday 18 December 2026, 10:00
CITIZEN: dict[str, Any] = {
    "acting_for": "self",
    "last_name": "Dupont",
    "first_name": "Marie",
    "address": "Rue des Écoles 7, 7000 Mons",
    "email": "marie.dupont@exemple.be",
    "phone": "+32475123456",
    "facts_description": "Le 3 novembre, au guichet de Charleroi, on a refusé de prendre mon dossier de "
                         "prime à la rénovation sans aucune explication.",
    "facts_date": "2026-11-03",
    "facts_place": "guichet de Charleroi",
    "objective": "Que mon dossier de prime soit accepté et examiné.",
    "consent": True,
}
