"""Document reuse found by search over a filled database, not on prepared pairs (issue 5).

``fraud_detection.py`` judges pairs of images. Here the whole near-duplicate search of the
verification stage (``storage.near_duplicates``: index by rare fingerprint keys, keypoint
sketches, image confirmation, the identifier rule) runs against a SQLite database holding a
population of genuine applications, each with a KTP and an akta:

1. the population is taken in one application at a time, and each is searched against those
   before it, as intake would: every finding here is a **false match** between strangers;
2. then, for each re-use variant, copies of population documents (re-encoded, resized,
   cropped, rotated, re-photographed) are submitted in new applications of other people:
   **recall** is the share whose finding names the original's application.

The extractions the identifier rule reads are the renderer's ground truth (no OCR here, to
keep the run short): as if every NIK and akta number were read right. ``--no-identifiers``
stores none, so the rule cannot exclude anything: the worst case for false matches.

    .venv/bin/python benchmarks/reuse_search.py --population 400 --queries 20

Run it on an idle machine: the seconds are only meaningful then.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import cv2

from rules.checking import check_context
from rules.policy import default_policy
from rules.process import default_process
from storage.applications import create_application
from storage.db import make_engine, make_session_factory
from storage.documents import add_document, add_extraction
from storage.migrate import upgrade
from storage.near_duplicates import near_duplicate_documents
from storage.store import FileSystemStore, document_key, sha256_hex
from verification.synthetic.akta import render_akta
from verification.synthetic.drawing import Rendered
from verification.synthetic.ktp import render_ktp
from verification.synthetic.packet import application_form
from verification.synthetic.people import Family, generate_family
from verification.synthetic.variants import VARIANT_KINDS, reused_variant

IDENTIFIER = {"ktp": "nik", "akta_kelahiran": "no_akta"}
Render = Callable[[Family, random.Random], Rendered]
DOCUMENTS: dict[str, Render] = {
    "ktp": lambda f, rng: render_ktp(f, f.applicant, rng, degraded=rng.random() < 0.5),
    "akta_kelahiran": lambda f, rng: render_akta(f, f.applicant, rng, degraded=rng.random() < 0.5),
}


class Office:
    """A database and a store in a temporary folder, and the search as verification runs it."""

    def __init__(self, folder: Path, *, identifiers: bool) -> None:
        self.engine = make_engine(f"sqlite:///{folder / 'paspor.db'}")
        upgrade(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.store = FileSystemStore(folder / "documents")
        self.process = default_process()
        self.ctx = check_context(default_policy())
        self.identifiers = identifiers
        self.count = 0

    def submit(self, family: Family, files: dict[str, tuple[bytes, dict[str, object]]]) -> str:
        """A new application with ``files`` (type -> bytes, ground truth); its number."""
        self.count += 1
        number = f"APP-2026-{self.count:06d}"
        with self.sessions.begin() as session:
            app = create_application(
                session,
                number=number,
                category="adult",
                form=application_form(family.applicant, family),
                process=self.process,
                actor="bench",
            )
            for doc_type, (data, truth) in files.items():
                sha = sha256_hex(data)
                key = document_key(number, doc_type, sha)
                self.store.put(key, data, media_type="image/jpeg")
                doc = add_document(
                    session,
                    application_id=app.id,
                    doc_type=doc_type,
                    original_name=f"{doc_type}.jpg",
                    status="stored",
                    actor="bench",
                    media_type="image/jpeg",
                    size=len(data),
                    sha256=sha,
                    object_key=key,
                )
                if self.identifiers:
                    field = IDENTIFIER[doc_type]
                    add_extraction(
                        session,
                        document_id=doc.id,
                        status="ok",
                        fields={field: truth[field]},
                        confidence={field: 1.0},
                        engine="ground truth",
                    )
        self.last_id = app.id
        return number

    def search(self) -> tuple[list[str], float]:
        """The last application's findings (the other applications each names) and seconds."""
        started = time.perf_counter()
        with self.sessions.begin() as session:
            findings = near_duplicate_documents(
                session, application_id=self.last_id, store=self.store, ctx=self.ctx
            )
        return [f.observed or "" for f in findings], time.perf_counter() - started


def _tenths(values: list[float]) -> tuple[float, float]:
    tenth = max(1, len(values) // 10)
    return statistics.median(values[:tenth]), statistics.median(values[-tenth:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=400, help="genuine applications")
    parser.add_argument("--queries", type=int, default=20, help="re-used copies per variant")
    parser.add_argument("--seed", type=int, default=7070)
    parser.add_argument("--no-identifiers", action="store_true", help="no extraction rows")
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="paspor-reuse-") as tmp:
        office = Office(Path(tmp), identifiers=not args.no_identifiers)
        originals: list[tuple[str, dict[str, Rendered]]] = []
        search_seconds: list[float] = []
        false_matches: Counter[str] = Counter()
        started = time.perf_counter()
        for _ in range(args.population):
            family = generate_family(rng)
            rendered = {t: render(family, rng) for t, render in DOCUMENTS.items()}
            number = office.submit(family, {t: (r.data, r.truth) for t, r in rendered.items()})
            found, seconds = office.search()
            search_seconds.append(seconds)
            false_matches.update({"application": bool(found), "documents": len(found)})
            originals.append((number, rendered))
        filled = time.perf_counter() - started

        recall: dict[tuple[str, str], list[bool]] = {}
        query_seconds: list[float] = []
        wrong = 0
        for variant in VARIANT_KINDS:
            for number, files in rng.sample(originals, args.queries):
                doc_type = rng.choice(list(DOCUMENTS))
                copy = reused_variant(files[doc_type].data, rng, kind=variant)
                family = generate_family(rng)  # someone else, with the copied document
                own = {t: render(family, rng) for t, render in DOCUMENTS.items()}
                sent = {t: (r.data, r.truth) for t, r in own.items()}
                truth = dict(own[doc_type].truth)
                field = IDENTIFIER[doc_type]  # the copy shows the original's identifier
                truth[field] = files[doc_type].truth[field]
                sent[doc_type] = (copy, truth)
                office.submit(family, sent)
                found, seconds = office.search()
                query_seconds.append(seconds)
                recall.setdefault((variant, doc_type), []).append(
                    any(number in names.split(", ") for names in found)
                )
                wrong += sum(number not in names.split(", ") for names in found)

    early, late = _tenths(search_seconds)
    print(
        f"population: {args.population} genuine applications (KTP and akta each, half "
        f"degraded) taken in and searched in {filled:.0f} s; identifiers "
        f"{'none' if args.no_identifiers else 'ground truth'}"
    )
    print(
        f"search per application: median {statistics.median(search_seconds):.3f} s, "
        f"first tenth {early:.3f} s, last tenth {late:.3f} s"
    )
    print(
        f"false matches among strangers: {false_matches['application']} of "
        f"{args.population} applications flagged "
        f"({100 * false_matches['application'] / args.population:.2f}%), "
        f"{false_matches['documents']} documents"
    )
    print(f"\n{'variant':<16} {'document':<16} {'recall':>7} {'found':>7}")
    for (variant, doc_type), hits in sorted(recall.items()):
        print(f"{variant:<16} {doc_type:<16} {100 * sum(hits) / len(hits):6.1f}% "
              f"{sum(hits):>3}/{len(hits):<3}")  # fmt: skip
    everything = [h for hits in recall.values() for h in hits]
    print(
        f"{'all':<16} {'':<16} {100 * sum(everything) / len(everything):6.1f}% "
        f"{sum(everything):>3}/{len(everything):<3}"
    )
    print(
        f"\nqueries: median {statistics.median(query_seconds):.3f} s; findings naming an "
        f"application other than the original: {wrong}"
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.exit(main())
