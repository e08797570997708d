"""Reading KTPs with the real Tesseract: every field of clean cards, the key fields of photos."""

from __future__ import annotations

import random

import pytest

from verification.reading.ktp import KTP_FIELDS, KTP_SIZE, parse_ktp, read_ktp
from verification.reading.loader import load_pages
from verification.reading.model import Box, Word
from verification.reading.ocr import TesseractEngine
from verification.synthetic.degrade import degrade
from verification.synthetic.drawing import to_array
from verification.synthetic.ktp import draw_ktp, ktp_truth, render_ktp
from verification.synthetic.people import generate_family


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


@pytest.mark.parametrize("seed", [101, 202, 303])
def test_clean_card_every_field(engine: TesseractEngine, seed: int) -> None:
    rng = random.Random(seed)
    family = generate_family(rng)
    rendered = render_ktp(family, family.applicant, rng)
    [page] = load_pages(rendered.data)
    assert page.image is not None
    reading = read_ktp(page.image, engine)
    assert {f: reading.fields.get(f) for f in KTP_FIELDS} == {
        f: str(rendered.truth[f]) for f in KTP_FIELDS
    }
    assert all(0.0 < reading.confidence[f] <= 1.0 for f in KTP_FIELDS)


@pytest.mark.parametrize(
    "steps",
    [["perspective", "shadow", "jpeg"], ["rotate", "noise", "jpeg"], ["downscale", "jpeg"]],
    ids=["card-on-table", "rotated-scan", "150dpi"],
)
def test_degraded_card_identity_fields(engine: TesseractEngine, steps: list[str]) -> None:
    rng = random.Random(7)
    family = generate_family(rng)
    truth = ktp_truth(family, family.applicant, rng)
    image, _ = degrade(to_array(draw_ktp(truth, rng)), rng, steps=steps)
    reading = read_ktp(image, engine)
    for name in ("nik", "nama", "tanggal_lahir", "jenis_kelamin"):
        assert reading.fields.get(name) == str(truth[name]), name
    # the step that undid the geometric damage is on record
    geometric = {
        "perspective": {"find_document"},
        "rotate": {"find_document", "deskew"},
        "downscale": {"upscale"},
    }
    assert geometric[steps[0]] & set(reading.steps)


def _line(y: float, *texts: tuple[str, float]) -> list[Word]:
    """Words of one card row at height ``y`` (fraction of the card), at x fractions."""
    width, height = KTP_SIZE
    return [
        Word(text, 0.9, Box(x * width, y * height - 10, 12.0 * len(text), 20.0))
        for text, x in texts
    ]


def test_a_label_misread_far_from_its_row_does_not_take_the_field() -> None:
    """ "Alamat" read as "Nama" four rows down must not overwrite the name."""
    words = [
        *_line(0.270, ("Nama", 0.03), (":", 0.25), ("SITI", 0.265), ("AMINAH", 0.33)),
        *_line(0.439, ("Nama", 0.03), (":", 0.25), ("JL.", 0.265), ("MAWAR", 0.30)),
    ]
    fields = parse_ktp(words).fields
    assert fields["nama"] == "SITI AMINAH"
    assert fields["alamat"] == "JL. MAWAR"
