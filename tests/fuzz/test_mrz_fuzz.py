"""MRZ lines under hostile text: parsed with graded validity, or ``MrzInvalid``."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.common import fuzz_settings, outcome
from verification.errors import MrzInvalid
from verification.mrz import ParsedMrz, check_digit, parse_td3, td3
from verification.synthetic.hostile import hostile_mrz

MRZ_CHARS = st.text(alphabet="0123456789<ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=44, max_size=44)


@fuzz_settings(300)
@given(
    st.randoms(use_true_random=False)
    | st.tuples(st.text(), st.text())
    | st.tuples(MRZ_CHARS, MRZ_CHARS)
)
def test_any_two_lines_parse_or_are_refused(lines: random.Random | tuple[str, str]) -> None:
    pair = hostile_mrz(lines)[1] if isinstance(lines, random.Random) else lines
    result = outcome(lambda: parse_td3(*pair))
    assert isinstance(result, ParsedMrz | MrzInvalid), type(result)
    if isinstance(result, ParsedMrz):
        assert 0.0 <= result.score <= 1.0 and len(result.checks) == 5


@fuzz_settings(200)
@given(st.text(max_size=60))
def test_check_digit_of_any_text(field: str) -> None:
    result = outcome(lambda: check_digit(field))
    assert isinstance(result, MrzInvalid) or result in range(10)


@fuzz_settings(150)
@given(st.text(max_size=20), st.text(max_size=60), st.text(max_size=60), st.text(max_size=4))
def test_building_an_mrz_from_any_record(
    number: str, surname: str, given_names: str, nationality: str
) -> None:
    result = outcome(
        lambda: td3(
            document_number=number,
            surname=surname,
            given_names=given_names,
            nationality=nationality,
            birth_date=date(1990, 8, 5),
            sex="F",
            expiry_date=date(2031, 8, 4),
        )
    )
    if not isinstance(result, MrzInvalid):
        assert parse_td3(*result).valid
