"""Photo and fingerprint checks on drawn portraits and formula fingerprints (real OpenCV)."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from verification.biometrics.fingerprint import FINGERPRINT_CHECKS, check_fingerprint
from verification.biometrics.photo import CHECKS, PhotoThresholds, check_photo
from verification.errors import DocumentUnreadable
from verification.synthetic.fingerprint import fingerprint, fingerprint_bytes
from verification.synthetic.portrait import VARIANTS, portrait, portrait_bytes

# Each defective portrait and the check it must fail.
DEFECTS = {
    "no_face": "face_count",
    "two_faces": "face_count",
    "blurred": "sharpness",
    "dark": "brightness",
    "overexposed": "exposure",
    "cluttered": "background_plain",
    "dark_background": "background_light",
    "small_face": "face_size",
    "off_centre": "face_centred",
}


def test_every_variant_has_its_check() -> None:
    assert set(DEFECTS) == set(VARIANTS) - {"good"}
    assert set(DEFECTS.values()) | {"eye_line"} == set(CHECKS)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("media_type", ["image/jpeg", "image/png"])
def test_a_good_portrait_passes_every_check(seed: int, media_type: str) -> None:
    report = check_photo(portrait_bytes("good", seed=seed, media_type=media_type))
    assert report.ok, report.failed
    assert [c.name for c in report.checks] == list(CHECKS)
    assert all(c.passed is True and c.value is not None for c in report.checks)
    assert report.check("face_count").value == 1
    face_size = report.check("face_size")
    assert face_size.minimum is not None and face_size.maximum is not None
    assert face_size.minimum <= (face_size.value or 0) <= face_size.maximum


@pytest.mark.parametrize("variant", sorted(DEFECTS))
@pytest.mark.parametrize("seed", [0, 1])
def test_a_defective_portrait_fails_its_check(variant: str, seed: int) -> None:
    report = check_photo(portrait_bytes(variant, seed=seed))
    expected = DEFECTS[variant]
    assert not report.ok
    assert expected in report.failed
    failed = report.check(expected)
    assert failed.value is not None and failed.passed is False
    low, high = failed.minimum, failed.maximum
    assert (low is not None and failed.value < low) or (high is not None and failed.value > high)


def test_without_one_face_the_face_checks_are_not_measured() -> None:
    report = check_photo(portrait("two_faces", seed=0))
    assert report.failed[0] == "face_count" and report.check("face_count").value == 2
    for name in ("face_size", "face_centred", "eye_line", "sharpness"):
        check = report.check(name)
        assert check.passed is None and check.value is None and name not in report.failed
    assert report.face is None


def test_a_high_resolution_capture_is_checked_at_working_size() -> None:
    small = portrait("good", seed=5)
    large = cv2.resize(small, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    report = check_photo(large)
    assert report.ok, report.failed
    assert (report.width, report.height) == (large.shape[1], large.shape[0])
    assert report.face is not None
    x, y, w, h = report.face  # in the photo's own pixels
    assert x >= 0 and x + w <= report.width and y + h <= report.height
    assert 0.45 * report.height < h < report.height


def test_the_report_is_plain_numbers_and_names() -> None:
    data = check_photo(portrait_bytes("blurred", seed=3)).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["ok"] is False and data["failed"] == ["sharpness"]
    assert {c["name"] for c in data["checks"]} == set(CHECKS)


def test_thresholds_are_data() -> None:
    strict = PhotoThresholds(sharpness_min=10_000.0)
    assert check_photo(portrait("good", seed=0), strict).failed == ("sharpness",)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\0" * 40])
def test_bytes_that_are_no_image_are_refused(data: bytes) -> None:
    with pytest.raises(DocumentUnreadable):
        check_photo(data)


def test_the_generators_are_deterministic_and_strict() -> None:
    assert portrait_bytes("good", seed=9) == portrait_bytes("good", seed=9)
    assert not np.array_equal(portrait("good", seed=9), portrait("good", seed=10))
    with pytest.raises(ValueError, match="unknown portrait variant"):
        portrait("smiling")
    with pytest.raises(ValueError, match="unknown fingerprint variant"):
        fingerprint("thumbless")


def test_a_good_fingerprint_passes() -> None:
    report = check_fingerprint(fingerprint_bytes("good", seed=1))
    assert report.ok and [c.name for c in report.checks] == list(FINGERPRINT_CHECKS)


@pytest.mark.parametrize(
    ("variant", "failed"),
    [
        ("blank", ("contrast", "ridge_coverage")),
        ("faint", ("ridge_coverage",)),
        ("smudged", ("ridge_coverage",)),
        ("small", ("size",)),
    ],
)
def test_a_bad_fingerprint_fails_its_checks(variant: str, failed: tuple[str, ...]) -> None:
    report = check_fingerprint(fingerprint_bytes(variant, seed=2))
    assert report.failed == failed


def test_a_fingerprint_that_is_no_image_is_refused() -> None:
    with pytest.raises(DocumentUnreadable):
        check_fingerprint(b"%PDF-1.7 not a scan")
