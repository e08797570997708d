"""Prefect global concurrency limits for the office's scarce machines.

Each biometrics station (one camera, one fingerprint scanner) and the printers are limits
held with ``strict=True``: a misspelled or missing limit fails loudly instead of meaning "no
limit" (DESIGN.md section 5). ``ensure_limits`` creates them from the station configuration
in the database before any flow holds one; ``paspor serve`` and the tests call it.
"""

from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectAlreadyExists

from flows.stages.biometrics import station_limits
from flows.wiring import Services

__all__ = ["PRINTERS", "PRINTER_SLOTS", "ensure_limits"]

PRINTERS = "paspor-printers"
PRINTER_SLOTS = 1  # one passport printer per office (the 2014 counter had one)


def ensure_limits(services: Services) -> list[str]:
    """Create or resize every limit the flows hold; returns their names."""
    wanted = {PRINTERS: PRINTER_SLOTS}
    wanted.update({limit.name: limit.slots for limit in station_limits(services)})
    with get_client(sync_client=True) as client:
        for name, slots in wanted.items():
            try:
                client.upsert_global_concurrency_limit_by_name(name, slots)
            except ObjectAlreadyExists:  # another worker starting at the same moment made it
                client.upsert_global_concurrency_limit_by_name(name, slots)
    return sorted(wanted)
