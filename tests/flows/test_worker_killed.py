"""A worker killed with SIGKILL in the middle of a batch: a new worker finishes the job.

The worker is a real ``paspor serve --no-server`` process (its flow runs are its children)
against the session's Prefect server and this test's database. It is killed, with every flow
run it started, while applications are being verified; a new worker is started and the
orphaned applications get new runs (``flows.runs.recover``). Every application must end in
the stage its documents lead to, with its routing recorded once, its documents intact and the
audit chain unbroken.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from sqlalchemy import func, select

from flows.runs import DEPLOYMENT, recover, start_run
from flows.stages.verification import ROUTE_STAGE
from flows.wiring import Services, get_services, get_settings
from rules.routing import Route
from storage.audit import verify_chain
from storage.models import Application, AuditEvent, Document, Extraction
from storage.store.base import check_hash
from tests.flows.conftest import submit
from verification.synthetic.packet import write_packet

COUNT = 4


@pytest.fixture
def worker_env(
    prefect_server: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    settings = {
        "PASPOR_DATABASE_URL": db_url,
        "PASPOR_DATA_DIR": str(tmp_path),
        "PASPOR_STORE_ROOT": str(tmp_path / "documents"),
        "PREFECT_LOCAL_STORAGE_PATH": str(tmp_path / "prefect-results"),
        "PREFECT_API_URL": prefect_server,
        "OMP_THREAD_LIMIT": "1",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_services.cache_clear()
    yield {**os.environ, **settings}
    get_settings.cache_clear()
    get_services.cache_clear()


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    paspor = Path(sys.executable).with_name("paspor")
    return subprocess.Popen(
        [str(paspor), "serve", "--no-server", "--no-schedules", "--limit", "2"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes its flow runs too
    )


def _stages(services: Services) -> dict[int, str]:
    with services.sessions() as session:
        return dict(session.execute(select(Application.id, Application.stage)).all())


def _wait_until(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {seconds} s")
        time.sleep(0.5)


def _deployed() -> bool:
    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(DEPLOYMENT)
        except ObjectNotFound:
            return False
    return True


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # once, on the production database
def test_a_killed_worker_loses_nothing(
    worker_env: dict[str, str], services: Services, tmp_path: Path
) -> None:
    ids = [
        submit(services, write_packet(tmp_path / f"p{i}", seed=9000 + i, kk_form="pdf_text").folder)
        for i in range(COUNT)
    ]
    log = tmp_path / "worker.log"
    first = _worker(worker_env, log)
    try:
        _wait_until(_deployed, 120, "the worker to register the deployment")
        for app_id in ids:
            start_run(services, app_id)
        # kill it once the first application is verified and others are still on the way
        _wait_until(
            lambda: any(s not in ("intake", "verification") for s in _stages(services).values()),
            300,
            "a first routing",
        )
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    unfinished = [a for a, s in _stages(services).items() if s in ("intake", "verification")]
    assert unfinished, "the kill came too late to interrupt anything"

    second = _worker(worker_env, log)
    try:
        restarted = recover(services, stale_after=timedelta(0))  # the killed runs are orphans
        # runs that were running when killed are restarted; runs still scheduled are left to
        # the new worker, which picks them up
        assert set(restarted) & set(unfinished)
        _wait_until(
            lambda: not any(s in ("intake", "verification") for s in _stages(services).values()),
            400,
            "every routing",
        )
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)

    with services.sessions() as session:
        routings = session.execute(
            select(AuditEvent.application_id, AuditEvent.payload).where(
                AuditEvent.action == "verification.routed"
            )
        ).all()
        per_document = session.execute(
            select(Extraction.document_id, func.count()).group_by(Extraction.document_id)
        ).all()
        documents = session.scalars(select(Document).where(Document.status == "stored")).all()
        assert verify_chain(session).ok
    assert sorted(a for a, _ in routings) == sorted(ids)  # each routing recorded exactly once
    stages = _stages(services)
    for app_id, payload in routings:  # and each application where its routing sent it
        assert stages[app_id] == ROUTE_STAGE[Route(payload["route"])]
    assert all(count == 1 for _, count in per_document)  # no document read twice
    assert len(documents) == 3 * COUNT
    for doc in documents:  # every stored file is there, with its own hash
        assert doc.object_key is not None
        check_hash(doc.object_key, services.store.get(doc.object_key))
