"""Repositories: map the domain `Complaint` dataclass to and from the `complaints` table, and the
registry's other records (documents, e-mail outbox) to plain data.

A loaded complaint's history comes from `complaint_events`, its attachments from
`attachments`. `save()` writes changed columns and appends the events added to
`complaint.history` since it was loaded (the history is append-only); `append_history()`
appends them without counting them as a change of the file. What the registry keeps beside
the domain's fields (assignee, intake key, transcript, extra data, timestamps) is read with
`bookkeeping()`; list views, exports and figures read plain dicts of columns.

The services reach these through the unit of work (`bot.services.uow`): `uow.complaints`,
`uow.attachments`, `uow.outbox`, `uow.staff`; the counters are in `bot.storage.counters`.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.complaint import Attachment, Complaint, Event, Status
from bot.storage.models import ROLES as ROLES  # the staff roles, for the services
from bot.storage.models import (
    ApiTokenRow,
    AttachmentRow,
    ComplaintEventRow,
    ComplaintRow,
    HandoverRequestRow,
    OutboxRow,
    StaffUserRow,
)

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
    # not bot.domain.text.fold: this one also folds compatibility forms, casefolds ("ß" -> "ss") and
    # reads hyphens and apostrophes as spaces; the stored name keys are made with it
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


@dataclasses.dataclass(frozen=True)
class Bookkeeping:
    """What the registry keeps of a complaint beside the domain's fields."""

    assigned_to: str | None
    intake_key: str | None
    transcript: Any
    extra: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


@dataclasses.dataclass(frozen=True)
class StoredAttachment:
    """A stored document: the domain's `Attachment` with where and when it was stored."""

    id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    stored_path: str
    conversation_id: str | None


@dataclasses.dataclass(frozen=True)
class StaffAccount:
    """A staff account (its password only as the stored hash)."""

    email: str
    role: str
    active: bool
    can_answer: bool
    created_at: datetime
    password_hash: str | None


@dataclasses.dataclass(frozen=True)
class ComplaintSearch:
    """What a page of the registry is filtered on (every given condition holds).

    `overdue`: an acknowledgement (status in `ack_pending`) or an answer (`answer_pending`) still
    owed past its date on `today` (True), or none (False). `answer_due_by`: an answer still owed,
    due between `today` and that date. `words`: each found in the reference, names, e-mail,
    subject or description."""

    today: date
    statuses: Sequence[str] = ()
    policy: str | None = None
    channel: str | None = None
    assigned_to: str | None = None
    overdue: bool | None = None
    answer_due_by: date | None = None
    words: Sequence[str] = ()
    ack_pending: Sequence[str] = ()
    answer_pending: Sequence[str] = ()

    def conditions(self) -> list[ColumnElement[bool]]:
        c = ComplaintRow
        found: list[ColumnElement[bool]] = []
        if self.statuses:
            found.append(c.status.in_(self.statuses))
        for column, value in ((c.policy, self.policy), (c.channel, self.channel), (c.assigned_to, self.assigned_to)):
            if value:
                found.append(column == value)
        if self.overdue is not None:
            late = or_(and_(c.status.in_(self.ack_pending), c.ack_due < self.today),
                       and_(c.status.in_(self.answer_pending), c.answer_due < self.today))
            found.append(late if self.overdue else not_(func.coalesce(late, False)))
        if self.answer_due_by is not None:
            found.append(and_(c.status.in_(self.answer_pending), c.answer_due >= self.today,
                              c.answer_due <= self.answer_due_by))
        for word in self.words:
            pattern = f"%{word}%"
            found.append(or_(c.reference.ilike(pattern), c.last_name.ilike(pattern), c.first_name.ilike(pattern),
                             c.email.ilike(pattern), c.subject.ilike(pattern), c.facts_description.ilike(pattern)))
        return found


# what a page of the registry gives of each complaint: its columns and the registry's bookkeeping
LISTED_COLUMNS: tuple[str, ...] = (*COMPLAINT_COLUMNS, "assigned_to", "created_at", "updated_at")


def attachment_from_row(row: AttachmentRow) -> Attachment:
    return Attachment(id=row.id, filename=row.filename, media_type=row.media_type, size=row.size, sha256=row.sha256)


def stored_attachment(row: AttachmentRow) -> StoredAttachment:
    return StoredAttachment(id=row.id, filename=row.filename, media_type=row.media_type, size=row.size,
                            sha256=row.sha256, created_at=row.created_at, stored_path=row.stored_path,
                            conversation_id=row.conversation_id)


def event_from_row(row: ComplaintEventRow) -> Event:
    return Event(at=row.at, actor=row.actor, action=row.action, field=row.field,
                 before=row.before, after=row.after, note=row.note)


def _received_in(lo: datetime | None, hi: datetime | None) -> list[ColumnElement[bool]]:
    """Received in [lo, hi); a file prepared and not yet received counts at its creation."""
    conditions = []
    if lo is not None:
        conditions.append(or_(and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at >= lo),
                              and_(ComplaintRow.received_at.is_(None), ComplaintRow.created_at >= lo)))
    if hi is not None:
        conditions.append(or_(and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at < hi),
                              and_(ComplaintRow.received_at.is_(None), ComplaintRow.created_at < hi)))
    return conditions


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

    def bookkeeping(self, complaint: Complaint) -> Bookkeeping:
        row = self.row_for(complaint)
        return Bookkeeping(assigned_to=row.assigned_to, intake_key=row.intake_key, transcript=row.transcript,
                           extra=row.extra, created_at=row.created_at, updated_at=row.updated_at)

    def attachments_of(self, complaint: Complaint) -> list[StoredAttachment]:
        """The documents linked to a complaint, oldest first."""
        return [stored_attachment(a) for a in self._attachment_rows(self.row_for(complaint).id)]

    def _attachment_rows(self, complaint_id: int) -> Sequence[AttachmentRow]:
        return self.session.scalars(
            select(AttachmentRow).where(AttachmentRow.complaint_id == complaint_id)
            .order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).all()

    def _load(self, row: ComplaintRow) -> Complaint:
        for complaint, seen_row, _count in self._seen.values():
            if seen_row is row:
                return complaint
        events = self.session.scalars(
            select(ComplaintEventRow)
            .where(ComplaintEventRow.complaint_id == row.id)
            .order_by(ComplaintEventRow.at, ComplaintEventRow.id)
        ).all()
        values = {name: getattr(row, name) for name in COMPLAINT_COLUMNS}
        values["status"] = Status(row.status)
        values["updates"] = list(row.updates or [])
        values["dysfunctions"] = list(row.dysfunctions or [])
        values["corrective_actions"] = list(row.corrective_actions or [])
        complaint = Complaint(
            **values,
            attachments=[attachment_from_row(a) for a in self._attachment_rows(row.id)],
            history=[event_from_row(e) for e in events],
        )
        self._seen[id(complaint)] = (complaint, row, len(complaint.history))
        return complaint

    # -- queries: references and plain data ---------------------------------------------------
    def received_between(
        self, lo: datetime | None, hi: datetime | None, columns: Sequence[str], *,
        policy_id: str | None = None, by_receipt: bool = False,
    ) -> list[dict[str, Any]]:
        """`columns` of the complaints received in [lo, hi) (a prepared one counts at its creation)
        of `policy_id` (every preset when None), in filing order or, `by_receipt`, oldest first."""
        stmt = select(*(getattr(ComplaintRow, c) for c in columns)).where(*_received_in(lo, hi))
        if policy_id:
            stmt = stmt.where(ComplaintRow.policy == policy_id)
        if by_receipt:
            stmt = stmt.order_by(func.coalesce(ComplaintRow.received_at, ComplaintRow.created_at), ComplaintRow.id)
        else:
            stmt = stmt.order_by(ComplaintRow.id)
        return [dict(zip(columns, r, strict=True)) for r in self.session.execute(stmt)]

    def search(self, spec: ComplaintSearch, *, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """A page of the registry, newest first: how many complaints match `spec`, and the
        `LISTED_COLUMNS` of those of the page."""
        conditions = spec.conditions()
        total = self.session.scalar(select(func.count()).select_from(ComplaintRow).where(*conditions)) or 0
        rows = self.session.execute(
            select(*(getattr(ComplaintRow, name) for name in LISTED_COLUMNS)).where(*conditions)
            .order_by(ComplaintRow.id.desc()).limit(limit).offset(offset)
        ).all()
        return int(total), [dict(zip(LISTED_COLUMNS, r, strict=True)) for r in rows]

    def attachments_by_reference(self, references: Collection[str]) -> dict[str, list[StoredAttachment]]:
        """The documents linked to each of these complaints, oldest first."""
        found: dict[str, list[StoredAttachment]] = {}
        if not references:
            return found
        rows = self.session.execute(
            select(ComplaintRow.reference, AttachmentRow).join(ComplaintRow, AttachmentRow.complaint_id == ComplaintRow.id)
            .where(ComplaintRow.reference.in_(references)).order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).all()
        for reference, row in rows:
            found.setdefault(reference, []).append(stored_attachment(row))
        return found

    def handled_by_person(
        self, policy_id: str, statuses: Collection[str], *, email: str | None, name_key: str | None
    ) -> list[dict[str, Any]]:
        """{reference, subject, facts_description, handled_at} of the complaints of `policy_id` in
        `statuses`, not anonymised, with this e-mail (case-insensitive) or this name key; newest
        first. `handled_at`: when answered, else closed."""
        who = []
        if email:
            who.append(func.lower(ComplaintRow.email) == email)
        if name_key:
            who.append(ComplaintRow.name_key == name_key)
        if not who:
            return []
        handled_at = func.coalesce(ComplaintRow.answered_at, ComplaintRow.closed_at)
        rows = self.session.execute(
            select(ComplaintRow.reference, ComplaintRow.subject, ComplaintRow.facts_description, handled_at)
            .where(ComplaintRow.policy == policy_id, ComplaintRow.status.in_(statuses),
                   ComplaintRow.anonymised_at.is_(None), or_(*who))
            .order_by(ComplaintRow.id.desc())
        ).all()
        return [{"reference": r, "subject": s, "facts_description": d, "handled_at": at} for r, s, d, at in rows]

    def references_by_name_key(self, key: str | None) -> list[str]:
        """The complaints whose normalised name is `key`, in filing order."""
        return list(self.session.scalars(
            select(ComplaintRow.reference).where(ComplaintRow.name_key == key).order_by(ComplaintRow.id)
        ))

    def contacts(self, email: str | None, *, with_phone: bool) -> list[dict[str, Any]]:
        """{reference, email, phone} of the complaints whose e-mail is like `email`
        (case-insensitive) or, `with_phone`, that have a phone number; in filing order."""
        conditions = []
        if email:
            conditions.append(ComplaintRow.email.ilike(email))
        if with_phone:
            conditions.append(ComplaintRow.phone.is_not(None))
        rows = self.session.execute(
            select(ComplaintRow.reference, ComplaintRow.email, ComplaintRow.phone)
            .where(or_(*conditions)).order_by(ComplaintRow.id)
        ).all()
        return [{"reference": r, "email": e, "phone": p} for r, e, p in rows]

    def due_for_retention(
        self, policy_id: str, statuses: Collection[str], cutoff: datetime, *, from_receipt: bool
    ) -> list[dict[str, Any]]:
        """{reference, extra} of the complaints of `policy_id` in `statuses`, not anonymised,
        received (`from_receipt`) or closed (else last changed, when not closed) by `cutoff`;
        in filing order."""
        if from_receipt:
            due = and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at <= cutoff)
        else:
            due = or_(
                and_(ComplaintRow.status == "closed", ComplaintRow.closed_at <= cutoff),
                and_(ComplaintRow.status != "closed", ComplaintRow.updated_at <= cutoff),
            )
        rows = self.session.execute(
            select(ComplaintRow.reference, ComplaintRow.extra)
            .where(ComplaintRow.policy == policy_id, ComplaintRow.status.in_(statuses),
                   ComplaintRow.anonymised_at.is_(None), due)
            .order_by(ComplaintRow.id)
        ).all()
        return [{"reference": r, "extra": extra} for r, extra in rows]

    def without_event(self, action: str, *, created_since: datetime) -> list[str]:
        """The complaints stored since `created_since`, not anonymised, whose history has no
        `action` event; in filing order."""
        done = select(ComplaintEventRow.complaint_id).where(ComplaintEventRow.action == action)
        return list(self.session.scalars(
            select(ComplaintRow.reference)
            .where(ComplaintRow.created_at >= created_since, ComplaintRow.anonymised_at.is_(None),
                   ComplaintRow.id.not_in(done))
            .order_by(ComplaintRow.id)
        ))

    def due_between(self, field: str, statuses: Collection[str], lo: date, hi: date) -> list[tuple[str, str, date]]:
        """(reference, policy, due date) of the complaints in `statuses` whose `field` (`ack_due` or
        `answer_due`) falls in [lo, hi]; in filing order."""
        column = getattr(ComplaintRow, field)
        rows = self.session.execute(
            select(ComplaintRow.reference, ComplaintRow.policy, column)
            .where(ComplaintRow.status.in_(statuses), column.is_not(None), column >= lo, column <= hi)
            .order_by(ComplaintRow.id)
        ).all()
        return [(r, p, due) for r, p, due in rows]

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

    def append_history(self, complaint: Complaint) -> None:
        """Store the events added to the history since it was loaded, without counting them as a
        change of the file (`updated_at` kept): requests and notices about it, not changes to it."""
        self.row_for(complaint)
        self._append_events(complaint)

    def set_extra(self, complaint: Complaint, extra: dict[str, Any] | None) -> None:
        """Replace the extra data kept with a complaint (stored with the next `save`)."""
        self.row_for(complaint).extra = plain(extra) if extra else None

    def set_assignee(self, complaint: Complaint, assignee: str | None) -> None:
        """Give the complaint to a staff member, None: to nobody (stored with the next `save`)."""
        self.row_for(complaint).assigned_to = assignee

    def link_attachments(self, complaint: Complaint, ids: Iterable[str]) -> list[str]:
        """Attach the still unlinked documents `ids` to a complaint; returns the ids linked."""
        complaint_id = self.row_for(complaint).id
        wanted = [i for i in dict.fromkeys(ids) if i]
        if not wanted:
            return []
        rows = self.session.scalars(select(AttachmentRow).where(AttachmentRow.id.in_(wanted))).all()
        linked = []
        for row in rows:
            if row.complaint_id in (None, complaint_id):
                row.complaint_id = complaint_id
                linked.append(row.id)
        self.session.flush()
        return linked

    def anonymise(
        self, complaint: Complaint, event: Event, *, now: datetime, scrub_fields: Collection[str],
        bookkeeping_fields: Collection[str],
    ) -> list[str]:
        """Store a complaint whose personal fields the caller emptied: `bookkeeping_fields` of its
        row emptied too; in the stored history the values of `scrub_fields` and every note dropped,
        then `event` appended; its documents and e-mails deleted. Returns the stored paths of
        those documents that no other record uses (to delete once committed)."""
        row = self.row_for(complaint)
        self._append_events(complaint)
        for stored in self.session.scalars(select(ComplaintEventRow).where(ComplaintEventRow.complaint_id == row.id)):
            if stored.field in scrub_fields:
                stored.before = None
                stored.after = None
            stored.note = None
        for name in bookkeeping_fields:  # after the query above: the row is written once, by save()
            setattr(row, name, None)
        complaint.history = [
            dataclasses.replace(e, before=None, after=None, note=None) if e.field in scrub_fields
            else dataclasses.replace(e, note=None)
            for e in complaint.history
        ]
        complaint.history.append(event)
        self.save(complaint, now=now)
        paths = [a.stored_path for a in self._attachment_rows(row.id) if a.stored_path]
        self.session.execute(delete(AttachmentRow).where(AttachmentRow.complaint_id == row.id))
        self.session.execute(delete(OutboxRow).where(OutboxRow.complaint_id == row.id))
        self.session.flush()
        complaint.attachments = []
        # a document stored under its sha256 may be shared with another complaint: keep it then
        still_used = set(self.session.scalars(
            select(AttachmentRow.stored_path).where(AttachmentRow.stored_path.in_(paths))))
        return [p for p in paths if p not in still_used]

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
    """Documents uploaded during a conversation, before (and after) they are linked to a complaint."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, *, id: str, conversation_id: str | None, filename: str, media_type: str, size: int, sha256: str,
        stored_path: str, created_at: datetime,
    ) -> StoredAttachment:
        """Record a stored document, not linked to a complaint yet."""
        row = AttachmentRow(id=id, complaint_id=None, conversation_id=conversation_id, filename=filename,
                            media_type=media_type, size=size, sha256=sha256, stored_path=stored_path,
                            created_at=created_at)
        self.session.add(row)
        self.session.flush()
        return stored_attachment(row)

    def stored(self, attachment_id: str) -> tuple[StoredAttachment, str | None] | None:
        """A document and the reference of the complaint it is linked to (None: not linked yet)."""
        row = self.session.get(AttachmentRow, attachment_id)
        if row is None:
            return None
        reference = None
        if row.complaint_id is not None:
            reference = self.session.scalar(select(ComplaintRow.reference).where(ComplaintRow.id == row.complaint_id))
        return stored_attachment(row), reference

    def unlinked_of(self, conversation_id: str) -> list[StoredAttachment]:
        """The documents of a conversation not linked to a complaint yet, oldest first."""
        rows = self.session.scalars(
            select(AttachmentRow)
            .where(AttachmentRow.conversation_id == conversation_id, AttachmentRow.complaint_id.is_(None))
            .order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).all()
        return [stored_attachment(r) for r in rows]

    def delete_unlinked(self, *, before: datetime, conversations: list[str] | None = None) -> tuple[int, set[str]]:
        """Delete the records of documents never linked to a complaint, stored before `before` (or,
        with `conversations`, every unlinked one of those conversations). Returns how many, and the
        stored paths no remaining record uses."""
        which = (AttachmentRow.conversation_id.in_(conversations) if conversations is not None
                 else AttachmentRow.created_at < before)
        rows = self.session.scalars(select(AttachmentRow).where(AttachmentRow.complaint_id.is_(None), which)).all()
        paths = {r.stored_path for r in rows if r.stored_path}
        for row in rows:
            self.session.delete(row)
        self.session.flush()
        used = set(self.session.scalars(select(AttachmentRow.stored_path).where(AttachmentRow.stored_path.in_(paths))))
        return len(rows), paths - used


class OutboxRepository:
    """The e-mail outbox: written in the transaction of the change an e-mail reports, sent afterwards
    (`bot.services.outbox`). `add` is the one writer of outbox rows.

    States of a row: waiting (`sent_at` NULL, fewer than `max_attempts` refusals); being sent
    (`sent_at` set, `last_error` = the claim mark); sent (`sent_at` set, `last_error` NULL)."""

    def __init__(self, session: Session, complaints: ComplaintRepository | None = None) -> None:
        self.session = session
        self._complaints = complaints

    def add(
        self, to: str, subject: str, body: str, *, now: datetime, complaint: Complaint | None = None,
        complaint_id: int | None = None,
    ) -> int:
        """Queue an e-mail, about `complaint` (loaded through this unit of work) if given; returns
        its outbox id. `complaint_id`: the row id, for callers that still hold rows."""
        if complaint is not None:
            if self._complaints is None:
                raise LookupError("this outbox has no complaint repository")
            complaint_id = self._complaints.row_for(complaint).id
        row = OutboxRow(to=to, subject=subject, body=body, complaint_id=complaint_id, created_at=now, attempts=0)
        self.session.add(row)
        self.session.flush()
        return row.id

    @staticmethod
    def _waiting(max_attempts: int) -> ColumnElement[bool]:
        return and_(OutboxRow.sent_at.is_(None), OutboxRow.attempts < max_attempts)

    def waiting_ids(self, max_attempts: int, *, limit: int) -> list[int]:
        """The e-mails waiting to be sent, oldest first."""
        return list(self.session.scalars(
            select(OutboxRow.id).where(self._waiting(max_attempts)).order_by(OutboxRow.id).limit(limit)
        ))

    def count(self, *where: ColumnElement[bool]) -> int:
        return int(self.session.scalar(select(func.count()).select_from(OutboxRow).where(*where)) or 0)

    def count_waiting(self, max_attempts: int) -> int:
        return self.count(self._waiting(max_attempts))

    def overview(self, max_attempts: int, *, limit: int) -> dict[str, Any]:
        """{waiting, failed, sent} counts and `items`: the latest unsent e-mails (no bodies)."""
        rows = self.session.scalars(select(OutboxRow).where(OutboxRow.sent_at.is_(None))
                                    .order_by(OutboxRow.id.desc()).limit(limit)).all()
        return {
            "waiting": self.count_waiting(max_attempts),
            "failed": self.count(OutboxRow.sent_at.is_(None), OutboxRow.attempts >= max_attempts),
            "sent": self.count(OutboxRow.sent_at.is_not(None), OutboxRow.last_error.is_(None)),
            "items": [{"id": r.id, "to": r.to, "subject": r.subject, "created_at": r.created_at,
                       "attempts": r.attempts, "last_error": r.last_error} for r in rows],
        }

    def retry_failed(self, max_attempts: int) -> int:
        """Give the e-mails refused `max_attempts` times a new chance; returns how many."""
        result: Any = self.session.execute(
            update(OutboxRow).where(OutboxRow.sent_at.is_(None), OutboxRow.attempts >= max_attempts)
            .values(attempts=0)
        )
        return int(result.rowcount or 0)

    def release_stale_claims(self, mark: str, *, claimed_before: datetime, error: str) -> None:
        """Put back in the queue the e-mails claimed (`mark`) before `claimed_before` by a sender that died."""
        self.session.execute(
            update(OutboxRow).where(OutboxRow.last_error == mark, OutboxRow.sent_at < claimed_before)
            .values(sent_at=None, last_error=error)
        )

    def claim(self, outbox_id: int, mark: str, *, now: datetime, max_attempts: int) -> dict[str, Any] | None:
        """Take a waiting e-mail for this sender (atomic UPDATE … WHERE sent_at IS NULL):
        {id, to, subject, body, created_at}, or None when it is sent or taken."""
        taken = self.session.execute(
            update(OutboxRow).where(OutboxRow.id == outbox_id, self._waiting(max_attempts))
            .values(sent_at=now, last_error=mark).returning(OutboxRow.id)
        ).all()
        if not taken:
            return None
        row = self.session.get(OutboxRow, outbox_id)
        assert row is not None
        return {"id": row.id, "to": row.to, "subject": row.subject, "body": row.body, "created_at": row.created_at}

    def release(self, outbox_id: int, error: str, *, counts: bool) -> None:
        """A claimed e-mail not sent: waiting again with its error, an attempt counted if `counts`."""
        values: dict[str, Any] = {"sent_at": None, "last_error": error}
        if counts:
            values["attempts"] = OutboxRow.attempts + 1
        self.session.execute(update(OutboxRow).where(OutboxRow.id == outbox_id).values(**values))

    def mark_sent(self, outbox_id: int, *, now: datetime) -> None:
        self.session.execute(update(OutboxRow).where(OutboxRow.id == outbox_id)
                             .values(sent_at=now, last_error=None, attempts=OutboxRow.attempts + 1))

    def note_error(self, ids: list[int], error: str) -> None:
        """Note `error` on those of these e-mails still waiting (an outage: no attempt counted)."""
        self.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.sent_at.is_(None))
                             .values(last_error=error))


class StaffRepository:
    """Staff accounts and their API tokens (only a token's SHA-256 is stored)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _account(user: StaffUserRow) -> StaffAccount:
        return StaffAccount(email=user.email, role=user.role, active=user.active, can_answer=bool(user.can_answer),
                            created_at=user.created_at, password_hash=user.password_hash)

    def _user(self, email: str) -> StaffUserRow | None:
        return self.session.scalars(select(StaffUserRow).where(StaffUserRow.email == email)).one_or_none()

    def get(self, email: str) -> StaffAccount | None:
        user = self._user(email)
        return self._account(user) if user is not None else None

    def all(self) -> list[StaffAccount]:
        """Every account, by e-mail."""
        return [self._account(u) for u in self.session.scalars(select(StaffUserRow).order_by(StaffUserRow.email))]

    def upsert(
        self, email: str, role: str, *, now: datetime, password_hash: str | None = None, can_answer: bool | None = None
    ) -> tuple[StaffAccount, bool]:
        """Create the account (created `now`) or update it: its role, active again, the right to
        answer unless None, the password hash unless None. Returns it and whether it was created."""
        user = self._user(email)
        created = user is None
        if user is None:
            user = StaffUserRow(email=email, role=role, created_at=now, active=True)
            self.session.add(user)
        user.role = role
        user.active = True
        if can_answer is not None:
            user.can_answer = can_answer
        if password_hash:
            user.password_hash = password_hash
        self.session.flush()
        return self._account(user), created

    def deactivate(self, email: str) -> StaffAccount | None:
        """Switch an account off and revoke its tokens; None when there is no such account."""
        user = self._user(email)
        if user is None:
            return None
        user.active = False
        self._revoke(user)
        return self._account(user)

    def add_token(self, email: str, token_hash: str, *, now: datetime) -> None:
        """A new token (its hash) for an existing account."""
        user = self._user(email)
        if user is None:
            raise LookupError(f"no staff account {email!r}")
        self.session.add(ApiTokenRow(token_hash=token_hash, user_id=user.id, created_at=now, revoked=False))
        self.session.flush()

    def revoke_tokens(self, email: str) -> int | None:
        """Revoke every token of an account; returns how many were active (None: no such account)."""
        user = self._user(email)
        return self._revoke(user) if user is not None else None

    def _revoke(self, user: StaffUserRow) -> int:
        count = 0
        for token in self.session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == user.id)):
            count += not token.revoked
            token.revoked = True
        return count

    def by_token(self, token_hash: str) -> StaffAccount | None:
        """The active account owning this unrevoked token, or None."""
        user = self.session.scalars(
            select(StaffUserRow).join(ApiTokenRow, ApiTokenRow.user_id == StaffUserRow.id)
            .where(ApiTokenRow.token_hash == token_hash, ApiTokenRow.revoked.is_(False), StaffUserRow.active.is_(True))
        ).one_or_none()
        return self._account(user) if user is not None else None


class HandoverRepository:
    """Requests to talk to a person, for the dashboard (plain dicts out)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, policy_id: str, channel: str, conversation: str, now: datetime) -> int:
        row = HandoverRequestRow(policy_id=policy_id, channel=channel, conversation=conversation[:255],
                                 requested_at=now)
        self.session.add(row)
        self.session.flush()
        return int(row.id)

    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        """The open requests first (oldest first), then the latest handled ones."""
        stmt = (select(HandoverRequestRow)
                .order_by(HandoverRequestRow.handled_at.is_not(None), HandoverRequestRow.requested_at)
                .limit(limit))
        return [{"id": r.id, "policy_id": r.policy_id, "channel": r.channel, "conversation": r.conversation,
                 "requested_at": r.requested_at, "handled_at": r.handled_at, "handled_by": r.handled_by,
                 "contact": r.contact} for r in self.session.scalars(stmt)]

    def set_contact(self, conversation: str, contact: str) -> bool:
        """The contact left after the latest open request of this conversation; True when one was open."""
        row = self.session.scalars(
            select(HandoverRequestRow).where(HandoverRequestRow.conversation == conversation[:255],
                                             HandoverRequestRow.handled_at.is_(None))
            .order_by(HandoverRequestRow.requested_at.desc()).limit(1)).first()
        if row is None:
            return False
        row.contact = contact[:320]
        return True

    def delete_by_contact(self, contacts: Collection[str]) -> int:
        """Forget the requests whose contact is one of these (a person's erasure)."""
        if not contacts:
            return 0
        result: Any = self.session.execute(
            delete(HandoverRequestRow).where(HandoverRequestRow.contact.in_(list(contacts))))
        return int(result.rowcount or 0)

    def count_open(self) -> int:
        stmt = select(func.count()).select_from(HandoverRequestRow).where(HandoverRequestRow.handled_at.is_(None))
        return int(self.session.scalar(stmt) or 0)

    def mark_handled(self, request_id: int, by: str, now: datetime) -> bool:
        """True when the request was open and is now handled."""
        result: Any = self.session.execute(
            update(HandoverRequestRow).where(HandoverRequestRow.id == request_id, HandoverRequestRow.handled_at.is_(None))
            .values(handled_at=now, handled_by=by))
        return bool(result.rowcount)

    def delete(self, *, before: datetime | None = None, conversations: Collection[str] = ()) -> int:
        """Forget the requests made before `before`, or those of these conversations."""
        if before is not None:
            where = HandoverRequestRow.requested_at < before
        elif conversations:
            where = HandoverRequestRow.conversation.in_(list(conversations))
        else:
            return 0
        result: Any = self.session.execute(delete(HandoverRequestRow).where(where))
        return int(result.rowcount or 0)
