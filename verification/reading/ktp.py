"""Reading a KTP-el: card geometry, one OCR pass, and the 19 fields of DESIGN.md section 3.

The card is first brought to its canonical geometry (85.6 x 54 mm at 300 dpi: 1011 x 638 px),
whatever the photo or scan looked like. On that card the layout of Permendagri 74/2015 is
stable: labels in a left column, values after ":", the photo top right with the place and date
of issue under it. Values are assigned to fields by their label (matched fuzzily) and, where
OCR lost the label, by their row on the card. The photo and signature are blanked before OCR,
so one Tesseract call reads the whole card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np
from rapidfuzz import fuzz

from verification.fields import KTP_FIELDS
from verification.reading.model import Box, Image, Line, Word, group_lines
from verification.reading.normalise import (
    clean_name,
    clean_text,
    match_vocabulary,
    nik_fits,
    parse_dmy,
    reconcile_nik,
    repair_digits,
)
from verification.reading.ocr import OcrEngine
from verification.reading.preprocess import (
    denoise,
    deskew,
    estimate_skew,
    find_document,
    normalise_lighting,
    to_gray,
)
from verification.vocabulary import (
    AGAMA,
    AGAMA_VARIANTS,
    GOL_DARAH,
    JENIS_KELAMIN,
    KEWARGANEGARAAN,
    PEKERJAAN,
    STATUS_PERKAWINAN,
)

__all__ = ["KTP_FIELDS", "KTP_SIZE", "KtpReading", "normalise_card", "parse_ktp", "read_ktp"]

KTP_SIZE = (1011, 638)  # width, height at 300 dpi

# Label rows in card order; the fraction is the row's vertical centre on the canonical card.
_ROWS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("nik", ("NIK",), 0.200),
    ("nama", ("NAMA",), 0.270),
    ("ttl", ("TEMPAT/TGL LAHIR", "TEMPAT TGL LAHIR"), 0.326),
    ("jk", ("JENIS KELAMIN",), 0.382),
    ("alamat", ("ALAMAT",), 0.439),
    ("rt_rw", ("RT/RW",), 0.495),
    ("kel_desa", ("KEL/DESA",), 0.552),
    ("kecamatan", ("KECAMATAN",), 0.608),
    ("agama", ("AGAMA",), 0.665),
    ("status_perkawinan", ("STATUS PERKAWINAN",), 0.721),
    ("pekerjaan", ("PEKERJAAN",), 0.777),
    ("kewarganegaraan", ("KEWARGANEGARAAN",), 0.834),
    ("berlaku_hingga", ("BERLAKU HINGGA",), 0.890),
)
_LABEL_REACH = 0.085  # a label is believed up to 1.5 rows from where the card prints it
_VALUE_X = 0.245  # values start right of this fraction of the width (the colon column)
_COLON_X = 0.2575  # a value word starting left of this includes the printed colon
_VALUE_START = 0.2625  # where the first letter of a value starts
_RIGHT_X = 0.745  # the photo column


@dataclass
class KtpReading:
    fields: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    text: str = ""


def normalise_card(image: Image) -> tuple[Image, list[str]]:
    """Crop, straighten and scale a KTP photo or scan to the canonical card size."""
    steps: list[str] = []
    cropped = find_document(image)
    if cropped is not image:
        image, steps = cropped, ["find_document"]
    if abs(estimate_skew(image)) >= 0.3:
        image, steps = deskew(image), [*steps, "deskew"]
    if steps == ["deskew"]:  # a rotated scan whose card edges were not found
        framed = _crop_to_content(image)
        if framed is not image:
            image, steps = framed, [*steps, "crop_to_content"]
    width = image.shape[1]
    if width < 0.8 * KTP_SIZE[0]:
        steps.append("upscale")
    interpolation = cv2.INTER_CUBIC if width < KTP_SIZE[0] else cv2.INTER_AREA
    return cv2.resize(image, KTP_SIZE, interpolation=interpolation), steps


# Where the printed content sits on the canonical card: from the labels' left edge and the
# header's top to the photo's right edge and the last row's bottom (Permendagri template).
_CONTENT = (28 / 1011, 18 / 638, 976 / 1011, 582 / 638)


def _crop_to_content(image: Image) -> Image:
    """Frame a card whose edges could not be found (light card on a light, unevenly lit
    scanner bed) by the extent of its printed content, mapped onto the card template."""
    gray = to_gray(image)
    height, width = gray.shape[:2]
    ink = cv2.adaptiveThreshold(
        gray,
        255,
        cv2.ADAPTIVE_THRESH_MEAN_C,
        cv2.THRESH_BINARY_INV,
        max(15, (min(height, width) // 25) | 1),
        20,
    )
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    ys, xs = np.nonzero(ink)
    if xs.size < 500:
        return image
    x0, x1 = np.percentile(xs, (0.3, 99.7))
    y0, y1 = np.percentile(ys, (0.3, 99.7))
    cl, ct, cr, cb = _CONTENT
    card_w, card_h = (x1 - x0) / (cr - cl), (y1 - y0) / (cb - ct)
    left, top = x0 - cl * card_w, y0 - ct * card_h
    # Only reframe when the content clearly does not fill the image as a card would.
    if abs(card_w - width) < 0.06 * width and abs(card_h - height) < 0.08 * height:
        return image
    source = np.array([[left, top], [left + card_w, top], [left, top + card_h]], np.float32)
    target = np.array([[0, 0], [KTP_SIZE[0], 0], [0, KTP_SIZE[1]]], np.float32)
    matrix = cv2.getAffineTransform(source, target)
    return cv2.warpAffine(
        image, matrix, KTP_SIZE, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def _sharpness(gray: Image) -> float:
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def _enhance(card: Image) -> tuple[Image, list[str]]:
    gray = normalise_lighting(to_gray(card))
    steps = ["normalise_lighting"]
    noise = float(np.median(np.abs(cv2.Laplacian(gray.astype(np.float32), cv2.CV_32F))))
    if noise > 10:
        gray, steps = denoise(gray), [*steps, "denoise"]
    if _sharpness(gray) < 1500:
        blurred = cv2.GaussianBlur(gray, (0, 0), 2.5)
        gray = cv2.addWeighted(gray, 1.8, blurred, -0.8, 0)
        steps.append("sharpen")
    return gray, steps


def _blank_photo_column(gray: Image) -> Image:
    """The card with its photo column blanked below the header: Tesseract segments the label
    and value columns cleanly without the photo, signature and issue block beside them."""
    height, width = gray.shape[:2]
    main = gray.copy()
    main[int(0.17 * height) :, int(_RIGHT_X * width) :] = 255
    return main


def _label_of(words: list[Word], y_centre: float) -> str | None:
    text = clean_text(" ".join(w.text for w in words))
    best, best_score = None, 0.0
    for key, labels, row_y in _ROWS:
        if abs(row_y - y_centre) > _LABEL_REACH:
            continue  # a label read far from its row is a misreading ("Alamat" as "Nama")
        for label in labels:
            score = fuzz.ratio(text, label)
            if key == "nik" and text != "NIK":
                score -= 15  # three letters match too much by chance
            if score > best_score:
                best, best_score = key, score
    if best is not None and best_score >= 70:
        return best
    row = min(_ROWS, key=lambda r: abs(r[2] - y_centre))
    return row[0] if abs(row[2] - y_centre) < 0.028 else None


_COLON_LOOKALIKES = ":;1Il|!i»>.,'"


def _strip_colon(words: list[Word], width: float) -> list[Word]:
    """Drop the printed ":" (OCR often reads it as 1, I, ! or ») at the colon column."""
    if not words or words[0].box.left >= _COLON_X * width:
        return words
    first = words[0]
    # A short "word" that ends before the value column is the colon, whatever it was read as.
    if len(first.text) <= 2 and (
        first.box.right <= _VALUE_START * width or all(c in _COLON_LOOKALIKES for c in first.text)
    ):
        return words[1:]
    if first.text[0] in _COLON_LOOKALIKES:
        return [Word(first.text[1:], first.conf, first.box), *words[1:]]
    return words


_BLOOD_LOOKALIKES = str.maketrans({"0": "O", "8": "B", "4": "A", "D": "O", "Q": "O"})


def _drop_label_echo(key: str, text: str) -> str:
    """Drop label words OCR put on the value side ("PERKAWINAN KAWIN" of Status Perkawinan)."""
    labels = next((r[1] for r in _ROWS if r[0] == key), ())
    label_tokens = {t for label in labels for t in re.split(r"[\s/]+", label) if len(t) >= 4}
    tokens = text.split()
    while len(tokens) > 1 and any(
        fuzz.ratio(re.sub(r"[^A-Z]", "", tokens[0].upper()), t) >= 80 for t in label_tokens
    ):
        tokens = tokens[1:]
    return re.sub(r"^[^A-Za-z0-9]+", "", " ".join(tokens))


def _value_text(words: list[Word]) -> tuple[str, float]:
    text = " ".join(w.text for w in words)
    # OCR turns the colon and specks before a value into ":", "#", "£", "—" and the like.
    text = re.sub(r"^[^A-Za-z0-9]+", "", text).strip()
    conf = float(np.mean([w.conf for w in words])) if words else 0.0
    return text, conf


def _set(reading: KtpReading, name: str, value: str | None, conf: float) -> None:
    if value:
        reading.fields[name] = value
        reading.confidence[name] = round(max(0.0, min(conf, 1.0)), 3)


def _vocab(
    reading: KtpReading, name: str, text: str, conf: float, vocab: object, cutoff: float = 60
) -> None:
    cleaned = clean_text(text)
    if name == "agama":
        cleaned = AGAMA_VARIANTS.get(cleaned, cleaned)
    matched = match_vocabulary(cleaned, vocab, cutoff=cutoff, margin=10)  # type: ignore[arg-type]
    if matched is not None:
        _set(reading, name, matched[0], conf * matched[1])
    elif cleaned:
        _set(reading, name, cleaned, conf * 0.5)


def _nik_digits(text: str) -> str | None:
    """16 digits from a NIK reading; a leading 1 on 17 digits is the printed colon."""
    digits = repair_digits(text.replace(":", ""))
    if digits is not None and len(digits) == 17 and digits[0] == "1":
        digits = digits[1:]
    return digits if digits is not None and len(digits) == 16 else None


def _set_rt_rw(reading: KtpReading, text: str, conf: float) -> None:
    """RT/RW is two 3-digit numbers; the slash is often read as 1, l, I or |, or lost."""
    compact = re.sub(r"\s", "", text)
    match = re.fullmatch(r"[:;1|]?(\S{3})[/\\|lI1]?(\S{3})", compact)
    digits = [repair_digits(g) for g in match.groups()] if match else []
    if len(digits) == 2 and all(d and len(d) == 3 for d in digits):
        _set(reading, "rt_rw", f"{digits[0]}/{digits[1]}", conf)
    else:
        _set(reading, "rt_rw", clean_text(text), conf * 0.4)


def _split_straddling(words: list[Word], width: float) -> list[Word]:
    """Split a word OCR merged across the colon column ("Lahir:SIDOARJO") at its colon."""
    out: list[Word] = []
    for word in words:
        box = word.box
        if box.left < _VALUE_X * width < box.right and ":" in word.text[1:]:
            head, _, tail = word.text.partition(":")
            cut = box.left + box.width * (len(head) + 1) / len(word.text)
            out.append(Word(head, word.conf, Box(box.left, box.top, cut - box.left, box.height)))
            if tail:
                out.append(Word(tail, word.conf, Box(cut, box.top, box.right - cut, box.height)))
        else:
            out.append(word)
    return out


def _parse_row(reading: KtpReading, key: str, text: str, conf: float) -> None:
    if key == "nik":
        nik = next(filter(None, (_nik_digits(t) for t in (text, *text.split()))), None)
        _set(reading, "nik", nik or clean_text(text), conf if nik else conf * 0.3)
    elif key == "nama":
        _set(reading, key, clean_name(text), conf)
    elif key in ("alamat", "kel_desa", "kecamatan"):
        _set(reading, key, clean_text(text), conf)
    elif key == "ttl":
        place, _, rest = text.rpartition(",")
        born = parse_dmy(rest or text)
        if not place:
            match = re.match(r"(.*?)[\s,.]*([0-9OIlSB|]{2}\s*[-.]\s*\S+)$", text)
            place = match.group(1) if match else ""
        _set(reading, "tempat_lahir", clean_text(place), conf)
        _set(reading, "tanggal_lahir", born.isoformat() if born else None, conf)
    elif key == "jk":
        # "PEREMPUAN   Gol. Darah : B": the sex is the first token, the group the last one.
        tokens = text.replace(":", " ").split()
        _vocab(reading, "jenis_kelamin", tokens[0] if tokens else "", conf, JENIS_KELAMIN)
        if len(tokens) > 1:
            gol = tokens[-1].upper().translate(_BLOOD_LOOKALIKES)
            if gol in GOL_DARAH:
                _set(reading, "gol_darah", gol, conf)
    elif key == "rt_rw":
        _set_rt_rw(reading, text, conf)
    elif key == "agama":
        _vocab(reading, "agama", text, conf, AGAMA)
    elif key == "status_perkawinan":
        _vocab(reading, "status_perkawinan", text, conf, STATUS_PERKAWINAN)
    elif key == "pekerjaan":
        _vocab(reading, "pekerjaan", text, conf, PEKERJAAN, cutoff=75)
    elif key == "kewarganegaraan":
        _vocab(reading, "kewarganegaraan", text, conf, KEWARGANEGARAAN)
    elif key == "berlaku_hingga":
        until = parse_dmy(text)
        if until is not None:
            _set(reading, "berlaku_hingga", until.isoformat(), conf)
        elif fuzz.partial_ratio("SEUMUR HIDUP", clean_text(text)) >= 75:
            _set(reading, "berlaku_hingga", "SEUMUR HIDUP", conf)


def _header(reading: KtpReading, lines: list[Line], height: float) -> None:
    top = [ln for ln in lines if ln.box.bottom < 0.17 * height]
    for line in top:
        text = clean_text(line.text)
        match = re.match(r"^\S*?(PROV\S*)\s+(.*)$", text)
        if match and fuzz.ratio(match.group(1), "PROVINSI") >= 70:
            _set(reading, "provinsi", match.group(2), line.conf)
            continue
        match = re.match(r"^(KABUPATEN|KAB\.?|KOTA)\s+(.*)$", text)
        if match:
            kind = "KOTA" if match.group(1) == "KOTA" else "KABUPATEN"
            _set(reading, "kabupaten_kota", f"{kind} {match.group(2)}", line.conf)
        elif "provinsi" in reading.fields and text and "kabupaten_kota" not in reading.fields:
            _set(reading, "kabupaten_kota", text, line.conf * 0.6)  # DKI: city without prefix


def _issue(reading: KtpReading, words: list[Word], size: tuple[int, int]) -> None:
    width, height = size
    right = [
        w
        for w in words
        if w.box.left >= _RIGHT_X * width and 0.6 * height < w.box.centre_y < 0.76 * height
    ]
    for line in group_lines(right):
        when = parse_dmy(line.text)
        if when is not None:
            _set(reading, "tanggal_terbit", when.isoformat(), line.conf)
        elif re.search(r"[A-Z]{3}", line.text.upper()):
            _set(reading, "tempat_terbit", clean_text(line.text), line.conf)


def parse_ktp(words: list[Word], size: tuple[int, int] = KTP_SIZE) -> KtpReading:
    """Assign OCR words of a canonical card to the KTP fields."""
    width, height = size
    reading = KtpReading(words=list(words))
    left = _split_straddling([w for w in words if w.box.left < _RIGHT_X * width], width)
    lines = group_lines(left)
    reading.text = "\n".join(ln.text for ln in group_lines(words))
    _header(reading, lines, height)
    previous: str | None = None
    for line in lines:
        if line.box.bottom < 0.17 * height:
            continue
        labels = [
            w
            for w in line.words
            if w.box.right <= _VALUE_X * width + 8 and not w.text.startswith(":")
        ]
        values = _strip_colon([w for w in line.words if w not in labels], width)
        key = _label_of(labels, line.box.centre_y / height) if labels else None
        if key is None and not labels:
            key = _label_of([], line.box.centre_y / height)
        text, conf = _value_text(values)
        if key is None or not text:
            continue
        text = _drop_label_echo(key, text)
        if previous == "alamat" and not labels:  # a long address wraps onto a second line
            reading.fields["alamat"] = f"{reading.fields.get('alamat', '')} {clean_text(text)}"
            continue
        _parse_row(reading, key, text, conf)
        previous = key
    _issue(reading, words, size)
    return reading


def _second_pass(
    gray: Image, engine: OcrEngine, *, enlarge: bool
) -> tuple[list[Word], tuple[str, float] | None]:
    """One more Tesseract call on a composite: the place/date of issue under the photo, and
    the NIK band enlarged. The NIK gets an independent second reading at no extra process."""
    height, width = gray.shape[:2]
    top, left = int(0.615 * height), int(_RIGHT_X * width)
    issue = gray[top : int(0.745 * height), left:]
    scale = 1.5 if enlarge else 1.0  # small print, enlarged when the source was coarse
    issue = cv2.resize(issue, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    band = gray[int(0.15 * height) : int(0.25 * height), int(_COLON_X * width) : left]
    # A differently prepared image (enlarged, binarised) makes the two readings' errors
    # independent: where both agree, the NIK is read.
    band = cv2.resize(band, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    band = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    gap = 24
    canvas = np.full(
        (issue.shape[0] + gap + band.shape[0], max(issue.shape[1], band.shape[1])), 255, np.uint8
    )
    canvas[: issue.shape[0], : issue.shape[1]] = issue
    canvas[issue.shape[0] + gap :, : band.shape[1]] = band
    words = engine.recognise(canvas, layout="column")  # psm 6 drops the smaller text
    issue_words = [
        Word(
            w.text,
            w.conf,
            Box(
                w.box.left / scale + left,
                w.box.top / scale + top,
                w.box.width / scale,
                w.box.height / scale,
            ),
        )
        for w in words
        if w.box.bottom <= issue.shape[0] + gap / 2
    ]
    nik_words = [w for w in words if w.box.top > issue.shape[0] + gap / 2]
    nik = _nik_digits("".join(w.text for w in nik_words).lstrip(":;"))
    conf = float(np.mean([w.conf for w in nik_words])) if nik_words else 0.0
    return issue_words, (nik, conf) if nik else None


def _reconcile_nik(reading: KtpReading, second: tuple[str, float] | None) -> None:
    """The NIK read twice (line and band): ``reconcile_nik`` keeps one reading, checked
    against the birth date and sex printed on the card."""
    if second is None:
        return
    born, sex = reading.fields.get("tanggal_lahir"), reading.fields.get("jenis_kelamin")
    nik, conf, disagreed = reconcile_nik(
        reading.fields.get("nik"),
        reading.confidence.get("nik", 0.0),
        second[0],
        second[1],
        lambda candidate: nik_fits(candidate, born, sex),
    )
    if nik is not None:
        _set(reading, "nik", nik, conf)
    if disagreed:
        reading.steps.append("nik_disagreement")


def read_ktp(image: Image, engine: OcrEngine) -> KtpReading:
    """Read every field of a KTP photo or scan."""
    card, steps = normalise_card(image)
    gray, enhance_steps = _enhance(card)
    main = _blank_photo_column(gray)
    words = engine.recognise(main, layout="block")
    coarse = "upscale" in steps or "sharpen" in enhance_steps
    issue_words, second_nik = _second_pass(gray, engine, enlarge=coarse)
    reading = parse_ktp(words + issue_words)
    reading.steps = [*steps, *enhance_steps, "split_columns"]
    _reconcile_nik(reading, second_nik)
    return reading
