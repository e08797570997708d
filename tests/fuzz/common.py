"""What every fuzz property asserts: the outcome is a result or one of our errors, with a
message; settings that keep the runs short and the same on every machine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, settings

from verification.errors import PasporError

T = TypeVar("T")


def fuzz_settings(examples: int) -> settings:
    """Derandomized (the same examples in CI as here), no per-example deadline: time is
    bounded by the limits under test and measured by ``benchmarks/fuzz.py``."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def outcome(call: Callable[[], T]) -> T | PasporError:
    """The result of ``call``, or the error of ours it raised; any other exception (IndexError,
    cv2.error, a pdfminer error, RecursionError...) propagates and fails the property."""
    try:
        return call()
    except PasporError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} without a message"
        return exc


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
