"""Fraud and tamper detection on synthetic documents (issue 5 targets).

Builds tampered copies of synthetic documents for every class a detector exists for, at several
strengths, plus genuine documents (clean and degraded), runs the real detectors and prints
recall per class, the false-positive rate on genuine documents and median seconds per document.

    .venv/bin/python benchmarks/fraud_detection.py --count 100

Classes without a detector yet are listed as such, not scored.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from verification.fraud.glyphs import nik_glyph_signals
from verification.fraud.metadata import image_metadata_signals
from verification.fraud.pdf import inspect_pdf
from verification.reading.loader import load_pages
from verification.synthetic.akta import render_akta
from verification.synthetic.fonts import SANS, SANS_BOLD, SERIF_BOLD
from verification.synthetic.kk import kk_page, render_kk
from verification.synthetic.ktp import Retyped, render_ktp
from verification.synthetic.people import Family, generate_family
from verification.synthetic.tamper import append_revision, retyped_value, rewritten_by, saved_by

EDITORS = ("iLovePDF", "Sejda PDF Desktop", "Adobe Photoshop 25.0", "PDFescape Online")
FONTS = ("Times-Roman", "Courier", "Helvetica-Oblique", "Helvetica-Bold")


def _update(family: Family, rng: random.Random) -> bytes:
    form = rng.choice(("pdf_text", "pdf_scan"))
    producer = rng.choice((None, *EDITORS))  # an update that says who made it, or not
    return append_revision(render_kk(family, rng, form=form).data, producer=producer)


def _editor(family: Family, rng: random.Random) -> bytes:
    return rewritten_by(kk_page(family), title="KK", producer=rng.choice(EDITORS))


def _font(family: Family, rng: random.Random) -> bytes:
    member = rng.choice(family.members)
    value = rng.choice((member.nik, member.nama, member.tanggal_lahir.strftime("%d-%m-%Y")))
    return retyped_value(kk_page(family), title="KK", value=value, font=rng.choice(FONTS))


IMAGE_EDITORS = ("Adobe Photoshop 25.0 (Windows)", "GIMP 2.10.36", "Snapseed", "Photopea")


def _ktp(family: Family, rng: random.Random, *, degraded: bool) -> bytes:
    return render_ktp(family, family.applicant, rng, degraded=degraded).data


def _metadata(family: Family, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        image = _ktp(family, rng, degraded=rng.random() < 0.5)
    else:
        image = render_akta(family, family.applicant, rng, degraded=rng.random() < 0.5).data
    return saved_by(image, software=rng.choice(IMAGE_EDITORS))


RETYPES = (
    (SANS_BOLD, 34, "smaller"),
    (SANS_BOLD, 43, "larger"),
    (SANS_BOLD, 41, "slightly larger"),
    (SANS, 38, "regular weight"),
    (SERIF_BOLD, 38, "serif"),
)


def _nik_font(degraded: bool) -> Callable[[Family, random.Random], bytes]:
    def build(family: Family, rng: random.Random) -> bytes:
        start, count = rng.randrange(6, 14), rng.choice((1, 2, 3))
        font_file, size, _ = rng.choice(RETYPES)
        retyped = Retyped(start, start + count, font_file, size)
        return render_ktp(family, family.applicant, rng, degraded=degraded, retyped=retyped).data

    return build


# class -> (builder, the finding code that detects it)
TAMPERED: dict[str, tuple[Callable[[Family, random.Random], bytes], str]] = {
    "pdf_incremental_update": (_update, "fraud.pdf.edited"),
    "pdf_editor_producer": (_editor, "fraud.pdf.edited"),
    "pdf_font_one_field": (_font, "fraud.tamper.font"),
    "image_metadata": (_metadata, "fraud.tamper.metadata"),
    "ktp_nik_font clean": (_nik_font(False), "fraud.tamper.font"),
    "ktp_nik_font degraded": (_nik_font(True), "fraud.tamper.font"),
}
GENUINE: dict[str, Callable[[Family, random.Random], bytes]] = {
    "kk pdf_text": lambda f, rng: render_kk(f, rng, form="pdf_text").data,
    "kk pdf_scan": lambda f, rng: render_kk(f, rng, form="pdf_scan").data,
    "kk photo": lambda f, rng: render_kk(f, rng, form="photo").data,
    "ktp clean": lambda f, rng: _ktp(f, rng, degraded=False),
    "ktp degraded": lambda f, rng: _ktp(f, rng, degraded=True),
    "akta degraded": lambda f, rng: render_akta(f, f.applicant, rng, degraded=True).data,
}
NOT_BUILT = (
    "image copy_move",
    "image splice",
    "image jpeg (double compression)",
    "pdf text layer vs page",
    "perceptual-hash reuse",
)


def _job(job: tuple[str, int]) -> tuple[str, set[str], float]:
    kind, seed = job
    rng = random.Random(seed)
    family = generate_family(rng)
    data = TAMPERED[kind][0](family, rng) if kind in TAMPERED else GENUINE[kind](family, rng)
    started = time.perf_counter()
    signals = inspect_pdf(data).signals if data.startswith(b"%PDF-") else []
    signals += image_metadata_signals(data)
    if kind.startswith("ktp"):  # a KTP image: its NIK glyphs
        image = load_pages(data)[0].image
        signals += nik_glyph_signals(image) if image is not None else []
    seconds = time.perf_counter() - started
    return kind, {code for code, _ in signals}, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="documents per class")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5050)
    args = parser.parse_args(argv)
    kinds = [*TAMPERED, *GENUINE]
    jobs = [
        (k, args.seed + 7919 * i + 101 * n) for n, k in enumerate(kinds) for i in range(args.count)
    ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(_job, jobs, chunksize=8))
    by_kind: dict[str, list[tuple[set[str], float]]] = defaultdict(list)
    for kind, codes, seconds in results:
        by_kind[kind].append((codes, seconds))
    print(f"{len(results)} documents, {args.count} per class\n")
    print(f"{'tampered class':<26} {'recall':>8} {'median s':>9}")  # s: detectors only
    for kind, (_, code) in TAMPERED.items():
        group = by_kind[kind]
        recall = sum(code in codes for codes, _ in group) / len(group)
        median = statistics.median(s for _, s in group)
        print(f"{kind:<26} {100 * recall:7.1f}% {median:9.3f}")
    print(f"\n{'genuine documents':<26} {'false pos.':>10} {'median s':>9}")
    for kind in GENUINE:
        group = by_kind[kind]
        rate = sum(bool(codes) for codes, _ in group) / len(group)
        print(f"{kind:<26} {100 * rate:9.1f}% {statistics.median(s for _, s in group):9.3f}")
    print("\nnot built yet (not scored):", ", ".join(NOT_BUILT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
