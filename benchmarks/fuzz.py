"""Hostile input, the long run: malformed inputs through the real entry points (issue 8).

Families and their entry points:

- ``packet``: a packet folder (malformed application.json, odd file names, links out of the
  folder, a FIFO, /dev/zero) through ``storage.intake.submit_packet`` on SQLite and a
  filesystem store;
- ``file``: a malformed upload (mutated synthetic files, bombs, crafted PDFs) through
  ``inspect_upload`` and ``load_pages``, the layers before OCR;
- ``reader``: a sample of those files through ``read_document`` with Tesseract;
- ``mrz``: ``parse_td3``; ``name``: ``match_names`` and ``canonical_name``;
- ``key``: object keys through ``FileSystemStore`` and ``MinioStore`` (moto's S3 server).

Each input runs in a worker process with an address-space limit (``RLIMIT_AS``) and a time
limit; a worker that overruns is killed and replaced. An outcome is ``accepted``, a defined
error (one of ours, or a document marked unreadable) or undefined (anything else, a timeout,
a dead worker). Printed per family: inputs, outcomes, max and p95 seconds per input, peak
memory of the worker. Exits 1 on any undefined outcome.

    .venv/bin/python benchmarks/fuzz.py --count 1000
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

FAMILIES = ("packet", "file", "reader", "mrz", "name", "key")
Outcome = tuple[str, float, int]  # (outcome class, seconds, worker peak RSS in KB)


# --- the work, in the worker -------------------------------------------------------------


def _classify(run: Callable[[], str]) -> str:
    from verification.errors import PasporError

    try:
        return run()
    except PasporError as exc:
        if not str(exc).strip():
            return f"undefined:{type(exc).__name__} without a message"
        return type(exc).__name__
    except BaseException as exc:
        return f"undefined:{type(exc).__name__}"


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


class _PacketWork:
    def __init__(self, root: Path) -> None:
        from rules.process import default_process
        from storage.db import make_engine, make_session_factory
        from storage.migrate import upgrade
        from storage.store import FileSystemStore
        from verification.media import UploadLimits

        engine = make_engine(f"sqlite:///{root / 'paspor.db'}")
        upgrade(engine)
        self.sessions = make_session_factory(engine)
        self.store = FileSystemStore(root / "documents")
        self.process, self.limits = default_process(), UploadLimits()
        self.root, self.outside = root, root / "outside"
        self.outside.mkdir()
        (self.outside / "secret.jpg").write_bytes(b"\xff\xd8\xff secret")

    def __call__(self, payload: tuple[int, bytes, str]) -> str:
        from storage.intake import submit_packet

        index, text, special = payload
        folder = self.root / f"packet-{index}"
        _write_packet(folder, text, special, self.outside)
        before = _snapshot(self.outside)

        def run() -> str:
            result = submit_packet(
                folder,
                sessions=self.sessions,
                store=self.store,
                process=self.process,
                limits=self.limits,
                actor="fuzz",
            )
            return "accepted:" + ",".join(sorted({d.status for d in result.documents}))

        outcome = _classify(run)
        escaped = _snapshot(self.outside) != before or not all(
            _is_key(p.relative_to(self.store.root).as_posix())
            for p in self.store.root.rglob("*")
            if p.is_file()
        )
        return "undefined:wrote outside the store" if escaped else outcome


def _is_key(name: str) -> bool:
    from storage.store import parse_key
    from verification.errors import InvalidKey

    try:
        parse_key(name)
    except InvalidKey:
        return False
    return True


def _write_packet(folder: Path, text: bytes, special: str, outside: Path) -> None:
    from verification.synthetic.hostile import seed_files

    folder.mkdir()
    seeds = seed_files()
    for name, seed in (("ktp.jpg", "jpeg"), ("kk.pdf", "pdf_text"), ("akta.png", "png")):
        (folder / name).write_bytes(seeds[seed])
    (folder / "link_out").symlink_to(outside / "secret.jpg")
    (folder / "link_dir").symlink_to(outside)
    (folder / "link_loop").symlink_to("link_loop")
    (folder / "link_dev").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo")
    target = folder / "application.json"
    if special == "json_link_out":
        (outside / "application.json").write_bytes(text)
        target.symlink_to(outside / "application.json")
    elif special in ("json_fifo", "json_dev_zero", "json_dir"):
        {
            "json_fifo": lambda: os.mkfifo(target),
            "json_dir": target.mkdir,
            "json_dev_zero": lambda: target.symlink_to("/dev/zero"),
        }[special]()
    else:
        target.write_bytes(text)


class _FileWork:
    def __call__(self, data: bytes) -> str:
        from verification.errors import UploadRefused
        from verification.media import UploadLimits, inspect_upload
        from verification.reading.loader import load_pages

        def run() -> str:
            try:
                inspect_upload(data, UploadLimits())
            except UploadRefused as exc:
                return type(exc).__name__
            return f"accepted:{len(load_pages(data))} page(s)"

        return _classify(run)


class _ReaderWork:
    def __init__(self) -> None:
        from verification.reading.ocr import TesseractEngine

        self.engine = TesseractEngine()

    def __call__(self, payload: tuple[str, bytes]) -> str:
        from verification.reading.reader import read_document

        declared, data = payload
        result = read_document(data, declared_type=declared, engine=self.engine)
        return {"ok": "accepted", "unreadable": "unreadable"}.get(result.status, "undefined:error")


class _MrzWork:
    def __call__(self, lines: tuple[str, str]) -> str:
        from verification.mrz import parse_td3

        return _classify(lambda: f"accepted:{parse_td3(*lines).score:.1f}")


class _NameWork:
    def __call__(self, names: tuple[str, str]) -> str:
        from verification.identity.names import canonical_name, match_names

        def run() -> str:
            canonical_name(names[0])
            return f"accepted:{match_names(*names).level.value}"

        return _classify(run)


class _KeyWork:
    def __init__(self, root: Path, s3_endpoint: str | None) -> None:
        from storage.store import FileSystemStore, MinioStore

        self.root, self.fs = root, FileSystemStore(root / "documents")
        self.minio = (
            MinioStore(
                endpoint=s3_endpoint,
                access_key="testing",
                secret_key="testing",
                bucket="fuzz",
                region="us-east-1",
            )
            if s3_endpoint
            else None
        )

    def __call__(self, key: str) -> str:
        from storage.store import sha256_hex

        outcomes = []
        for store in (self.fs, self.minio):
            if store is None:
                continue

            def run(store: Any = store) -> str:
                store.exists(key)
                store.put(key, b"fuzz", media_type="application/octet-stream")
                return "accepted"

            outcomes.append(_classify(run))
        written = [p for p in self.root.rglob("*") if p.is_file()]
        if not all(
            p.is_relative_to(self.fs.root)
            and _is_key(name := p.relative_to(self.fs.root).as_posix())
            and name.endswith(sha256_hex(p.read_bytes()))
            for p in written
        ):
            return "undefined:wrote outside the store"
        for p in written:
            p.unlink()
        undefined = [o for o in outcomes if o.startswith("undefined")]
        return undefined[0] if undefined else "+".join(sorted(set(outcomes)))


def _worker(conn: Connection, family: str, memory_mb: int, s3: str | None) -> None:
    logging.disable(logging.WARNING)  # pdfminer warns about every damaged font it meets
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    root = Path(tempfile.mkdtemp(prefix=f"fuzz-{family}-"))
    work: Callable[[Any], str] = {
        "packet": lambda: _PacketWork(root),
        "file": _FileWork,
        "reader": _ReaderWork,
        "mrz": _MrzWork,
        "name": _NameWork,
        "key": lambda: _KeyWork(root, s3),
    }[family]()
    conn.send("ready")
    while True:
        payload = conn.recv()
        if payload is None:
            return
        started = time.perf_counter()
        outcome = work(payload)
        seconds = time.perf_counter() - started
        conn.send((outcome, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


# --- inputs and the run, in the parent ---------------------------------------------------


def _inputs(family: str, count: int, seed: int) -> list[Any]:
    from verification.synthetic import hostile

    out: list[Any] = []
    for index in range(count):
        rng = random.Random(f"{seed}:{family}:{index}")
        if family == "packet":
            _, text = hostile.hostile_packet(rng)
            specials = ["", "json_link_out", "json_fifo", "json_dev_zero", "json_dir"]
            out.append((index, text, specials[0] if rng.random() < 0.9 else rng.choice(specials)))
        elif family == "file":
            out.append(hostile.hostile_file(rng)[1])
        elif family == "reader":
            out.append((rng.choice(hostile.DOCUMENT_TYPES[:3]), hostile.hostile_file(rng)[1]))
        elif family == "mrz":
            out.append(hostile.hostile_mrz(rng)[1])
        elif family == "name":
            out.append((hostile.hostile_name(rng)[1], hostile.hostile_name(rng)[1]))
        else:
            out.append(hostile.hostile_key(rng)[1])
    return out


class _Worker:
    def __init__(self, family: str, memory_mb: int, s3: str | None) -> None:
        self.args = (family, memory_mb, s3)
        self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, *self.args), daemon=True)
        self.process.start()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            raise SystemExit(f"the {self.args[0]} worker did not start")

    def run(self, payload: Any, timeout: float) -> Outcome:
        started = time.perf_counter()
        try:
            self.conn.send(payload)
            if self.conn.poll(timeout):
                return self.conn.recv()  # type: ignore[no-any-return]
            outcome = f"undefined:timeout over {timeout:.0f} s"
        except (EOFError, BrokenPipeError, ConnectionResetError):
            outcome = "undefined:worker died"
        self.process.kill()
        self.process.join()
        exit_code = self.process.exitcode
        self._start()
        if outcome.endswith("died"):
            outcome += f" (exit {exit_code})"
        return outcome, time.perf_counter() - started, 0

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(10)


def _s3_server() -> tuple[Any, str]:
    import socket

    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"127.0.0.1:{port}"


def _summary(outcomes: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(outcomes.items(), key=lambda i: -i[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="inputs per family")
    parser.add_argument("--reader-count", type=int, default=20, help="files read with OCR")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per worker")
    parser.add_argument("--families", default=",".join(FAMILIES))
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    server, s3 = _s3_server()
    failed = False
    rows = []
    wall = time.perf_counter()
    try:
        for family in args.families.split(","):
            count = args.reader_count if family == "reader" else args.count
            worker = _Worker(family, args.memory_mb, s3)
            results = [worker.run(p, args.timeout) for p in _inputs(family, count, args.seed)]
            worker.close()
            classes = Counter(
                o.split(":", 1)[0] if not o.startswith("undefined") else o for o, _, _ in results
            )
            seconds = sorted(s for _, s, _ in results)
            undefined = sum(n for o, n in classes.items() if o.startswith("undefined"))
            failed |= undefined > 0
            p95 = statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]
            rows.append(
                (
                    family,
                    len(results),
                    classes,
                    undefined,
                    seconds[-1],
                    p95,
                    max(r for _, _, r in results) / 1024,
                )
            )
    finally:
        server.stop()
    print(
        f"{'family':8} {'inputs':>6} {'undefined':>9} {'max s':>7} {'p95 s':>7} {'peak MB':>8}"
        "  outcomes"
    )
    for family, n, classes, undefined, worst, p95, peak in rows:
        print(
            f"{family:8} {n:6d} {undefined:9d} {worst:7.3f} {p95:7.3f} {peak:8.0f}  "
            f"{_summary(classes)}"
        )
    print(
        f"wall time {time.perf_counter() - wall:.0f} s; limits: {args.timeout:.0f} s and "
        f"{args.memory_mb} MB of address space per input"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
