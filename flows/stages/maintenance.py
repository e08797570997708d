"""Housekeeping the scheduled maintenance flow runs: overdue tasks go to a supervisor.

A task past its deadline (``due_at``, end of its last working day) that is still open or
claimed gets one ``overdue`` task for the stage's escalation role (``escalate_to`` in the
policy), naming the late task in its audit event. The late task itself stays where it is: the
officer holding it may still finish it, and the supervisor may reassign it. Running the sweep
again changes nothing: an overdue task is opened once per late task.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from flows.stages.handoff import end_of_day
from flows.wiring import Services
from rules.policy import Policy
from storage.audit import append_event
from storage.models import AuditEvent, HumanTask
from storage.tasks import create_task

__all__ = ["Escalation", "escalate_overdue"]

ACTOR = "paspor-maintenance"
# Which stage a task kind belongs to (for its escalation role).
KIND_STAGE = {
    "review": "review",
    "approval": "approval",
    "biometrics": "biometrics",
    "printing": "printing",
    "handover": "printing",
}


@dataclass(frozen=True)
class Escalation:
    late_task_id: int
    overdue_task_id: int
    application_id: int
    role: str


def _already_escalated(services: Services) -> set[int]:
    with services.sessions() as session:
        payloads = session.scalars(
            select(AuditEvent.payload).where(AuditEvent.action == "task.escalated")
        )
        return {int(p["late_task_id"]) for p in payloads}


def escalate_overdue(
    services: Services, *, policy: Policy, now: datetime | None = None
) -> list[Escalation]:
    """Open an ``overdue`` task for every late task not escalated before."""
    now = now or datetime.now(UTC)
    done = _already_escalated(services)
    with services.sessions() as session:
        late = session.scalars(
            select(HumanTask)
            .where(
                HumanTask.status.in_(("open", "claimed")),
                HumanTask.due_at.is_not(None),
                HumanTask.due_at < now,
                HumanTask.kind.in_(KIND_STAGE),
            )
            .order_by(HumanTask.id)
        ).all()
    escalations = []
    for task in late:
        duty = policy.stages.get(KIND_STAGE[task.kind])
        if task.id in done or duty is None or duty.escalate_to is None:
            continue
        with services.sessions.begin() as session:
            overdue = create_task(
                session,
                application_id=task.application_id,
                kind="overdue",
                role=duty.escalate_to,
                actor=ACTOR,
                priority=task.priority + 1,
                due_at=end_of_day(policy.task_due(KIND_STAGE[task.kind], now.date())),
            )
            append_event(
                session,
                actor=ACTOR,
                action="task.escalated",
                entity_type="task",
                entity_id=task.id,
                application_id=task.application_id,
                payload={
                    "late_task_id": task.id,
                    "overdue_task_id": overdue.id,
                    "kind": task.kind,
                    "role": duty.escalate_to,
                    "due_at": task.due_at.isoformat() if task.due_at else None,
                },
            )
            escalations.append(
                Escalation(task.id, overdue.id, task.application_id, duty.escalate_to)
            )
    return escalations
