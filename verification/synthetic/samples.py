"""Genuine document images by kind, for the image forensics detectors' tests.

The forensics tests draw the same genuine documents again and again: a KTP, an akta or a KK
photo, clean or degraded, each from one seed. ``genuine_image`` is that one place, so that a
seed named in a test (a known false alarm, a page with a QR code) names the same page in
every test file:

    data = genuine_image("akta degraded", 875262)   # PNG or JPEG bytes
"""

from __future__ import annotations

import random

from verification.synthetic.akta import render_akta
from verification.synthetic.kk import render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import generate_family

__all__ = ["GENUINE_KINDS", "genuine_image"]

GENUINE_KINDS = ("ktp clean", "ktp degraded", "akta clean", "akta degraded", "kk photo")


def genuine_image(kind: str, seed: int) -> bytes:
    """The bytes of a genuine document image of ``kind`` (one of ``GENUINE_KINDS``) for a
    family drawn from ``seed``: the seed's generator makes the family, then the document."""
    if kind not in GENUINE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(GENUINE_KINDS)}, not {kind!r}")
    rng = random.Random(seed)
    family = generate_family(rng)
    if kind == "kk photo":
        return render_kk(family, rng, form="photo").data
    degraded = kind.endswith("degraded")
    if kind.startswith("ktp"):
        return render_ktp(family, family.applicant, rng, degraded=degraded).data
    return render_akta(family, family.applicant, rng, degraded=degraded).data
