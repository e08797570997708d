"""The name matcher under hostile text: always a level and a score, in bounded time."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.common import fuzz_settings
from verification.identity.names import MatchLevel, canonical_name, match_names
from verification.synthetic.hostile import hostile_name

NAMES = st.text(max_size=300) | st.randoms(use_true_random=False).map(lambda r: hostile_name(r)[1])


@fuzz_settings(300)
@given(NAMES, NAMES)
def test_any_two_names_get_a_level_and_a_score(a: str, b: str) -> None:
    match = match_names(a, b)
    assert isinstance(match.level, MatchLevel) and 0.0 <= match.score <= 1.0
    assert len(match.rules) == len(match.notes)
    assert match_names(b, b).level in (MatchLevel.EXACT, MatchLevel.MISMATCH)


@fuzz_settings(200)
@given(NAMES)
def test_canonical_name_of_any_text_is_stable(text: str) -> None:
    name = canonical_name(text)
    assert canonical_name(name.text).text == name.text


@fuzz_settings(50)
@given(st.randoms(use_true_random=False))
def test_names_with_hostile_words_match_themselves(rng: random.Random) -> None:
    words = " ".join(hostile_name(rng)[1].split()[:20])
    match = match_names(words, words)
    assert match.level in (MatchLevel.EXACT, MatchLevel.MISMATCH)
