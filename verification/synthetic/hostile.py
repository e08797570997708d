"""Hostile inputs: malformed files, packets, MRZ lines, names and object keys, for fuzzing.

Every generator draws from the ``random.Random`` it is given and returns ``(kind, value)``:
``kind`` names how the input was made (``truncate``, ``png_bomb``, ``json_deep`` ...), so a
failure can be reproduced from its seed and its kind. The property tests (``tests/fuzz``) and
the long run (``benchmarks/fuzz.py``) share these generators; the valid files they mutate are
drawn here (PIL, reportlab) or rendered by the synthetic documents of this package.
"""

from __future__ import annotations

import io
import json
import random
import struct
import zlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from verification.synthetic.kk import render_kk
from verification.synthetic.ktp import render_ktp
from verification.synthetic.people import generate_family

__all__ = [
    "DOCUMENT_TYPES",
    "SAMPLE_APPLICANT",
    "hostile_file",
    "hostile_file_name",
    "hostile_key",
    "hostile_mrz",
    "hostile_name",
    "hostile_packet",
    "hostile_text",
    "seed_files",
    "valid_packet",
]

# The hash of b"fuzz": a well-formed key the fuzzers' bytes really belong under.
_FUZZ_SHA = "93850b707585e404e4951a3ddc1f05a34b3d4f5fc081d616f46d8a2e8f1c8e68"
DOCUMENT_TYPES = ("ktp", "kk", "akta_kelahiran", "ijazah", "paspor_lama")
_CONTROLS = "".join(map(chr, range(32))) + "\x7f\x85\u200b\u200e\u202e\u2028\ufeff"
_ODD = "\x00/\\.:*?\"'<>|%~$` \t\n\r…ا١٢é\u0301ß\U0001f600\ud7ff\ufffdİı"


def _drawn(size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, (235, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, size[0] - 8, size[1] - 8), outline=(20, 40, 120), width=2)
    draw.text((16, 16), "NIK : 0000000000000000\nNama : CONTOH", fill=(0, 0, 0))
    return image


def _encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def _text_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(300, 200), invariant=1)
    pdf.drawString(20, 150, "KARTU KELUARGA No. 0000000000000000")
    pdf.drawString(20, 120, "Nama Kepala Keluarga : CONTOH")
    pdf.save()
    return buffer.getvalue()


def _image_pdf(jpeg: bytes) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(160, 120), invariant=1)
    pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, 160, 120)
    pdf.save()
    return buffer.getvalue()


@lru_cache(maxsize=1)
def seed_files() -> dict[str, bytes]:
    """Valid files to mutate: small drawn ones (fast to decode) and a synthetic KTP and KK."""
    small = _drawn((160, 100))
    jpeg = _encoded(small, "JPEG")
    rng = random.Random(8)
    family = generate_family(rng)
    return {
        "jpeg": jpeg,
        "jpeg_progressive": _progressive(small),
        "png": _encoded(small, "PNG"),
        "pdf_text": _text_pdf(),
        "pdf_scan": _image_pdf(jpeg),
        "ktp": render_ktp(family, family.applicant, rng).data,
        "kk": render_kk(family, rng).data,
    }


def _progressive(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, progressive=True)
    return buffer.getvalue()


# --- files -------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return struct.pack(">I", len(body)) + kind + body + crc


def _png_bomb(rng: random.Random) -> bytes:
    """A PNG declaring huge dimensions, with a little deflated zero data and an IEND."""
    width, height = rng.choice([(100_000, 100_000), (2**31 - 1, 1), (8000, 8000), (65535, 65535)])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * rng.randint(0, 1 << 16), 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_with_size(data: bytes, width: int, height: int) -> bytes:
    """``data`` (a JPEG) with the size in its first frame header replaced."""
    pos = 2
    while pos + 9 <= len(data):
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in (0xC0, 0xC1, 0xC2):
            return data[: pos + 5] + struct.pack(">HH", height, width) + data[pos + 9 :]
        pos += 2 + length
    return data


def _pdf(objects: list[bytes], *, xref: bool = True) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    )
    return out.getvalue()


def _pdf_pages(count: int, media_box: bytes = b"[0 0 612 792]", content: bytes = b"") -> bytes:
    kids = b" ".join(b"%d 0 R" % (n + 4) for n in range(count))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 3 0 R >>" % media_box
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            *([page] * count),
        ]
    )


def _crafted_pdf(rng: random.Random) -> tuple[str, bytes]:
    choice = rng.randrange(9)
    if choice == 0:
        return "pdf_many_pages", _pdf_pages(rng.choice([500, 5000, 30000]))
    if choice == 1:
        box = rng.choice(
            [
                b"[0 0 1e9 1e9]",
                b"[0 0 0 0]",
                b"(box)",
                b"[0 0 -5 14400]",
                b"[0 0 14400 14400]",
                b"[1 2]",
                b"[0 0 99999999999 1]",
            ]
        )
        return "pdf_media_box", _pdf_pages(1, box)
    if choice == 2:
        depth = rng.choice([500, 5000, 100_000])
        return "pdf_deep_nesting", _pdf_pages(1, b"[" * depth + b"]" * depth)
    if choice == 3:
        data = _pdf_pages(2)
        cut = data.rindex(b"xref")
        junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40)))
        return "pdf_broken_xref", data[:cut] + junk + data[cut + rng.randint(4, 30) :]
    if choice == 4:
        return "pdf_no_xref", _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R >>",
            ],
            xref=False,
        )
    if choice == 5:
        loop = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>",
        ]
        return "pdf_page_tree_loop", _pdf(loop)
    if choice == 6:
        ops = b"BT /F1 12 Tf 10 10 Td (" + b"A" * rng.randint(0, 5000) + b") Tj ET\n"
        return "pdf_odd_content", _pdf_pages(1, content=ops * rng.randint(1, 50))
    if choice == 7:
        bomb = zlib.compress(b"\x00" * (1 << 22), 9)
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(bomb), bomb),
        ]
        return "pdf_flate_bomb", _pdf(objects)
    return "pdf_encrypt_junk", _pdf_pages(1).replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 1 0 R")


def _mutated(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    buf = bytearray(data)
    choice = rng.randrange(7)
    if choice == 0:
        return "truncate", bytes(buf[: rng.randrange(len(buf))])
    if choice == 1:
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] = rng.getrandbits(8)
        return "flip_bytes", bytes(buf)
    if choice == 2:
        at = rng.randrange(len(buf))
        junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200)))
        return "insert_junk", bytes(buf[:at] + junk + buf[at:])
    if choice == 3:
        at = rng.randrange(len(buf))
        return "zero_run", bytes(buf[:at] + b"\x00" * rng.randint(1, 500) + buf[at + 500 :])
    if choice == 4:
        at, size = rng.randrange(len(buf)), rng.randint(1, 300)
        return "duplicate_run", bytes(buf[: at + size] + buf[at : at + size] + buf[at + size :])
    if choice == 5:
        head = rng.randint(16, 400)
        return "head_only", bytes(buf[:head]) + (b"\xff\xd9" if rng.random() < 0.5 else b"IEND")
    start = rng.randrange(len(buf))
    return "delete_run", bytes(buf[:start] + buf[start + rng.randint(1, 2000) :])


def hostile_file(rng: random.Random) -> tuple[str, bytes]:
    """A malformed upload: a mutated valid file, a bomb, a crafted PDF or wrong content."""
    seeds = seed_files()
    roll = rng.random()
    if roll < 0.55:
        name = rng.choice(sorted(seeds))
        kind, data = _mutated(seeds[name], rng)
        return f"{name}:{kind}", data
    if roll < 0.65:
        return "png_bomb", _png_bomb(rng)
    if roll < 0.72:
        width, height = rng.choice([(65535, 65535), (0, 0), (1, 65535), (10000, 6000)])
        return "jpeg_bomb", _jpeg_with_size(seeds["jpeg"], width, height)
    if roll < 0.90:
        return _crafted_pdf(rng)
    choice = rng.randrange(5)
    if choice == 0:
        return "empty", b""
    if choice == 1:
        return "magic_only", rng.choice(
            [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"%PDF-1.7\n%%EOF"]
        )
    if choice == 2:
        return "wrong_content", rng.choice(
            [
                b"<html><body>ktp</body></html>",
                b"GIF89a" + b"\0" * 40,
                b"PK\x03\x04" + b"\0" * 40,
                json.dumps({"a": 1}).encode(),
            ]
        )
    if choice == 3:
        magic = rng.choice([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n"])
        return "magic_then_noise", magic + bytes(
            rng.getrandbits(8) for _ in range(rng.randint(0, 4000))
        )
    return "noise", bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4000)))


# --- text --------------------------------------------------------------------------------


def hostile_text(rng: random.Random, max_length: int = 300) -> str:
    """A string from awkward characters: controls, separators, other scripts, surrogates' edge."""
    pools = [
        _CONTROLS,
        _ODD,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ <",
        "abcdefghijklmnopqrstuvwxyz .'-",
        "0123456789",
        "".join(chr(rng.randrange(0x80, 0x3000)) for _ in range(20)),
    ]
    length = rng.choice([0, 1, 2, rng.randint(3, 60), rng.randint(0, max_length)])
    return "".join(rng.choice(rng.choice(pools)) for _ in range(length))


def hostile_name(rng: random.Random) -> tuple[str, str]:
    """A name as typed or as read: awkward text, a very long one, or many short words."""
    choice = rng.randrange(4)
    if choice == 0:
        return "text", hostile_text(rng)
    if choice == 1:
        word = rng.choice(["NJ", "TJ", "OE", "A", "BIN", "DRS", "I", "M", "SITI"])
        return "repeated", " ".join([word] * rng.randint(1, 600))
    if choice == 2:
        return "long", "".join(rng.choice("ABJNOTY ") for _ in range(rng.randint(500, 20_000)))
    words = [hostile_text(rng, 12) for _ in range(rng.randint(1, 400))]
    return "many_words", " ".join(words)


def hostile_mrz(rng: random.Random) -> tuple[str, tuple[str, str]]:
    """Two MRZ lines: a valid specimen changed, wrong lengths, or awkward characters."""
    line1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    choice = rng.randrange(4)
    if choice == 0:
        chars = list(rng.choice([line1, line2]))
        for _ in range(rng.randint(1, 5)):
            chars[rng.randrange(44)] = rng.choice("ABZ09<" + _ODD + _CONTROLS)
        changed = "".join(chars)
        return "changed", (changed, line2) if rng.random() < 0.5 else (line1, changed)
    if choice == 1:
        cut = rng.randint(0, 100)
        return "length", ((line1 * 3)[:cut], line2) if cut != 44 else (line1, line2[:43])
    if choice == 2:
        return "text", (hostile_text(rng, 60), hostile_text(rng, 60))
    alphabet = "0123456789<ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "random_valid", tuple("".join(rng.choice(alphabet) for _ in range(44)) for _ in "12")  # type: ignore[return-value]


def hostile_key(rng: random.Random) -> tuple[str, str]:
    """An object key that is malformed or tries to escape the store."""
    sha = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    good = f"applications/APP-2026-{rng.randrange(10**6):06d}/ktp/{sha}"
    choice = rng.randrange(7)
    if choice == 6:  # well formed: refused only if the bytes do not have this hash
        return "well_formed", good.replace(sha, rng.choice([sha, _FUZZ_SHA]))
    if choice == 0:
        parts = good.split("/")
        parts[rng.randrange(4)] = rng.choice(["..", ".", "", "../..", "..\\..", "/etc", "~"])
        return "segment", "/".join(parts)
    if choice == 1:
        prefix = rng.choice(["/", "//", "../", "..\\", "C:\\", "\\\\host\\share\\", "./"])
        return "prefix", prefix + good
    if choice == 2:
        at = rng.randrange(len(good))
        return "control", good[:at] + rng.choice(_CONTROLS + "\\") + good[at:]
    if choice == 3:
        return "long", good + "/" + "a" * rng.choice([255, 4096, 70_000])
    if choice == 4:
        digits = rng.choice(["٢٠٢٦", "２０２６", "२०२६"])
        return "unicode_digits", good.replace("2026", digits)
    return "text", hostile_text(rng, 200)


def hostile_file_name(rng: random.Random) -> tuple[str, str]:
    """A ``documents[].file`` value that is odd or tries to escape the packet folder."""
    choice = rng.randrange(6)
    if choice == 0:
        return "traversal", rng.choice(
            ["../ktp.jpg", "..", "a/../../x", "..\\..\\x", "sub/../ktp.jpg"]
        )
    if choice == 1:
        return "absolute", rng.choice(["/etc/passwd", "/dev/zero", "//server/x", "C:\\x", "~/x"])
    if choice == 2:
        at = rng.randint(0, 7)
        return "control", "ktp.jpg"[:at] + rng.choice(_CONTROLS) + "ktp.jpg"[at:]
    if choice == 3:
        return "long", "k" * rng.choice([128, 129, 255, 256, 5000]) + ".jpg"
    if choice == 4:
        return "link", rng.choice(["link_out", "link_loop", "link_dir", "fifo", "link_dev"])
    return "text", hostile_text(rng, 140)


# --- packets -----------------------------------------------------------------------------


# An invented applicant (fictitious NIK: Pekanbaru, woman born 05-08-1990), the form of
# valid packets here and of the tests' factories.
SAMPLE_APPLICANT: dict[str, str] = {
    "nik": "1471024508900003",
    "nama": "SITI AMINAH",
    "tempat_lahir": "PEKANBARU",
    "tanggal_lahir": "1990-08-05",
    "jenis_kelamin": "PEREMPUAN",
    "alamat": "JL. TERATAI NO. 12",
    "no_kk": "1471020101150007",
    "nama_ayah": "AHMAD YANI",
    "nama_ibu": "ROSMAWATI",
    "pekerjaan": "KARYAWAN SWASTA",
    "status_perkawinan": "KAWIN",
}


def valid_packet(number: str = "APP-2026-000123") -> dict[str, Any]:
    """A valid application.json (invented applicant) naming ktp.jpg, kk.pdf and akta.png."""
    return {
        "application_id": number,
        "category": "adult",
        "applicant": dict(SAMPLE_APPLICANT),
        "documents": [
            {"type": "ktp", "file": "ktp.jpg"},
            {"type": "kk", "file": "kk.pdf"},
            {"type": "akta_kelahiran", "file": "akta.png"},
        ],
    }


def _odd_value(rng: random.Random) -> Any:
    makers: list[Callable[[], Any]] = [
        lambda: None,
        lambda: True,
        lambda: rng.randint(-(2**70), 2**70),
        lambda: 1e308,
        lambda: float("nan"),
        lambda: float("inf"),
        lambda: [],
        lambda: {},
        lambda: [None] * 3,
        lambda: hostile_text(rng),
        lambda: "9" * rng.choice([15, 16, 17, 1000]),
        lambda: "x" * rng.choice([199, 200, 201, 100_000]),
        lambda: "0000-00-00",
        lambda: "1899-12-31",
        lambda: "9999-12-31",
        lambda: {"$ref": "#"},
    ]
    return rng.choice(makers)()


def _mutate_tree(tree: Any, rng: random.Random) -> Any:
    """One structural change somewhere in a JSON tree: a value replaced, a key dropped or added."""
    if isinstance(tree, dict) and tree:
        key = rng.choice(sorted(tree))
        roll = rng.random()
        if roll < 0.15:
            return {k: v for k, v in tree.items() if k != key}
        if roll < 0.25:
            return {**tree, rng.choice(["extra", "nik ", hostile_text(rng, 20)]): _odd_value(rng)}
        if roll < 0.55:
            return {**tree, key: _odd_value(rng)}
        return {**tree, key: _mutate_tree(tree[key], rng)}
    if isinstance(tree, list) and tree:
        index = rng.randrange(len(tree))
        roll = rng.random()
        if roll < 0.2:
            return tree * rng.choice([2, 30])
        return [*tree[:index], _mutate_tree(tree[index], rng), *tree[index + 1 :]]
    return _odd_value(rng)


def hostile_packet(rng: random.Random) -> tuple[str, bytes]:
    """A malformed application.json as bytes."""
    packet = valid_packet(f"APP-2026-{rng.randrange(10**6):06d}")
    roll = rng.random()
    if roll < 0.45:
        for _ in range(rng.randint(1, 4)):
            packet = _mutate_tree(packet, rng)
        return "tree", json.dumps(packet, allow_nan=True).encode()
    if roll < 0.65:
        kind, name = hostile_file_name(rng)
        packet["documents"][rng.randrange(3)]["file"] = name
        return f"file_name:{kind}", json.dumps(packet).encode()
    text = json.dumps(packet).encode()
    choice = rng.randrange(7)
    if choice == 0:
        return "truncated", text[: rng.randrange(len(text))]
    if choice == 1:
        depth = rng.choice([100, 1000, 100_000])
        return "json_deep", b'{"application_id": ' + b"[" * depth + b"]" * depth + b"}"
    if choice == 2:
        return "json_huge_number", b'{"application_id": ' + b"9" * rng.choice([400, 5000]) + b"}"
    if choice == 3:
        return "encoding", rng.choice(
            [
                text.decode().encode("utf-16"),
                b"\xff\xfe" + text,
                text.replace(b"SITI", b"S\xc0TI"),
                b"\xef\xbb\xbf" + text,
            ]
        )
    if choice == 4:
        return "not_object", rng.choice([b"[]", b"null", b"42", b'"APP"', b"", b" "])
    if choice == 5:
        return "duplicate_keys", text.replace(
            b'"category": "adult"', b'"category": "adult", "category": "x"'
        )
    return "huge", b'{"x": "' + b"a" * rng.choice([300_000, 2_000_000]) + b'"}'
