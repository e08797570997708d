"""What every page shares: the templates, the page context, flash messages, and resuming a
flow run after a committed decision."""

from __future__ import annotations

import logging
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Path as PathParam
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from console.i18n import translate
from console.security import Roles, User, csrf_token, current_user

__all__ = ["TEMPLATES", "RowId", "flash", "parse_day", "redirect", "render", "resume_run"]

# A row id in a path: out of a database integer's range is refused (422) before any query.
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD filter value, or None when empty or not a date (the filter is ignored)."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


log = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")

# (path, label key, which roles reach it)
NAV = (
    ("/review", "review_queue", "review"),
    ("/approval", "approval_queue", "approval"),
    ("/stations/biometrics", "biometrics", "biometrics"),
    ("/stations/printing", "printing", "printing"),
    ("/supervisor", "supervision", "supervision"),
    ("/audit", "audit", "audit"),
)


def nav_for(user: User | None, roles: Roles) -> list[tuple[str, str]]:
    if user is None:
        return []
    return [(path, label) for path, label, part in NAV if user.has(getattr(roles, part))]


def _when(zone: ZoneInfo, value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(zone).strftime(fmt) if value else "-"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    user = current_user(request)
    lang = request.session.get("lang", "id")
    state = request.app.state
    policy = state.policy
    label = "label_en" if lang == "en" else "label_id"
    page = {
        "user": user,
        "lang": lang,
        "t": partial(translate, lang),
        "csrf": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "nav": nav_for(user, state.roles),
        "path": request.url.path,
        "role_label": lambda role: getattr(policy.roles.get(role), label, role) or role,
        "reason_label": lambda code: getattr(policy.rejection_reasons.get(code), label, code),
        "when": partial(_when, state.zone),
        "now": datetime.now(state.zone),
        "prefect_ui": state.prefect_ui,
        **(context or {}),
    }
    return TEMPLATES.TemplateResponse(request, name, page, status_code=status)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = [*request.session.get("flash", []), [kind, message]]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def resume_run(
    flow_run_id: str | None, *, task_id: int, outcome: str, decision: int | None
) -> None:
    """Resume the application's suspended flow run after its decision was committed; run
    after the response. A failure leaves the decision standing (the maintenance flow carries
    the application on); only ids are logged."""
    if not flow_run_id:
        return
    try:
        from flows.application import resume_application

        resumed = resume_application(
            flow_run_id, task_id=task_id, outcome=outcome, decision_id=decision
        )
    except Exception as exc:  # no server, network: the decision stands either way
        log.warning("flow run %s not resumed (%s); decision kept", flow_run_id, type(exc).__name__)
        return
    log.info("flow run %s %s", flow_run_id, "resumed" if resumed else "was not suspended")
