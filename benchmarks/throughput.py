"""End-to-end throughput of the application flow (issue 6 targets).

Clean synthetic applications are submitted to a PostgreSQL application database; a Prefect
server backed by PostgreSQL and two workers (``paspor serve --no-server``, one flow run at a
time each) carry them through verification to approval. Printed:

- applications per minute, from the first run started to the last application routed;
- p50 / p95 seconds from submission to the routed decision (audit events);
- CPU seconds per application (the workers and everything they started) next to the CPU
  seconds of bare Tesseract on the same documents: the ratio is the overhead of everything we
  add (preprocessing, second readings, checks, forensics, database, Prefect);
- peak memory per worker: its whole process tree (the runner and the flow-run processes it
  started), sampled from /proc twice a second;
- seconds from the start of verification to the routed decision, for the first and the last
  applications verified: flat when nothing slows down as the database fills;
- with ``--to-printing``: the clean applications approved in bulk, booked, captured (synthetic
  photo and fingerprints) and printed with QC, one printer at a time: books per minute from
  the bulk approval to the last book printed.

    .venv/bin/python benchmarks/throughput.py --count 200

It creates (and drops again) the databases ``paspor_bench`` and ``paspor_bench_prefect`` on the
PostgreSQL server at 127.0.0.1:5432. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytesseract
from sqlalchemy import create_engine, func, select, text

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
APP_DB = "paspor_bench"
PREFECT_DB = "paspor_bench_prefect"
PORT = 4250
BIN = Path(sys.executable).parent


@contextmanager
def _databases() -> Iterator[None]:
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in (APP_DB, PREFECT_DB):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield
    finally:
        with admin.connect() as conn:
            for name in (APP_DB, PREFECT_DB):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _bare_tesseract(folder: Path) -> None:
    """One plain Tesseract run (ind+eng, default layout) per document image of a packet;
    text-layer PDFs need none, scanned PDFs are read from their rendered page."""
    from verification.reading.loader import load_pages

    for path in sorted(folder.iterdir()):
        if path.name == "application.json":
            continue
        for page in load_pages(path.read_bytes()):
            if page.image is not None and not page.words:
                pytesseract.image_to_string(page.image, lang="ind+eng")


def _bare_tesseract_cpu(folders: list[Path], workers: int) -> float:
    """CPU seconds of bare Tesseract on every packet, in ``workers`` processes (their CPU and
    their Tesseract children's count once the pool's processes are reaped)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_bare_tesseract, folders, chunksize=4))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class _TreeMemory(threading.Thread):
    """Peak resident memory of each root process's tree, sampled from /proc."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.peaks = [0] * len(roots)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            parents, rss = {}, {}
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                parents[int(entry.name)] = int(fields["PPid"])
                rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0])
            for n, root in enumerate(self.roots):
                tree = {root}
                grew = True
                while grew:
                    more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
                    tree |= more
                    grew = bool(more)
                self.peaks[n] = max(self.peaks[n], sum(rss.get(pid, 0) for pid in tree))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7070)
    parser.add_argument(
        "--to-printing", action="store_true", help="go on: bulk approval, capture, printing"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="paspor-throughput-"))
    env = {
        **os.environ,
        "PASPOR_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{APP_DB}",
        "PASPOR_DATA_DIR": str(work / "var"),
        "PREFECT_API_URL": f"http://127.0.0.1:{PORT}/api",
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_LOCAL_STORAGE_PATH": str(work / "prefect" / "results"),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": (
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PREFECT_DB}"
        ),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "OMP_THREAD_LIMIT": "1",
    }
    os.environ.update(env)

    from verification.synthetic.packet import write_packet

    rng = random.Random(args.seed)
    folders = [
        write_packet(
            work / "packets" / f"APP-2026-{i + 1:06d}",
            seed=rng.getrandbits(32),
            kk_form=("pdf_text", "pdf_scan")[i % 2],
            application_id=f"APP-2026-{i + 1:06d}",
        ).folder
        for i in range(args.count)
    ]
    print(f"{args.count} clean packets written; measuring bare Tesseract", flush=True)
    bare = _bare_tesseract_cpu(folders, args.workers)

    with _databases():
        subprocess.run([str(BIN / "paspor"), "db", "upgrade"], env=env, check=True)
        log = (work / "server.log").open("ab")
        server = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(PORT)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            from flows.serving import healthy

            while not healthy(env["PREFECT_API_URL"]):
                time.sleep(0.5)
            return _run(args, env, work, folders, bare)
        finally:
            server.terminate()
            server.wait(timeout=60)


def _run(
    args: argparse.Namespace, env: dict[str, str], work: Path, folders: list[Path], bare: float
) -> int:
    from flows.runs import recover
    from flows.wiring import get_services
    from storage.intake import submit_packet
    from storage.models import Application, AuditEvent, StageEvent

    services = get_services()
    for folder in folders:
        submit_packet(
            folder,
            sessions=services.sessions,
            store=services.store,
            process=services.process,
            limits=services.settings.upload_limits(),
            actor="bench",
        )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = [
        subprocess.Popen(
            [str(BIN / "paspor"), "serve", "--no-server", "--no-schedules", "--limit", "1"],
            env=env,
            stdout=(work / f"worker{n}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        for n in range(args.workers)
    ]
    memory = _TreeMemory([w.pid for w in workers])
    memory.start()
    time.sleep(15)  # both workers up and serving
    started = time.time()
    recover(services)
    with services.sessions() as session:
        while True:
            pending = session.scalar(
                select(func.count())
                .select_from(Application)
                .where(Application.stage.in_(("intake", "verification")))
            )
            if not pending:
                break
            session.rollback()
            time.sleep(1)
        finished = time.time()
        created = dict(session.execute(select(Application.id, Application.created_at)).all())
        routed = dict(
            session.execute(
                select(AuditEvent.application_id, AuditEvent.at).where(
                    AuditEvent.action == "verification.routed"
                )
            ).all()
        )
        verifying = dict(
            session.execute(
                select(StageEvent.application_id, func.min(StageEvent.created_at))
                .where(StageEvent.to_stage == "verification")
                .group_by(StageEvent.application_id)
            ).all()
        )
        stages = session.execute(
            select(Application.stage, func.count()).group_by(Application.stage)
        ).all()
    if args.to_printing:
        _to_printing(services)
    memory.done.set()
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers and all they waited for
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    by_time = [
        (routed[a] - verifying[a]).total_seconds()
        for a in sorted(routed, key=lambda a: routed[a])
        if a in verifying
    ]
    latencies = sorted((routed[a] - created[a]).total_seconds() for a in routed)
    minutes = (finished - started) / 60
    print(
        f"\n{len(routed)} of {args.count} applications routed in {minutes:.1f} min "
        f"with {args.workers} workers: {len(routed) / minutes:.1f} applications per minute"
    )
    print("stages:", ", ".join(f"{stage} {n}" for stage, n in stages))
    print(
        f"submission -> routed decision: p50 {statistics.median(latencies):.0f} s, "
        f"p95 {latencies[int(0.95 * (len(latencies) - 1))]:.0f} s (all submitted at once)"
    )
    print(
        f"CPU per application: {cpu / args.count:.2f} s (workers and everything they ran"
        + (", printing included" if args.to_printing else "")
        + f"); "
        f"bare Tesseract on the same documents {bare / args.count:.2f} s; "
        f"ratio {cpu / bare:.2f}"
    )
    tenth = max(1, len(by_time) // 10)
    print(
        f"verification start -> routed: median {statistics.median(by_time):.1f} s; "
        f"first {tenth} verified {statistics.median(by_time[:tenth]):.1f} s, "
        f"last {tenth} {statistics.median(by_time[-tenth:]):.1f} s"
    )
    for n, peak in enumerate(memory.peaks):
        print(f"worker {n}: peak memory {peak / 1024:.0f} MB (runner and flow-run processes)")
    return 0


def _to_printing(services: Any) -> None:
    """Bulk approval, the captures and printing, timed from the approval to the last book."""
    from flows.demo import approve_clean, capture_waiting
    from storage.models import Application, Appointment, PrintedBook

    def count(query: Any) -> int:
        with services.sessions() as session:
            return int(session.scalar(query) or 0)

    def wait_for(query: Any, target: int, what: str) -> None:
        deadline = time.monotonic() + 3600
        while (n := count(query)) < target:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: {n} of {target} after an hour")
            time.sleep(2)

    with services.sessions() as session:
        numbers = list(session.scalars(select(Application.number)))
    started = time.time()
    approved = approve_clean(services, numbers)
    booked = select(func.count()).select_from(Appointment).where(Appointment.status == "booked")
    wait_for(booked, approved, "appointments booked")
    booked_at = time.time()
    captured = capture_waiting(services, numbers)
    printed = (
        select(func.count(func.distinct(PrintedBook.application_id)))
        .select_from(PrintedBook)
        .where(PrintedBook.status == "printed")
    )
    wait_for(printed, captured, "books printed")
    finished = time.time()
    misprints = count(
        select(func.count()).select_from(PrintedBook).where(PrintedBook.status == "qc_failed")
    )
    minutes = (finished - started) / 60
    print(
        f"\nprinting: {approved} approved in bulk, booked in {booked_at - started:.0f} s; "
        f"{captured} captured and printed with QC in {finished - booked_at:.0f} s; "
        f"{captured / minutes:.1f} books per minute from approval to the last book; "
        f"{misprints} misprint(s) reprinted"
    )


if __name__ == "__main__":
    sys.exit(main())
