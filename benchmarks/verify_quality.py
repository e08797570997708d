"""Verification quality on synthetic packets with planted discrepancies (issue 4 targets).

Writes packets (clean, degraded, and one planted discrepancy of each class of domain-spec 11
that can be planted), verifies each with the real pipeline (OCR, checks, policy routing) and
prints recall per class, the false-alarm rate on clean and degraded packets (routed to a person
without a planted issue), the straight-through rate and seconds per packet.

    .venv/bin/python benchmarks/verify_quality.py --count 300 --workers 2
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from flows.verify import verify_packet
from verification.synthetic.akta import render_akta
from verification.synthetic.kk import render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.packet import write_packet
from verification.synthetic.people import Family, generate_family

REF_DATE = "2026-01-05"  # the generator's reference "today"


def _load(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "application.json").read_text(encoding="utf-8"))


def _save(folder: Path, app: dict[str, Any]) -> None:
    (folder / "application.json").write_text(json.dumps(app, indent=2), encoding="utf-8")


def _family(seed: int) -> Family:
    return generate_family(random.Random(seed))


def _years_back(day: date, years: int) -> date:
    """The same day ``years`` earlier (29 February becomes the 28th)."""
    return day.replace(year=day.year - years, day=min(day.day, 28) if day.month == 2 else day.day)


def _name_typo(folder: Path, seed: int) -> None:
    app = _load(folder)
    words = app["applicant"]["nama"].split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    words[i] = w[:-2] + ("I" if w[-2] != "I" else "E") + w[-1]
    app["applicant"]["nama"] = " ".join(words)
    _save(folder, app)


def _other(seed: int, value: Callable[[Family], str | None], differ_from: str | None) -> str:
    """The same fact of another synthetic family, different from ``differ_from`` (two
    families can share a common name such as WAGIYEM: that is no planted difference)."""
    for offset in range(1, 50):
        other = value(_family(seed + offset * 7_777_777))
        if other is not None and other != differ_from:
            return other
    raise RuntimeError("no differing value found")


def _different_person(folder: Path, seed: int) -> None:
    app = _load(folder)
    other = _other(seed, lambda f: f.applicant.nama, app["applicant"]["nama"])
    app["applicant"]["nama"] = other
    _save(folder, app)


def _birth_date(folder: Path, seed: int) -> None:
    app = _load(folder)
    born = date.fromisoformat(app["applicant"]["tanggal_lahir"])
    app["applicant"]["tanggal_lahir"] = _years_back(born, 1).isoformat()
    _save(folder, app)


def _swapped_nik(folder: Path, seed: int) -> None:
    app = _load(folder)
    nik = app["applicant"]["nik"]
    i = 12 + next((k for k in range(3) if nik[12 + k] != nik[13 + k]), 0)
    app["applicant"]["nik"] = nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    _save(folder, app)


def _kk_number(folder: Path, seed: int) -> None:
    app = _load(folder)
    number = app["applicant"]["no_kk"]
    app["applicant"]["no_kk"] = number[:-1] + str((int(number[-1]) + 1) % 10)
    _save(folder, app)


def _missing_from_kk(folder: Path, seed: int) -> None:
    family = _family(seed)
    others = tuple(m for m in family.members if m is not family.applicant)
    stripped = dataclasses.replace(family, members=others, applicant_index=0)
    for old in folder.glob("kk.*"):
        old.unlink()
    kk = render_kk(stripped, random.Random(f"{seed}/kk"), form="pdf_text")
    (folder / f"kk.{kk.extension}").write_bytes(kk.data)
    app = _load(folder)
    for doc in app["documents"]:
        if doc["type"] == "kk":
            doc["file"] = f"kk.{kk.extension}"
    _save(folder, app)


def _parents_differ(folder: Path, seed: int) -> None:
    family = _family(seed)
    other_mother = _other(seed, lambda f: f.applicant.nama_ibu, family.applicant.nama_ibu)
    person = dataclasses.replace(family.applicant, nama_ibu=other_mother)
    akta = render_akta(family, person, random.Random(f"{seed}/akta"))
    (folder / "akta.png").write_bytes(akta.data)


def _nik_date_on_card(folder: Path, seed: int) -> None:
    family = _family(seed)
    person = family.applicant
    shifted = dataclasses.replace(person, tanggal_lahir=_years_back(person.tanggal_lahir, 2))
    ktp = render_ktp(family, shifted, random.Random(f"{seed}/ktp"))
    (folder / "ktp.jpg").write_bytes(ktp.data)


Plant = Callable[[Path, int], None]
CLASSES: dict[str, tuple[Plant, tuple[str, ...]]] = {
    "different_person": (_different_person, ("crosscheck.name",)),
    "birth_date": (_birth_date, ("crosscheck.birth_date", "identity.nik_birth_date")),
    "swapped_nik_digits": (_swapped_nik, ("crosscheck.nik", "identity.kk_membership")),
    "missing_from_kk": (_missing_from_kk, ("identity.kk_membership",)),
    "parents_differ": (_parents_differ, ("crosscheck.parents",)),
    "nik_date_vs_card": (_nik_date_on_card, ("identity.nik_birth_date", "crosscheck.birth_date")),
    "kk_number": (_kk_number, ("crosscheck.kk_number",)),
}
CONTROLS: dict[str, Plant | None] = {"clean": None, "degraded": None, "name_typo": _name_typo}


def _job(job: tuple[str, int, str, str]) -> dict[str, Any]:
    kind, seed, kk_form, root = job
    folder = Path(root) / f"{kind}-{seed}"
    write_packet(
        folder,
        seed=seed,
        kk_form=kk_form,
        degraded=kind == "degraded",
        application_id=f"APP-2026-{seed % 1_000_000:06d}",
    )
    plant = CLASSES[kind][0] if kind in CLASSES else CONTROLS[kind]
    if plant is not None:
        plant(folder, seed)
    started = time.perf_counter()
    body = verify_packet(folder, ref_date=date.fromisoformat(REF_DATE))
    return {
        "kind": kind,
        "kk_form": kk_form,
        "route": body["route"],
        "seconds": time.perf_counter() - started,
        "codes": sorted({f["code"] for f in body["findings"]}),
        "review_codes": sorted(
            {r["code"] for r in body.get("routing", []) if r["route"] != "auto_approve"}
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300, help="packets in all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4040)
    args = parser.parse_args(argv)
    kinds = [*CLASSES, *CONTROLS]
    per_kind = max(1, args.count // len(kinds))
    rng = random.Random(args.seed)
    forms = ("pdf_text", "pdf_scan", "photo")
    with tempfile.TemporaryDirectory(prefix="paspor-verify-bench-") as root:
        jobs = [
            (kind, rng.getrandbits(31), forms[i % 3], root)
            for kind in kinds
            for i in range(per_kind)
        ]
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(_job, jobs, chunksize=2))
        wall = time.perf_counter() - started
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        by_kind[result["kind"]].append(result)
    print(
        f"{len(results)} packets, {per_kind} per class, {wall:.0f} s with {args.workers} "
        f"workers; median {statistics.median(r['seconds'] for r in results):.2f} s/packet\n"
    )
    print(f"{'planted class':<22} {'recall':>8}   (routed to a person with the expected code)")
    for kind, (_, codes) in CLASSES.items():
        group = by_kind[kind]
        hit = sum(
            r["route"] != "auto_approve" and bool(set(codes) & set(r["codes"])) for r in group
        )
        print(f"{kind:<22} {100 * hit / len(group):7.1f}%")
    print(f"\n{'control':<22} {'false alarms':>12} {'straight through':>17}")
    for kind in CONTROLS:
        group = by_kind[kind]
        rate = sum(r["route"] != "auto_approve" for r in group) / len(group)
        print(f"{kind:<22} {100 * rate:11.1f}% {100 * (1 - rate):16.1f}%")
    print(f"\n{'false alarms by KK form':<24}" + "".join(f"{form:>10}" for form in forms))
    for kind in CONTROLS:
        cells = []
        for form in forms:
            group = [r for r in by_kind[kind] if r["kk_form"] == form]
            rate = sum(r["route"] != "auto_approve" for r in group) / max(len(group), 1)
            cells.append(f"{100 * rate:9.1f}%")
        print(f"{kind:<24}" + "".join(cells))
    reasons = Counter(c for kind in CONTROLS for r in by_kind[kind] for c in r["review_codes"])
    print("\nwhy controls went to a person:", dict(reasons.most_common(8)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
