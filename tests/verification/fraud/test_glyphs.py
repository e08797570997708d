"""The KTP's NIK glyphs: retyped digits found, genuine clean and degraded cards left alone."""

from __future__ import annotations

import random

import pytest

from rules.checking import check_context
from rules.policy import default_policy
from verification.fraud.glyphs import nik_glyph_findings, nik_glyph_signals
from verification.reading.loader import load_pages
from verification.reading.model import Image
from verification.synthetic.fonts import SANS, SANS_BOLD, SERIF_BOLD
from verification.synthetic.ktp import Retyped, render_ktp
from verification.synthetic.people import generate_family


def _card(seed: int, *, degraded: bool = False, retyped: Retyped | None = None) -> Image:
    rng = random.Random(seed)
    family = generate_family(rng)
    data = render_ktp(family, family.applicant, rng, degraded=degraded, retyped=retyped).data
    image = load_pages(data)[0].image
    assert image is not None
    return image


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("degraded", [False, True])
def test_genuine_cards_raise_nothing(seed: int, degraded: bool) -> None:
    assert nik_glyph_signals(_card(seed, degraded=degraded)) == []


@pytest.mark.parametrize(
    "retyped",
    [
        Retyped(10, 12, SANS_BOLD, 34),  # two digits typed smaller
        Retyped(8, 9, SANS, 38),  # one digit in the regular weight: thinner strokes
    ],
)
def test_retyped_digits_on_a_clean_card(retyped: Retyped) -> None:
    [(code, details)] = nik_glyph_signals(_card(3, retyped=retyped))
    assert code == "fraud.tamper.font"
    assert details["odd_digits"] == retyped.stop - retyped.start
    left, top, right, bottom = details["box"]  # fractions of the canonical card
    assert 0.255 < left < right < 0.76 and 0.15 <= top < bottom <= 0.25  # in the NIK band


@pytest.mark.parametrize(
    ("seed", "retyped"),
    [(6, Retyped(12, 15, SANS_BOLD, 41)), (4, Retyped(13, 15, SANS_BOLD, 41))],
)
def test_slightly_taller_digits_at_the_end_of_the_line(seed: int, retyped: Retyped) -> None:
    # 8% taller (two pixels): a least-squares line along the line leaned towards them and hid
    # them; the sharp card's digits sit on the robust line to the pixel
    [(_, details)] = nik_glyph_signals(_card(seed, retyped=retyped))
    assert details["measured"] == "digits"
    assert details["odd_digits"] == retyped.stop - retyped.start
    assert all(0.06 < d < 0.1 for d in details["height_deviation"])


def test_the_finding_points_at_the_digits() -> None:
    image = _card(4, retyped=Retyped(12, 14, SANS_BOLD, 34))
    ctx = check_context(default_policy())
    [finding] = nik_glyph_findings(image, document="ktp", sha256="ef" * 32, ctx=ctx)
    assert finding.field == "nik" and finding.severity.value == "high"
    assert finding.evidence.box is not None and finding.evidence.sha256 == "ef" * 32
    details = finding.evidence.details
    assert details["parameters"]["height_threshold"] == 0.04
    # the limit this card's line was held to: its digits agree closely, so the sharp one
    assert details["height_limit"] == details["parameters"]["sharp_height_threshold"] == 0.03


@pytest.mark.parametrize("seed", [100, 101, 102])
def test_digits_retyped_in_a_serif_of_the_same_size_on_a_clean_card(seed: int) -> None:
    # a serif's digits stand 4 % shorter: one pixel, found only because heights are measured
    # to a fraction of a pixel and this line's digits agree to a tenth of one
    card = _card(seed, retyped=Retyped(9, 11, SERIF_BOLD, 38))
    [(_, details)] = nik_glyph_signals(card)
    assert details["measured"] == "digits" and details["odd_digits"] == 2
    assert all(-0.05 < d < -0.03 for d in details["height_deviation"])


@pytest.mark.parametrize("seed", [101, 106, 107])
def test_one_slightly_taller_digit_on_a_blurred_card_is_found_in_cells(seed: int) -> None:
    # 8 % taller, merged with a neighbour by blur: only its cell sees it, two pixels taller
    card = _card(seed, degraded=True, retyped=Retyped(9, 10, SANS_BOLD, 41))
    [(_, details)] = nik_glyph_signals(card)
    assert details["measured"] == "cells" and details["odd_digits"] == 1
    assert all(0.06 < d < 0.1 for d in details["height_deviation"])
    left, _, right, _ = details["box"]
    assert (266 + 9 * 21) / 1011 - 0.01 < left < right < (266 + 10 * 21) / 1011 + 0.01


# Degraded cards whose NIK digits blur merges (fewer than 12 separate): the line is measured
# in 16 cells.
MERGED = [1, 3, 12, 18, 20, 24, 31, 37]


@pytest.mark.parametrize("seed", [*MERGED, 103, 129, 130])
def test_genuine_cards_with_merged_digits_raise_nothing(seed: int) -> None:
    # 31, 103, 129 and 130: their cells vary by 3 % and more (a 4's blurred apex comes out
    # up to 12 % short), beyond a fixed threshold: the line's own scatter raises it
    assert nik_glyph_signals(_card(seed, degraded=True)) == []


@pytest.mark.parametrize("seed", [1, 18, 24])
def test_retyped_digits_merged_by_blur_are_found_in_cells(seed: int) -> None:
    card = _card(seed, degraded=True, retyped=Retyped(9, 11, SANS_BOLD, 43))
    [(code, details)] = nik_glyph_signals(card)
    assert code == "fraud.tamper.font" and details["measured"] == "cells"
    assert all(d > 0.08 for d in details["height_deviation"])  # taller than the line
    left, _, right, _ = details["box"]
    # digits 9 and 10 of the NIK, which starts at 266 px of 1011 and advances 21 px a digit
    assert (266 + 9 * 21) / 1011 - 0.01 < left < right < (266 + 11 * 21) / 1011 + 0.01
    assert details["stroke_deviation"] == []  # a cell's stroke is not judged


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_larger_retyped_digits_touching_their_neighbours_are_found_in_cells(seed: int) -> None:
    # on a clean card the two taller digits merge with their neighbours and drop out of the
    # separate digits (13-14 of 16 remain, all alike): the cells see them
    [(_, details)] = nik_glyph_signals(_card(seed, retyped=Retyped(9, 11, SANS_BOLD, 43)))
    assert details["measured"] == "cells" and details["odd_digits"] == 2
    assert all(d > 0.1 for d in details["height_deviation"])
