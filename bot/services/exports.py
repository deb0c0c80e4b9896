"""The complete file as PDF (ReportLab) and JSON, and the registry as CSV.

The CSV has the management plan's register columns (seed 004: the client's name, the date of
receipt, the subject, the contract/product/service concerned, the other parties, the persons
targeted, the acknowledgement's date, the answer's date and text, the dysfunctions found) plus
the corrective actions and the administrative codes, for the complaints received in a period.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape  # escapes text for reportlab, parses nothing  # nosec B406
from zoneinfo import ZoneInfo

from bot.domain.policy import Policy
from bot.services.labels import (
    ACTING_FOR_LABELS,
    ACTION_LABELS,
    CHANNEL_LABELS,
    OUTCOME_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    label,
)
from bot.services.uow import Registry

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
_FONTS: tuple[str, str] | None = None


# ---------------------------------------------------------------------------------- JSON


def complaint_json(record: dict[str, Any], *, generated_at: datetime, generated_by: str) -> dict[str, Any]:
    """The whole record with who exported it and when."""
    return {
        "export": {"generated_at": generated_at.astimezone(UTC).isoformat(), "generated_by": generated_by,
                   "format": "complaintbot.complaint.v1"},
        "complaint": record,
    }


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


# ---------------------------------------------------------------------------------- PDF


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (every French character, embedded) when installed, else Helvetica."""
    global _FONTS
    if _FONTS is None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        _FONTS = ("Helvetica", "Helvetica-Bold")
        for folder in _FONT_DIRS:
            regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
                _FONTS = ("DejaVuSans", "DejaVuSans-Bold")
                break
    return _FONTS


def _local(value: str | None, tz: ZoneInfo, with_time: bool = True) -> str:
    if not value:
        return "—"
    try:
        if len(value) == 10:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        moment = datetime.fromisoformat(value).astimezone(tz)
    except ValueError:
        return value
    return moment.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def complaint_pdf(
    record: dict[str, Any], policy: Policy | None, *, generated_at: datetime, generated_by: str
) -> bytes:
    """The whole file, readable: identity, the complaint, its handling and deadlines, the
    answer, progress messages, register entries, attachments, the full history and the
    conversation transcript."""
    pdf = _Pdf(ZoneInfo(policy.timezone if policy else "UTC"))
    r = record
    org = (policy.organisation.service + " — " if policy and policy.organisation.service else "") + (
        policy.organisation.name if policy else r.get("policy", ""))
    story: list[Any] = [
        pdf.paragraph(f"Dossier de réclamation {r.get('reference')}", pdf.title),
        pdf.para(org),
        pdf.para(f"Exporté le {pdf.local(generated_at.isoformat())} par {generated_by}. "
                 f"Statut : {label(STATUS_LABELS, r.get('status'))}.", pdf.small),
        pdf.spacer(4),
        *_pdf_people_and_facts(pdf, r),
        *_pdf_handling_and_answer(pdf, r),
        *_pdf_follow_up(pdf, r),
        pdf.heading("Historique"),
        _pdf_history(pdf, r),
    ]
    transcript = r.get("transcript")
    if transcript:
        story.append(pdf.heading("Transcription de la conversation"))
        story += [pdf.para(line, pdf.small) for line in transcript_lines(transcript)]
    return pdf.build(story, reference=r.get("reference"), author=org)


class _Pdf:
    """The styles and building blocks of the file's PDF (ReportLab, imported when first used)."""

    def __init__(self, tz: ZoneInfo) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
        from reportlab.lib.units import mm

        self.tz, self.colors, self.mm = tz, colors, mm
        self.regular, bold = _fonts()
        styles = getSampleStyleSheet()
        self.body = ParagraphStyle("body", parent=styles["BodyText"], fontName=self.regular, fontSize=9,
                                   leading=11.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.head = ParagraphStyle("head", parent=styles["Heading2"], fontName=bold, fontSize=12, spaceBefore=8,
                                   spaceAfter=4)
        self.title = ParagraphStyle("title", parent=styles["Title"], fontName=bold, fontSize=16)
        self.key = ParagraphStyle("key", parent=self.body, fontName=bold)

    def local(self, value: str | None) -> str:
        return _local(value, self.tz)

    def paragraph(self, text: str, style: Any) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(escape(text), style)

    def para(self, value: Any, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(escape(_text(value)).replace("\n", "<br/>"), style or self.body)

    def heading(self, text: str) -> Any:
        return self.paragraph(text, self.head)

    def spacer(self, height_mm: float) -> Any:
        from reportlab.platypus import Spacer

        return Spacer(1, height_mm * self.mm)

    def fields(self, rows: list[tuple[str, Any]]) -> Any:
        """A two-column table: label, value."""
        return self.table([[self.para(k, self.key), self.para(v)] for k, v in rows], [50, 120], [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, self.colors.HexColor("#cccccc")),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ])

    def listing(self, items: list[Any]) -> list[Any]:
        return [self.para(f"• {_text(i)}") for i in items] if items else [self.para("—")]

    def table(self, rows: list[list[Any]], widths_mm: list[float], style: list[Any], **kwargs: Any) -> Any:
        from reportlab.platypus import Table, TableStyle

        table = Table(rows, colWidths=[w * self.mm for w in widths_mm], **kwargs)
        table.setStyle(TableStyle(style))
        return table

    def build(self, story: list[Any], *, reference: Any, author: str) -> bytes:
        """The PDF: A4, the reference and the page number at the foot of each page."""
        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import SimpleDocTemplate

        mm, regular = self.mm, self.regular
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
            title=f"Dossier {reference}", author=author, subject="Dossier de réclamation",
        )

        def footer(canvas: Any, document: Any) -> None:
            canvas.saveState()
            canvas.setFont(regular, 7.5)
            canvas.drawString(20 * mm, 10 * mm, f"{reference} — page {document.page}")
            canvas.restoreState()

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        return buffer.getvalue()


def _pdf_people_and_facts(pdf: _Pdf, r: dict[str, Any]) -> list[Any]:
    return [
        pdf.heading("Plaignant"),
        pdf.fields([
            ("Nom", r.get("last_name")), ("Prénom", r.get("first_name")),
            ("Agit", label(ACTING_FOR_LABELS, r.get("acting_for"))), ("Adresse", r.get("address")),
            ("E-mail", r.get("email")), ("Téléphone", r.get("phone")),
            ("Consentement (vie privée)", r.get("consent")),
        ]),
        pdf.heading("Réclamation"),
        pdf.fields([
            ("Objet", r.get("subject")), ("Référence d'un dossier existant", r.get("file_reference")),
            ("Date des faits", r.get("facts_date")), ("Lieu des faits", r.get("facts_place")),
            ("Description des faits", r.get("facts_description")),
            ("Personnes contactées", r.get("persons_contacted")), ("Objectif", r.get("objective")),
            ("Service concerné", r.get("service_concerned")), ("Autres parties", r.get("other_parties")),
            ("Personnes visées", r.get("persons_targeted")),
            ("Contact préalable avec le service", r.get("prior_contact")),
            ("Démarche depuis les faits", r.get("initiative_taken")),
        ]),
    ]


def _pdf_handling_and_answer(pdf: _Pdf, r: dict[str, Any]) -> list[Any]:
    local = pdf.local
    return [
        pdf.heading("Traitement et délais"),
        pdf.fields([
            ("Procédure", r.get("policy")), ("Canal", label(CHANNEL_LABELS, r.get("channel"))),
            ("Statut", label(STATUS_LABELS, r.get("status"))),
            ("Reçue le", local(r.get("received_at"))),
            ("Accusé de réception dû le", local(r.get("ack_due"))),
            ("Réponse due le", local(r.get("answer_due"))),
            ("Accusé de réception le", local(r.get("acknowledged_at"))),
            ("Répondue le", local(r.get("answered_at"))),
            ("Clôturée le", local(r.get("closed_at"))),
            ("Décision", label(REASON_LABELS, r.get("decision"))),
            ("Motif signalé à examiner", label(REASON_LABELS, r.get("suggested_reason_code"))),
            ("Attribuée à", r.get("assigned_to")),
            ("Anonymisée le", local(r.get("anonymised_at"))),
        ]),
        pdf.heading("Réponse"),
        pdf.fields([
            ("Issue", label(OUTCOME_LABELS, r.get("outcome"))), ("Répondue par", r.get("answered_by")),
            ("Texte de la réponse", r.get("answer_text")), ("Voie de recours indiquée", r.get("mediator")),
        ]),
    ]


def _pdf_follow_up(pdf: _Pdf, r: dict[str, Any]) -> list[Any]:
    """Progress messages, register entries and attachments."""
    return [
        pdf.heading("Messages de suivi au plaignant"),
        *pdf.listing([f"{pdf.local(u.get('at'))} — {u.get('by') or ''} : {u.get('text') or ''}"
                      for u in r.get("updates") or []]),
        pdf.heading("Dysfonctionnements constatés"),
        *pdf.listing(r.get("dysfunctions") or []),
        pdf.heading("Actions correctives et recommandations"),
        *pdf.listing(r.get("corrective_actions") or []),
        pdf.heading("Pièces jointes"),
        *pdf.listing([f"{a.get('filename')} ({a.get('media_type')}, {a.get('size')} octets, sha256 {a.get('sha256')})"
                      for a in r.get("attachments") or []]),
    ]


def _pdf_history(pdf: _Pdf, r: dict[str, Any]) -> Any:
    """The full history as a table: when, who, what, detail."""
    rows = [[pdf.para(h, pdf.key) for h in ("Quand", "Qui", "Quoi", "Détail")]]
    for h in r.get("history") or []:
        detail = []
        if h.get("field"):
            detail.append(f"{h['field']} : {_text(h.get('before'))} → {_text(h.get('after'))}")
        if h.get("note"):
            detail.append(h["note"])
        rows.append([pdf.para(pdf.local(h.get("at")), pdf.small), pdf.para(h.get("actor"), pdf.small),
                     pdf.para(label(ACTION_LABELS, h.get("action")), pdf.small),
                     pdf.para("\n".join(detail) or "—", pdf.small)])
    return pdf.table(rows, [28, 38, 30, 74], [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), pdf.colors.HexColor("#e8eef5")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, pdf.colors.HexColor("#cccccc")),
    ], repeatRows=1)


def transcript_lines(transcript: Any) -> list[str]:
    """A stored transcript as readable lines, whatever its shape (list of turns or text)."""
    if isinstance(transcript, str):
        return transcript.splitlines() or [transcript]
    if isinstance(transcript, dict):
        transcript = transcript.get("turns") or transcript.get("messages") or [transcript]
    lines = []
    for turn in transcript if isinstance(transcript, list) else [transcript]:
        if isinstance(turn, dict):
            who = turn.get("sender") or turn.get("from") or turn.get("role") or turn.get("event") or ""
            who = {"user": "Citoyen", "bot": "Assistant", "assistant": "Assistant", "citizen": "Citoyen"}.get(
                str(who), str(who))
            text = turn.get("text") or turn.get("message") or ""
            at = turn.get("at") or turn.get("timestamp") or ""
            lines.append(f"{str(at)[:19]} {who} : {text}".strip())
        else:
            lines.append(str(turn))
    return lines


# ---------------------------------------------------------------------------------- CSV

REGISTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reference", "Référence"),
    ("client_name", "Nom du client"),
    ("received_on", "Date de réception"),
    ("subject", "Objet"),
    ("service_concerned", "Contrat, produit ou service concerné"),
    ("other_parties", "Autres parties concernées"),
    ("persons_targeted", "Personnes visées"),
    ("acknowledged_on", "Date de l'accusé de réception"),
    ("answered_on", "Date de la réponse"),
    ("answer_text", "Contenu de la réponse"),
    ("dysfunctions", "Dysfonctionnements constatés"),
    ("corrective_actions", "Actions correctives"),
    ("status", "Statut"),
    ("channel", "Canal"),
    ("outcome", "Issue"),
    ("decision", "Décision"),
    ("policy", "Procédure"),
)


def period_bounds(start: date | None, end: date | None, timezone: str) -> tuple[datetime | None, datetime | None]:
    """[start 00:00, end+1 00:00) in the organisation's zone, as UTC instants."""
    tz = ZoneInfo(timezone)
    lo = datetime.combine(start, time(0), tz).astimezone(UTC) if start else None
    hi = datetime.combine(end + timedelta(days=1), time(0), tz).astimezone(UTC) if end else None
    return lo, hi


def _safe_cell(value: str) -> str:
    """No formula injection in spreadsheets: a cell starting with = + - @ is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# the columns the register is made of
_REGISTER_SOURCE = (
    "reference", "last_name", "first_name", "received_at", "subject", "service_concerned", "other_parties",
    "persons_targeted", "acknowledged_at", "answered_at", "answer_text", "dysfunctions", "corrective_actions",
    "status", "channel", "outcome", "decision", "policy",
)


def registry_csv(
    registry: Registry,
    *,
    start: date | None,
    end: date | None,
    policy: Policy,
    all_policies: bool = False,
    header: str = "labels",
    delimiter: str = ",",
) -> str:
    """The register of the complaints received between `start` and `end` (local dates,
    inclusive), oldest first. `header`: "labels" (French titles) or "fields" (column keys)."""
    lo, hi = period_bounds(start, end, policy.timezone)
    tz = ZoneInfo(policy.timezone)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([k if header == "fields" else title for k, title in REGISTER_COLUMNS])
    with registry.unit_of_work(read_only=True) as uow:
        rows = uow.complaints.received_between(lo, hi, _REGISTER_SOURCE, policy_id=None if all_policies else policy.id,
                                               by_receipt=True)
    for row in rows:
        values = _register_line(row, tz)
        writer.writerow([_safe_cell(str(values[k])) for k, _title in REGISTER_COLUMNS])
    return out.getvalue()


def _register_line(row: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """One complaint's line of the register (`REGISTER_COLUMNS` keys); dates local to `tz`."""

    def day(value: datetime | None) -> str:
        return value.astimezone(tz).date().isoformat() if value else ""

    return {
        "reference": row["reference"],
        "client_name": " ".join(p for p in (row["last_name"], row["first_name"]) if p),
        "received_on": day(row["received_at"]),
        "subject": row["subject"] or "",
        "service_concerned": row["service_concerned"] or "",
        "other_parties": row["other_parties"] or "",
        "persons_targeted": row["persons_targeted"] or "",
        "acknowledged_on": day(row["acknowledged_at"]),
        "answered_on": day(row["answered_at"]),
        "answer_text": row["answer_text"] or "",
        "dysfunctions": " | ".join(row["dysfunctions"] or []),
        "corrective_actions": " | ".join(row["corrective_actions"] or []),
        "status": row["status"],
        "channel": row["channel"],
        "outcome": row["outcome"] or "",
        "decision": row["decision"] or "",
        "policy": row["policy"],
    }
