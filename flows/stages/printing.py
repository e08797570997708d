"""Printing, QC and handover (pencetakan, pemeriksaan kualitas, penyerahan).

``print_passport`` is automated work for an application in stage ``printing``: allocate a
passport number for the next print attempt, render the data page, store it, and let QC read
the MRZ back from the page image and compare it with the record. A book that fails QC is
recorded ``qc_failed`` and cancelled as a MISPRINT (audited), and the page is printed again
with a new number, up to ``max_attempts`` times per call; when every attempt fails, a
``printing`` task asks an operator to see to the press. A book that passes enters the
issuance history and a ``handover`` task waits for the holder. Stage stays ``printing``.

Retries are safe: a second call after success returns the book and does nothing; a call
interrupted anywhere resumes on the same attempt, so the same number (a crash between QC and
the record re-prints under the number already allocated; a recorded ``qc_failed`` book is
cancelled first and the next attempt gets a new number).

``hand_over`` records the handover (printing -> issued); ``cancel_uncollected`` applies the
policy's ``not_collected`` expiry; ``cancel_book`` is a person's cancellation of a printed
book under the four-eyes sign-off ``printed_book_cancellation``.

**Four-eyes, as read here.** Domain-spec 13 (5), "cancellation of a printed book requires QC
+ supervisor", guards a person's decision to void a book that passed QC and is valid to hand
over: ``cancel_book`` records each signature as a decision and cancels only when the sign-off
rules of ``cancel_printed_book`` are filled by distinct people. It does not apply to the
system's own acts: the QC misprint cancellation happens before the book was ever ``printed``
(the system is the QC, and a spoiled page is not a passport), and the 30-day NOT_COLLECTED
cancellation is a rule of law on a date, with no discretion to separate.

**Photo.** ``photo`` is the portrait from the biometrics stage (JPEG or PNG bytes). Until that
stage stores one, ``None`` prints an empty frame labelled FOTO.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError as DbIntegrityError
from sqlalchemy.orm import Session

from flows.stages.handoff import end_of_day, open_stage_task, waiting_task
from flows.wiring import Services
from rules.four_eyes import Signature, SignOffAct
from rules.policy import Policy
from storage.applications import change_stage, get_application, get_application_by_id
from storage.models import Decision, PrintedBook
from storage.printing import (
    CANCEL_REASONS,
    allocate_number,
    books_for,
    live_book,
    mark_issued,
    record_book,
    record_printed_passport,
    set_book_cancelled,
    set_passport_status,
    uncollected_books,
)
from storage.store.base import document_key, sha256_hex
from storage.tasks import close_task, create_task, record_decision
from verification.errors import ConflictError, InputError, NotPermitted, StageConflict
from verification.packet import ApplicantForm
from verification.printing.datapage import DataPage, Issuer, data_page
from verification.printing.qc import QcResult, check_page
from verification.printing.render import render_data_page
from verification.reading.ocr import OcrEngine

__all__ = [
    "COLLECTORS",
    "CancelResult",
    "ExpiredBook",
    "HandoverResult",
    "PrintResult",
    "Printer",
    "cancel_book",
    "cancel_uncollected",
    "hand_over",
    "print_passport",
]

SYSTEM = "system:printing"
EXPIRY = "system:expiry"
COLLECTORS = ("holder", "family", "post")  # who takes the book (domain-spec 3.2 row 14)
MANUAL_REASONS = CANCEL_REASONS - {"NOT_COLLECTED"}  # NOT_COLLECTED is the expiry's alone
TERMINAL_REASONS = MANUAL_REASONS - {"MISPRINT"}  # a misprint is reprinted, the rest end it

# The press: a data page (and photo) in, PDF bytes out. Tests pass a faulty one.
Printer = Callable[[DataPage, bytes | None], bytes]


@dataclass(frozen=True)
class PrintResult:
    """What ``print_passport`` did. Ids and codes only (Prefect may store it)."""

    application_number: str
    application_id: int
    status: str  # printed | issued | qc_failed (every attempt of this call failed QC)
    book_id: int | None
    task_id: int | None  # the handover task, or the operator's printing task after failures
    misprints: tuple[int, ...] = ()  # books cancelled as misprints by this call
    already_done: bool = False
    closed_task_id: int | None = None  # the operator's printing task this success closed


@dataclass(frozen=True)
class HandoverResult:
    application_number: str
    application_id: int
    book_id: int
    decision_id: int
    task_id: int | None
    flow_run_id: str | None


@dataclass(frozen=True)
class CancelResult:
    application_number: str
    application_id: int
    book_id: int
    decision_id: int
    complete: bool  # False: signature recorded, the sign-off needs another person
    stage: str
    flow_run_id: str | None
    missing: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ExpiredBook:
    application_number: str
    application_id: int
    book_id: int
    task_id: int | None  # the handover task closed (resume the run waiting on it)
    flow_run_id: str | None


def _done(app_number: str, app_id: int, book: PrintedBook, task_id: int | None) -> PrintResult:
    return PrintResult(app_number, app_id, book.status, book.id, task_id, already_done=True)


def _cancel_spoiled(services: Services, application_id: int) -> list[int]:
    """Cancel books a crashed call left in qc_failed (their page failed QC)."""
    with services.sessions() as session:
        spoiled = [
            b.id
            for b in books_for(session, application_id=application_id)
            if b.status == "qc_failed"
        ]
    for book_id in spoiled:
        with services.sessions.begin() as session:
            set_book_cancelled(
                session, book_id=book_id, expected=("qc_failed",), reason="MISPRINT", actor=SYSTEM
            )
    return spoiled


def _open_handover(
    session: Session, application_id: int, policy: Policy, today: date
) -> tuple[int, int | None]:
    """Close the operator's printing task if one is open; open the handover task, due when
    the book would be cancelled as not collected. (handover task id, closed task id)"""
    printing = waiting_task(session, application_id=application_id, kinds=("printing",))
    if printing is not None:
        close_task(session, task_id=printing.id, actor=SYSTEM, outcome="printed")
    expiry = policy.expiry("not_collected")
    handover = create_task(
        session,
        application_id=application_id,
        kind="handover",
        role=policy.stages["printing"].roles[0],
        actor=SYSTEM,
        due_at=end_of_day(expiry.due(today)),
    )
    return handover.id, printing.id if printing is not None else None


def _book(
    session: Session,
    app_id: int,
    page: DataPage,
    attempt: int,
    key: str,
    sha256: str,
    qc: QcResult,
    *,
    passed: bool,
) -> PrintedBook:
    """The book row of one printed page, as QC judged it."""
    return record_book(
        session,
        application_id=app_id,
        number=page.number,
        attempt=attempt,
        passed_qc=passed,
        page_key=key,
        page_sha256=sha256,
        qc=qc.details(),
        issue_date=page.issue_date,
        expiry_date=page.expiry_date,
        actor=SYSTEM,
    )


def _record_success(
    services: Services,
    *,
    app_id: int,
    nik: str,
    app_number: str,
    page: DataPage,
    attempt: int,
    key: str,
    sha256: str,
    qc: QcResult,
    policy: Policy,
    today: date,
) -> tuple[PrintedBook, tuple[int, int | None]]:
    with services.sessions.begin() as session:
        book = _book(session, app_id, page, attempt, key, sha256, qc, passed=True)
        stage = get_application_by_id(session, application_id=app_id).stage
        if stage != "printing":
            raise StageConflict(app_number, "printing", stage)
        record_printed_passport(
            session, book=book, nik=nik, source=f"paspor printing {app_number}", actor=SYSTEM
        )
        return book, _open_handover(session, app_id, policy, today)


def _record_misprint(
    services: Services,
    *,
    app_id: int,
    page: DataPage,
    attempt: int,
    key: str,
    sha256: str,
    qc: QcResult,
) -> int:
    with services.sessions.begin() as session:
        book = _book(session, app_id, page, attempt, key, sha256, qc, passed=False)
    with services.sessions.begin() as session:
        set_book_cancelled(
            session, book_id=book.id, expected=("qc_failed",), reason="MISPRINT", actor=SYSTEM
        )
    return book.id


def _operator_task(services: Services, app_id: int, policy: Policy, today: date) -> int:
    """The printing task an operator sees when the press keeps failing QC (one at a time)."""
    with services.sessions.begin() as session:
        task = waiting_task(session, application_id=app_id, kinds=("printing",))
        if task is not None:
            return task.id
        return open_stage_task(
            session,
            application_id=app_id,
            stage="printing",
            kind="printing",
            policy=policy,
            actor=SYSTEM,
            today=today,
            priority=50,
        ).id


def print_passport(
    services: Services,
    application_id: int,
    *,
    policy: Policy,
    today: date,
    ocr_engine: OcrEngine,
    issuer: Issuer | None = None,
    photo: bytes | None = None,
    printer: Printer = render_data_page,
    max_attempts: int = 3,
) -> PrintResult:
    """Print the passport of an application in stage ``printing``, QC it, reprint misprints.

    ``ocr_engine`` reads the MRZ back: pass ``verification.printing.qc.mrz_engine()``.
    """
    issuer = issuer or Issuer()
    if max_attempts < 1:
        raise InputError("max_attempts must be at least 1")
    with services.sessions() as session:
        app = get_application_by_id(session, application_id=application_id)
        app_number, stage, form_data = app.number, app.stage, dict(app.form)
        book = live_book(session, application_id=application_id)
        if book is not None:
            task = waiting_task(session, application_id=application_id, kinds=("handover",))
            return _done(app_number, application_id, book, task.id if task else None)
    if stage != "printing":
        raise ConflictError(f"application {app_number} is in stage {stage}, not printing")
    form = ApplicantForm.model_validate(form_data)
    misprints = _cancel_spoiled(services, application_id)
    for _ in range(max_attempts):
        with services.sessions() as session:
            attempt = len(books_for(session, application_id=application_id)) + 1
        with services.sessions.begin() as session:
            number = allocate_number(
                session,
                application_id=application_id,
                attempt=attempt,
                prefix=issuer.number_prefix,
                actor=SYSTEM,
            ).number
        # The record's page: QC compares the press's output with this, not with its own input.
        page = data_page(
            form, number=number, issue_date=today, registration=app_number, issuer=issuer
        )
        pdf = printer(page, photo)
        sha256 = sha256_hex(pdf)
        key = document_key(app_number, "data_page", sha256)
        services.store.put(key, pdf, media_type="application/pdf")
        qc = check_page(pdf, page.mrz, ocr_engine)
        if not qc.passed:
            misprints.append(
                _record_misprint(
                    services,
                    app_id=application_id,
                    page=page,
                    attempt=attempt,
                    key=key,
                    sha256=sha256,
                    qc=qc,
                )
            )
            continue
        try:
            book, (task_id, closed) = _record_success(
                services,
                app_id=application_id,
                nik=form.nik,
                app_number=app_number,
                page=page,
                attempt=attempt,
                key=key,
                sha256=sha256,
                qc=qc,
                policy=policy,
                today=today,
            )
        except DbIntegrityError:
            # A concurrent call recorded this attempt first: its book is the application's.
            with services.sessions() as session:
                book = live_book(session, application_id=application_id)
                if book is None:
                    raise
                task = waiting_task(session, application_id=application_id, kinds=("handover",))
                return _done(app_number, application_id, book, task.id if task else None)
        return PrintResult(
            app_number,
            application_id,
            "printed",
            book.id,
            task_id,
            tuple(misprints),
            closed_task_id=closed,
        )
    task_id = _operator_task(services, application_id, policy, today)
    return PrintResult(app_number, application_id, "qc_failed", None, task_id, tuple(misprints))


def _application_id(services: Services, number: str) -> int:
    with services.sessions() as session:
        return get_application(session, number=number).id


def hand_over(
    services: Services,
    number: str,
    *,
    user: str,
    role: str,
    policy: Policy,
    collector: str = "holder",
    note: str | None = None,
) -> HandoverResult:
    """Record that the printed passport of application ``number`` was handed over:
    book ``issued``, history record ``valid``, stage printing -> issued, task closed."""
    if role not in policy.stages["printing"].roles:
        raise NotPermitted(f"the {role} role does not hand over passports")
    if collector not in COLLECTORS:
        raise InputError(f"collector must be one of {', '.join(COLLECTORS)}")
    app_id = _application_id(services, number)
    with services.sessions.begin() as session:
        change_stage(
            session,
            application_id=app_id,
            expected="printing",
            new="issued",
            actor=user,
            process=services.process,
            reason="handed over",
        )
        book = live_book(session, application_id=app_id)
        if book is None or book.status != "printed":
            raise ConflictError(f"application {number} has no printed book to hand over")
        task = waiting_task(session, application_id=app_id, kinds=("handover",))
        if task is not None and task.status == "claimed" and task.assignee != user:
            raise ConflictError(f"task {task.id} is already claimed by {task.assignee}")
        mark_issued(session, book_id=book.id, user=user, collector=collector)
        set_passport_status(session, book=book, status="valid", actor=user)
        decision = record_decision(
            session,
            application_id=app_id,
            kind="printing.handover",
            actor=user,
            role=role,
            task_id=task.id if task else None,
            note=note,
            payload={"stage": "printing", "book_id": book.id, "collector": collector},
        )
        if task is not None:
            close_task(session, task_id=task.id, actor=user, outcome="handed_over")
        flow_run_id = get_application_by_id(session, application_id=app_id).flow_run_id
        return HandoverResult(
            number, app_id, book.id, decision.id, task.id if task else None, flow_run_id
        )


def _end_book(
    session: Session, book: PrintedBook, *, reason: str, actor: str, outcome: str
) -> int | None:
    """Cancel a printed book and what hangs on it: history record, handover task."""
    set_book_cancelled(session, book_id=book.id, expected=("printed",), reason=reason, actor=actor)
    set_passport_status(session, book=book, status="cancelled", actor=actor)
    task = waiting_task(session, application_id=book.application_id, kinds=("handover",))
    if task is not None:
        close_task(session, task_id=task.id, actor=actor, outcome=outcome)
    return task.id if task else None


def cancel_uncollected(services: Services, *, today: date, policy: Policy) -> list[ExpiredBook]:
    """Cancel every book not collected within the policy's ``not_collected`` days: book
    cancelled NOT_COLLECTED, history record cancelled, handover task closed, stage printing ->
    cancelled. Each application in its own transaction (one conflict holds back no other)."""
    expiry = policy.expiry("not_collected")
    cutoff = today - timedelta(days=expiry.calendar_days)
    with services.sessions() as session:
        due = [
            (b.id, b.application_id)
            for b in uncollected_books(session, printed_on_or_before=cutoff)
        ]
    cancelled = []
    for book_id, app_id in due:
        try:
            with services.sessions.begin() as session:
                change_stage(
                    session,
                    application_id=app_id,
                    expected=expiry.stage,
                    new=expiry.then,
                    actor=EXPIRY,
                    process=services.process,
                    reason=f"expiry {expiry.id}: not collected within {expiry.calendar_days} days",
                )
                book = session.get(PrintedBook, book_id)
                assert book is not None
                task_id = _end_book(
                    session, book, reason="NOT_COLLECTED", actor=EXPIRY, outcome="expired"
                )
                app = get_application_by_id(session, application_id=app_id)
                cancelled.append(ExpiredBook(app.number, app_id, book_id, task_id, app.flow_run_id))
        except ConflictError:  # handed over or cancelled meanwhile: nothing to expire
            continue
    return cancelled


def _signatures(session: Session, application_id: int, book_id: int) -> list[Decision]:
    rows = session.scalars(
        select(Decision).where(
            Decision.application_id == application_id, Decision.kind == "printing.cancel_book"
        )
    ).all()
    return [d for d in rows if (d.payload or {}).get("book_id") == book_id]


def cancel_book(
    services: Services,
    number: str,
    *,
    user: str,
    role: str,
    reason: str,
    policy: Policy,
    note: str | None = None,
) -> CancelResult:
    """Sign the cancellation of application ``number``'s printed book; the book is cancelled
    when the sign-off rules of ``cancel_printed_book`` are filled by distinct people.

    MISPRINT (damage found after QC) keeps the application in printing for a reprint; the
    other reasons (DECEASED, FALSE_INFO, UNLAWFULLY_OBTAINED) end it: printing -> cancelled.
    """
    if reason not in MANUAL_REASONS:
        raise InputError(f"reason must be one of {', '.join(sorted(MANUAL_REASONS))}")
    rules = policy.four_eyes.sign_offs_for(SignOffAct.CANCEL_PRINTED_BOOK)
    allowed = {r for rule in rules for slot in rule.signers for r in slot}
    allowed = allowed or set(policy.stages["printing"].roles)
    if role not in allowed:
        raise NotPermitted(f"the {role} role does not sign book cancellations")
    app_id = _application_id(services, number)
    with services.sessions() as session:
        book = live_book(session, application_id=app_id)
        if book is None or book.status != "printed":
            raise ConflictError(f"application {number} has no printed book to cancel")
    with services.sessions.begin() as session:
        # The signature is written first (the write lock), then judged with every other one.
        decision = record_decision(
            session,
            application_id=app_id,
            kind="printing.cancel_book",
            actor=user,
            role=role,
            reason_code=reason,
            note=note,
            payload={"stage": "printing", "book_id": book.id},
        )
        signed = _signatures(session, app_id, book.id)
        if sum(d.actor == user for d in signed) > 1:
            raise ConflictError(f"{user} has already signed this cancellation; another person must")
        if any(d.reason_code != reason for d in signed):
            raise ConflictError("the cancellation was signed with another reason")
        signatures = [Signature(person=d.actor, role=d.role) for d in signed]
        missing = tuple(rule.id for rule in rules if not rule.is_satisfied_by(signatures))
        terminal = reason in TERMINAL_REASONS
        if not missing:
            if terminal:
                change_stage(
                    session,
                    application_id=app_id,
                    expected="printing",
                    new="cancelled",
                    actor=user,
                    process=services.process,
                    reason=f"printed book cancelled ({reason})",
                )
            current = session.get(PrintedBook, book.id)
            assert current is not None
            _end_book(session, current, reason=reason, actor=user, outcome="cancelled")
        stage = "cancelled" if terminal and not missing else "printing"
        flow_run_id = get_application_by_id(session, application_id=app_id).flow_run_id
        return CancelResult(
            number, app_id, book.id, decision.id, not missing, stage, flow_run_id, missing
        )
