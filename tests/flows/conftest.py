"""CLI fixtures: a private data folder per test and fresh settings and services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.wiring import get_services, get_settings


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
