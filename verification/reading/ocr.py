"""OCR engines behind a small protocol; Tesseract through pytesseract is the one we ship.

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``: on two cores that is ~40% faster per
image than its own threading); callers parallelise across documents in processes instead. One
call reads a whole page or region with word boxes and confidences, never one call per line:
each call spawns a process.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Protocol

import pytesseract

from verification.errors import DocumentUnreadable
from verification.reading.model import Box, Image, Word

__all__ = ["OcrEngine", "TesseractEngine", "tesseract_version"]


class OcrEngine(Protocol):
    name: str

    def recognise(self, image: Image, *, layout: str = "block", digits: bool = False) -> list[Word]:
        """Words with boxes (image pixels) and confidences 0..1; ``digits`` limits to 0-9."""


_LAYOUT_PSM = {"block": 6, "column": 4, "sparse": 11, "line": 7, "auto": 3}


def tesseract_version() -> str:
    return str(pytesseract.get_tesseract_version())


@dataclass
class TesseractEngine:
    """pytesseract with the ``ind`` language data; ``timeout`` bounds one call."""

    lang: str = "ind"
    timeout: float = 30.0
    extra_config: str = ""
    name: str = "tesseract"

    def __post_init__(self) -> None:
        # Inherited by every tesseract child process this worker spawns.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    def recognise(self, image: Image, *, layout: str = "block", digits: bool = False) -> list[Word]:
        psm = _LAYOUT_PSM[layout]
        config = f"--oem 1 --psm {psm} {self.extra_config}"
        if digits:
            config += " -c tessedit_char_whitelist=0123456789"
        try:
            data = pytesseract.image_to_data(
                image,
                lang=self.lang,
                config=config.strip(),
                output_type=pytesseract.Output.DICT,
                timeout=self.timeout,
            )
        except pytesseract.TesseractError as exc:
            raise DocumentUnreadable(f"OCR failed (tesseract status {exc.status})") from exc
        except RuntimeError as exc:  # pytesseract reports its timeout this way
            raise DocumentUnreadable(f"OCR did not finish within {self.timeout:.0f} s") from exc
        words = []
        for i, text in enumerate(data["text"]):
            text = re.sub(r"\s+", "", str(text))
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            box = Box(
                float(data["left"][i]),
                float(data["top"][i]),
                float(data["width"][i]),
                float(data["height"][i]),
            )
            words.append(Word(text, max(0.0, min(conf / 100.0, 1.0)), box))
        return words
