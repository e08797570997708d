"""Reading a Kutipan Akta Kelahiran (domain-spec 6.3): the page, one OCR pass, the wording.

This module owns the akta reader: bringing a photo or scan of the page to a clean grey image
(find the page, straighten it, flatten the lighting), reading it in one Tesseract call, and
taking the DESIGN.md section 3 fields from the prose, with the parsers of what an akta writes
in its own way: register numbers, dates in words, birth order in ordinal words.

An akta is prose, not a form: "Berdasarkan Akta Kelahiran Nomor <number> bahwa di <place>
pada tanggal <date in words> telah lahir <name>, anak ke<ordinal>, <sex>, dari suami-isteri
<father> dan <mother>" (model 1; model 2 adds that the marriage is not yet registered), "anak
dari seorang ibu <mother>" (model 3: no father, legitimately) or an origin unknown (model 4),
then "Kutipan ini dikeluarkan di <city>, pada tanggal <date>". Fields are found by these
anchors, matched fuzzily because OCR garbles them and wording differs by year and region,
never by where they sit on the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import cv2
import numpy as np
from rapidfuzz import fuzz, process

from verification.errors import DocumentUnreadable
from verification.fields import AKTA_FIELDS
from verification.reading.model import Image, Line, Page, PageReading, Word
from verification.reading.normalise import (
    BULAN,
    clean_name,
    parse_date_words,
    parse_dmy,
    repair_digits,
)
from verification.reading.ocr import OcrEngine
from verification.reading.preprocess import (
    deskew,
    estimate_skew,
    find_document,
    normalise_lighting,
    to_gray,
)

__all__ = [
    "AKTA_FIELDS",
    "AktaText",
    "Anchor",
    "NoAkta",
    "Tanggal",
    "find_anchor",
    "parse_akta",
    "parse_no_akta",
    "parse_ordinal",
    "parse_tanggal",
    "read_akta",
    "text_lines",
]

# ---------------------------------------------------------------------------------------------
# Anchors: the fixed wording, found fuzzily in a line of OCR tokens.

# Digits OCR reads for letters in printed words (the anchors never contain digits).
_LETTER_LOOKALIKES = str.maketrans({"1": "L", "0": "O", "5": "S", "8": "B", "|": "L", "!": "L"})


def _key(text: str) -> str:
    """Letters of a word for fuzzy comparison: upper case, digit look-alikes as letters."""
    return re.sub(r"[^A-Z]", "", text.upper().translate(_LETTER_LOOKALIKES))


@dataclass(frozen=True)
class Anchor:
    """Where a phrase was found in a line: tokens ``start`` to ``end`` (exclusive), 0..100."""

    start: int
    end: int
    score: float


def find_anchor(
    phrase: str,
    tokens: Sequence[str],
    *,
    cutoff: float = 80.0,
    exact: int = 4,
    prefix: bool = False,
) -> Anchor | None:
    """The best place ``phrase`` occurs in ``tokens`` despite OCR errors, split or glued words.

    Letters are compared without spaces, so "bahwadi" and "te1ah lahir" are found; phrases of
    ``exact`` letters or fewer must match exactly, since fuzzy matching finds them anywhere.
    With ``prefix``, the last token may run on past the phrase ("anak kedua" holds "ANAK KE").

    >>> find_anchor("TELAH LAHIR", "te1ah lahir BUDI SANTOSO".split())
    Anchor(start=0, end=2, score=100.0)
    >>> find_anchor("BAHWA DI", "bahwadl MEDAN".split()).end
    1
    >>> find_anchor("KUTIPAN INI DIKELUARKAN DI", "Kutipan inl dikcluarkan di X".split()).end
    4
    >>> find_anchor("TELAH LAHIR", "anak kedua".split()) is None
    True
    >>> find_anchor("ANAK KE", "anak kedua,".split(), prefix=True).end
    2
    """
    target = _key(phrase)
    keys = [_key(t) for t in tokens]
    limit = 100.0 if len(target) <= exact else cutoff
    best: Anchor | None = None
    span = len(phrase.split()) + 1
    for start, first in enumerate(keys):
        if not first or fuzz.ratio(target[: len(first)], first) < 50:
            continue
        window = ""
        for end in range(start + 1, min(start + span, len(keys)) + 1):
            window += keys[end - 1]
            score = fuzz.ratio(target, window[: len(target)] if prefix else window)
            if score >= limit and (best is None or score > best.score):
                best = Anchor(start, end, score)
            if len(window) > len(target) + 2:
                break
    return best


# ---------------------------------------------------------------------------------------------
# Values an akta writes in its own way.


@dataclass(frozen=True)
class NoAkta:
    """A register number: ``text`` as printed (normalised), and the modern SIAK parts.

    ``kind`` is ``LU`` (lahir umum, reported in time), ``LT`` (lahir terlambat) or None for an
    older free-form number; ``kabkota`` is the 4-digit regency/city code (NIK digits 1-4),
    ``registered`` the registration date and ``serial`` the 4-digit serial of a modern number.
    """

    text: str
    kind: Literal["LU", "LT"] | None = None
    kabkota: str | None = None
    registered: date | None = None
    serial: str | None = None

    @property
    def modern(self) -> bool:
        return self.kind is not None


_DASHES = re.compile(r"\s*[-–—_~=]+\s*")
_MODERN = re.compile(r"([0-9A-Z]{4})-?([L1I|][UTO0])-?([0-9A-Z]{8})-?([0-9A-Z]{4})")


def _modern(text: str) -> NoAkta | None:
    compact = re.sub(r"[^A-Z0-9-]", "", _DASHES.sub("-", text.upper()))
    match = _MODERN.fullmatch(compact) if compact.count("-") >= 2 else None
    if match is None:
        return None
    code, when, serial = (repair_digits(match.group(i)) for i in (1, 3, 4))
    if code is None or when is None or serial is None or code.endswith("00"):
        return None  # a code ending 00 is a province, never a regency or city
    try:
        registered = date(int(when[4:]), int(when[2:4]), int(when[:2]))
    except ValueError:
        return None
    kind: Literal["LU", "LT"] = "LT" if match.group(2)[1] == "T" else "LU"
    return NoAkta(f"{code}-{kind}-{when}-{serial}", kind, code, registered, serial)


def parse_no_akta(text: str) -> NoAkta | None:
    """A birth register number: modern ``KKKK-LU-DDMMYYYY-NNNN`` (or ``LT``) checked for its
    parts, else an older free form (``474.1/1234/1995``, ``1234/1990``, ``AL.123.4567``).

    >>> parse_no_akta("1471-LU-12082014-0042").registered
    datetime.date(2014, 8, 12)
    >>> parse_no_akta("147l — LT — 12O82014 - 0042").text
    '1471-LT-12082014-0042'
    >>> parse_no_akta("474.l/1234/1995").text, parse_no_akta("AL. 650. 3455").text
    ('474.1/1234/1995', 'AL.650.3455')
    >>> parse_no_akta("1471-LU-32082014-0042").modern, parse_no_akta("perempuan") is None
    (False, True)
    """
    modern = _modern(text)
    if modern is not None:
        return modern
    compact = re.sub(r"\s*([./-])\s*", r"\1", text.upper().strip(" :;,"))
    compact = re.sub(r"(?<=[\d./])[OD](?=[\d./])|(?<=[\d./])[IL|](?=[\d./]|$)", _digit, compact)
    compact = compact.split()[0] if compact.split() else ""
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9./-]{3,}", compact) or sum(map(str.isdigit, compact)) < 3:
        return None
    return NoAkta(compact.rstrip("./-"))


def _digit(match: re.Match[str]) -> str:
    return "0" if match.group(0) in "OD" else "1"


@dataclass(frozen=True)
class Tanggal:
    """A date read from an akta and the form it was written in, for the audit trail."""

    value: date
    form: Literal["words", "day_month_year", "dmy"]


_NUMBER_WORDS = (
    "NOL", "SATU", "DUA", "TIGA", "EMPAT", "LIMA", "ENAM", "TUJUH", "DELAPAN", "SEMBILAN",
    "SEPULUH", "SEBELAS", "BELAS", "PULUH", "SERATUS", "RATUS", "SERIBU", "RIBU",
)  # fmt: skip
_MONTHS = {
    **BULAN, "JAN": 1, "FEB": 2, "PEB": 2, "MAR": 3, "APR": 4, "JUN": 6, "JUL": 7, "AGU": 8,
    "AGT": 8, "AGS": 8, "SEP": 9, "SEPT": 9, "OKT": 10, "NOV": 11, "NOP": 11, "DES": 12,
}  # fmt: skip
_VOCABULARY = (*_NUMBER_WORDS, *BULAN)


def _split_glued(word: str) -> list[str] | None:
    """ "SEMBILANPULUH" as ["SEMBILAN", "PULUH"]: number words OCR ran together."""
    if not word:
        return []
    for known in sorted(_NUMBER_WORDS, key=len, reverse=True):
        if word.startswith(known) and len(known) >= 3:
            rest = _split_glued(word[len(known) :])
            if rest is not None:
                return [known, *rest]
    return None


def _vocabulary_word(word: str, cutoff: float) -> str | None:
    best = process.extractOne(word, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=cutoff)
    return str(best[0]) if best else None


def _repair_words(words: Sequence[str]) -> list[str]:
    """Number and month words with OCR errors mended where one reading is clearly meant: a
    misread letter, words run together, a word broken in two ("sen jan" for "sembilan").
    Digits and words too short to judge stay as they were read."""
    repaired: list[str] = []
    index = 0
    while index < len(words):
        raw, word = words[index], _key(words[index])
        pair = word + _key(words[index + 1]) if index + 1 < len(words) else ""
        if word in _VOCABULARY:
            repaired.append(word)
        elif 2 * sum(c.isdigit() for c in raw) > len(raw):
            repaired.append(raw)
        elif len(word) >= 4 and (glued := _split_glued(word)):
            repaired += glued
        elif len(word) >= 4 and (single := _vocabulary_word(word, 75)):
            repaired.append(single)
        elif (
            pair
            and _key(words[index + 1]) not in _VOCABULARY
            and (joined := _vocabulary_word(pair, 70))
        ):
            repaired.append(joined)
            index += 1
        else:
            repaired.append(raw)
        index += 1
    return _nineteen_hundred(repaired)


def _nineteen_hundred(words: list[str]) -> list[str]:
    """ "seribu <unreadable> ratus" can only be "seribu sembilan ratus": an akta's dates fall
    between 1900 and 2100, so the hundreds digit of a year starting "seribu" is nine."""
    for index in range(len(words) - 2):
        if words[index] != "SERIBU":
            continue
        for size in (1, 2):
            gap, then = words[index + 1 : index + 1 + size], words[index + 1 + size :][:1]
            if then == ["RATUS"] and not any(word in _VOCABULARY for word in gap):
                return [*words[: index + 1], "SEMBILAN", *words[index + 1 + size :]]
    return words


def _day_month_year(text: str) -> date | None:
    """ "25 Januari 1991" or "25 Jan 1991": digits around a month name."""
    match = re.search(r"([0-9OIl]{1,2})\s*[.,]?\s*([A-Za-z]{3,})\.?\s*([0-9OIlS]{4})", text)
    if match is None or not re.search(r"\d", match.group(1) + match.group(3)):
        return None
    month_word = _key(match.group(2))
    month = _MONTHS.get(month_word)
    if month is None:
        best = process.extractOne(month_word, list(BULAN), scorer=fuzz.ratio, score_cutoff=75)
        month = BULAN[best[0]] if best else None
    day, year = repair_digits(match.group(1)), repair_digits(match.group(3))
    if month is None or day is None or year is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def parse_tanggal(text: str) -> Tanggal | None:
    """A date as an akta writes it: in words, "17 Agustus 1990" or ``17-08-1990``.

    >>> parse_tanggal("tujuh belas Agustus seribu sembilan ratus sembilan puluh")
    Tanggal(value=datetime.date(1990, 8, 17), form='words')
    >>> parse_tanggal("tujuh be1as Agustns seribu sembi1an ratus sembilanpuluh").value
    datetime.date(1990, 8, 17)
    >>> parse_tanggal("dua belas Agustus seribu sen Jan ratus enam puluh dua").value
    datetime.date(1962, 8, 12)
    >>> parse_tanggal("12 Agustus 2014").form, parse_tanggal("12-08-2014").form
    ('day_month_year', 'dmy')
    >>> parse_tanggal("tiga puluh Februari dua ribu") is None
    True
    """
    words = parse_date_words(" ".join(_repair_words(text.split())))
    if words is not None and 1900 <= words.year <= 2100:
        return Tanggal(words, "words")
    spelled = _day_month_year(text)
    if spelled is not None:
        return Tanggal(spelled, "day_month_year")
    digits = parse_dmy(text)
    return Tanggal(digits, "dmy") if digits is not None else None


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_UNITS = ("", "SATU", "DUA", "TIGA", "EMPAT", "LIMA", "ENAM", "TUJUH", "DELAPAN", "SEMBILAN")


def _spelled(n: int) -> str:
    """1..99 in Indonesian words, run together ("DUABELAS"), as ordinals are compared."""
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return {10: "SEPULUH", 11: "SEBELAS"}.get(n, _UNITS[n - 10] + "BELAS")
    return _UNITS[n // 10] + "PULUH" + _UNITS[n % 10]


_ORDINALS = {"PERTAMA": 1, **{"KE" + _spelled(n): n for n in range(1, 31)}}


def parse_ordinal(text: str) -> int | None:
    """The birth order of "anak ke...": ordinal words, ``ke-3`` or a Roman numeral.

    >>> [parse_ordinal(t) for t in ("kesatu", "pertama", "kedua,", "KE-3", "kesebelas")]
    [1, 1, 2, 3, 11]
    >>> parse_ordinal("kedua belas"), parse_ordinal("ke tiga"), parse_ordinal("ketujuh")
    (12, 3, 7)
    >>> parse_ordinal("kedna"), parse_ordinal("keempat"), parse_ordinal("perempuan") is None
    (2, 4, True)
    """
    upper = text.upper().strip(" ,.;:")
    digits = re.fullmatch(r"(?:KE)?\s*-?\s*([0-9OIl]{1,2})", upper)
    if digits:
        number = repair_digits(digits.group(1))
        return int(number) if number and 0 < int(number) <= 30 else None
    roman = re.fullmatch(r"(?:KE)?\s*-?\s*([IVX]{1,4})", upper)
    if roman and roman.group(1) in _ROMAN:
        return _ROMAN[roman.group(1)]
    key = _key(upper)
    if not key:
        return None
    ranked = process.extract(key, list(_ORDINALS), scorer=fuzz.ratio, limit=2)
    if not key.startswith("KE"):  # "anak dua" with the ke lost
        ranked += process.extract("KE" + key, list(_ORDINALS), scorer=fuzz.ratio, limit=2)
    ranked.sort(key=lambda r: -r[1])
    best = ranked[0]
    runner = next((r[1] for r in ranked[1:] if _ORDINALS[r[0]] != _ORDINALS[best[0]]), 0.0)
    return _ORDINALS[best[0]] if best[1] >= 80 and best[1] - runner >= 5 else None


def _sex(tokens: Sequence[str]) -> str | None:
    """LAKI-LAKI or PEREMPUAN from the words of a line (pria/wanita on older akta)."""
    for token in tokens:
        key = _key(token)
        if fuzz.ratio(key, "PEREMPUAN") >= 80 or key == "WANITA":
            return "PEREMPUAN"
        if fuzz.ratio(key[:8], "LAKILAKI") >= 75 or key in ("LAKI", "PRIA"):
            return "LAKI-LAKI"
    return None


# ---------------------------------------------------------------------------------------------
# The prose: fields between anchors.

_NOMOR_BARU = ("BERDASARKAN AKTA KELAHIRAN NOMOR",)
_NOMOR_LAMA = ("NOMOR", "NO")
_BAHWA_DI = ("BAHWA DI",)
_PADA_TANGGAL = ("PADA TANGGAL",)
_TELAH_LAHIR = ("TELAH LAHIR",)
_BERNAMA = ("BERNAMA",)
_SUAMI_ISTERI = ("DARI SUAMI ISTERI", "DARI SUAMI ISTRI", "DARI PASANGAN SUAMI ISTRI")
_SEORANG_IBU = ("DARI SEORANG IBU",)
_TIDAK_DIKETAHUI = ("TIDAK DIKETAHUI", "ASAL USULNYA")
_BELUM_TERCATAT = ("BELUM TERCATAT", "YANG PERKAWINANNYA")
_DIKELUARKAN = ("KUTIPAN INI DIKELUARKAN DI", "DIKELUARKAN DI")
_TITLE = ("KUTIPAN AKTA KELAHIRAN",)
# Phrases that end a value when OCR put them on the value's line.
_STOPS = (*_PADA_TANGGAL, *_TELAH_LAHIR, *_SUAMI_ISTERI, *_SEORANG_IBU, *_DIKELUARKAN, "ANAK KE")
# The phrases that make a page an akta; two of them must be seen.
_MARKERS = (_TITLE, _BAHWA_DI, _TELAH_LAHIR, _SUAMI_ISTERI, _SEORANG_IBU, _DIKELUARKAN)


@dataclass(frozen=True)
class _Token:
    text: str
    conf: float


@dataclass(frozen=True)
class _Hit:
    """An anchor found on line ``line``; its value starts at token ``end``."""

    line: int
    end: int
    score: float


@dataclass
class AktaText:
    """What the wording of an akta gave: fields (DESIGN.md names, plus ``model`` 1-4 when the
    parents' clause was recognised), confidence 0..1 per field, and how many of the phrases
    that mark an akta were seen."""

    fields: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    markers: int = 0

    def set(self, name: str, value: Any, conf: float) -> None:
        """Record a field found; None only where the akta itself has no value (no father)."""
        self.fields[name] = value
        self.confidence[name] = round(max(0.0, min(conf, 1.0)), 3)


def _first_stop(tokens: Sequence[_Token], stops: Sequence[str]) -> int | None:
    words = [t.text for t in tokens]
    found = [a.start for a in (find_anchor(p, words, cutoff=85, prefix=True) for p in stops) if a]
    return min(found) if found else None


def _trim(tokens: Sequence[_Token]) -> list[_Token]:
    """Without the specks OCR reads around a value: colons, dashes, faint one-letter bits."""
    kept = list(tokens)

    def speck(token: _Token) -> bool:
        if not re.search(r"[A-Za-z0-9]", token.text):
            return True
        # faint short bits are specks, but I and NI open Balinese names (I GEDE, NI LUH)
        return len(token.text) <= 2 and token.conf < 0.5 and token.text.upper() not in ("I", "NI")

    while kept and speck(kept[0]):
        kept.pop(0)
    while kept and speck(kept[-1]):
        kept.pop()
    return kept


def _until_comma(tokens: Sequence[_Token]) -> list[_Token]:
    for index, token in enumerate(tokens):
        if token.text.endswith(","):
            return [*tokens[:index], _Token(token.text.rstrip(","), token.conf)]
    return list(tokens)


_WORDLIKE = re.compile(r"[A-Za-z0-9]{2}")


class _Prose:
    """The lines of an akta as tokens with confidences, and the lookups on them."""

    def __init__(self, lines: Sequence[str | Line]) -> None:
        tokens = (
            [_Token(t, 1.0) for t in line.split()]
            if isinstance(line, str)
            else [_Token(w.text, w.conf) for w in line.words]
            for line in lines
        )
        # lines of specks only (guilloche, stamp edges read as "|", "'/,") are not text
        self.lines = [line for line in tokens if any(_WORDLIKE.search(t.text) for t in line)]

    def find(
        self,
        phrases: Sequence[str],
        start: int = 0,
        stop: int | None = None,
        *,
        cutoff: float = 80,
        exact: int = 4,
    ) -> _Hit | None:
        """The first line in ``start``..``stop`` holding one of ``phrases`` (its best match)."""
        end = len(self.lines) if stop is None else min(stop, len(self.lines))
        for index in range(max(start, 0), end):
            words = [t.text for t in self.lines[index]]
            found = [find_anchor(p, words, cutoff=cutoff, exact=exact) for p in phrases]
            hits = [a for a in found if a is not None]
            if hits:
                best = max(hits, key=lambda a: (a.score, a.end - a.start))
                return _Hit(index, best.end, best.score)
        return None

    def rest(self, hit: _Hit, stops: Sequence[str] = _STOPS) -> list[_Token]:
        """The rest of the anchor's line, up to a phrase that starts another value."""
        tokens = self.lines[hit.line][hit.end :]
        cut = _first_stop(tokens, stops)
        return _trim(tokens[:cut] if cut is not None else tokens)

    def after(self, hit: _Hit, stops: Sequence[str] = _STOPS) -> list[_Token]:
        """The value of an anchor: the rest of its line, or the next line when the value was
        wrapped there (unless that line starts another phrase)."""
        rest = self.rest(hit, stops)
        if rest or hit.line + 1 >= len(self.lines):
            return rest
        following = self.lines[hit.line + 1]
        cut = _first_stop(following, stops)
        return [] if cut == 0 else _trim(following[:cut] if cut is not None else following)


def _text(tokens: Sequence[_Token]) -> str:
    return " ".join(t.text for t in tokens)


def _conf(tokens: Sequence[_Token], factor: float = 1.0) -> float:
    return factor * sum(t.conf for t in tokens) / len(tokens) if tokens else 0.0


def _set_name(out: AktaText, name: str, tokens: Sequence[_Token]) -> None:
    value = clean_name(_text(_until_comma(tokens)))
    if value:
        out.set(name, value, _conf(tokens))


def _number(prose: _Prose, out: AktaText, stop: int) -> None:
    """The register number: after "Berdasarkan Akta Kelahiran Nomor", or "Nomor"/"No." under
    the title of older akta; a number that looks modern but fails its checks is kept, doubted."""
    hit = prose.find(_NOMOR_BARU, 0, stop) or prose.find(_NOMOR_LAMA, 0, stop)
    while hit is not None:
        tokens = prose.after(hit)
        number = parse_no_akta(_text(tokens)) if tokens else None
        if number is not None:
            doubt = 1.0 if number.modern else 0.5 if re.search(r"\d-L", number.text) else 0.9
            out.set("no_akta", number.text, _conf(tokens, doubt))
            return
        hit = prose.find(_NOMOR_LAMA, hit.line + 1, stop)


def _date_after(prose: _Prose, hit: _Hit) -> tuple[Tanggal, list[_Token]] | None:
    """The date after an anchor: on its line, or continued on the next line."""
    tokens = prose.after(hit)
    candidates = [tokens]
    if tokens and hit.line + 1 < len(prose.lines):
        candidates.append(tokens + prose.lines[hit.line + 1])
    for candidate in candidates:
        parsed = parse_tanggal(_text(candidate)) if candidate else None
        if parsed is not None:
            return parsed, candidate
    return None


def _birth(prose: _Prose, out: AktaText, stop: int) -> int:
    """Place, date and name of birth; returns the line where the child's details follow."""
    place = prose.find(_BAHWA_DI, 0, stop)
    start = place.line if place else 0
    if place is not None:
        _set_name(out, "tempat_lahir", prose.after(place))
    when = prose.find(_PADA_TANGGAL, start, stop)
    if when is not None:
        found = _date_after(prose, when)
        if found is not None:
            out.set("tanggal_lahir", found[0].value.isoformat(), _conf(found[1]))
        start = when.line
    born = prose.find(_TELAH_LAHIR, start, stop)
    if born is None:
        return start
    tokens = prose.after(born)
    named = prose.find(_BERNAMA, born.line, min(born.line + 2, stop))
    if named is not None:  # older wording: "telah lahir seorang anak perempuan bernama X"
        sex = _sex([t.text for t in prose.lines[born.line]])
        if sex:
            out.set("jenis_kelamin", sex, _conf(tokens))
        tokens = prose.after(named)
        born = named
    _set_name(out, "nama", tokens)
    return born.line + 1


def _child(prose: _Prose, out: AktaText, start: int, stop: int) -> None:
    """ "anak ke<ordinal>, <sex>": the birth order and sex."""
    hit = prose.find(("ANAK",), start, stop, exact=3, cutoff=75)
    if hit is None:
        return
    line = prose.lines[hit.line]
    order: list[_Token] = []
    for token in line[hit.end : hit.end + 3]:
        order.append(token)
        if token.text.endswith(","):
            break
    for size in range(len(order), 0, -1):  # the longest reading: "kedua belas" over "kedua"
        value = parse_ordinal(_text(order[:size]))
        if value is not None:
            out.set("anak_ke", value, _conf(order[:size]))
            break
    sex = _sex([t.text for t in line[hit.end :]])
    if sex and "jenis_kelamin" not in out.fields:
        out.set("jenis_kelamin", sex, _conf(line[hit.end :]))


def _parents_block(prose: _Prose, hit: _Hit, stop: int) -> tuple[list[_Token], int]:
    """The tokens after "dari suami-isteri" up to and including the line that holds "dan"
    (the father may stand on its own line, "dan <mother>" on the next), and that line."""
    line = hit.line
    block = prose.rest(hit)
    while not any(_key(t.text) == "DAN" for t in block[1:]) and line + 1 < min(stop, hit.line + 5):
        line += 1
        tokens = prose.lines[line]
        if tokens and len(tokens[0].text) <= 4 and fuzz.ratio(_key(tokens[0].text), "DAN") >= 66:
            tokens = [_Token("dan", tokens[0].conf), *tokens[1:]]  # "dan" misread: dau, oan
        block += tokens
    return block, line


def _parents(prose: _Prose, out: AktaText, start: int, stop: int) -> None:
    """The parents' clause, which also tells the model of the akta."""
    alone = prose.find(_SEORANG_IBU, start, stop)
    married = prose.find(_SUAMI_ISTERI, start, stop)
    if alone is not None and (married is None or alone.score >= married.score):
        out.set("nama_ayah", None, alone.score / 100)
        _set_name(out, "nama_ibu", prose.after(alone))
        out.set("model", 3, alone.score / 100)
        return
    if married is None:
        unknown = prose.find(_TIDAK_DIKETAHUI, start, stop)
        if unknown is not None:
            for name in ("nama_ayah", "nama_ibu"):
                out.set(name, None, unknown.score / 100)
            out.set("model", 4, unknown.score / 100)
        return
    block, line = _parents_block(prose, married, stop)
    split = next((i for i, t in enumerate(block) if i and _key(t.text) == "DAN"), None)
    if split is None:
        return
    mother = block[split + 1 :]
    cut = _first_stop(mother, _BELUM_TERCATAT)
    if cut is None:
        cut = next((i for i, t in enumerate(mother) if i and _key(t.text) == "YANG"), None)
    _set_name(out, "nama_ayah", _trim(block[:split]))
    _set_name(out, "nama_ibu", _trim(mother[:cut]))
    unregistered = prose.find(_BELUM_TERCATAT, married.line, min(stop, line + 3))
    out.set("model", 1 if unregistered is None else 2, married.score / 100)


def _issue(prose: _Prose, out: AktaText, hit: _Hit) -> None:
    """ "Kutipan ini dikeluarkan di <city>, pada tanggal <date>"."""
    place = _until_comma(prose.after(hit, (*_STOPS, "TANGGAL")))
    _set_name(out, "tempat_terbit", place)
    when = prose.find(_PADA_TANGGAL, hit.line, min(hit.line + 3, len(prose.lines)))
    found = _date_after(prose, when) if when is not None else None
    if found is None:  # "..., 12 Agustus 2014" straight after the place
        rest = prose.lines[hit.line][hit.end :]
        parsed = parse_tanggal(_text(rest)) if rest else None
        found = (parsed, rest) if parsed is not None else None
    if found is not None:
        out.set("tanggal_terbit", found[0].value.isoformat(), _conf(found[1]))


def parse_akta(lines: Sequence[str | Line]) -> AktaText:
    """The fields of an akta from its lines in reading order: plain text (confidence 1), or
    OCR lines, whose word confidences become the fields' confidence."""
    prose = _Prose(lines)
    out = AktaText()
    issued = prose.find(_DIKELUARKAN)
    end = issued.line if issued is not None else len(prose.lines)
    narrative = prose.find(_BAHWA_DI, 0, end) or prose.find(_TELAH_LAHIR, 0, end)
    _number(prose, out, narrative.line if narrative is not None else end)
    child = _birth(prose, out, end)
    _child(prose, out, child, end)
    _parents(prose, out, child, end)
    if issued is not None:
        _issue(prose, out, issued)
    out.markers = sum(prose.find(p, cutoff=85) is not None for p in _MARKERS)
    return out


# ---------------------------------------------------------------------------------------------
# The page image.

# Working width of the page: A4 at ~120 dpi, where the akta's large print still reads well
# and one Tesseract pass stays under a second.
WORK_WIDTH = 1000
_PAGE_ASPECT = (1.25, 1.65)  # A4 is 1.41, folio (F4) 1.53: a crop outside this is not the page


def _find_page(image: Image) -> Image | None:
    """The page cropped from a photo on a table, or None when no page-shaped region is found
    (a scan, or a shadow that outlines something else)."""
    found = find_document(image)
    if found is image:
        return None
    height, width = found.shape[:2]
    aspect = max(height, width) / max(min(height, width), 1)
    covers = height * width >= 0.25 * image.shape[0] * image.shape[1]
    return found if _PAGE_ASPECT[0] <= aspect <= _PAGE_ASPECT[1] and covers else None


def _uneven(gray: Image) -> bool:
    """Shadows or a lighting gradient across the page (judged on a thumbnail: cheap)."""
    thumb = cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA)
    paper = cv2.dilate(thumb, np.ones((5, 5), np.uint8))  # the paper around the print
    low, high = np.percentile(paper, (5, 95))
    return bool(high - low > 25)


def _blurred(gray: Image) -> bool:
    """Soft strokes (out of focus, or enlarged from a small photo)."""
    return bool(cv2.Laplacian(gray, cv2.CV_64F).var() < 200)


def _prepare(image: Image, steps: list[str]) -> tuple[Image, list[str]]:
    """The page sized, straightened, its lighting flattened: a grey image for OCR."""
    scale = WORK_WIDTH / image.shape[1]
    if abs(scale - 1) > 0.05:
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=interpolation)
        steps = [*steps, "resize"]
    gray = to_gray(image)
    if abs(estimate_skew(gray)) >= 0.3:
        gray, steps = deskew(gray), [*steps, "deskew"]
    if _uneven(gray):
        gray, steps = normalise_lighting(gray), [*steps, "normalise_lighting"]
    if _blurred(gray):
        soft = cv2.GaussianBlur(gray, (0, 0), 2.0)
        gray, steps = cv2.addWeighted(gray, 1.8, soft, -0.8, 0), [*steps, "sharpen"]
    return gray, steps


def text_lines(words: Sequence[Word]) -> list[Line]:
    """Words into lines by chaining neighbours left to right: a word joins the line whose
    last word ends before it at nearly its height. Lines slanted by perspective or a slight
    rotation stay whole, where grouping by height alone interleaves neighbouring lines."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.box.left):
        box, best, best_dy = word.box, None, 0.0
        for line in lines:
            last = line[-1].box
            dy = abs(last.centre_y - box.centre_y)
            after = last.right <= box.left + 0.5 * box.height
            if (
                after
                and dy < 0.75 * min(last.height, box.height)
                and (best is None or dy < best_dy)
            ):
                best, best_dy = line, dy
        if best is None:
            lines.append([word])
        else:
            best.append(word)
    return sorted(
        (Line(tuple(line)) for line in lines),
        key=lambda line: sum(w.box.centre_y for w in line.words) / len(line.words),
    )


def _is_akta(parsed: AktaText) -> bool:
    return parsed.markers >= 2 and bool({"nama", "tanggal_lahir"} & parsed.fields.keys())


@dataclass(frozen=True)
class _PageText:
    parsed: AktaText
    lines: list[Line]
    steps: list[str]


def _read_image(image: Image, engine: OcrEngine) -> _PageText:
    """One OCR pass over the page found in the image; a second over the whole image only
    when the crop held no akta (a shadow or a fold taken for the page edge)."""
    page = _find_page(image)
    attempts = [(image, [])] if page is None else [(page, ["find_document"]), (image, [])]
    for candidate, found in attempts:
        gray, steps = _prepare(candidate, found)
        lines = text_lines(engine.recognise(gray, layout="auto"))
        read = _PageText(parse_akta(lines), lines, steps)
        if _is_akta(read.parsed):
            break
    return read


def _read_page(page: Page, engine: OcrEngine) -> _PageText:
    if page.words:
        lines = text_lines(page.words)
        return _PageText(parse_akta(lines), lines, ["text_layer"])
    if page.image is None or page.image.size == 0:
        raise DocumentUnreadable("the page has neither text nor an image")
    return _read_image(page.image, engine)


def read_akta(pages: list[Page], engine: OcrEngine) -> PageReading:
    """Read an akta kelahiran: an image, a scanned PDF or a PDF with a text layer.

    The first page with akta wording is read (of the first two). Fields follow DESIGN.md
    section 3, plus ``model`` (1-4) when the parents' clause was recognised; ``nama_ayah`` is
    None on a mother-only akta (model 3). Raises ``DocumentUnreadable`` when no page reads as
    an akta.
    """
    if not pages:
        raise DocumentUnreadable("the document has no pages")
    for page in pages[:2]:
        read = _read_page(page, engine)
        if _is_akta(read.parsed):
            text = "\n".join(line.text for line in read.lines)
            return PageReading(read.parsed.fields, read.parsed.confidence, read.steps, text)
    raise DocumentUnreadable("no akta kelahiran wording found on the page")
