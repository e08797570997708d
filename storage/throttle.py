"""Console sign-in throttling: after repeated failures, sign-ins are refused for a while.

Two subjects are counted for each attempt: the user name typed and the client's address. A
subject with ``FREE_FAILURES`` failures in a row is blocked for ``FIRST_BLOCK``, doubling with
each further failure up to ``MAX_BLOCK``; while any subject of an attempt is blocked, the
password is not even checked. A successful sign-in clears its user name's count (not the
address's: one valid account must not reset an attacker's budget for guessing others).

Counts live in the database, so they hold across console processes and restarts. Subjects
are stored as SHA-256 hashes: a password typed into the name field is not kept in clear.
Unknown names are counted exactly like known ones, so throttling tells nothing about which
names exist. Callers pass ``now``: the clock is the caller's (tests move it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import SignInThrottle

__all__ = [
    "FIRST_BLOCK",
    "FREE_FAILURES",
    "MAX_BLOCK",
    "Subject",
    "blocked_until",
    "record_failure",
    "record_success",
    "subjects",
]

FREE_FAILURES = {"user": 5, "address": 20}  # an office may share one address among many PCs
FIRST_BLOCK = timedelta(minutes=1)
MAX_BLOCK = timedelta(hours=1)


@dataclass(frozen=True)
class Subject:
    kind: str  # user | address
    key: str  # sha256 hex of kind and value

    @classmethod
    def of(cls, kind: str, value: str) -> Subject:
        return cls(kind, hashlib.sha256(f"{kind}:{value}".encode()).hexdigest())


def subjects(name: str, address: str | None) -> list[Subject]:
    """The subjects one sign-in attempt counts against."""
    found = [Subject.of("user", name.strip().lower())]
    if address:
        found.append(Subject.of("address", address))
    return found


def blocked_until(session: Session, found: Sequence[Subject], now: datetime) -> datetime | None:
    """When the latest block among ``found`` ends, if one is in force at ``now``."""
    ends = [
        row.blocked_until
        for row in session.scalars(
            select(SignInThrottle).where(SignInThrottle.subject.in_([s.key for s in found]))
        )
        if row.blocked_until is not None and row.blocked_until > now
    ]
    return max(ends) if ends else None


def _block(kind: str, failures: int) -> timedelta | None:
    over = failures - FREE_FAILURES[kind]
    if over < 0:
        return None
    return min(FIRST_BLOCK * (1 << min(over, 16)), MAX_BLOCK)


def record_failure(session: Session, found: Sequence[Subject], now: datetime) -> None:
    for subject in found:
        row = session.get(SignInThrottle, subject.key, with_for_update=True)
        if row is None:
            row = SignInThrottle(subject=subject.key, kind=subject.kind, failures=0)
            session.add(row)
        row.failures += 1
        row.last_failure_at = now
        block = _block(subject.kind, row.failures)
        row.blocked_until = now + block if block is not None else None
    session.flush()


def record_success(session: Session, name: str) -> None:
    row = session.get(SignInThrottle, Subject.of("user", name.strip().lower()).key)
    if row is not None:
        session.delete(row)
        session.flush()
