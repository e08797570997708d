"""Serving the flows: a local Prefect server, and a runner for the deployments.

``paspor serve``, the demo and the tests use these. The runner starts each flow run (and
each resumed run) in a subprocess that inherits this process's environment, so the PASPOR_*
settings (database, document store) and PREFECT_* settings reach the flows.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from prefect.runner import Runner
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.application import process_application
from flows.limits import ensure_limits
from flows.maintenance import maintenance
from flows.stages.biometrics import ensure_default_stations
from flows.wiring import get_services

__all__ = ["console_server", "healthy", "local_prefect_server", "prefect_server_process", "serving"]

MAINTENANCE_EVERY = timedelta(minutes=15)


@contextmanager
def serving(
    *, limit: int = 2, poll_seconds: float = 1.0, schedules: bool = True
) -> Iterator[Runner]:
    """Serve the application flow (and the scheduled maintenance flow) until the block ends;
    ``limit`` flow runs at once. The office's stations (the shipped configuration when none
    is stored) and the concurrency limits of stations and printers are set up first."""
    services = get_services()
    ensure_default_stations(services, actor="paspor-serve")
    ensure_limits(services)
    runner = Runner(name="paspor", query_seconds=poll_seconds, limit=limit)
    deployments = [process_application.to_deployment(name="paspor")]
    if schedules:
        deployments.append(maintenance.to_deployment(name="paspor", interval=MAINTENANCE_EVERY))
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def run() -> None:
        for deployment in deployments:
            await runner.aadd_deployment(deployment)  # type: ignore[arg-type]
        ready.set()
        await runner.start()

    # The thread runs in a copy of this context: Prefect settings set with temporary_settings
    # (the local server's API URL) live in context variables, which threads do not inherit.
    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(loop.run_until_complete, run()), daemon=True
    )
    thread.start()
    if not ready.wait(60):
        raise RuntimeError("the Prefect runner did not start within 60 s")
    try:
        yield runner
    finally:
        asyncio.run_coroutine_threadsafe(runner.astop(), loop).result(timeout=60)
        thread.join(timeout=60)


def healthy(url: str) -> bool:
    """Whether a Prefect API answers its health check at ``url``."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def local_prefect_server(home: Path, *, port: int = 4200, wait: float = 120) -> Iterator[str]:
    """A Prefect server on 127.0.0.1:``port`` with its database under ``home`` (SQLite unless
    PREFECT_SERVER_DATABASE_CONNECTION_URL says otherwise), for as long as the block runs.
    PREFECT_API_URL is set for this process and its children."""
    url = f"http://127.0.0.1:{port}/api"
    home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_API_URL"] = url  # for the runner's flow-run subprocesses
    # task results (ids and codes only) beside the server's database, not in the user's home
    os.environ.setdefault("PREFECT_LOCAL_STORAGE_PATH", str(home / "results"))
    with temporary_settings(updates={PREFECT_API_URL: url}):  # for this process
        if healthy(url):  # one is running already (another `paspor serve`): use it
            yield url
            return
        with prefect_server_process(home, port, url, wait):
            yield url


@contextmanager
def prefect_server_process(home: Path, port: int, url: str, wait: float) -> Iterator[None]:
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    prefect = Path(sys.executable).with_name("prefect")
    log = (home / "server.log").open("ab")
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + wait
        while not healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Prefect server did not start; see {home / 'server.log'}")
            time.sleep(0.5)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextmanager
def console_server(host: str = "127.0.0.1", port: int = 8000, wait: float = 30) -> Iterator[str]:
    """The officers' console (uvicorn, in a thread) until the block ends; its URL. Served by
    its factory's name: the flows sit below the console and never import it."""
    import uvicorn

    config = uvicorn.Config(
        "console.app:create_app", factory=True, host=host, port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    # In a copy of this context, like the runner: the Prefect API URL of a local server lives
    # in a context variable, and the console resumes flow runs through it.
    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(server.run,), name="paspor-console", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + wait
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the console did not start on {host}:{port}")
        time.sleep(0.1)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
