"""Flow fixtures: a private data folder per test (CLI), services on each database backend."""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from flows.settings import Settings
from flows.wiring import Services, get_services, get_settings
from rules.process import Process
from storage.intake import submit_packet
from storage.store import FileSystemStore
from verification.media import UploadLimits
from verification.synthetic.kk import kk_page
from verification.synthetic.packet import PacketTruth
from verification.synthetic.tamper import altered_value, covered_value


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """PASPOR_* variables pointing at a temporary data folder (SQLite, fs store)."""
    for name in ("PASPOR_DATABASE_URL", "PASPOR_STORE", "PASPOR_STORE_ROOT", "PASPOR_MODE"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "var"
    monkeypatch.setenv("PASPOR_DATA_DIR", str(data))
    get_settings.cache_clear()
    get_services.cache_clear()
    yield data
    if get_services.cache_info().currsize:
        get_services().engine.dispose()
    get_settings.cache_clear()
    get_services.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def services(
    engine: Engine, sessions: sessionmaker[Session], process: Process, tmp_path: Path
) -> Services:
    store = FileSystemStore(tmp_path / "documents")
    return Services(Settings(data_dir=tmp_path), engine, sessions, store, process)


def submit(services: Services, folder: Path) -> int:
    result = submit_packet(
        folder,
        sessions=services.sessions,
        store=services.store,
        process=services.process,
        limits=UploadLimits(),
        actor="test",
    )
    return result.application_id


def forge_kk(packet: PacketTruth) -> None:
    """Replace the packet's KK PDF with one whose applicant NIK is covered by another
    (``fraud.pdf.edited``, with an evidence picture)."""
    member = packet.family.applicant
    forged = covered_value(
        kk_page(packet.family),
        title="KK",
        old=member.nik,
        new=altered_value(member.nik, random.Random(1)),
    )
    (packet.folder / "kk.pdf").write_bytes(forged)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[str]:
    """One real Prefect server (temporary database) for the whole test session."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry calls
    os.environ.setdefault("DO_NOT_TRACK", "1")
    with prefect_test_harness(server_startup_timeout=90):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of 3 MB mounted for the test: a filesystem that really fills up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; CI and these machines run the tests as root")
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
