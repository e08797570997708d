"""Where Prefect keeps what it is told, searched for an applicant's personal data.

Prefect stores flow-run parameters, task inputs and cache keys, results, run inputs given on
resume, logs and events in its database, persisted results in its result storage, and the
runner streams what flow runs print. None of it may hold a NIK, a name or a birth date in
clear: flows pass application ids (README, "Personal data").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from prefect.settings import get_current_settings

__all__ = ["folder_text", "leaks", "personal_values", "prefect_database_text", "sqlite_text"]


def personal_values(applicant: Mapping[str, Any]) -> list[str]:
    """The NIK, the name and the birth date as an application or a document writes it."""
    born = date.fromisoformat(str(applicant["tanggal_lahir"]))
    return [
        str(applicant["nik"]),
        str(applicant["nama"]),
        born.isoformat(),
        born.strftime("%d-%m-%Y"),
        born.strftime("%d/%m/%Y"),
    ]


def prefect_database_text() -> str:
    """Every row of every table of the Prefect server's (SQLite) database, as text."""
    url = get_current_settings().server.database.connection_url
    assert url is not None
    return sqlite_text(Path(url.get_secret_value().split("///", 1)[1]))


def sqlite_text(path: Path) -> str:
    """Every row of every table of a SQLite database, as text."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"')
        )


def folder_text(folder: Path) -> str:
    """Every file under ``folder`` (result storage), decoded byte for byte."""
    return "\n".join(
        p.read_bytes().decode("latin-1") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def leaks(values: list[str], places: Mapping[str, str]) -> list[str]:
    """``"<place>: <value>"`` for each personal value found in a place (case-insensitive)."""
    return [
        f"{where}: {value}"
        for where, text in places.items()
        for value in values
        if value.lower() in text.lower()
    ]
