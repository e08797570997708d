"""A PDF text layer that disagrees with what its page shows (fraud.pdf.edited).

The KK reader trusts a PDF's text layer, so a forger can make the machine read one value while
the page shows another. Two kinds of page are checked:

- **a born-digital page** (its text is the page): a character of the text layer that the page
  does not show is reported. It is hidden when drawn in text render mode 3 or 7 (invisible),
  in the colour of what lies under it (white on white), off the page, or under an opaque
  filled shape or an image painted after it (a white box with a new value typed over it);
  and two different characters printed at one place (a new value overprinted on the old) are
  reported too. Painting order, fill colours and boxes come from pdfplumber's objects; the
  render mode, which pdfminer does not hand on, is recorded by a small device that sees the
  text state of each string.
- **a scanned page with an OCR layer** (a "searchable PDF": a picture across the page and
  invisible text, or text under the picture, over nearly all of it): the layer's key values
  (16-digit numbers such as NIK and KK number, dates, and the words in capitals just left of
  a 16-digit number on its row, the members' names) are read again from the scan (its JPEG
  decoded as is, or the page drawn by pdfium), each word's box cut out and all of them
  stacked into one image for one Tesseract call with a digits-and-capitals whitelist. A word
  the re-read disagrees with beyond the tolerance is read once more at another scale and
  reported when that read disagrees too. Other words of the layer are running text that OCR
  gets slightly wrong, and are not compared.

Evidence gives the page, box (fractions of the page), kind of value ("16-digit number"),
character counts and edit distances, never the text itself.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from pdfminer.layout import (
    LTChar,
    LTComponent,
    LTContainer,
    LTCurve,
    LTFigure,
    LTImage,
    LTItem,
    LTLine,
    LTPage,
)
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.signals import Signal, signal_findings
from verification.reading.model import Image
from verification.reading.ocr import OcrEngine, TesseractEngine

__all__ = ["LayerThresholds", "text_layer_evidence", "text_layer_findings", "text_layer_signals"]

_CODE = "fraud.pdf.edited"
_KEY = re.compile(
    r"(?<![\d-])(?:\d{16}|\d{2}-\d{2}-\d{4})(?![\d-])|(?<![A-Za-z])[A-Z]{3,}(?![A-Za-z])"
)
_WHITELIST = "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = re.compile(r"\d{16}|\d{2}-\d{2}-\d{4}")
_NUMBER = re.compile(r"\d{16}")
_LAYER_HIDING = ("invisible", "under a page image")
_CONFIG = f"-c tessedit_char_whitelist={_WHITELIST}"


@dataclass(frozen=True)
class LayerThresholds:
    cover: float = 0.5  # share of a character's box under a later shape or image: hidden
    colour: float = 0.12  # largest RGB difference (0..1) from the background: same colour
    overlap: float = 0.3  # intersection over union of two different characters: overprinted
    page_image: float = 0.5  # an image over this share of the page is a scan
    ocr_layer: float = 0.8  # share of a page's characters hidden under or over it: OCR layer
    digit_edits: int = 1  # edit distance of a number or date re-read from the scan
    letter_share: float = 0.5  # edit distance over length of a word in capitals
    letter_edits: int = 3  # and at least this many edits
    word_px: int = 28  # height a word's box is scaled to for Tesseract
    max_pages: int = 3
    max_runs: int = 20  # hidden runs reported per page (the longest)


@dataclass
class _Char:
    text: str
    box: tuple[float, float, float, float]  # x0, top, x1, bottom (pt)
    order: int
    mode: int
    colour: tuple[float, float, float] | None
    hidden: str | None = None


@dataclass
class _Shape:
    box: tuple[float, float, float, float]
    order: int
    colour: tuple[float, float, float] | None  # None: an image
    page_size: bool = False
    image: LTImage | None = None
    matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)


class _RenderModes(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, noting each character's text render mode (``Tr``)."""

    mode = 0

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        self.mode = int(textstate.render or 0)
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv = super().render_char(*args, **kwargs)
        self.cur_item._objs[-1].render_mode = self.mode  # type: ignore[attr-defined]
        return float(adv)


def _layout(page: pdfplumber.page.Page) -> LTPage:
    device = _RenderModes(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    layout: LTPage = device.get_result()
    page._layout = layout  # pdfplumber's own objects come from this layout from now on
    return layout


def _leaves(
    items: list[LTItem], matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
) -> Iterator[tuple[LTItem, tuple[float, ...]]]:
    """Layout objects in painting order (figures opened), each with its figure's matrix."""
    for item in items:
        if isinstance(item, LTFigure):
            yield from _leaves(list(item), tuple(item.matrix))
        elif isinstance(item, LTContainer) and not isinstance(item, LTChar):
            yield from _leaves(list(item), matrix)
        else:
            yield item, matrix


def _rgb(colour: Any) -> tuple[float, float, float] | None:
    if isinstance(colour, (int, float)):
        colour = (colour,)
    if not isinstance(colour, (tuple, list)) or not all(
        isinstance(c, (int, float)) for c in colour
    ):
        return None
    if len(colour) == 1:
        return (float(colour[0]),) * 3
    if len(colour) == 3:
        return float(colour[0]), float(colour[1]), float(colour[2])
    if len(colour) == 4:
        c, m, y, k = (float(v) for v in colour)
        return (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    return None


def _objects(page: pdfplumber.page.Page, t: LayerThresholds) -> tuple[list[_Char], list[_Shape]]:
    """Characters and opaque shapes (filled paths, images) of a page in painting order, boxed
    top-down in points as pdfplumber boxes them."""
    chars, shapes = [], []
    area = float(page.width) * float(page.height)
    left, top = float(page.mediabox[0]), float(page.height) + float(page.mediabox[1])

    def box(item: LTComponent) -> tuple[float, float, float, float]:
        return (left + item.x0, top - item.y1, left + item.x1, top - item.y0)

    for order, (item, matrix) in enumerate(_leaves(list(_layout(page)))):
        if isinstance(item, LTChar):
            mode = int(getattr(item, "render_mode", 0))
            state = item.graphicstate
            colour = state.scolor if mode in (1, 5) else state.ncolor
            chars.append(_Char(item.get_text(), box(item), order, mode, _rgb(colour)))
        elif isinstance(item, LTImage):
            where = box(item)
            size = (where[2] - where[0]) * (where[3] - where[1])
            shapes.append(_Shape(where, order, None, size >= t.page_image * area, item, matrix))
        elif isinstance(item, LTCurve) and not isinstance(item, LTLine) and item.fill:
            shapes.append(_Shape(box(item), order, _rgb(item.non_stroking_color)))
    return chars, shapes


def _span(chars: list[_Char]) -> tuple[float, float, float, float]:
    return (
        min(c.box[0] for c in chars),
        min(c.box[1] for c in chars),
        max(c.box[2] for c in chars),
        max(c.box[3] for c in chars),
    )


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def _area(a: tuple[float, ...]) -> float:
    return max(a[2] - a[0], 1e-6) * max(a[3] - a[1], 1e-6)


def _mark_hidden(
    chars: list[_Char], shapes: list[_Shape], page_box: tuple[float, ...], t: LayerThresholds
) -> None:
    """Set each character's ``hidden`` to the way the page hides it, if it does."""
    if not chars:
        return
    boxes = np.array([c.box for c in chars], dtype=float)
    orders = np.array([c.order for c in chars])
    areas = np.maximum(boxes[:, 2] - boxes[:, 0], 1e-6) * np.maximum(
        boxes[:, 3] - boxes[:, 1], 1e-6
    )
    under = np.full(len(chars), -1)  # index of the last shape painted under each character
    for index, shape in enumerate(shapes):
        x0, top, x1, bottom = shape.box
        w = np.clip(np.minimum(boxes[:, 2], x1) - np.maximum(boxes[:, 0], x0), 0, None)
        h = np.clip(np.minimum(boxes[:, 3], bottom) - np.maximum(boxes[:, 1], top), 0, None)
        share = w * h / areas
        hit = share >= t.cover
        later = hit & (orders < shape.order)
        for k in np.flatnonzero(later):
            if chars[k].hidden is None:
                chars[k].hidden = "under a page image" if shape.page_size else "covered"
        under[hit & (orders > shape.order)] = index
    for i, char in enumerate(chars):
        if char.hidden is not None:
            continue
        if char.mode in (3, 7):
            char.hidden = "invisible"
        elif _overlap(char.box, page_box) < 0.2 * _area(char.box):
            char.hidden = "off the page"
        elif char.colour is not None:
            background = (1.0, 1.0, 1.0) if under[i] < 0 else shapes[under[i]].colour
            if (
                background is not None
                and max(abs(a - b) for a, b in zip(char.colour, background, strict=True))
                <= t.colour
            ):
                char.hidden = "background colour"


def _overprinted(chars: list[_Char], t: LayerThresholds) -> None:
    """Mark visible characters overprinted by a different visible character."""
    cells: dict[tuple[int, int], list[_Char]] = {}
    for char in chars:
        if char.hidden is None and char.text.isalnum():
            key = (int((char.box[0] + char.box[2]) / 8), int((char.box[1] + char.box[3]) / 8))
            cells.setdefault(key, []).append(char)
    marked = []
    for (cx, cy), here in cells.items():
        near = [
            c for dx in (-1, 0, 1) for dy in (-1, 0, 1) for c in cells.get((cx + dx, cy + dy), [])
        ]
        for a in here:
            for b in near:
                if a is b or a.text == b.text:
                    continue
                inter = _overlap(a.box, b.box)
                if inter / (_area(a.box) + _area(b.box) - inter) >= t.overlap:
                    marked.append(a)
                    break
    for char in marked:
        char.hidden = "overprinted"


def _kind(text: str) -> str:
    digits = sum(c.isdigit() for c in text)
    if re.fullmatch(r"\d{2}-\d{2}-\d{4}", text):
        return "date"
    if digits == len(text):
        return f"{digits}-digit number"
    if text.isalpha() and text.isupper():
        return "word in capitals"
    return "text"


def _fraction(box: tuple[float, ...], size: tuple[float, float]) -> list[float]:
    """The box as fractions of the page, clipped to it (text off the page: its edge)."""
    w, h = size
    return [
        round(min(max(box[0] / w, 0.0), 1.0), 4),
        round(min(max(box[1] / h, 0.0), 1.0), 4),
        round(min(max(box[2] / w, 0.0), 1.0), 4),
        round(min(max(box[3] / h, 0.0), 1.0), 4),
    ]


def _runs(chars: list[_Char]) -> list[list[_Char]]:
    """Hidden characters joined into runs: one way of hiding, one line, no wide gap."""
    runs: list[list[_Char]] = []
    for char in sorted(chars, key=lambda c: (c.hidden or "", round(c.box[1]), c.box[0])):
        last = runs[-1][-1] if runs else None
        height = char.box[3] - char.box[1]
        if (
            last is not None
            and last.hidden == char.hidden
            and abs(last.box[1] - char.box[1]) < 0.5 * height
            and char.box[0] - last.box[2] < 1.5 * height
        ):
            runs[-1].append(char)
        else:
            runs.append([char])
    return runs


def _hidden_signals(
    chars: list[_Char], number: int, size: tuple[float, float], t: LayerThresholds
) -> list[Signal]:
    signals: list[Signal] = []
    runs = _runs([c for c in chars if c.hidden and c.text.isalnum()])
    for run in sorted(runs, key=len, reverse=True)[: t.max_runs]:
        details = {
            "method": f"text layer vs page: characters the page does not show ({run[0].hidden})",
            "parameters": {
                "min_cover": t.cover,
                "colour_tolerance": t.colour,
                "min_overlap": t.overlap,
            },
            "score": len(run),
            "threshold": 1,
            "page": number,
            "hidden_by": run[0].hidden,
            "kind": _kind("".join(c.text for c in run)),
            "characters": len(run),
            "runs_on_page": len(runs),
            "box": _fraction(_span(run), size),
        }
        signals.append((_CODE, details))
    return signals


@dataclass(frozen=True)
class _Key:
    text: str
    box: tuple[float, float, float, float]


def _words(chars: list[_Char]) -> list[list[_Char]]:
    """Characters joined into words in painting order: a word ends at a space, a jump back or
    a gap, as one shown string of an OCR layer holds one word."""
    words: list[list[_Char]] = []
    for char in chars:
        last = words[-1][-1] if words and words[-1] else None
        height = char.box[3] - char.box[1]
        if char.text.isspace():
            words.append([])
        elif (
            last is None
            or char.order != last.order + 1
            or not last.box[0] <= char.box[0] <= last.box[2] + 0.12 * height
            or abs(char.box[1] - last.box[1]) > 0.3 * height
        ):
            words.append([char])
        else:
            words[-1].append(char)
    return [w for w in words if w]


def _skew(boxes: list[tuple[float, float, float, float]]) -> float:
    """How far a line of the scan drops per point across (its slope): the median over pairs
    of neighbouring words of one line."""
    slopes = []
    for a, b in itertools.pairwise(boxes):
        height = a[3] - a[1]
        rise = (b[1] + b[3] - a[1] - a[3]) / 2
        if 0 <= b[0] - a[2] < 2 * height and abs(rise) < 0.5 * height:
            slopes.append(rise / max((b[0] + b[2] - a[0] - a[2]) / 2, 1e-6))
    return float(np.median(slopes)) if slopes else 0.0


def _key_words(layer: list[_Char]) -> list[_Key]:
    """The values that matter in an OCR layer, with their boxes: 16-digit numbers (NIK, KK
    number), dates, and the words in capitals just left of a 16-digit number on its row (the
    members' names); other words in capitals are left out to keep to one short OCR call."""
    keys = []
    words = _words(layer)
    for word in words:
        text = "".join(c.text for c in word)
        if len(text) != len(word):
            continue
        for match in _KEY.finditer(text):
            keys.append(_Key(match.group(), _span(word[match.start() : match.end()])))
    numbers = [k for k in keys if _NUMBER.fullmatch(k.text)]
    slope = _skew([_span(w) for w in words])

    def names_a_number(key: _Key) -> bool:
        """On the row of a 16-digit number (the scan's skew allowed for), left of it."""
        middle, height = (key.box[1] + key.box[3]) / 2, key.box[3] - key.box[1]
        for n in numbers:
            across = (n.box[0] + n.box[2] - key.box[0] - key.box[2]) / 2
            expected = (n.box[1] + n.box[3]) / 2 - slope * across
            if abs(expected - middle) < 0.6 * height and 0 <= n.box[0] - key.box[2] <= 3 * (
                n.box[2] - n.box[0]
            ):
                return True
        return False

    return [k for k in keys if _DIGITS.fullmatch(k.text) or names_a_number(k)]


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _disagrees(key: str, read: str, t: LayerThresholds) -> tuple[int, bool]:
    if _DIGITS.fullmatch(key):
        want, got = re.sub(r"\D", "", key), re.sub(r"\D", "", read)
        edits = _distance(want, got)
        return edits, edits >= t.digit_edits
    got = re.sub(r"[^A-Z]", "", read)
    edits = _distance(key, got)
    return edits, edits >= max(t.letter_edits, t.letter_share * len(key))


@dataclass(frozen=True)
class _Scan:
    """The scanned page as a grey image, and where a point of the page falls in it."""

    grey: np.ndarray
    origin: tuple[float, float]  # page point (x, top) at pixel (0, 0)
    scale: tuple[float, float]  # pixels per point across and down
    dpi: float

    def pixels(self, box: tuple[float, ...]) -> tuple[float, float, float, float]:
        (ox, oy), (sx, sy) = self.origin, self.scale
        return (box[0] - ox) * sx, (box[1] - oy) * sy, (box[2] - ox) * sx, (box[3] - oy) * sy


def _scan(data: bytes, index: int, shapes: list[_Shape]) -> _Scan:
    """The page's scan decoded straight from its JPEG when it is one upright picture across
    the page, else the page drawn by pdfium at the scan's resolution (150-300 dpi)."""
    pictures = [s for s in shapes if s.page_size and s.image is not None]
    dpi = 200.0
    if len(pictures) == 1 and pictures[0].image is not None:
        shape, image = pictures[0], pictures[0].image
        width, height = shape.box[2] - shape.box[0], shape.box[3] - shape.box[1]
        a, b, c, d = shape.matrix[:4]
        filters = [str(getattr(f, "name", f)) for f, _ in image.stream.get_filters()]
        if b == c == 0 and a > 0 and d > 0 and filters == ["DCTDecode"]:
            raw = np.frombuffer(image.stream.get_rawdata() or b"", np.uint8)
            grey = cv2.imdecode(raw, cv2.IMREAD_GRAYSCALE) if raw.size else None
            if grey is not None:
                scale = (grey.shape[1] / width, grey.shape[0] / height)
                return _Scan(grey, (shape.box[0], shape.box[1]), scale, 72 * scale[0])
        srcsize = image.srcsize
        if srcsize and srcsize[0] and width > 0:
            dpi = min(max(72 * float(srcsize[0]) / width, 150.0), 300.0)
    return _Scan(_render(data, index, dpi, grey=True), (0.0, 0.0), (dpi / 72, dpi / 72), dpi)


def _crop(scan: _Scan, box: tuple[float, ...], height: int) -> np.ndarray:
    """The word's box (and a thin margin) on white, scaled to ``height`` pixels."""
    grey = scan.grey
    x0, top, x1, bottom = scan.pixels(box)
    margin = 0.08 * (bottom - top)
    y_a, y_b = max(int(top - margin), 0), min(int(bottom + margin) + 1, grey.shape[0])
    x_a, x_b = max(int(x0 - margin), 0), min(int(x1 + margin) + 1, grey.shape[1])
    crop = grey[y_a:y_b, x_a:x_b]
    if crop.size == 0:
        return np.full((height, height), 255, np.uint8)
    factor = height / max(bottom - top, 1.0)
    size = (max(int(crop.shape[1] * factor), 1), max(int(crop.shape[0] * factor), 1))
    crop = cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC)
    pad = height // 3
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _stack(crops: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Crops one under the other on white, with the rows each one takes."""
    gap = max((c.shape[0] for c in crops), default=10) // 2 + 10
    width = max(c.shape[1] for c in crops) + 2 * gap
    height = sum(c.shape[0] + gap for c in crops) + gap
    canvas = np.full((height, width), 255, np.uint8)
    rows, y = [], gap
    for crop in crops:
        canvas[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        rows.append((y, y + crop.shape[0]))
        y += crop.shape[0] + gap
    return canvas, rows


def _read(engine: OcrEngine, crops: list[np.ndarray]) -> list[str]:
    """Each crop's text, from one OCR call over all of them stacked."""
    canvas, rows = _stack(crops)
    texts: list[list[tuple[float, str]]] = [[] for _ in crops]
    for word in engine.recognise(cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR), layout="block"):
        middle = word.box.top + word.box.height / 2
        for index, (a, b) in enumerate(rows):
            if a - 5 <= middle <= b + 5:
                texts[index].append((word.box.left, word.text))
                break
    return ["".join(t for _, t in sorted(parts)) for parts in texts]


def _render(data: bytes, index: int, dpi: float, *, grey: bool = False) -> np.ndarray:
    """Page ``index`` as pdfium draws it: a BGR image, or a grey one."""
    document = pdfium.PdfDocument(data)
    try:
        array: np.ndarray = document[index].render(scale=dpi / 72, grayscale=grey).to_numpy()
    finally:
        document.close()
    return np.ascontiguousarray(array.reshape(array.shape[:2]) if grey else array[:, :, :3])


def _layer_signals(
    data: bytes,
    page: pdfplumber.page.Page,
    number: int,
    layer: tuple[list[_Char], list[_Shape]],
    engine: OcrEngine,
    t: LayerThresholds,
) -> list[Signal]:
    keys = _key_words(layer[0])
    if not keys:
        return []
    scan = _scan(data, number - 1, layer[1])
    reads = _read(engine, [_crop(scan, k.box, t.word_px) for k in keys])
    suspects = [(k, r) for k, r in zip(keys, reads, strict=True) if _disagrees(k.text, r, t)[1]]
    if not suspects:
        return []
    again = _read(engine, [_crop(scan, k.box, int(t.word_px * 1.4)) for k, _ in suspects])
    size = (float(page.width), float(page.height))
    signals: list[Signal] = []
    for (key, first), second in zip(suspects, again, strict=True):
        edits, disagree = _disagrees(key.text, second, t)
        if not disagree:
            continue
        threshold = (
            t.digit_edits
            if _DIGITS.fullmatch(key.text)
            else max(t.letter_edits, round(t.letter_share * len(key.text), 1))
        )
        details = {
            "method": "OCR layer vs scanned page: the word's region read again with Tesseract",
            "parameters": {
                "dpi": round(scan.dpi),
                "word_height_px": [t.word_px, int(t.word_px * 1.4)],
                "whitelist": _WHITELIST,
            },
            "score": min(edits, _disagrees(key.text, first, t)[0]),
            "threshold": threshold,
            "page": number,
            "kind": _kind(key.text),
            "characters": len(key.text),
            "characters_read": [len(first), len(second)],
            "box": _fraction(key.box, size),
        }
        signals.append((_CODE, details))
    return signals


def _is_ocr_layer(chars: list[_Char], shapes: list[_Shape], t: LayerThresholds) -> bool:
    """A scan across the page and (nearly) all its text invisible or under the scan."""
    letters = [c for c in chars if c.text.isalnum()]
    layered = sum(c.hidden in _LAYER_HIDING for c in letters)
    return (
        any(s.page_size for s in shapes) and bool(letters) and layered >= t.ocr_layer * len(letters)
    )


def text_layer_signals(
    data: bytes,
    *,
    engine: OcrEngine | None = None,
    thresholds: LayerThresholds | None = None,
) -> list[Signal]:
    """Where a PDF's text layer says what its pages do not show (none for a non-PDF)."""
    if not data.startswith(b"%PDF-"):
        return []
    t = thresholds or LayerThresholds()
    signals: list[Signal] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages[: t.max_pages], start=1):
            chars, shapes = _objects(page, t)
            _mark_hidden(chars, shapes, tuple(page.bbox), t)
            _overprinted(chars, t)
            if _is_ocr_layer(chars, shapes, t):
                layered = [c for c in chars if c.hidden in _LAYER_HIDING]
                for char in layered:
                    char.hidden = None
                engine = engine or TesseractEngine(lang="eng", extra_config=_CONFIG)
                signals += _layer_signals(data, page, number, (layered, shapes), engine, t)
            size = (float(page.width), float(page.height))
            signals += _hidden_signals(chars, number, size, t)
    return signals


def text_layer_findings(
    data: bytes, *, document: str, sha256: str | None, ctx: CheckContext
) -> list[Finding]:
    """The findings of ``text_layer_signals`` for one uploaded document."""
    return signal_findings(
        text_layer_signals(data),
        document=document,
        sha256=sha256,
        ctx=ctx,
        message=lambda code, details: (
            f"the PDF's text layer disagrees with the page: a {details['kind']} "
            f"({details['method']})"
        ),
    )


def text_layer_evidence(data_or_page_image: bytes | Image, signals: list[Signal]) -> Image:
    """The page (the first page a signal names) as a BGR image with each disagreeing word
    outlined: red where the text layer holds text the page does not show, orange where a
    re-read of the scan disagrees with the OCR layer."""
    pages = [d.get("page", 1) for _, d in signals if "box" in d]
    number = pages[0] if pages else 1
    if isinstance(data_or_page_image, bytes):
        image = _render(data_or_page_image, number - 1, 100)
    else:
        image = data_or_page_image.copy()
    h, w = image.shape[:2]
    thick = max(2, round(w / 600))
    for _, details in signals:
        if "box" not in details or details.get("page", 1) != number:
            continue
        x0, y0, x1, y1 = details["box"]
        colour = (0, 140, 255) if "OCR layer" in details["method"] else (0, 0, 255)
        corner = (int(x0 * w) - thick, int(y0 * h) - thick)
        cv2.rectangle(image, corner, (int(x1 * w) + thick, int(y1 * h) + thick), colour, thick)
    return image
