"""Improvement analytics: complaints per period, reason of refusal, service concerned and
channel; the share answered (and acknowledged) within the deadline; the median time to
acknowledge and to answer; the dysfunctions and corrective actions found. Only columns that
stay after anonymisation are used, so the figures survive the retention period."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.complaint import REFUSAL_CODES, TRIAGE_CODES
from bot.domain.policy import Policy
from bot.services._records import is_overdue
from bot.services.exports import period_bounds, received_in
from bot.services.labels import CHANNEL_LABELS, OUTCOME_LABELS, REASON_LABELS, STATUS_LABELS, label
from bot.services.uow import Registry
from bot.storage.models import ComplaintRow, TriageCountRow

Period = Literal["day", "week", "month", "year"]
NOT_GIVEN = "(non renseigné)"


def _period_key(d: date, period: Period) -> str:
    if period == "day":
        return d.isoformat()
    if period == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-S{week:02d}"
    if period == "year":
        return str(d.year)
    return f"{d.year}-{d.month:02d}"


def _share(on_time: int, count: int) -> float | None:
    return round(on_time / count, 4) if count else None


def _median_days(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _counted(counter: Counter[str], labels: dict[str, str] | None = None, key: str = "code") -> list[dict[str, Any]]:
    return [{key: k, "label": label(labels, k) if labels else k, "count": n}
            for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def compute_analytics(
    registry: Registry,
    *,
    policy: Policy,
    start: date | None = None,
    end: date | None = None,
    period: Period = "month",
    today: date,
    all_policies: bool = False,
) -> dict[str, Any]:
    """The figures for the complaints received between `start` and `end` (local dates,
    inclusive; open-ended when None) of `policy` (every preset with `all_policies`)."""
    tz = ZoneInfo(policy.timezone)
    lo, hi = period_bounds(start, end, policy.timezone)
    conditions = received_in(lo, hi)
    if not all_policies:
        conditions.append(ComplaintRow.policy == policy.id)
    with registry.unit_of_work(read_only=True) as uow:
        rows = uow.session.execute(
            select(ComplaintRow.reference, ComplaintRow.status, ComplaintRow.channel,
                   ComplaintRow.service_concerned, ComplaintRow.decision, ComplaintRow.suggested_reason_code,
                   ComplaintRow.outcome, ComplaintRow.received_at, ComplaintRow.created_at,
                   ComplaintRow.acknowledged_at, ComplaintRow.answered_at, ComplaintRow.ack_due,
                   ComplaintRow.answer_due, ComplaintRow.dysfunctions, ComplaintRow.corrective_actions)
            .where(*conditions).order_by(ComplaintRow.id)
        ).all()
        triage_stmt = select(TriageCountRow.code, TriageCountRow.day, TriageCountRow.count)
        if not all_policies:
            triage_stmt = triage_stmt.where(TriageCountRow.policy == policy.id)
        if start:
            triage_stmt = triage_stmt.where(TriageCountRow.day >= start)
        if end:
            triage_stmt = triage_stmt.where(TriageCountRow.day <= end)
        triage_rows = uow.session.execute(triage_stmt).all()

    per_period: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    services: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    suggested: Counter[str] = Counter()
    ack = {"count": 0, "on_time": 0}
    answer = {"count": 0, "on_time": 0}
    days_to_ack: list[float] = []
    days_to_answer: list[float] = []
    overdue_open = 0
    dysfunctions: list[dict[str, Any]] = []
    corrective: list[dict[str, Any]] = []

    for r in rows:
        moment: datetime = r.received_at or r.created_at
        received_on = moment.astimezone(tz).date()
        per_period[_period_key(received_on, period)] += 1
        statuses[r.status] += 1
        channels[r.channel] += 1
        services[(r.service_concerned or "").strip() or NOT_GIVEN] += 1
        if r.outcome:
            outcomes[r.outcome] += 1
        if r.decision and r.decision != "admissible":
            refusals[r.decision] += 1
        if r.suggested_reason_code:
            suggested[r.suggested_reason_code] += 1
        if r.received_at and r.acknowledged_at:
            days_to_ack.append((r.acknowledged_at - r.received_at).total_seconds() / 86400)
            if r.ack_due:
                ack["count"] += 1
                ack["on_time"] += r.acknowledged_at.astimezone(tz).date() <= r.ack_due
        if r.received_at and r.answered_at:
            days_to_answer.append((r.answered_at - r.received_at).total_seconds() / 86400)
            if r.answer_due:
                answer["count"] += 1
                answer["on_time"] += r.answered_at.astimezone(tz).date() <= r.answer_due
        overdue_open += is_overdue(r.status, r.ack_due, r.answer_due, today)
        common = {"reference": r.reference, "service_concerned": r.service_concerned,
                  "received_on": received_on.isoformat()}
        dysfunctions += [common | {"text": t} for t in r.dysfunctions or []]
        corrective += [common | {"text": t} for t in r.corrective_actions or []]

    anonymous_refusals: Counter[str] = Counter()
    triage: Counter[str] = Counter()
    for code, _day, count in triage_rows:
        if code in TRIAGE_CODES:
            triage[code] += count
        elif code in REFUSAL_CODES:
            anonymous_refusals[code] += count

    reasons = sorted(set(refusals) | set(anonymous_refusals))
    by_reason: list[dict[str, Any]] = [{"code": c, "label": label(REASON_LABELS, c), "registered": refusals[c],
                  "anonymous": anonymous_refusals[c], "count": refusals[c] + anonymous_refusals[c]}
                 for c in reasons]
    by_reason.sort(key=lambda d: (-d["count"], d["code"]))
    return {
        "policy": "*" if all_policies else policy.id,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "period": period,
        "total": len(rows),
        "by_period": [{"period": k, "count": per_period[k]} for k in sorted(per_period)],
        "by_status": _counted(statuses, STATUS_LABELS),
        "by_channel": _counted(channels, CHANNEL_LABELS),
        "by_service": _counted(services, None, key="service"),
        "by_refusal_reason": by_reason,
        "by_outcome": _counted(outcomes, OUTCOME_LABELS),
        "suggested_reasons": _counted(suggested, REASON_LABELS),
        "not_complaints": _counted(triage, REASON_LABELS),
        "acknowledged_within_deadline": ack | {"share": _share(ack["on_time"], ack["count"])},
        "answered_within_deadline": answer | {"share": _share(answer["on_time"], answer["count"])},
        "median_days_to_acknowledge": _median_days(days_to_ack),
        "median_days_to_answer": _median_days(days_to_answer),
        "overdue_open": overdue_open,
        "dysfunctions": dysfunctions,
        "corrective_actions": corrective,
    }
