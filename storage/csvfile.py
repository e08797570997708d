"""Lists that supervisors load from CSV (watchlist, passport history): one way to read them.

A file is loaded whole or not at all. Every problem is named by line and column, never by
value (the values are personal data and would end up in terminals and logs).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from verification.errors import InputError

__all__ = ["CsvRefused", "csv_rows", "iso_date"]


class CsvRefused(InputError):
    """The file cannot be loaded; ``problems`` lists each by line and column."""

    def __init__(self, what: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(self.problems[:10])
        more = f" (and {len(self.problems) - 10} more)" if len(self.problems) > 10 else ""
        super().__init__(f"{what} refused: {shown}{more}")


def csv_rows(
    text: str, columns: Sequence[str], refuse: Callable[[list[str]], CsvRefused]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, stripped values of ``columns``) per data row; ``refuse(problems)`` is
    raised when the header lacks a column. Column names match case-insensitively; a BOM is
    ignored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        raise refuse([f"header: missing column(s) {', '.join(missing)}"])
    reader.fieldnames = header
    for line, raw in enumerate(reader, start=2):
        yield line, {c: (raw.get(c) or "").strip() for c in columns}


def iso_date(text: str) -> date | None:
    """A YYYY-MM-DD date, or None."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
