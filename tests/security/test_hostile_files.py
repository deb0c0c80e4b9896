"""Hostile files: refused through the widget with a French message and nothing stored; what is
kept is served under the sniffed type's extension, never the client's."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable

from bot.config import Settings
from bot.services.attachments import conversation_attachments, record_attachment, write_content
from tests.channels.harness import running
from tests.channels.standins import EXE, PDF, FakeEngine
from tests.sample_data import FRIDAY
from tests.staff.conftest import StaffWeb

SENDER = "web-AbCdEfGhIjKlMnOpQrStUvWx"


def docm() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types><Override PartName=\"/word/document.xml\" ContentType=\"application/"
                   "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    return buf.getvalue()


def zip_bomb_named_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b" " * 50_000_000)  # 50 MB of spaces, a few kB compressed
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


HOSTILE_FILES = [  # name, content, words of the French refusal; through every channel
    ("facture.pdf", EXE, "c'est un programme"),
    ("lettre.docx", docm(), "il contient des macros"),
    ("formulaire.pdf", b"%PDF-1.7\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.launchURL('x'))>>>>endobj",
     "ce PDF contient du code"),
    ("page.pdf", b"<html><script>alert(1)</script></html>", "ce type de fichier n'est pas accepté"),
    ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "n'est pas accepté"),
    ("rapport.docx", zip_bomb_named_docx(), "les archives"),
]


async def test_hostile_files_through_the_widget_are_refused_in_french_and_nothing_is_stored(
        make_settings: Callable[..., Settings], engine: FakeEngine) -> None:
    async with running(make_settings(), engine) as svc:
        for name, data, words in HOSTILE_FILES:
            resp = await svc.client.post("/chat/upload", data={"sender": SENDER}, files={"file": (name, data)})
            assert resp.status_code == 422, name
            assert f"« {name} » n'a pas été enregistré" in resp.json()["error"] and words in resp.json()["error"]
        kept = conversation_attachments(svc.registry, SENDER)
        folder = svc.settings.attachments_dir
        files = list(folder.iterdir()) if folder.exists() else []
    assert kept == [] and files == [] and engine.calls == []


def test_staff_download_uses_the_sniffed_extension_and_is_not_cached(web: StaffWeb) -> None:
    digest = hashlib.sha256(PDF).hexdigest()
    path = write_content(web.settings.attachments_dir, digest, PDF)
    # a record stored before names followed the sniffed type: the client's ".hta" kept
    meta = record_attachment(web.registry, conversation_id=None, filename="justificatif.hta",
                             media_type="application/pdf", size=len(PDF), sha256=digest, stored_path=str(path),
                             now=FRIDAY)
    reference = web.register(attachments=[meta["id"]])["reference"]
    resp = web.client.get(f"/api/v1/complaints/{reference}/attachments/{meta['id']}", headers=web.auth("agent"))
    assert resp.status_code == 200 and resp.content == PDF
    assert 'filename="justificatif.pdf"' in resp.headers["content-disposition"]
    assert resp.headers["cache-control"] == "no-store" and resp.headers["x-content-type-options"] == "nosniff"
