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


def ole2(stream: str) -> bytes:
    return OLE2 + stream.encode("utf-16-le") + b"\x00" * 64


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
    (docm_bytes(), "archive"),
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
