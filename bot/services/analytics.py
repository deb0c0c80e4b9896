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

from bot.domain.complaint import REFUSAL_CODES, TRIAGE_CODES
from bot.domain.policy import Policy
from bot.services._records import is_overdue
from bot.services.exports import period_bounds
from bot.services.labels import CHANNEL_LABELS, OUTCOME_LABELS, REASON_LABELS, STATUS_LABELS, label
from bot.services.uow import Registry

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


# the columns the figures use: all of them stay after anonymisation
FIGURE_COLUMNS = (
    "reference", "status", "channel", "service_concerned", "decision", "suggested_reason_code", "outcome",
    "received_at", "created_at", "acknowledged_at", "answered_at", "ack_due", "answer_due", "dysfunctions",
    "corrective_actions",
)


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
    lo, hi = period_bounds(start, end, policy.timezone)
    policy_id = None if all_policies else policy.id
    with registry.unit_of_work(read_only=True) as uow:
        rows = uow.complaints.received_between(lo, hi, FIGURE_COLUMNS, policy_id=policy_id)
        triage_rows = uow.triage.counts(policy_id, start=start, end=end)
    f = _Figures(ZoneInfo(policy.timezone), period, today)
    for r in rows:
        f.add(r)
    return {
        "policy": "*" if all_policies else policy.id,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "period": period,
        "total": len(rows),
        **f.tallies(*_anonymous_counts(triage_rows)),
        **f.delays_and_register(),
    }


class _Figures:
    """The counts, delays and register entries of the complaints added one by one."""

    def __init__(self, tz: ZoneInfo, period: Period, today: date) -> None:
        self.tz, self.period, self.today = tz, period, today
        self.per_period: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.channels: Counter[str] = Counter()
        self.services: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()
        self.refusals: Counter[str] = Counter()
        self.suggested: Counter[str] = Counter()
        self.ack = {"count": 0, "on_time": 0}
        self.answer = {"count": 0, "on_time": 0}
        self.days_to_ack: list[float] = []
        self.days_to_answer: list[float] = []
        self.overdue_open = 0
        self.dysfunctions: list[dict[str, Any]] = []
        self.corrective: list[dict[str, Any]] = []

    def add(self, r: dict[str, Any]) -> None:
        moment: datetime = r["received_at"] or r["created_at"]
        received_on = moment.astimezone(self.tz).date()
        self.per_period[_period_key(received_on, self.period)] += 1
        self.statuses[r["status"]] += 1
        self.channels[r["channel"]] += 1
        self.services[(r["service_concerned"] or "").strip() or NOT_GIVEN] += 1
        if r["outcome"]:
            self.outcomes[r["outcome"]] += 1
        if r["decision"] and r["decision"] != "admissible":
            self.refusals[r["decision"]] += 1
        if r["suggested_reason_code"]:
            self.suggested[r["suggested_reason_code"]] += 1
        self._delays(r)
        self.overdue_open += is_overdue(r["status"], r["ack_due"], r["answer_due"], self.today)
        common = {"reference": r["reference"], "service_concerned": r["service_concerned"],
                  "received_on": received_on.isoformat()}
        self.dysfunctions += [common | {"text": t} for t in r["dysfunctions"] or []]
        self.corrective += [common | {"text": t} for t in r["corrective_actions"] or []]

    def _delays(self, r: dict[str, Any]) -> None:
        received, acknowledged, answered = r["received_at"], r["acknowledged_at"], r["answered_at"]
        if received and acknowledged:
            self.days_to_ack.append((acknowledged - received).total_seconds() / 86400)
            if r["ack_due"]:
                self.ack["count"] += 1
                self.ack["on_time"] += acknowledged.astimezone(self.tz).date() <= r["ack_due"]
        if received and answered:
            self.days_to_answer.append((answered - received).total_seconds() / 86400)
            if r["answer_due"]:
                self.answer["count"] += 1
                self.answer["on_time"] += answered.astimezone(self.tz).date() <= r["answer_due"]

    def tallies(self, anonymous_refusals: Counter[str], triage: Counter[str]) -> dict[str, Any]:
        """The counts per period, status, channel, service, reason, outcome; the anonymous ones."""
        return {
            "by_period": [{"period": k, "count": self.per_period[k]} for k in sorted(self.per_period)],
            "by_status": _counted(self.statuses, STATUS_LABELS),
            "by_channel": _counted(self.channels, CHANNEL_LABELS),
            "by_service": _counted(self.services, None, key="service"),
            "by_refusal_reason": _by_reason(self.refusals, anonymous_refusals),
            "by_outcome": _counted(self.outcomes, OUTCOME_LABELS),
            "suggested_reasons": _counted(self.suggested, REASON_LABELS),
            "not_complaints": _counted(triage, REASON_LABELS),
        }

    def delays_and_register(self) -> dict[str, Any]:
        """The deadlines met, the median delays, what is overdue; the register's entries."""
        ack, answer = self.ack, self.answer
        return {
            "acknowledged_within_deadline": ack | {"share": _share(ack["on_time"], ack["count"])},
            "answered_within_deadline": answer | {"share": _share(answer["on_time"], answer["count"])},
            "median_days_to_acknowledge": _median_days(self.days_to_ack),
            "median_days_to_answer": _median_days(self.days_to_answer),
            "overdue_open": self.overdue_open,
            "dysfunctions": self.dysfunctions,
            "corrective_actions": self.corrective,
        }


def _anonymous_counts(triage_rows: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """The anonymous counts summed per code: refusals without identity, and what was not a complaint."""
    refusals: Counter[str] = Counter()
    triage: Counter[str] = Counter()
    for item in triage_rows:
        code, count = item["code"], item["count"]
        if code in TRIAGE_CODES:
            triage[code] += count
        elif code in REFUSAL_CODES:
            refusals[code] += count
    return refusals, triage


def _by_reason(registered: Counter[str], anonymous: Counter[str]) -> list[dict[str, Any]]:
    """Refusals per reason: registered complaints and anonymous counts, most frequent first."""
    by_reason: list[dict[str, Any]] = [
        {"code": c, "label": label(REASON_LABELS, c), "registered": registered[c], "anonymous": anonymous[c],
         "count": registered[c] + anonymous[c]}
        for c in sorted(set(registered) | set(anonymous))
    ]
    by_reason.sort(key=lambda d: (-d["count"], d["code"]))
    return by_reason
