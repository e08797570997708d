"""The append-only audit log and its hash chain.

Each audit event stores ``prev_hash`` (the hash of the event before it; 64 zeros for the
first) and ``hash = sha256(prev_hash || canonical JSON of the event)``. The single row of
``audit_head`` names the last sequence number and hash; every append begins by updating it,
which takes the write lock on SQLite and the row lock on PostgreSQL, so concurrent appenders
queue instead of forking the chain. ``verify_chain`` recomputes every hash: an edited row, a
deleted row (a gap or a broken link) and a truncated tail (the head disagrees) are all found.
Payloads carry ids, codes and hashes, never personal data in clear.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import AuditEvent, AuditHead, utcnow
from verification.errors import IntegrityError

__all__ = ["GENESIS", "ChainReport", "append_event", "event_hash", "is_intact", "verify_chain"]

GENESIS = "0" * 64
_HEAD_ID = 1


def _canonical(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    application_id: int | None,
    payload: dict[str, Any],
) -> str:
    """The chain hash of one event given the hash of the event before it."""
    body = _canonical(
        {
            "seq": seq,
            "at": _timestamp(at),
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "application_id": application_id,
            "payload": payload,
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _lock_head(session: Session) -> tuple[int, str]:
    """Advance the head's sequence first (taking the lock), then read it."""
    bumped = session.execute(
        update(AuditHead).where(AuditHead.id == _HEAD_ID).values(seq=AuditHead.seq + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        # The migration seeds the head; a missing head means tampering, not a fresh start.
        raise IntegrityError("the audit chain head is missing; run `paspor audit verify`")
    head = session.execute(
        select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == _HEAD_ID)
    ).one()
    return int(head.seq), str(head.last_hash)


def append_event(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    application_id: int | None = None,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    seq, prev_hash = _lock_head(session)
    at = (at or utcnow()).astimezone(UTC)
    payload = json.loads(_canonical(payload or {}))
    digest = event_hash(
        prev_hash=prev_hash,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        application_id=application_id,
        payload=payload,
    )
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        application_id=application_id,
        payload=payload,
        prev_hash=prev_hash,
        hash=digest,
    )
    session.add(event)
    session.execute(update(AuditHead).where(AuditHead.id == _HEAD_ID).values(last_hash=digest))
    return event


@dataclass
class ChainReport:
    """What ``verify_chain`` found: ``ok`` is True only when there is no problem."""

    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        for row in rows:  # keep memory flat over long chains
            session.expunge(row)


def is_intact(event: AuditEvent) -> bool:
    """Whether the event's stored hash is the hash of its content (it was not edited)."""
    return event.hash == event_hash(
        prev_hash=event.prev_hash,
        seq=event.seq,
        at=event.at,
        actor=event.actor,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        application_id=event.application_id,
        payload=event.payload,
    )


def verify_chain(session: Session) -> ChainReport:
    """Recompute the whole chain and report every edited, deleted or missing event."""
    report = ChainReport()
    head = session.get(AuditHead, _HEAD_ID)
    if head is not None:
        report.head_seq, report.head_hash = head.seq, head.last_hash
    expected_seq, prev_hash = 1, GENESIS
    for event in _events(session):
        report.checked += 1
        if event.seq != expected_seq:
            report.problems.append(
                f"events {expected_seq}..{event.seq - 1} are missing (deleted rows)"
            )
        if event.prev_hash != prev_hash:
            report.problems.append(
                f"event {event.seq}: link to the previous event is broken "
                "(the event before it was edited or deleted)"
            )
        if not is_intact(event):
            report.problems.append(f"event {event.seq}: content does not match its hash (edited)")
        expected_seq, prev_hash = event.seq + 1, event.hash
    last_seq = expected_seq - 1
    if head is None:
        report.problems.append("the chain head is missing")
    elif head is not None and (head.seq != last_seq or head.last_hash != prev_hash):
        report.problems.append(
            f"the chain head names event {head.seq} but the log ends at event {last_seq} "
            "(events at the end were deleted, or the head was edited)"
        )
    return report
