"""Signing in and out, the language switch, and the start page (the user's first part)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.i18n import LANGUAGES
from console.security import SignInRequired, check_csrf, current_user
from console.web import nav_for, redirect, render
from flows.wiring import Services
from storage.audit import append_event
from storage.models import utcnow
from storage.throttle import blocked_until, record_failure, record_success, subjects
from storage.users import authenticate

__all__ = ["router"]

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (``//host`` or a scheme)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        raise SignInRequired
    parts = nav_for(user, request.app.state.roles)
    if parts:
        return redirect(parts[0][0])
    return render(request, "error.html", {"title": "forbidden", "text": "forbidden_text"}, 403)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next), "failed": False})


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    services: Services = request.app.state.services
    now = utcnow()
    counted = subjects(name, request.client.host if request.client else None)
    with services.sessions.begin() as session:
        until = blocked_until(session, counted, now)
        if until is not None:  # the password is not checked, the same for any name
            append_event(
                session,
                actor="unknown",
                action="user.sign_in_throttled",
                entity_type="user",
                entity_id="-",
                payload={"blocked_until": until.isoformat(timespec="seconds")},
            )
            signed = None
        else:
            user = authenticate(session, name=name.strip().lower(), password=password)
            signed = user.name if user is not None else None
            if signed is None:
                record_failure(session, counted, now)
            else:
                record_success(session, signed)
    if until is not None:
        wait = max(1, int((until - now).total_seconds() + 59) // 60)
        context = {"next": _safe_next(next), "throttled": wait, "name": name}
        return render(request, "login.html", context, 429)
    if signed is None:
        context = {"next": _safe_next(next), "failed": True, "name": name}
        return render(request, "login.html", context, 401)
    lang = request.session.get("lang", "id")
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session.update({"user": signed, "lang": lang})
    return redirect(_safe_next(next))


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    lang = request.session.get("lang", "id")
    request.session.clear()
    request.session["lang"] = lang
    return redirect("/login")


@router.post("/lang", dependencies=[Depends(check_csrf)])
def language(
    request: Request, lang: Annotated[str, Form()], back: Annotated[str, Form()] = "/"
) -> Response:
    if lang in LANGUAGES:
        request.session["lang"] = lang
    return redirect(_safe_next(back))


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
