"""Adjudicators, stations, supervisors and auditors over HTTP: an application approved in the
console, captured at its station, printed and handed over; four-eyes refusals shown; tasks
reassigned; the auditor's trail, chain, fraud register and exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from flows.stages.biometrics import book_appointment, ensure_default_stations
from flows.wiring import Services
from storage.applications import get_application_by_id
from storage.models import AuditEvent, Decision, Document, HumanTask
from storage.users import add_user
from tests.console.conftest import PASSWORD, post, sign_in
from tests.console.seed import POLICY, flagged, in_approval
from verification.synthetic.fingerprint import fingerprint_bytes
from verification.synthetic.portrait import portrait_bytes

Clients = Callable[[str | None], TestClient]


def _stage(services: Services, app_id: int) -> str:
    with services.sessions() as session:
        return get_application_by_id(session, application_id=app_id).stage


def test_approval_capture_print_and_handover(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    clean = in_approval(services, tmp_path)
    adjudicator = client_for("adjudicator")
    queue = adjudicator.get("/approval").text
    assert clean.number in queue and "bersih" in queue
    post(adjudicator, "/approval/approve-clean")
    assert _stage(services, clean.application_id) == "biometrics"

    ensure_default_stations(services, actor="test")
    booking = book_appointment(services, clean.application_id, today=date.today(), policy=POLICY)
    station = client_for("bio")
    day = f"/stations/biometrics?station={booking.station_code}&day={booking.day.isoformat()}"
    assert clean.number in station.get(day).text
    files = [
        ("photo", ("photo.jpg", portrait_bytes(seed=3), "image/jpeg")),
        ("fingerprints", ("f1.png", fingerprint_bytes(seed=1), "image/png")),
        ("fingerprints", ("f2.png", fingerprint_bytes(seed=2), "image/png")),
    ]
    token = station.get(day).text.split('name="csrf_token" value="')[1].split('"')[0]
    done = station.post(
        f"/stations/biometrics/{clean.number}/capture",
        data={"csrf_token": token, "station": booking.station_code},
        files=files,
    )
    assert done.status_code == 303
    page = station.get(day).text
    assert "capture accepted" in page and "Diterima" in page  # the photo-quality result
    assert _stage(services, clean.application_id) == "printing"

    printer = client_for("printer")
    assert clean.number in printer.get("/stations/printing").text
    post(printer, f"/stations/printing/{clean.number}/print")
    page = printer.get("/stations/printing").text
    assert "QC ✔" in page and "printed" in page
    post(printer, f"/stations/printing/{clean.number}/handover", {"collector": "holder"})
    assert _stage(services, clean.application_id) == "issued"


def test_four_eyes_refusal_is_shown(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    with services.sessions.begin() as session:
        add_user(
            session,
            name="both",
            password=PASSWORD,
            roles=["verification_officer", "adjudicator"],
            actor="test",
        )
    both = sign_in(client_for(None), "both")
    post(both, f"/tasks/{case.task_id}/claim", {"next": "/review"})
    post(both, f"/tasks/{case.task_id}/decide", {"verdict": "accept", "reason": "fine"})
    assert _stage(services, case.application_id) == "approval"
    post(both, "/approval/approve", {"numbers": case.number})
    assert "four-eyes rule verifier_not_adjudicator" in both.get("/approval").text
    assert _stage(services, case.application_id) == "approval"
    # the high-severity finding needs two approvers
    adjudicator, head = client_for("adjudicator"), client_for("head")
    post(adjudicator, "/approval/approve", {"numbers": case.number})
    assert "needs another approver" in adjudicator.get("/approval").text
    post(head, "/approval/approve", {"numbers": case.number})
    assert _stage(services, case.application_id) == "biometrics"


def test_supervisor_dashboard_and_reassignment(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    in_approval(services, tmp_path)
    supervisor = client_for("super")
    page = supervisor.get("/supervisor").text
    for part in ("Jumlah per tahap", "Antrean per peran", "Tugas terlambat", "<svg"):
        assert part in page
    tasks = supervisor.get("/supervisor/tasks").text
    assert case.number in tasks
    refused = post(supervisor, f"/tasks/{case.task_id}/reassign", {"to_user": "printer"})
    assert refused.status_code == 303
    assert "does not hold" in supervisor.get("/supervisor/tasks").text
    post(supervisor, f"/tasks/{case.task_id}/reassign", {"to_user": "officer2"})
    with services.sessions() as session:
        task = session.get(HumanTask, case.task_id)
        assert task is not None and (task.status, task.assignee) == ("claimed", "officer2")
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "task.reassigned")
        ).one()
    assert event.actor == "super" and event.payload == {"from": None, "to": "officer2"}


def test_auditor_trail_register_and_exports(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    officer = client_for("officer")
    post(officer, f"/tasks/{case.task_id}/claim", {"next": "/review"})
    post(
        officer,
        f"/tasks/{case.task_id}/decide",
        {"verdict": "reject", "reason_code": "forged_document", "reason": "=cmd|' KK reused"},
    )
    auditor = client_for("auditor")
    found = auditor.get("/audit", params={"q": case.number[-6:]}).text
    assert f"/audit/applications/{case.number}" in found
    nik = case.packet.application["applicant"]["nik"]
    assert case.number in auditor.get("/audit", params={"q": nik}).text

    trail = auditor.get(f"/audit/applications/{case.number}").text
    assert "review.reject" in trail and "officer" in trail and POLICY.version in trail
    assert "Rantai audit utuh" in trail and "task.claimed" in trail
    with services.sessions() as session:
        decision = session.scalars(select(Decision)).one()
        hashes = session.scalars(select(Document.sha256)).all()
    assert decision.note is not None and decision.note in trail.replace("&#39;", "'")
    assert all(h and h in trail for h in hashes)  # every document by its SHA-256
    assert "Rantai audit utuh" in auditor.get("/audit/chain").text

    register = auditor.get("/audit/fraud", params={"code": "fraud.document_reused"}).text
    assert case.number in register and "officer" in register
    assert case.number not in auditor.get("/audit/fraud", params={"severity": "low"}).text

    exported = auditor.get("/audit/fraud.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows[0]["application"] == case.number and rows[0]["cleared_by"] == "officer"
    assert rows[0]["cleared_note"].startswith("'=")  # a formula is never run by a spreadsheet
    trail_csv = auditor.get(f"/audit/applications/{case.number}/trail.csv").text
    assert "decision.review.reject" in trail_csv
    # read-only: the auditor's case page has no decision forms
    assert "form-accept" not in auditor.get(f"/cases/{case.number}").text
