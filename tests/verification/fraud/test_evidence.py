"""Evidence pictures: each finding's place drawn where a reviewer can see it."""

from __future__ import annotations

import random

import cv2
import numpy as np

from rules.checking import check_context
from rules.policy import default_policy
from verification.findings import Finding
from verification.fraud.copymove import copy_move_findings
from verification.fraud.evidence import evidence_picture
from verification.fraud.glyphs import nik_glyph_findings
from verification.fraud.metadata import image_metadata_findings
from verification.reading.loader import load_pages
from verification.reading.model import Image
from verification.synthetic.copymove import copy_moved
from verification.synthetic.fonts import SANS_BOLD
from verification.synthetic.ktp import KTP_SIZE, Retyped, render_ktp
from verification.synthetic.people import generate_family
from verification.synthetic.tamper import saved_by

CTX = check_context(default_policy())


def _ktp(seed: int, *, degraded: bool, retyped: Retyped | None = None) -> bytes:
    rng = random.Random(seed)
    family = generate_family(rng)
    return render_ktp(family, family.applicant, rng, degraded=degraded, retyped=retyped).data


def _image(data: bytes) -> Image:
    image = load_pages(data)[0].image
    assert image is not None
    return image


def _decoded(picture: bytes | None) -> Image:
    assert picture is not None and picture.startswith(b"\x89PNG")
    decoded = cv2.imdecode(np.frombuffer(picture, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    return decoded


def _red(picture: Image) -> np.ndarray:
    blue, green, red = (picture[..., i].astype(int) for i in range(3))
    marked: np.ndarray = (red >= 200) & (green <= 60) & (blue <= 60)
    return marked


def _glyph_findings(data: bytes) -> list[Finding]:
    found = nik_glyph_findings(_image(data), document="ktp", sha256="ab" * 32, ctx=CTX)
    assert found, "the retyped digits were not found"
    return found


def test_retyped_digits_are_outlined_on_the_straightened_card() -> None:
    # seed 21: a photo taken at an angle (perspective), so the card is not the upload's frame
    data = _ktp(21, degraded=True, retyped=Retyped(10, 12, SANS_BOLD, 43))
    [finding] = _glyph_findings(data)
    picture = _decoded(evidence_picture(data, [finding]))
    assert picture.shape[:2] == (KTP_SIZE[1], KTP_SIZE[0])  # the canonical card
    x0, y0, x1, y1 = finding.evidence.details["box"]
    ys, xs = np.nonzero(_red(picture))
    assert len(xs) > 0, "nothing was outlined"
    # the outline surrounds the digits' box (a few pixels of line width around it)
    width, height = KTP_SIZE
    assert abs(xs.min() - x0 * width) <= 8 and abs(xs.max() - x1 * width) <= 8
    assert abs(ys.min() - y0 * height) <= 8 and abs(ys.max() - y1 * height) <= 8


def test_a_card_with_other_marks_shows_the_upload_beside_the_card() -> None:
    rng = random.Random(11)
    retyped = _ktp(9, degraded=True, retyped=Retyped(10, 12, SANS_BOLD, 43))
    forged = copy_moved(retyped, rng, strength="patch")
    image = _image(forged)
    findings = _glyph_findings(forged)
    findings += copy_move_findings(image, document="ktp", sha256="ab" * 32, ctx=CTX)
    assert {f.code for f in findings} == {"fraud.tamper.font", "fraud.tamper.copy_move"}
    picture = _decoded(evidence_picture(forged, findings))
    height, width = image.shape[:2]
    joined = width + 16 + KTP_SIZE[0] * height / KTP_SIZE[1]  # the card at the upload's height
    assert abs(picture.shape[1] / picture.shape[0] - joined / height) < 0.01
    scale = picture.shape[0] / height  # pictures wider than 1600 pixels are reduced
    left = picture[:, : round(width * scale)]
    right = picture[:, round((width + 16) * scale) :]
    assert _red(left).any() and _red(right).any()  # copy-move on the upload, digits on the card


def test_findings_without_a_place_get_no_picture() -> None:
    data = saved_by(_ktp(3, degraded=False), software="GIMP 2.10.36")
    findings = image_metadata_findings(data, document="ktp", sha256="cd" * 32, ctx=CTX)
    assert [f.code for f in findings] == ["fraud.tamper.metadata"]
    assert evidence_picture(data, findings) is None
