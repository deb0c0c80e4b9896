"""A person's data-protection requests handled by staff: access (every complaint of theirs,
whole, in one export) and erasure (their personal data erased, as at the end of the retention
period, wherever no legal hold applies); and the legal hold itself.

A person is identified by e-mail or phone; by last and first name only when neither is
known (homonyms exist: the result is for staff to check). What holds a file back from
erasure: it is still being handled (an open status: withdraw or close it first), or staff set
a legal hold on it (a dispute, a court case...). Each request is recorded in the history of
the complaints concerned (who, when), without the person's data.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.domain.complaint import OPEN_STATUSES
from bot.services._records import complaint_record, require_aware
from bot.services.errors import InvalidInput, NotFound
from bot.services.references import normalise_reference
from bot.services.retention import (
    _anonymise,
    erase_conversations,
    legal_hold_of,
    prune_unlinked_attachments,
    sender_of,
)
from bot.services.status import same_phone
from bot.services.uow import Registry
from bot.storage.models import ComplaintEventRow, ComplaintRow
from bot.storage.repository import name_key

log = logging.getLogger(__name__)
ERASURE_NOTE = "Données personnelles effacées à la demande de la personne."
_OPEN = {s.value for s in OPEN_STATUSES}


def _person_rows(
    session: Session, email: str | None, phone: str | None, last_name: str | None, first_name: str | None
) -> list[ComplaintRow]:
    email = (email or "").strip().casefold() or None
    phone = (phone or "").strip() or None
    if not email and not phone:
        if not (last_name or "").strip() or not (first_name or "").strip():
            raise InvalidInput("Indiquez l'e-mail ou le téléphone de la personne, ou à défaut son nom et son "
                               "prénom.", "person_missing")
        key = name_key(last_name, first_name)
        return list(session.scalars(select(ComplaintRow).where(ComplaintRow.name_key == key)
                                    .order_by(ComplaintRow.id)))
    conditions = []
    if email:
        conditions.append(ComplaintRow.email.ilike(email))
    if phone:
        conditions.append(ComplaintRow.phone.is_not(None))
    rows = session.scalars(select(ComplaintRow).where(or_(*conditions)).order_by(ComplaintRow.id)).all()
    return [r for r in rows
            if (email and (r.email or "").casefold() == email) or (phone and r.phone and same_phone(phone, r.phone))]


def _note(session: Session, row: ComplaintRow, now: datetime, actor: str, action: str, note: str) -> None:
    session.add(ComplaintEventRow(complaint_id=row.id, at=now, actor=actor, action=action, note=note))


def person_data(
    registry: Registry,
    *,
    email: str | None = None,
    phone: str | None = None,
    last_name: str | None = None,
    first_name: str | None = None,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Access request: every complaint of the person, whole (with history and attachments'
    descriptions). The request is recorded in each complaint's history."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        rows = _person_rows(uow.session, email, phone, last_name, first_name)
        records = []
        for row in rows:
            complaint = uow.complaints.get(row.reference)
            assert complaint is not None
            records.append(complaint_record(complaint, row, list(uow.attachments.for_complaint(row.id))))
            _note(uow.session, row, now, actor, "access_request", "Données communiquées à la personne (demande d'accès).")
        uow.commit()
    return {
        "generated_at": now.astimezone(UTC).isoformat(),
        "generated_by": actor,
        "count": len(records),
        "complaints": records,
        "note": "Les statistiques anonymes (comptages sans donnée personnelle) ne sont pas liées à une personne.",
    }


def erase_person(
    registry: Registry,
    *,
    email: str | None = None,
    phone: str | None = None,
    last_name: str | None = None,
    first_name: str | None = None,
    actor: str,
    now: datetime,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Erasure request: erase the personal data of each of the person's complaints where no
    legal hold applies, with the conversations they were made in (the engine's tracker store,
    documents never linked). Returns {erased: [references], kept: [{reference, reason}], dry_run}."""
    require_aware("now", now)
    erased: list[str] = []
    kept: list[dict[str, str]] = []
    files: list[str] = []
    senders: list[str] = []
    with registry.unit_of_work(read_only=dry_run) as uow:
        for row in _person_rows(uow.session, email, phone, last_name, first_name):
            hold = legal_hold_of(row)
            if row.anonymised_at is not None:
                kept.append({"reference": row.reference, "reason": "déjà anonymisé"})
            elif row.status in _OPEN:
                kept.append({"reference": row.reference,
                             "reason": "dossier en cours de traitement : retirez-le ou clôturez-le d'abord"})
            elif hold is not None:
                kept.append({"reference": row.reference, "reason": f"conservation légale : {hold.get('reason')}"})
            else:
                erased.append(row.reference)
                if sender_of(row.intake_key):
                    senders.append(sender_of(row.intake_key))  # type: ignore[arg-type]
                if not dry_run:
                    files += _anonymise(uow.session, row, now, actor=actor, note=ERASURE_NOTE)
        if not dry_run:
            for row in _person_rows_by_refs(uow.session, [k["reference"] for k in kept]):
                _note(uow.session, row, now, actor, "erasure_request",
                      "Demande d'effacement reçue ; dossier conservé (voir le motif).")
            uow.commit()
    for path in files:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("erasure: could not delete a stored document: %s", type(exc).__name__)
    if not dry_run and senders:
        # their conversations too: the engine's tracker store and documents never linked
        prune_unlinked_attachments(registry, before=now, conversations=senders)
        if registry.settings is not None:
            events = erase_conversations(registry.settings, senders)
            log.info("erasure: %d conversation event(s) erased from the engine's store", events)
    return {"erased": erased, "kept": kept, "dry_run": dry_run}


def _person_rows_by_refs(session: Session, references: list[str]) -> list[ComplaintRow]:
    if not references:
        return []
    return list(session.scalars(select(ComplaintRow).where(ComplaintRow.reference.in_(references))))


def set_legal_hold(
    registry: Registry, reference: str, reason: str | None, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Put a file under a legal hold (`reason`) or lift it (None): while held, neither the
    retention period nor an erasure request erases it. Recorded in the history."""
    require_aware("now", now)
    reason = (reason or "").strip() or None
    with registry.unit_of_work() as uow:
        normalised = normalise_reference(reference)
        row = uow.session.scalars(
            select(ComplaintRow).where(ComplaintRow.reference == (normalised or "")).with_for_update()
        ).one_or_none()
        if row is None:
            raise NotFound(f"Aucun dossier « {reference} ».")
        if row.anonymised_at is not None:
            raise InvalidInput("Ce dossier est déjà anonymisé.", "read_only")
        before = legal_hold_of(row)
        extra = dict(row.extra or {})
        if reason:
            extra["legal_hold"] = {"reason": reason, "by": actor, "at": now.astimezone(UTC).isoformat()}
        else:
            extra.pop("legal_hold", None)
        row.extra = extra or None
        row.updated_at = now
        uow.session.add(ComplaintEventRow(
            complaint_id=row.id, at=now, actor=actor, action="legal_hold", field="legal_hold",
            before=before is not None, after=reason is not None,
            note=f"Conservation légale : {reason}" if reason else "Conservation légale levée.",
        ))
        uow.commit()
        return {"reference": row.reference, "legal_hold": extra.get("legal_hold")}
