"""Console load: 50 simulated users on 10,000 applications while the pipeline verifies a batch.

The database (PostgreSQL, own database ``paspor_load_bench``, dropped and made again) is
filled as ``console_latency.py`` fills it. The console runs as ``paspor console`` in a process
of its own; a Prefect server (SQLite, temporary folder) and one worker (``paspor serve
--no-server``) verify a batch of synthetic packets submitted at the start, so OCR competes
with the console for the 2 cores, as at an office counter. The users are asyncio tasks with
httpx clients, each signed in under their own name, each looping over their desk's pages
with 1-3 s of thinking between requests:

- officers (half): the review queue, a filter, a case page, a document picture (of the
  batch's uploads: the seeded rows have no files);
- auditors: a search by number, an application's trail, the fraud register;
- supervisors: the dashboard and the overdue tasks; station operators: their queues.

Printed: requests, errors by kind, requests per second, p50/p95/max per page, and how many of
the batch the pipeline routed during the load.

    .venv/bin/python benchmarks/console_load.py --users 50 --seconds 180 --batch 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable
from pathlib import Path

import httpx
from console_latency import _database, _free_port, seed
from sqlalchemy import func, select

BIN = Path(sys.executable).parent
PASSWORD = "benchmark-password-1"
THINK = (1.0, 3.0)
DESKS = {  # share of users, roles
    "officer": (0.5, ["verification_officer"]),
    "auditor": (0.2, ["auditor"]),
    "supervisor": (0.1, ["supervisor"]),
    "bio": (0.1, ["biometric_operator"]),
    "printer": (0.1, ["printing_operator"]),
}

Timings = dict[str, list[float]]
Errors = Counter[str]


def _wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


async def _get(
    client: httpx.AsyncClient, page: str, path: str, times: Timings, errors: Errors
) -> str:
    started = time.perf_counter()
    try:
        response = await client.get(path)
    except httpx.HTTPError as exc:
        errors[f"{page}: {type(exc).__name__}"] += 1
        return ""
    times[page].append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        errors[f"{page}: HTTP {response.status_code}"] += 1
    return response.text


async def _sign_in(client: httpx.AsyncClient, name: str) -> None:
    page = (await client.get("/login")).text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = await client.post(
        "/login", data={"name": name, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code != 303:
        raise RuntimeError(f"{name} could not sign in: HTTP {response.status_code}")


def _paths(desk: str, rng: random.Random, numbers: list[str]) -> list[tuple[str, str]]:
    number = rng.choice(numbers)
    if desk == "officer":
        return [
            ("review queue", "/review"),
            ("review filtered", rng.choice(["/review?deadline=overdue", "/review?older=7"])),
            ("case page", f"/cases/{number}"),
        ]
    if desk == "auditor":
        return [
            ("audit search", f"/audit?q={number}"),
            ("audit trail", f"/audit/applications/{number}"),
            ("fraud register", "/audit/fraud"),
        ]
    if desk == "supervisor":
        return [("supervisor", "/supervisor"), ("overdue tasks", "/supervisor/tasks")]
    if desk == "bio":
        return [("biometrics desk", "/stations/biometrics")]
    return [("printing desk", "/stations/printing")]


async def _user(
    base: str,
    name: str,
    desk: str,
    numbers: list[str],
    pictures: list[int],
    until: float,
    times: Timings,
    errors: Errors,
) -> None:
    rng = random.Random(name)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await _sign_in(client, name)
        await asyncio.sleep(rng.uniform(*THINK))
        while time.monotonic() < until:
            for page, path in _paths(desk, rng, numbers):
                await _get(client, page, path, times, errors)
                if page == "case page" and pictures:  # the batch's files (seeded rows have none)
                    picture = f"/documents/{rng.choice(pictures)}/picture"
                    await _get(client, "document picture", picture, times, errors)
                await asyncio.sleep(rng.uniform(*THINK))
                if time.monotonic() >= until:
                    return


async def _load(
    base: str,
    users: list[tuple[str, str]],
    numbers: list[str],
    pictures: list[int],
    seconds: float,
) -> tuple[Timings, Errors, float]:
    times: Timings = defaultdict(list)
    errors: Errors = Counter()
    until = time.monotonic() + seconds
    started = time.perf_counter()
    jobs: list[Awaitable[None]] = [
        _user(base, name, desk, numbers, pictures, until, times, errors) for name, desk in users
    ]
    await asyncio.gather(*jobs)
    return times, errors, time.perf_counter() - started


def _users(count: int) -> list[tuple[str, str]]:
    made = []
    for desk, (share, _) in DESKS.items():
        made += [(f"{desk}{i}", desk) for i in range(max(1, round(share * count)))]
    return made[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--batch", type=int, default=20, help="packets verified meanwhile")
    parser.add_argument("--database", default="paspor_load_bench")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="paspor-load-"))
    prefect_port, console_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "PASPOR_DATABASE_URL": _database(args.database),
        "PASPOR_DATA_DIR": str(work / "var"),
        "PREFECT_API_URL": f"http://127.0.0.1:{prefect_port}/api",
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_LOCAL_STORAGE_PATH": str(work / "prefect" / "results"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "OMP_THREAD_LIMIT": "1",
    }
    os.environ.update(env)
    from flows.runs import recover
    from flows.wiring import get_services
    from storage.intake import submit_packet
    from storage.migrate import upgrade
    from storage.models import Application, AuditEvent, Document
    from storage.users import add_user
    from verification.synthetic.packet import write_packet

    services = get_services()
    upgrade(services.engine)
    started = time.perf_counter()
    numbers = seed(env["PASPOR_DATABASE_URL"], args.applications)
    print(f"seeded {args.applications} applications in {time.perf_counter() - started:.0f} s")
    users = _users(args.users)
    with services.sessions.begin() as session:
        for name, desk in users:
            add_user(session, name=name, password=PASSWORD, roles=DESKS[desk][1], actor="b")
    batch = [
        write_packet(
            work / "packets" / f"APP-2027-{i:06d}",
            seed=9100 + i,
            application_id=f"APP-2027-{i:06d}",
        ).folder
        for i in range(1, args.batch + 1)
    ]
    batch_ids = [
        submit_packet(
            folder,
            sessions=services.sessions,
            store=services.store,
            process=services.process,
            limits=services.settings.upload_limits(),
            actor="bench",
        ).application_id
        for folder in batch
    ]

    with services.sessions() as session:
        pictures = list(
            session.scalars(
                select(Document.id)
                .join(Application, Application.id == Document.application_id)
                .where(
                    Application.number.like("APP-2027-%"),  # the batch's, not the seeded rows
                    Document.status == "stored",
                    Document.media_type.like("image/%"),
                )
            )
        )
    logs = (work / "processes.log").open("ab")

    def spawn(*command: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(BIN / command[0]), *command[1:]], env=env, stdout=logs, stderr=subprocess.STDOUT
        )

    processes = [
        spawn("prefect", "server", "start", "--host", "127.0.0.1", "--port", str(prefect_port)),
        spawn("paspor", "console", "--port", str(console_port)),
    ]
    try:
        _wait_http(f"http://127.0.0.1:{prefect_port}/api/health", 120)
        processes.append(spawn("paspor", "serve", "--no-server", "--no-schedules", "--limit", "1"))
        base = f"http://127.0.0.1:{console_port}"
        _wait_http(f"{base}/healthz", 60)
        time.sleep(10)  # the worker registers its deployment
        recover(services, only=batch_ids)  # the seeded rows have no runs to carry
        with services.sessions() as session:
            routed_before = session.scalar(
                select(func.count()).where(AuditEvent.action == "verification.routed")
            )
        desks = ", ".join(f"{d} {sum(u[1] == d for u in users)}" for d in DESKS)
        print(
            f"{len(users)} users ({desks}) for {args.seconds:.0f} s; "
            f"the worker verifies a batch of {args.batch}"
        )
        times, errors, wall = asyncio.run(_load(base, users, numbers, pictures, args.seconds))
        with services.sessions() as session:
            routed = session.scalar(
                select(func.count()).where(AuditEvent.action == "verification.routed")
            )
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        services.engine.dispose()

    total = sum(len(t) for t in times.values())
    print(
        f"\n{total} requests in {wall:.0f} s ({total / wall:.1f}/s), {sum(errors.values())} errors"
    )
    for kind, count in errors.most_common():
        print(f"  error  {count:>5}  {kind}")
    print(f"\n{'page':<18} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    everything: list[float] = []
    for page, values in sorted(times.items()):
        ordered = sorted(values)
        everything += values
        print(
            f"{page:<18} {len(values):>5} {statistics.median(values):8.1f} "
            f"{ordered[max(int(0.95 * len(ordered)) - 1, 0)]:8.1f} {ordered[-1]:8.1f}"
        )
    ordered = sorted(everything)
    print(
        f"{'all pages':<18} {len(ordered):>5} {statistics.median(ordered):8.1f} "
        f"{ordered[max(int(0.95 * len(ordered)) - 1, 0)]:8.1f} {ordered[-1]:8.1f}"
    )
    print(
        f"\npipeline during the load: {(routed or 0) - (routed_before or 0)} of {args.batch} "
        f"applications verified and routed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
