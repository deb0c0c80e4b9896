"""A citizen's text is data everywhere staff read it: markup in a complaint is shown as typed in
the dashboard (list and file), the PDF export (reportlab reads its own mini-markup) and the CSV
export (no formula run by a spreadsheet)."""

from __future__ import annotations

import csv
import io

import pypdf

from tests.staff.conftest import StaffWeb

SCRIPT = "<script>alert('x')</script>"
PDF_MARKUP = "<font size=40 color=red>ANNULÉ</font> <b>gras</b> & <para>"


def test_markup_in_a_complaint_is_shown_as_text_in_the_dashboard(web: StaffWeb) -> None:
    ref = web.register(last_name=f"Dupont{SCRIPT}", facts_description=f"Le 3 novembre au guichet. {SCRIPT} "
                       '<img src=x onerror="alert(1)"> fin des faits.')["reference"]
    web.login()
    for page in (web.client.get("/staff/").text, web.client.get(f"/staff/complaints/{ref}").text):
        assert SCRIPT not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page
    # and no inline script could run anyway: the pages' policy allows this origin's files only
    assert "script-src 'self'" in web.client.get(f"/staff/complaints/{ref}").headers["content-security-policy"]


def test_markup_in_a_complaint_is_printed_as_typed_in_the_pdf(web: StaffWeb) -> None:
    ref = web.register(facts_description=f"Le 3 novembre au guichet. {PDF_MARKUP} fin.")["reference"]
    response = web.client.get(f"/api/v1/complaints/{ref}/export.pdf", headers=web.auth("agent"))
    assert response.status_code == 200  # an unescaped "<para>" made reportlab raise
    text = " ".join(" ".join((p.extract_text() or "") for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
                    .split())
    assert "<font size=40 color=red>ANNULÉ</font>" in text and "<b>gras</b> & <para>" in text


def test_a_formula_in_a_complaint_is_not_a_formula_in_the_csv_export(web: StaffWeb) -> None:
    web.register(last_name="=HYPERLINK(\"http://x\")", first_name="+cmd", subject="@SUM(A1)")
    response = web.client.get("/api/v1/registry.csv", headers=web.auth("manager"))
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    typed = [c for c in cells if "HYPERLINK" in c or "SUM(A1)" in c]
    assert len(typed) == 2, cells  # the name and the subject are there...
    assert all(c[:1] not in ("=", "+", "-", "@") for c in typed), typed  # ...and none starts a formula
