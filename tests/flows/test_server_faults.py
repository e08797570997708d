"""Servers restarted under a running batch (issue 8, faults).

- PostgreSQL restarted for real (``pg_ctl restart -m immediate``: every connection cut, crash
  recovery), every 3 s from the first routing on, while a worker verifies a batch, on a
  cluster of the test's own so the shared server is not disturbed. Tasks retry database
  errors after 2, 10 and 30 s; a run that still fails is restarted by ``recover``, as the
  maintenance flow would.
- The Prefect server stopped and started again (same database) while one run is suspended
  waiting for its adjudicator and others are running or queued, with a real worker process
  (``paspor serve --no-server``) attached. The suspended run is resumed after the restart.

Each ends with ``assert_consistent`` and with every application where its documents lead.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import select

from flows.demo import approve_clean
from flows.runs import recover, start_run
from flows.serving import healthy, prefect_server_process, serving
from flows.wiring import Services
from storage.models import Application
from tests.flows.conftest import submit
from tests.flows.faults import (
    PrivatePostgres,
    assert_consistent,
    deployed,
    flow_env,
    private_postgres,
    routings,
    stages,
    wait_until,
    worker,
)
from verification.synthetic.packet import write_packet

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

FINAL_STATES = ("Completed", "Failed", "Crashed", "Cancelled")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _state(run_id: str | None) -> str | None:
    if run_id is None:
        return None
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(run_id))
    return run.state.name if run.state else None


def _runs(services: Services) -> dict[int, str | None]:
    with services.sessions() as session:
        return dict(session.execute(select(Application.id, Application.flow_run_id)).all())


def _unrouted(services: Services, ids: list[int]) -> list[int]:
    done = routings(services)
    return [app_id for app_id in ids if app_id not in done]


def _finish(services: Services, ids: list[int], seconds: float) -> list[int]:
    """Wait until each of ``ids`` is routed, restarting (``recover``) those whose run ended
    without routing it; the ids that needed a restart."""
    restarted: list[int] = []
    deadline = time.monotonic() + seconds
    while pending := _unrouted(services, ids):
        runs = _runs(services)
        ended = [a for a in pending if _state(runs[a]) in FINAL_STATES and a not in restarted]
        if ended:
            restarted += recover(services, only=ended)
        if time.monotonic() > deadline:
            states = {a: _state(runs[a]) for a in pending}
            raise AssertionError(f"not routed after {seconds} s: {states}")
        time.sleep(1)
    return restarted


@pytest.fixture
def pg() -> Iterator[PrivatePostgres]:
    with private_postgres(_free_port()) as server:
        yield server


@pytest.fixture
def db_url(pg: PrivatePostgres) -> str:
    """Overrides the shared fixture: this module's database is the private cluster."""
    return pg.url


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    with flow_env(monkeypatch, db_url, tmp_path) as variables:
        yield variables


def test_postgres_restarted_during_a_batch(
    prefect_server: str, env: dict[str, str], services: Services, pg: PrivatePostgres
) -> None:
    folder = services.settings.data_dir  # the services' store is the env's store root
    ids = [
        submit(services, write_packet(folder / f"p{i}", seed=4400 + i, kk_form="pdf_text").folder)
        for i in range(4)
    ]
    with serving(limit=2, poll_seconds=0.5, schedules=False):
        for app_id in ids:
            start_run(services, app_id)
        wait_until(lambda: bool(routings(services)), 300, "a first routing")
        assert _unrouted(services, ids), "the restart came too late to interrupt anything"
        restarts = 0
        while _unrouted(services, ids) and restarts < 6:  # again and again, to hit writes
            pg.restart()
            restarts += 1
            time.sleep(3)
        restarted = _finish(services, ids, 600)
    print(f"{restarts} PostgreSQL restarts; applications restarted by recover: {restarted}")
    assert set(stages(services).values()) == {"approval"}
    assert_consistent(services)


def test_prefect_server_restarted_with_runs_suspended_and_running(
    env: dict[str, str], services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    home = tmp_path / "prefect"
    home.mkdir()
    env = {**env, "PREFECT_API_URL": url}
    monkeypatch.setenv("PREFECT_API_URL", url)
    ids = [
        submit(services, write_packet(tmp_path / f"p{i}", seed=4500 + i, kk_form="pdf_text").folder)
        for i in range(3)
    ]
    with services.sessions() as session:
        first_number = session.get_one(Application, ids[0]).number
    with ExitStack() as stack, temporary_settings(updates={PREFECT_API_URL: url}):
        server = ExitStack()
        server.enter_context(prefect_server_process(home, port, url, 120))
        stack.callback(lambda: server.close())
        log = tmp_path / "worker.log"
        running = worker(env, log, limit=1)
        stack.callback(lambda: (running.terminate(), running.wait(60)))
        wait_until(deployed, 120, "the worker to register the deployment")

        first = ids[0]
        start_run(services, first)
        wait_until(lambda: stages(services)[first] == "approval", 300, "the first routing")
        wait_until(lambda: _state(_runs(services)[first]) == "Suspended", 60, "its suspension")
        for app_id in ids[1:]:
            start_run(services, app_id)
        wait_until(lambda: _state(_runs(services)[ids[1]]) == "Running", 120, "a running run")

        server.close()  # the Prefect server goes away: one run suspended, one running
        assert not healthy(url)
        time.sleep(5)
        server = ExitStack()
        server.enter_context(prefect_server_process(home, port, url, 120))

        assert running.poll() is None, f"the worker died with the server; see {log}"
        restarted = _finish(services, ids[1:], 600)
        assert approve_clean(services, [first_number]) == 1  # resumes the suspended run
        wait_until(lambda: stages(services)[first] == "biometrics", 300, "the resumed run")
        print(f"applications restarted by recover after the Prefect restart: {restarted}")
    assert [stages(services)[a] for a in ids] == ["biometrics", "approval", "approval"]
    assert_consistent(services)
