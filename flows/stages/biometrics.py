"""Biometrics (foto dan sidik jari): the appointment, the capture and the photo checks.

``book_appointment`` gives an application that entered the stage the next free slot at an
active biometrics station of its office, from the next working day (``storage.biometrics``
books it race-free). ``record_capture`` is the operator's act at the counter: the photo and
fingerprint images go to the document store, the photo and each fingerprint are checked
(``verification.biometrics``), and

- all checks pass: the application moves to printing, the appointment is attended, the
  biometrics task is closed and the capture stored as accepted, in one transaction whose
  first statement is the conditional stage change; the caller resumes the flow run;
- a check fails: the capture is stored as a retake naming the failed checks; the stage and
  the task stay as they are, and the operator takes the photo (or prints) again.

Each station is a Prefect global concurrency limit (``capture_limit``): the flow holds it
while a capture is processed, so one camera serves one applicant at a time across workers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from flows.stages.handoff import waiting_task
from flows.wiring import Services
from rules.calendar import WorkingCalendar, default_calendar
from rules.policy import Policy
from rules.stations import STATION_LIMIT_SLOTS, default_stations, station_limit_name
from storage.applications import change_stage, get_application, get_application_by_id
from storage.biometrics import (
    AppointmentRow,
    Booking,
    add_capture,
    book_next_slot,
    booked_appointment,
    close_appointment,
    load_stations,
    station_appointments,
)
from storage.models import Appointment, Office, Station, utcnow
from storage.store.base import document_key, sha256_hex
from storage.tasks import close_task, record_decision
from verification.biometrics.fingerprint import check_fingerprint
from verification.biometrics.photo import check_photo
from verification.errors import ConflictError, InputError, NotPermitted, UnsupportedMediaType
from verification.media import JPEG, PNG, UploadLimits, inspect_upload, sniff

__all__ = [
    "CAPTURE_ROLE",
    "CaptureResult",
    "StationLimit",
    "book_appointment",
    "capture_limit",
    "ensure_default_stations",
    "record_capture",
    "station_limits",
    "todays_appointments",
]

ACTOR = "paspor-biometrics"
CAPTURE_ROLE = "biometric_operator"  # the interviewer shares the stage but does not capture
PHOTO_KIND = "capture_photo"
FINGERPRINT_KIND = "capture_fingerprint"


def book_appointment(
    services: Services,
    application_id: int,
    *,
    today: date,
    policy: Policy,
    office: str | None = None,
    calendar: WorkingCalendar | None = None,
    horizon_working_days: int = 60,
) -> Booking:
    """The application's appointment: the booked one, or the next free slot (idempotent)."""
    with services.sessions() as session:
        app = get_application_by_id(session, application_id=application_id)
    if app.stage != "biometrics":
        raise ConflictError(f"application {app.number} is in stage {app.stage}, not biometrics")
    return book_next_slot(
        services.sessions,
        application_id=application_id,
        today=today,
        calendar=calendar or default_calendar(),
        actor=ACTOR,
        office_code=office,
        horizon_working_days=horizon_working_days,
        payload={"rule_version": policy.version},
    )


@dataclass(frozen=True)
class CaptureResult:
    """What the capture did; ids, names and hashes only."""

    number: str
    application_id: int
    capture_id: int
    appointment_id: int
    accepted: bool
    stage: str  # printing when accepted, biometrics for a retake
    failed: tuple[str, ...]  # failed checks: photo check names, fingerprint_N.<check>
    task_id: int
    flow_run_id: str | None
    seconds: float


def _image(data: bytes, what: str, limits: UploadLimits) -> str:
    media = inspect_upload(data, limits)
    if media.media_type not in (JPEG, PNG):
        raise UnsupportedMediaType(f"the {what} must be a JPEG or PNG image")
    return media.media_type


def _check_inputs(
    photo: bytes, fingerprints: Sequence[bytes], required: int, limits: UploadLimits
) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    """Run every check (nothing stored yet): photo report, failed names, fingerprint reports."""
    if len(fingerprints) != required:
        raise InputError(
            f"the office takes {required} fingerprint image(s), not {len(fingerprints)}"
        )
    _image(photo, "photo", limits)
    for n, data in enumerate(fingerprints, start=1):
        _image(data, f"fingerprint {n}", limits)
    report = check_photo(photo)
    failed = list(report.failed)
    prints = []
    for n, data in enumerate(fingerprints, start=1):
        sanity = check_fingerprint(data)
        failed += [f"fingerprint_{n}.{name}" for name in sanity.failed]
        prints.append(sanity.as_dict())
    return report.as_dict(), failed, prints


def _store(services: Services, number: str, kind: str, data: bytes) -> tuple[str, str]:
    """Put one image in the document store (content-addressed: a retry puts nothing new)."""
    digest = sha256_hex(data)
    key = document_key(number, kind, digest)
    services.store.put(key, data, media_type=sniff(data) or PNG)
    return key, digest


def record_capture(
    services: Services,
    number: str,
    *,
    photo: bytes,
    fingerprints: Sequence[bytes],
    user: str,
    role: str,
    policy: Policy,
    limits: UploadLimits | None = None,
) -> CaptureResult:
    """Record the operator's capture for an application at its appointment."""
    started = time.perf_counter()
    if role != CAPTURE_ROLE or role not in policy.stages["biometrics"].roles:
        raise NotPermitted(f"the {role} role does not record biometric captures")
    with services.sessions() as session:
        app = get_application(session, number=number)
        task = waiting_task(session, application_id=app.id, kinds=("biometrics",))
        if app.stage != "biometrics" or task is None:
            raise ConflictError(f"application {number} is in stage {app.stage}, not biometrics")
        if task.status == "claimed" and task.assignee != user:
            raise ConflictError(f"task {task.id} is already claimed by {task.assignee}")
        appointment = booked_appointment(session, application_id=app.id)
        if appointment is None:
            raise ConflictError(f"application {number} has no booked biometrics appointment")
        required = session.scalar(
            select(Office.fingerprints_required)
            .join(Station, Station.office_id == Office.id)
            .where(Station.id == appointment.station_id)
        )
    photo_check, failed, prints = _check_inputs(
        photo, fingerprints, required or 1, limits or UploadLimits()
    )
    photo_key, photo_sha = _store(services, number, PHOTO_KIND, photo)
    for sanity, data in zip(prints, fingerprints, strict=True):
        sanity["key"], sanity["sha256"] = _store(services, number, FINGERPRINT_KIND, data)
    fingerprint_rows = [
        {"key": p.pop("key"), "sha256": p.pop("sha256"), "check": p} for p in prints
    ]
    with services.sessions.begin() as session:
        if not failed:
            change_stage(  # first: the conditional update takes the write lock
                session,
                application_id=app.id,
                expected="biometrics",
                new="printing",
                actor=user,
                process=services.process,
                reason="biometrics captured",
            )
            close_appointment(session, appointment_id=appointment.id, status="attended", actor=user)
        else:
            _hold(session, appointment.id)
        capture = add_capture(
            session,
            application_id=app.id,
            appointment_id=appointment.id,
            photo_key=photo_key,
            photo_sha256=photo_sha,
            fingerprints=fingerprint_rows,
            photo_check=photo_check,
            failed=failed,
            operator=user,
        )
        if not failed:
            record_decision(
                session,
                application_id=app.id,
                kind="biometrics.capture",
                actor=user,
                role=role,
                task_id=task.id,
                payload={"stage": "biometrics", "capture_id": capture.id},
            )
            close_task(session, task_id=task.id, actor=user, outcome="captured")
        return CaptureResult(
            number=number,
            application_id=app.id,
            capture_id=capture.id,
            appointment_id=appointment.id,
            accepted=not failed,
            stage="biometrics" if failed else "printing",
            failed=tuple(failed),
            task_id=task.id,
            flow_run_id=app.flow_run_id,
            seconds=time.perf_counter() - started,
        )


def _hold(session: Session, appointment_id: int) -> None:
    """Touch the appointment, conditional on it still being booked: the retake's first write
    (the SQLite write lock) and its proof that nobody closed the appointment meanwhile."""
    touched = session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status == "booked")
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if touched.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"appointment {appointment_id} is no longer booked")


def todays_appointments(services: Services, station: str, day: date) -> list[AppointmentRow]:
    """A station's appointments on ``day`` (office date): the operator's list."""
    with services.sessions() as session:
        return station_appointments(session, station=station, day=day)


@dataclass(frozen=True)
class StationLimit:
    """A Prefect global concurrency limit standing for one station."""

    name: str
    slots: int


def capture_limit(services: Services, number: str) -> StationLimit:
    """The limit to hold while processing this application's capture: its appointment's
    station."""
    with services.sessions() as session:
        app = get_application(session, number=number)
        appointment = booked_appointment(session, application_id=app.id)
        if appointment is None:
            raise ConflictError(f"application {number} has no booked biometrics appointment")
        code = session.scalar(select(Station.code).where(Station.id == appointment.station_id))
        return StationLimit(station_limit_name(str(code)), STATION_LIMIT_SLOTS)


def station_limits(services: Services) -> list[StationLimit]:
    """Every active station's limit: what to create (``prefect gcl create NAME --limit N``)
    before captures run with ``strict=True``."""
    with services.sessions() as session:
        codes = session.scalars(
            select(Station.code).where(Station.active.is_(True)).order_by(Station.code)
        )
        return [StationLimit(station_limit_name(code), STATION_LIMIT_SLOTS) for code in codes]


def ensure_default_stations(services: Services, *, actor: str) -> bool:
    """Store the shipped station configuration (``rules/stations.yaml``) when the database
    has no office yet; True when it did. An office's own file (``paspor stations load``)
    replaces it."""
    with services.sessions.begin() as session:
        if session.scalar(select(Office.id).limit(1)) is not None:
            return False
        load_stations(session, config=default_stations(), actor=actor)
    return True
