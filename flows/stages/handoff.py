"""Handing an application to people: the task of a stage, and the task it waits on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from datetime import time as clock

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.policy import Policy
from storage.models import HumanTask
from storage.tasks import create_task

__all__ = ["end_of_day", "open_stage_task", "waiting_task"]


def end_of_day(day: date | None) -> datetime | None:
    return datetime.combine(day, clock(23, 59), tzinfo=UTC) if day is not None else None


def open_stage_task(
    session: Session,
    *,
    application_id: int,
    stage: str,
    kind: str,
    policy: Policy,
    actor: str,
    today: date,
    role: str | None = None,
    priority: int = 0,
) -> HumanTask:
    """The task for the people of ``stage`` (the policy's first role unless ``role`` is
    given), due after the stage's working days."""
    duty = policy.stages[stage]
    return create_task(
        session,
        application_id=application_id,
        kind=kind,
        role=role or duty.roles[0],
        actor=actor,
        priority=priority,
        due_at=end_of_day(policy.task_due(stage, today)),
    )


def waiting_task(
    session: Session, *, application_id: int, kinds: Sequence[str]
) -> HumanTask | None:
    """The open or claimed task of those kinds the application waits on (the newest)."""
    return session.scalars(
        select(HumanTask)
        .where(
            HumanTask.application_id == application_id,
            HumanTask.kind.in_(kinds),
            HumanTask.status.in_(("open", "claimed")),
        )
        .order_by(HumanTask.id.desc())
        .limit(1)
    ).first()
