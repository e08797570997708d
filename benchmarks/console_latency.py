"""Console latency with many applications: the review queue and the case page, p50/p95.

Target (issue 7): with 10,000 applications in PostgreSQL, the queue and case pages answer in
under 300 ms at p95. The script creates a database of its own (default
``paspor_console_bench`` on the local server; dropped and made again), fills it with
synthetic rows by bulk inserts (applications across every stage, three documents with
extractions each, findings, open tasks, stage events; never a real person), serves the
console with uvicorn on a free port and times requests with httpx, signed in as an officer.

    .venv/bin/python benchmarks/console_latency.py --applications 10000 --requests 200
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import uvicorn
from sqlalchemy import create_engine, insert, text

from console.app import create_app
from flows.settings import Settings
from flows.wiring import build_services
from storage.migrate import upgrade
from storage.models import Application, Document, Extraction, Finding, HumanTask, StageEvent
from storage.users import add_user

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "benchmark-password-1"
STAGES = [("review", 0.25), ("approval", 0.15), ("biometrics", 0.1), ("printing", 0.05),
          ("issued", 0.35), ("rejected", 0.1)]  # fmt: skip
NAMES = ["SITI", "AMINAH", "BUDI", "SANTOSO", "DEWI", "LESTARI", "AGUS", "SALIM", "RINA", "WATI"]


def _database(name: str) -> str:
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _form(rng: random.Random, i: int) -> dict[str, Any]:
    born = datetime(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
    return {
        "nik": f"3174{rng.randrange(10**11, 10**12)}",
        "nama": f"{rng.choice(NAMES)} {rng.choice(NAMES)}",
        "tempat_lahir": "JAKARTA",
        "tanggal_lahir": born.date().isoformat(),
        "jenis_kelamin": rng.choice(["LAKI-LAKI", "PEREMPUAN"]),
        "alamat": f"JL. MAWAR NO. {i % 200}",
        "no_kk": f"3174{rng.randrange(10**11, 10**12)}",
        "nama_ayah": rng.choice(NAMES),
        "nama_ibu": rng.choice(NAMES),
        "pekerjaan": "KARYAWAN SWASTA",
        "status_perkawinan": "KAWIN",
    }


def seed(url: str, count: int) -> list[str]:
    """Bulk-insert ``count`` applications; the numbers of those waiting in review."""
    rng = random.Random(2026)
    engine = create_engine(url)
    now = datetime.now(UTC)
    apps, stages = [], []
    for i in range(1, count + 1):
        stage = rng.choices([s for s, _ in STAGES], [w for _, w in STAGES])[0]
        created = now - timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
        form = _form(rng, i)
        apps.append(
            {
                "id": i,
                "number": f"APP-2026-{i:06d}",
                "category": "adult",
                "form": form,
                "nik": form["nik"],
                "stage": stage,
                "rule_version": "2026.2",
                "flow_run_id": None,
                "created_at": created,
                "updated_at": created,
            }
        )
        stages.append(stage)
    docs, extractions, findings, tasks, events = [], [], [], [], []
    for app in apps:
        i, form, created = app["id"], app["form"], app["created_at"]
        for k, doc_type in enumerate(("ktp", "kk", "akta_kelahiran")):
            doc_id = 3 * (i - 1) + k + 1
            docs.append(
                {
                    "id": doc_id,
                    "application_id": i,
                    "doc_type": doc_type,
                    "original_name": f"{doc_type}.jpg",
                    "status": "stored",
                    "status_reason": None,
                    "media_type": "image/jpeg",
                    "size": 250_000,
                    "sha256": f"{doc_id:064x}",
                    "object_key": f"applications/{app['number']}/{doc_type}/{doc_id:064x}",
                    "created_at": created,
                }
            )
            fields = {k2: form[k2] for k2 in ("nik", "nama", "tempat_lahir", "tanggal_lahir")}
            extractions.append(
                {
                    "document_id": doc_id,
                    "status": "ok",
                    "error": None,
                    "doc_type_detected": doc_type,
                    "fields": fields,
                    "confidence": {k2: 0.9 for k2 in fields},
                    "steps": {"steps": [], "pages": 1},
                    "engine": "benchmark",
                    "seconds": 0.5,
                    "created_at": created,
                }
            )
        for step, to in enumerate(("intake", "verification", app["stage"])):
            events.append(
                {
                    "application_id": i,
                    "from_stage": None if step == 0 else ("intake", "verification")[step - 1],
                    "to_stage": to,
                    "actor": "benchmark",
                    "reason": None,
                    "created_at": created + timedelta(minutes=step),
                }
            )
        if app["stage"] in ("review", "approval"):
            severity = rng.choice(["low", "medium", "high", "critical"])
            findings.append(
                {
                    "application_id": i,
                    "document_id": 3 * (i - 1) + 1,
                    "code": "crosscheck.birth_date",
                    "severity": severity,
                    "field": "tanggal_lahir",
                    "expected": form["tanggal_lahir"],
                    "observed": "1971-02-03",
                    "detail": "the ktp states another birth date",
                    "rule_version": "2026.2",
                    "evidence": {"details": {}},
                    "created_at": created + timedelta(minutes=2),
                }
            )
            role = "verification_officer" if app["stage"] == "review" else "adjudicator"
            tasks.append(
                {
                    "application_id": i,
                    "kind": app["stage"],
                    "role": role,
                    "status": "open",
                    "priority": rng.choice([0, 10, 50, 70]),
                    "assignee": None,
                    "claimed_at": None,
                    "due_at": created + timedelta(days=rng.randrange(1, 4)),
                    "outcome": None,
                    "created_at": created + timedelta(minutes=2),
                    "completed_at": None,
                }
            )
    with engine.begin() as conn:
        for table, rows in (
            (Application, apps),
            (Document, docs),
            (Extraction, extractions),
            (StageEvent, events),
            (Finding, findings),
            (HumanTask, tasks),
        ):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
        for table in ("applications", "documents", "extractions", "stage_events", "findings"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return [a["number"] for a, s in zip(apps, stages, strict=True) if s == "review"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(client: httpx.Client, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return times


def _report(what: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    print(
        f"{what:<34} n={len(times):<4} p50 {statistics.median(times):6.1f} ms   "
        f"p95 {p95:6.1f} ms   max {ordered[-1]:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default="paspor_console_bench")
    args = parser.parse_args()

    url = _database(args.database)
    with TemporaryDirectory() as tmp:
        services = build_services(Settings(data_dir=Path(tmp), database_url=url))
        upgrade(services.engine)
        started = time.perf_counter()
        in_review = seed(url, args.applications)
        print(f"seeded {args.applications} applications in {time.perf_counter() - started:.1f} s")
        with services.sessions.begin() as session:
            add_user(
                session,
                name="officer",
                password=PASSWORD,
                roles=["verification_officer"],
                actor="b",
            )
        port = _free_port()
        config = uvicorn.Config(
            create_app(services), host="127.0.0.1", port=port, log_level="error"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as client:
            token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/login", data={"name": "officer", "password": PASSWORD, "csrf_token": token}
            )
            _timed(client, ["/review"] * 5)  # warm up templates and connections
            rng = random.Random(7)
            n = args.requests
            print(f"{len(in_review)} applications in review; {n} requests per page")
            _report("GET /review", _timed(client, ["/review"] * n))
            filters = ["/review?deadline=overdue", "/review?older=7", "/review?page=3"]
            _report(
                "GET /review (filters, pages)",
                _timed(client, [rng.choice(filters) for _ in range(n)]),
            )
            cases = [f"/cases/{rng.choice(in_review)}" for _ in range(n)]
            _report("GET /cases/{number}", _timed(client, cases))
        server.should_exit = True
        thread.join(10)
        services.engine.dispose()


if __name__ == "__main__":
    main()
