"""The scheduled maintenance flow: late tasks escalated, uncollected passports cancelled,
stalled runs resumed, orphans restarted.

Scheduled by ``paspor serve`` (and ``prefect.yaml``) every 15 minutes, one run at a time.
Besides escalating late tasks, it resumes application runs left suspended on a task that is
already done: a service commits a decision first and resumes the run afterwards, so a resume
that failed (the Prefect server was away) leaves exactly this state behind.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from sqlalchemy import select

from flows.application import WAITING_TASKS, resume_application
from flows.runs import recover
from flows.stages.handoff import waiting_task
from flows.stages.maintenance import escalate_overdue
from flows.stages.printing import cancel_uncollected
from flows.wiring import get_services
from rules.policy import default_policy
from storage.models import Application

__all__ = ["maintenance"]


@task(name="escalate-overdue", cache_policy=NO_CACHE)
def escalate() -> int:
    return len(escalate_overdue(get_services(), policy=default_policy()))


@task(name="resume-stalled", cache_policy=NO_CACHE)
def resume_stalled() -> int:
    """Resume suspended runs that wait on nothing any more: their application left the waiting
    stage, or the task the run suspended on was followed by a newer one (created after the
    suspension began) whose decision was committed but whose resume was lost."""
    services = get_services()
    with services.sessions() as session:
        rows = session.execute(
            select(Application.id, Application.stage, Application.flow_run_id).where(
                Application.flow_run_id.is_not(None)
            )
        ).all()
    resumed = 0
    with get_client(sync_client=True) as client:
        for app_id, stage, run_id in rows:
            state = client.read_flow_run(UUID(run_id)).state
            if state is None or not state.is_paused():
                continue
            newest = None
            if stage in WAITING_TASKS:
                with services.sessions() as session:
                    newest = waiting_task(
                        session, application_id=app_id, kinds=WAITING_TASKS[stage]
                    )
            if newest is not None and newest.created_at <= state.timestamp:
                continue  # suspended on the task that is still to be done: right as it is
            resumed += resume_application(run_id, task_id=0, outcome="reconciled")
    return resumed


@task(name="restart-orphans", cache_policy=NO_CACHE)
def restart_orphans() -> int:
    """Applications no live run carries (submitted but never started, or their worker was
    killed) get a new run."""
    return len(recover(get_services()))


@task(name="cancel-uncollected", cache_policy=NO_CACHE)
def cancel_uncollected_books() -> int:
    """Books not collected within the policy's days are cancelled (their runs then end)."""
    services = get_services()
    expired = cancel_uncollected(services, today=date.today(), policy=default_policy())
    for book in expired:
        resume_application(book.flow_run_id, task_id=book.task_id or 0, outcome="not_collected")
    return len(expired)


@flow(name="maintenance", flow_run_name="maintenance")
def maintenance() -> dict[str, int]:
    counts = {
        "escalated": escalate(),
        "not_collected": cancel_uncollected_books(),
        "resumed": resume_stalled(),
        "started": restart_orphans(),
    }
    get_run_logger().info("maintenance: %s", counts)
    return counts
