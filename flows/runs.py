"""Which flow run carries an application, and starting one where none does.

An application is carried by at most one live flow run, recorded in ``applications.
flow_run_id`` before the run starts. A run is *live* while it is scheduled, pending, running
(and heard from recently) or suspended. A run that crashed, failed, was cancelled, or has
been "running" for longer than ``stale_after`` (its worker was killed: nothing reports its end)
no longer carries the application: ``recover`` starts a new run, which picks the application
up from its stage in the database. Work already committed is not done again (conditional
stage changes, stored extractions, cached task results), so a restart costs only the
interrupted step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.states import Crashed
from sqlalchemy import select

from flows.wiring import Services
from storage.applications import set_flow_run
from storage.models import Application

__all__ = ["DEPLOYMENT", "carried", "recover", "start_run"]

DEPLOYMENT = "process-application/paspor"
ACTOR = "paspor-runs"
LIVE = (StateType.SCHEDULED, StateType.PAUSED)  # a worker picks it up / a person resumes it
BUSY = (StateType.PENDING, StateType.RUNNING)  # live while heard from within stale_after


def _run(client: SyncPrefectClient, run_id: str | None) -> FlowRun | None:
    if not run_id:
        return None
    try:
        return client.read_flow_run(UUID(run_id))
    except ObjectNotFound:
        return None


def carried(run: FlowRun | None, *, now: datetime, stale_after: timedelta) -> bool:
    """Whether this run still carries its application."""
    state = run.state if run is not None else None
    if state is None:
        return False
    if state.type in LIVE:
        return True
    if state.type in BUSY:
        return now - state.timestamp < stale_after
    return False  # completed, failed, crashed, cancelled


def start_run(services: Services, application_id: int) -> UUID:
    """A new flow run for the application, recorded before it can start."""
    flow_run = run_deployment(DEPLOYMENT, parameters={"application_id": application_id}, timeout=0)
    run_id = flow_run.id  # type: ignore[union-attr]
    with services.sessions.begin() as session:
        set_flow_run(session, application_id=application_id, flow_run_id=str(run_id), actor=ACTOR)
    return run_id


def recover(
    services: Services,
    *,
    stale_after: timedelta = timedelta(minutes=10),
    only: Sequence[int] | None = None,
) -> list[int]:
    """Start a run for every unfinished application that no live run carries (or only for the
    ids in ``only``); a stale "running" run is marked crashed first. Returns the ids."""
    now = datetime.now(UTC)
    terminal = [s for s in services.process.stages if services.process.is_terminal(s)]
    query = select(Application.id, Application.flow_run_id).where(
        Application.stage.not_in(terminal)
    )
    if only is not None:
        query = query.where(Application.id.in_(only))
    with services.sessions() as session:
        rows = session.execute(query.order_by(Application.id)).all()
    started = []
    with get_client(sync_client=True) as client:
        for app_id, run_id in rows:
            run = _run(client, run_id)
            if carried(run, now=now, stale_after=stale_after):
                continue
            if run is not None and run.state is not None and not run.state.is_final():
                client.set_flow_run_state(
                    run.id, Crashed(message="its worker stopped; restarted"), force=True
                )
            start_run(services, app_id)
            started.append(app_id)
    return started
