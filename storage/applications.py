"""Applications and their stage: creation, look-up and the conditional stage change.

A stage change is ``UPDATE applications SET stage = :new WHERE id = :id AND stage = :expected``
followed by its stage event and audit event, all in the caller's transaction. The UPDATE is the
first statement, so on SQLite it takes the write lock before anything is read: two sessions
racing for the same change serialise, and the loser sees zero rows and gets ``StageConflict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rules.process import Process
from storage.audit import append_event
from storage.models import Application, AuditEvent, StageEvent, utcnow
from verification.errors import AlreadyExists, InputError, NotFound, StageConflict

__all__ = [
    "audit_trail",
    "change_stage",
    "count_by_stage",
    "create_application",
    "get_application",
    "get_application_by_id",
    "list_applications",
    "set_flow_run",
    "stage_history",
]


def create_application(
    session: Session,
    *,
    number: str,
    category: str,
    form: dict[str, Any],
    process: Process,
    actor: str,
) -> Application:
    """Store a new application in the process's initial stage, with its first events."""
    exists = session.scalar(select(Application.id).where(Application.number == number))
    if exists is not None:
        raise AlreadyExists(f"application {number} is already stored")
    now = utcnow()
    app = Application(
        number=number,
        category=category,
        form=form,
        nik=form.get("nik"),
        stage=process.initial,
        rule_version=process.version,
        created_at=now,
        updated_at=now,
    )
    session.add(app)
    session.flush()
    session.add(
        StageEvent(
            application_id=app.id,
            from_stage=None,
            to_stage=app.stage,
            actor=actor,
            reason="submitted",
            created_at=now,
        )
    )
    append_event(
        session,
        actor=actor,
        action="application.created",
        entity_type="application",
        entity_id=number,
        application_id=app.id,
        payload={"category": category, "stage": app.stage, "rule_version": process.version},
        at=now,
    )
    return app


def get_application(session: Session, *, number: str) -> Application:
    app = session.scalar(select(Application).where(Application.number == number))
    if app is None:
        raise NotFound(f"no application {number}")
    return app


def get_application_by_id(session: Session, *, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"no application with id {application_id}")
    return app


def list_applications(
    session: Session, *, stage: str | None = None, limit: int = 100, offset: int = 0
) -> Sequence[Application]:
    query = select(Application).order_by(Application.id)
    if stage is not None:
        query = query.where(Application.stage == stage)
    return session.scalars(query.limit(limit).offset(offset)).all()


def count_by_stage(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Application.stage, func.count()).group_by(Application.stage)
    ).all()
    return {stage: int(count) for stage, count in rows}


def change_stage(
    session: Session,
    *,
    application_id: int,
    expected: str,
    new: str,
    actor: str,
    process: Process,
    reason: str | None = None,
) -> StageEvent:
    """Move an application from ``expected`` to ``new`` or raise ``StageConflict``.

    Call it first in a fresh transaction: an earlier read in the same SQLite transaction
    would make the write lock unobtainable under contention.
    """
    if not process.allows(expected, new):
        raise InputError(f"the process does not allow {expected!r} -> {new!r}")
    now = utcnow()
    result = session.execute(
        update(Application)
        .where(Application.id == application_id, Application.stage == expected)
        .values(stage=new, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        row = session.execute(
            select(Application.number, Application.stage).where(Application.id == application_id)
        ).first()
        if row is None:
            raise NotFound(f"no application with id {application_id}")
        raise StageConflict(row.number, expected, row.stage)
    event = StageEvent(
        application_id=application_id,
        from_stage=expected,
        to_stage=new,
        actor=actor,
        reason=reason,
        created_at=now,
    )
    session.add(event)
    append_event(
        session,
        actor=actor,
        action="stage.changed",
        entity_type="application",
        entity_id=application_id,
        application_id=application_id,
        payload={"from": expected, "to": new, "reason": reason, "rule_version": process.version},
        at=now,
    )
    session.flush()
    return event


def set_flow_run(session: Session, *, application_id: int, flow_run_id: str, actor: str) -> None:
    """Record the Prefect flow run that carries the application."""
    result = session.execute(
        update(Application)
        .where(Application.id == application_id)
        .values(flow_run_id=flow_run_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(f"no application with id {application_id}")
    append_event(
        session,
        actor=actor,
        action="application.flow_run",
        entity_type="application",
        entity_id=application_id,
        application_id=application_id,
        payload={"flow_run_id": flow_run_id},
    )


def stage_history(session: Session, *, application_id: int) -> Sequence[StageEvent]:
    return session.scalars(
        select(StageEvent)
        .where(StageEvent.application_id == application_id)
        .order_by(StageEvent.id)
    ).all()


def audit_trail(session: Session, *, application_id: int) -> Sequence[AuditEvent]:
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.application_id == application_id)
        .order_by(AuditEvent.seq)
    ).all()
