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
from typing import Any

from bot.domain.complaint import OPEN_STATUSES, Complaint, Event
from bot.services._records import record_of, require_aware
from bot.services.errors import InvalidInput, NotFound
from bot.services.references import normalise_reference
from bot.services.retention import (
    anonymise,
    delete_files,
    erase_conversations,
    forget_handovers,
    legal_hold_of,
    prune_unlinked_attachments,
    sender_of,
)
from bot.services.status import same_phone
from bot.services.uow import Registry, UnitOfWork
from bot.storage.repository import name_key

log = logging.getLogger(__name__)
ERASURE_NOTE = "Données personnelles effacées à la demande de la personne."
_OPEN = {s.value for s in OPEN_STATUSES}


def _person_complaints(
    uow: UnitOfWork, email: str | None, phone: str | None, last_name: str | None, first_name: str | None
) -> list[Complaint]:
    """The person's complaints, in filing order: by e-mail or phone, else by last and first name."""
    email = (email or "").strip().casefold() or None
    phone = (phone or "").strip() or None
    if not email and not phone:
        if not (last_name or "").strip() or not (first_name or "").strip():
            raise InvalidInput("Indiquez l'e-mail ou le téléphone de la personne, ou à défaut son nom et son "
                               "prénom.", "person_missing")
        references = uow.complaints.references_by_name_key(name_key(last_name, first_name))
    else:
        references = [
            c["reference"] for c in uow.complaints.contacts(email, with_phone=bool(phone))
            if (email and (c["email"] or "").casefold() == email) or (phone and c["phone"] and same_phone(phone, c["phone"]))
        ]
    found = [uow.complaints.get(reference) for reference in references]
    return [c for c in found if c is not None]


def _note(uow: UnitOfWork, complaint: Complaint, now: datetime, actor: str, action: str, note: str) -> None:
    """A request recorded in the complaint's history (not a change of the file)."""
    complaint.history.append(Event(at=now, actor=actor, action=action, note=note))
    uow.complaints.append_history(complaint)


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
        records = []
        for complaint in _person_complaints(uow, email, phone, last_name, first_name):
            records.append(record_of(uow, complaint))
            _note(uow, complaint, now, actor, "access_request", "Données communiquées à la personne (demande d'accès).")
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
    with registry.unit_of_work(read_only=dry_run) as uow:
        complaints = _person_complaints(uow, email, phone, last_name, first_name)
        erased, kept, files, senders = _erase(uow, complaints, now, actor=actor, dry_run=dry_run)
        if not dry_run:
            uow.commit()
    delete_files(files, lambda _path, exc: log.warning("erasure: could not delete a stored document: %s",
                                                       type(exc).__name__))
    if not dry_run and senders:
        _erase_conversations_of(registry, senders, now)
    if not dry_run and (email or phone):  # a contact left after "parler à quelqu'un", without a complaint
        with registry.unit_of_work() as uow:
            uow.handovers.delete_by_contact([c.strip() for c in (email, phone) if c and c.strip()])
            uow.commit()
    return {"erased": erased, "kept": kept, "dry_run": dry_run}


def _erase(
    uow: UnitOfWork, complaints: list[Complaint], now: datetime, *, actor: str, dry_run: bool
) -> tuple[list[str], list[dict[str, str]], list[str], list[str]]:
    """Anonymise those of the complaints nothing holds back (unless `dry_run`) and note the request
    in the others. Returns the references erased, those kept with why, the stored documents to
    delete and the conversations (sender ids) of the erased ones."""
    erased: list[str] = []
    kept: list[dict[str, str]] = []
    files: list[str] = []
    senders: list[str] = []
    held: list[Complaint] = []
    for complaint in complaints:
        bookkeeping = uow.complaints.bookkeeping(complaint)
        reason = _kept_because(complaint, legal_hold_of(bookkeeping.extra))
        if reason is not None:
            kept.append({"reference": complaint.reference or "", "reason": reason})
            held.append(complaint)
            continue
        erased.append(complaint.reference or "")
        sender = sender_of(bookkeeping.intake_key)
        if sender:
            senders.append(sender)
        if not dry_run:
            files += anonymise(uow, complaint, now, actor=actor, note=ERASURE_NOTE)
    if not dry_run:
        for complaint in held:
            _note(uow, complaint, now, actor, "erasure_request",
                  "Demande d'effacement reçue ; dossier conservé (voir le motif).")
    return erased, kept, files, senders


def _kept_because(complaint: Complaint, hold: dict[str, Any] | None) -> str | None:
    """Why an erasure request leaves this complaint as it is (None: it is erased)."""
    if complaint.anonymised_at is not None:
        return "déjà anonymisé"
    if complaint.status in _OPEN:
        return "dossier en cours de traitement : retirez-le ou clôturez-le d'abord"
    if hold is not None:
        return f"conservation légale : {hold.get('reason')}"
    return None


def forget_conversation(registry: Registry, sender: str, *, now: datetime) -> None:
    """"annuler" (or the privacy notice declined): the engine's events of this conversation and
    its documents never linked to a complaint are erased at once, not at the idle purge. Called
    by the relay once the engine has answered (and saved the conversation)."""
    require_aware("now", now)
    _erase_conversations_of(registry, [sender], now)


def _erase_conversations_of(registry: Registry, senders: list[str], now: datetime) -> None:
    """The person's conversations too: the engine's tracker store and documents never linked."""
    prune_unlinked_attachments(registry, before=now, conversations=senders)
    forget_handovers(registry, conversations=senders)
    if registry.settings is not None:
        events = erase_conversations(registry.settings, senders)
        log.info("erasure: %d conversation event(s) erased from the engine's store", events)


def set_legal_hold(
    registry: Registry, reference: str, reason: str | None, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Put a file under a legal hold (`reason`) or lift it (None): while held, neither the
    retention period nor an erasure request erases it. Recorded in the history."""
    require_aware("now", now)
    reason = (reason or "").strip() or None
    with registry.unit_of_work() as uow:
        normalised = normalise_reference(reference)
        complaint = uow.complaints.get(normalised, for_update=True) if normalised else None
        if complaint is None:
            raise NotFound(f"Aucun dossier « {reference} ».")
        if complaint.anonymised_at is not None:
            raise InvalidInput("Ce dossier est déjà anonymisé.", "read_only")
        extra = dict(uow.complaints.bookkeeping(complaint).extra or {})
        before = legal_hold_of(extra)
        if reason:
            extra["legal_hold"] = {"reason": reason, "by": actor, "at": now.astimezone(UTC).isoformat()}
        else:
            extra.pop("legal_hold", None)
        uow.complaints.set_extra(complaint, extra or None)
        complaint.history.append(Event(
            at=now, actor=actor, action="legal_hold", field="legal_hold",
            before=before is not None, after=reason is not None,
            note=f"Conservation légale : {reason}" if reason else "Conservation légale levée.",
        ))
        uow.complaints.save(complaint, now=now)
        uow.commit()
        return {"reference": complaint.reference, "legal_hold": extra.get("legal_hold")}
