"""Shared fixtures: databases on SQLite and PostgreSQL, document stores on disk and on S3.

PostgreSQL is the server on 127.0.0.1:5432 (trust auth); each test gets a database of its own.
The MinIO backend runs the real ``minio`` client against moto's S3 server started here on
127.0.0.1. Neither is optional: a missing PostgreSQL fails the run with the reason, unless
PASPOR_TEST_SKIP_POSTGRES=1 says to skip those cases on a machine without one.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from rules.process import Process, default_process
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.store import FileSystemStore, MinioStore

ADMIN_URL = os.environ.get(
    "PASPOR_TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_admin() -> Engine:
    if os.environ.get("PASPOR_TEST_SKIP_POSTGRES") == "1":
        pytest.skip("PASPOR_TEST_SKIP_POSTGRES=1: PostgreSQL cases skipped on request")
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {engine.url.render_as_string(hide_password=True)} "
            f"({type(exc).__name__}); start it (see README) or set PASPOR_TEST_SKIP_POSTGRES=1",
            pytrace=False,
        )
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'paspor.db'}"
        return
    admin = _postgres_admin()
    name = f"paspor_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database on each backend."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def process() -> Process:
    return default_process()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server on 127.0.0.1, for the real minio client."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def minio_store(s3_endpoint: str) -> MinioStore:
    return MinioStore(
        endpoint=s3_endpoint,
        access_key="testing",
        secret_key="testing",
        bucket=f"paspor-{uuid.uuid4().hex[:10]}",
        region="us-east-1",
    )


@pytest.fixture
def fs_store(tmp_path: Path) -> FileSystemStore:
    return FileSystemStore(tmp_path / "documents")


@pytest.fixture(params=["fs", pytest.param("minio", marks=pytest.mark.minio)])
def store(request: pytest.FixtureRequest) -> FileSystemStore | MinioStore:
    """Each document store backend in turn."""
    name = "fs_store" if request.param == "fs" else "minio_store"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
