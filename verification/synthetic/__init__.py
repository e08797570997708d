"""Synthetic Indonesian identity documents with ground truth, for tests, demos and benchmarks.

Pure code (PIL, reportlab, numpy, OpenCV): seeded families (``people``), documents rendered
from them (``ktp``, ``kk``, ``akta``), named degradations (``degrade``) and packet folders in
the DESIGN.md section 2 format (``packet``). Every person is invented; only the region codes
and place names are real.
"""

from __future__ import annotations

from verification.synthetic.akta import akta_truth, render_akta
from verification.synthetic.degrade import STEPS, degrade
from verification.synthetic.drawing import Rendered
from verification.synthetic.kk import KK_FORMS, kk_truth, render_kk
from verification.synthetic.ktp import ktp_truth, render_ktp
from verification.synthetic.packet import DocumentTruth, PacketTruth, write_batch, write_packet
from verification.synthetic.people import Family, Person, generate_family

__all__ = [
    "KK_FORMS",
    "STEPS",
    "DocumentTruth",
    "Family",
    "PacketTruth",
    "Person",
    "Rendered",
    "akta_truth",
    "degrade",
    "generate_family",
    "kk_truth",
    "ktp_truth",
    "render_akta",
    "render_kk",
    "render_ktp",
    "write_batch",
    "write_packet",
]
