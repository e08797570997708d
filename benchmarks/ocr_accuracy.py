"""OCR accuracy and speed on synthetic documents (issue 3 targets).

Generates documents of each type with ground truth (clean and degraded), reads them with the
real pipeline, and prints per-field exact-match rate and character error rate per subset,
median seconds per document, the ratio of pipeline time to a bare Tesseract call on the same
image, and peak memory per reading worker. Documents are rendered in a separate pool first, so
the readers' memory and time are the reading alone.

    .venv/bin/python benchmarks/ocr_accuracy.py --count 200 --workers 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from rapidfuzz.distance import Levenshtein

from verification.reading.loader import load_pages
from verification.reading.ocr import TesseractEngine
from verification.reading.reader import read_document

TYPES = ("ktp", "kk", "akta_kelahiran")


@dataclass
class Sample:
    doc_type: str
    subset: str
    truth: dict[str, Any]
    fields: dict[str, Any]
    status: str
    seconds: float
    bare_seconds: float
    max_rss_mb: float


def _render(doc_type: str, seed: int, subset: str) -> tuple[bytes, dict[str, Any]]:
    from verification.synthetic.people import generate_family

    rng = random.Random(seed)
    family = generate_family(rng)
    degraded = subset != "clean" and subset != "pdf_text"
    if doc_type == "ktp":
        from verification.synthetic.ktp import render_ktp

        rendered = render_ktp(family, family.applicant, rng, degraded=degraded)
    elif doc_type == "kk":
        from verification.synthetic.kk import render_kk

        form = {"pdf_text": "pdf_text", "clean": "pdf_scan", "degraded": "photo"}[subset]
        rendered = render_kk(family, rng, form=form)
    else:
        from verification.synthetic.akta import render_akta

        rendered = render_akta(family, family.applicant, rng, degraded=degraded)
    return rendered.data, rendered.truth


def _bare_tesseract(data: bytes) -> float:
    import pytesseract

    pages = load_pages(data)
    started = time.perf_counter()
    for page in pages:
        if page.image is not None:
            pytesseract.image_to_data(page.image, lang="ind", config="--oem 1 --psm 3")
    return time.perf_counter() - started


def _render_job(job: tuple[str, int, str]) -> tuple[str, str, bytes, dict[str, Any]]:
    doc_type, seed, subset = job
    data, truth = _render(doc_type, seed, subset)
    return doc_type, subset, data, truth


def _one(job: tuple[str, str, bytes, dict[str, Any]]) -> Sample:
    doc_type, subset, data, truth = job
    engine = TesseractEngine()
    result = read_document(data, declared_type=doc_type, engine=engine)
    # Peak memory of the reading: this process and its Tesseract children. The bare
    # Tesseract comparison runs in other processes, so it does not count here.
    rss = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    return Sample(doc_type, subset, truth, result.fields, result.status, result.seconds, 0.0, rss)


def _flatten(doc_type: str, values: dict[str, Any]) -> dict[str, str]:
    """Field name to printable value; KK members become member[i].field."""
    flat: dict[str, str] = {}
    for key, value in values.items():
        if key == "members" and isinstance(value, list):
            for i, member in enumerate(value):
                for mkey, mvalue in member.items():
                    flat[f"members.{mkey}#{i}"] = "" if mvalue is None else str(mvalue)
        else:
            flat[key] = "" if value is None else str(value)
    return flat


def report(samples: list[Sample]) -> None:
    by_group: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    for sample in samples:
        by_group[(sample.doc_type, sample.subset)].append(sample)
    for (doc_type, subset), group in sorted(by_group.items()):
        exact: dict[str, list[bool]] = defaultdict(list)
        cer: dict[str, list[float]] = defaultdict(list)
        for sample in group:
            truth = _flatten(doc_type, sample.truth)
            read = _flatten(doc_type, sample.fields)
            for key, expected in truth.items():
                name = key.split("#")[0]
                got = read.get(key, "")
                exact[name].append(got == expected)
                cer[name].append(Levenshtein.distance(got, expected) / max(len(expected), 1))
        ok = sum(s.status == "ok" for s in group)
        seconds = statistics.median(s.seconds for s in group)
        bare = statistics.median(s.bare_seconds for s in group)
        ratio = sum(s.seconds for s in group) / max(sum(s.bare_seconds for s in group), 1e-9)
        print(
            f"\n== {doc_type} / {subset}: {len(group)} documents, {ok} read ok; "
            f"median {seconds:.2f} s/doc, bare tesseract {bare:.2f} s, ratio {ratio:.2f}; "
            f"peak RSS {max(s.max_rss_mb for s in group):.0f} MB"
        )
        print(f"   {'field':<28} {'exact':>7} {'CER':>7}")
        for name in sorted(exact):
            rate = 100 * sum(exact[name]) / len(exact[name])
            print(f"   {name:<28} {rate:6.1f}% {100 * statistics.mean(cer[name]):6.2f}%")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="documents per type and subset")
    parser.add_argument("--types", default=",".join(TYPES))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    subsets = {
        "ktp": ("clean", "degraded"),
        "kk": ("pdf_text", "clean", "degraded"),
        "akta_kelahiran": ("clean", "degraded"),
    }
    jobs = [
        (t, args.seed + i * 7919 + 101 * k, s)
        for t in args.types.split(",")
        for k, s in enumerate(subsets[t])
        for i in range(args.count)
    ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        rendered = list(pool.map(_render_job, jobs, chunksize=4))
    started = time.perf_counter()
    # Spawned, not forked: a forked reader would inherit (and count in its peak memory) the
    # rendered documents the main process holds.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=spawn) as pool:
        samples = list(pool.map(_one, rendered, chunksize=4))
    reading = time.perf_counter() - started
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=spawn) as pool:
        bare = list(pool.map(_bare_tesseract, [r[2] for r in rendered], chunksize=4))
    samples = [replace(s, bare_seconds=b) for s, b in zip(samples, bare, strict=True)]
    report(samples)
    print(f"\n{len(samples)} documents read in {reading:.0f} s with {args.workers} workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
