"""The verification stage on a stored application: real OCR, real database, both backends."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from flows.stages.verification import start_verification, verify_application
from flows.wiring import Services
from rules.policy import default_policy
from storage.audit import verify_chain
from storage.models import AuditEvent, Extraction, Finding, HumanTask
from tests.flows.conftest import forge_kk, submit
from verification.reading.ocr import TesseractEngine
from verification.synthetic.packet import write_packet

TODAY = date(2026, 11, 27)


def _count(services: Services, model: type, **where: object) -> int:
    with services.sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.scalar(query) or 0)


def test_a_clean_application_goes_to_approval_once(services: Services, tmp_path: Path) -> None:
    packet = write_packet(tmp_path / "p1", seed=4242, kk_form="pdf_text")
    app_id = submit(services, packet.folder)
    assert start_verification(services, app_id) == "verification"
    assert start_verification(services, app_id) == "verification"  # no second move

    outcome = verify_application(
        services, app_id, engine=TesseractEngine(), policy=default_policy(), today=TODAY
    )
    assert (outcome.route, outcome.stage) == ("auto_approve", "approval")
    with services.sessions() as session:
        task = session.get(HumanTask, outcome.task_id)
        assert task is not None and (task.kind, task.role) == ("approval", "adjudicator")
    assert _count(services, Extraction) == 3  # ktp, kk, akta: each read once

    again = verify_application(
        services, app_id, engine=TesseractEngine(), policy=default_policy(), today=TODAY
    )
    assert (again.route, again.stage) == (None, "approval")  # nothing recorded twice
    assert _count(services, Extraction) == 3
    assert _count(services, AuditEvent, action="verification.routed") == 1
    with services.sessions() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "verification.routed")
        ).one()
        assert verify_chain(session).ok
    assert event.payload["route"] == "auto_approve"
    assert event.payload["documents"]["ktp"] == _sha(packet.folder / "ktp.jpg")
    assert packet.family.applicant.nik not in json.dumps(event.payload)


def test_a_mismatch_goes_to_review_with_a_task(services: Services, tmp_path: Path) -> None:
    packet = write_packet(tmp_path / "p2", seed=777, kk_form="pdf_text")
    form_file = packet.folder / "application.json"
    body = json.loads(form_file.read_text(encoding="utf-8"))
    body["applicant"]["tanggal_lahir"] = "1971-02-03"  # the form disagrees with every document
    form_file.write_text(json.dumps(body), encoding="utf-8")
    app_id = submit(services, packet.folder)
    start_verification(services, app_id)

    outcome = verify_application(
        services, app_id, engine=TesseractEngine(), policy=default_policy(), today=TODAY
    )
    assert (outcome.route, outcome.stage) == ("human_review", "review")
    assert "crosscheck.birth_date" in outcome.finding_codes
    with services.sessions() as session:
        task = session.get(HumanTask, outcome.task_id)
        assert task is not None
        assert (task.kind, task.status, task.role) == ("review", "open", "verification_officer")
        assert task.due_at is not None and task.due_at.date() > TODAY
        codes = set(session.scalars(select(Finding.code).where(Finding.application_id == app_id)))
    assert "crosscheck.birth_date" in codes


def test_an_unreadable_upload_is_marked_and_the_application_goes_on(
    services: Services, tmp_path: Path
) -> None:
    packet = write_packet(tmp_path / "p3", seed=99, kk_form="pdf_text")
    (packet.folder / "akta.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # truncated
    app_id = submit(services, packet.folder)
    start_verification(services, app_id)
    outcome = verify_application(
        services, app_id, engine=TesseractEngine(), policy=default_policy(), today=TODAY
    )
    assert outcome.stage == "review"
    assert "document.unreadable" in outcome.finding_codes
    with services.sessions() as session:
        statuses = sorted(session.scalars(select(Extraction.status)))
    assert statuses == ["ok", "ok", "unreadable"]  # the akta is marked, the others were read


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_covered_value_is_found_with_an_evidence_picture(
    services: Services, tmp_path: Path
) -> None:
    packet = write_packet(tmp_path / "p4", seed=4242, kk_form="pdf_text")
    member = packet.family.applicant
    forge_kk(packet)
    app_id = submit(services, packet.folder)
    start_verification(services, app_id)
    outcome = verify_application(
        services, app_id, engine=TesseractEngine(), policy=default_policy(), today=TODAY
    )
    assert outcome.stage == "review" and "fraud.pdf.edited" in outcome.finding_codes
    with services.sessions() as session:
        rows = session.scalars(
            select(Finding).where(
                Finding.application_id == app_id, Finding.code == "fraud.pdf.edited"
            )
        ).all()
    pictures = {row.evidence["details"].get("picture") for row in rows}
    assert len(pictures) == 1 and None not in pictures  # one picture, linked from each finding
    key = pictures.pop()
    assert key.startswith("evidence/") and key.endswith(
        hashlib.sha256(services.store.get(key)).hexdigest()
    )
    assert services.store.get(key).startswith(b"\x89PNG")
    assert member.nik not in json.dumps([row.evidence for row in rows])
