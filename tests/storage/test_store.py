"""Both document stores: content-addressed keys, idempotent puts, verified reads."""

from __future__ import annotations

import os
import tempfile
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.store import (
    DocumentStore,
    FileSystemStore,
    MinioStore,
    document_key,
    parse_key,
    sha256_hex,
)
from verification.errors import IntegrityError, InvalidKey, NotFound, StoreUnavailable

DATA = b"%PDF-1.4 synthetic kartu keluarga"
KEY = document_key("APP-2026-000001", "kk", sha256_hex(DATA))


def test_put_get_round_trip(store: DocumentStore) -> None:
    assert store.put(KEY, DATA, media_type="application/pdf").created
    assert store.get(KEY) == DATA
    assert store.exists(KEY)


def test_put_is_idempotent(store: DocumentStore) -> None:
    store.put(KEY, DATA, media_type="application/pdf")
    again = store.put(KEY, DATA, media_type="application/pdf")
    assert again.key == KEY and not again.created
    assert [o.key for o in store.list_keys("applications/")] == [KEY]


def test_bytes_must_match_the_key(store: DocumentStore) -> None:
    with pytest.raises(IntegrityError, match="hash differs"):
        store.put(KEY, DATA + b"x", media_type="application/pdf")
    assert not store.exists(KEY)


def test_missing_object(store: DocumentStore) -> None:
    with pytest.raises(NotFound):
        store.get(KEY)
    store.delete(KEY)  # deleting what is not there is fine
    assert not store.exists(KEY)


def test_delete_and_list(store: DocumentStore) -> None:
    other = b"\x89PNG\r\n\x1a\n synthetic akta"
    other_key = document_key("APP-2026-000002", "akta_kelahiran", sha256_hex(other))
    store.put(KEY, DATA, media_type="application/pdf")
    store.put(other_key, other, media_type="image/png")
    listed = {o.key: o.size for o in store.list_keys("applications/")}
    assert listed == {KEY: len(DATA), other_key: len(other)}
    assert [o.key for o in store.list_keys("applications/APP-2026-000002/")] == [other_key]
    store.delete(KEY)
    assert [o.key for o in store.list_keys()] == [other_key]


@pytest.mark.parametrize(
    "key",
    [
        "applications/../../etc/passwd",
        "/etc/passwd",
        "applications/APP-2026-000001/kk/" + "A" * 64,
        "applications/APP-2026-000001/../" + "a" * 64,
        "applications/APP-2026-000001/kk/\x00" + "a" * 63,
    ],
)
def test_malformed_keys_never_reach_the_backend(store: DocumentStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.get(key)
    with pytest.raises(InvalidKey):
        store.put(key, DATA, media_type="application/pdf")


@pytest.mark.parametrize(
    ("application", "doc_type"),
    [("APP-2026-1", "ktp"), ("APP-2026-000001", "../ktp"), ("APP-2026-000001", "KTP")],
)
def test_document_key_refuses_bad_parts(application: str, doc_type: str) -> None:
    with pytest.raises(InvalidKey):
        document_key(application, doc_type, "a" * 64)


def test_parse_key() -> None:
    assert parse_key(KEY) == ("APP-2026-000001", "kk", sha256_hex(DATA))


def test_fs_read_detects_corruption(fs_store: FileSystemStore) -> None:
    fs_store.put(KEY, DATA, media_type="application/pdf")
    (fs_store.root / KEY).write_bytes(b"tampered")
    with pytest.raises(IntegrityError, match="not its own"):
        fs_store.get(KEY)
    # a put of the good bytes repairs the damaged copy
    assert fs_store.put(KEY, DATA, media_type="application/pdf").created
    assert fs_store.get(KEY) == DATA


def test_fs_leaves_no_partial_files(fs_store: FileSystemStore) -> None:
    fs_store.put(KEY, DATA, media_type="application/pdf")
    names = [p.name for p in (fs_store.root / KEY).parent.iterdir()]
    assert names == [KEY.rsplit("/", 1)[1]]


def test_fs_has_no_presigned_urls(fs_store: FileSystemStore) -> None:
    assert fs_store.presigned_url(KEY, expires=timedelta(minutes=5)) is None


def test_fs_full_disk_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes that hit a full device (Linux's /dev/full) raise the retryable StoreUnavailable."""
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("/dev/full is not available on this machine")
    store = FileSystemStore(tmp_path / "docs")
    real = tempfile.mkstemp

    def on_full_device(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real(*args, **kwargs)
        os.close(fd)
        return os.open(full, os.O_WRONLY), name

    monkeypatch.setattr(tempfile, "mkstemp", on_full_device)
    with pytest.raises(StoreUnavailable, match="cannot write"):
        store.put(KEY, DATA, media_type="application/pdf")
    monkeypatch.undo()
    assert not store.exists(KEY)
    assert list(store.list_keys()) == []


@pytest.mark.minio
def test_minio_creates_bucket_on_first_use(minio_store: MinioStore) -> None:
    assert not minio_store.client.bucket_exists(minio_store.bucket)
    minio_store.put(KEY, DATA, media_type="application/pdf")
    assert minio_store.client.bucket_exists(minio_store.bucket)
    stat = minio_store.client.stat_object(minio_store.bucket, KEY)
    assert stat.content_type == "application/pdf"


@pytest.mark.minio
def test_minio_read_detects_corruption(minio_store: MinioStore) -> None:
    import io

    minio_store.put(KEY, DATA, media_type="application/pdf")
    minio_store.client.put_object(minio_store.bucket, KEY, io.BytesIO(b"tampered"), 8)
    with pytest.raises(IntegrityError):
        minio_store.get(KEY)


@pytest.mark.minio
def test_minio_presigned_url_serves_the_bytes(minio_store: MinioStore) -> None:
    minio_store.put(KEY, DATA, media_type="application/pdf")
    url = minio_store.presigned_url(KEY, expires=timedelta(minutes=5))
    assert url is not None and url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == DATA


@pytest.mark.minio
def test_minio_unreachable_is_retryable_unavailable() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    store = MinioStore(
        endpoint=f"127.0.0.1:{port}",
        access_key="k",
        secret_key="s",
        bucket="paspor-unreachable",
        region="us-east-1",
        timeout_seconds=1,
        retries=0,
    )
    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.put(KEY, DATA, media_type="application/pdf")


@pytest.mark.parametrize("number", ["APP-٢٠٢٦-000001", "APP-2026-００００01"])
def test_keys_with_other_scripts_digits_are_refused(store: DocumentStore, number: str) -> None:
    # Before: \d let them through, so the same application had several spellings of its keys.
    key = f"applications/{number}/kk/{sha256_hex(DATA)}"
    with pytest.raises(InvalidKey):
        store.put(key, DATA, media_type="application/pdf")
    with pytest.raises(InvalidKey):
        document_key(number, "kk", sha256_hex(DATA))
