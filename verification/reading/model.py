"""The typed result tree of reading: words with boxes, lines, pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from numpy.typing import NDArray

__all__ = ["Box", "Image", "Line", "Page", "PageReading", "PageSource", "Word", "group_lines"]

# cv2 returns loosely typed arrays; images are uint8 BGR or grey in practice.
Image = NDArray[Any]
PageSource = Literal["image", "pdf_text", "pdf_scan"]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in page coordinates (pixels for images, points for PDF text)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def centre_y(self) -> float:
        return self.top + self.height / 2

    def union(self, other: Box) -> Box:
        left, top = min(self.left, other.left), min(self.top, other.top)
        right, bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(left, top, right - left, bottom - top)


@dataclass(frozen=True)
class Word:
    """One recognised word; ``conf`` is 0..1 (1.0 for a PDF text layer)."""

    text: str
    conf: float
    box: Box


@dataclass(frozen=True)
class Line:
    """Words on one visual line, left to right."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        box = self.words[0].box
        for word in self.words[1:]:
            box = box.union(word.box)
        return box

    @property
    def conf(self) -> float:
        return min((w.conf for w in self.words), default=0.0)


@dataclass
class Page:
    """One page of a document: an image to OCR, or words from a PDF text layer, or both."""

    index: int
    source: PageSource
    width: float
    height: float
    image: Image | None = None
    words: tuple[Word, ...] = ()
    dpi: float | None = None
    steps: list[str] = field(default_factory=list)


@dataclass
class PageReading:
    """What a type-specific reader took from the pages of one document.

    ``fields`` use the DESIGN.md section 3 names (dates ISO); ``confidence`` is 0..1 per field
    (for a KK, per ``members.<i>.<field>`` too); ``steps`` names the preprocessing that ran;
    ``text`` is the plain text read, for classification.
    """

    fields: dict[str, Any]
    confidence: dict[str, float]
    steps: list[str]
    text: str


def group_lines(words: list[Word] | tuple[Word, ...], *, tolerance: float = 0.5) -> list[Line]:
    """Group words into visual lines by vertical overlap, each sorted left to right.

    Two words share a line when their vertical centres differ by less than ``tolerance``
    times the smaller word height.
    """
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.box.centre_y, w.box.left)):
        for line in lines:
            ref = line[-1].box
            limit = tolerance * min(ref.height, word.box.height)
            if abs(ref.centre_y - word.box.centre_y) < max(limit, 1.0):
                line.append(word)
                break
        else:
            lines.append([word])
    ordered = [tuple(sorted(line, key=lambda w: w.box.left)) for line in lines]
    return sorted((Line(words) for words in ordered), key=lambda ln: ln.box.top)
