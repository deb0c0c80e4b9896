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
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select

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
from bot.storage.models import ComplaintRow

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
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    tz = ZoneInfo(policy.timezone if policy else "UTC")
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=regular, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    head = ParagraphStyle("head", parent=styles["Heading2"], fontName=bold, fontSize=12, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=styles["Title"], fontName=bold, fontSize=16)
    key = ParagraphStyle("key", parent=body, fontName=bold)

    def para(value: Any, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(_text(value)).replace("\n", "<br/>"), style)

    def fields(rows: list[tuple[str, Any]]) -> Table:
        table = Table([[para(k, key), para(v)] for k, v in rows], colWidths=[50 * mm, 120 * mm])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        return table

    def listing(items: list[Any]) -> list[Any]:
        return [para(f"• {_text(i)}") for i in items] if items else [para("—")]

    r = record
    org = (policy.organisation.service + " — " if policy and policy.organisation.service else "") + (
        policy.organisation.name if policy else r.get("policy", ""))
    story: list[Any] = [
        Paragraph(escape(f"Dossier de réclamation {r.get('reference')}"), title),
        para(org),
        para(f"Exporté le {_local(generated_at.isoformat(), tz)} par {generated_by}. "
             f"Statut : {label(STATUS_LABELS, r.get('status'))}.", small),
        Spacer(1, 4 * mm),
        Paragraph("Plaignant", head),
        fields([
            ("Nom", r.get("last_name")), ("Prénom", r.get("first_name")),
            ("Agit", label(ACTING_FOR_LABELS, r.get("acting_for"))), ("Adresse", r.get("address")),
            ("E-mail", r.get("email")), ("Téléphone", r.get("phone")),
            ("Consentement (vie privée)", r.get("consent")),
        ]),
        Paragraph("Réclamation", head),
        fields([
            ("Objet", r.get("subject")), ("Référence d'un dossier existant", r.get("file_reference")),
            ("Date des faits", r.get("facts_date")), ("Lieu des faits", r.get("facts_place")),
            ("Description des faits", r.get("facts_description")),
            ("Personnes contactées", r.get("persons_contacted")), ("Objectif", r.get("objective")),
            ("Service concerné", r.get("service_concerned")), ("Autres parties", r.get("other_parties")),
            ("Personnes visées", r.get("persons_targeted")),
            ("Contact préalable avec le service", r.get("prior_contact")),
            ("Démarche depuis les faits", r.get("initiative_taken")),
        ]),
        Paragraph("Traitement et délais", head),
        fields([
            ("Procédure", r.get("policy")), ("Canal", label(CHANNEL_LABELS, r.get("channel"))),
            ("Statut", label(STATUS_LABELS, r.get("status"))),
            ("Reçue le", _local(r.get("received_at"), tz)),
            ("Accusé de réception dû le", _local(r.get("ack_due"), tz)),
            ("Réponse due le", _local(r.get("answer_due"), tz)),
            ("Accusé de réception le", _local(r.get("acknowledged_at"), tz)),
            ("Répondue le", _local(r.get("answered_at"), tz)),
            ("Clôturée le", _local(r.get("closed_at"), tz)),
            ("Décision", label(REASON_LABELS, r.get("decision"))),
            ("Motif signalé à examiner", label(REASON_LABELS, r.get("suggested_reason_code"))),
            ("Attribuée à", r.get("assigned_to")),
            ("Anonymisée le", _local(r.get("anonymised_at"), tz)),
        ]),
        Paragraph("Réponse", head),
        fields([
            ("Issue", label(OUTCOME_LABELS, r.get("outcome"))), ("Répondue par", r.get("answered_by")),
            ("Texte de la réponse", r.get("answer_text")), ("Voie de recours indiquée", r.get("mediator")),
        ]),
        Paragraph("Messages de suivi au plaignant", head),
        *listing([f"{_local(u.get('at'), tz)} — {u.get('by') or ''} : {u.get('text') or ''}"
                  for u in r.get("updates") or []]),
        Paragraph("Dysfonctionnements constatés", head),
        *listing(r.get("dysfunctions") or []),
        Paragraph("Actions correctives et recommandations", head),
        *listing(r.get("corrective_actions") or []),
        Paragraph("Pièces jointes", head),
        *listing([f"{a.get('filename')} ({a.get('media_type')}, {a.get('size')} octets, sha256 {a.get('sha256')})"
                  for a in r.get("attachments") or []]),
        Paragraph("Historique", head),
    ]
    history = [[para(h, key) for h in ("Quand", "Qui", "Quoi", "Détail")]]
    for h in r.get("history") or []:
        detail = []
        if h.get("field"):
            detail.append(f"{h['field']} : {_text(h.get('before'))} → {_text(h.get('after'))}")
        if h.get("note"):
            detail.append(h["note"])
        history.append([para(_local(h.get("at"), tz), small), para(h.get("actor"), small),
                        para(label(ACTION_LABELS, h.get("action")), small), para("\n".join(detail) or "—", small)])
    table = Table(history, colWidths=[28 * mm, 38 * mm, 30 * mm, 74 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
    ]))
    story.append(table)
    transcript = r.get("transcript")
    if transcript:
        story.append(Paragraph("Transcription de la conversation", head))
        story += [para(line, small) for line in transcript_lines(transcript)]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"Dossier {r.get('reference')}", author=org, subject="Dossier de réclamation",
    )

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(20 * mm, 10 * mm, f"{r.get('reference')} — page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


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


def received_in(lo: datetime | None, hi: datetime | None) -> list[Any]:
    """Conditions: received in [lo, hi); a file prepared and not yet received counts at its creation."""
    conditions = []
    if lo is not None:
        conditions.append(or_(and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at >= lo),
                              and_(ComplaintRow.received_at.is_(None), ComplaintRow.created_at >= lo)))
    if hi is not None:
        conditions.append(or_(and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at < hi),
                              and_(ComplaintRow.received_at.is_(None), ComplaintRow.created_at < hi)))
    return conditions


def _safe_cell(value: str) -> str:
    """No formula injection in spreadsheets: a cell starting with = + - @ is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


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
    conditions = received_in(lo, hi)
    if not all_policies:
        conditions.append(ComplaintRow.policy == policy.id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([k if header == "fields" else title for k, title in REGISTER_COLUMNS])
    with registry.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(
            select(ComplaintRow).where(*conditions)
            .order_by(func.coalesce(ComplaintRow.received_at, ComplaintRow.created_at), ComplaintRow.id)
        ).all()
        for row in rows:
            values = {
                "reference": row.reference,
                "client_name": " ".join(p for p in (row.last_name, row.first_name) if p),
                "received_on": row.received_at.astimezone(tz).date().isoformat() if row.received_at else "",
                "subject": row.subject or "",
                "service_concerned": row.service_concerned or "",
                "other_parties": row.other_parties or "",
                "persons_targeted": row.persons_targeted or "",
                "acknowledged_on": row.acknowledged_at.astimezone(tz).date().isoformat() if row.acknowledged_at else "",
                "answered_on": row.answered_at.astimezone(tz).date().isoformat() if row.answered_at else "",
                "answer_text": row.answer_text or "",
                "dysfunctions": " | ".join(row.dysfunctions or []),
                "corrective_actions": " | ".join(row.corrective_actions or []),
                "status": row.status,
                "channel": row.channel,
                "outcome": row.outcome or "",
                "decision": row.decision or "",
                "policy": row.policy,
            }
            writer.writerow([_safe_cell(str(values[k])) for k, _title in REGISTER_COLUMNS])
    return out.getvalue()
