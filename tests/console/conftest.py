"""Console fixtures: the app over services on each database backend, users of every role,
and signed-in HTTP clients (the real app, the real database; no mocked core)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.app import create_app
from flows.settings import Settings
from flows.wiring import Services
from rules.process import Process
from storage.store import FileSystemStore
from storage.users import add_user
from tests.flows.conftest import cli_env, runner

__all__ = ["cli_env", "runner"]  # the CLI fixtures of tests/flows, for the users commands

PASSWORD = "sandi-rahasia-uji-123"
# One user per role, and a second officer for four-eyes and claim races.
USERS: dict[str, list[str]] = {
    "officer": ["verification_officer"],
    "officer2": ["verification_officer"],
    "vsuper": ["verification_supervisor"],
    "adjudicator": ["adjudicator"],
    "head": ["head_of_office"],
    "bio": ["biometric_operator"],
    "printer": ["printing_operator"],
    "super": ["supervisor"],
    "auditor": ["auditor"],
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def services(
    engine: Engine, sessions: sessionmaker[Session], process: Process, tmp_path: Path
) -> Services:
    store = FileSystemStore(tmp_path / "documents")
    services = Services(Settings(data_dir=tmp_path), engine, sessions, store, process)
    with services.sessions.begin() as session:
        for name, roles in USERS.items():
            add_user(session, name=name, password=PASSWORD, roles=roles, actor="test")
    return services


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return client


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str | None], TestClient]]:
    """``client_for("officer")``: a client signed in as that user (None: anonymous)."""
    made: list[TestClient] = []

    def make(name: str | None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        made.append(client)
        return sign_in(client, name) if name else client

    yield make
    for client in made:
        client.close()


def post(client: TestClient, path: str, data: dict[str, object] | None = None, **kw: object):  # type: ignore[no-untyped-def]
    """POST with the session's CSRF token (read from a page the client may see)."""
    token = csrf_of(client, "/login")
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)  # type: ignore[arg-type]
