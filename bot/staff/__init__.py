"""Staff side of the web service: the JSON API (`/api/v1/`, bot/staff/api/), the dashboard
(`/staff/`, bot/staff/pages/) and the background worker that sends the e-mail outbox and the
notices to staff.

    api/        one router per API resource, assembled in api/__init__.py
    pages/      one router per dashboard resource, assembled in pages/__init__.py
    deps.py     the handlers' dependencies: registry, clock, preset, the caller (token,
                session, form with CSRF) and their role
    common.py   what deps.py reads from `app.state`, and the services' errors' HTTP status
    downloads.py  the files both serve (attachments, PDF/JSON exports, registry CSV)
    session.py  the dashboard's signed cookies and login throttling
    worker.py   the outbox worker
"""

from __future__ import annotations

from fastapi import FastAPI


def install_staff(app: FastAPI) -> None:
    """Add the staff routers to the web service and start the outbox worker with it."""
    from bot.staff.api import api_router
    from bot.staff.pages import dashboard_router
    from bot.staff.worker import install_worker

    app.include_router(api_router)
    app.include_router(dashboard_router)
    install_worker(app)
