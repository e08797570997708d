"""Identifier numbers of synthetic people (domain-spec sections 7.1-7.3).

Structure only: region code, date and serial are composed as the specification says, so the
offline checks of ``verification`` accept them; the numbers belong to nobody.
"""

from __future__ import annotations

import random
from datetime import date

__all__ = ["make_nik", "make_nip", "make_no_akta", "make_no_kk", "old_no_akta"]


def _serial(serial: int) -> str:
    if not 1 <= serial <= 9999:
        raise ValueError("a serial runs from 0001 to 9999")
    return f"{serial:04d}"


def make_nik(region_code: str, birth: date, female: bool, serial: int) -> str:
    """NIK ``PPKKCC DDMMYY SSSS``: region of first registration, birth date (day + 40 for
    women), serial.

    >>> make_nik("147101", date(1990, 8, 17), True, 3)
    '1471015708900003'
    >>> make_nik("317401", date(2005, 1, 2), False, 1234)
    '3174010201051234'
    """
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError("a region code has 6 digits")
    day = birth.day + 40 if female else birth.day
    return f"{region_code}{day:02d}{birth:%m%y}{_serial(serial)}"


def make_no_kk(region_code: str, recorded: date, serial: int) -> str:
    """No. KK ``PPKKCC DDMMYY SSSS``: issuing region, recording date, family serial.

    >>> make_no_kk("147102", date(2015, 1, 1), 7)
    '1471020101150007'
    """
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError("a region code has 6 digits")
    return f"{region_code}{recorded:%d%m%y}{_serial(serial)}"


def make_no_akta(kabkota_code: str, registered: date, serial: int, *, late: bool) -> str:
    """A modern SIAK birth-certificate number ``KKKK-LU-DDMMYYYY-NNNN`` (LT when reported late).

    >>> make_no_akta("1471", date(2012, 9, 3), 25, late=False)
    '1471-LU-03092012-0025'
    """
    return f"{kabkota_code}-{'LT' if late else 'LU'}-{registered:%d%m%Y}-{_serial(serial)}"


def old_no_akta(rng: random.Random, registered: date) -> str:
    """An older free-form birth-certificate number, e.g. ``474.1/1234/1995``."""
    number = rng.randint(1, 9999)
    form = rng.randrange(3)
    if form == 0:
        return f"474.1/{number}/{registered.year}"
    if form == 1:
        return f"{number}/{registered.year}"
    return f"AL.{rng.randint(100, 999)}.{number:04d}"


def make_nip(rng: random.Random, born: date, appointed: date, female: bool) -> str:
    """A civil-servant NIP (18 digits: birth date, appointment month, sex, serial)."""
    return f"{born:%Y%m%d}{appointed:%Y%m}{2 if female else 1}{rng.randint(1, 999):03d}"
