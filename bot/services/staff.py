"""Staff use cases: accounts and tokens, registering complaints received elsewhere,
transitions, progress updates, the registry list. Every change lands in the history."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.complaint import (
    CITIZEN_FIELDS,
    MANAGER_ONLY,
    REFUSAL_CODES,
    Complaint,
    DomainError,
    Event,
    Outcome,
    Status,
)
from bot.domain.policy import Policy
from bot.services._records import (
    ACK_PENDING,
    ANSWER_PENDING,
    attachment_dict,
    complaint_from_data,
    deadlines,
    record_of,
    require_aware,
    summary,
)
from bot.services.errors import Forbidden, InvalidInput, NotFound
from bot.services.notifications import (
    acknowledgement_email,
    answer_email,
    inadmissible_email,
    update_email,
)
from bot.services.references import normalise_reference
from bot.services.uow import Registry, UnitOfWork
from bot.storage.repository import COMPLAINT_COLUMNS, ROLES, ComplaintSearch, StaffAccount

MANAGER_ROLES = ("manager", "admin")
# What a preset whose staff judge what is a complaint (the notice: "la direction") can record as
# not a complaint: the seed's own list of what is not one (contract section 1's triage codes).
NOT_A_COMPLAINT_CODES = ("service_request", "information_request", "advice_request")
LIST_MAX = 1000  # the largest page of `list_complaints`
# a receipt date after the registration is accepted (and noted in the history) up to this far
FUTURE_RECEIPT_LIMIT = timedelta(days=366)
REFUSED_OUTCOMES = (Outcome.REJECTED, Outcome.PARTIALLY_UPHELD)
# fields staff may correct or complete (e.g. at the counter) with `update_complaint`
# (the citizen's fields but the documents, the date's precision after the date, the flagged ground)
EDITABLE_FIELDS = (*(x for f in CITIZEN_FIELDS if f != "attachments"
                     for x in ((f, "facts_date_precision") if f == "facts_date" else (f,))), "suggested_reason_code")

# ---------------------------------------------------------------------------------- passwords

_SCRYPT_N_LOG2, _SCRYPT_R, _SCRYPT_P = 14, 8, 1


def hash_password(password: str) -> str:
    """scrypt with a random salt, PHC string format: `$scrypt$ln=14,r=8,p=1$<salt>$<hash>`."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**_SCRYPT_N_LOG2, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"$scrypt$ln={_SCRYPT_N_LOG2},r={_SCRYPT_R},p={_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str | None) -> bool:
    """True when `password` matches a hash made by `hash_password` (constant-time compare)."""
    if not encoded or not password:
        return False
    try:
        _, scheme, params, salt_b64, hash_b64 = encoded.split("$")
        if scheme != "scrypt":
            return False
        opts = dict(kv.split("=") for kv in params.split(","))
        salt, expected = _unb64(salt_b64), _unb64(hash_b64)
        digest = hashlib.scrypt(password.encode(), salt=salt, n=2 ** int(opts["ln"]), r=int(opts["r"]),
                                p=int(opts["p"]), dklen=len(expected))
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(digest, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(8))
    return _DUMMY_HASH


# ---------------------------------------------------------------------------------- accounts


def _user_dict(user: StaffAccount) -> dict[str, Any]:
    return {"email": user.email, "role": user.role, "active": user.active, "can_answer": bool(user.can_answer),
            "created_at": user.created_at.isoformat(), "has_password": bool(user.password_hash)}


def _norm_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(f"Adresse e-mail invalide : « {email} ».", "invalid_email")
    return email


def add_staff(
    registry: Registry, email: str, role: str, password: str | None = None, *, now: datetime | None = None,
    can_answer: bool | None = None,
) -> dict[str, Any]:
    """Create a staff account (or update the role, password and reactivate an existing one).
    `can_answer` gives (True) or withdraws (False) an agent's right to answer where a preset wants
    the answer from an authorised person (None keeps it). Returns {email, role, active, can_answer,
    created_at, has_password, created}."""
    email = _norm_email(email)
    if role not in ROLES:
        raise InvalidInput(f"Rôle inconnu : « {role} » (agent, manager ou admin).", "invalid_role")
    now = now or datetime.now(UTC)
    with registry.unit_of_work() as uow:
        user, created = uow.staff.upsert(email, role, now=now, can_answer=can_answer,
                                         password_hash=hash_password(password) if password else None)
        result = _user_dict(user) | {"created": created}
        uow.commit()
    return result


def list_staff(registry: Registry) -> list[dict[str, Any]]:
    with registry.unit_of_work(read_only=True) as uow:
        return [_user_dict(u) for u in uow.staff.all()]


def staff_account(registry: Registry, email: str) -> dict[str, Any] | None:
    """{email, role, active, ...} of an account, or None."""
    with registry.unit_of_work(read_only=True) as uow:
        user = uow.staff.get((email or "").strip().lower())
        return _user_dict(user) if user is not None else None


def deactivate_staff(registry: Registry, email: str) -> dict[str, Any]:
    """Switch an account off and revoke its tokens."""
    with registry.unit_of_work() as uow:
        user = uow.staff.deactivate(_get_user(uow, email).email)
        assert user is not None
        result = _user_dict(user)
        uow.commit()
    return result


def _get_user(uow: UnitOfWork, email: str) -> StaffAccount:
    user = uow.staff.get((email or "").strip().lower())
    if user is None:
        raise NotFound(f"Aucun compte pour « {email} ».")
    return user


def issue_token(registry: Registry, email: str, *, now: datetime | None = None) -> str:
    """A new random API token for an active account; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    with registry.unit_of_work() as uow:
        user = _get_user(uow, email)
        if not user.active:
            raise Forbidden(f"Le compte « {email} » est désactivé.")
        uow.staff.add_token(user.email, _token_hash(token), now=now or datetime.now(UTC))
        uow.commit()
    return token


def revoke_tokens(registry: Registry, email: str) -> int:
    """Revoke every token of an account; returns how many were active."""
    with registry.unit_of_work() as uow:
        count = uow.staff.revoke_tokens(_get_user(uow, email).email) or 0
        uow.commit()
    return count


def authenticate_token(registry: Registry, token: str | None) -> dict[str, Any] | None:
    """{email, role} of the active account owning this unrevoked token, else None."""
    if not token:
        return None
    with registry.unit_of_work(read_only=True) as uow:
        row = uow.staff.by_token(_token_hash(token))
    return {"email": row.email, "role": row.role, "can_answer": bool(row.can_answer)} if row else None


def authenticate_password(registry: Registry, email: str, password: str) -> dict[str, Any] | None:
    """{email, role} when the password is right for an active account, else None."""
    with registry.unit_of_work(read_only=True) as uow:
        user = uow.staff.get((email or "").strip().lower())
        encoded = user.password_hash if user is not None else None
        result = ({"email": user.email, "role": user.role, "can_answer": bool(user.can_answer)}
                  if user is not None and user.active else None)
    if encoded is None:
        verify_password(password or "x", _dummy_hash())  # same time for unknown accounts
        return None
    return result if verify_password(password, encoded) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------------- complaints


def register_complaint(
    registry: Registry,
    policy: Policy,
    data: dict[str, Any],
    *,
    received_at: datetime,
    channel: str,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    """Staff register a complaint received by post, e-mail, phone or at the counter, with its
    real receipt time: status `received`, deadlines computed from `received_at`. Returns the
    whole record. E-mail and phone are validated and normalised; a receipt date later than
    `now` is accepted up to `FUTURE_RECEIPT_LIMIT` and noted in the history."""
    from bot.services.filing import store_new

    require_aware("received_at", received_at)
    require_aware("now", now)
    if received_at > now + FUTURE_RECEIPT_LIMIT:
        raise InvalidInput("La date de réception ne peut pas être dans le futur.", "received_in_future")
    data = _checked_contacts(data, policy.country)
    complaint, extra = complaint_from_data(policy.id, data, channel=channel, status=Status.RECEIVED)
    complaint.received_at = received_at.astimezone(UTC)
    complaint.ack_due, complaint.answer_due = deadlines(policy, received_at)
    complaint.decision = complaint.decision or "admissible"
    note = f"canal : {channel}"
    if received_at > now + timedelta(minutes=5):  # accepted (announced or pre-dated mail), but said
        note += " ; date de réception postérieure à l'enregistrement"
    complaint.history.append(Event(at=now, actor=actor, action="registered", field="received_at",
                                   after=complaint.received_at.isoformat(), note=note))
    result = store_new(registry, policy, complaint, extra, data, intake_key=None, now=now, actor=actor)
    return get_complaint(registry, result["reference"])


def get_complaint(registry: Registry, reference: str) -> dict[str, Any]:
    """The whole record (contract section 1 names) with `history` and `attachments`."""
    with registry.unit_of_work(read_only=True) as uow:
        complaint = _load(uow, reference)
        return _record(uow, complaint)


def transition(
    registry: Registry,
    reference: str,
    to: str,
    *,
    actor: str,
    role: str,
    now: datetime,
    answer_text: str | None = None,
    outcome: str | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    policy: Policy | None = None,
    notify: bool = True,
    may_answer: bool = False,
) -> dict[str, Any]:
    """Move a complaint to status `to` under the domain's rules; returns the whole record.

    - reopening (`inadmissible`/`closed` -> `in_progress`) is for managers and admins;
    - `answered` needs `answer_text` and `outcome`; a rejected or partially upheld answer
      records the mediator or appeal route given (`mediator`);
    - `inadmissible` needs `reason_code`: `decision` = that code, `mediator` = the route;
    - `prepared` -> `received` (confirmed at the counter): received now, deadlines from now;
    - where the preset wants the answer from an authorised person (`answer_by_authorised_only`),
      only managers, admins and accounts given the right (`may_answer`) can answer.
    `policy` defaults to the complaint's preset (`bot.policies.load_policy`).
    With `notify` (and an e-mail address on file) the acknowledgement, the answer or the
    refusal is queued in the outbox in the same transaction (`bot.services.notifications`).
    """
    require_aware("now", now)
    if role not in ROLES:
        raise Forbidden(f"Rôle inconnu : « {role} ».")
    move = _checked_move(to, answer_text, outcome, reason_code)
    with registry.unit_of_work() as uow:
        complaint = _load(uow, reference, for_update=True)
        _writable(complaint)
        current = Status(complaint.status)
        policy = policy or _policy_for(complaint.policy)
        _check_allowed(current, move.target, role, policy, may_answer)
        complaint.transition(move.target, actor=actor, now=now, note=note)
        _apply(complaint, move, current, policy, actor=actor, now=now)
        if notify and policy is not None:
            _queue_citizen_email(uow, complaint, policy, move.target, move.reason_code, now=now, actor=actor)
        uow.complaints.save(complaint, now=now)
        record = _record(uow, complaint)
        uow.commit()
    return record


@dataclass(frozen=True)
class _Move:
    """A requested transition, its details checked."""

    target: Status
    answer_text: str | None = None
    outcome: str | None = None
    reason_code: str | None = None


def _checked_move(to: str, answer_text: str | None, outcome: str | None, reason_code: str | None) -> _Move:
    try:
        target = Status(to)
    except ValueError:
        raise InvalidInput(f"Statut inconnu : « {to} ».", "invalid_status") from None
    if target is Status.ANSWERED:
        answer_text = (answer_text or "").strip()
        if not answer_text or not outcome:
            raise InvalidInput("Une réponse demande son texte (answer_text) et son issue (outcome).",
                               "answer_incomplete")
        try:
            outcome = Outcome(outcome).value
        except ValueError:
            raise InvalidInput(f"Issue inconnue : « {outcome} » (upheld, partially_upheld, rejected).",
                               "invalid_outcome") from None
    if target is Status.INADMISSIBLE:
        if not reason_code:
            raise InvalidInput("Un refus demande son motif (reason_code).", "reason_code_missing")
        if reason_code not in REFUSAL_CODES + NOT_A_COMPLAINT_CODES:
            raise InvalidInput(f"Motif de refus inconnu : « {reason_code} ».", "invalid_reason_code")
    return _Move(target, answer_text, outcome, reason_code)


def transition_allowed(current: Status, target: Status, role: str, policy: Policy | None,
                       may_answer: bool) -> bool:
    """Reopening is for managers; where the preset wants it (the plan), answering is for managers,
    admins and accounts given the right to answer. The dashboard shows its buttons by this rule."""
    if (current, target) in MANAGER_ONLY and role not in MANAGER_ROLES:
        return False
    return not (target is Status.ANSWERED and policy is not None and policy.answer_by_authorised_only
                and role not in MANAGER_ROLES and not may_answer)


def _check_allowed(current: Status, target: Status, role: str, policy: Policy | None, may_answer: bool) -> None:
    if transition_allowed(current, target, role, policy, may_answer):
        return
    if (current, target) in MANAGER_ONLY:
        raise Forbidden("Seul un responsable peut rouvrir ce dossier.")
    raise Forbidden("Cette procédure demande que la réponse soit donnée par une personne habilitée "
                    "à répondre : un responsable ou un compte autorisé.")


def _apply(complaint: Complaint, move: _Move, current: Status, policy: Policy | None, *,
           actor: str, now: datetime) -> None:
    """What the new status brings with it: deadlines, the answer, the decision, the route."""
    def put(name: str, value: Any) -> None:
        complaint.set_field(name, value, actor=actor, now=now)

    def put_deadlines(received: datetime) -> None:
        ack_due, answer_due = deadlines(policy, received)  # type: ignore[arg-type]
        put("ack_due", ack_due)
        put("answer_due", answer_due)

    target = move.target
    if target is Status.RECEIVED:  # confirmed at the counter: the deadlines start now
        if policy is None:
            raise DomainError("Préréglage introuvable : délais non calculables.", "policy_missing")
        put_deadlines(now)
    elif target is Status.ANSWERED:
        put("answer_text", move.answer_text)
        put("outcome", move.outcome)
        put("answered_by", actor)
        route = answer_route_text(policy) if move.outcome in REFUSED_OUTCOMES else None
        if route:
            put("mediator", route)
    elif target is Status.INADMISSIBLE:
        _check_preset_reason(policy, move.reason_code)  # type: ignore[arg-type]
        put("decision", move.reason_code)
        route = refusal_route_text(policy, move.reason_code)  # type: ignore[arg-type]
        if route:
            put("mediator", route)
    elif target is Status.IN_PROGRESS and current in (Status.INADMISSIBLE, Status.CLOSED):  # reopened
        if current is Status.INADMISSIBLE:
            put("decision", "admissible")
        if current is Status.CLOSED:
            put("closed_at", None)
        if complaint.received_at and complaint.answer_due is None and policy is not None:
            put_deadlines(complaint.received_at)


def add_update(
    registry: Registry, reference: str, text: str, *, actor: str, now: datetime, notify: bool = True
) -> dict[str, Any]:
    """A progress or delay message sent to the complainant: kept in `updates`, recorded in the
    history, and queued in the e-mail outbox when the complaint has an e-mail address.
    Returns {reference, update: {at, by, text}, notified}."""
    require_aware("now", now)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Le message de suivi est vide.", "empty_update")
    with registry.unit_of_work() as uow:
        complaint = _load(uow, reference, for_update=True)
        _writable(complaint)
        entry = {"at": now.astimezone(UTC).isoformat(), "by": actor, "text": text}
        complaint.updates = [*complaint.updates, entry]
        complaint.history.append(Event(at=now, actor=actor, action="progress_update", field="updates", after=entry))
        uow.complaints.save(complaint, now=now)
        notified = bool(notify and complaint.email)
        if notified:
            policy = _policy_for(complaint.policy)
            subject, body = (update_email(complaint, policy, text) if policy is not None
                             else (f"Votre réclamation {complaint.reference}", text))
            uow.outbox.add(complaint.email or "", subject, body, now=now, complaint=complaint)
        uow.commit()
    return {"reference": complaint.reference, "update": entry, "notified": notified}


def update_complaint(
    registry: Registry, reference: str, changes: dict[str, Any], *, actor: str, now: datetime
) -> dict[str, Any]:
    """Staff correct or complete citizen fields (e.g. at the counter); each change is recorded."""
    require_aware("now", now)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise InvalidInput(f"Champs non modifiables : {', '.join(unknown)}.", "invalid_field")
    with registry.unit_of_work() as uow:
        complaint = _load(uow, reference, for_update=True)
        _writable(complaint)
        parsed, _extra = complaint_from_data(complaint.policy, changes, channel=complaint.channel,
                                             status=complaint.status)
        for name in changes:
            complaint.set_field(name, getattr(parsed, name), actor=actor, now=now)
        uow.complaints.save(complaint, now=now)
        record = _record(uow, complaint)
        uow.commit()
    return record


def assign(registry: Registry, reference: str, assignee: str | None, *, actor: str, now: datetime) -> dict[str, Any]:
    """Give a complaint to a staff member (None: unassign); recorded in the history."""
    require_aware("now", now)
    with registry.unit_of_work() as uow:
        complaint = _load(uow, reference, for_update=True)
        _writable(complaint)
        before = uow.complaints.bookkeeping(complaint).assigned_to
        if before != assignee:
            uow.complaints.set_assignee(complaint, assignee)
            complaint.history.append(Event(at=now, actor=actor, action="assigned", field="assigned_to",
                                           before=before, after=assignee))
            uow.complaints.save(complaint, now=now)
        record = _record(uow, complaint)
        uow.commit()
    return record


def add_register_entry(
    registry: Registry, reference: str, kind: str, text: str, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Append a dysfunction found or a corrective action (or recommendation) to the register."""
    require_aware("now", now)
    if kind not in ("dysfunctions", "corrective_actions"):
        raise InvalidInput(f"Registre inconnu : « {kind} ».", "invalid_kind")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Le texte est vide.", "empty_text")
    with registry.unit_of_work() as uow:
        complaint = _load(uow, reference, for_update=True)
        _writable(complaint)
        complaint.set_field(kind, [*getattr(complaint, kind), text], actor=actor, now=now)
        uow.complaints.save(complaint, now=now)
        record = _record(uow, complaint)
        uow.commit()
    return record


def list_complaints(
    registry: Registry,
    *,
    status: str | list[str] | tuple[str, ...] | None = None,
    overdue: bool | None = None,
    policy: str | None = None,
    channel: str | None = None,
    due_within_days: int | None = None,
    assigned_to: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
    today: date,
    full: bool = False,
) -> dict[str, Any]:
    """A page of the registry, newest first: {"items": [summary dicts], "total": n}.

    `full`: each item carries every column of the record (contract section 1) and its
    attachments, not only the summary (the history stays with `get_complaint`).

    `overdue`: an acknowledgement or answer still owed past its date (`today` is the
    organisation's local date). `due_within_days`: an answer still owed, due between today
    and today + n days. `q`: words searched in the reference, names, e-mail, subject and
    description.
    """
    spec = ComplaintSearch(
        today=today, statuses=([status] if isinstance(status, str) else list(status)) if status else (), policy=policy,
        channel=channel, assigned_to=assigned_to, overdue=overdue,
        answer_due_by=today + timedelta(days=due_within_days) if due_within_days is not None else None,
        words=(q or "").split(), ack_pending=ACK_PENDING, answer_pending=ANSWER_PENDING,
    )
    limit = max(1, min(int(limit), LIST_MAX))
    offset = max(0, int(offset))
    with registry.unit_of_work(read_only=True) as uow:
        total, rows = uow.complaints.search(spec, limit=limit, offset=offset)
        items = [summary(r, today) for r in rows]
        if full:
            attachments = uow.complaints.attachments_by_reference([r["reference"] for r in rows])
            items = [item | _columns(r) | {"attachments": [attachment_dict(a) for a in attachments.get(r["reference"], [])]}
                     for item, r in zip(items, rows, strict=True)]
    return {"items": items, "total": int(total), "limit": limit, "offset": offset}


def add_note(registry: Registry, reference: str, text: str, *, actor: str, now: datetime) -> dict[str, Any]:
    """An internal note (never sent to the complainant), kept in the history with who and when.
    Notes may be added to closed files too (they change nothing of the file itself)."""
    require_aware("now", now)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("La note est vide.", "empty_note")
    with registry.unit_of_work() as uow:
        complaint = _load(uow, reference, for_update=True)
        _writable(complaint)
        complaint.history.append(Event(at=now, actor=actor, action="internal_note", note=text[:5000]))
        uow.complaints.save(complaint, now=now)
        record = _record(uow, complaint)
        uow.commit()
    return record


def deadline_state(item: dict[str, Any], today: date, country: str, timezone: str | None = None) -> dict[str, Any]:
    """Where a record (or summary) stands with its deadlines on `today` (local date):
    {ack, answer: {due, days_left, working_days_left, state}, update_owed}. `state` is one of
    "met" (done), "met_late" (done after the date; needs `timezone`), "overdue", "due_soon"
    (within two working days), "pending", "none" (no date), "void" (refused or withdrawn).
    `update_owed`: the answer is due within two working days and no progress message was sent
    (the notice and the plan ask to keep the complainant informed)."""
    from bot.domain.deadlines import is_due_soon, working_days_until

    status = item.get("status")

    def done_on(*keys: str) -> date | None:
        from zoneinfo import ZoneInfo

        for key in keys:
            if item.get(key) and timezone:
                return datetime.fromisoformat(item[key]).astimezone(ZoneInfo(timezone)).date()
        return None

    def one(due_iso: str | None, pending: tuple[str, ...], *done_keys: str) -> dict[str, Any]:
        if not due_iso:
            return {"due": None, "days_left": None, "working_days_left": None, "state": "none"}
        due = date.fromisoformat(due_iso[:10])
        info: dict[str, Any] = {"due": due.isoformat(), "days_left": (due - today).days,
                                "working_days_left": working_days_until(today, due, country)}
        if status in ("inadmissible", "withdrawn"):
            info["state"] = "void"
        elif status == "prepared":
            info["state"] = "pending"
        elif status not in pending:
            done = done_on(*done_keys)
            info["state"] = "met_late" if done is not None and done > due else "met"
        elif due < today:
            info["state"] = "overdue"
        elif is_due_soon(today, due, country, 2):
            info["state"] = "due_soon"
        else:
            info["state"] = "pending"
        return info

    ack = one(item.get("ack_due"), ACK_PENDING, "acknowledged_at", "answered_at")
    answer = one(item.get("answer_due"), ANSWER_PENDING, "answered_at")
    updates = item.get("updates")
    has_update = bool(updates) if updates is not None else bool(item.get("updates_count"))
    return {"ack": ack, "answer": answer,
            "update_owed": answer["state"] in ("due_soon", "overdue") and not has_update}


# ---------------------------------------------------------------------------------- routes


def refusal_route_text(policy: Policy | None, reason_code: str) -> str | None:
    """The route given with a refusal: the exclusion's own route, else the preset's mediator
    (`bot.domain.admissibility`); None when there is none."""
    if policy is None:
        return None
    try:
        from bot.domain.admissibility import describe_route, route_for
    except ImportError:
        return None
    route = route_for(policy, reason_code)
    return describe_route(route) if route is not None else None


def answer_route_text(policy: Policy | None) -> str | None:
    """The mediator or appeal route stated in a rejecting or partially upholding answer."""
    if policy is None:
        return None
    try:
        from bot.domain.admissibility import mediator_text
    except ImportError:
        return None
    return mediator_text(policy)


# ---------------------------------------------------------------------------------- helpers


def _policy_for(policy_id: str) -> Policy | None:
    try:
        from bot.policies import PolicyError, load_policy
    except ImportError:
        return None
    try:
        return load_policy(policy_id)
    except PolicyError:  # an unknown or broken preset: deadlines and routes cannot be computed
        return None


def _load(uow: UnitOfWork, reference: str, *, for_update: bool = False) -> Complaint:
    normalised = normalise_reference(reference)
    complaint = uow.complaints.get(normalised, for_update=for_update) if normalised else None
    if complaint is None:
        raise NotFound(f"Aucun dossier « {reference} ».")
    return complaint


def _writable(complaint: Complaint) -> None:
    if complaint.anonymised_at is not None:
        raise DomainError("Ce dossier est anonymisé : il ne peut plus être modifié.", "read_only")


def _record(uow: UnitOfWork, complaint: Complaint) -> dict[str, Any]:
    return record_of(uow, complaint)


def _checked_contacts(data: dict[str, Any], country: str) -> dict[str, Any]:
    """E-mail and phone typed by staff: validated and normalised (E.164) like the chat does."""
    from bot.domain.validation import FieldError, validate_email, validate_phone

    data = dict(data)
    for name, check in (("email", validate_email), ("phone", lambda t: validate_phone(t, country))):
        value = data.get(name)
        if value is None or not str(value).strip():
            data[name] = None
            continue
        try:
            data[name] = check(str(value))
        except FieldError as exc:
            raise InvalidInput(f"Champ « {name} » : {exc.message}", exc.code) from None
    return data


def refusal_reasons(policy: Policy) -> list[str]:
    """The grounds staff may record under this preset: its own exclusions and, where staff judge
    what is a complaint (the notice), "not a complaint" in the seed's own terms."""
    own = [e.code for e in policy.exclusions if e.code in REFUSAL_CODES]
    if policy.staff_judges_admissibility:
        own += [c for c in NOT_A_COMPLAINT_CODES if c not in own]
    return own


def _check_preset_reason(policy: Policy | None, reason_code: str) -> None:
    """A preset never applies another preset's rule: the refusal must be one of its own."""
    if policy is None:
        return
    own = refusal_reasons(policy)
    if reason_code not in own:
        allowed = ", ".join(own) if own else "aucun"
        raise InvalidInput(f"Le motif « {reason_code} » n'est pas prévu par la procédure {policy.id} "
                           f"(motifs prévus : {allowed}).", "reason_not_in_policy")


_CITIZEN_MAIL_LABELS = {
    Status.ACKNOWLEDGED: "accusé de réception",
    Status.ANSWERED: "réponse",
    Status.INADMISSIBLE: "décision d'irrecevabilité",
}


def _queue_citizen_email(
    uow: UnitOfWork, complaint: Complaint, policy: Policy, target: Status, reason_code: str | None,
    *, now: datetime, actor: str,
) -> None:
    """Queue the e-mail a transition owes the complainant (when an address is on file) and
    record it in the history; without an address staff send it by post."""
    if target not in _CITIZEN_MAIL_LABELS or not complaint.email:
        return
    if target is Status.ACKNOWLEDGED:
        mail = acknowledgement_email(complaint, policy)
    elif target is Status.ANSWERED:
        mail = answer_email(complaint, policy)
    else:
        mail = inadmissible_email(complaint, policy, reason_code or "", complaint.mediator)
    uow.outbox.add(complaint.email, *mail, now=now, complaint=complaint)
    complaint.history.append(Event(at=now, actor=actor, action="email_queued", field=None,
                                   note=f"E-mail au plaignant : {_CITIZEN_MAIL_LABELS[target]}."))


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    """Every record column of a row, JSON-ready (instants in UTC ISO, dates ISO)."""
    out: dict[str, Any] = {}
    for name in COMPLAINT_COLUMNS:
        value = row[name]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


__all__ = [
    "add_note", "add_register_entry", "add_staff", "add_update", "assign", "authenticate_password",
    "authenticate_token", "deactivate_staff", "deadline_state", "get_complaint", "hash_password", "issue_token",
    "list_complaints", "list_staff", "register_complaint", "revoke_tokens", "staff_account", "transition",
    "update_complaint", "verify_password",
]
