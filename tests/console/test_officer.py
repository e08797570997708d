"""The officer's work over HTTP: queue with filters, claim and unclaim, the case page with
form and document values side by side, word boxes and evidence, and decisions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from flows.wiring import Services
from storage.applications import get_application_by_id
from storage.models import AuditEvent, Decision, HumanTask
from tests.console.conftest import post
from tests.console.seed import WRONG_BIRTH_DATE, flagged

Clients = Callable[[str | None], TestClient]


def _task(services: Services, task_id: int) -> HumanTask:
    with services.sessions() as session:
        task = session.get(HumanTask, task_id)
        assert task is not None
        session.expunge(task)
        return task


def test_queue_claim_and_case_page(services: Services, client_for: Clients, tmp_path: Path) -> None:
    case = flagged(services, tmp_path)
    officer = client_for("officer")
    queue = officer.get("/review")
    assert queue.status_code == 200
    assert case.number in queue.text and "critical" in queue.text

    assert case.number not in officer.get("/review?deadline=overdue").text
    assert case.number in officer.get("/review?deadline=later").text
    assert case.number not in officer.get("/review?deadline=today").text
    assert case.number not in officer.get("/review?older=3").text
    assert case.number not in officer.get("/review?stage=approval").text
    assert case.number not in officer.get("/review?mine=1").text

    claimed = post(officer, f"/tasks/{case.task_id}/claim", {"next": f"/cases/{case.number}"})
    assert claimed.status_code == 303 and claimed.headers["location"] == f"/cases/{case.number}"
    assert _task(services, case.task_id).assignee == "officer"
    assert case.number in officer.get("/review?mine=1").text

    other = client_for("officer2")
    refused = post(other, f"/tasks/{case.task_id}/claim", {"next": "/review"})
    assert refused.status_code == 303
    assert "already claimed by officer" in other.get("/review").text
    assert _task(services, case.task_id).assignee == "officer"

    page = officer.get(f"/cases/{case.number}")
    assert page.status_code == 200
    html = page.text
    truth = case.packet.document("ktp").fields["tanggal_lahir"]
    # the form value and the value read from each document, side by side, with match levels
    assert WRONG_BIRTH_DATE in html and truth in html and "MISMATCH" in html and "EXACT" in html
    assert 'id="form-correct"' in html and 'id="form-accept"' in html
    assert f"/findings/{case.finding_id}/picture" in html
    assert 'href="/cases/APP-2026-000001"' in html  # the reuse link
    with services.sessions() as session:
        viewed = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "application.viewed",
                AuditEvent.application_id == case.application_id,
            )
        ).all()
    assert [e.actor for e in viewed] == ["officer"]

    unclaimed = post(officer, f"/tasks/{case.task_id}/unclaim")
    assert unclaimed.status_code == 303
    assert _task(services, case.task_id).status == "open"


def test_document_picture_words_and_evidence(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    officer = client_for("officer")
    kk = officer.get(f"/documents/{case.documents['kk']}/picture")
    assert kk.status_code == 200 and kk.headers["content-type"] == "image/png"
    assert kk.content[:8] == b"\x89PNG\r\n\x1a\n"  # the PDF's first page rendered
    words = officer.get(f"/documents/{case.documents['kk']}/words").json()
    assert words["width"] > 500 and words["height"] > 500
    texts = {w["text"] for w in words["words"]}
    assert "KARTU" in texts and case.packet.application["applicant"]["no_kk"] in texts
    for w in words["words"]:
        assert 0 <= w["x"] <= words["width"] and 0 <= w["y"] <= words["height"]
    ktp = officer.get(f"/documents/{case.documents['ktp']}/picture")
    assert ktp.headers["content-type"] == "image/jpeg"
    evidence = officer.get(f"/findings/{case.finding_id}/picture")
    assert evidence.status_code == 200 and evidence.content[:4] == b"\x89PNG"
    assert officer.get("/findings/999999/picture").status_code == 404


def test_decisions_go_through_the_review_service(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    case = flagged(services, tmp_path)
    officer = client_for("officer")
    post(officer, f"/tasks/{case.task_id}/claim", {"next": "/review"})
    truth = case.packet.document("ktp").fields["tanggal_lahir"]

    # refused by the service: a correction needs a reason; nothing changes
    refused = post(
        officer,
        f"/tasks/{case.task_id}/decide",
        {"verdict": "correct", "field": "tanggal_lahir", "value": truth},
    )
    assert refused.status_code == 303
    assert "needs a reason" in officer.get(f"/cases/{case.number}").text
    assert _task(services, case.task_id).status == "claimed"

    done = post(
        officer,
        f"/tasks/{case.task_id}/decide",
        {"verdict": "correct", "field": "tanggal_lahir", "value": truth, "reason": "typo"},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{case.number}"
    with services.sessions() as session:
        app = get_application_by_id(session, application_id=case.application_id)
        assert (app.stage, app.form["tanggal_lahir"]) == ("verification", truth)
        decision = session.scalars(select(Decision)).one()
    assert (decision.kind, decision.actor, decision.role) == (
        "review.correct",
        "officer",
        "verification_officer",
    )
    assert decision.payload["old"] == WRONG_BIRTH_DATE and decision.note == "typo"
    assert "correct → verification" in officer.get(f"/cases/{case.number}").text


def test_reject_with_reason_code_and_reupload(
    services: Services, client_for: Clients, tmp_path: Path
) -> None:
    first = flagged(services, tmp_path, seed=801)
    second = flagged(services, tmp_path, seed=802)
    officer = client_for("officer")
    for case in (first, second):
        post(officer, f"/tasks/{case.task_id}/claim", {"next": "/review"})
    post(
        officer,
        f"/tasks/{first.task_id}/decide",
        {"verdict": "reject", "reason_code": "forged_document", "reason": "KK reused"},
    )
    post(
        officer,
        f"/tasks/{second.task_id}/decide",
        {"verdict": "reupload", "documents": ["ktp", "kk"], "reason": "blurred"},
    )
    with services.sessions() as session:
        stages = {
            n: get_application_by_id(session, application_id=i).stage
            for n, i in (
                (first.number, first.application_id),
                (second.number, second.application_id),
            )
        }
        kinds = {d.kind: d.payload for d in session.scalars(select(Decision))}
    assert stages == {first.number: "rejected", second.number: "review"}
    assert kinds["review.reject"]["source"] == "verifier"
    assert kinds["review.reupload"]["documents"] == ["ktp", "kk"]
