"""Staff side of the web service: the JSON API (`/api/v1/`), the dashboard (`/staff/`) and the
background worker that sends the e-mail outbox and the notices to staff."""

from __future__ import annotations

from fastapi import FastAPI


def install_staff(app: FastAPI) -> None:
    """Add the staff routers to the web service and start the outbox worker with it."""
    from bot.staff.api import make_api_router
    from bot.staff.dashboard import make_dashboard_router
    from bot.staff.worker import install_worker

    app.include_router(make_api_router())
    app.include_router(make_dashboard_router())
    install_worker(app)
