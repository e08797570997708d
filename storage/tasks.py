"""Human tasks (work waiting for a person) and the decisions people take.

Claiming is first come, first served: ``UPDATE ... WHERE status = 'open'`` succeeds for exactly
one of two officers; the other is told who has it. Every claim, release, completion and
decision is an audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import Decision, HumanTask, utcnow
from verification.errors import ConflictError, NotFound, TaskAlreadyClaimed

__all__ = [
    "claim_task",
    "close_task",
    "complete_task",
    "create_task",
    "get_task",
    "list_decisions",
    "list_tasks",
    "record_decision",
    "unclaim_task",
]


def create_task(
    session: Session,
    *,
    application_id: int,
    kind: str,
    role: str,
    actor: str,
    priority: int = 0,
    due_at: datetime | None = None,
) -> HumanTask:
    task = HumanTask(
        application_id=application_id,
        kind=kind,
        role=role,
        status="open",
        priority=priority,
        due_at=due_at,
        created_at=utcnow(),
    )
    session.add(task)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="task.created",
        entity_type="task",
        entity_id=task.id,
        application_id=application_id,
        payload={
            "kind": kind,
            "role": role,
            "priority": priority,
            "due_at": due_at.isoformat() if due_at else None,
        },
    )
    return task


def get_task(session: Session, *, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def list_tasks(
    session: Session,
    *,
    role: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    application_id: int | None = None,
    kinds: Sequence[str] | None = None,
    limit: int = 100,
) -> Sequence[HumanTask]:
    query = select(HumanTask)
    if kinds is not None:
        query = query.where(HumanTask.kind.in_(kinds))
    if role is not None:
        query = query.where(HumanTask.role == role)
    if status is not None:
        query = query.where(HumanTask.status == status)
    if assignee is not None:
        query = query.where(HumanTask.assignee == assignee)
    if application_id is not None:
        query = query.where(HumanTask.application_id == application_id)
    order = (HumanTask.priority.desc(), HumanTask.due_at, HumanTask.id)
    return session.scalars(query.order_by(*order).limit(limit)).all()


def claim_task(session: Session, *, task_id: int, user: str) -> HumanTask:
    """Give an open task to ``user`` or raise ``TaskAlreadyClaimed`` naming who has it."""
    now = utcnow()
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.status == "open")
        .values(status="claimed", assignee=user, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        task = get_task(session, task_id=task_id)
        raise TaskAlreadyClaimed(task_id, task.assignee if task.status == "claimed" else None)
    task = get_task(session, task_id=task_id)
    session.refresh(task)
    append_event(
        session,
        actor=user,
        action="task.claimed",
        entity_type="task",
        entity_id=task_id,
        application_id=task.application_id,
        payload={},
        at=now,
    )
    return task


def unclaim_task(session: Session, *, task_id: int, user: str) -> HumanTask:
    """Put a claimed task back in the queue; only its assignee may do so."""
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.status == "claimed", HumanTask.assignee == user)
        .values(status="open", assignee=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    task = get_task(session, task_id=task_id)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"task {task_id} is not claimed by {user}")
    session.refresh(task)
    append_event(
        session,
        actor=user,
        action="task.unclaimed",
        entity_type="task",
        entity_id=task_id,
        application_id=task.application_id,
        payload={},
    )
    return task


def _finish(
    session: Session,
    *,
    task_id: int,
    only_if: ColumnElement[bool],
    actor: str,
    action: str,
    outcome: str,
    refusal: Callable[[HumanTask], str],
) -> HumanTask:
    """Mark the task done with ``outcome`` when ``only_if`` holds (a conditional UPDATE), with
    its audit event; else ``ConflictError`` with ``refusal(task)``."""
    now = utcnow()
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, only_if)
        .values(status="done", outcome=outcome, completed_at=now)
        .execution_options(synchronize_session=False)
    )
    task = get_task(session, task_id=task_id)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(refusal(task))
    session.refresh(task)
    append_event(
        session,
        actor=actor,
        action=action,
        entity_type="task",
        entity_id=task_id,
        application_id=task.application_id,
        payload={"outcome": outcome},
        at=now,
    )
    return task


def complete_task(session: Session, *, task_id: int, user: str, outcome: str) -> HumanTask:
    """Close a task claimed by ``user`` with its outcome."""
    return _finish(
        session,
        task_id=task_id,
        only_if=and_(HumanTask.status == "claimed", HumanTask.assignee == user),
        actor=user,
        action="task.completed",
        outcome=outcome,
        refusal=lambda _: f"task {task_id} must be claimed by {user} to be completed",
    )


def close_task(session: Session, *, task_id: int, actor: str, outcome: str) -> HumanTask:
    """Close an open or claimed task that the system, not its assignee, has seen done (the
    files a re-upload task waited for arrived, the stage moved on)."""
    return _finish(
        session,
        task_id=task_id,
        only_if=HumanTask.status.in_(("open", "claimed")),
        actor=actor,
        action="task.closed",
        outcome=outcome,
        refusal=lambda task: f"task {task_id} is already {task.status}",
    )


def record_decision(
    session: Session,
    *,
    application_id: int,
    kind: str,
    actor: str,
    role: str,
    task_id: int | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Decision:
    """Store a person's decision. The audit payload holds its shape, the row its content."""
    decision = Decision(
        application_id=application_id,
        task_id=task_id,
        kind=kind,
        actor=actor,
        role=role,
        reason_code=reason_code,
        note=note,
        payload=payload or {},
        created_at=utcnow(),
    )
    session.add(decision)
    session.flush()
    append_event(
        session,
        actor=actor,
        action=f"decision.{kind}",
        entity_type="decision",
        entity_id=decision.id,
        application_id=application_id,
        payload={
            "role": role,
            "task_id": task_id,
            "reason_code": reason_code,
            "fields": sorted((payload or {}).keys()),
        },
    )
    return decision


def list_decisions(session: Session, *, application_id: int) -> Sequence[Decision]:
    return session.scalars(
        select(Decision).where(Decision.application_id == application_id).order_by(Decision.id)
    ).all()
