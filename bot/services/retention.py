"""Retention: at the end of a preset's retention period the personal data of finished
complaints are erased (`anonymised_at` set); the statistics columns stay."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, or_, select

from bot.domain.policy import Policy
from bot.services._records import require_aware
from bot.services.uow import Registry
from bot.storage.models import AttachmentRow, ComplaintEventRow, ComplaintRow, OutboxRow

log = logging.getLogger(__name__)

ACTOR = "retention"
RETENTION_NOTE = "Données personnelles effacées au terme du délai de conservation."
# finished files: closed ones from their closing; refused and withdrawn ones from their last change
FINISHED = ("closed", "inadmissible", "withdrawn")
# personal data erased (the name, contacts, free texts that may name people, the transcript)
PERSONAL_FIELDS = (
    "last_name", "first_name", "address", "email", "phone", "file_reference", "facts_description",
    "facts_place", "persons_contacted", "objective", "other_parties", "persons_targeted", "answer_text",
    "subject",
)
PERSONAL_ROW_FIELDS = ("name_key", "intake_key", "transcript", "extra")
# kept for statistics: policy, channel, status, dates and deadlines, decision, reason codes,
# outcome, acting_for, service_concerned, dysfunctions, corrective actions, the history's shape


def apply_retention(
    registry: Registry, policies: dict[str, Policy], *, now: datetime, dry_run: bool
) -> list[str]:
    """Erase the personal data of finished complaints past their preset's retention period
    (`retention.years` from the closing, or from receipt when `from_event` is "receipt").
    A file under a legal hold (`legal_hold_of`) is kept as it is.
    Returns the references concerned; with `dry_run` nothing is changed."""
    require_aware("now", now)
    done: list[str] = []
    files: list[str] = []
    with registry.unit_of_work(read_only=dry_run) as uow:
        session = uow.session
        for policy_id, policy in sorted(policies.items()):
            years = policy.retention.years
            if not years:
                continue
            cutoff = _years_before(now, years)
            if policy.retention.from_event == "receipt":
                due = and_(ComplaintRow.received_at.is_not(None), ComplaintRow.received_at <= cutoff)
            else:
                due = or_(
                    and_(ComplaintRow.status == "closed", ComplaintRow.closed_at <= cutoff),
                    and_(ComplaintRow.status != "closed", ComplaintRow.updated_at <= cutoff),
                )
            rows = session.scalars(
                select(ComplaintRow)
                .where(ComplaintRow.policy == policy_id, ComplaintRow.status.in_(FINISHED),
                       ComplaintRow.anonymised_at.is_(None), due)
                .order_by(ComplaintRow.id)
            ).all()
            for row in rows:
                if legal_hold_of(row) is not None:
                    continue
                done.append(row.reference)
                if not dry_run:
                    files += _anonymise(session, row, now)
        if not dry_run:
            uow.commit()
    for path in files:  # after the commit: a rollback must not lose the documents
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("retention: could not delete %s: %s", path, exc)
    return done


def legal_hold_of(row: ComplaintRow) -> dict[str, Any] | None:
    """The legal hold set by staff on a file ({reason, by, at}), or None."""
    hold = (row.extra or {}).get("legal_hold")
    return hold if isinstance(hold, dict) else None


def _anonymise(
    session: Any, row: ComplaintRow, now: datetime, *, actor: str = ACTOR, note: str = RETENTION_NOTE
) -> list[str]:
    for name in PERSONAL_FIELDS + PERSONAL_ROW_FIELDS:
        setattr(row, name, None)
    row.updates = [{"at": u.get("at"), "by": u.get("by")} for u in (row.updates or [])]
    row.anonymised_at = now
    row.updated_at = now
    # history: keep who/when/what, drop the values of personal fields and free notes
    for event in session.scalars(select(ComplaintEventRow).where(ComplaintEventRow.complaint_id == row.id)):
        if event.field in PERSONAL_FIELDS or event.field in ("updates", "attachments"):
            event.before = None
            event.after = None
        event.note = None
    session.add(ComplaintEventRow(
        complaint_id=row.id, at=now, actor=actor, action="anonymised", field=None, note=note,
    ))
    attachments = session.scalars(select(AttachmentRow).where(AttachmentRow.complaint_id == row.id)).all()
    paths = [a.stored_path for a in attachments if a.stored_path]
    session.execute(delete(AttachmentRow).where(AttachmentRow.complaint_id == row.id))
    session.execute(delete(OutboxRow).where(OutboxRow.complaint_id == row.id))
    session.flush()
    # a document stored under its sha256 may be shared with another complaint: keep it then
    still_used = set(session.scalars(select(AttachmentRow.stored_path).where(AttachmentRow.stored_path.in_(paths))))
    return [p for p in paths if p not in still_used]


def _years_before(moment: datetime, years: int) -> datetime:
    moment = moment.astimezone(UTC)
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)

