"""Passport photo checks on drawn portraits: per variant, how often the check it targets
fails (the good portrait: how often everything passes), and seconds per photo.

    .venv/bin/python benchmarks/photo_check.py --count 30

The portraits are drawings (verification/synthetic/portrait.py), so these figures say the
checks and their thresholds behave as designed, not how they do on real cameras.
"""

from __future__ import annotations

import argparse
import statistics
import time

import cv2

from verification.biometrics.photo import check_photo
from verification.synthetic.portrait import VARIANTS, portrait, portrait_bytes

TARGET = {
    "good": None,
    "no_face": "face_count",
    "two_faces": "face_count",
    "blurred": "sharpness",
    "dark": "brightness",
    "overexposed": "exposure",
    "cluttered": "background_plain",
    "dark_background": "background_light",
    "small_face": "face_size",
    "off_centre": "face_centred",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="portraits per variant")
    args = parser.parse_args()
    seconds: list[float] = []
    print(f"{'variant':16} {'as expected':>12}")
    for variant in VARIANTS:
        hits = 0
        for seed in range(args.count):
            data = portrait_bytes(variant, seed=seed)
            started = time.perf_counter()
            report = check_photo(data)
            seconds.append(time.perf_counter() - started)
            target = TARGET[variant]
            hits += report.ok if target is None else target in report.failed
        print(f"{variant:16} {hits:>5}/{args.count}")
    print(
        f"seconds per 413x531 photo: median {statistics.median(seconds):.3f}, "
        f"max {max(seconds):.3f}"
    )
    large = cv2.resize(portrait("good"), None, fx=4, fy=4)  # a 1652x2124 camera frame
    started = time.perf_counter()
    check_photo(large)
    print(f"seconds for a 1652x2124 photo: {time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main()
