"""The application flow on Prefect: one flow run carries one application to its end.

``process_application`` takes the application id, never personal data (Prefect stores and
shows parameters, logs and results). The database is the record: the flow reads the
application's stage and does what that stage needs, again and again, until the stage is
terminal:

- intake and verification run as the ``verification`` subflow (a cached, retried task over
  ``flows.stages.verification``);
- a stage where a person must act (review, approval, biometrics, printing) suspends the run
  until that person's task is done: ``suspend_flow_run(wait_for_input=Resumed, key=task-N)``
  with a timeout from the task's deadline plus the stage's grace. The services commit the
  decision first and resume the run afterwards (``resume_application``); the resumed run
  re-executes this body, finds the new stage in the database and carries on.

A retried or resumed run does no work twice: stage changes are conditional updates,
extractions are stored per document and reader version, and the verification task's result is
cached under the application, the round it entered verification, its documents' hashes and
the policy version.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger, suspend_flow_run, task
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.context import get_run_context
from prefect.exceptions import FlowPauseTimeout, NotPausedError, ObjectNotFound
from prefect.flow_runs import resume_flow_run
from prefect.input import RunInput
from sqlalchemy import select

from flows.limits import PRINTERS
from flows.logs import configure_logging
from flows.stages.biometrics import book_appointment
from flows.stages.handoff import waiting_task
from flows.stages.printing import PrintResult, print_passport
from flows.stages.verification import VerificationOutcome, start_verification, verify_application
from flows.wiring import get_services
from rules.policy import default_policy
from storage.applications import get_application_by_id, set_flow_run
from storage.models import Capture, Document, HumanTask, StageEvent
from storage.printing import live_book
from storage.store.base import check_hash
from verification.errors import is_retryable
from verification.printing.qc import mrz_engine
from verification.reading.ocr import TesseractEngine

__all__ = [
    "WAITING_TASKS",
    "Resumed",
    "process_application",
    "resume_application",
    "verification",
]

log = logging.getLogger(__name__)

# The task kinds each waiting stage waits on.
WAITING_TASKS = {
    "review": ("review", "reupload"),
    "approval": ("approval",),
    "biometrics": ("biometrics",),
    "printing": ("handover", "printing"),
}
GRACE = timedelta(days=30)  # how long past its deadline a suspended run still waits
MAX_STEPS = 50  # stage visits per run: a loop that long is a bug, not a process


class Resumed(RunInput):
    """What a service tells a suspended run when a person has acted: ids and words only."""

    task_id: int
    outcome: str
    decision_id: int | None = None


def _retry_infrastructure(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only what a retry may cure: the database or document store being away."""
    try:
        state.result()
    except Exception as exc:  # the task's own exception
        return is_retryable(exc) or type(exc).__module__.startswith(("sqlalchemy", "psycopg"))
    return False


# Every task reads or writes the database or the store and is safe to run again (reads,
# conditional stage changes, idempotent bookings), so each is retried when one of them is
# briefly away: after 2, 10 and 30 s. Then the run fails, visibly, in the stage it was in.
RETRIED: dict[str, Any] = {
    "retries": 3,
    "retry_delay_seconds": [2, 10, 30],
    "retry_condition_fn": _retry_infrastructure,
}


@task(name="open-verification", cache_policy=NO_CACHE, **RETRIED)
def open_verification(application_id: int) -> str:
    return start_verification(get_services(), application_id)


@task(name="verification-round", cache_policy=NO_CACHE, **RETRIED)
def verification_round(application_id: int) -> str:
    """Names this visit of the verification stage: the stage event that entered it (id and
    time, so that another database's event 1 is not this one), the stored documents' hashes
    and the policy version (the verification task's cache key)."""
    services = get_services()
    with services.sessions() as session:
        entered = session.execute(
            select(StageEvent.id, StageEvent.created_at)
            .where(
                StageEvent.application_id == application_id,
                StageEvent.to_stage == "verification",
            )
            .order_by(StageEvent.id.desc())
            .limit(1)
        ).first()
        hashes = sorted(
            h or ""
            for h in session.scalars(
                select(Document.sha256).where(
                    Document.application_id == application_id, Document.status == "stored"
                )
            )
        )
    digest = hashlib.sha256("|".join(hashes).encode()).hexdigest()[:16]
    event = f"{entered.id}@{entered.created_at:%Y%m%dT%H%M%S%f}" if entered else "none"
    return f"{event}-{digest}-{default_policy().version}"


@task(
    name="verify",
    cache_key_fn=lambda _, p: f"paspor-verify-{p['application_id']}-{p['round_key']}",
    persist_result=True,
    **RETRIED,
)
def verify(application_id: int, round_key: str) -> VerificationOutcome:
    outcome = verify_application(
        get_services(), application_id, engine=TesseractEngine(), policy=default_policy()
    )
    get_run_logger().info(
        "application %s: route %s, stage %s, %d finding(s), %.1f s",
        application_id,
        outcome.route,
        outcome.stage,
        len(outcome.finding_codes),
        outcome.seconds,
    )
    return outcome


@flow(name="verification", flow_run_name="verification-{application_id}", log_prints=False)
def verification(application_id: int) -> str:
    """Intake closed, documents read and checked, the application routed."""
    stage = open_verification(application_id)
    if stage != "verification":
        return stage
    round_key = verification_round(application_id)
    verify(application_id, round_key)
    if current_stage(application_id) == "verification":  # a cached result that is not ours
        verify.with_options(refresh_cache=True)(application_id, round_key)
    return current_stage(application_id)


@task(
    name="book-appointment",
    cache_policy=NO_CACHE,
    **RETRIED,
)
def book(application_id: int) -> int:
    """The application's biometrics appointment (the booked one, or the next free slot)."""
    booking = book_appointment(
        get_services(), application_id, today=date.today(), policy=default_policy()
    )
    return booking.appointment_id


@task(name="needs-printing", cache_policy=NO_CACHE, **RETRIED)
def needs_printing(application_id: int) -> bool:
    """No live book yet and no operator's printing task open (after repeated QC failures)."""
    with get_services().sessions() as session:
        if live_book(session, application_id=application_id) is not None:
            return False
        return waiting_task(session, application_id=application_id, kinds=("printing",)) is None


def _captured_photo(application_id: int) -> bytes | None:
    services = get_services()
    with services.sessions() as session:
        key = session.scalar(
            select(Capture.photo_key)
            .where(Capture.application_id == application_id, Capture.outcome == "accepted")
            .order_by(Capture.id.desc())
            .limit(1)
        )
    return check_hash(key, services.store.get(key)) if key else None


@task(
    name="print-passport",
    cache_policy=NO_CACHE,
    **RETRIED,
)
def print_book(application_id: int) -> PrintResult:
    """Print, QC and (for misprints) reprint, one printer at a time."""
    with concurrency(PRINTERS, occupy=1, strict=True):
        result = print_passport(
            get_services(),
            application_id,
            policy=default_policy(),
            today=date.today(),
            ocr_engine=mrz_engine(),
            photo=_captured_photo(application_id),
        )
    get_run_logger().info(
        "application %s: book %s %s, %d misprint(s)",
        application_id,
        result.book_id,
        result.status,
        len(result.misprints),
    )
    return result


@task(name="current-stage", cache_policy=NO_CACHE, **RETRIED)
def current_stage(application_id: int) -> str:
    with get_services().sessions() as session:
        return get_application_by_id(session, application_id=application_id).stage


@task(name="record-flow-run", cache_policy=NO_CACHE, **RETRIED)
def record_flow_run(application_id: int, flow_run_id: str) -> None:
    services = get_services()
    with services.sessions.begin() as session:
        app = get_application_by_id(session, application_id=application_id)
        if app.flow_run_id != flow_run_id:
            set_flow_run(
                session, application_id=application_id, flow_run_id=flow_run_id, actor="prefect"
            )


@task(name="waiting-for", cache_policy=NO_CACHE, **RETRIED)
def waiting_for(application_id: int, stage: str) -> tuple[int, int] | None:
    """(task id, seconds the run may wait) of the task a person must do, or None."""
    with get_services().sessions() as session:
        found = waiting_task(session, application_id=application_id, kinds=WAITING_TASKS[stage])
        if found is None:
            return None
        deadline = (found.due_at or datetime.now(UTC)) + GRACE
    return found.id, max(60, int((deadline - datetime.now(UTC)).total_seconds()))


@flow(
    name="process-application",
    flow_run_name="application-{application_id}",
    persist_result=True,
)
def process_application(application_id: int) -> str:
    """Carry one application from intake to a terminal stage; returns that stage."""
    services = get_services()
    configure_logging(services.settings.resolved_log_dir())  # this flow-run process's log
    logger = get_run_logger()
    run = get_run_context().flow_run  # type: ignore[union-attr]
    if run is not None:
        record_flow_run(application_id, str(run.id))
    for _ in range(MAX_STEPS):
        stage = current_stage(application_id)
        if services.process.is_terminal(stage):
            logger.info("application %s ends in stage %s", application_id, stage)
            return stage
        if stage in ("intake", "verification"):
            verification(application_id)
            continue
        if stage == "biometrics":
            book(application_id)
        if stage == "printing" and needs_printing(application_id):
            print_book(application_id)
            continue
        waiting = waiting_for(application_id, stage)
        if waiting is None:
            raise RuntimeError(
                f"application {application_id} is in stage {stage} with no open task"
            )
        task_id, timeout = waiting
        logger.info("application %s waits in %s for task %s", application_id, stage, task_id)
        _wait_for(application_id, task_id, timeout)
    raise RuntimeError(f"application {application_id} visited {MAX_STEPS} stages in one run")


def _wait_for(application_id: int, task_id: int, timeout: int) -> None:
    """Suspend until the task is done. Inputs are keyed ``task-N-k``: a resume that found the
    task still open (a stale or early resume) used up key k, so the run suspends again on k+1;
    a re-executed run walks through the keys already answered to the first unanswered one."""
    logger = get_run_logger()
    for attempt in range(MAX_STEPS):
        given = suspend_flow_run(
            wait_for_input=Resumed, key=f"task-{task_id}-{attempt}", timeout=timeout
        )
        if not task_still_open(task_id):
            logger.info("application %s: task %s %s", application_id, task_id, given.outcome)
            return
    raise RuntimeError(f"task {task_id} was resumed {MAX_STEPS} times while still open")


@task(name="task-still-open", cache_policy=NO_CACHE, **RETRIED)
def task_still_open(task_id: int) -> bool:
    with get_services().sessions() as session:
        found = session.get(HumanTask, task_id)
        return found is not None and found.status in ("open", "claimed")


def resume_application(
    flow_run_id: str | None, *, task_id: int, outcome: str, decision_id: int | None = None
) -> bool:
    """Resume a suspended application run after a decision was committed. False when there is
    no run to resume (none started, not suspended, timed out): the database holds the decision
    and the stage either way; a new run, or the maintenance flow, carries the application on."""
    if not flow_run_id:
        return False
    run_input = Resumed(task_id=task_id, outcome=outcome, decision_id=decision_id)
    try:
        resume_flow_run(UUID(flow_run_id), run_input=run_input.model_dump())
    except (NotPausedError, FlowPauseTimeout, ObjectNotFound, RuntimeError) as exc:
        log.warning("flow run %s not resumed: %s", flow_run_id, type(exc).__name__)
        return False
    return True
