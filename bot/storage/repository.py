"""Repositories: map the domain `Complaint` dataclass to and from the `complaints` table.

A loaded complaint's history comes from `complaint_events`, its attachments from
`attachments`. `save()` writes changed columns and appends the events added to
`complaint.history` since it was loaded (the history is append-only).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.complaint import Attachment, Complaint, Event, Status
from bot.storage.models import AttachmentRow, ComplaintEventRow, ComplaintRow

# Complaint dataclass fields stored as columns of the same name
_SKIP = {"attachments", "history"}
COMPLAINT_COLUMNS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Complaint) if f.name not in _SKIP
)


def name_key(last_name: str | None, first_name: str | None) -> str | None:
    """Normalised "last|first" (no accents, case, hyphens or extra spaces), for matching people."""
    if not last_name:
        return None
    return f"{fold(last_name)}|{fold(first_name or '')}"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


def plain(value: Any) -> Any:
    """JSON-safe copy of a value (dates as ISO strings)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Status):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def attachment_from_row(row: AttachmentRow) -> Attachment:
    return Attachment(id=row.id, filename=row.filename, media_type=row.media_type, size=row.size, sha256=row.sha256)


def event_from_row(row: ComplaintEventRow) -> Event:
    return Event(at=row.at, actor=row.actor, action=row.action, field=row.field,
                 before=row.before, after=row.after, note=row.note)


class ComplaintRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        # id(complaint) -> (complaint, row, number of history events already stored)
        self._seen: dict[int, tuple[Complaint, ComplaintRow, int]] = {}

    # -- reading ---------------------------------------------------------------------------
    def get(self, reference: str, *, for_update: bool = False) -> Complaint | None:
        stmt = select(ComplaintRow).where(ComplaintRow.reference == reference)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt).one_or_none()
        return self._load(row) if row is not None else None

    def get_by_intake_key(self, intake_key: str) -> Complaint | None:
        row = self.session.scalars(select(ComplaintRow).where(ComplaintRow.intake_key == intake_key)).one_or_none()
        return self._load(row) if row is not None else None

    def row_for(self, complaint: Complaint) -> ComplaintRow:
        """The row behind a complaint this repository loaded or added."""
        try:
            return self._seen[id(complaint)][1]
        except KeyError:
            raise LookupError("complaint not loaded or added through this repository") from None

    def _load(self, row: ComplaintRow) -> Complaint:
        for complaint, seen_row, _count in self._seen.values():
            if seen_row is row:
                return complaint
        events = self.session.scalars(
            select(ComplaintEventRow)
            .where(ComplaintEventRow.complaint_id == row.id)
            .order_by(ComplaintEventRow.at, ComplaintEventRow.id)
        ).all()
        attachments = self.session.scalars(
            select(AttachmentRow)
            .where(AttachmentRow.complaint_id == row.id)
            .order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).all()
        values = {name: getattr(row, name) for name in COMPLAINT_COLUMNS}
        values["status"] = Status(row.status)
        values["updates"] = list(row.updates or [])
        values["dysfunctions"] = list(row.dysfunctions or [])
        values["corrective_actions"] = list(row.corrective_actions or [])
        complaint = Complaint(
            **values,
            attachments=[attachment_from_row(a) for a in attachments],
            history=[event_from_row(e) for e in events],
        )
        self._seen[id(complaint)] = (complaint, row, len(complaint.history))
        return complaint

    # -- writing ---------------------------------------------------------------------------
    def add(
        self,
        complaint: Complaint,
        *,
        now: datetime,
        intake_key: str | None = None,
        transcript: Any = None,
        extra: dict[str, Any] | None = None,
        assigned_to: str | None = None,
    ) -> ComplaintRow:
        if not complaint.reference:
            raise ValueError("a complaint needs its reference before it is stored")
        row = ComplaintRow(
            intake_key=intake_key,
            transcript=plain(transcript) if transcript is not None else None,
            extra=plain(extra) if extra else None,
            assigned_to=assigned_to,
            created_at=now,
            updated_at=now,
        )
        self._copy_to_row(complaint, row)
        self.session.add(row)
        self.session.flush()
        self._seen[id(complaint)] = (complaint, row, 0)
        self._append_events(complaint)
        return row

    def save(self, complaint: Complaint, *, now: datetime) -> ComplaintRow:
        row = self.row_for(complaint)
        self._copy_to_row(complaint, row)
        if self.session.is_modified(row) or self._seen[id(complaint)][2] < len(complaint.history):
            row.updated_at = now
        self.session.flush()
        self._append_events(complaint)
        return row

    def _copy_to_row(self, complaint: Complaint, row: ComplaintRow) -> None:
        for name in COMPLAINT_COLUMNS:
            value = getattr(complaint, name)
            if name == "status":
                value = Status(value).value
            elif name in ("updates", "dysfunctions", "corrective_actions"):
                value = plain(list(value or []))
            if getattr(row, name) != value:
                setattr(row, name, value)
        key = name_key(complaint.last_name, complaint.first_name)
        if row.name_key != key:
            row.name_key = key

    def _append_events(self, complaint: Complaint) -> None:
        _c, row, stored = self._seen[id(complaint)]
        new = complaint.history[stored:]
        for ev in new:
            self.session.add(ComplaintEventRow(
                complaint_id=row.id, at=ev.at, actor=ev.actor, action=ev.action, field=ev.field,
                before=plain(ev.before), after=plain(ev.after), note=ev.note,
            ))
        if new:
            self.session.flush()
        self._seen[id(complaint)] = (complaint, row, len(complaint.history))


class AttachmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: AttachmentRow) -> AttachmentRow:
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, attachment_id: str) -> AttachmentRow | None:
        return self.session.get(AttachmentRow, attachment_id)

    def for_complaint(self, complaint_id: int) -> Sequence[AttachmentRow]:
        return self.session.scalars(
            select(AttachmentRow).where(AttachmentRow.complaint_id == complaint_id)
            .order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).all()

    def link(self, ids: Iterable[str], complaint_id: int) -> list[AttachmentRow]:
        """Attach the still unlinked documents `ids` to a complaint; returns those linked."""
        wanted = [i for i in dict.fromkeys(ids) if i]
        if not wanted:
            return []
        rows = self.session.scalars(select(AttachmentRow).where(AttachmentRow.id.in_(wanted))).all()
        linked = []
        for row in rows:
            if row.complaint_id in (None, complaint_id):
                row.complaint_id = complaint_id
                linked.append(row)
        self.session.flush()
        return linked
