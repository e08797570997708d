"""The pencegahan/penangkalan watchlist: loaded from CSV by a supervisor, matched per applicant.

CSV format (UTF-8, header row required, one person per row)::

    name,birth_date,nik,reason,valid_until
    BUDI SANTOSO,1980-02-01,,tersangka (pencegahan),2027-06-30
    SITI AMINAH,1990-08-05,1471024508900003,penangkalan,

``nik`` and ``valid_until`` may be empty (no NIK known; valid until lifted). A load replaces
the active list in one transaction; a file with any bad row is refused whole, with the line and
column of every problem (never the value: it is personal data).

Matching (domain-spec 12.1 F-WATCHLIST, 8.3): the same NIK, or the same birth date with a
name that the name matcher does not call a MISMATCH (titles, BIN/BINTI, spelling variants and
word order do not evade it). A hit is ``fraud.watchlist`` (critical); releasing it needs the
head of office (policy ``sign_offs.watchlist_release``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.audit import append_event
from storage.csvfile import CsvRefused, csv_rows, iso_date
from storage.models import WatchlistEntry, utcnow
from verification.checks.case import CheckContext
from verification.findings import Evidence, Finding
from verification.identity.names import MatchLevel, match_names

__all__ = [
    "CSV_COLUMNS",
    "WatchlistInvalid",
    "WatchlistRow",
    "load_watchlist",
    "parse_watchlist_csv",
    "watchlist_hits",
]

CSV_COLUMNS = ("name", "birth_date", "nik", "reason", "valid_until")
MAX_ROWS = 1_000_000


class WatchlistInvalid(CsvRefused):
    """The watchlist file cannot be loaded; ``problems`` lists each by line and column."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("watchlist file", problems)


@dataclass(frozen=True)
class WatchlistRow:
    name: str
    birth_date: date
    nik: str | None
    reason: str
    valid_until: date | None


def parse_watchlist_csv(text: str) -> list[WatchlistRow]:
    """Rows of a watchlist CSV, or ``WatchlistInvalid`` naming every bad line and column."""
    rows: list[WatchlistRow] = []
    problems: list[str] = []
    for line, values in csv_rows(text, CSV_COLUMNS, WatchlistInvalid):
        if len(rows) >= MAX_ROWS:
            raise WatchlistInvalid([f"more than {MAX_ROWS} rows"])
        name = " ".join(values["name"].upper().split())
        born = iso_date(values["birth_date"])
        until = iso_date(values["valid_until"]) if values["valid_until"] else None
        nik = values["nik"] or None
        bad = []
        if not re.search(r"[A-Z]", name):
            bad.append("name is empty")
        if born is None:
            bad.append("birth_date is not a date (YYYY-MM-DD)")
        if nik is not None and not re.fullmatch(r"\d{16}", nik):
            bad.append("nik is not 16 digits")
        if not values["reason"]:
            bad.append("reason is empty")
        if values["valid_until"] and until is None:
            bad.append("valid_until is not a date (YYYY-MM-DD)")
        if bad:
            problems += [f"line {line}: {b}" for b in bad]
            continue
        assert born is not None
        rows.append(WatchlistRow(name, born, nik, values["reason"], until))
    if problems:
        raise WatchlistInvalid(problems)
    if not rows:
        raise WatchlistInvalid(["no rows: an empty list would lift every entry"])
    return rows


def load_watchlist(
    session: Session, *, rows: Sequence[WatchlistRow], source: str, actor: str
) -> int:
    """Make ``rows`` the active watchlist (earlier entries are kept, inactive); audited with
    counts only. Call inside a transaction: the old list is never half-replaced."""
    active = WatchlistEntry.active.is_(True)
    replaced = session.scalar(select(func.count()).select_from(WatchlistEntry).where(active))
    session.execute(update(WatchlistEntry).where(active).values(active=False))
    now = utcnow()
    session.add_all(
        WatchlistEntry(**asdict(row), active=True, source=source, loaded_by=actor, loaded_at=now)
        for row in rows
    )
    session.flush()
    append_event(
        session,
        actor=actor,
        action="watchlist.loaded",
        entity_type="watchlist",
        entity_id=source,
        payload={"entries": len(rows), "replaced": replaced, "source": source},
    )
    return len(rows)


def watchlist_hits(
    session: Session, *, form: Mapping[str, Any], today: date, ctx: CheckContext
) -> list[Finding]:
    """``fraud.watchlist`` for each active, unexpired entry the applicant matches."""
    born = iso_date(str(form.get("tanggal_lahir", "")))
    nik = form.get("nik")
    nama = str(form.get("nama", ""))
    same_person = [WatchlistEntry.birth_date == born] if born else []
    if nik:
        same_person.append(WatchlistEntry.nik == nik)
    if not same_person:
        return []
    candidates = session.scalars(
        select(WatchlistEntry)
        .where(
            WatchlistEntry.active.is_(True),
            or_(WatchlistEntry.valid_until.is_(None), WatchlistEntry.valid_until >= today),
            or_(*same_person),
        )
        .order_by(WatchlistEntry.id)
    ).all()
    findings = []
    for entry in candidates:
        by_nik = bool(nik) and entry.nik == nik
        names = match_names(entry.name, nama, tolerances=ctx.tolerances) if nama else None
        by_name = (
            entry.birth_date == born and names is not None and names.level != MatchLevel.MISMATCH
        )
        if not (by_nik or by_name):
            continue
        basis = "nik" if by_nik else "name and birth date"
        findings.append(
            ctx.finding(
                "fraud.watchlist",
                field="nik" if by_nik else "nama",
                message=f"matches watchlist entry {entry.id} by {basis}",
                evidence=Evidence(
                    details={
                        "method": "watchlist lookup: same NIK, or same birth date and a name "
                        "the name matcher does not call a MISMATCH",
                        "parameters": {"name_tolerances": asdict(ctx.tolerances)},
                        "entry_id": entry.id,
                        "entry_source": entry.source,
                        "basis": basis,
                        "name_level": names.level.value if names else None,
                        "name_rules": list(names.rules) if names else [],
                        "valid_until": entry.valid_until.isoformat() if entry.valid_until else None,
                    }
                ),
            )
        )
    return findings
