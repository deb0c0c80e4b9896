"""What the staff API and dashboard share: the registry, the preset, the settings, the clock,
today's local date and the dashboard's cookie signer, taken from `app.state` (bot/staff/deps.py
makes them dependencies), and the HTTP status of the services' errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Literal, get_args

from fastapi import Request

from bot.config import Settings
from bot.domain.complaint import DomainError
from bot.domain.deadlines import local_date
from bot.domain.policy import Policy
from bot.services.uow import Registry
from bot.staff.session import Signer, load_key

# the channels a complaint received elsewhere can come from
StaffChannel = Literal["email", "post", "phone", "counter"]
STAFF_CHANNELS: tuple[str, ...] = get_args(StaffChannel)

# service error code -> HTTP status
ERROR_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "illegal_transition": 409,
    "read_only": 409,
    "policy_missing": 409,
}


def error_status(exc: DomainError) -> int:
    return ERROR_STATUS.get(exc.code, 422)


def registry_of(request: Request) -> Registry:
    return request.app.state.registry  # type: ignore[no-any-return]


def policy_of(request: Request) -> Policy:
    return request.app.state.policy  # type: ignore[no-any-return]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def now_of(request: Request) -> datetime:
    """The current instant; tests may set `app.state.clock` (a callable returning an aware datetime)."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock else datetime.now(UTC)


def signer_of(request: Request) -> Signer:
    """The dashboard's cookie signer, made once per service from `var/staff_session_key`."""
    signer: Signer | None = getattr(request.app.state, "staff_signer", None)
    if signer is None:
        signer = Signer(load_key(settings_of(request).var_dir))
        request.app.state.staff_signer = signer
    return signer


def today_of(request: Request) -> date:
    return local_date(now_of(request), policy_of(request).timezone)


def policy_named(request: Request, policy_id: str | None) -> Policy:
    """The preset `policy_id` (a complaint's), else the service's own."""
    from bot.policies import PolicyError, load_policy

    if policy_id and policy_id != policy_of(request).id:
        try:
            return load_policy(policy_id)
        except PolicyError:
            pass
    return policy_of(request)


def with_deadlines(request: Request, item: dict[str, Any]) -> dict[str, Any]:
    """A record or list item plus `deadlines` (days left, state) on its preset's local today."""
    from bot.services.staff import deadline_state

    policy = policy_named(request, item.get("policy"))
    today = local_date(now_of(request), policy.timezone)
    return item | {"deadlines": deadline_state(item, today, policy.country, policy.timezone)}
