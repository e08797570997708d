"""The document store failing under intake and verification (issue 8, faults).

- The S3 store stopped in the middle of an intake (after some files went up): the intake fails
  with a clear error, no application or document row is written, and what went up before the
  cut is listed as orphans once the store is back; the same packet is then taken in.
- The filesystem store's disk full (a real tmpfs of a few hundred kB, mounted for the test):
  at intake, the packet is refused with "no space left" and nothing is half-written; during
  verification (its evidence picture cannot be written), the stage fails before recording
  anything, and verifying again once space is freed records the outcome once.

Each ends with ``assert_consistent``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.settings import Settings
from flows.stages.verification import start_verification, verify_application
from flows.wiring import Services
from rules.policy import default_policy
from rules.process import Process
from storage.models import Application, Document, Finding
from storage.reconcile import find_orphans, remove_orphans
from storage.store import FileSystemStore, MinioStore
from tests.flows.conftest import forge_kk, submit
from tests.flows.faults import assert_consistent, fill, routings
from tests.outage import relay_to
from verification.errors import StoreUnavailable
from verification.reading.ocr import TesseractEngine
from verification.synthetic.packet import write_packet

TODAY = date(2026, 11, 27)


def _rows(services: Services) -> tuple[int, int]:
    with services.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Application)) or 0,
            session.scalar(select(func.count()).select_from(Document)) or 0,
        )


@pytest.mark.minio
def test_the_store_stopped_in_the_middle_of_ansubmit(
    engine: Engine,
    sessions: sessionmaker[Session],
    process: Process,
    minio_store: MinioStore,
    s3_endpoint: str,
    tmp_path: Path,
) -> None:
    host, port = s3_endpoint.rsplit(":", 1)
    packet = write_packet(tmp_path / "p", seed=4301, kk_form="pdf_text")
    listed = json.loads((packet.folder / "application.json").read_text(encoding="utf-8"))
    first_file = (packet.folder / listed["documents"][0]["file"]).stat().st_size
    with relay_to(host, int(port)) as relay:
        store = MinioStore(
            endpoint=relay.address,
            access_key="testing",
            secret_key="testing",
            bucket=minio_store.bucket,
            region="us-east-1",
            secure=False,
        )
        services = Services(Settings(data_dir=tmp_path), engine, sessions, store, process)
        relay.cut_after(first_file + 8192)  # the first file goes up, then the store is gone
        with pytest.raises(StoreUnavailable, match="document store unreachable"):
            submit(services, packet.folder)
        assert _rows(services) == (0, 0)  # no application, no document row
        relay.restore()
        with sessions() as session:
            left = find_orphans(session, store)
        assert left, "the cut came before any file was stored"
        assert all(o.key.startswith(f"applications/{packet.application_id}/") for o in left)
        assert_consistent(services, orphans_allowed=True)
        with sessions() as session:
            assert len(remove_orphans(session, store)) == len(left)

        app_id = submit(services, packet.folder)  # the same packet, once the store is back
    services = Services(Settings(data_dir=tmp_path), engine, sessions, minio_store, process)
    assert _rows(services) == (1, 3)
    assert app_id
    assert_consistent(services)


def test_a_full_disk_refuses_an_intake_and_fails_a_verification_without_half_writes(
    engine: Engine,
    sessions: sessionmaker[Session],
    process: Process,
    small_disk: Path,
    tmp_path: Path,
) -> None:
    store = FileSystemStore(small_disk / "documents")
    services = Services(Settings(data_dir=tmp_path), engine, sessions, store, process)

    # at intake: there is room for a file or two, not the packet
    packet = write_packet(tmp_path / "p1", seed=4311, kk_form="pdf_text")
    filler = fill(small_disk, leave=64 * 1024)
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        submit(services, packet.folder)
    assert _rows(services) == (0, 0)
    assert not list(small_disk.rglob(".incoming-*"))  # no half-written file
    assert not list(store.list_keys())  # what went up was removed again
    filler.unlink()
    first = submit(services, packet.folder)

    # during verification: the forged KK's evidence picture finds the disk full
    forged_packet = write_packet(tmp_path / "p2", seed=4312, kk_form="pdf_text")
    forge_kk(forged_packet)
    second = submit(services, forged_packet.folder)
    start_verification(services, second)
    filler = fill(small_disk, leave=0)
    verify = {"engine": TesseractEngine(), "policy": default_policy(), "today": TODAY}
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        verify_application(services, second, **verify)  # type: ignore[arg-type]
    with sessions() as session:
        assert session.get_one(Application, second).stage == "verification"
        assert not session.scalar(select(func.count()).select_from(Finding))
    assert routings(services) == {}
    filler.unlink()
    outcome = verify_application(services, second, **verify)  # type: ignore[arg-type]
    assert outcome.stage == "review" and "fraud.pdf.edited" in outcome.finding_codes
    assert routings(services) == {second: 1}
    assert first != second
    assert_consistent(services)
