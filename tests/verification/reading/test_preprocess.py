"""Finding a document lying on a table: the corners, whatever the lighting of the table."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from verification.reading.preprocess import document_quad, find_document

CORNERS = np.array([[120, 80], [1215, 107], [1158, 770], [189, 762]], np.float32)


def _scene(light_left: int, light_right: int, seed: int = 3) -> np.ndarray:
    """A light-blue card in perspective on a grey table lit from one side, with wood-like
    streaks; the table's brightness runs from ``light_left`` to ``light_right``."""
    rng = np.random.default_rng(seed)
    height, width = 861, 1314
    ramp = np.linspace(light_left, light_right, width, dtype=np.float32)
    table = np.repeat(ramp[None, :], height, axis=0)
    table += rng.normal(0, 6, (height, 1)).astype(np.float32)  # streaks across the grain
    scene = np.clip(np.dstack([table, table, table]), 0, 255).astype(np.uint8)
    card = np.full((540, 856, 3), (235, 215, 190), np.uint8)  # BGR light blue
    cv2.putText(card, "KARTU TANDA PENDUDUK", (60, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    source = np.array([[0, 0], [855, 0], [855, 539], [0, 539]], np.float32)
    matrix = cv2.getPerspectiveTransform(source, CORNERS)
    warped = cv2.warpPerspective(card, matrix, (width, height))
    inside = cv2.warpPerspective(np.full(card.shape[:2], 255, np.uint8), matrix, (width, height))
    scene[inside > 0] = warped[inside > 0]
    return scene


@pytest.mark.parametrize(("left", "right"), [(90, 100), (60, 170), (170, 60)])
def test_card_corners_are_found_on_an_unevenly_lit_table(left: int, right: int) -> None:
    quad = document_quad(_scene(left, right))
    assert quad is not None
    assert np.abs(quad - CORNERS).max() < 12  # px, on a 1314 px wide photo


def test_the_card_is_cut_out_at_its_own_size() -> None:
    card = find_document(_scene(60, 170))
    height, width = card.shape[:2]
    assert 1050 < width < 1110 and 660 < height < 700
    assert 1.5 < width / height < 1.7  # a KTP is 85.6 x 54 mm


def test_a_page_that_fills_the_photo_is_left_alone() -> None:
    page = np.full((800, 1100, 3), 245, np.uint8)
    cv2.putText(page, "KUTIPAN AKTA KELAHIRAN", (80, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    assert find_document(page) is page
