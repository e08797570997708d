"""Fixtures for the synthetic-document tests: families drawn once, packets written once."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from verification.synthetic.packet import PacketTruth, write_batch, write_packet
from verification.synthetic.people import Family, generate_family

ADULT_SEEDS = range(60)
MINOR_SEEDS = range(30)


@pytest.fixture(scope="session")
def adult_families() -> list[Family]:
    return [generate_family(random.Random(seed)) for seed in ADULT_SEEDS]


@pytest.fixture(scope="session")
def minor_families() -> list[Family]:
    return [generate_family(random.Random(seed), category="minor") for seed in MINOR_SEEDS]


@pytest.fixture(scope="session")
def all_families(adult_families: list[Family], minor_families: list[Family]) -> list[Family]:
    return adult_families + minor_families


@pytest.fixture(scope="session")
def adult_packet(tmp_path_factory: pytest.TempPathFactory) -> PacketTruth:
    """A clean adult packet with a text-layer KK PDF."""
    folder = tmp_path_factory.mktemp("packets") / "adult"
    return write_packet(folder, seed=7, application_id="APP-2026-000007")


@pytest.fixture(scope="session")
def minor_packet(tmp_path_factory: pytest.TempPathFactory) -> PacketTruth:
    folder = tmp_path_factory.mktemp("packets") / "minor"
    return write_packet(folder, seed=8, category="minor")


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[PacketTruth]]:
    """Three packets: the KK forms rotate, so each form appears once."""
    out = tmp_path_factory.mktemp("batch")
    return out, write_batch(out, count=3, seed=11, degraded_fraction=0.5)
