"""The console application: ``create_app()`` wires services, sessions, pages and errors.

``paspor console`` serves ``console.app:create_app`` with uvicorn (by name, as a factory), so
the command line never imports this package; tests build it over their own services.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from console import (
    routes_approval,
    routes_audit,
    routes_auth,
    routes_case,
    routes_review,
    routes_stations,
    routes_supervisor,
)
from console.security import CsrfFailed, Forbidden, SignInRequired, roles_for
from console.web import redirect, render
from flows.wiring import Services, get_services
from rules.policy import Policy, default_policy

__all__ = ["SECURITY_HEADERS", "SESSION_COOKIE", "create_app"]

SESSION_COOKIE = "paspor_session"
# Scripts only from /static (no inline script can run if a value ever slipped through
# escaping), no framing (clickjacking), no form posts or base URLs elsewhere. Inline style
# attributes are allowed: templates use a few, and styles cannot run code.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show personal data: not kept in shared caches
}
SESSION_HOURS = 10  # one working day


def _has_control_characters(request: Request) -> bool:
    """Whether the decoded path or a query value holds a control character."""
    values = [request.url.path, *request.query_params.values()]
    return any(ord(c) < 32 or ord(c) == 127 for value in values for c in value)


def create_app(
    services: Services | None = None,
    *,
    policy: Policy | None = None,
    timezone: str = "Asia/Jakarta",
    prefect_ui: str | None = None,
) -> FastAPI:
    services = services or get_services()
    settings = services.settings
    app = FastAPI(title="paspor console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.services = services
    app.state.policy = policy or default_policy()
    app.state.roles = roles_for(app.state.policy)
    app.state.zone = ZoneInfo(timezone)
    app.state.prefect_ui = (
        prefect_ui or os.environ.get("PREFECT_UI_URL") or "http://127.0.0.1:4200"
    ).rstrip("/")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=settings.mode == "production",
    )

    @app.middleware("http")
    async def _security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        if _has_control_characters(request):  # NUL and friends: no use here, and a NUL
            # is an error in a PostgreSQL text parameter (this runs outside the session)
            response: Response = PlainTextResponse("400: control characters in the request", 400)
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (
        routes_auth,
        routes_review,
        routes_case,
        routes_approval,
        routes_stations,
        routes_supervisor,
        routes_audit,
    ):
        app.include_router(module.router)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        target = request.url.path
        if request.method == "GET" and request.url.query:
            target += "?" + request.url.query
        return redirect(f"/login?next={target}" if request.method == "GET" else "/login")

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
        return render(request, "error.html", {"title": "forbidden", "text": "forbidden_text"}, 403)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> HTMLResponse:
        return render(request, "error.html", {"title": "forbidden", "text": "csrf_failed"}, 403)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> HTMLResponse:
        title = "not_found" if exc.status_code == 404 else "forbidden"
        return render(request, "error.html", {"title": title, "text": exc.detail}, exc.status_code)

    return app
