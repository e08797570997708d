"""Fresh copies of the synthetic extractions for each test.

Great Expectations is imported once per test process, on the first validation; its
per-process context is shared by every test, so only the first test pays the import.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.verification.quality.data import AKTA, KK, KTP


@pytest.fixture
def ktp() -> dict[str, Any]:
    return copy.deepcopy(KTP)


@pytest.fixture
def kk() -> dict[str, Any]:
    return copy.deepcopy(KK)


@pytest.fixture
def akta() -> dict[str, Any]:
    return copy.deepcopy(AKTA)
