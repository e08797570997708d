"""Helpers of the fault tests: workers as real processes, waiting, and the check that ends each
fault test (``assert_consistent``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from sqlalchemy import func, select

from flows.runs import DEPLOYMENT
from flows.wiring import Services, get_services, get_settings
from storage.integrity import check_integrity
from storage.models import Application, AuditEvent

__all__ = [
    "PrivatePostgres",
    "assert_consistent",
    "deployed",
    "fill",
    "flow_env",
    "private_postgres",
    "routings",
    "stages",
    "wait_until",
    "worker",
]


def worker(env: dict[str, str], log: Path, *, limit: int = 2) -> subprocess.Popen[bytes]:
    """A ``paspor serve --no-server`` worker in its own process group (a kill of the group
    takes its flow runs too)."""
    paspor = Path(sys.executable).with_name("paspor")
    return subprocess.Popen(
        [str(paspor), "serve", "--no-server", "--no-schedules", "--limit", str(limit)],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def deployed() -> bool:
    """Whether a worker has registered the application flow's deployment."""
    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(DEPLOYMENT)
        except ObjectNotFound:
            return False
    return True


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {seconds} s")
        time.sleep(0.5)


def stages(services: Services) -> dict[int, str]:
    with services.sessions() as session:
        return dict(session.execute(select(Application.id, Application.stage)).all())


def routings(services: Services) -> dict[int, int]:
    """How many times each application's verification routing was recorded."""
    with services.sessions() as session:
        rows = session.execute(
            select(AuditEvent.application_id, func.count())
            .where(AuditEvent.action == "verification.routed")
            .group_by(AuditEvent.application_id)
        ).all()
    return {app_id: count for app_id, count in rows}


def assert_consistent(services: Services, *, orphans_allowed: bool = False) -> None:
    """What every fault test ends with: each application in a stage consistent with its
    history and tasks, every stored file present with its hash, the audit chain intact, no
    passport number on two books, and no verification routing recorded twice."""
    with services.sessions() as session:
        report = check_integrity(session, services.store, services.process)
    assert report.ok, (report.problems, report.chain.problems)
    assert orphans_allowed or not report.orphans, report.orphans
    twice = {app_id: n for app_id, n in routings(services).items() if n > 1}
    assert not twice, f"routed more than once: {twice}"


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb in a temporary folder, its own port),
    so the test can restart the server for real without disturbing the shared one."""

    def __init__(self, folder: Path, port: int) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if os.geteuid() != 0 or not bins:
            pytest.skip("a private PostgreSQL cluster needs root and the postgresql package")
        self.bin, self.folder, self.port = bins[-1], folder, port
        self.data = folder / "data"
        shutil.chown(folder, "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _as_postgres(self, tool: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            "pg_ctl", action, "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
            "-o", options, *args,
        )  # fmt: skip

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        """As after a crash: every connection is cut, the server recovers from its log."""
        self._ctl("restart", "-m", "immediate")

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")


@contextlib.contextmanager
def private_postgres(port: int) -> Iterator[PrivatePostgres]:
    folder = Path(tempfile.mkdtemp(prefix="paspor-pg-"))  # postgres must reach it
    folder.chmod(0o755)
    server = PrivatePostgres(folder, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` until ``leave`` bytes are free; the filler file is returned."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    filler.write_bytes(b"\0" * max(stat.f_bavail * stat.f_frsize - leave, 0))
    return filler


@contextlib.contextmanager
def flow_env(
    monkeypatch: pytest.MonkeyPatch, db_url: str, folder: Path, **extra: str
) -> Iterator[dict[str, str]]:
    """PASPOR_* and Prefect variables for this process and the worker processes it starts
    (database ``db_url``, data and store under ``folder``); the full environment to pass."""
    settings = {
        "PASPOR_DATABASE_URL": db_url,
        "PASPOR_DATA_DIR": str(folder),
        "PASPOR_STORE_ROOT": str(folder / "documents"),
        "PREFECT_LOCAL_STORAGE_PATH": str(folder / "prefect-results"),
        "OMP_THREAD_LIMIT": "1",
        **extra,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_services.cache_clear()
    try:
        yield {**os.environ, **settings}
    finally:
        if get_services.cache_info().currsize:
            get_services().engine.dispose()
        get_settings.cache_clear()
        get_services.cache_clear()
