"""The application database: tables of the system of record (SQLAlchemy 2.x).

The application database, not Prefect, is the record: every fact a person or an auditor needs
lives here. Rows of ``audit_events`` are never updated or deleted; each carries the hash of the
previous one (see ``storage.audit``). Timestamps are UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Application",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Decision",
    "Document",
    "DocumentFingerprint",
    "Extraction",
    "Finding",
    "FingerprintKey",
    "HumanTask",
    "PassportRecord",
    "StageEvent",
    "WatchlistEntry",
    "utcnow",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: UtcDateTime}  # noqa: RUF012


# SQLite autoincrements only INTEGER PRIMARY KEY; BigInteger elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    form: Mapped[dict[str, Any]]
    # The form's NIK again, indexed: duplicate applications are found by it (fraud checks).
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    rule_version: Mapped[str] = mapped_column(String(32))
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    documents: Mapped[list[Document]] = relationship(
        back_populates="application", order_by="Document.id"
    )


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    original_name: Mapped[str] = mapped_column(String(255))
    # stored | missing | error | refused | superseded
    status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    object_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")


class Extraction(Base):
    """What a reader took from one stored document (fields and per-field confidence)."""

    __tablename__ = "extractions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # ok | unreadable | error
    error: Mapped[str | None] = mapped_column(Text)
    doc_type_detected: Mapped[str | None] = mapped_column(String(32))
    fields: Mapped[dict[str, Any]]
    confidence: Mapped[dict[str, Any]]
    steps: Mapped[dict[str, Any]]
    engine: Mapped[str] = mapped_column(String(64))
    seconds: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Finding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))
    expected: Mapped[str | None] = mapped_column(Text)
    observed: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    rule_version: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HumanTask(Base):
    """Work waiting for a person: review, approval, capture, QC."""

    __tablename__ = "human_tasks"
    __table_args__ = (Index("ix_human_tasks_queue", "role", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # open | claimed | done | cancelled
    priority: Mapped[int] = mapped_column(default=0)
    assignee: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class Decision(Base):
    """A person's decision on an application, with reason."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StageEvent(Base):
    __tablename__ = "stage_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """One append-only audit record; ``hash`` chains it to the record before."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The single row naming the end of the audit chain; appenders lock it first."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


class WatchlistEntry(Base):
    """One person on the pencegahan/penangkalan list as a supervisor loaded it from CSV.

    A load replaces the active list: earlier entries stay, inactive, for the audit of past
    checks (a finding names the entry id it matched).
    """

    __tablename__ = "watchlist_entries"
    __table_args__ = (Index("ix_watchlist_entries_active_birth_date", "active", "birth_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(Date)
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text)
    valid_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(255))
    loaded_by: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PassportRecord(Base):
    """A passport issued to a NIK: the office's issuance history (imported from the earlier
    system, and written by the printing stage), which ``fraud.prior_passport_denied`` reads."""

    __tablename__ = "passport_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    nik: Mapped[str] = mapped_column(String(16), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # valid | expired | lost | damaged | cancelled
    source: Mapped[str] = mapped_column(String(255))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentFingerprint(Base):
    """That a stored document's image was fingerprinted for near-duplicate search, and how
    (``verification.fraud.similarity``); its band keys are the ``fingerprint_keys`` rows. A
    document that could not be decoded has a row with ``status`` unreadable and no keys, so
    it is not tried again."""

    __tablename__ = "document_fingerprints"

    document_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("documents.id"), primary_key=True, autoincrement=False
    )
    version: Mapped[int] = mapped_column(Integer)
    layout: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16))  # ok | unreadable
    keypoints: Mapped[int] = mapped_column(Integer)
    # The indexed keypoints' positions and descriptors (``verification.fraud.sketch``), to
    # judge a candidate without its image; None on rows from before migration 0009 until the
    # search first needs it.
    sketch: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FingerprintKey(Base):
    """One band key of a document's fingerprint: documents sharing many are candidates."""

    __tablename__ = "fingerprint_keys"
    __table_args__ = (Index("ix_fingerprint_keys_key_document", "key", "document_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document_fingerprints.document_id"), index=True
    )
    key: Mapped[int] = mapped_column(Integer)


class PassportNumberSeries(Base):
    """The last serial handed out in one number series (one row per prefix letter). An
    allocation updates this row first, so concurrent allocations queue on it."""

    __tablename__ = "passport_number_series"

    prefix: Mapped[str] = mapped_column(String(1), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class PassportNumber(Base):
    """A passport number handed to one print attempt of one application. Rows are never
    deleted: a number given once (even to a misprinted book) is never given again, and a
    retried allocation for the same (application, attempt) finds its row instead."""

    __tablename__ = "passport_numbers"
    __table_args__ = (
        Index("ix_passport_numbers_application_attempt", "application_id", "attempt", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    prefix: Mapped[str] = mapped_column(String(1))
    serial: Mapped[int] = mapped_column(Integer)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    allocated_by: Mapped[str] = mapped_column(String(64))
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrintedBook(Base):
    """One personalised passport book: its data page in the document store, its QC result
    and what became of it (``storage.printing`` owns the status changes)."""

    __tablename__ = "printed_books"
    __table_args__ = (Index("ix_printed_books_status_issue_date", "status", "issue_date"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    number: Mapped[str] = mapped_column(ForeignKey("passport_numbers.number"), unique=True)
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # printed | qc_failed | cancelled | issued
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    page_key: Mapped[str] = mapped_column(String(255))
    page_sha256: Mapped[str] = mapped_column(String(64))
    qc: Mapped[dict[str, Any]]
    issue_date: Mapped[date] = mapped_column(Date)
    expiry_date: Mapped[date] = mapped_column(Date)
    printed_by: Mapped[str] = mapped_column(String(64))
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None]
    handed_over_by: Mapped[str | None] = mapped_column(String(64))
    handed_over_at: Mapped[datetime | None]
    collector: Mapped[str | None] = mapped_column(String(16))  # holder | family | post


__all__ += ["PassportNumber", "PassportNumberSeries", "PrintedBook"]


class Office(Base):
    """A Kantor Imigrasi as configured by ``paspor stations load`` (``rules/stations.py``)."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64))  # office hours are local times
    is_default: Mapped[bool] = mapped_column(Boolean)
    fingerprints_required: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    config_version: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Station(Base):
    """One counter: its equipment, daily hours ("HH:MM", office time), slots and quota.
    Never deleted (appointments refer to it); a station left out of a load is inactive."""

    __tablename__ = "stations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # biometrics | printing
    equipment: Mapped[list[str]] = mapped_column(JSON)
    opens: Mapped[str] = mapped_column(String(5))
    closes: Mapped[str] = mapped_column(String(5))
    breaks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    slot_minutes: Mapped[int] = mapped_column(Integer)
    daily_quota: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Appointment(Base):
    """An applicant's slot at a station. A slot holds at most one appointment that is not
    cancelled, and an application at most one booked appointment (partial unique indexes
    below): concurrent bookers cannot double-book, the loser retries the next slot."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    day: Mapped[date] = mapped_column(Date)  # the office's local date of the slot
    starts_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # booked | attended | no_show | cancelled
    booked_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


Index("ix_appointments_station_day", Appointment.station_id, Appointment.day)
Index(
    "uq_appointments_station_slot",
    Appointment.station_id,
    Appointment.starts_at,
    unique=True,
    sqlite_where=Appointment.status != "cancelled",
    postgresql_where=Appointment.status != "cancelled",
)
Index(
    "uq_appointments_application_booked",
    Appointment.application_id,
    unique=True,
    sqlite_where=Appointment.status == "booked",
    postgresql_where=Appointment.status == "booked",
)


class Capture(Base):
    """One photo-and-fingerprint capture: the images by key and hash in the document store,
    the photo check's figures, and whether it was accepted or must be taken again."""

    __tablename__ = "captures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    photo_key: Mapped[str] = mapped_column(String(255))
    photo_sha256: Mapped[str] = mapped_column(String(64))
    # [{"key", "sha256", "check": {...}}] in capture order
    fingerprints: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    photo_check: Mapped[dict[str, Any]]
    outcome: Mapped[str] = mapped_column(String(16))  # accepted | retake
    failed: Mapped[list[str]] = mapped_column(JSON)  # names of the checks that failed
    operator: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ += ["Appointment", "Capture", "Office", "Station"]


class ConsoleUser(Base):
    """A person who signs in to the console (``paspor users add``): their roles of the
    policy and an argon2id password hash (``storage.users``); never deleted, deactivated."""

    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ += ["ConsoleUser"]


class SignInThrottle(Base):
    """Failed sign-ins of one subject (a user name typed, or a client address), kept by the
    hash of the subject: a password typed into the name field is never stored in clear
    (``storage.throttle``)."""

    __tablename__ = "sign_in_throttle"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    kind: Mapped[str] = mapped_column(String(16))  # user | address
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]


__all__ += ["SignInThrottle"]
