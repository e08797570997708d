"""``python -m verification.synthetic OUT_DIR --count N --seed S``: write a batch of packets."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from verification.synthetic.packet import write_batch


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m verification.synthetic",
        description="Write synthetic passport-application packets with ground truth.",
    )
    parser.add_argument("out_dir", type=Path, help="folder to write the packets into")
    parser.add_argument("--count", type=int, default=10, help="number of packets (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--degraded-fraction", type=float, default=0.3)
    parser.add_argument("--minor-fraction", type=float, default=0.2)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    started = time.perf_counter()
    truths = write_batch(
        args.out_dir,
        count=args.count,
        seed=args.seed,
        degraded_fraction=args.degraded_fraction,
        minor_fraction=args.minor_fraction,
    )
    for truth in truths:
        kk = truth.document("kk")
        flags = "degraded" if any(d.steps for d in truth.documents if d.type != "kk") else ""
        print(f"{truth.folder}  {truth.application['category']:5}  kk={kk.form:8}  {flags}")
    elapsed = time.perf_counter() - started
    print(
        f"{len(truths)} packets in {elapsed:.1f} s; "
        f"ground truth in {args.out_dir / 'ground_truth.json'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
