"""Documents uploaded during a conversation, before the complaint exists (linked at filing)."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.services._records import attachment_dict, require_aware
from bot.services.uow import Registry

# The text relayed with a file sent without a caption: not an answer to the question asked.
FILE_ONLY_TEXT = "[document]"


def record_attachment(
    registry: Registry,
    *,
    conversation_id: str | None,
    filename: str,
    media_type: str,
    size: int,
    sha256: str,
    stored_path: str,
    now: datetime,
    attachment_id: str | None = None,
) -> dict[str, Any]:
    """Register a stored document; returns {id, filename, media_type, size, sha256, created_at}.
    Give the id in `data["attachments"]` when filing to link it to the complaint."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        stored = uow.attachments.add(
            id=attachment_id or uuid.uuid4().hex, conversation_id=conversation_id,
            filename=filename[:255], media_type=media_type, size=int(size), sha256=sha256,
            stored_path=stored_path, created_at=now,
        )
        result = attachment_dict(stored)
        uow.commit()
    return result


def conversation_attachments(registry: Registry, conversation_id: str) -> list[dict[str, Any]]:
    """The documents of a conversation not yet linked to a complaint, oldest first."""
    with registry.unit_of_work(read_only=True) as uow:
        return [attachment_dict(a) for a in uow.attachments.unlinked_of(conversation_id)]


def attachment_file(registry: Registry, attachment_id: str) -> dict[str, Any] | None:
    """Where a document is stored (for download by staff): attachment dict + stored_path + reference."""
    with registry.unit_of_work(read_only=True) as uow:
        found = uow.attachments.stored(attachment_id)
    if found is None:
        return None
    stored, reference = found
    return attachment_dict(stored) | {"stored_path": stored.stored_path, "reference": reference}


# --------------------------------------------------------------------------- checking and storing uploads
# The type is sniffed from the content: the name and the declared type are never trusted.

ACCEPTED_FORMATS = "PDF, JPEG, PNG, HEIC, Word (DOCX ou DOC) ou OpenDocument texte (ODT)"
_EXTENSIONS = {
    "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/heic": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt", "application/msword": "doc",
}
_ODT = b"application/vnd.oasis.opendocument.text"
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                     b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!", b"\x00asm", b"dex\n")
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c",
                  b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"MSCF", b"\x04\x22\x4d\x18")


class AttachmentRefused(Exception):
    """A file not kept; `message` is the French text for the citizen, `code` is for logs and tests."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def refusal(code: str, filename: str | None, *, max_bytes: int, max_files: int) -> AttachmentRefused:
    """The refusal `code` (too_large, too_many, empty, executable, archive, unsupported, macro,
    active_pdf, unreadable) with its message."""
    name = f"« {display_name(filename)} »" if filename else "envoyé"
    limit = size_text(max_bytes)
    why = {
        "too_large": f"il dépasse la taille maximale de {limit}",
        "too_many": f"vous avez déjà envoyé {max_files} documents, le maximum pour une réclamation",
        "empty": "il est vide",
        "executable": "c'est un programme, refusé pour des raisons de sécurité",
        "archive": "les archives (ZIP, RAR…) ne sont pas acceptées",
        "unsupported": "ce type de fichier n'est pas accepté",
        "unreadable": "il n'a pas pu être téléchargé",
        "macro": ("il contient des macros (du code qui s'exécute à l'ouverture), refusées pour des raisons "
                  "de sécurité ; enregistrez-le sans macros (en .docx ou en PDF) et renvoyez-le"),
        "active_pdf": ("ce PDF contient du code (JavaScript), une commande de lancement ou des fichiers "
                       "intégrés, refusés pour des raisons de sécurité ; imprimez-le en PDF ou scannez-le, "
                       "puis renvoyez-le"),
    }.get(code, "ce type de fichier n'est pas accepté")
    return AttachmentRefused(code, (
        f"Le fichier {name} n'a pas été enregistré : {why}. "
        f"Formats acceptés : {ACCEPTED_FORMATS}, {limit} au plus par fichier, {max_files} fichiers au plus "
        "par réclamation. Votre conversation continue : rien d'autre n'est perdu."
    ))


def size_text(size: int) -> str:
    """A size in French units: "10 Mo", "1,9 Mo", "500 ko"."""
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} ko"
    mb = round(size / (1024 * 1024), 1)
    return (f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}".replace(".", ",")) + " Mo"


def display_name(filename: str | None) -> str:
    """The original name, for display only: no folders, no control characters, at most 120 characters."""
    raw = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in raw if ch.isprintable()).strip(" .")
    return clean[:120] or "document"


def sniff(data: bytes) -> tuple[str | None, str]:
    """(media type, "ok") for an accepted format, else (None, refusal code: executable, archive, unsupported)."""
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return ("application/pdf", "ok") if not pdf_active_content(data) else (None, "active_pdf")
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "ok"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "ok"
    if head[4:8] == b"ftyp":
        return _sniff_isobmff(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2 is also Excel, PowerPoint and MSI installers: a Word file has a "WordDocument" stream
        if not _ole_has_entry(data, "WordDocument"):
            return None, "unsupported"
        if any(_ole_has_entry(data, name) for name in OLE_MACRO_ENTRIES):
            return None, "macro"
        return "application/msword", "ok"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if head.startswith(_EXECUTABLE_MAGIC):
        return None, "executable"
    if head.startswith(_ARCHIVE_MAGIC) or data[257:262] == b"ustar":
        return None, "archive"
    return None, "unsupported"


def _sniff_isobmff(data: bytes) -> tuple[str | None, str]:
    size = int.from_bytes(data[0:4], "big")
    box = data[8:min(max(size, 16), 256)]
    major, compatible = box[:4], {box[i:i + 4] for i in range(8, len(box) - 3, 4)}
    if major in _HEIC_BRANDS or compatible & {b"heic", b"heix"}:
        return "image/heic", "ok"
    return None, "unsupported"


def _sniff_zip(data: bytes) -> tuple[str | None, str]:
    """DOCX and ODT are ZIP files: look inside (small members only); any other ZIP is an archive."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            lowered = {n.lower() for n in names}
            if "mimetype" in names and z.getinfo("mimetype").file_size < 100:
                if z.read("mimetype").strip() == _ODT:
                    # OpenDocument macros live in Basic/ (StarBasic) and Scripts/ (other languages)
                    if any(n.startswith(("basic/", "scripts/")) for n in lowered):
                        return None, "macro"
                    return "application/vnd.oasis.opendocument.text", "ok"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                info = z.getinfo("[Content_Types].xml")
                types = z.read(info) if info.file_size < 1_000_000 else b""
                if any(n.endswith("vbaproject.bin") or n.endswith("vbadata.xml") for n in lowered) or \
                        b"macroEnabled" in types or b"vbaProject" in types:
                    return None, "macro"  # a .docm, or a .docx carrying a VBA project all the same
                if b"wordprocessingml.document.main+xml" in types:
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ok"
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        return None, "archive"
    return None, "archive"


# OLE2 (.doc) storages and streams of a VBA project: "Macros" (Word's storage), "_VBA_PROJECT"
# (the project stream), "VBA" (the modules' storage)
OLE_MACRO_ENTRIES = ("Macros", "_VBA_PROJECT", "VBA")
# PDF names that run code, start programs or carry other files
PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"})
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_OBJSTM = re.compile(rb"/Type\s*/ObjStm[^>]*>>\s*stream\r?\n", re.S)
PDF_INFLATE_BUDGET = 16 * 1024 * 1024


def _ole_has_entry(data: bytes, name: str) -> bool:
    """Whether an OLE2 directory entry named `name` exists: its UTF-16LE name at the start of a
    128-byte directory entry (entries are aligned on 128 bytes from the 512-byte header), with
    the entry's name length field (at offset 64) matching. Reading the raw bytes this way, text
    in the document that spells the same word is not mistaken for the entry."""
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    length = len(encoded).to_bytes(2, "little")
    start = data.find(encoded)
    while start != -1:
        if start >= 512 and (start - 512) % 128 == 0 and data[start + 64:start + 66] == length:
            return True
        start = data.find(encoded, start + 1)
    return False


def pdf_active_content(data: bytes) -> bool:
    """Whether a PDF carries JavaScript (/JavaScript, /JS: the /OpenAction or /AA that would run
    it), a /Launch action, embedded files or rich media. Names are read with their `#xx` escapes
    decoded, and inside compressed object streams (/Type /ObjStm) too."""
    if _active_names(data):
        return True
    budget = PDF_INFLATE_BUDGET
    for match in _PDF_OBJSTM.finditer(data):
        end = data.find(b"endstream", match.end())
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[match.end():end if end != -1 else None], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        if _active_names(chunk):
            return True
        if budget <= 0:
            return True  # object streams inflating past 16 MB: not a citizen's scan, refused
    return False


def _active_names(data: bytes) -> bool:
    for raw in _PDF_NAME.findall(data):
        name = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw
        if name in PDF_ACTIVE_NAMES:
            return True
    return False


def extension_for(media_type: str) -> str:
    return _EXTENSIONS.get(media_type, "bin")


def served_name(filename: str | None, media_type: str) -> str:
    """The name a document is stored and served under: the client's name without its extension,
    plus the sniffed type's (a PDF named `justificatif.hta` becomes `justificatif.pdf`)."""
    name = display_name(filename)
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    return f"{stem or 'document'}.{extension_for(media_type)}"


def store_upload(
    registry: Registry,
    directory: Path,
    *,
    conversation_id: str,
    filename: str | None,
    data: bytes,
    now: datetime,
    max_bytes: int,
    max_files: int,
) -> dict[str, Any]:
    """Check a received file (size, count per complaint, sniffed type), store it under
    `directory/<sha256>` and record it for the conversation.

    Returns {id, filename, media_type, size, sha256}, the form's metadata shape; the same content
    sent twice in one conversation gives back the first record. Raises AttachmentRefused.
    """
    def refuse(code: str) -> AttachmentRefused:
        return refusal(code, filename, max_bytes=max_bytes, max_files=max_files)

    if not data:
        raise refuse("empty")
    if len(data) > max_bytes:
        raise refuse("too_large")
    media_type, verdict = sniff(data)
    if media_type is None:
        raise refuse(verdict)
    digest = hashlib.sha256(data).hexdigest()
    existing = conversation_attachments(registry, conversation_id)
    for item in existing:
        if item["sha256"] == digest:
            return _metadata(item)
    if len(existing) >= max_files:
        raise refuse("too_many")
    name = served_name(filename, media_type)
    path = write_content(directory, digest, data)
    return _metadata(record_attachment(
        registry, conversation_id=conversation_id, filename=name, media_type=media_type, size=len(data),
        sha256=digest, stored_path=str(path), now=now,
    ))


def write_content(directory: Path, digest: str, data: bytes) -> Path:
    """Write `data` once under `directory/<sha256>` (atomically: a temporary file renamed)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / digest
    if not path.exists():
        tmp = directory / f".{digest}.{uuid.uuid4().hex}.tmp"
        tmp.write_bytes(data)
        tmp.chmod(0o600)
        os.replace(tmp, path)
    return path


def _metadata(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in ("id", "filename", "media_type", "size", "sha256")}
