"""The maintenance sweep: late tasks get one overdue task for the escalation role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from flows.stages.maintenance import escalate_overdue
from flows.wiring import Services
from rules.policy import default_policy
from storage.applications import create_application
from storage.models import HumanTask
from storage.tasks import create_task
from tests.factories import applicant

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _task(services: Services, number: str, kind: str, due: datetime) -> int:
    with services.sessions.begin() as session:
        app = create_application(
            session,
            number=number,
            category="adult",
            form=applicant(),
            process=services.process,
            actor="test",
        )
        return create_task(
            session,
            application_id=app.id,
            kind=kind,
            role="verification_officer",
            actor="t",
            due_at=due,
        ).id


def test_late_tasks_escalate_once(services: Services) -> None:
    late = _task(services, "APP-2026-000001", "review", NOW - timedelta(hours=1))
    _task(services, "APP-2026-000002", "review", NOW + timedelta(hours=1))  # not yet due
    late_approval = _task(services, "APP-2026-000003", "approval", NOW - timedelta(days=3))

    first = escalate_overdue(services, policy=default_policy(), now=NOW)
    assert sorted(e.late_task_id for e in first) == [late, late_approval]
    assert {e.role for e in first} == {"supervisor"}
    assert escalate_overdue(services, policy=default_policy(), now=NOW) == []  # once only
    with services.sessions() as session:
        overdue = session.scalars(select(HumanTask).where(HumanTask.kind == "overdue")).all()
        late_row = session.get(HumanTask, late)
    assert len(overdue) == 2 and all(t.status == "open" for t in overdue)
    assert late_row is not None and late_row.status == "open"  # the late task stays where it was
