"""The e-mails of the registry: what the complainant receives (acknowledgement, answer, refusal,
progress message) and the notices to staff (each new complaint, deadlines within two working
days). Texts are composed here from the preset (`after_filing`, deadlines, decision notice,
mediator route); they are queued in the outbox in the transaction of the change they report
and sent by `bot.services.outbox`.

Staff notices name no complainant: a reference, a status, dates and a link are enough.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.complaint import Complaint, Event
from bot.domain.dates import format_date_fr
from bot.domain.deadlines import is_due_soon, local_date, working_days_until
from bot.domain.policy import Policy
from bot.services._records import ACK_PENDING, ANSWER_PENDING, require_aware
from bot.services.labels import CHANNEL_LABELS, OUTCOME_LABELS, REASON_LABELS, STATUS_LABELS, label
from bot.services.uow import Registry, UnitOfWork

SYSTEM_ACTOR = "système"
NEW_COMPLAINT_WINDOW = timedelta(days=7)  # older complaints are not announced (e.g. a first start)
DEADLINE_WORKING_DAYS = 2
OVERDUE_NOTICE_DAYS = 7  # a deadline missed while no worker ran is still announced this long
REFUSED_OUTCOMES = ("rejected", "partially_upheld")

Mail = tuple[str, str]  # (subject, body)


# ---------------------------------------------------------------------------------- texts


def _fr(d: date | None) -> str:
    return format_date_fr(d) if d else "—"


def _received_date(c: Any, policy: Policy) -> date | None:
    return local_date(c.received_at, policy.timezone) if c.received_at else None


def _greeting(c: Any) -> str:
    name = " ".join(p for p in (c.first_name, c.last_name) if p)
    return f"Bonjour {name}," if name else "Bonjour,"


def _signature(policy: Policy) -> str:
    org = policy.organisation
    lines = ["Cordialement,", "", org.service or org.name]
    if org.service:
        lines.append(org.name)
    return "\n".join(lines)


def _deadline_lines(c: Any, policy: Policy) -> list[str]:
    lines = []
    if c.ack_due is None and policy.acknowledgement.amount is None:
        lines.append(f"• Accusé de réception : {policy.acknowledgement.text}.")
    answer = f"• Réponse : au plus tard le {_fr(c.answer_due)}" if c.answer_due else "• Réponse"
    lines.append(f"{answer} ({policy.answer.text}).")
    return lines


def acknowledgement_email(c: Any, policy: Policy) -> Mail:
    """The acknowledgement: the reference, the date of receipt, the answer deadline, what
    happens next (the preset's `after_filing`) and, where the preset has one and the complaint
    is about a decision, the decision notice (Solidaris)."""
    from bot.domain.admissibility import decision_notice_for

    subject = f"Accusé de réception de votre réclamation {c.reference}"
    parts = [
        _greeting(c),
        f"Nous avons bien reçu votre réclamation le {_fr(_received_date(c, policy))}. "
        f"Elle est enregistrée sous la référence {c.reference} ; merci de la rappeler dans vos échanges avec nous.",
        "\n".join(["Délais :", *_deadline_lines(c, policy)]),
        f"La suite : {' '.join(policy.after_filing.split())}",
    ]
    notice = decision_notice_for(c, policy)
    if notice:
        parts.append(notice)
    parts.append(_signature(policy))
    return subject, "\n\n".join(parts) + "\n"


def answer_email(c: Any, policy: Policy, route: str | None = None) -> Mail:
    """The answer to the complainant; with the mediator or appeal route when the outcome is a
    total or partial rejection (`route`, else the preset's)."""
    from bot.domain.admissibility import mediator_text

    subject = f"Réponse à votre réclamation {c.reference}"
    parts = [
        _greeting(c),
        f"Voici notre réponse à votre réclamation {c.reference}, reçue le {_fr(_received_date(c, policy))}.",
        (c.answer_text or "").strip(),
        f"Conclusion : votre réclamation est jugée {label(OUTCOME_LABELS, c.outcome)}.",
    ]
    if c.outcome in REFUSED_OUTCOMES:
        route = route or c.mediator or mediator_text(policy)
        if route:
            parts.append("Si cette réponse ne vous satisfait pas, voici la voie de recours qui vous est ouverte :\n\n"
                         + route)
    parts.append(_signature(policy))
    return subject, "\n\n".join(p for p in parts if p) + "\n"


def inadmissible_email(c: Any, policy: Policy, reason_code: str, route: str | None) -> Mail:
    """The refusal decided by staff: the reason (the preset's own explanation) and the route."""
    exclusion = policy.exclusion(reason_code)
    reason = " ".join(exclusion.explanation.split()) if exclusion else label(REASON_LABELS, reason_code)
    subject = f"Votre réclamation {c.reference}"
    parts = [
        _greeting(c),
        f"Après examen, votre réclamation {c.reference} ne peut pas être traitée dans le cadre de notre "
        f"procédure de réclamation. Motif : {reason}",
    ]
    if route:
        parts.append(route)
    parts.append(_signature(policy))
    return subject, "\n\n".join(parts) + "\n"


def update_email(c: Any, policy: Policy, text: str) -> Mail:
    """A progress or delay message written by staff."""
    subject = f"Suivi de votre réclamation {c.reference}"
    parts = [_greeting(c), f"Voici des nouvelles de votre réclamation {c.reference} :", text.strip()]
    if c.answer_due:
        parts.append(f"Pour rappel, la réponse est attendue au plus tard le {_fr(c.answer_due)}.")
    parts.append(_signature(policy))
    return subject, "\n\n".join(parts) + "\n"


def _staff_url(base_url: str | None, path: str) -> str | None:
    """A dashboard page's address, when the service's public address is known."""
    return f"{base_url.rstrip('/')}/staff/{path}" if base_url else None


def _link(base_url: str | None, reference: str) -> str | None:
    return _staff_url(base_url, f"complaints/{reference}")


def staff_new_complaint_email(row: Any, policy: Policy, base_url: str | None = None) -> Mail:
    """The notice of a new complaint (`row`: the Complaint) to staff."""
    subject = f"Nouvelle réclamation {row.reference} ({label(CHANNEL_LABELS, row.channel)})"
    lines = [
        f"Une nouvelle réclamation est enregistrée : {row.reference} ({policy.organisation.name}).",
        "",
        f"Statut : {label(STATUS_LABELS, row.status)}",
        f"Canal : {label(CHANNEL_LABELS, row.channel)}",
        f"Reçue le : {_fr(_received_date(row, policy))}",
        f"Accusé de réception dû le : {_fr(row.ack_due)}",
        f"Réponse due le : {_fr(row.answer_due)}",
    ]
    if row.subject:
        lines.append(f"Objet : {row.subject}")
    if row.service_concerned:
        lines.append(f"Service concerné : {row.service_concerned}")
    if row.suggested_reason_code:
        lines.append(f"À examiner : motif possible « {label(REASON_LABELS, row.suggested_reason_code)} »")
    if row.status == "inadmissible":
        lines.append(f"Refusée dans la conversation : {label(REASON_LABELS, row.decision)}")
    link = _link(base_url, row.reference)
    if link:
        lines += ["", f"Dossier : {link}"]
    return subject, "\n".join(lines) + "\n"


def staff_deadline_email(
    row: Any, policy: Policy, field: str, due: date, today: date, base_url: str | None = None, *,
    assigned_to: str | None = None,
) -> Mail:
    """The notice to staff of a deadline (`field`: "ack_due" or "answer_due") close or missed
    (`row`: the Complaint, `assigned_to`: who has it)."""
    what = "l'accusé de réception" if field == "ack_due" else "la réponse"
    left = working_days_until(today, due, policy.country)
    if due < today:
        when = f"était dû le {_fr(due)} (dépassé)"
    elif left == 0:
        when = f"est dû aujourd'hui, {_fr(due)}"
    else:
        when = f"est dû le {_fr(due)} (dans {left} jour(s) ouvré(s))"
    subject = f"Échéance : {what} du dossier {row.reference}"
    lines = [
        f"Dossier {row.reference} ({label(STATUS_LABELS, row.status)}) : {what} {when}.",
    ]
    if field == "answer_due":
        updates = row.updates or []
        lines.append("Aucun message de suivi n'a été envoyé au plaignant." if not updates
                     else f"Dernier message de suivi : {str(updates[-1].get('at', ''))[:10]}.")
    if assigned_to:
        lines.append(f"Attribué à : {assigned_to}")
    link = _link(base_url, row.reference)
    if link:
        lines += ["", f"Dossier : {link}"]
    return subject, "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- queueing


def staff_recipients(staff_email: str | None, *extra: str | None) -> list[str]:
    """STAFF_NOTIFY_EMAIL (comma-separated addresses allowed) plus `extra`, without repeats."""
    found: list[str] = []
    for chunk in (staff_email or "").split(",") + list(extra):
        address = (chunk or "").strip().lower()
        if address and "@" in address and address not in found:
            found.append(address)
    return found


def queue_staff_notices(
    registry: Registry, *, staff_email: str | None, now: datetime, base_url: str | None = None
) -> dict[str, int]:
    """Queue, once each, a notice to staff for every complaint stored in the last seven days
    and for every acknowledgement or answer due within two working days (or missed in the last
    week). Each notice is recorded in the complaint's history (`staff_notified`,
    `deadline_notice`), which is also what makes it once. Returns the counts queued."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        counts = {
            "new_complaints": _announce_new(uow, staff_email, now, base_url) if staff_recipients(staff_email) else 0,
            "deadlines": _announce_deadlines(uow, staff_email, now, base_url),
        }
        uow.commit()
    return counts


def _announce_new(uow: UnitOfWork, staff_email: str | None, now: datetime, base_url: str | None) -> int:
    count = 0
    for reference in uow.complaints.without_event("staff_notified", created_since=now - NEW_COMPLAINT_WINDOW):
        complaint, policy = _locked(uow, reference)
        if complaint is None or policy is None or _has_event(complaint, "staff_notified"):
            continue
        mail = staff_new_complaint_email(complaint, policy, base_url)
        for to in staff_recipients(staff_email):
            uow.outbox.add(to, *mail, now=now, complaint=complaint)
        _note(uow, complaint, now, "staff_notified", None, None, "Nouvelle réclamation signalée au personnel.")
        count += 1
    return count


def _announce_deadlines(uow: UnitOfWork, staff_email: str | None, now: datetime, base_url: str | None) -> int:
    count = 0
    for reference, field, due in _deadlines_close(uow, now):
        complaint, policy = _locked(uow, reference)
        if complaint is None or policy is None or _has_event(complaint, "deadline_notice", field, due.isoformat()):
            continue
        assigned_to = uow.complaints.bookkeeping(complaint).assigned_to
        recipients = staff_recipients(staff_email, assigned_to)
        if not recipients:
            continue
        mail = staff_deadline_email(complaint, policy, field, due, local_date(now, policy.timezone), base_url,
                                    assigned_to=assigned_to)
        for to in recipients:
            uow.outbox.add(to, *mail, now=now, complaint=complaint)
        _note(uow, complaint, now, "deadline_notice", field, due.isoformat(), "Rappel d'échéance envoyé au personnel.")
        count += 1
    return count


def _policy(policy_id: str | None) -> Policy | None:
    from bot.policies import PolicyError, load_policy

    try:
        return load_policy(policy_id or "")
    except PolicyError:
        return None


def _deadlines_close(uow: UnitOfWork, now: datetime) -> list[tuple[str, str, date]]:
    """(reference, "ack_due"/"answer_due", due date) of the deadlines to announce now."""
    utc_today = now.date()
    lo, hi = utc_today - timedelta(days=OVERDUE_NOTICE_DAYS + 1), utc_today + timedelta(days=10)
    found: list[tuple[str, str, date]] = []
    for field, statuses in (("ack_due", ACK_PENDING), ("answer_due", ANSWER_PENDING)):
        for reference, policy_id, due in uow.complaints.due_between(field, statuses, lo, hi):
            policy = _policy(policy_id)
            if policy is None:
                continue
            today = local_date(now, policy.timezone)
            if is_due_soon(today, due, policy.country, DEADLINE_WORKING_DAYS) or (
                today - timedelta(days=OVERDUE_NOTICE_DAYS) <= due < today
            ):
                found.append((reference, field, due))
    return found


def _locked(uow: UnitOfWork, reference: str) -> tuple[Complaint | None, Policy | None]:
    """The complaint, locked (PostgreSQL) so that two workers announce it once, and its preset."""
    complaint = uow.complaints.get(reference, for_update=True)
    return complaint, _policy(complaint.policy) if complaint is not None else None


def _has_event(complaint: Complaint, action: str, field: str | None = None, after: str | None = None) -> bool:
    return any(e.action == action and (field is None or (e.field == field and e.after == after))
               for e in complaint.history)


def _note(uow: UnitOfWork, complaint: Complaint, now: datetime, action: str, field: str | None, after: Any,
          note: str) -> None:
    """A notice recorded in the complaint's history (not a change of the file)."""
    complaint.history.append(Event(at=now, actor=SYSTEM_ACTOR, action=action, field=field, after=after, note=note))
    uow.complaints.append_history(complaint)


HANDOVER_NOTICE_WINDOW = timedelta(hours=1)  # default of the setting HANDOVER_NOTICE_SECONDS


def request_handover(registry: Registry, policy: Policy, *, conversation: str, channel: str,
                     staff_email: str | None, now: datetime) -> int:
    """A citizen asked for a person: count it, keep the request for the dashboard ("Demandes de
    contact": the conversation id is shown there, not in the e-mail, since on WhatsApp it is a
    phone number) and queue a notice to staff with the request's number. Returns the notices queued.

    One request (and one count) per conversation within `HANDOVER_NOTICE_SECONDS`: asking again,
    or a script asking in a loop, does not flood the staff mailbox (counted in the database, so
    it holds across action-server processes)."""
    import hashlib

    from bot.services.filing import count_triage

    require_aware("now", now)
    settings = registry.settings
    window = timedelta(seconds=settings.handover_notice_seconds) if settings is not None else HANDOVER_NOTICE_WINDOW
    key = "handover:" + hashlib.sha256(conversation.encode()).hexdigest()[:32]
    with registry.unit_of_work() as uow:
        first = uow.counters.hit(key, window, now) == 1
        number = uow.handovers.add(policy.id, channel, conversation, now) if first else None
        uow.commit()
    if number is None:
        return 0
    count_triage(registry, policy.id, "human_handover", now)
    recipients = staff_recipients(staff_email)
    if not recipients:
        return 0
    where = (_staff_url(settings.public_base_url if settings is not None else None, "handovers")
             or "le tableau de bord, page « Demandes de contact »")
    mail = (f"[{policy.organisation.name}] Demande de contact avec une personne (n° {number})",
            f"Un citoyen demande à parler à une personne.\n\nDemande n° {number}\n"
            f"Canal : {label(CHANNEL_LABELS, channel)}\nÀ : {now.isoformat(timespec='minutes')}\n\n"
            f"La conversation est indiquée dans {where} (pas dans cet e-mail : c'est une donnée "
            "personnelle). Merci de reprendre contact avec lui dès que possible.")
    with registry.unit_of_work() as uow:
        for to in recipients:
            uow.outbox.add(to, *mail, now=now)
        uow.commit()
    return len(recipients)


def handover_overview(registry: Registry, *, limit: int = 200) -> dict[str, Any]:
    """For staff: the open requests to talk to a person (oldest first), then the latest handled."""
    with registry.unit_of_work(read_only=True) as uow:
        items = uow.handovers.recent(limit)
        open_count = uow.handovers.count_open()
    for item in items:
        item["channel_label"] = label(CHANNEL_LABELS, item["channel"])
    return {"open": open_count, "items": items}


def mark_handover_handled(registry: Registry, request_id: int, *, actor: str, now: datetime) -> bool:
    """Staff took a request in hand; False when it was handled already (or does not exist)."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        done = uow.handovers.mark_handled(request_id, actor, now)
        uow.commit()
    return done


def leave_handover_contact(registry: Registry, *, conversation: str, contact: str) -> bool:
    """A phone or e-mail the citizen left after asking for a person, put on their open request."""
    with registry.unit_of_work() as uow:
        done = uow.handovers.set_contact(conversation, contact)
        uow.commit()
    return done
