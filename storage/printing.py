"""Printing records: passport number allocation, printed books, and their issuance history.

**Numbers.** ``allocate_number`` hands out the next serial of a series (``passport_number_series``,
one row per prefix letter, updated first so concurrent allocations queue on it) and binds it to
one print attempt of one application (``passport_numbers``, unique on (application, attempt)).
A retried allocation for the same attempt returns the number it already got; a new attempt
(after a misprint) gets a new number; rows are never deleted, so no number is given twice.
Numbers already in the imported issuance history (``passport_records``) are skipped.

**Books.** A ``printed_books`` row is written once the data page is printed and QC has read it:
``printed`` (QC passed, waiting for the holder) or ``qc_failed``. Status changes are conditional
updates (``WHERE status IN :expected``): ``qc_failed -> cancelled`` (MISPRINT), ``printed ->
issued`` (handover), ``printed -> cancelled`` (NOT_COLLECTED or a signed manual cancellation).

**History.** A printed passport enters ``passport_records`` (the history the prior-passport
check reads) with status ``printed``; handover makes it ``valid``; a cancellation ``cancelled``.
``printed`` is this module's addition to the statuses of imported history (which only holds
passports already issued).

All functions work in the caller's transaction. Audit payloads name books by id and carry
codes and hashes only: no passport number, name or NIK.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.models import PassportNumber, PassportNumberSeries, PassportRecord, PrintedBook, utcnow
from verification.errors import ConflictError, InputError, NotFound
from verification.printing.numbers import MAX_SERIAL, format_number

__all__ = [
    "BOOK_STATUSES",
    "CANCEL_REASONS",
    "LIVE_STATUSES",
    "allocate_number",
    "books_for",
    "get_book",
    "live_book",
    "mark_issued",
    "record_book",
    "record_printed_passport",
    "set_book_cancelled",
    "set_passport_status",
    "uncollected_books",
]

BOOK_STATUSES = frozenset({"printed", "qc_failed", "cancelled", "issued"})
LIVE_STATUSES = ("printed", "issued")  # a book the application has, not a spoiled one
# Why a book is cancelled (domain-spec 3.4, [S27]).
CANCEL_REASONS = frozenset(
    {"MISPRINT", "NOT_COLLECTED", "DECEASED", "FALSE_INFO", "UNLAWFULLY_OBTAINED"}
)


def _lock_series(session: Session, prefix: str) -> None:
    """Create the series row if it is new, then lock it (the first statements: on SQLite the
    write lock is taken before anything is read)."""
    values = {"prefix": prefix, "last_serial": 0}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(pg_insert(PassportNumberSeries).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(PassportNumberSeries).values(values).on_conflict_do_nothing())
    session.execute(
        update(PassportNumberSeries)
        .where(PassportNumberSeries.prefix == prefix)
        .values(last_serial=PassportNumberSeries.last_serial)
        .execution_options(synchronize_session=False)
    )


def _taken(session: Session, number: str) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(PassportRecord.number == number)
                | exists().where(PassportNumber.number == number)
            )
        )
    )


def allocate_number(
    session: Session, *, application_id: int, attempt: int, prefix: str, actor: str
) -> PassportNumber:
    """The passport number of print attempt ``attempt`` of the application: the one it
    already has, or the next free serial of the ``prefix`` series."""
    if attempt < 1:
        raise InputError("print attempts are counted from 1")
    format_number(prefix, 1)  # refuses a bad prefix before anything is written
    _lock_series(session, prefix)
    held = session.scalar(
        select(PassportNumber).where(
            PassportNumber.application_id == application_id, PassportNumber.attempt == attempt
        )
    )
    if held is not None:
        return held
    serial = session.scalar(
        select(PassportNumberSeries.last_serial).where(PassportNumberSeries.prefix == prefix)
    )
    assert serial is not None
    while True:
        serial += 1
        if serial > MAX_SERIAL:
            raise ConflictError(f"passport number series {prefix} is exhausted")
        number = format_number(prefix, serial)
        if not _taken(session, number):
            break
    session.execute(
        update(PassportNumberSeries)
        .where(PassportNumberSeries.prefix == prefix)
        .values(last_serial=serial)
        .execution_options(synchronize_session=False)
    )
    row = PassportNumber(
        number=number,
        prefix=prefix,
        serial=serial,
        application_id=application_id,
        attempt=attempt,
        allocated_by=actor,
        allocated_at=utcnow(),
    )
    session.add(row)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="passport_number.allocated",
        entity_type="passport_number",
        entity_id=row.id,
        application_id=application_id,
        payload={"attempt": attempt, "series": prefix},
    )
    return row


def record_book(
    session: Session,
    *,
    application_id: int,
    number: str,
    attempt: int,
    passed_qc: bool,
    page_key: str,
    page_sha256: str,
    qc: dict[str, Any],
    issue_date: date,
    expiry_date: date,
    actor: str,
) -> PrintedBook:
    """Record a printed book with its QC result: ``printed`` when QC passed, else
    ``qc_failed``. A second record of the same number fails on its unique constraint."""
    book = PrintedBook(
        application_id=application_id,
        number=number,
        attempt=attempt,
        status="printed" if passed_qc else "qc_failed",
        page_key=page_key,
        page_sha256=page_sha256,
        qc=qc,
        issue_date=issue_date,
        expiry_date=expiry_date,
        printed_by=actor,
        printed_at=utcnow(),
    )
    session.add(book)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="book.printed" if passed_qc else "book.qc_failed",
        entity_type="book",
        entity_id=book.id,
        application_id=application_id,
        payload={
            "attempt": attempt,
            "page_sha256": page_sha256,
            "qc_mismatches": list(qc.get("mismatches", [])),
            "qc_failed_checks": list(qc.get("failed_checks", [])),
        },
    )
    return book


def get_book(session: Session, *, book_id: int) -> PrintedBook:
    book = session.get(PrintedBook, book_id)
    if book is None:
        raise NotFound(f"no printed book {book_id}")
    return book


def books_for(session: Session, *, application_id: int) -> Sequence[PrintedBook]:
    """Every book printed for the application, oldest first."""
    return session.scalars(
        select(PrintedBook)
        .where(PrintedBook.application_id == application_id)
        .order_by(PrintedBook.attempt)
    ).all()


def live_book(session: Session, *, application_id: int) -> PrintedBook | None:
    """The application's book that passed QC and was not cancelled, if any."""
    return session.scalars(
        select(PrintedBook).where(
            PrintedBook.application_id == application_id,
            PrintedBook.status.in_(LIVE_STATUSES),
        )
    ).first()


def _change_status(
    session: Session, book_id: int, expected: Collection[str], values: dict[str, Any]
) -> PrintedBook:
    result = session.execute(
        update(PrintedBook)
        .where(PrintedBook.id == book_id, PrintedBook.status.in_(tuple(expected)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    book = get_book(session, book_id=book_id)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"book {book_id} is {book.status}, not {' or '.join(sorted(expected))}")
    session.refresh(book)
    return book


def set_book_cancelled(
    session: Session, *, book_id: int, expected: Collection[str], reason: str, actor: str
) -> PrintedBook:
    """Cancel a book in one of the ``expected`` statuses, with a reason code."""
    if reason not in CANCEL_REASONS:
        raise InputError(f"cancel reason must be one of {', '.join(sorted(CANCEL_REASONS))}")
    book = _change_status(
        session,
        book_id,
        expected,
        {
            "status": "cancelled",
            "cancel_reason": reason,
            "cancelled_by": actor,
            "cancelled_at": utcnow(),
        },
    )
    append_event(
        session,
        actor=actor,
        action="book.cancelled",
        entity_type="book",
        entity_id=book_id,
        application_id=book.application_id,
        payload={"reason": reason, "attempt": book.attempt},
    )
    return book


def mark_issued(session: Session, *, book_id: int, user: str, collector: str) -> PrintedBook:
    """Record the handover of a printed book to its holder (or family, or the post)."""
    book = _change_status(
        session,
        book_id,
        ("printed",),
        {
            "status": "issued",
            "handed_over_by": user,
            "handed_over_at": utcnow(),
            "collector": collector,
        },
    )
    append_event(
        session,
        actor=user,
        action="book.handed_over",
        entity_type="book",
        entity_id=book_id,
        application_id=book.application_id,
        payload={"collector": collector},
    )
    return book


def uncollected_books(session: Session, *, printed_on_or_before: date) -> Sequence[PrintedBook]:
    """Books waiting for their holder since ``printed_on_or_before`` or earlier."""
    return session.scalars(
        select(PrintedBook)
        .where(PrintedBook.status == "printed", PrintedBook.issue_date <= printed_on_or_before)
        .order_by(PrintedBook.id)
    ).all()


def record_printed_passport(
    session: Session, *, book: PrintedBook, nik: str, source: str, actor: str
) -> PassportRecord:
    """Enter a printed book into the issuance history (status ``printed``)."""
    record = PassportRecord(
        number=book.number,
        nik=nik,
        issued_on=book.issue_date,
        expires_on=book.expiry_date,
        status="printed",
        source=source,
        recorded_by=actor,
        recorded_at=utcnow(),
    )
    session.add(record)
    session.flush()
    append_event(
        session,
        actor=actor,
        action="passport_record.added",
        entity_type="book",
        entity_id=book.id,
        application_id=book.application_id,
        payload={"status": "printed", "source": source},
    )
    return record


def set_passport_status(session: Session, *, book: PrintedBook, status: str, actor: str) -> None:
    """Move the history record of ``book`` to ``status`` (valid on handover, cancelled)."""
    result = session.execute(
        update(PassportRecord)
        .where(PassportRecord.number == book.number)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(f"book {book.id} has no issuance history record")
    append_event(
        session,
        actor=actor,
        action="passport_record.status",
        entity_type="book",
        entity_id=book.id,
        application_id=book.application_id,
        payload={"status": status},
    )
