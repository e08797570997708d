"""The KTP's NIK glyphs: retyped digits found, genuine clean and degraded cards left alone."""

from __future__ import annotations

import random

import pytest

from rules.checking import check_context
from rules.policy import default_policy
from verification.fraud.glyphs import nik_glyph_findings, nik_glyph_signals
from verification.reading.loader import load_pages
from verification.reading.model import Image
from verification.synthetic.fonts import SANS, SANS_BOLD
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


def test_the_finding_points_at_the_digits() -> None:
    image = _card(4, retyped=Retyped(12, 14, SANS_BOLD, 34))
    ctx = check_context(default_policy())
    [finding] = nik_glyph_findings(image, document="ktp", sha256="ef" * 32, ctx=ctx)
    assert finding.field == "nik" and finding.severity.value == "high"
    assert finding.evidence.box is not None and finding.evidence.sha256 == "ef" * 32
    assert finding.evidence.details["parameters"]["height_threshold"] == 0.06
