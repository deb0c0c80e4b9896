"""The dashboard over HTTP (no browser): login with a password, the session cookie's flags,
CSRF on every POST, the list's highlighting, a complaint page with its actions, logout."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.policies import load_policy
from bot.services import filing
from tests.staff.conftest import CITIZEN, FRIDAY, StaffWeb, csrf_of

_csrf = csrf_of


def _login(web: StaffWeb, email: str = "agent@org.be", password: str = "mot-de-passe-agent") -> str:
    page = web.client.get("/staff/login")
    response = web.client.post("/staff/login", data={"email": email, "password": password,
                                                     "csrf": _csrf(page.text), "next": "/staff/"},
                               follow_redirects=False)
    assert response.status_code == 303
    return response.headers["location"]


def test_dashboard_needs_login_and_wrong_password_is_refused(web: StaffWeb) -> None:
    response = web.client.get("/staff/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/login")
    assert _login(web, password="mauvais") .startswith("/staff/login?error=invalid")
    page = web.client.get("/staff/login?error=invalid")
    assert "E-mail ou mot de passe incorrect." in page.text
    no_csrf = web.client.post("/staff/login", data={"email": "agent@org.be", "password": "mot-de-passe-agent"},
                              follow_redirects=False)
    assert no_csrf.headers["location"] == "/staff/login?error=csrf"


def test_session_cookie_is_signed_httponly_samesite_lax(web: StaffWeb) -> None:
    page = web.client.get("/staff/login")
    response = web.client.post("/staff/login", data={"email": "AGENT@org.be", "password": "mot-de-passe-agent",
                                                     "csrf": _csrf(page.text)}, follow_redirects=False)
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("staff_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff" in cookie and "Secure" in cookie
    assert web.client.get("/staff/").status_code == 200
    value = web.client.cookies.get("staff_session")
    web.client.cookies.set("staff_session", value[:-3] + "abc", path="/staff")  # tampered signature
    assert web.client.get("/staff/", follow_redirects=False).status_code == 303


def test_list_highlights_overdue_and_due_soon_and_filters(web: StaffWeb) -> None:
    policy = load_policy("igretec")
    late = filing.file_complaint(web.registry, policy, CITIZEN, channel="webchat", intake_key="a", now=FRIDAY)
    soon = filing.file_complaint(web.registry, policy, {**CITIZEN, "last_name": "Martin"}, channel="webchat",
                                 intake_key="b", now=datetime(2026, 12, 21, 9, 0, tzinfo=UTC))
    web.set_now(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))  # late's ack was due 31 Dec, soon's is due 4 Jan
    _login(web)
    html = web.client.get("/staff/").text
    assert re.search(rf'<tr class="overdue" data-reference="{late["reference"]}"', html)
    assert re.search(rf'<tr class="due_soon" data-reference="{soon["reference"]}"', html)
    assert "en retard" in html and "échéance proche" in html and "dépassé de 1 j" in html
    filtered = web.client.get("/staff/?overdue=1").text
    assert late["reference"] in filtered and soon["reference"] not in filtered
    assert soon["reference"] in web.client.get("/staff/?q=martin").text
    assert late["reference"] not in web.client.get("/staff/?q=martin").text


def test_complaint_page_actions_need_csrf_and_land_in_history(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    _login(web)
    page = web.client.get(f"/staff/complaints/{ref}")
    assert page.status_code == 200
    html = page.text
    for words in ("Dossier " + ref, "Dupont", "Rue des Écoles 7", "prime à la rénovation", "Historique",
                  "Accuser réception", "Déclarer irrecevable", "Répondre", "31/12/2026", "11/02/2027",
                  "export.pdf"):
        assert words in html, words
    forged = web.client.post(f"/staff/complaints/{ref}/transition", data={"to": "acknowledged", "csrf": "faux"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    done = web.client.post(f"/staff/complaints/{ref}/transition", data={"to": "acknowledged", "csrf": _csrf(html)})
    assert done.status_code == 200 and "Statut : accusé de réception envoyé." in done.text
    web.client.post(f"/staff/complaints/{ref}/note", data={"text": "Vu au téléphone.", "csrf": _csrf(html)})
    record = web.client.get(f"/api/v1/complaints/{ref}", headers=web.auth()).json()
    assert record["status"] == "acknowledged"
    assert [(e["action"], e["actor"]) for e in record["history"][-3:]] == [
        ("status", "agent@org.be"), ("email_queued", "agent@org.be"), ("internal_note", "agent@org.be")]
    illegal = web.client.post(f"/staff/complaints/{ref}/transition", data={"to": "closed", "csrf": _csrf(html)})
    assert "Passage impossible" in illegal.text  # a message, not a crash


def test_agent_sees_reopen_disabled_and_manager_pages_forbidden(web: StaffWeb) -> None:
    ref = web.register()["reference"]
    web.move(ref, "answered", answer_text="Réponse.", outcome="upheld")
    web.move(ref, "closed")
    _login(web)
    html = web.client.get(f"/staff/complaints/{ref}").text
    assert re.search(r'data-to="in_progress" disabled', html)
    assert web.client.get("/staff/persons").status_code == 403
    assert web.client.get("/staff/outbox").status_code == 403


def test_register_analytics_csv_and_logout_pages(web: StaffWeb) -> None:
    _login(web, "manager@org.be", "mot-de-passe-manager")
    form = web.client.get("/staff/new").text
    created = web.client.post("/staff/new", data={
        "csrf": _csrf(form), "channel": "post", "received_at": "2026-12-18T10:00", "last_name": "Lambert",
        "first_name": "Luc", "email": "luc@exemple.be", "facts_description": "Facture envoyée deux fois.",
        "consent": "1"})
    assert created.status_code == 200 and "enregistrée" in created.text and "IGR-2026-000001" in created.text
    analytics = web.client.get("/staff/analytics")
    assert analytics.status_code == 200 and "<svg" in analytics.text and "Par canal" in analytics.text
    csv_text = web.client.get("/staff/registry.csv").text
    assert csv_text.startswith("Référence;Nom du client;Date de réception") and "Lambert Luc" in csv_text
    assert web.client.get("/staff/outbox").status_code == 200
    logout = web.client.post("/staff/logout", data={"csrf": _csrf(analytics.text)}, follow_redirects=False)
    assert logout.status_code == 303
    assert web.client.get("/staff/", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server_a_replayed_cookie_is_refused(web: StaffWeb) -> None:
    from bot.staff.session import SESSION_COOKIE

    _login(web)
    page = web.client.get("/staff/")
    assert page.status_code == 200
    stolen = web.client.cookies.get(SESSION_COOKIE)
    assert stolen
    logout = web.client.post("/staff/logout", data={"csrf": _csrf(page.text)}, follow_redirects=False)
    assert logout.status_code == 303
    web.client.cookies.set(SESSION_COOKIE, stolen, path="/staff")  # a copy kept before the logout
    replay = web.client.get("/staff/", follow_redirects=False)
    assert replay.status_code == 303 and "/staff/login" in replay.headers["location"]
    web.client.cookies.clear()
    _login(web)  # a new login is a new session
    assert web.client.get("/staff/", follow_redirects=False).status_code == 200
