"""The biometrics stage on both databases: station configuration, appointments (working days,
hours, quotas, concurrent bookers) and captures (accepted, retake, refused)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from flows.stages.biometrics import (
    CaptureResult,
    book_appointment,
    capture_limit,
    record_capture,
    station_limits,
    todays_appointments,
)
from flows.stages.handoff import open_stage_task
from flows.wiring import Services
from rules.calendar import default_calendar
from rules.policy import default_policy
from rules.stations import StationConfig, default_stations, load_stations
from storage import biometrics
from storage.applications import change_stage, create_application, get_application_by_id
from storage.audit import verify_chain
from storage.models import Appointment, AuditEvent, Capture, Decision, HumanTask
from storage.reconcile import find_orphans
from verification.errors import ConflictError, InputError, NotPermitted, UnsupportedMediaType
from verification.synthetic.fingerprint import fingerprint_bytes
from verification.synthetic.packet import application_form
from verification.synthetic.people import generate_family
from verification.synthetic.portrait import portrait_bytes

POLICY = default_policy()
FRIDAY = date(2026, 8, 14)  # Monday 17 August is Hari Proklamasi
APPROVED_ON = date(2026, 8, 13)

# Two small stations: 08:00-09:00 in 15-minute slots (4 slots) capped at 2 a day each.
SMALL = """
version: "test.1"
offices:
  - code: pekanbaru
    name: Kantor Imigrasi Pekanbaru
    timezone: Asia/Jakarta
    default: true
    fingerprints_required: 2
    stations:
      - {code: PKU-BIO-1, name: Loket 1, kind: biometrics, equipment: [camera, fingerprint_scanner],
         opens: "08:00", closes: "09:00", slot_minutes: 15, daily_quota: 2}
      - {code: PKU-BIO-2, name: Loket 2, kind: biometrics, equipment: [camera, fingerprint_scanner],
         opens: "08:00", closes: "09:00", slot_minutes: 15, daily_quota: 2}
      - {code: PKU-PRN-1, name: Cetak, kind: printing, equipment: [printer],
         opens: "08:00", closes: "16:00", slot_minutes: 30, daily_quota: 16}
"""


def _load(services: Services, config: StationConfig) -> biometrics.LoadReport:
    with services.sessions.begin() as session:
        return biometrics.load_stations(session, config=config, actor="supervisor")


def _in_biometrics(services: Services, seed: int) -> tuple[int, str]:
    """A stored application walked to biometrics with its open biometrics task."""
    family = generate_family(random.Random(seed))
    number = f"APP-2026-{seed:06d}"
    with services.sessions.begin() as session:
        app = create_application(
            session,
            number=number,
            category="adult",
            form=application_form(family.applicant, family),
            process=services.process,
            actor="test",
        )
        app_id = app.id
    for old, new in (("intake", "verification"), ("verification", "approval")):
        with services.sessions.begin() as session:
            change_stage(
                session,
                application_id=app_id,
                expected=old,
                new=new,
                actor="test",
                process=services.process,
            )
    with services.sessions.begin() as session:
        change_stage(
            session,
            application_id=app_id,
            expected="approval",
            new="biometrics",
            actor="adjudicator-1",
            process=services.process,
        )
        open_stage_task(
            session,
            application_id=app_id,
            stage="biometrics",
            kind="biometrics",
            policy=POLICY,
            actor="adjudicator-1",
            today=APPROVED_ON,
        )
    return app_id, number


def _wib(day: date, hh: int, mm: int) -> datetime:
    """A slot start in Pekanbaru (WIB, UTC+7) as the aware UTC value stored."""
    return datetime.combine(day, time(hh, mm), tzinfo=UTC).replace(hour=hh - 7)


def _prints(variant: str = "good") -> list[bytes]:
    return [fingerprint_bytes("good", seed=1), fingerprint_bytes(variant, seed=2)]


# --- configuration ------------------------------------------------------------------------


def test_station_config_is_stored_and_a_reload_deactivates_what_it_leaves_out(
    services: Services,
) -> None:
    report = _load(services, default_stations())
    assert report.stations == ("PKU-BIO-1", "PKU-BIO-2", "PKU-PRN-1")
    smaller = default_stations().model_copy(deep=True)
    office = smaller.offices[0].model_copy(update={"stations": smaller.offices[0].stations[:1]})
    second = _load(services, smaller.model_copy(update={"offices": (office,)}))
    assert second.deactivated == ("PKU-BIO-2", "PKU-PRN-1")
    with services.sessions() as session:
        station = biometrics.get_station(session, code="PKU-BIO-2")
        assert station.active is False and station.opens == "08:00"
        friday = biometrics.day_plan(
            biometrics.get_station(session, code="PKU-BIO-1"), date(2026, 9, 4)
        )
        assert time(11, 15) in friday and time(11, 30) not in friday and time(13, 30) in friday
        assert biometrics.get_office(session).code == "pekanbaru"
        loads = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "stations.loaded")
        ).all()
        assert [e.payload["deactivated"] for e in loads] == [[], ["PKU-BIO-2", "PKU-PRN-1"]]
    assert [limit.name for limit in station_limits(services)] == ["paspor-station-pku-bio-1"]


def test_booking_without_a_station_config_names_the_command(services: Services) -> None:
    app_id, _ = _in_biometrics(services, 11)
    with pytest.raises(LookupError, match="paspor stations load"):
        book_appointment(services, app_id, today=FRIDAY, policy=POLICY)


# --- appointments -------------------------------------------------------------------------


def test_bookings_fill_working_days_within_hours_and_quota(services: Services) -> None:
    _load(services, load_stations(SMALL))
    apps = [_in_biometrics(services, 100 + n) for n in range(5)]
    got = [book_appointment(services, app_id, today=FRIDAY, policy=POLICY) for app_id, _ in apps]
    tuesday, wednesday = date(2026, 8, 18), date(2026, 8, 19)  # Monday 17 Aug is a holiday
    assert [(b.station_code, b.day, b.starts_at) for b in got] == [
        ("PKU-BIO-1", tuesday, _wib(tuesday, 8, 0)),
        ("PKU-BIO-2", tuesday, _wib(tuesday, 8, 0)),
        ("PKU-BIO-1", tuesday, _wib(tuesday, 8, 15)),
        ("PKU-BIO-2", tuesday, _wib(tuesday, 8, 15)),  # quota 2: 08:30 and 08:45 not offered
        ("PKU-BIO-1", wednesday, _wib(wednesday, 8, 0)),
    ]
    assert all(b.created for b in got)
    listed = todays_appointments(services, "PKU-BIO-1", tuesday)
    assert [(r.application_number, r.starts_at.strftime("%H:%M")) for r in listed] == [
        (apps[0][1], "08:00"),
        (apps[2][1], "08:15"),
    ]


def test_cuti_bersama_and_christmas_are_skipped(services: Services) -> None:
    _load(services, load_stations(SMALL))
    app_id, _ = _in_biometrics(services, 12)
    booking = book_appointment(services, app_id, today=date(2026, 12, 23), policy=POLICY)
    assert booking.day == date(2026, 12, 28)  # 24 Dec cuti bersama, 25 Dec, a weekend


def test_booking_is_idempotent_and_audited_once(services: Services) -> None:
    _load(services, load_stations(SMALL))
    app_id, _ = _in_biometrics(services, 13)
    first = book_appointment(services, app_id, today=FRIDAY, policy=POLICY)
    again = book_appointment(services, app_id, today=date(2026, 8, 20), policy=POLICY)
    assert again.appointment_id == first.appointment_id and again.created is False
    with services.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "appointment.booked")
        ).all()
        assert len(events) == 1
        assert events[0].payload["station"] == "PKU-BIO-1"
        assert events[0].payload["rule_version"] == POLICY.version


def test_booking_is_refused_outside_the_stage(services: Services) -> None:
    _load(services, load_stations(SMALL))
    app_id, _ = _in_biometrics(services, 14)
    with services.sessions.begin() as session:
        change_stage(
            session,
            application_id=app_id,
            expected="biometrics",
            new="withdrawn",
            actor="test",
            process=services.process,
        )
    with pytest.raises(ConflictError, match="not biometrics"):
        book_appointment(services, app_id, today=FRIDAY, policy=POLICY)


def test_a_stale_slot_loses_to_the_unique_index_and_the_next_one_is_booked(
    services: Services,
) -> None:
    _load(services, load_stations(SMALL))
    (first, _), (second, _) = _in_biometrics(services, 15), _in_biometrics(services, 16)
    with services.sessions() as session:
        office = biometrics.get_office(session)
        stale = biometrics.next_free_slot(
            session,
            office=office,
            after=FRIDAY,
            calendar=default_calendar(),
            horizon_working_days=5,
        )
    assert stale is not None
    won = biometrics.try_book(services.sessions, application_id=second, slot=stale, actor="w2")
    assert won is not None
    lost = biometrics.try_book(services.sessions, application_id=first, slot=stale, actor="w1")
    assert lost is None  # the partial unique index refused the second booking of the slot
    retried = book_appointment(services, first, today=FRIDAY, policy=POLICY)
    assert (retried.station_code, retried.starts_at) != (stale.station_code, won.starts_at)
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == 2
        assert verify_chain(session).ok  # the refused attempt left no audit event behind


def test_a_cancelled_slot_is_offered_again(services: Services) -> None:
    _load(services, load_stations(SMALL))
    (a, _), (b, _) = _in_biometrics(services, 17), _in_biometrics(services, 18)
    first = book_appointment(services, a, today=FRIDAY, policy=POLICY)
    with services.sessions.begin() as session:
        biometrics.close_appointment(
            session, appointment_id=first.appointment_id, status="cancelled", actor="test"
        )
    with services.sessions.begin() as session, pytest.raises(InputError):
        biometrics.close_appointment(
            session, appointment_id=first.appointment_id, status="booked", actor="test"
        )
    other = book_appointment(services, b, today=FRIDAY, policy=POLICY)
    assert (other.station_code, other.starts_at) == (first.station_code, first.starts_at)


def test_concurrent_bookers_never_double_book(services: Services) -> None:
    _load(services, load_stations(SMALL))
    apps = [_in_biometrics(services, 200 + n)[0] for n in range(12)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(mine: list[int]) -> None:
        try:
            barrier.wait()
            for app_id in mine:
                book_appointment(services, app_id, today=FRIDAY, policy=POLICY)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(apps[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with services.sessions() as session:
        rows = session.execute(
            select(
                Appointment.application_id,
                Appointment.station_id,
                Appointment.day,
                Appointment.starts_at,
            )
        ).all()
    assert sorted(r.application_id for r in rows) == sorted(apps)
    assert len({(r.station_id, r.starts_at) for r in rows}) == 12  # no slot twice
    per_day = Counter((r.station_id, r.day) for r in rows)
    assert max(per_day.values()) == 2  # the daily quota
    assert sorted({r.day for r in rows}) == [
        date(2026, 8, 18),
        date(2026, 8, 19),
        date(2026, 8, 20),
    ]


# --- captures -----------------------------------------------------------------------------


def _booked(services: Services, seed: int) -> tuple[int, str]:
    _load(services, load_stations(SMALL))
    app_id, number = _in_biometrics(services, seed)
    book_appointment(services, app_id, today=FRIDAY, policy=POLICY)
    return app_id, number


def _capture(
    services: Services,
    number: str,
    photo: bytes,
    prints: list[bytes],
    role: str = "biometric_operator",
) -> CaptureResult:
    return record_capture(
        services,
        number,
        photo=photo,
        fingerprints=prints,
        user="operator-1",
        role=role,
        policy=POLICY,
    )


def test_an_accepted_capture_moves_the_application_to_printing(services: Services) -> None:
    app_id, number = _booked(services, 21)
    assert capture_limit(services, number).name == "paspor-station-pku-bio-1"
    photo = portrait_bytes("good", seed=21)
    result = _capture(services, number, photo, _prints())
    assert result.accepted and result.stage == "printing" and result.failed == ()
    with services.sessions() as session:
        assert get_application_by_id(session, application_id=app_id).stage == "printing"
        task = session.get(HumanTask, result.task_id)
        assert task is not None and (task.status, task.outcome) == ("done", "captured")
        appointment = session.get(Appointment, result.appointment_id)
        assert appointment is not None and appointment.status == "attended"
        capture = session.get(Capture, result.capture_id)
        assert capture is not None and capture.outcome == "accepted"
        assert capture.photo_check["ok"] is True and len(capture.fingerprints) == 2
        decision = session.scalars(select(Decision).where(Decision.application_id == app_id)).one()
        assert (decision.kind, decision.role) == ("biometrics.capture", "biometric_operator")
        events = session.scalars(select(AuditEvent).where(AuditEvent.application_id == app_id))
        form = get_application_by_id(session, application_id=app_id).form
        for event in events:  # ids, codes and hashes only
            text = str(event.payload)
            assert form["nik"] not in text and form["nama"] not in text
        assert verify_chain(session).ok
    assert services.store.get(capture.photo_key) == photo
    assert services.store.get(capture.fingerprints[1]["key"]) == _prints()[1]
    with services.sessions() as session:  # photos and prints are no orphans for the store check
        assert find_orphans(session, services.store) == []
    with pytest.raises(ConflictError, match="not biometrics"):
        _capture(services, number, photo, _prints())


def test_a_failed_photo_check_asks_for_a_retake(services: Services) -> None:
    app_id, number = _booked(services, 22)
    retake = _capture(services, number, portrait_bytes("blurred", seed=22), _prints())
    assert not retake.accepted and retake.stage == "biometrics"
    assert retake.failed == ("sharpness",)
    with services.sessions() as session:
        assert get_application_by_id(session, application_id=app_id).stage == "biometrics"
        task = session.get(HumanTask, retake.task_id)
        assert task is not None and task.status == "open"
        capture = session.get(Capture, retake.capture_id)
        assert capture is not None and (capture.outcome, capture.failed) == (
            "retake",
            ["sharpness"],
        )
        appointment = session.get(Appointment, retake.appointment_id)
        assert appointment is not None and appointment.status == "booked"
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "capture")
        ).all() == ["biometrics.retake"]
    second = _capture(services, number, portrait_bytes("small_face", seed=22), _prints("small"))
    assert second.failed == ("face_size", "eye_line", "fingerprint_2.size")
    third = _capture(services, number, portrait_bytes("good", seed=22), _prints())
    assert third.accepted and third.task_id == retake.task_id
    with services.sessions() as session:
        outcomes = session.scalars(
            select(Capture.outcome).where(Capture.application_id == app_id).order_by(Capture.id)
        ).all()
    assert outcomes == ["retake", "retake", "accepted"]


@pytest.mark.parametrize("role", ["interviewer", "adjudicator", "printing_operator"])
def test_only_a_biometric_operator_records_a_capture(services: Services, role: str) -> None:
    _, number = _booked(services, 23)
    with pytest.raises(NotPermitted, match=f"the {role} role"):
        _capture(services, number, portrait_bytes("good", seed=23), _prints(), role=role)
    _nothing_written(services)


def _nothing_written(services: Services) -> None:
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Capture)) == 0
    assert list(services.store.list_keys()) == []


def test_bad_input_is_refused_before_anything_is_written(services: Services) -> None:
    _, number = _booked(services, 24)
    good = portrait_bytes("good", seed=24)
    with pytest.raises(InputError, match="2 fingerprint image"):
        _capture(services, number, good, _prints()[:1])
    with pytest.raises(UnsupportedMediaType, match="photo"):
        _capture(services, number, b"%PDF-1.7 a scanned photo", _prints())
    with pytest.raises(UnsupportedMediaType):
        _capture(services, number, good, [b"GIF89a....", _prints()[1]])
    _nothing_written(services)


def test_a_capture_needs_a_booked_appointment(services: Services) -> None:
    _load(services, load_stations(SMALL))
    _, number = _in_biometrics(services, 25)
    with pytest.raises(ConflictError, match="no booked biometrics appointment"):
        _capture(services, number, portrait_bytes("good", seed=25), _prints())
    _nothing_written(services)
