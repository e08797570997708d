"""Sign-in throttling: per user name and per client address, stored in the database, the same
for names that exist and names that do not (real app, real database; the clock is moved by
passing ``now`` to the storage functions)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flows.wiring import Services
from storage.models import AuditEvent, SignInThrottle
from storage.throttle import (
    FIRST_BLOCK,
    FREE_FAILURES,
    MAX_BLOCK,
    blocked_until,
    record_failure,
    record_success,
    subjects,
)
from tests.console.conftest import PASSWORD, csrf_of

Clients = Callable[[str | None], TestClient]
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_failures_block_a_name_for_a_doubling_time_and_success_clears_it(
    sessions: sessionmaker[Session],
) -> None:
    mallory = subjects("Officer ", "10.0.0.9")
    with sessions.begin() as session:
        for i in range(FREE_FAILURES["user"] - 1):
            record_failure(session, mallory, T0 + timedelta(seconds=i))
        assert blocked_until(session, mallory, T0) is None  # four are free
        record_failure(session, mallory, T0)
        assert blocked_until(session, mallory, T0) == T0 + FIRST_BLOCK
        assert blocked_until(session, mallory, T0 + FIRST_BLOCK) is None  # it expires
        record_failure(session, mallory, T0 + FIRST_BLOCK)
        assert blocked_until(session, mallory, T0 + FIRST_BLOCK) == T0 + 3 * FIRST_BLOCK
        for _ in range(20):
            record_failure(session, mallory, T0)
        assert blocked_until(session, mallory, T0) == T0 + MAX_BLOCK  # never more than this
        record_success(session, "officer")  # the name's count goes, the address's stays
        assert blocked_until(session, subjects("officer", None), T0) is None
        assert blocked_until(session, mallory, T0) == T0 + MAX_BLOCK
        stored = " ".join(row.subject for row in session.scalars(select(SignInThrottle)))
    assert "officer" not in stored and "10.0.0.9" not in stored  # hashes only


def test_one_address_guessing_many_names_is_blocked(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for i in range(FREE_FAILURES["address"]):
            record_failure(session, subjects(f"user{i}", "10.0.0.7"), T0)
        assert blocked_until(session, subjects("someone-new", "10.0.0.7"), T0) is not None
        assert blocked_until(session, subjects("someone-new", "10.0.0.8"), T0) is None


def _attempt(client: TestClient, name: str, password: str) -> int:
    token = csrf_of(client)
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token})
    return response.status_code


def test_the_console_refuses_even_the_right_password_while_blocked(
    services: Services, client_for: Clients
) -> None:
    client = client_for(None)
    wrong = "x" * 12
    for name in ("officer", "nobody"):  # an existing and an unknown name alike
        codes = [_attempt(client, name, wrong) for _ in range(FREE_FAILURES["user"])]
        assert codes == [401] * FREE_FAILURES["user"]
        assert _attempt(client, name, wrong) == 429
    blocked = client.post(
        "/login",
        data={"name": "officer", "password": PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert blocked.status_code == 429 and "Terlalu banyak percobaan" in blocked.text
    assert "session" not in blocked.cookies or "user" not in blocked.text
    assert client.get("/review").status_code == 303  # not signed in
    # another officer at the same counter is not locked out by this
    assert _attempt(client_for(None), "officer2", PASSWORD) == 303
    with services.sessions() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("user.sign_in_throttled") == 3
    assert actions.count("user.sign_in_refused") == 2 * FREE_FAILURES["user"]
