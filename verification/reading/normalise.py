"""Turning OCR text into typed values: digits, dates (also written in words), vocabularies.

Repairs are conservative. In digit fields only characters that are not digits are mapped
(``O`` to ``0``, ``I`` to ``1``...); a digit is never changed, so a NIK is never "corrected"
into a different valid NIK. Vocabulary values are repaired only when one value is clearly
closest to what was read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from rapidfuzz import fuzz, process

__all__ = [
    "BULAN",
    "clean_name",
    "clean_text",
    "match_vocabulary",
    "nik_fits",
    "parse_date_words",
    "parse_dmy",
    "parse_number_words",
    "reconcile_nik",
    "repair_digits",
]

# Non-digit characters Tesseract produces for digits in OCR-A-like and Arial digits.
_DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "U": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "L": "1",
        "J": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "G": "6",
        "b": "6",
        "T": "7",
        "B": "8",
        "g": "9",
        "q": "9",
    }
)

BULAN = {
    "JANUARI": 1,
    "FEBRUARI": 2,
    "PEBRUARI": 2,
    "MARET": 3,
    "APRIL": 4,
    "MEI": 5,
    "JUNI": 6,
    "JULI": 7,
    "AGUSTUS": 8,
    "SEPTEMBER": 9,
    "OKTOBER": 10,
    "NOVEMBER": 11,
    "NOPEMBER": 11,
    "DESEMBER": 12,
}


def clean_text(text: str) -> str:
    """Upper case, single spaces, no stray punctuation at the ends."""
    return " ".join(text.upper().split()).strip(" :;,.-_'\"")


_NAME_LOOKALIKES = str.maketrans({"1": "I", "0": "O", "5": "S", "8": "B", "|": "I", "$": "S"})
# Balinese birth-order names follow the particle I (men) or NI (women); OCR glues them.
_BALINESE = re.compile(r"\b(N?I)(WAYAN|MADE|KADEK|NYOMAN|KOMANG|KETUT|GEDE|PUTU|LUH|GUSTI)\b")


def clean_name(text: str) -> str:
    """A person's name as read: no digits exist in names (Permendagri 73/2022), so digit
    look-alikes map back to letters; stray symbols go.

    >>> clean_name("1 KADEK ADNYANA"), clean_name("IKADEK ADNYANA"), clean_name("#SITI AM1NAH")
    ('I KADEK ADNYANA', 'I KADEK ADNYANA', 'SITI AMINAH')
    """
    mapped = clean_text(text).translate(_NAME_LOOKALIKES)
    return _BALINESE.sub(r"\1 \2", clean_text(re.sub(r"[^A-Z .,'-]", "", mapped)))


def repair_digits(text: str, length: int | None = None) -> str | None:
    """Digits of ``text`` with look-alike letters mapped; None unless all are digits.

    >>> repair_digits("147I0245O89OOOO3")
    '1471024508900003'
    >>> repair_digits("1471 0245 0890 0003", 16)
    '1471024508900003'
    >>> repair_digits("14710245089000X3") is None
    True
    """
    compact = re.sub(r"[\s.,:;'\"`-]", "", text).translate(_DIGIT_LOOKALIKES)
    if not compact.isdigit() or (length is not None and len(compact) != length):
        return None
    return compact


def parse_dmy(text: str) -> date | None:
    """A ``DD-MM-YYYY`` date as printed on KTP and KK, tolerant of OCR separators.

    >>> parse_dmy("17-08-1990"), parse_dmy("l7-O8-1990"), parse_dmy("17 08 1990")
    (datetime.date(1990, 8, 17), datetime.date(1990, 8, 17), datetime.date(1990, 8, 17))
    >>> parse_dmy("31-02-1990") is None
    True
    """
    match = re.search(
        r"([0-9OoIlDSBZ|]{2})\s*[-./ ]\s*([0-9OoIlDSBZ|]{2})\s*[-./ ]\s*"
        r"([0-9OoIlDSBZ|]{4})",
        text,
    )
    if match is None:
        digits = repair_digits(text)
        if digits is None or len(digits) != 8:
            return None
        parts = (digits[:2], digits[2:4], digits[4:])
    else:
        repaired = [repair_digits(g) for g in match.groups()]
        if any(p is None for p in repaired):
            return None
        parts = tuple(p for p in repaired if p is not None)  # type: ignore[assignment]
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


_UNITS = {
    "NOL": 0,
    "SATU": 1,
    "DUA": 2,
    "TIGA": 3,
    "EMPAT": 4,
    "LIMA": 5,
    "ENAM": 6,
    "TUJUH": 7,
    "DELAPAN": 8,
    "SEMBILAN": 9,
    "SE": 1,
}


def parse_number_words(words: Iterable[str]) -> int | None:
    """An Indonesian number written in words.

    >>> parse_number_words("seribu sembilan ratus sembilan puluh".split())
    1990
    >>> parse_number_words("dua ribu dua puluh empat".split()), parse_number_words(["sebelas"])
    (2024, 11)
    >>> parse_number_words("tujuh belas".split()), parse_number_words(["xyz"]) is None
    (17, True)
    """
    total, current, seen = 0, 0, False
    for raw in words:
        word = raw.upper()
        if word in ("SEPULUH", "SEBELAS", "SERATUS", "SERIBU"):
            current += {"SEPULUH": 10, "SEBELAS": 11, "SERATUS": 100}.get(word, 0)
            if word == "SERIBU":
                total += 1000
            seen = True
        elif word in _UNITS and word != "SE":
            current += _UNITS[word]
            seen = True
        elif word == "BELAS":
            current = (current % 10 + 10) + (current - current % 10)
        elif word == "PULUH":
            current = (current % 10) * 10 + (current - current % 10)
        elif word == "RATUS":
            current = (current % 100 or 1) * 100 + (current - current % 100)
        elif word == "RIBU":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return total + current if seen else None


def parse_date_words(text: str) -> date | None:
    """A date written in Indonesian words, as on an akta kelahiran.

    >>> parse_date_words("tujuh belas Agustus seribu sembilan ratus sembilan puluh")
    datetime.date(1990, 8, 17)
    >>> parse_date_words("Tanggal satu Januari dua ribu lima,")
    datetime.date(2005, 1, 1)
    """
    tokens = re.findall(r"[A-Za-z]+", text.upper())
    for index, token in enumerate(tokens):
        month = BULAN.get(token)
        if month is None:
            best = process.extractOne(token, BULAN.keys(), scorer=fuzz.ratio, score_cutoff=80)
            if best is None or len(token) < 4:
                continue
            month = BULAN[best[0]]
        day_words = _trailing_number(tokens[:index])
        year = _leading_number(tokens[index + 1 :])
        if day_words is None or year is None:
            continue
        try:
            return date(year, month, day_words)
        except ValueError:
            return None
    return None


_NUMBER_WORDS = set(_UNITS) | {
    "SEPULUH",
    "SEBELAS",
    "SERATUS",
    "SERIBU",
    "BELAS",
    "PULUH",
    "RATUS",
    "RIBU",
}


def _trailing_number(tokens: list[str]) -> int | None:
    start = len(tokens)
    while start > 0 and tokens[start - 1] in _NUMBER_WORDS:
        start -= 1
    return parse_number_words(tokens[start:]) if start < len(tokens) else None


def _leading_number(tokens: list[str]) -> int | None:
    end = 0
    while end < len(tokens) and tokens[end] in _NUMBER_WORDS:
        end += 1
    return parse_number_words(tokens[:end]) if end else None


def match_vocabulary(
    text: str, vocabulary: Iterable[str], *, cutoff: float = 75.0, margin: float = 8.0
) -> tuple[str, float] | None:
    """The vocabulary value ``text`` most likely is, with a 0..1 score, when it is clear.

    >>> match_vocabulary("KARYAWAN SWASTA", ["KARYAWAN SWASTA", "WIRASWASTA"])
    ('KARYAWAN SWASTA', 1.0)
    >>> match_vocabulary("KARYAWAN SWA5TA", ["KARYAWAN SWASTA", "WIRASWASTA"])[0]
    'KARYAWAN SWASTA'
    >>> match_vocabulary("PETANI", ["KARYAWAN SWASTA", "WIRASWASTA"]) is None
    True
    """
    cleaned = clean_text(text)
    choices = list(vocabulary)
    if cleaned in choices:
        return cleaned, 1.0
    ranked = process.extract(cleaned, choices, scorer=fuzz.ratio, limit=2)
    if not ranked or ranked[0][1] < cutoff:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < margin:
        return None
    return str(ranked[0][0]), float(ranked[0][1]) / 100


def nik_fits(nik: str, born: str | None, sex: str | None) -> bool | None:
    """Whether a NIK's date digits (day + 40 for women, month, two-digit year) agree with a
    printed ISO birth date and sex; None when there is nothing to compare.

    >>> nik_fits("1471024508900003", "1990-08-05", "PEREMPUAN")
    True
    >>> nik_fits("1471020508900003", "1990-08-05", "PEREMPUAN"), nik_fits("1471", None, None)
    (False, None)
    """
    if len(nik) != 16 or not born or len(born) != 10 or sex not in ("LAKI-LAKI", "PEREMPUAN"):
        return None
    day = int(born[8:10]) + (40 if sex == "PEREMPUAN" else 0)
    return nik[6:12] == f"{day:02d}{born[5:7]}{born[2:4]}"


def reconcile_nik(
    first: str | None,
    first_conf: float,
    second: str | None,
    second_conf: float,
    fits: Callable[[str], bool | None],
) -> tuple[str | None, float, bool]:
    """Two independent readings of one NIK: (the reading kept, its confidence, whether they
    disagreed). Agreement raises confidence; a lone valid reading is kept at 80%; on
    disagreement the reading whose date digits ``fits`` the printed birth date and sex wins,
    else the more confident one, with its confidence halved so a person looks. No digit is
    ever changed: one of the two readings is chosen.

    >>> reconcile_nik("1471024508900003", 0.6, "1471024508900003", 0.9, lambda n: None)
    ('1471024508900003', 0.9, False)
    >>> reconcile_nik("1471024508900003", 0.6, "1471024508900008", 0.9, lambda n: None)
    ('1471024508900008', 0.45, True)
    """
    first_ok = first is not None and len(first) == 16 and first.isdigit()
    if second is None:
        return first, first_conf, False
    if first_ok and first == second:
        return first, max(first_conf, second_conf), False
    if not first_ok or first is None:
        return second, second_conf * 0.8, False
    fit_first, fit_second = bool(fits(first)), bool(fits(second))
    if fit_first != fit_second:
        best, best_conf = (first, first_conf) if fit_first else (second, second_conf)
    else:
        best, best_conf = (second, second_conf) if second_conf > first_conf else (first, first_conf)
    return best, best_conf * 0.5, True
