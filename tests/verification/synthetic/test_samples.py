"""Genuine document images by kind: the same seed gives the same page, a kind names its type."""

from __future__ import annotations

import pytest

from verification.reading.loader import load_pages
from verification.synthetic.samples import GENUINE_KINDS, genuine_image


@pytest.mark.parametrize("kind", GENUINE_KINDS)
def test_each_kind_is_an_image_the_reader_loads(kind: str) -> None:
    data = genuine_image(kind, 3)
    assert data == genuine_image(kind, 3)
    image = load_pages(data)[0].image
    assert image is not None and image.ndim == 3
    # a KTP is a card (wider than tall), an akta a portrait page
    height, width = image.shape[:2]
    if kind.startswith("ktp"):
        assert width > height
    if kind.startswith("akta"):
        assert height > width


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        genuine_image("passport", 1)
