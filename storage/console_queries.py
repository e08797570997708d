"""Queries behind the console's lists: work queues, the supervisor's figures, the fraud
register and the auditor's search; each is one or two indexed queries over the page shown
(never a loop of queries per row), so lists stay fast with many applications. One write: a
supervisor's reassignment of a task, a conditional update with its audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, or_, select, update
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import (
    Application,
    Appointment,
    Decision,
    Finding,
    HumanTask,
    StageEvent,
    Station,
    utcnow,
)
from verification.errors import ConflictError

__all__ = [
    "DEADLINES",
    "FraudRow",
    "QueueFilter",
    "QueueRow",
    "daily_counts",
    "fraud_register",
    "open_tasks_by_role",
    "reassign_task",
    "rejections_by_source",
    "search_applications",
    "station_use",
    "task_queue",
    "worst_severities",
]

Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])

SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
DEADLINES = ("overdue", "today", "later")


@dataclass(frozen=True)
class QueueFilter:
    """What a queue page asks for; None means any."""

    kinds: Sequence[str] | None = None
    roles: Sequence[str] | None = None
    statuses: Sequence[str] = ("open", "claimed")
    stage: str | None = None
    older_than_days: int | None = None
    deadline: str | None = None  # overdue | today | later
    assignee: str | None = None


@dataclass(frozen=True)
class QueueRow:
    task_id: int
    kind: str
    role: str
    status: str
    priority: int
    assignee: str | None
    due_at: datetime | None
    created_at: datetime
    application_id: int
    number: str
    category: str
    stage: str
    flow_run_id: str | None
    worst: str | None = None  # the highest finding severity
    findings: int = 0


def _filtered(query: Q, f: QueueFilter, now: datetime) -> Q:
    query = query.where(HumanTask.status.in_(f.statuses))
    if f.kinds is not None:
        query = query.where(HumanTask.kind.in_(f.kinds))
    if f.roles is not None:
        query = query.where(HumanTask.role.in_(f.roles))
    if f.stage:
        query = query.where(Application.stage == f.stage)
    if f.assignee:
        query = query.where(HumanTask.assignee == f.assignee)
    if f.older_than_days:
        query = query.where(HumanTask.created_at < now - timedelta(days=f.older_than_days))
    end_of_today = now.replace(hour=23, minute=59, second=59)
    if f.deadline == "overdue":
        query = query.where(HumanTask.due_at < now)
    elif f.deadline == "today":
        query = query.where(HumanTask.due_at >= now, HumanTask.due_at <= end_of_today)
    elif f.deadline == "later":
        query = query.where(or_(HumanTask.due_at.is_(None), HumanTask.due_at > end_of_today))
    return query


def task_queue(
    session: Session, f: QueueFilter, *, now: datetime, limit: int = 50, offset: int = 0
) -> tuple[list[QueueRow], int]:
    """One page of tasks, most urgent first (priority, then deadline), and the total."""
    base = select(HumanTask, Application).join(
        Application, Application.id == HumanTask.application_id
    )
    base = _filtered(base, f, now)
    total = session.scalar(
        _filtered(
            select(func.count(HumanTask.id)).join(
                Application, Application.id == HumanTask.application_id
            ),
            f,
            now,
        )
    )
    order = (HumanTask.priority.desc(), HumanTask.due_at, HumanTask.id)
    pairs: Sequence[tuple[HumanTask, Application]] = session.execute(
        base.order_by(*order).limit(limit).offset(offset)
    ).all()
    worst = worst_severities(session, [app.id for _, app in pairs])
    rows = [
        QueueRow(
            t.id,
            t.kind,
            t.role,
            t.status,
            t.priority,
            t.assignee,
            t.due_at,
            t.created_at,
            app.id,
            app.number,
            app.category,
            app.stage,
            app.flow_run_id,
            *worst.get(app.id, (None, 0)),
        )
        for t, app in pairs
    ]
    return rows, int(total or 0)


def worst_severities(
    session: Session, application_ids: Sequence[int]
) -> dict[int, tuple[str | None, int]]:
    """Per application: its highest finding severity and how many findings it has."""
    if not application_ids:
        return {}
    found: dict[int, tuple[str | None, int]] = {}
    rows = session.execute(
        select(Finding.application_id, Finding.severity, func.count())
        .where(Finding.application_id.in_(set(application_ids)))
        .group_by(Finding.application_id, Finding.severity)
    ).all()
    for app_id, severity, count in rows:
        worst, total = found.get(app_id, (None, 0))
        if worst is None or SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(worst, 0):
            worst = severity
        found[app_id] = (worst, total + int(count))
    return found


def open_tasks_by_role(session: Session, *, now: datetime) -> list[tuple[str, int, int, int]]:
    """(role, open, claimed, overdue) for every role with unfinished tasks."""
    rows = session.execute(
        select(
            HumanTask.role,
            func.sum(case((HumanTask.status == "open", 1), else_=0)),
            func.sum(case((HumanTask.status == "claimed", 1), else_=0)),
            func.sum(case((HumanTask.due_at < now, 1), else_=0)),
        )
        .where(HumanTask.status.in_(("open", "claimed")))
        .group_by(HumanTask.role)
        .order_by(HumanTask.role)
    ).all()
    return [(role, int(o or 0), int(c or 0), int(late or 0)) for role, o, c, late in rows]


def daily_counts(
    session: Session, *, to_stage: str, since: date, until: date
) -> list[tuple[date, int]]:
    """How many applications entered ``to_stage`` on each day (UTC) from ``since`` to
    ``until``, zero days included."""
    day = func.date(StageEvent.created_at)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    rows = session.execute(
        select(day, func.count())
        .where(StageEvent.to_stage == to_stage, StageEvent.created_at >= start)
        .group_by(day)
    ).all()
    counted = {str(d)[:10]: int(n) for d, n in rows}
    days = (until - since).days + 1
    return [
        (since + timedelta(days=i), counted.get((since + timedelta(days=i)).isoformat(), 0))
        for i in range(max(days, 0))
    ]


def rejections_by_source(session: Session) -> dict[str, int]:
    """Rejections by who rejected: the system (routing), the verifier, the adjudicator."""
    source = case(
        (StageEvent.reason.like("review reject%"), "verifier"),
        (StageEvent.reason.like("rejected by adjudicator%"), "adjudicator"),
        else_="system",
    )
    rows = session.execute(
        select(source, func.count()).where(StageEvent.to_stage == "rejected").group_by(source)
    ).all()
    return {str(s): int(n) for s, n in rows}


def station_use(session: Session, *, day: date) -> list[tuple[str, str, int, int]]:
    """(station code, kind, appointments not cancelled on ``day``, daily quota) per active
    station."""
    booked = (
        select(Appointment.station_id, func.count().label("n"))
        .where(Appointment.day == day, Appointment.status != "cancelled")
        .group_by(Appointment.station_id)
        .subquery()
    )
    rows = session.execute(
        select(Station.code, Station.kind, func.coalesce(booked.c.n, 0), Station.daily_quota)
        .outerjoin(booked, booked.c.station_id == Station.id)
        .where(Station.active.is_(True))
        .order_by(Station.code)
    ).all()
    return [(c, k, int(n), int(q)) for c, k, n, q in rows]


@dataclass(frozen=True)
class FraudRow:
    finding: Finding
    number: str
    stage: str
    cleared_by: str | None  # the person whose decision came after the finding
    cleared_how: str | None
    cleared_note: str | None


def fraud_register(
    session: Session,
    *,
    code: str | None = None,
    severity: str | None = None,
    since: date | None = None,
    limit: int = 200,
) -> list[FraudRow]:
    """Every fraud finding (newest first), with the decision a person took after it."""
    query = (
        select(Finding, Application.number, Application.stage)
        .join(Application, Application.id == Finding.application_id)
        .where(Finding.code.startswith(code or "fraud."))
    )
    if severity:
        query = query.where(Finding.severity == severity)
    if since:
        query = query.where(
            Finding.created_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)
        )
    found = session.execute(query.order_by(Finding.id.desc()).limit(limit)).all()
    decisions: dict[int, list[Decision]] = {}
    for decision in session.scalars(
        select(Decision)
        .where(Decision.application_id.in_({f.application_id for f, _, _ in found}))
        .order_by(Decision.id)
    ):
        decisions.setdefault(decision.application_id, []).append(decision)
    rows = []
    for finding, number, stage in found:
        later = decisions.get(finding.application_id, [])
        first = next((d for d in later if d.created_at >= finding.created_at), None)
        rows.append(
            FraudRow(
                finding,
                number,
                stage,
                first.actor if first else None,
                first.kind if first else None,
                first.note if first else None,
            )
        )
    return rows


def search_applications(session: Session, *, text: str, limit: int = 50) -> list[Application]:
    """Applications whose number contains ``text``, or whose NIK is ``text``. Text that
    cannot be either (too long, control characters) finds nothing: a NUL would cut SQLite's
    LIKE pattern to "match everything" and is an error on PostgreSQL."""
    text = text.strip().upper()
    if not text or len(text) > 32 or not text.isprintable():
        return []
    query = select(Application).where(
        or_(Application.number.contains(text, autoescape=True), Application.nik == text)
    )
    return list(session.scalars(query.order_by(Application.id.desc()).limit(limit)))


def reassign_task(session: Session, *, task_id: int, to_user: str, actor: str) -> HumanTask:
    """Give an unfinished task to ``to_user`` (claimed in their name), whoever held it."""
    task = session.get(HumanTask, task_id)
    if task is None or task.status not in ("open", "claimed"):
        raise ConflictError(f"task {task_id} is not open or claimed")
    before = task.assignee
    result = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task_id, HumanTask.status.in_(("open", "claimed")))
        .values(status="claimed", assignee=to_user, claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"task {task_id} is not open or claimed")
    session.refresh(task)
    append_event(
        session,
        actor=actor,
        action="task.reassigned",
        entity_type="task",
        entity_id=task_id,
        application_id=task.application_id,
        payload={"from": before, "to": to_user},
    )
    return task
