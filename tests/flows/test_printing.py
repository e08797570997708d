"""Printing, QC and handover on both databases: real pages, real Tesseract, a real store."""

from __future__ import annotations

import itertools
import json
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from flows.stages.printing import (
    PrintResult,
    cancel_book,
    cancel_uncollected,
    hand_over,
    print_passport,
)
from flows.wiring import Services
from rules.policy import default_policy
from storage.applications import change_stage, create_application, get_application_by_id
from storage.models import (
    AuditEvent,
    HumanTask,
    PassportNumber,
    PassportRecord,
    PrintedBook,
)
from storage.passports import PassportRow, import_history
from storage.printing import allocate_number, record_book
from storage.reconcile import find_orphans
from storage.store import FileSystemStore
from storage.store.base import sha256_hex
from storage.tasks import claim_task
from tests.flows.faults import assert_consistent, fill
from verification.errors import ConflictError, NotPermitted, StageConflict, StoreUnavailable
from verification.printing.datapage import DataPage
from verification.printing.qc import mrz_engine
from verification.printing.render import render_data_page
from verification.synthetic.packet import application_form
from verification.synthetic.people import generate_family

POLICY = default_policy()
TODAY = date(2026, 11, 27)
ENGINE = mrz_engine()
WALK = ("intake", "verification", "approval", "biometrics", "printing")


def _in_printing(services: Services, seed: int) -> tuple[int, dict[str, object]]:
    family = generate_family(random.Random(seed))
    form = {**application_form(family.applicant, family), "validity_years": 10}
    with services.sessions.begin() as session:
        app = create_application(
            session,
            number=f"APP-2026-{seed:06d}",
            category="adult",
            form=form,
            process=services.process,
            actor="test",
        )
        app_id = app.id
    for expected, new in itertools.pairwise(WALK):
        with services.sessions.begin() as session:
            change_stage(
                session,
                application_id=app_id,
                expected=expected,
                new=new,
                actor="test",
                process=services.process,
            )
    return app_id, form


def _smudged(page: DataPage, photo: bytes | None) -> bytes:
    """A press that prints one wrong digit into the MRZ's birth date."""
    line2 = page.mrz[1]
    wrong = "3" if line2[16] != "3" else "4"
    return render_data_page(replace(page, mrz=(page.mrz[0], line2[:16] + wrong + line2[17:])))


class FaultyOnce:
    """A press that smudges its first page, then prints clean ones."""

    def __init__(self) -> None:
        self.pages = 0

    def __call__(self, page: DataPage, photo: bytes | None) -> bytes:
        self.pages += 1
        return _smudged(page, photo) if self.pages == 1 else render_data_page(page, photo)


def _print(services: Services, app_id: int, **kwargs: Any) -> PrintResult:
    return print_passport(services, app_id, policy=POLICY, today=TODAY, ocr_engine=ENGINE, **kwargs)


def _books(services: Services, app_id: int) -> list[PrintedBook]:
    with services.sessions() as session:
        return list(
            session.scalars(
                select(PrintedBook)
                .where(PrintedBook.application_id == app_id)
                .order_by(PrintedBook.id)
            )
        )


def _record(services: Services, number: str) -> PassportRecord | None:
    with services.sessions() as session:
        return session.scalar(select(PassportRecord).where(PassportRecord.number == number))


def _stage(services: Services, app_id: int) -> str:
    with services.sessions() as session:
        return get_application_by_id(session, application_id=app_id).stage


def _open_tasks(services: Services, app_id: int) -> list[tuple[str, str]]:
    with services.sessions() as session:
        rows = session.execute(
            select(HumanTask.kind, HumanTask.role).where(
                HumanTask.application_id == app_id, HumanTask.status.in_(("open", "claimed"))
            )
        )
        return [(kind, role) for kind, role in rows]


def _audit_text(services: Services) -> str:
    with services.sessions() as session:
        return json.dumps([e.payload for e in session.scalars(select(AuditEvent))])


def test_allocation_is_unique_bound_to_the_attempt_and_skips_the_history(
    services: Services,
) -> None:
    first, _ = _in_printing(services, 101)
    second, _ = _in_printing(services, 102)
    with services.sessions.begin() as session:  # the earlier system issued X0000001 already
        import_history(
            session,
            rows=[
                PassportRow(
                    "X0000001", "1471024508900003", date(2016, 3, 1), date(2021, 3, 1), "expired"
                )
            ],
            source="old.csv",
            actor="test",
        )

    def allocate(app_id: int, attempt: int) -> str:
        with services.sessions.begin() as session:
            return allocate_number(
                session, application_id=app_id, attempt=attempt, prefix="X", actor="test"
            ).number

    one = allocate(first, 1)
    assert one == "X0000002"
    assert allocate(first, 1) == one  # a retried allocation: the same number
    two = allocate(first, 2)
    other = allocate(second, 1)
    assert len({one, two, other}) == 3 and allocate(first, 2) == two
    assert allocate(second, 1) == other
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PassportNumber)) == 3


def test_concurrent_allocations_never_share_a_number(services: Services) -> None:
    apps = [_in_printing(services, 105 + i)[0] for i in range(4)]

    def allocate_all(app_ids: list[int]) -> list[str]:
        return [_allocate(services, a, attempt) for a in app_ids for attempt in range(1, 6)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(allocate_all, [apps[:2], apps[2:]]))
    numbers = runs[0] + runs[1]
    assert len(set(numbers)) == 20
    assert sorted(numbers) == [f"X{i:07d}" for i in range(1, 21)]


def test_print_stores_the_page_records_history_and_waits_for_handover(
    services: Services,
) -> None:
    app_id, form = _in_printing(services, 111)
    result = _print(services, app_id, photo=None)
    assert result.status == "printed" and result.misprints == () and not result.already_done
    (book,) = _books(services, app_id)
    assert book.status == "printed" and book.qc["passed"] and book.qc["mismatches"] == []
    assert (book.issue_date, book.expiry_date) == (TODAY, date(2036, 11, 26))
    page = services.store.get(book.page_key)
    assert page.startswith(b"%PDF") and sha256_hex(page) == book.page_sha256
    record = _record(services, book.number)
    assert record is not None and record.nik == form["nik"] and record.status == "printed"
    assert (record.issued_on, record.expires_on) == (book.issue_date, book.expiry_date)
    assert _stage(services, app_id) == "printing"
    assert _open_tasks(services, app_id) == [("handover", "printing_operator")]
    audit = _audit_text(services)  # personal data lives in the PDF and the rows only
    for value in (str(form["nik"]), str(form["nama"]), book.number):
        assert value not in audit
    with services.sessions() as session:  # the page is no orphan for `paspor store orphans`
        assert find_orphans(session, services.store) == []


def _allocate(services: Services, app_id: int, attempt: int) -> str:
    with services.sessions.begin() as session:
        return allocate_number(
            session, application_id=app_id, attempt=attempt, prefix="X", actor="test"
        ).number


def test_a_second_print_call_does_nothing(services: Services) -> None:
    app_id, _ = _in_printing(services, 121)
    crashed = _allocate(services, app_id, 1)  # a call that died after allocating
    first = _print(services, app_id)
    assert _books(services, app_id)[0].number == crashed  # resumed on the same number
    with services.sessions() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    again = _print(services, app_id)
    assert again.already_done and again.book_id == first.book_id
    assert again.task_id == first.task_id
    assert len(_books(services, app_id)) == 1
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_misprint_is_cancelled_and_reprinted_with_a_new_number(services: Services) -> None:
    app_id, _ = _in_printing(services, 131)
    result = _print(services, app_id, printer=FaultyOnce())
    spoiled, good = _books(services, app_id)
    assert result.status == "printed" and result.misprints == (spoiled.id,)
    assert result.book_id == good.id
    assert spoiled.status == "cancelled" and spoiled.cancel_reason == "MISPRINT"
    assert spoiled.qc["mismatches"] == ["birth_date"] and not spoiled.qc["passed"]
    assert good.status == "printed" and good.number != spoiled.number
    assert (spoiled.attempt, good.attempt) == (1, 2)
    assert _record(services, spoiled.number) is None  # a spoiled page is not a passport
    assert services.store.exists(spoiled.page_key)  # the misprint's page is kept as evidence
    with services.sessions() as session:
        actions = list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.application_id == app_id)
                .order_by(AuditEvent.seq)
            )
        )
    assert actions.count("book.qc_failed") == 1 and actions.count("book.cancelled") == 1


def test_a_call_interrupted_after_a_failed_qc_cancels_that_book_first(
    services: Services,
) -> None:
    app_id, _ = _in_printing(services, 135)
    spoiled_number = _allocate(services, app_id, 1)
    with services.sessions.begin() as session:  # recorded qc_failed, then the worker died
        record_book(
            session,
            application_id=app_id,
            number=spoiled_number,
            attempt=1,
            passed_qc=False,
            page_key="applications/APP-2026-000135/data_page/" + "0" * 64,
            page_sha256="0" * 64,
            qc={"passed": False, "mismatches": ["birth_date"]},
            issue_date=TODAY,
            expiry_date=TODAY,
            actor="test",
        )
    result = _print(services, app_id)
    spoiled, good = _books(services, app_id)
    assert result.misprints == (spoiled.id,) and result.book_id == good.id
    assert (spoiled.status, spoiled.cancel_reason) == ("cancelled", "MISPRINT")
    assert good.number != spoiled_number and good.attempt == 2


def test_a_press_that_keeps_failing_asks_an_operator_then_a_retry_prints(
    services: Services,
) -> None:
    app_id, _ = _in_printing(services, 141)
    failed = _print(services, app_id, printer=_smudged, max_attempts=2)
    assert failed.status == "qc_failed" and failed.book_id is None
    assert len(failed.misprints) == 2
    assert _open_tasks(services, app_id) == [("printing", "printing_operator")]
    fixed = _print(services, app_id)
    assert fixed.closed_task_id == failed.task_id  # the run waiting on it can be resumed
    numbers = [b.number for b in _books(services, app_id)]
    assert fixed.status == "printed" and len(set(numbers)) == 3
    assert _open_tasks(services, app_id) == [("handover", "printing_operator")]


def test_handover_issues_the_passport(services: Services) -> None:
    app_id, _ = _in_printing(services, 151)
    printed = _print(services, app_id)
    number = f"APP-2026-{151:06d}"
    with pytest.raises(NotPermitted, match="does not hand over"):
        hand_over(services, number, user="budi", role="adjudicator", policy=POLICY)
    assert printed.task_id is not None
    with services.sessions.begin() as session:
        claim_task(session, task_id=printed.task_id, user="rina")
    with pytest.raises(ConflictError, match="claimed by rina"):
        hand_over(services, number, user="budi", role="printing_operator", policy=POLICY)
    result = hand_over(
        services, number, user="rina", role="printing_operator", policy=POLICY, collector="family"
    )
    (book,) = _books(services, app_id)
    assert result.book_id == book.id and book.status == "issued"
    assert (book.handed_over_by, book.collector) == ("rina", "family")
    record = _record(services, book.number)
    assert record is not None and record.status == "valid"
    assert _stage(services, app_id) == "issued" and _open_tasks(services, app_id) == []
    with pytest.raises(StageConflict):
        hand_over(services, number, user="rina", role="printing_operator", policy=POLICY)
    assert _print(services, app_id).already_done  # issued: printing again does nothing


def test_books_not_collected_in_30_days_are_cancelled(services: Services) -> None:
    waiting, _ = _in_printing(services, 161)
    collected, _ = _in_printing(services, 162)
    _print(services, waiting)
    _print(services, collected)
    hand_over(services, f"APP-2026-{162:06d}", user="rina", role="printing_operator", policy=POLICY)
    assert cancel_uncollected(services, today=TODAY + timedelta(days=29), policy=POLICY) == []
    (expired,) = cancel_uncollected(services, today=TODAY + timedelta(days=30), policy=POLICY)
    (book,) = _books(services, waiting)
    assert expired.book_id == book.id and expired.application_id == waiting
    assert book.status == "cancelled" and book.cancel_reason == "NOT_COLLECTED"
    record = _record(services, book.number)
    assert record is not None and record.status == "cancelled"
    assert _stage(services, waiting) == "cancelled" and _open_tasks(services, waiting) == []
    assert _stage(services, collected) == "issued"
    assert cancel_uncollected(services, today=TODAY + timedelta(days=31), policy=POLICY) == []


def test_cancelling_a_printed_book_needs_an_operator_and_a_supervisor(
    services: Services,
) -> None:
    app_id, _ = _in_printing(services, 171)
    _print(services, app_id)
    number = f"APP-2026-{171:06d}"
    with pytest.raises(NotPermitted, match="does not sign"):
        cancel_book(
            services, number, user="x", role="adjudicator", reason="DECEASED", policy=POLICY
        )
    first = cancel_book(
        services, number, user="rina", role="printing_operator", reason="FALSE_INFO", policy=POLICY
    )
    assert not first.complete and first.missing == ("printed_book_cancellation",)
    assert _books(services, app_id)[0].status == "printed"
    with pytest.raises(ConflictError, match="already signed"):
        cancel_book(
            services, number, user="rina", role="supervisor", reason="FALSE_INFO", policy=POLICY
        )
    with pytest.raises(ConflictError, match="another reason"):
        cancel_book(
            services, number, user="andi", role="supervisor", reason="DECEASED", policy=POLICY
        )
    done = cancel_book(
        services, number, user="andi", role="supervisor", reason="FALSE_INFO", policy=POLICY
    )
    (book,) = _books(services, app_id)
    assert done.complete and done.stage == "cancelled" and book.cancel_reason == "FALSE_INFO"
    assert _stage(services, app_id) == "cancelled" and _open_tasks(services, app_id) == []


def test_a_misprint_found_after_qc_is_signed_off_and_reprinted(services: Services) -> None:
    app_id, _ = _in_printing(services, 181)
    _print(services, app_id)
    number = f"APP-2026-{181:06d}"
    for user, role in (("andi", "supervisor"), ("rina", "printing_operator")):
        result = cancel_book(
            services, number, user=user, role=role, reason="MISPRINT", policy=POLICY
        )
    assert result.complete and result.stage == "printing"
    reprint = _print(services, app_id)
    old, new = _books(services, app_id)
    assert reprint.book_id == new.id and old.status == "cancelled" and new.number != old.number
    old_record = _record(services, old.number)
    assert old_record is not None and old_record.status == "cancelled"
    assert _open_tasks(services, app_id) == [("handover", "printing_operator")]


def test_printing_refuses_an_application_in_another_stage(services: Services) -> None:
    app_id, _ = _in_printing(services, 191)
    with services.sessions.begin() as session:
        change_stage(
            session,
            application_id=app_id,
            expected="printing",
            new="cancelled",
            actor="test",
            process=services.process,
        )
    with pytest.raises(ConflictError, match="not printing"):
        _print(services, app_id)
    assert _books(services, app_id) == []


def test_a_full_disk_fails_the_print_and_the_retry_uses_the_same_number(
    services: Services, small_disk: Path
) -> None:
    services = replace(services, store=FileSystemStore(small_disk / "documents"))
    app_id, _ = _in_printing(services, 131)
    filler = fill(small_disk, leave=0)
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        _print(services, app_id, photo=None)
    assert _books(services, app_id) == []
    with services.sessions() as session:
        (allocated,) = session.scalars(select(PassportNumber.number)).all()
    filler.unlink()
    result = _print(services, app_id, photo=None)
    assert result.status == "printed"
    assert [b.number for b in _books(services, app_id)] == [allocated]  # no number burned
    assert_consistent(services)
