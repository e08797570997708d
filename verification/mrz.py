"""ICAO Doc 9303 TD3 machine-readable zone of a passport: build, check digits, parse.

Two lines of 44 characters from ``A-Z``, ``0-9`` and the filler ``<`` (domain-spec 10).
``td3`` builds the MRZ of a data page; ``parse_td3`` reads one back with graded validity: which
of the five check digits pass, so a QC step or a renewal check can say exactly what is wrong.
A passing checksum proves internal consistency, not authenticity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from verification.errors import MrzInvalid

__all__ = ["MrzCheck", "ParsedMrz", "check_digit", "mrz_name", "parse_td3", "td3"]

_WEIGHTS = (7, 3, 1)
_LINE = re.compile(r"^[A-Z0-9<]{44}$")


def _value(char: str) -> int:
    if "0" <= char <= "9":  # not isdigit(): that is also true of "²" and other scripts' digits
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - 55
    if char == "<":
        return 0
    raise MrzInvalid(f"character {char!r} is not allowed in an MRZ")


def check_digit(field: str) -> int:
    """The 7-3-1 check digit of an MRZ field.

    >>> check_digit("L898902C3"), check_digit("740812"), check_digit("ZE184226B<<<<<")
    (6, 2, 1)
    """
    return sum(_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.upper().replace("'", "").replace("’", "")
    return re.sub(r"[^A-Z]+", "<", ascii_text).strip("<")


def mrz_name(primary: str, secondary: str = "", width: int = 39) -> str:
    """The name field: primary identifier, ``<<``, secondary identifiers, padded or truncated.

    >>> mrz_name("ERIKSSON", "ANNA MARIA")
    'ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'
    >>> mrz_name("SUKARNO")  # a mononym: the whole name is the primary identifier
    'SUKARNO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<'
    """
    field = _fold(primary) + ("<<" + _fold(secondary) if _fold(secondary) else "")
    return field[:width].ljust(width, "<")


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def td3(
    *,
    document_number: str,
    surname: str,
    given_names: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    issuing_state: str = "IDN",
    personal_number: str = "",
    document_type: str = "P<",
) -> tuple[str, str]:
    """The two MRZ lines of a TD3 passport data page.

    >>> line1, line2 = td3(document_number="L898902C3", surname="ERIKSSON",
    ...     given_names="ANNA MARIA", nationality="UTO", issuing_state="UTO",
    ...     birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2012, 4, 15),
    ...     personal_number="ZE184226B")
    >>> line1
    'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'
    >>> line2
    'L898902C36UTO7408122F1204159ZE184226B<<<<<10'
    """
    if sex not in ("M", "F", "<", "X"):
        raise MrzInvalid("sex must be M, F, X or <")
    number = document_number.upper().ljust(9, "<")[:9]
    personal = personal_number.upper().ljust(14, "<")[:14]
    line1 = document_type.ljust(2, "<")[:2] + issuing_state + mrz_name(surname, given_names)
    born, expires = _yymmdd(birth_date), _yymmdd(expiry_date)
    personal_check = "<" if personal == "<" * 14 else str(check_digit(personal))
    body = (
        f"{number}{check_digit(number)}{nationality}{born}{check_digit(born)}"
        f"{sex}{expires}{check_digit(expires)}{personal}{personal_check}"
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    line2 = body + str(check_digit(composite))
    for line in (line1, line2):
        if not _LINE.fullmatch(line):
            raise MrzInvalid("the MRZ would contain characters outside A-Z, 0-9 and <")
    return line1, line2


@dataclass(frozen=True)
class MrzCheck:
    name: str
    ok: bool


@dataclass(frozen=True)
class ParsedMrz:
    document_type: str
    issuing_state: str
    primary: str
    secondary: str
    document_number: str
    nationality: str
    birth_date: str  # YYMMDD as printed; the century needs context (domain-spec 10.6)
    sex: str
    expiry_date: str
    personal_number: str
    checks: tuple[MrzCheck, ...]

    @property
    def valid(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def score(self) -> float:
        """Share of the five check digits that pass."""
        return sum(c.ok for c in self.checks) / len(self.checks)


def parse_td3(line1: str, line2: str) -> ParsedMrz:
    """Read a TD3 MRZ; each check digit is verified and reported, none is trusted blindly.

    >>> mrz = parse_td3("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    ...                 "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
    >>> mrz.valid, mrz.primary, mrz.secondary, mrz.document_number
    (True, 'ERIKSSON', 'ANNA MARIA', 'L898902C3')
    >>> parse_td3("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    ...           "L898902C36UTO7408122F1204159ZE184226B<<<<<11").score
    0.8
    """
    for line in (line1, line2):
        if not _LINE.fullmatch(line):
            raise MrzInvalid("an MRZ line must be 44 characters of A-Z, 0-9 and <")
    names = line1[5:].rstrip("<")
    primary, _, secondary = names.partition("<<")

    def ok(field: str, digit: str) -> bool:
        return digit == (
            "<" if field == "<" * len(field) and digit == "<" else str(check_digit(field))
        )

    composite = line2[0:10] + line2[13:20] + line2[21:43]
    checks = (
        MrzCheck("document_number", ok(line2[0:9], line2[9])),
        MrzCheck("birth_date", ok(line2[13:19], line2[19])),
        MrzCheck("expiry_date", ok(line2[21:27], line2[27])),
        MrzCheck("personal_number", ok(line2[28:42], line2[42])),
        MrzCheck("composite", ok(composite, line2[43])),
    )
    return ParsedMrz(
        document_type=line1[0:2].rstrip("<"),
        issuing_state=line1[2:5],
        primary=primary.replace("<", " ").strip(),
        secondary=secondary.replace("<", " ").strip(),
        document_number=line2[0:9].rstrip("<"),
        nationality=line2[10:13],
        birth_date=line2[13:19],
        sex=line2[20],
        expiry_date=line2[21:27],
        personal_number=line2[28:42].rstrip("<"),
        checks=checks,
    )
