"""Editing software in image metadata, on genuine synthetic scans and photos and re-saved ones."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from rules.checking import check_context
from rules.policy import default_policy
from verification.fraud.metadata import image_metadata_findings, image_metadata_signals
from verification.synthetic.akta import render_akta
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import generate_family
from verification.synthetic.tamper import saved_by


def _ktp(seed: int, degraded: bool) -> bytes:
    rng = random.Random(seed)
    family = generate_family(rng)
    return render_ktp(family, family.applicant, rng, degraded=degraded).data


def _akta(seed: int) -> bytes:
    rng = random.Random(seed)
    family = generate_family(rng)
    return render_akta(family, family.applicant, rng).data


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("degraded", [False, True])
def test_genuine_ktp_images_raise_nothing(seed: int, degraded: bool) -> None:
    assert image_metadata_signals(_ktp(seed, degraded)) == []


def test_a_camera_name_is_not_an_editor() -> None:
    image = Image.open(io.BytesIO(_ktp(1, True)))
    exif = Image.Exif()
    exif[0x0131] = "Android 14 (Samsung SM-A546E camera)"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert image_metadata_signals(buffer.getvalue()) == []


@pytest.mark.parametrize("software", ["Adobe Photoshop 25.0 (Windows)", "GIMP 2.10.36", "Snapseed"])
def test_a_jpeg_saved_by_an_editor(software: str) -> None:
    [(code, details)] = image_metadata_signals(saved_by(_ktp(2, False), software=software))
    assert code == "fraud.tamper.metadata"
    assert details["field"] == "EXIF Software" and details["value"] == software


def test_a_png_saved_by_an_editor_and_the_finding() -> None:
    data = _akta(3)
    assert data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8")
    edited = saved_by(data, software="GIMP 2.10.36")
    ctx = check_context(default_policy())
    [finding] = image_metadata_findings(
        edited, document="akta_kelahiran", sha256="cd" * 32, ctx=ctx
    )
    assert finding.code == "fraud.tamper.metadata" and finding.severity.value == "high"
    assert finding.evidence.sha256 == "cd" * 32 and finding.evidence.details["marker"] == "gimp"
    assert image_metadata_findings(b"%PDF-1.4 ...", document="kk", sha256=None, ctx=ctx) == []


def test_garbage_is_not_judged() -> None:
    assert image_metadata_signals(b"\xff\xd8\xff\xe0 truncated") == []
