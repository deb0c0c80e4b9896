"""SQLAlchemy 2 typed models of the registry (contract section 1: slot names = column names).

The domain (`bot.domain.complaint`) knows nothing of these classes; `repository.py` maps
between them. Every timestamp is a timezone-aware UTC instant (`UTCDateTime`); deadlines
(`ack_due`, `answer_due`) are local calendar dates of the organisation.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.storage.types import UTCDateTime, json_type

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

STATUSES = ("prepared", "received", "acknowledged", "in_progress", "answered", "closed", "inadmissible", "withdrawn")
OUTCOMES = ("upheld", "partially_upheld", "rejected")
ROLES = ("agent", "manager", "admin")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ComplaintRow(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', OUTCOMES)}", name="outcome"),
        Index("ix_complaints_policy_status", "policy", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    policy: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # citizen fields (contract section 1)
    acting_for: Mapped[str | None] = mapped_column(String(16))
    prior_contact: Mapped[bool | None] = mapped_column(Boolean)
    last_name: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    file_reference: Mapped[str | None] = mapped_column(String(200))
    facts_description: Mapped[str | None] = mapped_column(Text)
    facts_date: Mapped[date | None] = mapped_column(Date)
    facts_date_precision: Mapped[str | None] = mapped_column(String(16))
    facts_place: Mapped[str | None] = mapped_column(Text)
    persons_contacted: Mapped[str | None] = mapped_column(Text)
    objective: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[bool | None] = mapped_column(Boolean)
    initiative_taken: Mapped[bool | None] = mapped_column(Boolean)
    subject: Mapped[str | None] = mapped_column(Text)
    service_concerned: Mapped[str | None] = mapped_column(Text)
    other_parties: Mapped[str | None] = mapped_column(Text)
    persons_targeted: Mapped[str | None] = mapped_column(Text)
    # administrative fields
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_due: Mapped[date | None] = mapped_column(Date)
    answer_due: Mapped[date | None] = mapped_column(Date, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(32))
    suggested_reason_code: Mapped[str | None] = mapped_column(String(32))
    mediator: Mapped[str | None] = mapped_column(Text)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(320))
    outcome: Mapped[str | None] = mapped_column(String(32))
    updates: Mapped[list[dict[str, Any]]] = mapped_column(json_type(), default=list)
    dysfunctions: Mapped[list[str]] = mapped_column(json_type(), default=list)
    corrective_actions: Mapped[list[str]] = mapped_column(json_type(), default=list)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # registry bookkeeping
    assigned_to: Mapped[str | None] = mapped_column(String(320), index=True)
    intake_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    name_key: Mapped[str | None] = mapped_column(String(420), index=True)  # normalised "last|first"
    transcript: Mapped[Any | None] = mapped_column(json_type())
    extra: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}


class ComplaintEventRow(Base):
    """One entry of a complaint's history: who, when, what, before/after."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[Any | None] = mapped_column(json_type())
    after: Mapped[Any | None] = mapped_column(json_type())
    note: Mapped[str | None] = mapped_column(Text)


class AttachmentRow(Base):
    """A stored document: uploaded during a conversation, linked to the complaint once filed."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="SET NULL"), index=True
    )
    conversation_id: Mapped[str | None] = mapped_column(String(200), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    stored_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffUserRow(Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # the right to answer where a preset wants the answer from an authorised person (the plan)
    can_answer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ApiTokenRow(Base):
    """An API token: only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ReferenceCounterRow(Base):
    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class TriageCountRow(Base):
    """Anonymous counts: non-complaints (triage codes) and refusals without identity."""

    __tablename__ = "triage_counts"

    policy: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class StatusLookupAttemptRow(Base):
    """Failed status lookups per key (e.g. a sender id), for throttling."""

    __tablename__ = "status_lookup_attempts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RateCounterRow(Base):
    """A fixed-window counter (`bot.storage.counters.RateCounters`): login failures per address and
    per account, staff notices per conversation, failed status lookups overall."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ProcessedMessageRow(Base):
    """Webhook deduplication: a (channel, message id) seen once."""

    __tablename__ = "processed_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class OutboxRow(Base):
    """E-mail outbox: written in the same transaction as the change, sent afterwards."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)


class HandoverRequestRow(Base):
    """A citizen asked to talk to a person ("parler à quelqu'un"): staff see the conversation here,
    in the dashboard, instead of in an e-mail (a WhatsApp conversation id is a phone number)."""

    __tablename__ = "handover_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    conversation: Mapped[str] = mapped_column(String(255), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[str | None] = mapped_column(String(320))
    contact: Mapped[str | None] = mapped_column(String(320))  # a phone or e-mail left after the request
