"""The review queue, and claiming and unclaiming tasks (any kind, by whoever may act on it).

The queue shows the tasks the user's roles may take (a verification officer also sees the
verification supervisor's, as the review service allows), most urgent first, filtered by
stage, age and deadline status.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.security import Roles, User, check_csrf, require
from console.web import RowId, flash, redirect, render
from flows.stages.review import REVIEW_TASKS
from flows.wiring import Services
from rules.policy import Policy
from storage.console_queries import DEADLINES, QueueFilter, task_queue
from storage.models import HumanTask
from storage.tasks import claim_task, get_task, unclaim_task
from verification.errors import PasporError

__all__ = ["acting_roles", "queue_filter", "router"]

router = APIRouter()
PAGE = 50
Reviewer = Annotated[User, Depends(require(lambda r: r.review))]
Worker = Annotated[
    User, Depends(require(lambda r: (*r.review, *r.approval, *r.biometrics, *r.printing)))
]


def acting_roles(user: User, kind: str, policy: Policy) -> set[str]:
    """The task roles whose tasks of ``kind`` the user may take: their own roles, and for a
    review any review role when they hold one (the review service allows it)."""
    roles = set(user.roles)
    review_roles = set(policy.stages["review"].roles)
    if kind in REVIEW_TASKS and roles & review_roles:
        roles |= review_roles
    return roles


def may_take(user: User, task: HumanTask, policy: Policy, roles: Roles) -> bool:
    if task.kind == "approval":
        return user.has(roles.approval)
    return task.role in acting_roles(user, task.kind, policy)


def queue_filter(
    request: Request, *, kinds: tuple[str, ...], roles: set[str] | None, user: User
) -> tuple[QueueFilter, dict[str, str]]:
    """The filter from the page's query string, and the values to show in the form."""
    q = request.query_params
    shown = {
        "stage": q.get("stage", ""),
        "older": q.get("older", ""),
        "deadline": q.get("deadline", "") if q.get("deadline") in DEADLINES else "",
        "status": q.get("status", "") if q.get("status") in ("open", "claimed") else "",
        "mine": "1" if q.get("mine") else "",
    }
    older = small_number(shown["older"], 3650)
    if shown["stage"] not in request.app.state.services.process.stages:
        shown["stage"] = ""
    return (
        QueueFilter(
            kinds=kinds,
            roles=sorted(roles) if roles is not None else None,
            statuses=(shown["status"],) if shown["status"] else ("open", "claimed"),
            stage=shown["stage"] or None,
            older_than_days=older,
            deadline=shown["deadline"] or None,
            assignee=user.name if shown["mine"] else None,
        ),
        shown,
    )


def _page(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(small_number(raw, 100_000) or 1, 1)


def small_number(text: str, cap: int) -> int | None:
    """A filter's whole number in ASCII digits, at most ``cap``; None for anything else."""
    if not text or len(text) > len(str(cap)) or not all("0" <= c <= "9" for c in text):
        return None
    return min(int(text), cap)


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, user: Reviewer) -> HTMLResponse:
    services: Services = request.app.state.services
    policy: Policy = request.app.state.policy
    f, shown = queue_filter(
        request, kinds=REVIEW_TASKS, roles=acting_roles(user, "review", policy), user=user
    )
    page = _page(request)
    with services.sessions() as session:
        rows, total = task_queue(
            session, f, now=datetime.now(UTC), limit=PAGE, offset=(page - 1) * PAGE
        )
    return render(
        request,
        "queue.html",
        {
            "title": "review_queue",
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max((total + PAGE - 1) // PAGE, 1),
            "shown": shown,
            "stages": sorted(services.process.stages),
            "can_claim": True,
        },
    )


def _back(request: Request, fallback: str) -> str:
    back = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    return back.removeprefix(origin) if back.startswith(origin + "/") else fallback


@router.post("/tasks/{task_id}/claim", dependencies=[Depends(check_csrf)])
def claim(
    request: Request, task_id: RowId, user: Worker, next: Annotated[str, Form()] = ""
) -> Response:
    services: Services = request.app.state.services
    try:
        with services.sessions.begin() as session:
            task = get_task(session, task_id=task_id)
            if not may_take(user, task, request.app.state.policy, request.app.state.roles):
                flash(request, f"task {task_id} is for {task.role}", "error")
                return redirect(_back(request, "/"))
            claim_task(session, task_id=task_id, user=user.name)
    except PasporError as exc:
        flash(request, str(exc), "error")
        return redirect(_back(request, "/"))
    return redirect(next if next.startswith("/") and not next.startswith("//") else "/")


@router.post("/tasks/{task_id}/unclaim", dependencies=[Depends(check_csrf)])
def unclaim(request: Request, task_id: RowId, user: Worker) -> Response:
    services: Services = request.app.state.services
    try:
        with services.sessions.begin() as session:
            unclaim_task(session, task_id=task_id, user=user.name)
    except PasporError as exc:
        flash(request, str(exc), "error")
    return redirect(_back(request, "/review"))
