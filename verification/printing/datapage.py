"""What a passport data page shows, built from the application record.

The visual fields follow the Indonesian data page (domain-spec 6.5): type ``P``, issuing state
``IDN``, passport number, a single "Nama Lengkap" (no punctuation, no titles), sex, nationality,
date and place of birth, dates of issue and expiry, registration number and issuing office,
the photo, and the ICAO 9303 TD3 MRZ (domain-spec 10, built by ``verification.mrz.td3``).

Choices where the sources are silent or unverified (documented, kept in one place):

- **Expiry** is the issue date plus the validity the applicant chose (5 or 10 years) minus one
  day, as Indonesian books are dated (a book issued 2026-11-27 for 10 years expires
  2036-11-26). A book issued on 29 February takes 1 March as its anniversary, so it expires on
  28 February.
- **Names in the MRZ**: the single full name is split with its *last word* as the primary
  identifier and the words before it as the secondary identifiers (the one Indonesian sample
  seen, domain-spec 10.5, unverified); a one-word name is a mononym. Matching of MRZ names
  elsewhere compares token multisets, so the split does not decide a match.
- **Registration number** is the application number (``APP-YYYY-NNNNNN``): it names the file,
  not the person.
- The optional-data field of the MRZ stays empty: the NIK does not fit in it (10.7).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from verification.errors import InputError
from verification.mrz import td3
from verification.packet import ApplicantForm
from verification.printing.numbers import DEFAULT_PREFIX, format_number, is_passport_number

__all__ = [
    "DataPage",
    "Issuer",
    "data_page",
    "expiry_date",
    "mrz_name_parts",
    "viz_date",
    "viz_name",
]

_SEX = {"LAKI-LAKI": "M", "PEREMPUAN": "F"}
_MONTHS_ID = ("JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOV", "DES")
_MONTHS_EN = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class Issuer:
    """The office that prints: its name on the page and the letter of its number series."""

    office: str = "PEKANBARU"
    number_prefix: str = DEFAULT_PREFIX
    state: str = "IDN"
    nationality: str = "INDONESIA"

    def __post_init__(self) -> None:
        format_number(self.number_prefix, 1)  # refuses a bad prefix now, not at print time
        if not re.fullmatch(r"[A-Z][A-Z .-]{0,39}", self.office):
            raise InputError("the issuing office is 1-40 capital letters, spaces, '.' or '-'")


@dataclass(frozen=True)
class DataPage:
    """Everything one data page prints. Holds personal data: never log or audit it."""

    number: str
    name: str
    sex: str  # M | F, as in the MRZ
    birth_date: date
    birth_place: str
    issue_date: date
    expiry_date: date
    registration: str
    issuer: Issuer
    mrz: tuple[str, str]
    document_type: str = "P"


def viz_name(name: str) -> str:
    """The name as the visual zone prints it: capitals, no punctuation, single spaces.

    >>> viz_name("M. Firman  Ai'nun")
    'M FIRMAN AINUN'
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    folded = folded.replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^A-Z ]+", " ", folded).split())


def mrz_name_parts(name: str) -> tuple[str, str]:
    """(primary, secondary) identifiers of a single Indonesian full name.

    >>> mrz_name_parts("SITI AMINAH"), mrz_name_parts("SUKARNO")
    (('AMINAH', 'SITI'), ('SUKARNO', ''))
    """
    words = viz_name(name).split()
    if not words:
        raise InputError("the name has no letters to print")
    return words[-1], " ".join(words[:-1])


def viz_date(day: date) -> str:
    """A date as the visual zone prints it: day, Indonesian/English month, year.

    >>> viz_date(date(1990, 8, 5)), viz_date(date(2026, 1, 9))
    ('05 AGU/AUG 1990', '09 JAN 2026')
    """
    local, english = _MONTHS_ID[day.month - 1], _MONTHS_EN[day.month - 1]
    month = local if local == english else f"{local}/{english}"
    return f"{day.day:02d} {month} {day.year}"


def expiry_date(issue: date, validity_years: int) -> date:
    """The last day of validity: the anniversary after ``validity_years`` minus one day.

    >>> expiry_date(date(2026, 11, 27), 10), expiry_date(date(2028, 2, 29), 5)
    (datetime.date(2036, 11, 26), datetime.date(2033, 2, 28))
    """
    if validity_years not in (5, 10):
        raise InputError("validity is 5 or 10 years")
    year = issue.year + validity_years
    try:
        anniversary = issue.replace(year=year)
    except ValueError:  # 29 February in a common year
        anniversary = date(year, 3, 1)
    return anniversary - timedelta(days=1)


def data_page(
    form: ApplicantForm, *, number: str, issue_date: date, registration: str, issuer: Issuer
) -> DataPage:
    """The data page of the passport ``number`` for the applicant of ``form``."""
    if not is_passport_number(number):
        raise InputError("not a passport number of the form letter + 7 digits")
    sex = _SEX.get(form.jenis_kelamin)
    if sex is None:
        raise InputError("jenis_kelamin must be LAKI-LAKI or PEREMPUAN to print a passport")
    name = viz_name(form.nama)
    primary, secondary = mrz_name_parts(name)
    expires = expiry_date(issue_date, form.validity_years)
    mrz = td3(
        document_number=number,
        surname=primary,
        given_names=secondary,
        nationality=issuer.state,
        issuing_state=issuer.state,
        birth_date=form.tanggal_lahir,
        sex=sex,
        expiry_date=expires,
    )
    return DataPage(
        number=number,
        name=name,
        sex=sex,
        birth_date=form.tanggal_lahir,
        birth_place=viz_name(form.tempat_lahir),
        issue_date=issue_date,
        expiry_date=expires,
        registration=registration,
        issuer=issuer,
        mrz=mrz,
    )
