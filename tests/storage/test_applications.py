"""Applications: creation, look-ups, and the conditional stage change under a race."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process
from storage.applications import (
    audit_trail,
    change_stage,
    count_by_stage,
    create_application,
    get_application,
    get_application_by_id,
    list_applications,
    set_flow_run,
    stage_history,
)
from storage.audit import verify_chain
from storage.models import Application
from tests.factories import applicant
from verification.errors import AlreadyExists, InputError, NotFound, StageConflict


def _create(sessions: sessionmaker[Session], process: Process, number: str) -> Application:
    with sessions.begin() as session:
        return create_application(
            session,
            number=number,
            category="adult",
            form=applicant(),
            process=process,
            actor="tester",
        )


def test_create_and_get(sessions: sessionmaker[Session], process: Process) -> None:
    app = _create(sessions, process, "APP-2026-000001")
    with sessions() as session:
        loaded = get_application(session, number="APP-2026-000001")
        assert loaded.id == app.id
        assert loaded.stage == "intake"
        assert loaded.rule_version == process.version
        assert loaded.form["nik"] == "1471024508900003"
        assert loaded.created_at.tzinfo is not None
        assert get_application_by_id(session, application_id=app.id).number == app.number
        history = stage_history(session, application_id=app.id)
        assert [(e.from_stage, e.to_stage) for e in history] == [(None, "intake")]
        assert [e.action for e in audit_trail(session, application_id=app.id)] == [
            "application.created"
        ]


def test_duplicate_number_is_refused(sessions: sessionmaker[Session], process: Process) -> None:
    _create(sessions, process, "APP-2026-000001")
    with pytest.raises(AlreadyExists, match="APP-2026-000001 is already stored"):
        _create(sessions, process, "APP-2026-000001")


def test_missing_application_is_not_found(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        with pytest.raises(NotFound):
            get_application(session, number="APP-2026-999999")
        with pytest.raises(NotFound):
            get_application_by_id(session, application_id=424242)


def test_list_and_count_by_stage(sessions: sessionmaker[Session], process: Process) -> None:
    for i in range(1, 4):
        _create(sessions, process, f"APP-2026-00000{i}")
    with sessions.begin() as session:
        first = get_application(session, number="APP-2026-000001")
        change_stage(
            session,
            application_id=first.id,
            expected="intake",
            new="verification",
            actor="tester",
            process=process,
        )
    with sessions() as session:
        assert count_by_stage(session) == {"intake": 2, "verification": 1}
        assert [a.number for a in list_applications(session, stage="intake")] == [
            "APP-2026-000002",
            "APP-2026-000003",
        ]
        assert len(list_applications(session, limit=2)) == 2


def test_stage_change_records_event_and_audit(
    sessions: sessionmaker[Session], process: Process
) -> None:
    app = _create(sessions, process, "APP-2026-000001")
    with sessions.begin() as session:
        change_stage(
            session,
            application_id=app.id,
            expected="intake",
            new="verification",
            actor="flow",
            process=process,
            reason="documents stored",
        )
    with sessions() as session:
        assert get_application_by_id(session, application_id=app.id).stage == "verification"
        history = stage_history(session, application_id=app.id)
        assert history[-1].from_stage == "intake" and history[-1].reason == "documents stored"
        event = audit_trail(session, application_id=app.id)[-1]
        assert event.action == "stage.changed"
        assert event.payload["to"] == "verification"
        assert verify_chain(session).ok


def test_stage_change_from_the_wrong_stage_conflicts(
    sessions: sessionmaker[Session], process: Process
) -> None:
    app = _create(sessions, process, "APP-2026-000001")
    with sessions.begin() as session, pytest.raises(StageConflict, match="is in stage 'intake'"):
        change_stage(
            session,
            application_id=app.id,
            expected="verification",
            new="approval",
            actor="flow",
            process=process,
        )


def test_stage_change_outside_the_process_is_refused(
    sessions: sessionmaker[Session], process: Process
) -> None:
    app = _create(sessions, process, "APP-2026-000001")
    with sessions.begin() as session, pytest.raises(InputError, match="does not allow"):
        change_stage(
            session,
            application_id=app.id,
            expected="intake",
            new="issued",
            actor="flow",
            process=process,
        )


def test_racing_stage_changes_advance_exactly_once(
    sessions: sessionmaker[Session], process: Process
) -> None:
    """Two sessions try the same change at once: one wins, the other sees a conflict."""
    app = _create(sessions, process, "APP-2026-000001")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(target: str) -> None:
        session = sessions()
        try:
            with session.begin():
                barrier.wait()
                change_stage(
                    session,
                    application_id=app.id,
                    expected="intake",
                    new=target,
                    actor=f"worker-{target}",
                    process=process,
                )
            outcomes.append("won")
        except StageConflict:
            outcomes.append("conflict")
        finally:
            session.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in ("verification", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "won"]
    with sessions() as session:
        history = stage_history(session, application_id=app.id)
        assert len(history) == 2  # created + exactly one change
        assert get_application_by_id(session, application_id=app.id).stage == history[-1].to_stage
        assert verify_chain(session).ok


def test_set_flow_run(sessions: sessionmaker[Session], process: Process) -> None:
    app = _create(sessions, process, "APP-2026-000001")
    with sessions.begin() as session:
        set_flow_run(session, application_id=app.id, flow_run_id="0b1c-run", actor="flow")
    with sessions() as session:
        assert get_application_by_id(session, application_id=app.id).flow_run_id == "0b1c-run"
    with sessions.begin() as session, pytest.raises(NotFound):
        set_flow_run(session, application_id=999, flow_run_id="x", actor="flow")
