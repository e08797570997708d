"""Duplicate applications and reused files, found across applications on both databases."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from rules.checking import check_context
from rules.policy import default_policy
from rules.process import Process
from storage.applications import change_stage
from storage.documents import add_document, add_extraction
from storage.findings import add_findings, list_findings
from storage.fraud import duplicate_applications, record_fraud_checks, reused_documents
from storage.models import Application, DocumentFingerprint, FingerprintKey
from storage.near_duplicates import fingerprint_documents, near_duplicate_documents
from storage.store import DocumentStore, FileSystemStore, document_key, sha256_hex
from tests.factories import applicant
from tests.storage.conftest import NewApplication, stored_document
from verification.checks.case import CheckContext
from verification.synthetic.kk import render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import generate_family
from verification.synthetic.variants import reused_variant

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
    with sessions() as session:  # the first submitted goes on: only later ones are duplicates
        assert duplicate_applications(session, application_id=first, process=process, ctx=ctx) == []


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


# Near-duplicate images: real synthetic documents in a real document store.


def _ktp_bytes(seed: int, *, degraded: bool = False) -> bytes:
    rng = random.Random(seed)
    family = generate_family(rng)
    return render_ktp(family, family.applicant, rng, degraded=degraded).data


def _upload(
    sessions: sessionmaker[Session], store: DocumentStore, app_id: int, doc_type: str, data: bytes
) -> int:
    """Store ``data`` as a document of the application, as intake does; its id."""
    with sessions.begin() as session:
        number = session.get(Application, app_id).number  # type: ignore[union-attr]
        key = document_key(number, doc_type, sha256_hex(data))
        store.put(key, data, media_type="image/jpeg")
        return add_document(
            session, application_id=app_id, doc_type=doc_type, original_name=f"{doc_type}.jpg",
            status="stored", actor="tester", media_type="image/jpeg", size=len(data),
            sha256=sha256_hex(data), object_key=key,
        ).id  # fmt: skip


@pytest.mark.parametrize("degraded", [False, True])
@pytest.mark.parametrize("variant", ["cropped", "rephotographed"])
def test_a_nearly_identical_image_in_another_application_is_reuse(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    fs_store: FileSystemStore,
    ctx: CheckContext,
    degraded: bool,
    variant: str,
) -> None:
    first = new_application("APP-2026-000101")
    second = new_application("APP-2026-000102", nik=OTHER_NIK, nama="BUDI SANTOSO")
    third = new_application("APP-2026-000103", nik="3201014101900002", nama="SITI AMINAH")
    genuine = _ktp_bytes(61, degraded=degraded)
    _upload(sessions, fs_store, first, "ktp", genuine)
    _upload(sessions, fs_store, third, "ktp", _ktp_bytes(62, degraded=degraded))  # a stranger
    copy = reused_variant(genuine, random.Random(4), kind=variant)
    copy_id = _upload(sessions, fs_store, second, "ktp", copy)
    with sessions.begin() as session:
        for app_id in (first, third):  # earlier applications were checked when they came in
            near_duplicate_documents(session, application_id=app_id, store=fs_store, ctx=ctx)
        findings = near_duplicate_documents(session, application_id=second, store=fs_store, ctx=ctx)
    assert [(f.code, f.document, f.observed) for f in findings] == [
        ("fraud.document_reused", "ktp", "APP-2026-000101")
    ]
    details = findings[0].evidence.details
    assert details["method"].startswith("near-duplicate image")
    assert details["document_id"] == copy_id
    [other] = details["other"]
    assert other["number"] == "APP-2026-000101"
    assert other["score"] >= other["threshold"] == details["parameters"]["threshold"]
    assert OTHER_NIK not in findings[0].message and "BUDI" not in findings[0].message


def test_strangers_documents_and_byte_identical_copies_are_not_near_duplicates(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    fs_store: FileSystemStore,
    ctx: CheckContext,
) -> None:
    first = new_application("APP-2026-000101")
    second = new_application("APP-2026-000102", nik=OTHER_NIK)
    _upload(sessions, fs_store, first, "ktp", _ktp_bytes(71))
    _upload(sessions, fs_store, first, "akta_kelahiran", _ktp_bytes(73))
    _upload(sessions, fs_store, second, "ktp", _ktp_bytes(72))
    _upload(sessions, fs_store, second, "akta_kelahiran", _ktp_bytes(73))  # the same bytes
    with sessions.begin() as session:
        near_duplicate_documents(session, application_id=first, store=fs_store, ctx=ctx)
        near = near_duplicate_documents(session, application_id=second, store=fs_store, ctx=ctx)
        exact = reused_documents(session, application_id=second, ctx=ctx)
    assert near == []  # the byte-identical file is reused_documents' finding, once
    assert [(f.document, f.evidence.details["method"][:14]) for f in exact] == [
        ("akta_kelahiran", "byte-identical")
    ]


def test_fingerprints_are_computed_once(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    fs_store: FileSystemStore,
) -> None:
    app_id = new_application("APP-2026-000101")
    ids = [_upload(sessions, fs_store, app_id, "ktp", _ktp_bytes(81, degraded=True))]
    ids.append(_upload(sessions, fs_store, app_id, "foto", b"\xff\xd8 not really a JPEG"))
    with sessions.begin() as session:
        assert fingerprint_documents(session, store=fs_store, document_ids=ids) == 2
    with sessions.begin() as session:
        assert fingerprint_documents(session, store=fs_store, document_ids=ids) == 0
        rows = {r.document_id: r for r in session.scalars(select(DocumentFingerprint))}
        keys = session.scalar(select(func.count()).select_from(FingerprintKey))
    assert (rows[ids[0]].status, rows[ids[0]].layout) == ("ok", "ktp")
    assert rows[ids[1]].status == "unreadable"  # not tried again, and no keys
    assert keys and keys > 500


def test_a_family_card_photographed_again_is_shared_within_one_kk_only(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    fs_store: FileSystemStore,
    process: Process,
    ctx: CheckContext,
) -> None:
    rng = random.Random(91)
    kk = render_kk(generate_family(rng), rng, form="photo").data
    sibling = new_application("APP-2026-000101")
    stranger = new_application("APP-2026-000102", nik=OTHER_NIK, no_kk="1471029999150001")
    mine = new_application("APP-2026-000103", nik="3201014101900002")
    _upload(sessions, fs_store, sibling, "kk", kk)
    _upload(
        sessions, fs_store, stranger, "kk", reused_variant(kk, random.Random(1), kind="resized")
    )
    _upload(sessions, fs_store, mine, "kk", reused_variant(kk, random.Random(2), kind="rotated"))
    with sessions.begin() as session:
        for app_id in (sibling, stranger):
            fingerprint_documents(session, store=fs_store, document_ids=[
                d.id for d in session.get(Application, app_id).documents  # type: ignore[union-attr]
            ])  # fmt: skip
        findings = record_fraud_checks(
            session, application_id=mine, process=process, ctx=ctx, today=date(2026, 12, 1),
            actor="verifier", store=fs_store,
        )  # fmt: skip
    reused = [f for f in findings if f.code == "fraud.document_reused"]
    assert [f.observed for f in reused] == ["APP-2026-000102"]  # the sibling's copy is expected
    with sessions() as session:
        stored = list_findings(session, application_id=mine)
        assert [r.evidence["details"]["other"][0]["number"] for r in stored
                if r.code == "fraud.document_reused"] == ["APP-2026-000102"]  # fmt: skip


@pytest.mark.parametrize(
    ("read_nik", "reported"),
    [
        ("3201014101900001", True),  # the original's NIK: a copy
        ("3201O14101900001", True),  # one OCR slip still names the same card
        (None, True),  # unread: the images decide
        ("3201016512880004", False),  # another NIK: another card that looks alike
    ],
)
def test_a_lookalike_naming_another_person_is_not_reuse(
    new_application: NewApplication,
    sessions: sessionmaker[Session],
    fs_store: FileSystemStore,
    ctx: CheckContext,
    read_nik: str | None,
    reported: bool,
) -> None:
    first = new_application("APP-2026-000101")
    second = new_application("APP-2026-000102", nik=OTHER_NIK, nama="BUDI SANTOSO")
    genuine = _ktp_bytes(61)
    copy = reused_variant(genuine, random.Random(4), kind="resized")
    ids = {
        first: _upload(sessions, fs_store, first, "ktp", genuine),
        second: _upload(sessions, fs_store, second, "ktp", copy),
    }
    with sessions.begin() as session:
        for app_id, nik in ((first, "3201014101900001"), (second, read_nik)):
            add_extraction(
                session, document_id=ids[app_id], status="ok", engine="test",
                fields={"nik": nik} if nik else {}, confidence={"nik": 0.9} if nik else {},
            )  # fmt: skip
        near_duplicate_documents(session, application_id=first, store=fs_store, ctx=ctx)
        findings = near_duplicate_documents(session, application_id=second, store=fs_store, ctx=ctx)
    assert [f.observed for f in findings] == (["APP-2026-000101"] if reported else [])
