"""The supervisor's dashboard (stages, queues, overdue tasks, throughput, station use,
rejections by source) and every unfinished task, with reassignment. Applications link to
their flow run in the Prefect UI."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from console.routes_review import acting_roles, queue_filter
from console.security import User, check_csrf, require
from console.web import RowId, flash, redirect, render
from flows.wiring import Services
from storage.applications import count_by_stage
from storage.console_queries import (
    QueueFilter,
    daily_counts,
    open_tasks_by_role,
    reassign_task,
    rejections_by_source,
    station_use,
    task_queue,
)
from storage.models import HumanTask
from storage.users import get_user, list_users
from verification.errors import PasporError

__all__ = ["router"]

router = APIRouter()
Supervisor = Annotated[User, Depends(require(lambda r: r.supervision))]
DAYS = 14


@router.get("/supervisor", response_class=HTMLResponse)
def dashboard(request: Request, user: Supervisor) -> HTMLResponse:
    services: Services = request.app.state.services
    now = datetime.now(UTC)
    today = date.today()
    since = today - timedelta(days=DAYS - 1)
    with services.sessions() as session:
        stages = count_by_stage(session)
        overdue, overdue_total = task_queue(
            session, QueueFilter(deadline="overdue"), now=now, limit=20
        )
        context = {
            "stages": [(s, stages.get(s, 0)) for s in services.process.stages],
            "queues": open_tasks_by_role(session, now=now),
            "overdue": overdue,
            "overdue_total": overdue_total,
            "issued": daily_counts(session, to_stage="issued", since=since, until=today),
            "reviewed": daily_counts(session, to_stage="review", since=since, until=today),
            "stations": station_use(session, day=today),
            "rejections": rejections_by_source(session),
        }
    return render(request, "supervisor.html", context)


@router.get("/supervisor/tasks", response_class=HTMLResponse)
def all_tasks(request: Request, user: Supervisor) -> HTMLResponse:
    services: Services = request.app.state.services
    f, shown = queue_filter(request, kinds=(), roles=None, user=user)
    f = QueueFilter(**{**f.__dict__, "kinds": None})
    with services.sessions() as session:
        rows, total = task_queue(session, f, now=datetime.now(UTC), limit=100)
        users = [u.name for u in list_users(session) if u.active]
    return render(
        request,
        "tasks.html",
        {
            "rows": rows,
            "total": total,
            "shown": shown,
            "users": users,
            "stages": sorted(services.process.stages),
        },
    )


@router.post("/tasks/{task_id}/reassign", dependencies=[Depends(check_csrf)])
def reassign(
    request: Request, task_id: RowId, user: Supervisor, to_user: Annotated[str, Form()]
) -> Response:
    services: Services = request.app.state.services
    try:
        with services.sessions.begin() as session:
            target = get_user(session, name=to_user)
            task = session.get(HumanTask, task_id)
            if target is None or not target.active or task is None:
                raise PasporError(f"no active user {to_user} or no task {task_id}")
            them = User(target.name, frozenset(target.roles))
            if task.role not in acting_roles(them, task.kind, request.app.state.policy):
                raise PasporError(f"{to_user} does not hold the {task.role} role")
            reassign_task(session, task_id=task_id, to_user=to_user, actor=user.name)
    except PasporError as exc:
        flash(request, str(exc), "error")
        return redirect("/supervisor/tasks")
    flash(request, f"task {task_id} → {to_user}")
    return redirect("/supervisor/tasks")
