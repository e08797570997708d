"""The issuance history: passports issued to a NIK, imported from the office's earlier system.

CSV format (UTF-8, header row required)::

    number,nik,issued_on,expires_on,status
    X1234567,1471024508900003,2016-03-01,2021-03-01,expired

``status`` is one of valid, expired, lost, damaged, cancelled. An import is all or nothing
(every bad line named by line and column, never by value) and idempotent: a passport number
already recorded for the same NIK is skipped; for another NIK the file is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.csvfile import CsvRefused, csv_rows, iso_date
from storage.models import PassportRecord, utcnow

__all__ = [
    "PASSPORT_STATUSES",
    "HistoryInvalid",
    "PassportRow",
    "import_history",
    "parse_history_csv",
]

PASSPORT_STATUSES = frozenset({"valid", "expired", "lost", "damaged", "cancelled"})
CSV_COLUMNS = ("number", "nik", "issued_on", "expires_on", "status")


class HistoryInvalid(CsvRefused):
    """The history file cannot be imported; ``problems`` lists each by line and column."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("passport history", problems)


@dataclass(frozen=True)
class PassportRow:
    number: str
    nik: str
    issued_on: date
    expires_on: date
    status: str


def parse_history_csv(text: str) -> list[PassportRow]:
    """Rows of a history CSV, or ``HistoryInvalid`` naming every bad line and column."""
    rows: list[PassportRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, values in csv_rows(text, CSV_COLUMNS, HistoryInvalid):
        number = values["number"].upper()
        issued, expires = iso_date(values["issued_on"]), iso_date(values["expires_on"])
        status = values["status"].lower()
        bad = []
        if not re.fullmatch(r"[A-Z]{1,2}\d{6,7}", number):
            bad.append("number is not a passport number (1-2 letters, 6-7 digits)")
        elif number in seen:
            bad.append(f"number repeats line {seen[number]}")
        if not re.fullmatch(r"\d{16}", values["nik"]):
            bad.append("nik is not 16 digits")
        if issued is None:
            bad.append("issued_on is not a date (YYYY-MM-DD)")
        if expires is None:
            bad.append("expires_on is not a date (YYYY-MM-DD)")
        if issued and expires and expires <= issued:
            bad.append("expires_on is not after issued_on")
        if status not in PASSPORT_STATUSES:
            bad.append(f"status is not one of {', '.join(sorted(PASSPORT_STATUSES))}")
        seen.setdefault(number, line)
        if bad:
            problems += [f"line {line}: {b}" for b in bad]
            continue
        assert issued is not None and expires is not None
        rows.append(PassportRow(number, values["nik"], issued, expires, status))
    if problems:
        raise HistoryInvalid(problems)
    return rows


def import_history(
    session: Session, *, rows: Sequence[PassportRow], source: str, actor: str
) -> tuple[int, int]:
    """Record the rows (in the caller's transaction); returns (added, already recorded)."""
    known = {
        number: nik
        for number, nik in session.execute(
            select(PassportRecord.number, PassportRecord.nik).where(
                PassportRecord.number.in_([r.number for r in rows])
            )
        )
    }
    conflicts = [r.number for r in rows if r.number in known and known[r.number] != r.nik]
    if conflicts:
        raise HistoryInvalid(
            [f"passport {n} is already recorded for another NIK" for n in conflicts]
        )
    new = [r for r in rows if r.number not in known]
    now = utcnow()
    session.add_all(
        PassportRecord(**asdict(r), source=source, recorded_by=actor, recorded_at=now) for r in new
    )
    session.flush()
    append_event(
        session,
        actor=actor,
        action="passports.imported",
        entity_type="passport_history",
        entity_id=source,
        payload={"added": len(new), "already_recorded": len(rows) - len(new), "source": source},
    )
    return len(new), len(rows) - len(new)
