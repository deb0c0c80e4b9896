"""Security headers: a CSP and no framing on every HTML page, nosniff everywhere, HSTS under
HTTPS only. (tests/channels/test_channel_live.py and tests/staff/test_staff_browser.py run the
widget and the dashboard in chromium under this policy.)"""

from __future__ import annotations

from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.web.headers import CSP, SecurityHeaders
from tests.staff.conftest import StaffWeb


def test_html_pages_carry_the_policy_and_refuse_framing(web: StaffWeb) -> None:
    for path in ("/", "/staff/login"):
        response = web.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-security-policy"] == CSP
        assert "script-src 'self'" in CSP and "unsafe-eval" not in CSP and "frame-ancestors 'none'" in CSP
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_json_and_scripts_are_nosniff_without_a_page_policy(web: StaffWeb) -> None:
    for path in ("/healthz", "/widget.js", "/api/v1/complaints"):
        response = web.client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin"
        assert "content-security-policy" not in response.headers, path


def test_hsts_only_over_https(web: StaffWeb) -> None:
    # this service's PUBLIC_BASE_URL is https://…: HSTS even when the proxy speaks plain HTTP to it
    assert web.client.get("/healthz").headers["strict-transport-security"] == "max-age=31536000"
    plain_app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])
    with TestClient(SecurityHeaders(plain_app), base_url="http://testserver") as plain:
        assert "strict-transport-security" not in plain.get("/").headers
    with TestClient(SecurityHeaders(plain_app), base_url="https://testserver") as secure:
        assert secure.get("/").headers["strict-transport-security"] == "max-age=31536000"


def test_a_header_set_by_the_handler_is_kept(web: StaffWeb) -> None:
    response = web.client.get("/staff/login")
    assert response.headers["cache-control"] == "no-store"  # the dashboard's own, untouched
    assert response.headers.get_list("x-frame-options") == ["DENY"]  # not doubled
