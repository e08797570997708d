"""The packet parser and intake under hostile packets: every outcome is a Packet or a
PacketInvalid naming fields, never echoing values; intake never reads or writes outside."""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from rules.process import default_process
from storage.db import make_engine, make_session_factory
from storage.intake import submit_packet
from storage.migrate import upgrade
from storage.store import FileSystemStore
from tests.fuzz.common import files_under, fuzz_settings, outcome
from verification.errors import AlreadyExists, PacketInvalid
from verification.media import UploadLimits
from verification.packet import Packet, parse_packet
from verification.synthetic.hostile import hostile_file_name, hostile_packet, valid_packet

SENTINEL = "ZQX"  # in every generated value: a message quoting a value would show it

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [*valid_packet()["applicant"], "validity_years", "had_passport", "old_passport_number"]


def _parsed(text: str | bytes) -> Packet | PacketInvalid:
    result = outcome(lambda: parse_packet(text))
    assert isinstance(result, Packet | PacketInvalid), type(result)
    return result


@fuzz_settings(300)
@given(st.randoms(use_true_random=False))
def test_hostile_packets_are_parsed_or_refused(rng: random.Random) -> None:
    _parsed(hostile_packet(rng)[1])


@fuzz_settings(200)
@given(st.binary(max_size=2000) | st.text(max_size=2000) | json_values.map(json.dumps))
def test_any_text_is_parsed_or_refused(text: str | bytes) -> None:
    _parsed(text)


@fuzz_settings(300)
@given(
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    st.dictionaries(
        st.text(min_size=1, max_size=20).map(SENTINEL.__add__), json_values, max_size=2
    ),
    st.lists(st.text(max_size=40).map(SENTINEL.__add__), min_size=1, max_size=4),
)
def test_problems_name_fields_never_values(
    changed: dict[str, Any], extra: dict[str, Any], file_names: list[str]
) -> None:
    """Values and unknown keys carry the sentinel; no message may quote them."""
    packet = valid_packet()
    for field, value in changed.items():
        packet["applicant"][field] = f"{SENTINEL}{value}" if isinstance(value, str) else value
    packet["applicant"].update(extra)
    for doc, name in zip(packet["documents"], file_names, strict=False):
        doc["file"] = name
    result = _parsed(json.dumps(packet))
    if isinstance(result, PacketInvalid):
        assert SENTINEL not in str(result)


@pytest.fixture(scope="module")
def intake() -> Iterator[tuple[sessionmaker[Session], Path]]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/paspor.db")
        upgrade(engine)
        yield make_session_factory(engine), Path(folder)
        engine.dispose()


def _packet_folder(folder: Path, text: bytes, outside: Path) -> None:
    folder.mkdir()
    for name, data in (
        ("ktp.jpg", b"\xff\xd8\xff\xe0"),
        ("kk.pdf", b"%PDF-1.4"),
        ("akta.png", b""),
    ):
        (folder / name).write_bytes(data)
    (folder / "application.json").write_bytes(text)
    (folder / "link_out").symlink_to(outside / "secret.jpg")
    (folder / "link_dir").symlink_to(outside)
    (folder / "link_loop").symlink_to("link_loop")
    (folder / "link_dev").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo")


@fuzz_settings(120)
@given(st.randoms(use_true_random=False), st.lists(st.integers(0, 2), max_size=3))
def test_intake_of_hostile_folders_stays_inside(
    intake: tuple[sessionmaker[Session], Path], rng: random.Random, renamed: list[int]
) -> None:
    sessions, root = intake
    outside, store = root / "outside", FileSystemStore(root / "documents")
    outside.mkdir(exist_ok=True)
    (outside / "secret.jpg").write_bytes(b"\xff\xd8\xff secret")
    packet = valid_packet(f"APP-2026-{rng.randrange(10**6):06d}")
    for index in renamed:  # odd names for the files, in a packet otherwise valid
        packet["documents"][index]["file"] = hostile_file_name(rng)[1]
    text = hostile_packet(rng)[1] if rng.random() < 0.5 else json.dumps(packet).encode()
    folder = Path(tempfile.mkdtemp(dir=root, prefix="packet-"))
    _packet_folder(folder / "p", text, outside)
    before = files_under(outside)
    result = outcome(
        lambda: submit_packet(
            folder / "p",
            sessions=sessions,
            store=store,
            process=default_process(),
            limits=UploadLimits(),
            actor="fuzz",
        )
    )
    assert not isinstance(result, BaseException) or isinstance(
        result, PacketInvalid | AlreadyExists
    )
    assert files_under(outside) == before
    for stored in files_under(store.root):
        assert Path(stored).is_relative_to(store.root)
    if not isinstance(result, BaseException):
        assert {d.status for d in result.documents} <= {"stored", "missing", "error", "refused"}
        for doc in result.documents:  # a link out of the packet is never stored
            assert doc.file not in ("link_out", "link_dir", "link_dev") or doc.status == "refused"
