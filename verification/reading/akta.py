"""Reading a Kutipan Akta Kelahiran: the fields of DESIGN.md section 3 from its wording.

An akta is prose, not a form: "bahwa di <place> pada tanggal <date in words> telah lahir
<name>, anak ke<ordinal>, <sex>, dari suami-isteri <father> dan <mother>" (models 1 and 2), or
"anak dari seorang ibu <mother>" (model 3: no father, legitimately), then "Kutipan ini
dikeluarkan di <city>, pada tanggal <date>". Fields are found by these anchors, matched
fuzzily because OCR garbles them, never by pixel positions, since wording and layout vary by
year and region. The page is read in one Tesseract call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import cv2
import numpy as np
from rapidfuzz import fuzz

from verification.errors import DocumentUnreadable
from verification.fields import AKTA_FIELDS
from verification.reading.model import Line, Page, PageReading, group_lines
from verification.reading.normalise import (
    BULAN,
    clean_name,
    clean_text,
    parse_date_words,
    parse_dmy,
)
from verification.reading.ocr import OcrEngine
from verification.reading.preprocess import PrepareOptions, prepare

__all__ = ["AKTA_FIELDS", "parse_akta", "parse_ordinal", "read_akta"]

_A4_WIDTH_200DPI = 1654

_ORDINALS = {
    "PERTAMA": 1,
    "KESATU": 1,
    "KEDUA": 2,
    "KETIGA": 3,
    "KEEMPAT": 4,
    "KELIMA": 5,
    "KEENAM": 6,
    "KETUJUH": 7,
    "KEDELAPAN": 8,
    "KESEMBILAN": 9,
    "KESEPULUH": 10,
    "KESEBELAS": 11,
    "KEDUABELAS": 12,
}


def parse_ordinal(text: str) -> int | None:
    """The birth order of "anak ke...": words or digits.

    >>> parse_ordinal("anak kedua,"), parse_ordinal("ANAK KE-3"), parse_ordinal("anak pertama")
    (2, 3, 1)
    """
    upper = text.upper()
    digits = re.search(r"KE\s*-?\s*(\d{1,2})\b", upper)
    if digits:
        return int(digits.group(1))
    for token in re.findall(r"[A-Z]+", upper):
        if token in _ORDINALS:
            return _ORDINALS[token]
        if len(token) >= 5 and token.startswith("KE"):
            best = max(_ORDINALS, key=lambda word: fuzz.ratio(word, token))
            if fuzz.ratio(best, token) >= 85:
                return _ORDINALS[best]
    return None


def _after(anchor: str, text: str, threshold: int = 80) -> str | None:
    """The text after ``anchor`` at the start of ``text`` (fuzzy), or None."""
    words = text.split()
    size = len(anchor.split())
    for extra in (0, 1, -1):
        n = size + extra
        if 0 < n <= len(words) and fuzz.ratio(" ".join(words[:n]).upper(), anchor) >= threshold:
            return " ".join(words[n:]).strip(" :,.")
    return None


def _day_month_year(text: str) -> date | None:
    """ "25 Januari 1991": digits with the month in words."""
    match = re.search(r"(\d{1,2})\s+([A-Za-z]{3,})\s+(\d{4})", text)
    if match is None:
        return None
    month = max(BULAN, key=lambda name: fuzz.ratio(name, match.group(2).upper()))
    if fuzz.ratio(month, match.group(2).upper()) < 75:
        return None
    try:
        return date(int(match.group(3)), BULAN[month], int(match.group(1)))
    except ValueError:
        return None


def _date(text: str) -> date | None:
    return parse_date_words(text) or _day_month_year(text) or parse_dmy(text)


def _sex(text: str) -> str | None:
    upper = text.upper()
    if fuzz.partial_ratio("PEREMPUAN", upper) >= 85:
        return "PEREMPUAN"
    if fuzz.partial_ratio("LAKI-LAKI", upper) >= 80:
        return "LAKI-LAKI"
    return None


def _number(lines: Sequence[str]) -> str | None:
    for index, text in enumerate(lines):
        upper = text.upper()
        match = re.search(r"\bNO(?:MOR|\.)?\s*[:.]?\s*([A-Z0-9][A-Z0-9./-]{3,})\s*$", upper)
        if match and "NIP" not in upper:
            return match.group(1)
        if fuzz.partial_ratio("BERDASARKAN AKTA KELAHIRAN NOMOR", upper) >= 85:
            tail = re.split(r"NOMOR", upper)[-1].strip(" :")
            if tail:
                return tail.split()[0]
            if index + 1 < len(lines):
                return lines[index + 1].split()[0].upper()
    return None


def parse_akta(lines: Sequence[str]) -> dict[str, object]:
    """Fields from the lines of an akta, in reading order."""
    fields: dict[str, object] = {}
    number = _number(lines)
    if number:
        fields["no_akta"] = number
    issued = False
    for index, text in enumerate(lines):
        rest = _after("BAHWA DI", text)
        if rest and "tempat_lahir" not in fields:
            fields["tempat_lahir"] = clean_text(rest)
            continue
        rest = _after("PADA TANGGAL", text)
        if rest is not None:
            # the date may wrap onto the next line when written in words
            when = _date(rest) or (_date(lines[index + 1]) if index + 1 < len(lines) else None)
            key = "tanggal_terbit" if issued else "tanggal_lahir"
            if when and key not in fields:
                fields[key] = when.isoformat()
            continue
        rest = _after("TELAH LAHIR", text)
        if rest and "nama" not in fields:
            fields["nama"] = clean_name(rest)
            continue
        if fuzz.partial_ratio("ANAK KE", text.upper()) >= 85 and "anak_ke" not in fields:
            order = parse_ordinal(text)
            if order is not None:
                fields["anak_ke"] = order
            sex = _sex(text)
            if sex:
                fields["jenis_kelamin"] = sex
        _parents(fields, lines, index, text)
        rest = _after("KUTIPAN INI DIKELUARKAN DI", text)
        if rest:
            place, _, when_text = rest.partition(",")
            fields["tempat_terbit"] = clean_text(place)
            issued = True
            when = _date(when_text) if when_text else None
            if when:
                fields["tanggal_terbit"] = when.isoformat()
    return fields


def _parents(fields: dict[str, object], lines: Sequence[str], index: int, text: str) -> None:
    upper = text.upper()
    if fuzz.partial_ratio("DARI SEORANG IBU", upper) >= 85 and "nama_ibu" not in fields:
        mother = re.split(r"(?i)seorang\s+ibu", text)[-1] or (
            lines[index + 1] if index + 1 < len(lines) else ""
        )
        fields["nama_ibu"] = clean_name(mother)
        fields["nama_ayah"] = None
        fields["model"] = 3
        return
    if fuzz.partial_ratio("DARI SUAMI-ISTERI", upper) >= 85 and "nama_ibu" not in fields:
        after = re.split(r"(?i)suami\s*-?\s*ist?e?ri", text)[-1].strip(" :,")
        following = " ".join([after, *lines[index + 1 : index + 3]]).strip()
        father, _, mother = (
            re.split(r"\s+DAN\s+", " " + following.upper() + " ", maxsplit=1)[0],
            None,
            None,
        )
        parts = re.split(r"\s+DAN\s+", following.upper(), maxsplit=1)
        if len(parts) == 2:
            father, mother = parts[0], re.split(r"\s+YANG\s+", parts[1])[0]
            fields["nama_ayah"] = clean_name(father)
            fields["nama_ibu"] = clean_name(mother)
            fields["model"] = 2 if "BELUM TERCATAT" in following.upper() else 1


def read_akta(pages: list[Page], engine: OcrEngine) -> PageReading:
    """Read an akta kelahiran (image or scanned PDF; a text-layer PDF is read as text)."""
    page = pages[0]
    steps: list[str] = []
    if page.words:
        lines = [ln.text for ln in group_lines(page.words)]
        confidence = 1.0
    elif page.image is not None:
        gray, steps = prepare(page.image, PrepareOptions(target_width=_A4_WIDTH_200DPI))
        scale = min(1.0, 1150 / gray.shape[1])  # akta print is large: fewer pixels, same read
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            steps.append("downscale")
        words = engine.recognise(gray, layout="auto")
        line_objs: list[Line] = group_lines(words)
        lines = [ln.text for ln in line_objs]
        confidence = float(np.mean([w.conf for w in words])) if words else 0.0
    else:
        raise DocumentUnreadable("the page has neither text nor an image")
    fields = parse_akta(lines)
    if not {"nama", "tanggal_lahir"} & fields.keys():
        raise DocumentUnreadable("no akta kelahiran wording found on the page")
    conf = {name: round(confidence, 3) for name in fields if name != "model"}
    return PageReading(fields, conf, steps, "\n".join(lines))
