"""Attachments: the type sniffed from the content, the limits, storage under the sha256."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.services.attachments import (
    AttachmentRefused,
    conversation_attachments,
    display_name,
    sniff,
    store_upload,
)
from bot.services.uow import Registry
from tests.channels.standins import EXE, JPEG, PDF, PNG, docx_bytes, zip_bytes

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def ole2(*entries: str, text: str = "") -> bytes:
    """An OLE2 file's header and directory: one 128-byte entry per name (UTF-16LE name padded to
    64 bytes, then the name's length in bytes with its terminator), then some UTF-16 `text`."""
    directory = b""
    for name in ("Root Entry", *entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory += encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little") + b"\x01" + b"\x00" * 61
    return OLE2 + directory + b"\x00" * 7 + text.encode("utf-16-le") + b"\x00" * 64


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 32


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def docm_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/vbaProject.bin", b"\x00")
    return buf.getvalue()


@pytest.mark.parametrize("data,expected", [
    (PDF, "application/pdf"),
    (JPEG, "image/jpeg"),
    (PNG, "image/png"),
    (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
    (ftyp(b"mif1", b"heic"), "image/heic"),
    (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (odt_bytes(), "application/vnd.oasis.opendocument.text"),
    (ole2("WordDocument"), "application/msword"),
], ids=["pdf", "jpeg", "png", "heic", "heif-mif1", "docx", "odt", "doc"])
def test_sniff_accepts_the_listed_formats_from_their_content(data: bytes, expected: str) -> None:
    assert sniff(data) == (expected, "ok")


@pytest.mark.parametrize("data,code", [
    (EXE, "executable"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "executable"),
    (b"#!/bin/sh\nrm -rf /\n", "executable"),
    (zip_bytes(), "archive"),
    (odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"), "archive"),
    (docm_bytes(), "macro"),
    (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, "archive"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 40, "archive"),
    (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 40, "archive"),
    (ole2("Workbook"), "unsupported"),
    (ftyp(b"avif", b"mif1", b"miaf"), "unsupported"),
    (b"GIF89a" + b"\x00" * 40, "unsupported"),
    (b"Bonjour, ceci est un texte.", "unsupported"),
], ids=["exe", "elf", "script", "zip", "ods", "docm", "rar", "gzip", "7z", "xls", "avif", "gif", "text"])
def test_sniff_refuses_programs_archives_and_other_types(data: bytes, code: str) -> None:
    assert sniff(data) == (None, code)


@pytest.fixture
def registry(migrated_sqlite_url: str) -> Registry:
    reg = Registry.from_url(migrated_sqlite_url)
    yield reg
    reg.dispose()


def store(registry: Registry, tmp_path: Path, data: bytes, name: str | None = "piece.pdf", **limits: int) -> dict:
    return store_upload(registry, tmp_path / "attachments", conversation_id="tg-1", filename=name, data=data, now=NOW,
                        max_bytes=limits.get("max_bytes", 10_000_000), max_files=limits.get("max_files", 5))


def test_store_upload_keeps_the_file_under_its_sha256_and_records_it(registry: Registry, tmp_path: Path) -> None:
    meta = store(registry, tmp_path, PDF, "../../etc/Facture mars.pdf")
    digest = hashlib.sha256(PDF).hexdigest()
    assert meta == {"id": meta["id"], "filename": "Facture mars.pdf", "media_type": "application/pdf",
                    "size": len(PDF), "sha256": digest}
    assert (tmp_path / "attachments" / digest).read_bytes() == PDF
    assert [a["id"] for a in conversation_attachments(registry, "tg-1")] == [meta["id"]]


def test_store_upload_same_content_twice_is_recorded_once(registry: Registry, tmp_path: Path) -> None:
    first, again = store(registry, tmp_path, PDF), store(registry, tmp_path, PDF, "autre-nom.pdf")
    assert first == again and len(conversation_attachments(registry, "tg-1")) == 1


def test_store_upload_names_a_nameless_file_by_its_type(registry: Registry, tmp_path: Path) -> None:
    assert store(registry, tmp_path, PNG, None)["filename"] == "document.png"


@pytest.mark.parametrize("data,limits,code,words", [
    (PDF, {"max_bytes": 10}, "too_large", "dépasse la taille maximale de 1 ko"),
    (b"", {}, "empty", "il est vide"),
    (EXE, {}, "executable", "c'est un programme"),
    (zip_bytes(), {}, "archive", "les archives"),
])
def test_store_upload_refusal_says_why_and_what_is_accepted(registry: Registry, tmp_path: Path, data: bytes,
                                                            limits: dict, code: str, words: str) -> None:
    with pytest.raises(AttachmentRefused) as refused:
        store(registry, tmp_path, data, "envoi.pdf", **limits)
    assert refused.value.code == code
    assert words in refused.value.message and "« envoi.pdf »" in refused.value.message
    assert "Formats acceptés : PDF, JPEG, PNG, HEIC, Word (DOCX ou DOC) ou OpenDocument texte (ODT)" in refused.value.message
    assert conversation_attachments(registry, "tg-1") == []
    assert not (tmp_path / "attachments").exists() or not any((tmp_path / "attachments").iterdir())


def test_store_upload_refuses_more_files_than_the_limit(registry: Registry, tmp_path: Path) -> None:
    store(registry, tmp_path, PDF, max_files=2)
    store(registry, tmp_path, PNG, max_files=2)
    with pytest.raises(AttachmentRefused) as refused:
        store(registry, tmp_path, JPEG, max_files=2)
    assert refused.value.code == "too_many" and "déjà envoyé 2 documents" in refused.value.message


def test_display_name_drops_folders_and_control_characters() -> None:
    assert display_name("C:\\Users\\x\\scan\x00.pdf") == "scan.pdf"
    assert display_name("   ") == "document"


# ------------------------------------------------------------------ macros, active PDFs, stored names


def docx_with(*extra: tuple[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in extra:
            z.writestr(name, data)
    return buf.getvalue()


def odt_with(*extra: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
        for name in extra:
            z.writestr(name, "<script/>")
    return buf.getvalue()


def pdf(body: bytes) -> bytes:
    return b"%PDF-1.7\n" + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def objstm(content: bytes) -> bytes:
    import zlib

    packed = zlib.compress(content)
    return (b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(packed)
            + packed + b"\nendstream endobj")


@pytest.mark.parametrize("data,code", [
    (docx_with(("word/vbaProject.bin", b"\x00" * 10)), "macro"),  # .docx named, VBA inside
    (docx_with(("word/vbaData.xml", b"<wne:vbaSuppData/>")), "macro"),
    (ole2("WordDocument", "Macros", "VBA", "_VBA_PROJECT"), "macro"),
    (ole2("WordDocument", "_VBA_PROJECT"), "macro"),
    (odt_with("Basic/Standard/Module1.xml"), "macro"),
    (odt_with("Scripts/python/macro.py"), "macro"),
    (pdf(b"1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj 2 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj"),
     "active_pdf"),
    (pdf(b"1 0 obj<</Type/Catalog/OpenAction<</S/J#61vaScript/J#53 3 0 R>>>>endobj"), "active_pdf"),  # #xx escapes
    (pdf(b"1 0 obj<</Type/Action/S/Launch/F(cmd.exe)>>endobj"), "active_pdf"),
    (pdf(b"1 0 obj<</Type/Catalog/Names<</EmbeddedFiles 4 0 R>>>>endobj"), "active_pdf"),
    (pdf(b"4 0 obj<</Type/EmbeddedFile/Length 3>>stream\nMZ\x90\nendstream endobj"), "active_pdf"),
    (pdf(objstm(b"2 0 <</S/JavaScript/JS(this.exportDataObject())>>")), "active_pdf"),  # hidden in an object stream
], ids=["docx-vba", "docx-vbadata", "doc-macros", "doc-vba-project", "odt-basic", "odt-scripts", "pdf-js",
        "pdf-js-escaped", "pdf-launch", "pdf-embedded-files", "pdf-embedded-file", "pdf-objstm-js"])
def test_sniff_refuses_macros_and_active_pdfs(data: bytes, code: str) -> None:
    assert sniff(data) == (None, code)


@pytest.mark.parametrize("data,expected", [
    (ole2("WordDocument", text="Macros et _VBA_PROJECT sont des mots du texte"), "application/msword"),
    (pdf(b"1 0 obj<</Type/Catalog/OpenAction[3 0 R/FitH null]>>endobj"), "application/pdf"),  # a view, no code
    (pdf(objstm(b"2 0 <</Type/Page/Parent 1 0 R>>")), "application/pdf"),
], ids=["doc-word-in-text", "pdf-openaction-view", "pdf-objstm-plain"])
def test_sniff_keeps_ordinary_documents(data: bytes, expected: str) -> None:
    assert sniff(data) == (expected, "ok")


def test_sniff_reads_names_in_uncompressed_text_too_the_safe_side() -> None:
    # "/JS" written in an uncompressed text string is read as a name: refused (page text is
    # normally compressed, and is then not read)
    assert sniff(pdf(b"BT (Voir /JS dans le manuel) Tj ET")) == (None, "active_pdf")


def test_macro_and_active_pdf_refusals_say_why_in_french(registry: Registry, tmp_path: Path) -> None:
    for data, words in ((docm_bytes(), "il contient des macros"),
                        (pdf(b"<</S/JavaScript/JS(x)>>"), "ce PDF contient du code (JavaScript)")):
        with pytest.raises(AttachmentRefused) as refused:
            store(registry, tmp_path, data, "lettre.docx")
        assert words in refused.value.message and "« lettre.docx »" in refused.value.message
    assert conversation_attachments(registry, "tg-1") == []


@pytest.mark.parametrize("name,data,stored", [
    ("justificatif.hta", PDF, "justificatif.pdf"),
    ("photo.PNG.exe", PNG, "photo.PNG.png"),
    ("scan.jpeg", JPEG, "scan.jpg"),
    ("lettre", docx_bytes(), "lettre.docx"),
    (".htaccess", PDF, "htaccess.pdf"),
])
def test_stored_name_takes_the_sniffed_type_extension(registry: Registry, tmp_path: Path, name: str, data: bytes,
                                                      stored: str) -> None:
    assert store(registry, tmp_path, data, name)["filename"] == stored
