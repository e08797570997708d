"""Intake of packets: what is stored, what is refused, and nothing half-written on failure."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import storage.intake
from rules.process import Process
from storage.applications import audit_trail, get_application
from storage.audit import verify_chain
from storage.documents import list_documents
from storage.intake import IntakeResult, load_packet, submit_packet
from storage.models import Application, Document
from storage.reconcile import find_orphans, remove_orphans
from storage.store import DocumentStore, sha256_hex
from tests.factories import jpeg_bytes, packet_json, pdf_bytes, png_bytes, png_header, write_packet
from verification.errors import AlreadyExists, PacketInvalid, StoreUnavailable
from verification.media import UploadLimits

LIMITS = UploadLimits(max_bytes=2 * 1024 * 1024, max_pixels=25_000_000)


def _submit(
    packet: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> IntakeResult:
    return submit_packet(
        packet, sessions=sessions, store=store, process=process, limits=LIMITS, actor="tester"
    )


def _counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Application)) or 0,
            session.scalar(select(func.count()).select_from(Document)) or 0,
        )


def test_valid_packet_is_stored(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    packet = write_packet(tmp_path / "p")
    result = _submit(packet, sessions, store, process)
    assert result.number == "APP-2026-000123" and result.stage == "intake"
    assert [(d.doc_type, d.status, d.media_type) for d in result.documents] == [
        ("ktp", "stored", "image/jpeg"),
        ("kk", "stored", "application/pdf"),
        ("akta_kelahiran", "stored", "image/png"),
    ]
    with sessions() as session:
        app = get_application(session, number=result.number)
        assert app.form["nama"] == "SITI AMINAH" and app.form["tanggal_lahir"] == "1990-08-05"
        docs = list_documents(session, application_id=app.id)
        for doc in docs:
            original = (packet / doc.original_name).read_bytes()
            assert doc.sha256 == sha256_hex(original) and doc.size == len(original)
            assert doc.object_key == f"applications/APP-2026-000123/{doc.doc_type}/{doc.sha256}"
            assert store.get(doc.object_key) == original
        actions = [e.action for e in audit_trail(session, application_id=app.id)]
        assert actions == ["application.created"] + ["document.stored"] * 3
        assert verify_chain(session).ok


def test_missing_and_unreadable_files_are_recorded(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    packet = write_packet(tmp_path / "p", files={"ktp.jpg": jpeg_bytes()})
    (packet / "akta.png").mkdir()  # present but not a readable file
    result = _submit(packet, sessions, store, process)
    statuses = {d.doc_type: (d.status, d.reason) for d in result.documents}
    assert statuses == {
        "ktp": ("stored", None),
        "kk": ("missing", "file is not in the packet"),
        "akta_kelahiran": ("error", "not a regular file"),
    }
    with sessions() as session:
        app = get_application(session, number=result.number)
        rows = {d.doc_type: d.status for d in list_documents(session, application_id=app.id)}
    assert rows == {"ktp": "stored", "kk": "missing", "akta_kelahiran": "error"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body>not a pdf</body></html>", "not a JPEG, PNG or PDF"),
        (b"", "file is empty"),
        (b"GIF89a......", "not a JPEG, PNG or PDF"),
        (png_header(30000, 30000), "declares 30000x30000 pixels"),
        (b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), "the limit is 2 MB"),
    ],
    ids=["html-as-pdf", "empty", "gif", "decompression-bomb", "too-large"],
)
def test_refused_uploads_keep_the_application(
    tmp_path: Path,
    sessions: sessionmaker[Session],
    store: DocumentStore,
    process: Process,
    data: bytes,
    reason: str,
) -> None:
    packet = write_packet(
        tmp_path / "p", files={"ktp.jpg": jpeg_bytes(), "kk.pdf": data, "akta.png": png_bytes()}
    )
    result = _submit(packet, sessions, store, process)
    kk = next(d for d in result.documents if d.doc_type == "kk")
    assert kk.status == "refused" and kk.reason is not None and reason in kk.reason
    assert kk.object_key is None
    assert _counts(sessions) == (1, 3)
    assert len(list(store.list_keys("applications/"))) == 2


def test_type_is_sniffed_not_taken_from_the_name(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    packet = write_packet(
        tmp_path / "p",
        files={"ktp.jpg": png_bytes(), "kk.pdf": pdf_bytes(), "akta.png": jpeg_bytes()},
    )
    result = _submit(packet, sessions, store, process)
    assert {d.doc_type: d.media_type for d in result.documents} == {
        "ktp": "image/png",
        "kk": "application/pdf",
        "akta_kelahiran": "image/jpeg",
    }


def test_malformed_packet_lists_every_problem_and_stores_nothing(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    bad = packet_json(number="APP-26-1", category="tourist")
    bad["applicant"]["nik"] = "12345"
    bad["applicant"]["jenis_kelamin"] = "P"
    bad["documents"].append({"type": "ktp", "file": "../../etc/passwd"})
    packet = write_packet(tmp_path / "p", packet=bad)
    with pytest.raises(PacketInvalid) as caught:
        _submit(packet, sessions, store, process)
    fields = [p.field for p in caught.value.problems]
    assert fields == [
        "application_id",
        "category",
        "applicant.nik",
        "applicant.jenis_kelamin",
        "documents[3].file",
    ]
    assert "12345" not in str(caught.value)  # submitted values never echo back
    assert _counts(sessions) == (0, 0)
    assert list(store.list_keys()) == []


def test_resubmitting_keeps_what_is_stored(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    packet = write_packet(tmp_path / "p")
    _submit(packet, sessions, store, process)
    with pytest.raises(AlreadyExists, match="APP-2026-000123 is already stored"):
        _submit(packet, sessions, store, process)
    assert _counts(sessions) == (1, 3)
    assert len(list(store.list_keys("applications/"))) == 3


def test_database_failure_after_storing_files_leaves_nothing_behind(
    tmp_path: Path,
    sessions: sessionmaker[Session],
    store: DocumentStore,
    process: Process,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database fails after the files were stored: no application, no orphan objects."""
    real = storage.intake.add_document
    calls = {"n": 0}

    def failing_add_document(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("database connection lost")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(storage.intake, "add_document", failing_add_document)
    with pytest.raises(RuntimeError, match="connection lost"):
        _submit(write_packet(tmp_path / "p"), sessions, store, process)
    assert _counts(sessions) == (0, 0)
    assert list(store.list_keys()) == []
    with sessions() as session:
        assert verify_chain(session).ok


def test_orphans_left_when_the_store_fails_too_are_accounted_for(
    tmp_path: Path,
    sessions: sessionmaker[Session],
    fs_store: DocumentStore,
    process: Process,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lost_database(*args: object, **kwargs: object) -> object:
        raise RuntimeError("database connection lost")

    def store_gone(key: str) -> None:
        raise StoreUnavailable("document store unreachable")

    monkeypatch.setattr(storage.intake, "create_application", lost_database)
    monkeypatch.setattr(fs_store, "delete", store_gone)
    with pytest.raises(RuntimeError):
        _submit(write_packet(tmp_path / "p"), sessions, fs_store, process)
    monkeypatch.undo()
    with sessions() as session:
        orphans = find_orphans(session, fs_store)
        assert len(orphans) == 3
        assert {o.key.split("/")[2] for o in orphans} == {"ktp", "kk", "akta_kelahiran"}
        assert len(remove_orphans(session, fs_store)) == 3
        assert find_orphans(session, fs_store) == []


def test_store_failure_during_intake_stores_nothing(
    tmp_path: Path,
    sessions: sessionmaker[Session],
    fs_store: DocumentStore,
    process: Process,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_put = fs_store.put
    calls = {"n": 0}

    def flaky_put(key: str, data: bytes, *, media_type: str) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreUnavailable("document store cannot write: No space left on device")
        return real_put(key, data, media_type=media_type)

    monkeypatch.setattr(fs_store, "put", flaky_put)
    with pytest.raises(StoreUnavailable):
        _submit(write_packet(tmp_path / "p"), sessions, fs_store, process)
    assert _counts(sessions) == (0, 0)
    assert list(fs_store.list_keys()) == []


def test_missing_application_json(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(PacketInvalid, match=r"application\.json: is missing"):
        _submit(tmp_path / "empty", sessions, store, process)
    with pytest.raises(PacketInvalid, match="is not a folder"):
        _submit(tmp_path / "nowhere", sessions, store, process)


@pytest.mark.parametrize("kind", ["link_out", "fifo", "dev_zero", "loop"])
def test_application_json_must_be_a_regular_file_inside(tmp_path: Path, kind: str) -> None:
    # Before: a link to /dev/zero or a FIFO was read without end; a link out was read.
    (tmp_path / "outside.json").write_text(json.dumps(packet_json()))
    folder = tmp_path / "p"
    folder.mkdir()
    target = folder / "application.json"
    make = {
        "link_out": lambda: target.symlink_to(tmp_path / "outside.json"),
        "fifo": lambda: os.mkfifo(target),
        "dev_zero": lambda: target.symlink_to("/dev/zero"),
        "loop": lambda: target.symlink_to("application.json"),
    }
    make[kind]()
    with pytest.raises(
        PacketInvalid, match=r"application\.json: (lies outside|is not a regular|cannot be read)"
    ):
        load_packet(folder)


def test_a_symlink_loop_is_an_error_of_that_file(
    tmp_path: Path, sessions: sessionmaker[Session], store: DocumentStore, process: Process
) -> None:
    # Before: Path.resolve raised RuntimeError and the whole intake failed.
    raw = packet_json()
    raw["documents"][0]["file"] = "loop.jpg"
    packet = write_packet(tmp_path / "p", raw)
    (packet / "loop.jpg").symlink_to("loop.jpg")
    result = _submit(packet, sessions, store, process)
    assert (result.documents[0].status, result.documents[0].reason) == (
        "error",
        "cannot be read (symlink loop)",
    )
