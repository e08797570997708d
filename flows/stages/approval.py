"""Approval (ajudikasi): an adjudicator approves or rejects the whole file.

Four-eyes is enforced here, in the service every door uses: a person who reviewed, corrected
or verified the application (any earlier act the policy's separation rules name) may not
adjudicate it. Where the application carries a finding of high severity or worse, the
policy's sign-off rule asks for more than one approver: the first approval is recorded and
the task goes back to the queue for a second, distinct person.

``approve_many`` is the bulk approval of clean applications: each application in its own
transaction, so one refusal does not hold back the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from flows.stages.handoff import open_stage_task, waiting_task
from flows.wiring import Services
from rules.four_eyes import Act, Signature, SignOffAct
from rules.policy import Policy
from storage.applications import change_stage, get_application
from storage.models import Application, Decision, Finding, HumanTask
from storage.tasks import close_task, record_decision
from verification.errors import ConflictError, InputError, NotPermitted, PasporError
from verification.findings import Severity

__all__ = ["ApprovalResult", "adjudicate", "approve_many", "clean_in_approval"]


@dataclass(frozen=True)
class ApprovalResult:
    number: str
    application_id: int
    stage: str
    decision_id: int
    complete: bool  # False: recorded, a further approver is needed
    flow_run_id: str | None
    note: str = ""


def _earlier_acts(session: Session, application_id: int, user: str) -> list[Act]:
    rows = session.execute(
        select(Decision.role, Decision.payload).where(
            Decision.application_id == application_id, Decision.actor == user
        )
    ).all()
    return [Act(stage=(payload or {}).get("stage", "review"), role=role) for role, payload in rows]


def _worst_severity(session: Session, application_id: int) -> Severity | None:
    severities = [
        Severity(s)
        for s in session.scalars(
            select(Finding.severity).where(Finding.application_id == application_id)
        )
    ]
    return max(severities, key=lambda s: s.rank, default=None)


def _signatures(session: Session, application_id: int) -> list[Signature]:
    rows = session.execute(
        select(Decision.actor, Decision.role).where(
            Decision.application_id == application_id, Decision.kind == "approval.approve"
        )
    ).all()
    return [Signature(person=actor, role=role) for actor, role in rows]


def adjudicate(
    services: Services,
    *,
    number: str,
    user: str,
    role: str,
    policy: Policy,
    approve: bool = True,
    reason_code: str | None = None,
    note: str | None = None,
    today: date | None = None,
) -> ApprovalResult:
    """Approve (or, with ``approve=False`` and a reason code, reject) one application."""
    today = today or date.today()
    if role not in policy.stages["approval"].roles:
        raise NotPermitted(f"the {role} role does not adjudicate")
    if not approve and reason_code not in policy.rejection_reasons:
        raise InputError(
            "reject needs a reason code, one of: " + ", ".join(sorted(policy.rejection_reasons))
        )
    with services.sessions.begin() as session:
        app = get_application(session, number=number)
        task = waiting_task(session, application_id=app.id, kinds=("approval",))
        if app.stage != "approval" or task is None:
            raise ConflictError(f"application {number} is in stage {app.stage}, not approval")
        if task.status == "claimed" and task.assignee != user:
            raise ConflictError(f"task {task.id} is already claimed by {task.assignee}")
        conflicts = policy.four_eyes.conflicts(
            Act(stage="approval", role=role), _earlier_acts(session, app.id, user)
        )
        if conflicts:
            rules = ", ".join(rule.id for rule in conflicts)
            raise NotPermitted(f"{user} may not adjudicate {number}: four-eyes rule {rules}")
        signatures = _signatures(session, app.id)
        if approve and any(s.person == user for s in signatures):
            raise ConflictError(f"{user} has already approved {number}; another person must")
        kind = "approval.approve" if approve else "approval.reject"
        decision = record_decision(
            session,
            application_id=app.id,
            kind=kind,
            actor=user,
            role=role,
            task_id=task.id,
            reason_code=reason_code,
            note=note,
            payload={"stage": "approval"},
        )
        if approve:
            needed = policy.four_eyes.sign_offs_for(
                SignOffAct.OVERRIDE_FINDING, severity=_worst_severity(session, app.id)
            )
            signed = [*signatures, Signature(person=user, role=role)]
            missing = [rule.id for rule in needed if not rule.is_satisfied_by(signed)]
            if missing:
                _back_to_queue(session, task)
                return ApprovalResult(
                    number,
                    app.id,
                    "approval",
                    decision.id,
                    False,
                    app.flow_run_id,
                    note=f"recorded; sign-off {', '.join(missing)} needs another approver",
                )
        target = "biometrics" if approve else "rejected"
        change_stage(
            session,
            application_id=app.id,
            expected="approval",
            new=target,
            actor=user,
            process=services.process,
            reason="approved" if approve else f"rejected by adjudicator ({reason_code})",
        )
        close_task(
            session, task_id=task.id, actor=user, outcome="approved" if approve else "rejected"
        )
        if approve:
            open_stage_task(
                session,
                application_id=app.id,
                stage="biometrics",
                kind="biometrics",
                policy=policy,
                actor=user,
                today=today,
            )
        return ApprovalResult(number, app.id, target, decision.id, True, app.flow_run_id)


def _back_to_queue(session: Session, task: HumanTask) -> None:
    session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id)
        .values(status="open", assignee=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )


def clean_in_approval(services: Services, *, limit: int = 1000) -> list[str]:
    """Application numbers in approval that never needed a person: routed straight from
    verification (no review task ever) and with no finding above low severity."""
    with services.sessions() as session:
        reviewed = select(HumanTask.application_id).where(HumanTask.kind == "review")
        serious = select(Finding.application_id).where(
            Finding.severity.in_(("medium", "high", "critical"))
        )
        return list(
            session.scalars(
                select(Application.number)
                .where(
                    Application.stage == "approval",
                    Application.id.not_in(reviewed),
                    Application.id.not_in(serious),
                )
                .order_by(Application.id)
                .limit(limit)
            )
        )


def approve_many(
    services: Services,
    numbers: Iterable[str],
    *,
    user: str,
    role: str,
    policy: Policy,
    today: date | None = None,
) -> tuple[list[ApprovalResult], list[tuple[str, str]]]:
    """Approve each application in its own transaction: (approved, [(number, why not)])."""
    done: list[ApprovalResult] = []
    refused: list[tuple[str, str]] = []
    for number in numbers:
        try:
            done.append(
                adjudicate(
                    services, number=number, user=user, role=role, policy=policy, today=today
                )
            )
        except PasporError as exc:
            refused.append((number, str(exc)))
    return done, refused
