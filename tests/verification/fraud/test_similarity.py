"""Near-duplicate document images: re-used copies confirmed, other people's documents of the
same template not, on clean and degraded KTPs, akta and KK pages."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache

import pytest

from verification.fraud.similarity import (
    confirm,
    fingerprint,
    layout_of,
    match_evidence,
    prepare,
)
from verification.reading.loader import load_pages
from verification.reading.model import Image
from verification.synthetic.akta import render_akta
from verification.synthetic.kk import render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import Family, generate_family
from verification.synthetic.variants import VARIANT_KINDS, reused_variant

RENDER: dict[str, tuple[str, Callable[[Family, random.Random], bytes]]] = {
    "ktp clean": ("ktp", lambda f, rng: render_ktp(f, f.applicant, rng).data),
    "ktp degraded": ("ktp", lambda f, rng: render_ktp(f, f.applicant, rng, degraded=True).data),
    "akta": ("akta_kelahiran", lambda f, rng: render_akta(f, f.applicant, rng).data),
    "kk photo": ("kk", lambda f, rng: render_kk(f, rng, form="photo").data),
    "kk pdf_scan": ("kk", lambda f, rng: render_kk(f, rng, form="pdf_scan").data),
}


@cache
def _genuine(kind: str, seed: int) -> bytes:
    rng = random.Random(seed)
    return RENDER[kind][1](generate_family(rng), rng)


def _image(data: bytes) -> Image:
    image = load_pages(data)[0].image
    assert image is not None
    return image


@pytest.mark.parametrize("kind", list(RENDER))
@pytest.mark.parametrize("variant", VARIANT_KINDS)
def test_a_reused_copy_is_confirmed(kind: str, variant: str) -> None:
    doc_type = RENDER[kind][0]
    original = _genuine(kind, 11)
    copy = reused_variant(original, random.Random(7), kind=variant)
    a, b = prepare(_image(original), doc_type), prepare(_image(copy), doc_type)
    match = confirm(a, b)
    assert match.same, match.details()
    assert fingerprint(a).shared(fingerprint(b)) >= 12  # found by the index too


@pytest.mark.parametrize("kind", list(RENDER))
def test_other_peoples_documents_of_one_template_are_not_confirmed(kind: str) -> None:
    doc_type = RENDER[kind][0]
    pages = [prepare(_image(_genuine(kind, seed)), doc_type) for seed in (21, 22, 23)]
    for i, a in enumerate(pages):
        for b in pages[i + 1 :]:
            match = confirm(a, b)
            assert not match.same, match.details()
            assert match.score < match.threshold


def test_copies_share_far_more_fingerprint_keys_than_strangers() -> None:
    original = _genuine("ktp degraded", 31)
    copy = reused_variant(original, random.Random(3), kind="resized")
    mine, theirs = (fingerprint(prepare(_image(d), "ktp")) for d in (original, copy))
    stranger = fingerprint(prepare(_image(_genuine("ktp degraded", 32)), "ktp"))
    assert mine.layout == "ktp" and mine.keypoints > 100
    assert mine.shared(theirs) > 3 * mine.shared(stranger)


def test_variants_are_reproducible_and_differ_from_the_original() -> None:
    original = _genuine("ktp clean", 41)
    for kind in VARIANT_KINDS:
        first = reused_variant(original, random.Random(5), kind=kind)
        assert first == reused_variant(original, random.Random(5), kind=kind)
        assert first != original and first.startswith(b"\xff\xd8")
    with pytest.raises(ValueError, match="kind must be one of"):
        reused_variant(original, random.Random(5), kind="stretched")


def test_match_evidence_draws_both_pages_side_by_side() -> None:
    original = _genuine("ktp clean", 51)
    copy = reused_variant(original, random.Random(9), kind="rotated")
    drawn = match_evidence(_image(original), _image(copy), doc_type="ktp")
    assert drawn.ndim == 3 and drawn.shape[2] == 3
    assert drawn.shape[1] > 2 * 1011  # two canonical cards and a gap
    assert (drawn[:, :, 1] > drawn[:, :, 2] + 60).any()  # green lines: a confirmed pair


@pytest.mark.parametrize(
    ("doc_type", "layout"),
    [("ktp", "ktp"), ("ktp_ibu", "ktp"), ("kk", "kk"), ("akta_kelahiran", "akta"),
     ("buku_nikah", "page")],
)  # fmt: skip
def test_each_document_type_has_a_layout(doc_type: str, layout: str) -> None:
    assert layout_of(doc_type) == layout
