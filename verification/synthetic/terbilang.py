"""Indonesian numbers and dates as documents print them (domain-spec sections 6.3 and 9).

``terbilang`` spells a number in words, ``tanggal_terbilang`` a date the way an akta
kelahiran writes it, ``ordinal`` the "anak ke" order, and ``dmy`` the digits form
``DD-MM-YYYY`` of KTP and KK.
"""

from __future__ import annotations

from datetime import date

__all__ = ["BULAN", "dmy", "ordinal", "tanggal_terbilang", "terbilang"]

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

_SATUAN = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SKALA = ((1_000_000_000_000, "triliun"), (1_000_000_000, "miliar"), (1_000_000, "juta"))


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_SATUAN[hundreds], "ratus"]
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_SATUAN[rest - 10], "belas"]
    elif rest >= 20:
        words += [_SATUAN[rest // 10], "puluh"]
        if rest % 10:
            words.append(_SATUAN[rest % 10])
    elif rest:
        words.append(_SATUAN[rest])
    return words


def _words(n: int) -> list[str]:
    for size, name in _SKALA:
        if n >= size:
            high, n = divmod(n, size)
            return [*_words(high), name, *(_words(n) if n else [])]
    words: list[str] = []
    thousands, n = divmod(n, 1000)
    if thousands == 1:
        words.append("seribu")
    elif thousands:
        words += [*_below_thousand(thousands), "ribu"]
    return words + _below_thousand(n)


def terbilang(n: int) -> str:
    """A whole number in Indonesian words, lower case.

    >>> terbilang(0), terbilang(11), terbilang(17), terbilang(100), terbilang(115)
    ('nol', 'sebelas', 'tujuh belas', 'seratus', 'seratus lima belas')
    >>> terbilang(1990)
    'seribu sembilan ratus sembilan puluh'
    >>> terbilang(2024)
    'dua ribu dua puluh empat'
    >>> terbilang(1_250_000)
    'satu juta dua ratus lima puluh ribu'
    >>> terbilang(-3)
    'minus tiga'
    """
    if n < 0:
        return "minus " + terbilang(-n)
    return " ".join(_words(n)) if n else "nol"


def ordinal(n: int) -> str:
    """The ordinal used for "anak ke": kesatu, kedua, ... (a leading "ke" before the words).

    >>> ordinal(1), ordinal(2), ordinal(11), ordinal(12)
    ('kesatu', 'kedua', 'kesebelas', 'kedua belas')
    """
    if n < 1:
        raise ValueError("an ordinal starts at 1")
    return "ke" + terbilang(n)


def tanggal_terbilang(day: date) -> str:
    """A date in words, as on an akta kelahiran.

    >>> tanggal_terbilang(date(1990, 8, 17))
    'tujuh belas Agustus seribu sembilan ratus sembilan puluh'
    >>> tanggal_terbilang(date(2001, 1, 1))
    'satu Januari dua ribu satu'
    """
    return f"{terbilang(day.day)} {BULAN[day.month - 1]} {terbilang(day.year)}"


def dmy(day: date) -> str:
    """The ``DD-MM-YYYY`` form printed on KTP and KK.

    >>> dmy(date(1990, 8, 5))
    '05-08-1990'
    """
    return day.strftime("%d-%m-%Y")
