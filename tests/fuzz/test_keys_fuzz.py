"""Object keys under hostile text, on both stores: refused with ``InvalidKey`` or stored under
the root, never written anywhere else."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storage.store import DocumentStore, FileSystemStore, parse_key, sha256_hex
from tests.fuzz.common import files_under, fuzz_settings, outcome
from verification.errors import IntegrityError, InvalidKey, NotFound
from verification.synthetic.hostile import hostile_key

DATA = b"fuzz"
KEYS = (
    st.randoms(use_true_random=False).map(lambda r: hostile_key(r)[1])
    | st.text(max_size=300)
    | st.lists(
        st.sampled_from(
            [
                "applications",
                "APP-2026-000001",
                "ktp",
                "..",
                ".",
                "",
                "/",
                "\\",
                "\x00",
                sha256_hex(DATA),
                "%2e%2e",
            ]
        ),
        max_size=6,
    ).map("/".join)
)


@fuzz_settings(250)
@given(KEYS)
def test_hostile_keys_are_refused_or_stay_inside(store: DocumentStore, key: str) -> None:
    for call in (
        lambda: store.exists(key),
        lambda: store.put(key, DATA, media_type="x/y"),
        lambda: store.get(key),
        lambda: store.delete(key),
    ):
        result = outcome(call)
        if isinstance(result, BaseException):
            assert isinstance(result, InvalidKey | IntegrityError | NotFound), type(result)
    if isinstance(store, FileSystemStore):
        for name in files_under(store.root.parent):
            assert Path(name).is_relative_to(store.root)
            parse_key(Path(name).relative_to(store.root).as_posix())


@fuzz_settings(50)
@given(st.randoms(use_true_random=False))
def test_keys_of_other_scripts_digits_are_refused(rng: random.Random) -> None:
    key = f"applications/APP-{rng.choice(['٢٠٢٦', '２０２６'])}-000001/ktp/{sha256_hex(DATA)}"
    assert isinstance(outcome(lambda: parse_key(key)), InvalidKey)
