"""The audit hash chain: intact chains verify; edited, deleted and truncated ones do not."""

from __future__ import annotations

import itertools
import threading

from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session, sessionmaker

from storage.audit import GENESIS, append_event, verify_chain
from storage.models import AuditEvent, AuditHead


def _append(sessions: sessionmaker[Session], count: int, actor: str = "tester") -> None:
    for i in range(count):
        with sessions.begin() as session:
            append_event(
                session,
                actor=actor,
                action="test.event",
                entity_type="test",
                entity_id=i,
                payload={"i": i, "note": "ok"},
            )


def test_empty_chain_is_intact(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        report = verify_chain(session)
    assert report.ok and report.checked == 0 and report.head_hash == GENESIS


def test_chain_links_each_event_to_the_previous(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 5)
    with sessions() as session:
        events = session.query(AuditEvent).order_by(AuditEvent.seq).all()
        assert [e.seq for e in events] == [1, 2, 3, 4, 5]
        assert events[0].prev_hash == GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
        report = verify_chain(session)
    assert report.ok, report.problems
    assert report.checked == 5 and report.head_hash == events[-1].hash


def test_edited_payload_is_found(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 5)
    with sessions.begin() as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(payload={"i": 99}))
    with sessions() as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.problems == ["event 3: content does not match its hash (edited)"]


def test_edited_actor_with_recomputed_hash_breaks_the_next_link(
    sessions: sessionmaker[Session],
) -> None:
    """Someone who edits a row and fixes its hash still breaks the link of the next row."""
    _append(sessions, 4)
    with sessions.begin() as session:
        row = session.get(AuditEvent, 2)
        assert row is not None
        from storage.audit import event_hash

        forged = event_hash(
            prev_hash=row.prev_hash,
            seq=2,
            at=row.at,
            actor="someone-else",
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            application_id=None,
            payload=row.payload,
        )
        session.execute(
            update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone-else", hash=forged)
        )
    with sessions() as session:
        report = verify_chain(session)
    assert any("event 3: link to the previous event is broken" in p for p in report.problems)


def test_deleted_middle_row_is_found(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 5)
    with sessions.begin() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
    with sessions() as session:
        report = verify_chain(session)
    assert "events 3..3 are missing (deleted rows)" in report.problems
    assert any(p.startswith("event 4: link") for p in report.problems)


def test_deleted_tail_is_found_through_the_head(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 5)
    with sessions.begin() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq >= 4))
    with sessions() as session:
        report = verify_chain(session)
    assert not report.ok
    assert "the chain head names event 5 but the log ends at event 3" in report.problems[0]


def test_deleted_head_row_is_found(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 2)
    with sessions.begin() as session:
        session.execute(delete(AuditHead))
    with sessions() as session:
        assert verify_chain(session).problems == ["the chain head is missing"]


def test_concurrent_appenders_never_fork_the_chain(sessions: sessionmaker[Session]) -> None:
    threads = [threading.Thread(target=_append, args=(sessions, 15, f"w{i}")) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with sessions() as session:
        report = verify_chain(session)
        count = session.execute(text("select count(*) from audit_events")).scalar_one()
    assert report.ok, report.problems
    assert count == report.checked == 60
