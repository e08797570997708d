"""Documents, extractions, findings, human tasks and decisions on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process
from storage.applications import audit_trail, create_application
from storage.audit import verify_chain
from storage.documents import (
    add_document,
    add_extraction,
    documents_by_sha256,
    get_document,
    latest_extraction,
    list_documents,
    set_document_status,
)
from storage.findings import add_findings, list_findings
from storage.tasks import (
    claim_task,
    complete_task,
    create_task,
    get_task,
    list_decisions,
    list_tasks,
    record_decision,
    unclaim_task,
)
from tests.factories import applicant
from tests.storage.conftest import stored_document
from verification.errors import ConflictError, NotFound, TaskAlreadyClaimed
from verification.findings import Evidence, Finding, Severity

SHA = "ab" * 32


@pytest.fixture
def app_id(sessions: sessionmaker[Session], process: Process) -> int:
    with sessions.begin() as session:
        app = create_application(
            session,
            number="APP-2026-000010",
            category="adult",
            form=applicant(),
            process=process,
            actor="tester",
        )
        return app.id


def _stored(session: Session, app_id: int, doc_type: str = "ktp", sha: str = SHA) -> int:
    return stored_document(session, app_id, doc_type, sha)


def test_documents_stored_and_missing(sessions: sessionmaker[Session], app_id: int) -> None:
    with sessions.begin() as session:
        doc_id = _stored(session, app_id)
        add_document(
            session,
            application_id=app_id,
            doc_type="kk",
            original_name="kk.pdf",
            status="missing",
            status_reason="file is not in the packet",
            actor="tester",
        )
    with sessions() as session:
        docs = list_documents(session, application_id=app_id)
        assert [(d.doc_type, d.status) for d in docs] == [("ktp", "stored"), ("kk", "missing")]
        assert get_document(session, document_id=doc_id).sha256 == SHA
        assert [d.id for d in documents_by_sha256(session, sha256=SHA)] == [doc_id]
        actions = [e.action for e in audit_trail(session, application_id=app_id)]
        assert actions[-2:] == ["document.stored", "document.missing"]
        with pytest.raises(NotFound):
            get_document(session, document_id=9999)


@pytest.mark.parametrize(
    ("status", "fields", "message"),
    [
        ("lost", {}, "unknown document status"),
        ("stored", {"sha256": None}, "needs its hash"),
    ],
)
def test_document_rows_are_validated(
    sessions: sessionmaker[Session], app_id: int, status: str, fields: dict[str, None], message: str
) -> None:
    values = {"media_type": "image/png", "size": 1, "sha256": SHA, "object_key": "k", **fields}
    with sessions.begin() as session, pytest.raises(ValueError, match=message):
        add_document(
            session,
            application_id=app_id,
            doc_type="ktp",
            original_name="x.png",
            status=status,
            actor="tester",
            **values,
        )  # type: ignore[arg-type]


def test_document_status_change_is_audited(sessions: sessionmaker[Session], app_id: int) -> None:
    with sessions.begin() as session:
        doc_id = _stored(session, app_id)
    with sessions.begin() as session:
        set_document_status(
            session, document_id=doc_id, status="superseded", actor="officer", reason="re-uploaded"
        )
    with sessions() as session:
        assert get_document(session, document_id=doc_id).status == "superseded"
        event = audit_trail(session, application_id=app_id)[-1]
        assert event.payload == {
            "from": "stored",
            "to": "superseded",
            "reason": "re-uploaded",
            "sha256": SHA,
        }
    with sessions.begin() as session, pytest.raises(ValueError):
        set_document_status(session, document_id=doc_id, status="bogus", actor="x")


def test_extractions_keep_values_out_of_the_audit(
    sessions: sessionmaker[Session], app_id: int
) -> None:
    with sessions.begin() as session:
        doc_id = _stored(session, app_id)
        add_extraction(
            session,
            document_id=doc_id,
            status="ok",
            engine="tesseract",
            fields={"nik": "1471024508900003"},
            confidence={"nik": 0.5},
        )
        add_extraction(
            session,
            document_id=doc_id,
            status="ok",
            engine="tesseract",
            fields={"nik": "1471024508900003", "nama": "SITI AMINAH"},
            confidence={"nik": 0.97, "nama": 0.9},
            steps={"ran": ["deskew"]},
            seconds=0.4,
            doc_type_detected="ktp",
        )
    with sessions() as session:
        latest = latest_extraction(session, document_id=doc_id)
        assert latest is not None and latest.confidence["nik"] == 0.97
        assert latest.steps == {"ran": ["deskew"]}
        event = audit_trail(session, application_id=app_id)[-1]
        assert event.payload["fields"] == ["nama", "nik"]
        assert "1471024508900003" not in str(event.payload)
        assert latest_extraction(session, document_id=12345) is None


def test_findings_carry_rule_version(sessions: sessionmaker[Session], app_id: int) -> None:
    with sessions.begin() as session:
        doc_id = _stored(session, app_id)
        add_findings(
            session,
            application_id=app_id,
            actor="verifier",
            document_ids={"ktp": doc_id},
            findings=[
                Finding(
                    "crosscheck.name",
                    Severity.HIGH,
                    "2026.2",
                    field="nama",
                    expected="A",
                    observed="B",
                    message="mismatch",
                    document="ktp",
                    evidence=Evidence(sha256=SHA, document="ktp", page=0),
                ),
                Finding("identity.nik_region", Severity.LOW, "2026.2"),
            ],
        )
        assert add_findings(session, application_id=app_id, actor="verifier", findings=[]) == []
    with sessions() as session:
        found = list_findings(session, application_id=app_id)
        assert [(f.code, f.severity, f.rule_version, f.document_id) for f in found] == [
            ("crosscheck.name", "high", "2026.2", doc_id),
            ("identity.nik_region", "low", "2026.2", None),
        ]
        assert found[0].evidence["sha256"] == SHA and found[0].evidence["page"] == 0
        assert found[0].detail == "mismatch"
        prefixed = list_findings(session, application_id=app_id, code_prefix="identity.")
        assert [f.code for f in prefixed] == ["identity.nik_region"]
        event = audit_trail(session, application_id=app_id)[-1]
        assert [f["code"] for f in event.payload["findings"]] == [
            "crosscheck.name",
            "identity.nik_region",
        ]
        assert "A" not in [f.get("expected") for f in event.payload["findings"]]


def test_unknown_finding_codes_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="unknown finding code"):
        Finding("crosscheck.nama", Severity.HIGH, "2026.2")


def test_task_claim_is_first_come(sessions: sessionmaker[Session], app_id: int) -> None:
    with sessions.begin() as session:
        task_id = create_task(
            session, application_id=app_id, kind="review", role="officer", actor="flow", priority=2
        ).id
    with sessions.begin() as session:
        assert claim_task(session, task_id=task_id, user="ani").assignee == "ani"
    with (
        sessions.begin() as session,
        pytest.raises(TaskAlreadyClaimed, match="already claimed by ani"),
    ):
        claim_task(session, task_id=task_id, user="budi")
    with sessions.begin() as session, pytest.raises(ConflictError, match="not claimed by budi"):
        unclaim_task(session, task_id=task_id, user="budi")
    with sessions.begin() as session:
        task = unclaim_task(session, task_id=task_id, user="ani")
        assert task.status == "open" and task.assignee is None
    with sessions.begin() as session:
        claim_task(session, task_id=task_id, user="budi")
    with sessions.begin() as session:
        done = complete_task(session, task_id=task_id, user="budi", outcome="accept")
        assert done.status == "done" and done.completed_at is not None
    with sessions.begin() as session, pytest.raises(TaskAlreadyClaimed, match="no longer open"):
        claim_task(session, task_id=task_id, user="citra")
    with sessions.begin() as session, pytest.raises(ConflictError):
        complete_task(session, task_id=task_id, user="budi", outcome="accept")
    with sessions() as session:
        actions = [e.action for e in audit_trail(session, application_id=app_id)]
        assert actions[-5:] == [
            "task.created",
            "task.claimed",
            "task.unclaimed",
            "task.claimed",
            "task.completed",
        ]
        assert verify_chain(session).ok


def test_task_queue_listing(sessions: sessionmaker[Session], app_id: int) -> None:
    with sessions.begin() as session:
        low = create_task(
            session, application_id=app_id, kind="review", role="officer", actor="flow", priority=0
        ).id
        high = create_task(
            session, application_id=app_id, kind="review", role="officer", actor="flow", priority=5
        ).id
        create_task(
            session, application_id=app_id, kind="approval", role="adjudicator", actor="flow"
        )
    with sessions() as session:
        assert [t.id for t in list_tasks(session, role="officer")] == [high, low]
        assert len(list_tasks(session, application_id=app_id)) == 3
        assert list_tasks(session, status="claimed") == []
        assert list_tasks(session, assignee="nobody") == []
        assert get_task(session, task_id=low).kind == "review"
        with pytest.raises(NotFound):
            get_task(session, task_id=9999)


def test_decisions(sessions: sessionmaker[Session], app_id: int) -> None:
    with sessions.begin() as session:
        record_decision(
            session,
            application_id=app_id,
            kind="correct",
            actor="ani",
            role="officer",
            reason_code="ocr_error",
            note="KTP smudged",
            payload={"field": "nama", "value": "SITI AMINAH"},
        )
    with sessions() as session:
        decisions = list_decisions(session, application_id=app_id)
        assert [(d.kind, d.actor, d.reason_code) for d in decisions] == [
            ("correct", "ani", "ocr_error")
        ]
        event = audit_trail(session, application_id=app_id)[-1]
        assert event.action == "decision.correct"
        assert "SITI AMINAH" not in str(event.payload)
