"""The staff API refuses what it does not know: no key of a request body lands in `extra`."""

from __future__ import annotations

from tests.sample_data import FRIDAY
from tests.staff.conftest import CITIZEN, StaffWeb


def test_register_unknown_key_legal_hold_refused_422_in_french(web: StaffWeb) -> None:
    body = {**CITIZEN, "channel": "post", "received_at": FRIDAY.isoformat(),
            "legal_hold": {"reason": "forgé", "by": "manager@org.be"}}
    response = web.client.post("/api/v1/complaints", json=body, headers=web.auth("agent"))
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "« legal_hold » : champ inconnu" in detail
    listing = web.client.get("/api/v1/complaints", headers=web.auth("agent")).json()
    assert listing["total"] == 0  # nothing registered


def test_register_every_unknown_key_named_in_the_detail(web: StaffWeb) -> None:
    body = {**CITIZEN, "channel": "post", "received_at": FRIDAY.isoformat(), "anonymised_at": "2026-01-01",
            "status": "closed"}
    response = web.client.post("/api/v1/complaints", json=body, headers=web.auth("manager"))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "anonymised_at" in detail and "status" in detail
