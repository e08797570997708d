"""The database or the document store away while the flow runs (issue 6, reliability).

Both servers are real (PostgreSQL, and moto's S3 server for the MinIO client) and stay up; a
relay between them and the flow runs (``tests.outage``) is cut and restored, so the flow sees
reset connections and refused ones, as when a server restarts or the network drops.

- The database away for the first seconds of a run: its tasks retry (after 2 s, 10 s, 30 s)
  and the application is routed as if nothing happened.
- The store away for longer than the retries: the run fails, visibly (Prefect state Failed),
  in the stage it was in, with nothing of its verification written; once the store is back,
  ``recover`` starts a new run that finishes the job, and every routing is recorded once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.runs import recover, start_run
from flows.serving import serving
from flows.settings import Settings
from flows.wiring import Services, get_services, get_settings
from rules.process import Process
from storage.audit import verify_chain
from storage.models import Application, AuditEvent, Document, Finding
from storage.store import MinioStore
from storage.store.base import check_hash
from tests.flows.conftest import submit
from tests.outage import Relay, relay_to
from verification.synthetic.packet import write_packet

pytestmark = [pytest.mark.postgres, pytest.mark.minio]


def _via(url: str, relay: Relay) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}@{relay.address}" if parts.username else relay.address
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture
def relays(db_url: str, s3_endpoint: str) -> Iterator[tuple[Relay, Relay]]:
    db = urlsplit(db_url)
    s3_host, s3_port = s3_endpoint.rsplit(":", 1)
    with (
        relay_to(db.hostname or "127.0.0.1", db.port or 5432) as database,
        relay_to(s3_host, int(s3_port)) as store,
    ):
        yield database, store


@pytest.fixture
def flow_services(
    prefect_server: str,
    engine: Engine,
    sessions: sessionmaker[Session],
    process: Process,
    minio_store: MinioStore,
    db_url: str,
    relays: tuple[Relay, Relay],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Services]:
    """The test talks to the servers directly; the flow runs (the runner's subprocesses) go
    through the relays."""
    database, store = relays
    for name, value in {
        "PASPOR_DATABASE_URL": _via(db_url, database),
        "PASPOR_DATA_DIR": str(tmp_path),
        "PASPOR_STORE": "minio",
        "PASPOR_MINIO_ENDPOINT": store.address,
        "PASPOR_MINIO_ACCESS_KEY": "testing",
        "PASPOR_MINIO_SECRET_KEY": "testing",
        "PASPOR_MINIO_BUCKET": minio_store.bucket,
        "PASPOR_MINIO_REGION": "us-east-1",
        "PREFECT_LOCAL_STORAGE_PATH": str(tmp_path / "prefect-results"),
        "OMP_THREAD_LIMIT": "1",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_services.cache_clear()
    with serving(limit=1, poll_seconds=0.5, schedules=False):
        yield Services(Settings(data_dir=tmp_path), engine, sessions, minio_store, process)
    get_settings.cache_clear()
    get_services.cache_clear()


def _run(run_id: UUID) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def _wait(run_id: UUID, states: tuple[str, ...], seconds: float) -> FlowRun:
    deadline = time.monotonic() + seconds
    while True:
        run = _run(run_id)
        name = run.state.name if run.state else None
        if name in states:
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"flow run still {name} after {seconds} s, not {states}")
        time.sleep(0.5)


def _retried_tasks(run_id: UUID) -> set[str]:
    """Names of the run's task runs (subflows' included) that ran more than once."""
    with get_client(sync_client=True) as client:
        runs = [run_id] + [
            r.id
            for r in client.read_flow_runs(
                flow_run_filter=FlowRunFilter(parent_flow_run_id={"any_": [run_id]})  # type: ignore[arg-type]
            )
        ]
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=runs)))
    return {t.name.rsplit("-", 1)[0] for t in tasks if t.run_count > 1}


def _routed(services: Services, app_id: int) -> int:
    with services.sessions() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.application_id == app_id, AuditEvent.action == "verification.routed"
                )
            )
            or 0
        )


def _stage(services: Services, app_id: int) -> str:
    with services.sessions() as session:
        return session.get_one(Application, app_id).stage


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_outages_are_retried_or_fail_visibly_and_lose_nothing(
    flow_services: Services, relays: tuple[Relay, Relay], tmp_path: Path
) -> None:
    services = flow_services
    database, store = relays

    # the database away for the first seconds of the run: retried, routed as usual
    first = submit(services, write_packet(tmp_path / "a", seed=4101, kk_form="pdf_text").folder)
    database.cut()
    run = start_run(services, first)
    _wait(run, ("Running",), 120)
    time.sleep(4)  # its first task fails, and its first retry 2 s later
    database.restore()
    _wait(run, ("Suspended", "Paused"), 300)
    assert _stage(services, first) == "approval"
    assert "record-flow-run" in _retried_tasks(run)
    assert _routed(services, first) == 1

    # the store away for good: the verification task retries, then the run fails in the
    # stage it was in, with no finding, routing or task of this round written
    second = submit(services, write_packet(tmp_path / "b", seed=4102, kk_form="pdf_text").folder)
    store.cut()
    failed = start_run(services, second)
    _wait(failed, ("Failed",), 300)
    assert "verify" in _retried_tasks(failed)
    assert _stage(services, second) == "verification"
    assert _routed(services, second) == 0
    with services.sessions() as session:
        assert not session.scalar(
            select(func.count()).select_from(Finding).where(Finding.application_id == second)
        )

    # the store back: a new run finishes the job; each routing is recorded once
    store.restore()
    assert recover(services, only=[second]) == [second]
    with services.sessions() as session:
        rerun = UUID(session.get_one(Application, second).flow_run_id or "")
    _wait(rerun, ("Suspended", "Paused"), 300)
    assert _stage(services, second) == "approval"
    assert _routed(services, first) == _routed(services, second) == 1
    with services.sessions() as session:
        assert verify_chain(session).ok
        documents = session.scalars(select(Document).where(Document.status == "stored")).all()
    assert len(documents) == 6
    for doc in documents:  # every stored file is there, with its own hash
        assert doc.object_key is not None
        check_hash(doc.object_key, services.store.get(doc.object_key))
