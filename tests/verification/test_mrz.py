"""ICAO 9303 TD3 MRZ: the specimen, round trips, and every single-digit error caught."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verification.errors import MrzInvalid
from verification.mrz import check_digit, mrz_name, parse_td3, td3

SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def test_icao_specimen_is_built_exactly() -> None:
    assert (
        td3(
            document_number="L898902C3",
            surname="ERIKSSON",
            given_names="ANNA MARIA",
            nationality="UTO",
            issuing_state="UTO",
            birth_date=date(1974, 8, 12),
            sex="F",
            expiry_date=date(2012, 4, 15),
            personal_number="ZE184226B",
        )
        == SPECIMEN
    )


def test_icao_specimen_parses_with_all_five_check_digits() -> None:
    parsed = parse_td3(*SPECIMEN)
    assert [c.name for c in parsed.checks if c.ok] == [
        "document_number",
        "birth_date",
        "expiry_date",
        "personal_number",
        "composite",
    ]
    assert (parsed.birth_date, parsed.expiry_date, parsed.sex) == ("740812", "120415", "F")


@pytest.mark.parametrize(
    ("primary", "secondary", "expected"),
    [
        ("SUKARNO", "", "SUKARNO" + "<" * 32),
        ("ABDUROHIM", "MUCHAMMAD", "ABDUROHIM<<MUCHAMMAD" + "<" * 19),
        ("AINUN", "", "AINUN" + "<" * 34),  # Ai'nun: apostrophe dropped
        ("SITI-AMINAH", "", "SITI<AMINAH" + "<" * 28),
        ("A" * 30, "B" * 20, "A" * 30 + "<<" + "B" * 7),  # truncated, no trailing filler
    ],
)
def test_names(primary: str, secondary: str, expected: str) -> None:
    assert mrz_name(primary, secondary) == expected and len(expected) == 39


def test_indonesian_passport_round_trip() -> None:
    lines = td3(
        document_number="X1234567",
        surname="AMINAH",
        given_names="SITI",
        nationality="IDN",
        birth_date=date(1990, 8, 5),
        sex="F",
        expiry_date=date(2036, 8, 4),
    )
    parsed = parse_td3(*lines)
    assert parsed.valid and parsed.document_number == "X1234567"
    assert lines[1][8] == "<" and lines[1][42] == "<"  # 8-char number padded; empty personal no.


@given(
    position=st.sampled_from([*range(0, 9), *range(13, 19), *range(21, 27)]),
    digit=st.sampled_from("0123456789"),
)
def test_any_single_digit_change_fails_a_check(position: int, digit: str) -> None:
    line2 = SPECIMEN[1]
    if line2[position] == digit or not line2[position].isdigit():
        return
    changed = line2[:position] + digit + line2[position + 1 :]
    assert not parse_td3(SPECIMEN[0], changed).valid


@pytest.mark.parametrize("bad", ["P<UTO" + "é" * 39, "SHORT", "P<UTO" + "a" * 39])
def test_malformed_lines_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="44 characters"):
        parse_td3(bad, SPECIMEN[1])


def test_check_digit_refuses_foreign_characters() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        check_digit("AB-12")


@pytest.mark.parametrize("field", ["²", "١٢", "L89890２C3"])
def test_digits_of_other_scripts_are_refused(field: str) -> None:
    # Before: str.isdigit() let them through to int(), which raised a bare ValueError.
    with pytest.raises(MrzInvalid, match="not allowed"):
        check_digit(field)
