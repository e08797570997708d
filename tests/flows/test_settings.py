"""Settings from PASPOR_* variables, with defaults that need nothing and safe production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.settings import Settings
from flows.wiring import build_store
from storage.store import FileSystemStore, MinioStore


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("PASPOR_"):
            monkeypatch.delenv(name)


def test_embedded_defaults() -> None:
    settings = Settings()
    assert settings.resolved_database_url() == "sqlite:///var/paspor.db"
    assert settings.resolved_store_root() == Path("var/documents")
    assert isinstance(build_store(settings), FileSystemStore)
    limits = settings.upload_limits()
    assert limits.max_bytes == 20 * 1024 * 1024 and limits.max_pixels == 50_000_000


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASPOR_DATABASE_URL", "postgresql+psycopg://u@db/paspor")
    monkeypatch.setenv("PASPOR_STORE", "minio")
    monkeypatch.setenv("PASPOR_MINIO_ENDPOINT", "127.0.0.1:9999")
    monkeypatch.setenv("PASPOR_MINIO_BUCKET", "dokumen")
    monkeypatch.setenv("PASPOR_MAX_UPLOAD_MB", "5")
    settings = Settings()
    assert settings.resolved_database_url() == "postgresql+psycopg://u@db/paspor"
    store = build_store(settings)
    assert isinstance(store, MinioStore) and store.bucket == "dokumen"
    assert settings.upload_limits().max_bytes == 5 * 1024 * 1024


def test_bad_values_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASPOR_STORE", "ftp")
    with pytest.raises(ValidationError, match="store"):
        Settings()


def test_production_refuses_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASPOR_MODE", "production")
    monkeypatch.setenv("PASPOR_STORE", "minio")
    with pytest.raises(ValidationError) as caught:
        Settings()
    message = str(caught.value)
    assert "PASPOR_MINIO_SECRET_KEY is the development default" in message
    assert "PASPOR_MINIO_SECURE must be true" in message
    assert "must name a PostgreSQL database" in message


def test_production_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASPOR_MODE", "production")
    monkeypatch.setenv("PASPOR_STORE", "minio")
    monkeypatch.setenv("PASPOR_MINIO_SECRET_KEY", "a-long-random-secret")
    monkeypatch.setenv("PASPOR_MINIO_SECURE", "true")
    monkeypatch.setenv("PASPOR_DATABASE_URL", "postgresql+psycopg://paspor@db/paspor")
    monkeypatch.setenv("PASPOR_SESSION_SECRET", "a-console-session-secret-of-40-characters")
    assert Settings().mode == "production"
