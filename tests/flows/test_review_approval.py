"""Review and approval services on real verified applications (real OCR, both databases)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.stages.approval import adjudicate, approve_many, clean_in_approval
from flows.stages.review import ReviewDecision, Verdict, decide, receive_upload
from flows.stages.verification import start_verification, verify_application
from flows.wiring import Services
from rules.policy import default_policy
from storage.applications import get_application_by_id
from storage.models import AuditEvent, Decision, HumanTask
from storage.tasks import claim_task
from tests.flows.conftest import submit
from verification.errors import ConflictError, InputError, NotPermitted, TaskAlreadyClaimed
from verification.media import UploadLimits
from verification.reading.ocr import TesseractEngine
from verification.synthetic.packet import PacketTruth, write_packet

TODAY = date(2026, 11, 27)
POLICY = default_policy()


def _verified(services: Services, packet: PacketTruth) -> tuple[int, int | None]:
    app_id = submit(services, packet.folder)
    start_verification(services, app_id)
    outcome = verify_application(
        services, app_id, engine=TesseractEngine(), policy=POLICY, today=TODAY
    )
    return app_id, outcome.task_id


def _flagged(services: Services, tmp_path: Path, seed: int = 777) -> tuple[PacketTruth, int, int]:
    """A verified application routed to review: the form's birth date disagrees."""
    packet = write_packet(tmp_path / f"p{seed}", seed=seed, kk_form="pdf_text")
    form_file = packet.folder / "application.json"
    body = json.loads(form_file.read_text(encoding="utf-8"))
    body["applicant"]["tanggal_lahir"] = "1971-02-03"
    form_file.write_text(json.dumps(body), encoding="utf-8")
    app_id, task_id = _verified(services, packet)
    assert task_id is not None
    return packet, app_id, task_id


def _claim(services: Services, task_id: int, user: str) -> None:
    with services.sessions.begin() as session:
        claim_task(session, task_id=task_id, user=user)


def _stage(services: Services, app_id: int) -> str:
    with services.sessions() as session:
        return get_application_by_id(session, application_id=app_id).stage


def test_accept_then_approval_with_four_eyes(services: Services, tmp_path: Path) -> None:
    _, app_id, task_id = _flagged(services, tmp_path)
    _claim(services, task_id, "siti")
    with pytest.raises(TaskAlreadyClaimed, match="already claimed by siti"):
        _claim(services, task_id, "budi")

    result = decide(
        services,
        task_id=task_id,
        user="siti",
        role="verification_officer",
        decision=ReviewDecision(Verdict.ACCEPT),
        policy=POLICY,
        today=TODAY,
    )
    assert result.stage == "approval" and result.next_task_id is not None
    number = result.number

    with pytest.raises(NotPermitted, match="verifier_not_adjudicator"):
        adjudicate(services, number=number, user="siti", role="adjudicator", policy=POLICY)
    assert _stage(services, app_id) == "approval"  # the refused attempt changed nothing

    first = adjudicate(services, number=number, user="agus", role="adjudicator", policy=POLICY)
    # crosscheck.birth_date is high severity: the override needs a second approver
    assert (first.complete, first.stage) == (False, "approval")
    with pytest.raises(ConflictError, match="already approved"):
        adjudicate(services, number=number, user="agus", role="adjudicator", policy=POLICY)
    second = adjudicate(services, number=number, user="dewi", role="head_of_office", policy=POLICY)
    assert (second.complete, second.stage) == (True, "biometrics")
    with services.sessions() as session:
        kinds = session.scalars(
            select(HumanTask.kind).where(
                HumanTask.application_id == app_id, HumanTask.status != "done"
            )
        ).all()
    assert kinds == ["biometrics"]


def test_correcting_a_field_verifies_again(services: Services, tmp_path: Path) -> None:
    packet, app_id, task_id = _flagged(services, tmp_path)
    true_date = packet.family.applicant.tanggal_lahir.isoformat()
    _claim(services, task_id, "siti")
    with pytest.raises(InputError, match="needs a reason"):
        decide(
            services,
            task_id=task_id,
            user="siti",
            role="verification_officer",
            decision=ReviewDecision(Verdict.CORRECT, field="tanggal_lahir", value=true_date),
            policy=POLICY,
        )
    with pytest.raises(InputError, match="corrected tanggal_lahir is not valid") as refused:
        decide(
            services,
            task_id=task_id,
            user="siti",
            role="verification_officer",
            decision=ReviewDecision(
                Verdict.CORRECT, reason="typo", field="tanggal_lahir", value="31-31-1990"
            ),
            policy=POLICY,
        )
    assert "31-31-1990" not in str(refused.value)  # the value is not repeated in the error

    result = decide(
        services,
        task_id=task_id,
        user="siti",
        role="verification_officer",
        decision=ReviewDecision(
            Verdict.CORRECT,
            reason="applicant typed the wrong year",
            field="tanggal_lahir",
            value=true_date,
        ),
        policy=POLICY,
    )
    assert result.stage == "verification"
    again = verify_application(
        services, app_id, engine=TesseractEngine(), policy=POLICY, today=TODAY
    )
    assert (again.route, again.stage) == ("auto_approve", "approval")
    with services.sessions() as session:
        row = session.scalars(select(Decision).where(Decision.kind == "review.correct")).one()
        events = session.scalars(select(AuditEvent.payload)).all()
        assert (
            get_application_by_id(session, application_id=app_id).form["tanggal_lahir"] == true_date
        )
    assert (row.payload["old"], row.payload["new"]) == ("1971-02-03", true_date)
    assert not any("1971-02-03" in json.dumps(p) or true_date in json.dumps(p) for p in events)


def test_reupload_waits_for_every_named_document(services: Services, tmp_path: Path) -> None:
    packet, app_id, task_id = _flagged(services, tmp_path)
    _claim(services, task_id, "siti")
    result = decide(
        services,
        task_id=task_id,
        user="siti",
        role="verification_officer",
        decision=ReviewDecision(
            Verdict.REUPLOAD, reason="blurred", documents=("ktp", "akta_kelahiran")
        ),
        policy=POLICY,
    )
    assert result.stage == "review"
    limits = UploadLimits()
    ktp = (packet.folder / "ktp.jpg").read_bytes()
    with pytest.raises(ConflictError, match="not waiting for a kk upload"):
        receive_upload(
            services,
            number=result.number,
            doc_type="kk",
            file_name="kk.pdf",
            data=ktp,
            actor="applicant",
            limits=limits,
        )
    first = receive_upload(
        services,
        number=result.number,
        doc_type="ktp",
        file_name="ktp2.jpg",
        data=ktp,
        actor="applicant",
        limits=limits,
    )
    assert first is None and _stage(services, app_id) == "review"
    akta = (packet.folder / "akta.png").read_bytes()
    done = receive_upload(
        services,
        number=result.number,
        doc_type="akta_kelahiran",
        file_name="akta2.png",
        data=akta,
        actor="applicant",
        limits=limits,
    )
    assert done is not None and done.stage == "verification"
    with services.sessions() as session:
        reupload = session.scalars(select(HumanTask).where(HumanTask.kind == "reupload")).one()
        statuses = sorted(
            session.scalars(
                select(AuditEvent.payload["to"].as_string()).where(
                    AuditEvent.action == "document.status"
                )
            )
        )
    assert (reupload.status, reupload.outcome) == ("done", "uploaded")
    assert statuses == ["superseded", "superseded"]


def test_reject_needs_a_reason_code_and_escalate_goes_to_the_supervisor(
    services: Services, tmp_path: Path
) -> None:
    _, app_id, task_id = _flagged(services, tmp_path)
    _claim(services, task_id, "siti")
    with pytest.raises(InputError, match="reject needs a reason code"):
        decide(
            services,
            task_id=task_id,
            user="siti",
            role="verification_officer",
            decision=ReviewDecision(Verdict.REJECT, reason="forged", reason_code="because"),
            policy=POLICY,
        )
    with pytest.raises(NotPermitted):
        decide(
            services,
            task_id=task_id,
            user="siti",
            role="auditor",
            decision=ReviewDecision(Verdict.ACCEPT),
            policy=POLICY,
        )
    escalated = decide(
        services,
        task_id=task_id,
        user="siti",
        role="verification_officer",
        decision=ReviewDecision(Verdict.ESCALATE, reason="unsure"),
        policy=POLICY,
    )
    assert escalated.next_task_id is not None
    with services.sessions() as session:
        task = session.get(HumanTask, escalated.next_task_id)
        assert task is not None and (task.role, task.status) == ("supervisor", "open")
    _claim(services, escalated.next_task_id, "rina")
    with pytest.raises(NotPermitted):  # the escalated case is the supervisor's
        decide(
            services,
            task_id=escalated.next_task_id,
            user="rina",
            role="verification_officer",
            decision=ReviewDecision(Verdict.ACCEPT),
            policy=POLICY,
        )
    rejected = decide(
        services,
        task_id=escalated.next_task_id,
        user="rina",
        role="supervisor",
        decision=ReviewDecision(
            Verdict.REJECT, reason="forged akta", reason_code="forged_document"
        ),
        policy=POLICY,
    )
    assert rejected.stage == "rejected" == _stage(services, app_id)


def test_bulk_approval_takes_only_clean_applications(services: Services, tmp_path: Path) -> None:
    clean = [
        _verified(services, write_packet(tmp_path / f"c{seed}", seed=seed, kk_form="pdf_text"))[0]
        for seed in (4242, 5151)
    ]
    _flagged(services, tmp_path)  # in review, so not offered
    numbers = clean_in_approval(services)
    assert len(numbers) == 2
    done, refused = approve_many(services, numbers, user="agus", role="adjudicator", policy=POLICY)
    assert refused == [] and [r.stage for r in done] == ["biometrics", "biometrics"]
    assert [_stage(services, a) for a in clean] == ["biometrics", "biometrics"]
    assert clean_in_approval(services) == []
