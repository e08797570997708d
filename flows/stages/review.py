"""Human review: what a verification officer may do with a routed application.

The same functions serve the ``paspor review`` commands and the web console. Each decision is
committed (decision row, audit events, stage change, the next task) in one transaction before
anyone resumes the application's flow run: the database is the record, Prefect only carries
the work on. Decisions:

- ``accept``: the findings are judged harmless; the application goes to approval. A watchlist
  hit can only be released by the roles of the policy's ``watchlist_release`` sign-off.
- ``correct``: one form field was typed wrong; the new value (with a reason) replaces it, the
  old one stays in the decision row, and the application is verified again.
- ``reupload``: named documents must be uploaded again; a task waits for the applicant and the
  application is verified again when every requested file has arrived (``receive_upload``).
- ``reject``: with a reason code of the policy; terminal.
- ``escalate``: the task goes to the stage's escalation role, with a higher priority.

Field values are personal data: they go into the decision row, never into audit payloads,
logs or exception messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.stages.handoff import end_of_day, open_stage_task, waiting_task
from flows.wiring import Services
from rules.four_eyes import Signature, SignOffAct
from rules.policy import Policy
from storage.applications import change_stage, get_application, get_application_by_id
from storage.documents import add_document, list_documents, set_document_status
from storage.models import Application, Decision, Finding, HumanTask
from storage.store.base import document_key, sha256_hex
from storage.tasks import close_task, complete_task, create_task, get_task, record_decision
from verification.errors import ConflictError, InputError, NotPermitted
from verification.media import UploadLimits, inspect_upload
from verification.packet import ApplicantForm
from verification.vocabulary import DocumentType

__all__ = [
    "REVIEW_TASKS",
    "DecisionResult",
    "ReviewDecision",
    "Verdict",
    "decide",
    "receive_upload",
]

# Task kinds an application in review waits on.
REVIEW_TASKS = ("review", "reupload")


class Verdict(StrEnum):
    ACCEPT = "accept"
    CORRECT = "correct"
    REUPLOAD = "reupload"
    REJECT = "reject"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class ReviewDecision:
    """What the officer decided; ``reason`` is free text for the record."""

    verdict: Verdict
    reason: str | None = None
    field: str | None = None  # correct
    value: str | None = None  # correct
    documents: tuple[str, ...] = ()  # reupload
    reason_code: str | None = None  # reject

    def problems(self, policy: Policy) -> list[str]:
        needs_reason = (Verdict.CORRECT, Verdict.REJECT, Verdict.ESCALATE, Verdict.REUPLOAD)
        problems = []
        if self.verdict in needs_reason and not (self.reason or "").strip():
            problems.append(f"a {self.verdict.value} decision needs a reason")
        if self.verdict is Verdict.CORRECT:
            if self.field not in ApplicantForm.model_fields:
                problems.append(f"unknown form field {self.field!r}")
            if self.value is None:
                problems.append("a correction needs the new value")
        if self.verdict is Verdict.REUPLOAD:
            known = {t.value for t in DocumentType}
            if not self.documents:
                problems.append("name the documents to upload again")
            problems += [f"unknown document type {d!r}" for d in self.documents if d not in known]
        if self.verdict is Verdict.REJECT and self.reason_code not in policy.rejection_reasons:
            codes = ", ".join(sorted(policy.rejection_reasons))
            problems.append(f"reject needs a reason code, one of: {codes}")
        return problems


@dataclass(frozen=True)
class DecisionResult:
    application_id: int
    number: str
    decision_id: int | None  # None: no person decided (the last requested file arrived)
    stage: str
    next_task_id: int | None
    flow_run_id: str | None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _check_role(task: HumanTask, role: str, policy: Policy) -> None:
    allowed = {task.role, *policy.stages["review"].roles} if task.kind == "review" else {task.role}
    if task.role == policy.stages["review"].escalate_to:
        allowed = {task.role}  # an escalated case is the escalation role's alone
    if role not in allowed:
        raise NotPermitted(f"task {task.id} is for {task.role}, not {role}")


def _watchlist_release(session: Session, app_id: int, user: str, role: str, policy: Policy) -> None:
    hit = session.scalar(
        select(Finding.id).where(
            Finding.application_id == app_id, Finding.code == "fraud.watchlist"
        )
    )
    if hit is None:
        return
    signature = [Signature(person=user, role=role)]
    for rule in policy.four_eyes.sign_offs_for(SignOffAct.OVERRIDE_FINDING, code="fraud.watchlist"):
        if not rule.is_satisfied_by(signature):
            raise NotPermitted(f"a watchlist hit can only be released under rule {rule.id!r}")


def decide(
    services: Services,
    *,
    task_id: int,
    user: str,
    role: str,
    decision: ReviewDecision,
    policy: Policy,
    today: date | None = None,
) -> DecisionResult:
    """Record an officer's decision on a claimed review task and move the application on."""
    today = today or date.today()
    problems = decision.problems(policy)
    if problems:
        raise InputError("; ".join(problems))
    with services.sessions.begin() as session:
        task = get_task(session, task_id=task_id)
        if task.kind != "review":
            raise InputError(f"task {task_id} is a {task.kind} task, not a review")
        _check_role(task, role, policy)
        if task.status != "claimed" or task.assignee != user:
            raise ConflictError(f"task {task_id} must be claimed by {user} first")
        app = get_application_by_id(session, application_id=task.application_id)
        if decision.verdict is Verdict.ACCEPT:
            _watchlist_release(session, app.id, user, role, policy)
        target, payload = _effect(session, app, decision)
        if target != app.stage:
            change_stage(
                session,
                application_id=app.id,
                expected=app.stage,
                new=target,
                actor=user,
                process=services.process,
                reason=f"review {decision.verdict.value}"
                + (f" ({decision.reason_code})" if decision.reason_code else ""),
            )
        record = record_decision(
            session,
            application_id=app.id,
            kind=f"review.{decision.verdict.value}",
            actor=user,
            role=role,
            task_id=task.id,
            reason_code=decision.reason_code,
            note=decision.reason,
            payload={"stage": "review", **payload},
        )
        complete_task(session, task_id=task.id, user=user, outcome=decision.verdict.value)
        follow = _follow_up(session, app, task, decision, policy, user, today)
        return DecisionResult(
            app.id,
            app.number,
            record.id,
            target,
            follow.id if follow is not None else None,
            app.flow_run_id,
        )


def _effect(
    session: Session, app: Application, decision: ReviewDecision
) -> tuple[str, dict[str, Any]]:
    """The stage the decision leads to and what the decision row keeps."""
    verdict = decision.verdict
    if verdict is Verdict.ACCEPT:
        return "approval", {}
    if verdict is Verdict.REJECT:
        return "rejected", {"source": "verifier"}
    if verdict is Verdict.ESCALATE:
        return "review", {}
    if verdict is Verdict.REUPLOAD:
        return "review", {"documents": list(decision.documents)}
    assert decision.field is not None
    old = app.form.get(decision.field)
    form = {**app.form, decision.field: decision.value}
    try:
        checked = ApplicantForm.model_validate(form)
    except ValidationError as exc:  # say which rule the value breaks, never the value
        reasons = "; ".join(str(e["msg"]) for e in exc.errors())
        raise InputError(f"the corrected {decision.field} is not valid: {reasons}") from None
    app.form = checked.model_dump(mode="json")
    app.nik = checked.nik
    session.flush()
    return "verification", {"field": decision.field, "old": old, "new": decision.value}


def _follow_up(
    session: Session,
    app: Application,
    task: HumanTask,
    decision: ReviewDecision,
    policy: Policy,
    user: str,
    today: date,
) -> HumanTask | None:
    if decision.verdict is Verdict.ACCEPT:
        return open_stage_task(
            session,
            application_id=app.id,
            stage="approval",
            kind="approval",
            policy=policy,
            actor=user,
            today=today,
        )
    if decision.verdict is Verdict.ESCALATE:
        return open_stage_task(
            session,
            application_id=app.id,
            stage="review",
            kind="review",
            policy=policy,
            actor=user,
            today=today,
            role=policy.stages["review"].escalate_to,
            priority=task.priority + 1,
        )
    if decision.verdict is Verdict.REUPLOAD:
        expiry = policy.expiry("documents_not_completed")
        due = today + timedelta(days=expiry.calendar_days)
        return create_task(
            session,
            application_id=app.id,
            kind="reupload",
            role="applicant",
            actor=user,
            due_at=end_of_day(due),
        )
    return None


def _requested(session: Session, application_id: int) -> list[str]:
    """The documents the latest re-upload decision asked for."""
    payload = session.scalar(
        select(Decision.payload)
        .where(Decision.application_id == application_id, Decision.kind == "review.reupload")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    return list((payload or {}).get("documents", []))


def receive_upload(
    services: Services,
    *,
    number: str,
    doc_type: str,
    file_name: str,
    data: bytes,
    actor: str,
    limits: UploadLimits,
) -> DecisionResult | None:
    """A document uploaded again on request: stored, the earlier one superseded. When every
    requested document has arrived, the application goes back to verification and the result
    names the flow run to resume; None while documents are still awaited."""
    media = inspect_upload(data, limits)  # a refused upload raises before anything is stored
    with services.sessions() as session:
        app = get_application(session, number=number)
        task = waiting_task(session, application_id=app.id, kinds=("reupload",))
        requested = _requested(session, app.id) if task is not None else []
    if app.stage != "review" or task is None or doc_type not in requested:
        raise ConflictError(f"application {number} is not waiting for a {doc_type} upload")
    digest = sha256_hex(data)
    key = document_key(number, doc_type, digest)
    services.store.put(key, data, media_type=media.media_type)
    with services.sessions.begin() as session:
        for old in list_documents(session, application_id=app.id):
            if old.doc_type == doc_type and old.status != "superseded":
                set_document_status(
                    session,
                    document_id=old.id,
                    status="superseded",
                    actor=actor,
                    reason="uploaded again",
                )
        add_document(
            session,
            application_id=app.id,
            doc_type=doc_type,
            original_name=file_name,
            status="stored",
            media_type=media.media_type,
            size=len(data),
            sha256=digest,
            object_key=key,
            actor=actor,
        )
        renewed = {
            d.doc_type
            for d in list_documents(session, application_id=app.id)
            if d.status == "stored" and d.created_at >= task.created_at
        }
        if set(requested) - renewed:
            return None
        change_stage(
            session,
            application_id=app.id,
            expected="review",
            new="verification",
            actor=actor,
            process=services.process,
            reason="requested documents uploaded",
        )
        close_task(session, task_id=task.id, actor=actor, outcome="uploaded")
        return DecisionResult(app.id, app.number, None, "verification", None, app.flow_run_id)
