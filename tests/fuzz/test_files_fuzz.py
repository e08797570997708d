"""Uploads under hostile bytes: the media check and the decoding before OCR give a result or
one of our errors (refused, unreadable); a small sample goes through the whole reader."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.common import fuzz_settings, outcome
from verification.errors import DocumentUnreadable, UploadRefused
from verification.media import MediaInfo, UploadLimits, inspect_upload
from verification.reading.loader import LoadLimits, load_pages
from verification.reading.model import Page
from verification.reading.ocr import TesseractEngine
from verification.reading.reader import read_document
from verification.synthetic.hostile import DOCUMENT_TYPES, hostile_file, seed_files

MAGIC = st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"junk%PDF-"])


def _check(data: bytes) -> None:
    info = outcome(lambda: inspect_upload(data, UploadLimits()))
    assert isinstance(info, MediaInfo | UploadRefused), type(info)
    pages = outcome(lambda: load_pages(data, LoadLimits()))
    assert isinstance(pages, list | DocumentUnreadable), type(pages)
    if isinstance(pages, list):
        assert 1 <= len(pages) <= LoadLimits().max_pages
        assert all(isinstance(p, Page) for p in pages)


@fuzz_settings(120)
@given(st.randoms(use_true_random=False))
def test_hostile_files_are_read_or_refused(rng: random.Random) -> None:
    _check(hostile_file(rng)[1])


@fuzz_settings(150)
@given(MAGIC, st.binary(max_size=3000))
def test_any_bytes_behind_a_magic_number(magic: bytes, tail: bytes) -> None:
    _check(magic + tail)


@fuzz_settings(100)
@given(st.sampled_from(sorted(seed_files())), st.data())
def test_every_prefix_of_a_valid_file(name: str, data: st.DataObject) -> None:
    valid = seed_files()[name]
    _check(valid[: data.draw(st.integers(0, len(valid)), label="cut")])


@pytest.mark.slow
@fuzz_settings(4)
@given(st.randoms(use_true_random=False), st.sampled_from(DOCUMENT_TYPES[:3]))
def test_whole_reader_marks_hostile_files_unreadable_or_reads_them(
    rng: random.Random, declared: str
) -> None:
    result = read_document(hostile_file(rng)[1], declared_type=declared, engine=TesseractEngine())
    assert result.status in ("ok", "unreadable"), result.error
