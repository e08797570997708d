"""One real-Tesseract smoke test: the clean KTP rendering is readable by OCR."""

from __future__ import annotations

import random
import shutil

import pytest

from verification.synthetic.ktp import draw_ktp, ktp_truth
from verification.synthetic.people import Family


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_tesseract_reads_the_nik_and_name_of_a_clean_ktp(
    adult_families: list[Family], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    if "ind" not in pytesseract.get_languages():
        pytest.skip("the Indonesian traineddata (tesseract-ocr-ind) is not installed")
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    family = adult_families[0]
    truth = ktp_truth(family, family.applicant, random.Random(0))
    text = pytesseract.image_to_string(draw_ktp(truth, random.Random(0)), lang="ind")
    compact = text.replace(" ", "")
    assert truth["nik"] in compact
    assert truth["nama"] in text
