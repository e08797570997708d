"""Evidence pictures: what a person should look at, drawn from a document's fraud findings.

A finding's evidence holds the method, parameters, score, threshold and boxes as data; for
the detectors that point at places on the page, this draws them on the document itself as a
PNG the verification stage stores beside the documents and links from the findings:

- a copy-move's two regions joined by an arrow;
- the words of a PDF's text layer the page does not show;
- retyped NIK digits, on the straightened card they were measured on (beside the upload when
  the upload has other marks too).

Findings without a place on the page (metadata, producer, revisions, duplicates) get no
picture: their evidence is the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from verification.errors import DocumentUnreadable
from verification.findings import Finding
from verification.fraud.copymove import copy_move_evidence
from verification.fraud.pdflayer import text_layer_evidence
from verification.fraud.signals import Signal
from verification.reading.ktp import normalise_card
from verification.reading.loader import load_pages
from verification.reading.model import Image

__all__ = ["evidence_picture"]

_LONGEST_SIDE = 1600  # pictures are for people: large scans are reduced


def _boxes(image: Image, signals: Sequence[Signal]) -> Image:
    """Each finding's box outlined in red."""
    canvas = image.copy() if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    height, width = canvas.shape[:2]
    thick = max(2, round(max(height, width) / 500))
    for _, details in signals:
        box = details.get("box")
        if box and len(box) == 4:
            x0, y0, x1, y1 = box
            start = (round(x0 * width) - thick, round(y0 * height) - thick)
            end = (round(x1 * width) + thick, round(y1 * height) + thick)
            cv2.rectangle(canvas, start, end, (0, 0, 230), thick)
    result: Image = canvas
    return result


def _png(image: Image) -> bytes:
    height, width = image.shape[:2]
    scale = _LONGEST_SIDE / max(height, width)
    if scale < 1:
        size = (round(width * scale), round(height * scale))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("OpenCV could not encode the evidence picture")
    return bytes(encoded.tobytes())


def evidence_picture(data: bytes, findings: Sequence[Finding]) -> bytes | None:
    """A PNG of the document with its findings' places drawn, or None when none of the
    findings points at a place."""
    signals = [(f.code, dict(f.evidence.details)) for f in findings if f.code.startswith("fraud.")]
    placed = [s for s in signals if s[1].get("box") or s[1].get("regions")]
    if not placed:
        return None
    if data.startswith(b"%PDF-"):
        return _png(text_layer_evidence(data, [s for s in placed if "box" in s[1]]))
    try:
        pages = load_pages(data)
    except DocumentUnreadable:
        return None
    image = pages[0].image if pages else None
    if image is None:
        return None
    on_card = [s for s in placed if "card_size" in s[1]]  # measured on the straightened card
    placed = [s for s in placed if "card_size" not in s[1]]
    moved = [s for s in placed if s[0] == "fraud.tamper.copy_move"]
    others = [s for s in placed if s[0] != "fraud.tamper.copy_move"]
    card = _boxes(normalise_card(image)[0], on_card) if on_card else None
    if not placed and card is not None:
        return _png(card)
    if moved:
        image = copy_move_evidence(image, moved)
    if others:
        image = _boxes(image, others)
    return _png(image if card is None else _side_by_side(image, card))


def _side_by_side(left: Image, right: Image) -> Image:
    """Two pictures on one canvas, the right one scaled to the left one's height."""
    height = left.shape[0]
    scaled = cv2.resize(right, (round(right.shape[1] * height / right.shape[0]), height))
    gap = np.full((height, 16, 3), 255, np.uint8)
    joined: Image = np.hstack([left, gap, scaled])
    return joined
