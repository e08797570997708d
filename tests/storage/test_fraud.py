"""Duplicate applications and reused files, found across applications on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from rules.checking import check_context
from rules.policy import default_policy
from rules.process import Process
from storage.applications import change_stage
from storage.findings import add_findings, list_findings
from storage.fraud import duplicate_applications, reused_documents
from storage.models import Application
from tests.factories import applicant
from tests.storage.conftest import NewApplication, stored_document
from verification.checks.case import CheckContext

OTHER_NIK = "1471020507850001"  # fictitious: a man born 05-07-1985


@pytest.fixture
def ctx() -> CheckContext:
    return check_context(default_policy())


def _file(sessions: sessionmaker[Session], app_id: int, doc_type: str, sha256: str) -> None:
    with sessions.begin() as session:
        stored_document(session, app_id, doc_type, sha256)


def test_the_nik_is_indexed_from_the_form(
    new_application: NewApplication, sessions: sessionmaker[Session]
) -> None:
    app_id = new_application("APP-2026-000101")
    with sessions() as session:
        assert session.get(Application, app_id).nik == applicant()["nik"]  # type: ignore[union-attr]


def test_same_nik_in_progress_is_a_duplicate(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    process: Process,
    ctx: CheckContext,
) -> None:
    first = new_application("APP-2026-000101")
    second = new_application("APP-2026-000102")
    new_application("APP-2026-000103", nik=OTHER_NIK)
    with sessions() as session:
        findings = duplicate_applications(session, application_id=second, process=process, ctx=ctx)
    assert [f.code for f in findings] == ["fraud.duplicate_application"]
    finding = findings[0]
    assert finding.severity.value == "critical" and finding.rule_version == ctx.rule_version
    assert finding.observed == "APP-2026-000101"
    others = finding.evidence.details["other_applications"]
    assert others == [{"number": "APP-2026-000101", "stage": "intake"}]
    assert applicant()["nik"] not in finding.message  # numbers, never the NIK
    with sessions() as session:
        assert duplicate_applications(session, application_id=first, process=process, ctx=ctx)


def test_a_finished_application_is_no_duplicate(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    process: Process,
    ctx: CheckContext,
) -> None:
    old = new_application("APP-2026-000101")
    with sessions.begin() as session:
        change_stage(
            session, application_id=old, expected="intake", new="withdrawn",
            actor="applicant", process=process,
        )  # fmt: skip
    new = new_application("APP-2026-000102")
    with sessions() as session:
        assert duplicate_applications(session, application_id=new, process=process, ctx=ctx) == []


def test_a_personal_document_in_another_application_is_reuse(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    ctx: CheckContext,
) -> None:
    first = new_application("APP-2026-000101")
    second = new_application("APP-2026-000102", nik=OTHER_NIK, nama="BUDI SANTOSO")
    _file(sessions, first, "ktp", "aa" * 32)
    _file(sessions, second, "ktp", "aa" * 32)  # someone else's KTP, the same file
    _file(sessions, second, "akta_kelahiran", "bb" * 32)
    with sessions() as session:
        findings = reused_documents(session, application_id=second, ctx=ctx)
    assert [(f.code, f.document) for f in findings] == [("fraud.document_reused", "ktp")]
    evidence = findings[0].evidence
    assert evidence.sha256 == "aa" * 32
    assert [o["number"] for o in evidence.details["other"]] == ["APP-2026-000101"]
    assert evidence.details["method"].startswith("byte-identical")
    with sessions.begin() as session:  # stored findings keep the evidence for auditors
        add_findings(session, application_id=second, findings=findings, actor="verifier")
    with sessions() as session:
        rows = list_findings(session, application_id=second)
        assert rows[0].evidence["details"]["other"][0]["number"] == "APP-2026-000101"


@pytest.mark.parametrize(
    ("their_kk", "their_type", "reused"),
    [
        ("1471020101150007", "kk", False),  # a sibling's application: the same KK is expected
        ("1471020101150007", "ktp_ibu", False),  # the mother's KTP in two children's files
        ("1471029999150001", "kk", True),  # the same KK file under another KK number
    ],
)
def test_family_documents_are_shared_within_one_kk_only(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    ctx: CheckContext,
    their_kk: str,
    their_type: str,
    reused: bool,
) -> None:
    mine = new_application("APP-2026-000101")
    theirs = new_application("APP-2026-000102", nik=OTHER_NIK, no_kk=their_kk)
    _file(sessions, mine, their_type, "cc" * 32)
    _file(sessions, theirs, their_type, "cc" * 32)
    with sessions() as session:
        found = reused_documents(session, application_id=mine, ctx=ctx)
    assert bool(found) is reused


def test_unknown_application_is_a_clear_error(
    sessions: sessionmaker[Session], ctx: CheckContext
) -> None:
    with sessions() as session, pytest.raises(LookupError, match="no application with id 999"):
        reused_documents(session, application_id=999, ctx=ctx)
    with sessions() as session:
        assert session.scalar(select(Application.id)) is None
