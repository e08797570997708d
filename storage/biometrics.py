"""Offices, stations, appointments and captures (the biometrics stage's records).

``load_stations`` stores a ``rules.stations.StationConfig``: offices and stations are upserted
by code, and stations (and offices) missing from the file are deactivated, never deleted.

Booking is safe under concurrent workers without a lock of our own. ``next_free_slot`` reads
the day plans and the slots taken; ``try_book`` then inserts the appointment as the *first*
statement of a fresh transaction (on SQLite that takes the write lock before anything is
read). The partial unique indexes on ``appointments`` (one live appointment per station slot,
one booked appointment per application) refuse the second of two bookers that chose the same
slot; it rolls back and ``book_next_slot`` looks again, so it gets the next slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError as UniqueViolation
from sqlalchemy.orm import Session, sessionmaker

from rules.calendar import WorkingCalendar
from rules.stations import Break, StationConfig, StationKind, slot_times
from storage.audit import append_event
from storage.models import Application, Appointment, Capture, Office, Station, utcnow
from verification.errors import ConflictError, InputError, NotFound

__all__ = [
    "APPOINTMENT_STATUSES",
    "AppointmentRow",
    "Booking",
    "LoadReport",
    "Slot",
    "add_capture",
    "book_next_slot",
    "booked_appointment",
    "close_appointment",
    "day_plan",
    "get_office",
    "get_station",
    "list_captures",
    "load_stations",
    "next_free_slot",
    "station_appointments",
    "try_book",
]

APPOINTMENT_STATUSES = ("booked", "attended", "no_show", "cancelled")
MAX_ATTEMPTS = 50  # bookings lost to a concurrent booker before giving up


@dataclass(frozen=True)
class LoadReport:
    version: str
    offices: tuple[str, ...]
    stations: tuple[str, ...]
    deactivated: tuple[str, ...]


def _hhmm(value: clock) -> str:
    return value.strftime("%H:%M")


def load_stations(session: Session, *, config: StationConfig, actor: str) -> LoadReport:
    """Store a station configuration: upsert by code, deactivate what the file leaves out."""
    now = utcnow()
    offices = {o.code: o for o in session.scalars(select(Office))}
    stations = {s.code: s for s in session.scalars(select(Station))}
    default = config.default_office.code
    for spec in config.offices:
        office = offices.get(spec.code) or Office(code=spec.code)
        office.name, office.timezone = spec.name, spec.timezone
        office.is_default, office.active = spec.code == default, True
        office.fingerprints_required = spec.fingerprints_required
        office.config_version, office.updated_at = config.version, now
        session.add(office)
        session.flush()
        for s in spec.stations:
            station = stations.get(s.code) or Station(code=s.code)
            station.office_id, station.name, station.kind = office.id, s.name, s.kind.value
            station.equipment = [e.value for e in s.equipment]
            station.opens, station.closes = _hhmm(s.opens), _hhmm(s.closes)
            station.breaks = [b.model_dump(mode="json") for b in s.breaks]
            station.slot_minutes, station.daily_quota = s.slot_minutes, s.daily_quota
            station.active, station.updated_at = s.active, now
            session.add(station)
    loaded_offices = {o.code for o in config.offices}
    loaded_stations = {s.code for o in config.offices for s in o.stations}
    deactivated = sorted(code for code, s in stations.items() if code not in loaded_stations)
    for code in deactivated:
        stations[code].active, stations[code].updated_at = False, now
    for code, office in offices.items():
        if code not in loaded_offices:
            office.active, office.is_default, office.updated_at = False, False, now
    session.flush()
    report = LoadReport(
        config.version,
        tuple(sorted(loaded_offices)),
        tuple(sorted(loaded_stations)),
        tuple(deactivated),
    )
    append_event(
        session,
        actor=actor,
        action="stations.loaded",
        entity_type="config",
        entity_id=f"stations/{config.version}",
        payload={
            "version": report.version,
            "offices": list(report.offices),
            "stations": list(report.stations),
            "deactivated": list(report.deactivated),
        },
    )
    return report


def get_office(session: Session, *, code: str | None = None) -> Office:
    """The office of that code, or the default office."""
    query = select(Office).where(Office.active.is_(True))
    query = query.where(Office.code == code) if code else query.where(Office.is_default.is_(True))
    office = session.scalars(query).first()
    if office is None:
        which = f"office {code!r}" if code else "default office"
        raise NotFound(f"no active {which}; load one with `paspor stations load FILE`")
    return office


def get_station(session: Session, *, code: str) -> Station:
    station = session.scalar(select(Station).where(Station.code == code))
    if station is None:
        raise NotFound(f"no station {code!r}")
    return station


def day_plan(station: Station, day: date) -> list[clock]:
    """The slot start times (office time) the station offers on ``day``."""
    return slot_times(
        day,
        opens=clock.fromisoformat(station.opens),
        closes=clock.fromisoformat(station.closes),
        slot_minutes=station.slot_minutes,
        daily_quota=station.daily_quota,
        breaks=tuple(Break.model_validate(b) for b in station.breaks),
    )


@dataclass(frozen=True)
class Slot:
    station_id: int
    station_code: str
    day: date
    starts_at: datetime  # aware, in the office's time zone


def next_free_slot(
    session: Session,
    *,
    office: Office,
    after: date,
    calendar: WorkingCalendar,
    horizon_working_days: int,
) -> Slot | None:
    """The earliest free slot at an active biometrics station of ``office`` on a working day
    after ``after`` (ties: station code order); None when all are taken within the horizon."""
    stations = session.scalars(
        select(Station)
        .where(
            Station.office_id == office.id,
            Station.kind == StationKind.BIOMETRICS.value,
            Station.active.is_(True),
        )
        .order_by(Station.code)
    ).all()
    if not stations:
        raise NotFound(f"office {office.code} has no active biometrics station")
    zone = ZoneInfo(office.timezone)
    day = after
    for _ in range(horizon_working_days):
        day = calendar.add_working_days(day, 1)
        taken = set(
            session.execute(
                select(Appointment.station_id, Appointment.starts_at).where(
                    Appointment.station_id.in_([s.id for s in stations]),
                    Appointment.day == day,
                    Appointment.status != "cancelled",
                )
            ).tuples()
        )
        free = [
            Slot(station.id, station.code, day, starts)
            for station in stations
            for starts in (datetime.combine(day, t, tzinfo=zone) for t in day_plan(station, day))
            if (station.id, starts.astimezone(UTC)) not in taken
        ]
        if free:
            return min(free, key=lambda slot: (slot.starts_at, slot.station_code))
    return None


def booked_appointment(session: Session, *, application_id: int) -> Appointment | None:
    return session.scalars(
        select(Appointment).where(
            Appointment.application_id == application_id, Appointment.status == "booked"
        )
    ).first()


@dataclass(frozen=True)
class Booking:
    appointment_id: int
    station_code: str
    day: date
    starts_at: datetime  # aware UTC
    created: bool  # False: the application already had this booking


def try_book(
    sessions: sessionmaker[Session],
    *,
    application_id: int,
    slot: Slot,
    actor: str,
    payload: dict[str, Any] | None = None,
) -> Booking | None:
    """Book ``slot`` in a transaction of its own; None when the unique indexes refuse it (the
    slot, or a booking of this application, was committed by someone else meanwhile)."""
    try:
        with sessions.begin() as session:
            now = utcnow()
            appointment = Appointment(
                application_id=application_id,
                station_id=slot.station_id,
                day=slot.day,
                starts_at=slot.starts_at,
                status="booked",
                booked_by=actor,
                created_at=now,
                updated_at=now,
            )
            session.add(appointment)
            session.flush()  # the INSERT: the first statement of the transaction
            append_event(
                session,
                actor=actor,
                action="appointment.booked",
                entity_type="appointment",
                entity_id=appointment.id,
                application_id=application_id,
                payload={
                    "station": slot.station_code,
                    "day": slot.day.isoformat(),
                    "starts_at": appointment.starts_at.isoformat(),
                    **(payload or {}),
                },
                at=now,
            )
            return Booking(appointment.id, slot.station_code, slot.day, appointment.starts_at, True)
    except UniqueViolation:
        return None


def _existing(session: Session, application_id: int) -> Booking | None:
    found = session.execute(
        select(Appointment, Station.code)
        .join(Station, Station.id == Appointment.station_id)
        .where(Appointment.application_id == application_id, Appointment.status == "booked")
    ).first()
    if found is None:
        return None
    appointment, code = found
    return Booking(appointment.id, code, appointment.day, appointment.starts_at, False)


def book_next_slot(
    sessions: sessionmaker[Session],
    *,
    application_id: int,
    today: date,
    calendar: WorkingCalendar,
    actor: str,
    office_code: str | None = None,
    horizon_working_days: int = 60,
    payload: dict[str, Any] | None = None,
) -> Booking:
    """The application's booked appointment, booking the next free slot if it has none."""
    for _ in range(MAX_ATTEMPTS):
        with sessions() as session:
            existing = _existing(session, application_id)
            if existing is not None:
                return existing
            office = get_office(session, code=office_code)
            slot = next_free_slot(
                session,
                office=office,
                after=today,
                calendar=calendar,
                horizon_working_days=horizon_working_days,
            )
        if slot is None:
            raise ConflictError(
                f"office {office.code} has no free biometrics slot within "
                f"{horizon_working_days} working days after {today.isoformat()}"
            )
        booking = try_book(
            sessions, application_id=application_id, slot=slot, actor=actor, payload=payload
        )
        if booking is not None:
            return booking
    raise ConflictError(f"no slot could be booked after {MAX_ATTEMPTS} attempts (contention)")


def close_appointment(
    session: Session, *, appointment_id: int, status: str, actor: str
) -> Appointment:
    """End a booked appointment: attended, no_show or cancelled (conditional on booked)."""
    if status not in APPOINTMENT_STATUSES or status == "booked":
        raise InputError(
            f"an appointment is closed as attended, no_show or cancelled, not {status!r}"
        )
    now = utcnow()
    result = session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status == "booked")
        .values(status=status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"no appointment {appointment_id}")
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(f"appointment {appointment_id} is {appointment.status}, not booked")
    session.refresh(appointment)
    append_event(
        session,
        actor=actor,
        action=f"appointment.{status}",
        entity_type="appointment",
        entity_id=appointment_id,
        application_id=appointment.application_id,
        payload={},
        at=now,
    )
    return appointment


@dataclass(frozen=True)
class AppointmentRow:
    appointment_id: int
    application_number: str
    starts_at: datetime  # aware, office time
    status: str


def station_appointments(session: Session, *, station: str, day: date) -> list[AppointmentRow]:
    """A station's appointments on ``day`` (office date), in time order."""
    found = get_station(session, code=station)
    office = session.get(Office, found.office_id)
    zone = ZoneInfo(office.timezone if office else "UTC")
    rows = session.execute(
        select(Appointment.id, Application.number, Appointment.starts_at, Appointment.status)
        .join(Application, Application.id == Appointment.application_id)
        .where(Appointment.station_id == found.id, Appointment.day == day)
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    return [AppointmentRow(i, n, s.astimezone(zone), st) for i, n, s, st in rows]


def add_capture(
    session: Session,
    *,
    application_id: int,
    appointment_id: int,
    photo_key: str,
    photo_sha256: str,
    fingerprints: Sequence[dict[str, Any]],
    photo_check: dict[str, Any],
    failed: Sequence[str],
    operator: str,
) -> Capture:
    """Store one capture (accepted when nothing failed) with its audit event."""
    outcome = "retake" if failed else "accepted"
    capture = Capture(
        application_id=application_id,
        appointment_id=appointment_id,
        photo_key=photo_key,
        photo_sha256=photo_sha256,
        fingerprints=list(fingerprints),
        photo_check=photo_check,
        outcome=outcome,
        failed=list(failed),
        operator=operator,
        created_at=utcnow(),
    )
    session.add(capture)
    session.flush()
    append_event(
        session,
        actor=operator,
        action=f"biometrics.{outcome}",
        entity_type="capture",
        entity_id=capture.id,
        application_id=application_id,
        payload={
            "appointment_id": appointment_id,
            "photo_sha256": photo_sha256,
            "fingerprints_sha256": [f["sha256"] for f in fingerprints],
            "failed": list(failed),
            "check_version": photo_check.get("version"),
        },
    )
    return capture


def list_captures(session: Session, *, application_id: int) -> Sequence[Capture]:
    return session.scalars(
        select(Capture).where(Capture.application_id == application_id).order_by(Capture.id)
    ).all()
