"""Documents uploaded during a conversation, before the complaint exists (linked at filing)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.services._records import attachment_dict, require_aware
from bot.services.uow import Registry
from bot.storage.models import AttachmentRow


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
        row = uow.attachments.add(AttachmentRow(
            id=attachment_id or uuid.uuid4().hex, complaint_id=None, conversation_id=conversation_id,
            filename=filename[:255], media_type=media_type, size=int(size), sha256=sha256,
            stored_path=stored_path, created_at=now,
        ))
        result = attachment_dict(row)
        uow.commit()
    return result


def conversation_attachments(registry: Registry, conversation_id: str) -> list[dict[str, Any]]:
    """The documents of a conversation not yet linked to a complaint, oldest first."""
    with registry.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(
            select(AttachmentRow)
            .where(AttachmentRow.conversation_id == conversation_id, AttachmentRow.complaint_id.is_(None))
            .order_by(AttachmentRow.created_at, AttachmentRow.id)
        ).all()
        return [attachment_dict(r) for r in rows]


def attachment_file(registry: Registry, attachment_id: str) -> dict[str, Any] | None:
    """Where a document is stored (for download by staff): attachment dict + stored_path + reference."""
    from bot.storage.models import ComplaintRow

    with registry.unit_of_work(read_only=True) as uow:
        row = uow.attachments.get(attachment_id)
        if row is None:
            return None
        reference = None
        if row.complaint_id is not None:
            reference = uow.session.scalar(select(ComplaintRow.reference).where(ComplaintRow.id == row.complaint_id))
        return attachment_dict(row) | {"stored_path": row.stored_path, "reference": reference}
