"""Passport numbers of this office: one letter and seven digits, e.g. ``X1234567``.

Indonesian passport numbers are a letter and seven digits (domain-spec 10.7); what the letter
means is undocumented (a series or stock letter), so it is not read as a passport type. Here
the letter is the office's configured *series prefix* and the digits a serial the database
hands out one by one (``storage.printing``): a number is never made up from anything else, so
it says nothing about its holder.
"""

from __future__ import annotations

import re

from verification.errors import InputError

__all__ = ["DEFAULT_PREFIX", "MAX_SERIAL", "format_number", "is_passport_number", "serial_of"]

DEFAULT_PREFIX = "X"
MAX_SERIAL = 9_999_999
_PREFIX = re.compile(r"^[A-Z]$")
_NUMBER = re.compile(r"^([A-Z])(\d{7})$")


def format_number(prefix: str, serial: int) -> str:
    """The passport number of ``serial`` in the ``prefix`` series.

    >>> format_number("X", 42)
    'X0000042'
    >>> format_number("x", 1)
    Traceback (most recent call last):
    ...
    verification.errors.InputError: a passport number prefix is one capital letter A-Z
    """
    if not _PREFIX.fullmatch(prefix):
        raise InputError("a passport number prefix is one capital letter A-Z")
    if not 1 <= serial <= MAX_SERIAL:
        raise InputError(f"the {prefix} series is exhausted or the serial is out of range")
    return f"{prefix}{serial:07d}"


def is_passport_number(text: str) -> bool:
    """Whether ``text`` has the form of a number this office issues.

    >>> is_passport_number("X1234567"), is_passport_number("X123456"), is_passport_number("XX1")
    (True, False, False)
    """
    return _NUMBER.fullmatch(text) is not None


def serial_of(number: str) -> tuple[str, int]:
    """(prefix, serial) of a passport number.

    >>> serial_of("X0000042")
    ('X', 42)
    """
    match = _NUMBER.fullmatch(number)
    if match is None:
        raise InputError("not a passport number of the form letter + 7 digits")
    return match.group(1), int(match.group(2))
