"""The consistency check run after faults: each inconsistency it exists for is made, on a
real database and store, and must be reported; a consistent office must pass."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process
from storage.applications import change_stage
from storage.documents import add_document
from storage.integrity import check_integrity
from storage.models import Application, AuditEvent, PassportNumber, PrintedBook
from storage.store import DocumentStore, document_key, sha256_hex
from storage.tasks import create_task
from tests.storage.conftest import NewApplication


def _upload(session: Session, store: DocumentStore, app_id: int, number: str, data: bytes) -> str:
    key = document_key(number, "ktp", sha256_hex(data))
    store.put(key, data, media_type="image/jpeg")
    add_document(
        session,
        application_id=app_id,
        doc_type="ktp",
        original_name="ktp.jpg",
        status="stored",
        actor="tester",
        media_type="image/jpeg",
        size=len(data),
        sha256=sha256_hex(data),
        object_key=key,
    )
    return key


def _to_review(session: Session, app_id: int, process: Process) -> None:
    for old, new in (("intake", "verification"), ("verification", "review")):
        change_stage(
            session, application_id=app_id, expected=old, new=new, actor="t", process=process
        )
    create_task(session, application_id=app_id, kind="review", role="officer", actor="t")


def _book(session: Session, app_id: int, number: str, attempt: int) -> None:
    session.add(
        PassportNumber(
            number=number,
            prefix=number[0],
            serial=int(number[1:]),
            application_id=app_id,
            attempt=attempt,
            allocated_by="t",
        )
    )
    session.flush()
    session.add(
        PrintedBook(
            application_id=app_id,
            number=number,
            attempt=attempt,
            status="printed",
            page_key=f"applications/x/page/{number}",
            page_sha256="0" * 64,
            qc={},
            issue_date=date(2026, 11, 28),
            expiry_date=date(2036, 11, 28),
            printed_by="t",
        )
    )


def test_a_consistent_office_passes_and_each_inconsistency_is_named(
    sessions: sessionmaker[Session],
    process: Process,
    new_application: NewApplication,
    store: DocumentStore,
) -> None:
    first = new_application("APP-2026-000301")
    second = new_application("APP-2026-000302")
    with sessions.begin() as session:
        missing = _upload(session, store, first, "APP-2026-000301", b"first upload")
        _upload(session, store, second, "APP-2026-000302", b"second upload")
        _to_review(session, second, process)
    with sessions() as session:
        report = check_integrity(session, store, process)
    assert report.ok, report.problems
    assert (report.applications, report.documents_checked) == (2, 2)
    assert report.chain.checked > 0

    # an object no row refers to is clutter, listed but not a problem
    stray_key = document_key("APP-2026-000399", "ktp", sha256_hex(b"left by a crash"))
    store.put(stray_key, b"left by a crash", media_type="image/jpeg")
    # a lost file, a stage moved behind the history's back, a duplicated task, two books
    store.delete(missing)
    with sessions.begin() as session:
        session.execute(
            update(Application).where(Application.id == second).values(stage="approval")
        )
        create_task(session, application_id=second, kind="review", role="officer", actor="t")
        _book(session, first, "X0000001", 1)
        _book(session, first, "X0000002", 2)
    with sessions() as session:
        report = check_integrity(session, store, process)
    assert not report.ok
    assert [o.key for o in report.orphans] == [stray_key]
    found = {(p.kind, p.application_id) for p in report.problems}
    assert found == {
        ("document.missing", first),
        ("stage.history", second),
        ("task.missing", second),  # in approval without an approval task
        ("task.stray", second),  # ...and still holding review tasks
        ("task.duplicate", second),
        ("passport.two_books", first),
    }


def test_a_damaged_file_and_an_edited_audit_event_fail_the_check(
    sessions: sessionmaker[Session],
    process: Process,
    new_application: NewApplication,
    fs_store: DocumentStore,
) -> None:
    app_id = new_application("APP-2026-000311")
    with sessions.begin() as session:
        key = _upload(session, fs_store, app_id, "APP-2026-000311", b"original bytes")
    path = fs_store.root / key  # type: ignore[attr-defined]
    path.write_bytes(b"tampered bytes")
    with sessions.begin() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(actor="mallory"))
    with sessions() as session:
        report = check_integrity(session, fs_store, process)
        quick = check_integrity(session, fs_store, process, read_files=False)
    assert {(p.kind, p.application_id) for p in report.problems} == {("document.damaged", app_id)}
    assert not report.chain.ok and not report.ok
    assert not quick.problems  # presence only: the damaged file is there
