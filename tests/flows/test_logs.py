"""The application log: written to the data folder, personal values masked in every record."""

from __future__ import annotations

import logging
from pathlib import Path

from flows.logs import LOG_FILE, configure_logging


def test_records_of_any_logger_reach_the_file_with_niks_and_dates_masked(tmp_path: Path) -> None:
    path = configure_logging(tmp_path / "logs", verbose=True)
    assert path == (tmp_path / "logs" / LOG_FILE).resolve()
    assert configure_logging(tmp_path / "logs") == path  # idempotent: one file handler
    logging.getLogger("storage.intake").warning("application %s stored", "APP-2026-000007")
    logging.getLogger("some.library").info(
        "bound %r", {"nik": "3171015708900001", "lahir": "17-08-1990", "iso": "1990-08-17"}
    )
    adapter = logging.LoggerAdapter(logging.getLogger("prefect.flow_runs"), {})
    adapter.error("KK %s", 3171010101010001)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "application APP-2026-000007 stored" in text  # ids and numbers stay readable
    assert text.count("[masked]") == 4
    for secret in ("3171015708900001", "17-08-1990", "1990-08-17", "3171010101010001"):
        assert secret not in text
    # SQLAlchemy prints bound parameters (names) at INFO: kept off even in verbose mode
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)


def test_a_new_data_folder_moves_the_log_file(tmp_path: Path) -> None:
    first = configure_logging(tmp_path / "a")
    second = configure_logging(tmp_path / "b")
    assert first != second
    logging.getLogger("flows.test").warning("after the move")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert second is not None and "after the move" in second.read_text(encoding="utf-8")
    assert first is not None and "after the move" not in first.read_text(encoding="utf-8")
