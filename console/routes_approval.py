"""The adjudicator's approval queue: approve chosen or all clean applications in bulk, or
reject one with a reason code. Four-eyes and sign-offs are the approval service's: a refusal
is shown with its reason, and nothing else changes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.routes_review import queue_filter
from console.security import User, check_csrf, require
from console.web import flash, redirect, render, resume_run
from flows.stages.approval import adjudicate, approve_many, clean_in_approval
from flows.wiring import Services
from rules.policy import Policy
from storage.console_queries import task_queue
from verification.errors import PasporError

__all__ = ["router"]

router = APIRouter()
Adjudicator = Annotated[User, Depends(require(lambda r: r.approval))]


def _role(request: Request, user: User) -> str:
    policy: Policy = request.app.state.policy
    return user.role_for(policy.stages["approval"].roles) or ""


@router.get("/approval", response_class=HTMLResponse)
def approval_queue(request: Request, user: Adjudicator) -> HTMLResponse:
    services: Services = request.app.state.services
    f, shown = queue_filter(request, kinds=("approval",), roles=None, user=user)
    with services.sessions() as session:
        rows, total = task_queue(session, f, now=datetime.now(UTC), limit=200)
    clean = set(clean_in_approval(services))
    return render(
        request,
        "approval.html",
        {"rows": rows, "total": total, "clean": clean, "shown": shown},
    )


def _approve(
    request: Request, user: User, numbers: list[str], background: BackgroundTasks
) -> Response:
    services: Services = request.app.state.services
    done, refused = approve_many(
        services,
        numbers,
        user=user.name,
        role=_role(request, user),
        policy=request.app.state.policy,
    )
    for result in done:
        flash(request, f"{result.number}: {result.note or 'approved → ' + result.stage}")
        if result.complete:
            background.add_task(
                resume_run,
                result.flow_run_id,
                task_id=0,
                outcome="approved",
                decision=result.decision_id,
            )
    for number, why in refused:
        flash(request, f"{number}: {why}", "error")
    return redirect("/approval")


@router.post("/approval/approve", dependencies=[Depends(check_csrf)])
def approve_chosen(
    request: Request,
    user: Adjudicator,
    background: BackgroundTasks,
    numbers: Annotated[list[str] | None, Form()] = None,
) -> Response:
    if not numbers:
        flash(request, "no application chosen", "error")
        return redirect("/approval")
    return _approve(request, user, numbers, background)


@router.post("/approval/approve-clean", dependencies=[Depends(check_csrf)])
def approve_clean(request: Request, user: Adjudicator, background: BackgroundTasks) -> Response:
    return _approve(request, user, clean_in_approval(request.app.state.services), background)


@router.post("/approval/{number}/reject", dependencies=[Depends(check_csrf)])
def reject(
    request: Request,
    number: str,
    user: Adjudicator,
    background: BackgroundTasks,
    reason_code: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        result = adjudicate(
            request.app.state.services,
            number=number,
            user=user.name,
            role=_role(request, user),
            policy=request.app.state.policy,
            approve=False,
            reason_code=reason_code or None,
            note=note.strip() or None,
        )
    except PasporError as exc:
        flash(request, f"{number}: {exc}", "error")
        return redirect(f"/cases/{number}")
    background.add_task(
        resume_run, result.flow_run_id, task_id=0, outcome="rejected", decision=result.decision_id
    )
    flash(request, f"{number}: rejected ({reason_code})")
    return redirect("/approval")
