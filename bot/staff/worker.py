"""The web service's background worker: every `interval` seconds it queues the notices to
staff (new complaints, deadlines within two working days) and sends the e-mail outbox.
When the SMTP server is down it waits longer and longer (up to five minutes) and then
resumes; nothing is lost, the e-mails wait in the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from bot.config import Settings
from bot.services.notifications import queue_staff_notices
from bot.services.outbox import SmtpSecurity, flush_outbox
from bot.services.uow import Registry

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 30.0
MAX_BACKOFF = 300.0


def run_once(registry: Registry, settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """One round: staff notices, then the outbox. Returns what was done."""
    now = now or datetime.now(UTC)
    notices = queue_staff_notices(registry, staff_email=settings.staff_notify_email, now=now,
                                  base_url=settings.public_base_url)
    sent = flush_outbox(registry, smtp_host=settings.smtp_host, smtp_port=settings.smtp_port,
                        mail_from=settings.mail_from, security=SmtpSecurity.from_settings(settings))
    return {"notices": notices, "outbox": sent}


def install_worker(app: FastAPI) -> None:
    """Start the worker with the service (`app.state.on_start`) and stop it with it.
    `app.state.outbox_interval` (seconds) sets its pace; 0 or None switches it off."""

    async def start(app: FastAPI) -> None:
        interval = getattr(app.state, "outbox_interval", DEFAULT_INTERVAL)
        if not interval:
            return
        app.state.outbox_task = asyncio.create_task(_loop(app, float(interval)))

    async def stop(app: FastAPI) -> None:
        task = getattr(app.state, "outbox_task", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.state.on_start.append(start)
    app.state.on_stop.append(stop)


async def _loop(app: FastAPI, interval: float) -> None:
    delay = interval
    while True:
        try:
            clock = getattr(app.state, "clock", None)  # tests give the service a clock
            result = await asyncio.to_thread(run_once, app.state.registry, app.state.settings,
                                             clock() if clock else None)
            failed = bool(result["outbox"]["error"]) and app.state.settings.smtp_host
            delay = min(delay * 2, MAX_BACKOFF) if failed else interval
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the worker must survive a database hiccup
            log.warning("staff worker: round failed (%s)", type(exc).__name__)
            delay = min(delay * 2, MAX_BACKOFF)
        await asyncio.sleep(delay)
