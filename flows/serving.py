"""Serving the application flow: a Prefect runner in a background thread of this process.

``paspor serve`` and the tests use it; the runner starts each flow run (and each resumed
run) in a subprocess that inherits this process's environment, so the PASPOR_* settings
(database, document store) and PREFECT_* settings reach the flow.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.runner import Runner

from flows.application import process_application

__all__ = ["DEPLOYMENT", "serving"]

DEPLOYMENT = "process-application/paspor"


@contextmanager
def serving(*, limit: int = 2, poll_seconds: float = 1.0) -> Iterator[Runner]:
    """Serve the application flow's deployment until the block ends."""
    runner = Runner(name="paspor", query_seconds=poll_seconds, limit=limit)
    deployment = process_application.to_deployment(name="paspor")
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def run() -> None:
        await runner.aadd_deployment(deployment)
        ready.set()
        await runner.start()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    if not ready.wait(60):
        raise RuntimeError("the Prefect runner did not start within 60 s")
    try:
        yield runner
    finally:
        asyncio.run_coroutine_threadsafe(runner.astop(), loop).result(timeout=60)
        thread.join(timeout=60)
