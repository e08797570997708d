"""PDF forensics: traces of editing in an uploaded PDF (fraud.pdf.edited, fraud.tamper.font).

Three signals, each with its method, parameters and what was seen in the evidence:

- **incremental updates**: a PDF saved again by an editor keeps its original bytes and appends
  a revision (objects, a cross-reference section and a new ``%%EOF``). More ``%%EOF`` markers
  than a freshly written file has (two for a linearized file, else one) are updates after
  creation.
- **editor software**: the document information names a program that edits PDFs or images
  (Producer or Creator), as opposed to the office's printers, scanners and Dukcapil's system.
- **a font out of place**: a digital KK prints every value in one or two fonts; a value
  retyped by an editor comes in another font. Reported: a font whose words all lie on one line
  of a page of many lines, and words whose font differs both from most words of their line
  (of four words or more) and from most words printed above and below them. The evidence
  gives the position, never the text (it may be personal data). Calibrated on the synthetic
  KK layout: Dukcapil's own printouts should be measured before trusting the second rule.

Scanned PDFs (an image and no text) only get the first two; the image itself is for the image
forensics.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.editors import EDITOR_MARKERS, editor_in
from verification.fraud.signals import Signal, signal_findings

__all__ = ["EDITOR_MARKERS", "PdfForensics", "inspect_pdf", "pdf_findings"]


_MIN_LINES = 12  # a page with fewer text lines is too small to say a font is out of place
_MAX_FIELD_CHARS = 40  # a "field" is at most this many characters on one line
_MIN_LINE_WORDS = 4  # a line needs this many words to say one of its fonts is out of place
_BLOCK_GAP = 150.0  # pt (53 mm): wider than any KK table column
_COLUMN_REACH = 120.0  # pt above and below a word that count as its column


@dataclass
class PdfForensics:
    """What was seen: each ``signals`` entry is (finding code, evidence details)."""

    revisions: int
    linearized: bool
    producer: str | None
    creator: str | None
    fonts: dict[str, int] = field(default_factory=dict)  # font name -> characters
    signals: list[Signal] = field(default_factory=list)


def _info(data: bytes) -> dict[str, str]:
    """Producer and Creator of the document information (last revision wins)."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except Exception:  # an unparsable PDF is the loader's to report
        return {}
    out: dict[str, str] = {}
    for info in document.info:
        for key in ("Producer", "Creator"):
            value = resolve1(info.get(key))
            if isinstance(value, bytes):
                out[key] = value.decode("utf-16" if value[:2] == b"\xfe\xff" else "latin-1")
            elif isinstance(value, str):
                out[key] = value
    return out


def _font_name(raw: object) -> str:
    return re.sub(r"^[A-Z]{6}\+", "", str(raw))  # drop an embedded subset's prefix


def _box(words: Sequence[dict[str, Any]]) -> list[float]:
    return [
        round(min(float(w["x0"]) for w in words), 1),
        round(min(float(w["top"]) for w in words), 1),
        round(max(float(w["x1"]) for w in words), 1),
        round(max(float(w["bottom"]) for w in words), 1),
    ]


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines by their top (within 2 pt), left to right, and a line cut
    where a gap wider than any table column separates two blocks (a footnote and a signature
    side by side are two lines, a table row is one)."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        if rows and abs(float(word["top"]) - float(rows[-1][0]["top"])) <= 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines: list[list[dict[str, Any]]] = []
    for row in rows:
        row.sort(key=lambda w: float(w["x0"]))
        lines.append([row[0]])
        for before, word in itertools.pairwise(row):
            if float(word["x0"]) - float(before["x1"]) > _BLOCK_GAP:
                lines.append([])
            lines[-1].append(word)
    return lines


def _majority(words: Sequence[dict[str, Any]]) -> str | None:
    """The font of more than half of ``words``, if one is."""
    counts = Counter(w["fontname"] for w in words).most_common(1)
    return counts[0][0] if counts and counts[0][1] * 2 > len(words) else None


def _out_of_place(
    word: dict[str, Any], line: list[dict[str, Any]], lines: list[list[dict[str, Any]]]
) -> bool:
    """A word in another font than most words of its line and most words printed above and
    below it (its column): a table header row or a signature block, in a font of their own,
    agree with their line or their column; a retyped value agrees with neither."""
    if len(line) < _MIN_LINE_WORDS or _majority(line) in (None, word["fontname"]):
        return False
    x0, x1, top = float(word["x0"]), float(word["x1"]), float(word["top"])
    column = [
        w
        for other in lines
        if other is not line
        for w in other
        if float(w["x0"]) < x1
        and float(w["x1"]) > x0
        and abs(float(w["top"]) - top) < _COLUMN_REACH
    ]
    return len(column) < 2 or _majority(column) not in (None, word["fontname"])


def _page_odd_fonts(lines: list[list[dict[str, Any]]]) -> list[tuple[list[dict[str, Any]], str]]:
    """Out-of-place runs of one page's words, each with the rule that found it."""
    runs: list[tuple[list[dict[str, Any]], str]] = []
    for name in sorted({w["fontname"] for line in lines for w in line}):
        holding = [line for line in lines if any(w["fontname"] == name for w in line)]
        mine = [w for line in holding for w in line if w["fontname"] == name]
        if len(holding) == 1 and sum(len(w["text"]) for w in mine) <= _MAX_FIELD_CHARS:
            runs.append((mine, "font used on one line only"))
    for line in lines:
        odd = [w for w in line if _out_of_place(w, line, lines)]
        if odd:
            runs.append((odd, "font differs from its line and its column"))
    return runs


def _odd_fonts(data: bytes) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Words set in a font out of place, on pages of many lines (see the module docstring).
    Returns the characters per font and one entry per run (page, font, box, the rule)."""
    fonts: Counter[str] = Counter()
    found: dict[tuple[int, str, float], dict[str, Any]] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(extra_attrs=["fontname"])
            for word in words:
                word["fontname"] = _font_name(word["fontname"])
                fonts[word["fontname"]] += len(word["text"])
            lines = _lines(words)
            page_fonts = sorted({w["fontname"] for w in words})
            if len(page_fonts) < 2 or len(lines) < _MIN_LINES:
                continue
            for run, rule in _page_odd_fonts(lines):
                key = (number, run[0]["fontname"], round(float(run[0]["x0"]), 1))
                found.setdefault(
                    key,
                    {
                        "page": number,
                        "font": run[0]["fontname"],
                        "characters": sum(len(w["text"]) for w in run),
                        "box": _box(run),
                        "rule": rule,
                        "page_fonts": page_fonts,
                        "page_lines": len(lines),
                    },
                )
    return dict(fonts), list(found.values())


def inspect_pdf(data: bytes) -> PdfForensics:
    """Look for traces of editing in a PDF's bytes."""
    head = data[:1024]
    linearized = b"/Linearized" in head
    revisions = data.count(b"%%EOF")
    info = _info(data)
    result = PdfForensics(
        revisions=revisions,
        linearized=linearized,
        producer=info.get("Producer"),
        creator=info.get("Creator"),
    )
    expected = 2 if linearized else 1
    if revisions > expected:
        result.signals.append(
            (
                "fraud.pdf.edited",
                {
                    "method": "incremental updates: %%EOF markers after the first revision",
                    "parameters": {"expected_revisions": expected},
                    "score": revisions,
                    "threshold": expected,
                    "revisions": revisions,
                },
            )
        )
    for key, value in (("Producer", result.producer), ("Creator", result.creator)):
        marker = editor_in(value)
        if marker:
            result.signals.append(
                (
                    "fraud.pdf.edited",
                    {
                        "method": f"document information {key} names an editing program",
                        "parameters": {"editor_markers": list(EDITOR_MARKERS)},
                        "field": key,
                        "value": value,
                        "marker": marker,
                    },
                )
            )
    fonts, lonely = _odd_fonts(data)
    result.fonts = fonts
    for entry in lonely:
        result.signals.append(
            (
                "fraud.tamper.font",
                {
                    "method": "fonts per text line: " + entry["rule"],
                    "parameters": {
                        "min_page_lines": _MIN_LINES,
                        "max_field_characters": _MAX_FIELD_CHARS,
                        "min_line_words": _MIN_LINE_WORDS,
                        "column_reach_pt": _COLUMN_REACH,
                    },
                    **entry,
                },
            )
        )
    return result


def pdf_findings(
    data: bytes, *, document: str, sha256: str | None, ctx: CheckContext
) -> list[Finding]:
    """The findings of ``inspect_pdf`` for one uploaded document (none for a non-PDF)."""
    if not data.startswith(b"%PDF-"):
        return []
    messages = {
        "fraud.pdf.edited": "the PDF shows editing after creation",
        "fraud.tamper.font": "one field is set in a font used nowhere else on the page",
    }
    return signal_findings(
        inspect_pdf(data).signals,
        document=document,
        sha256=sha256,
        ctx=ctx,
        message=lambda code, details: f"{messages[code]} ({details['method']})",
    )
