"""How much a difference between an expected word and an OCR reading of it should count.

The rule (domain-spec 8.2, "OCR confusions"): an edit costs 1, except where the reading
differs by a classic OCR confusion *and* the OCR engine itself was unsure of what it read.
Such a substitution costs the engine's confidence in the character(s) it read, when that
confidence is below ``low`` (0.8 by default): a ``0`` read at 0.3 where ``O`` was expected
costs 0.3. A confident misreading costs the full 1, since then the document most likely
does say something else.

Classic confusions, after names are upper-cased: ``O``/``0``, ``I``/``1``/``L`` (a lower
``l`` is upper-cased to ``L``), ``S``/``5``, ``B``/``8``, and one glyph read as two:
``M``/``RN``, ``D``/``CL``, ``W``/``VV``.

>>> ocr_distance("SITI", "S1TI", (0.9, 0.3, 0.9, 0.9), low=0.8)
0.3
>>> ocr_distance("SITI", "S1TI", (0.9, 0.95, 0.9, 0.9), low=0.8)
1.0
>>> ocr_distance("AMINAH", "ARNINAH", (0.9, 0.5, 0.6, 0.9, 0.9, 0.9, 0.9), low=0.8)
0.5
>>> ocr_distance("SITI", "SINTA", (1.0,) * 5, low=0.8)
2.0
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CONFUSION_CLASSES", "CONFUSION_PAIRS", "ocr_distance"]

CONFUSION_CLASSES: tuple[frozenset[str], ...] = (
    frozenset("O0"),
    frozenset("I1L"),
    frozenset("S5"),
    frozenset("B8"),
)
CONFUSION_PAIRS: tuple[tuple[str, str], ...] = (("M", "RN"), ("D", "CL"), ("W", "VV"))


def _confusable(x: str, y: str) -> bool:
    return any(x in group and y in group for group in CONFUSION_CLASSES)


def ocr_distance(expected: str, read: str, confidence: Sequence[float], *, low: float) -> float:
    """Weighted edit distance from ``expected`` to ``read`` (``confidence`` per character of
    ``read``): Levenshtein, with low-confidence classic confusions at a discount."""

    def cost(conf: float) -> float:
        return conf if conf < low else 1.0

    previous = [float(j) for j in range(len(read) + 1)]
    rows = [previous]
    for i, want in enumerate(expected, start=1):
        row = [float(i)]
        for j, got in enumerate(read, start=1):
            if want == got:
                best = rows[i - 1][j - 1]
            else:
                sub = cost(confidence[j - 1]) if _confusable(want, got) else 1.0
                best = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + sub)
            for one, two in CONFUSION_PAIRS:
                if want == one and j >= 2 and read[j - 2 : j] == two:
                    best = min(best, rows[i - 1][j - 2] + cost(min(confidence[j - 2 : j])))
                if got == one and i >= 2 and expected[i - 2 : i] == two:
                    best = min(best, rows[i - 2][j - 1] + cost(confidence[j - 1]))
            row.append(best)
        rows.append(row)
    return round(rows[-1][-1], 6)
