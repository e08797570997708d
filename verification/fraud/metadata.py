"""Image metadata: traces of editing software in a JPEG's or PNG's metadata.

An image saved by an editor usually says so: the EXIF Software (0x0131) or ProcessingSoftware
(0x000B) tag, a PNG ``Software`` text chunk, or the XMP ``CreatorTool``. Phone cameras and
scanners write their own names there, which are not editors. Only the metadata is parsed (the
pixels are not decoded), so this costs milliseconds. Absent metadata proves nothing: editors
can strip it, and the pixel forensics are for that.
"""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, UnidentifiedImageError

from verification.checks.case import CheckContext
from verification.findings import Finding
from verification.fraud.editors import EDITOR_MARKERS, editor_in
from verification.fraud.signals import Signal, signal_findings

__all__ = ["image_metadata_findings", "image_metadata_signals"]

_EXIF_TAGS = {0x0131: "EXIF Software", 0x000B: "EXIF ProcessingSoftware"}
_XMP_TOOL = re.compile(rb"CreatorTool(?:>|=\")([^<\"]{1,200})")


def _values(data: bytes) -> list[tuple[str, str]]:
    """(where, value) of every metadata field that names software."""
    found: list[tuple[str, str]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # truncated or odd files: the loader reports them
            image = Image.open(io.BytesIO(data))
            exif = image.getexif()
            info = dict(image.info)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return found
    for tag, where in _EXIF_TAGS.items():
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str) and value.strip():
            found.append((where, value.strip()))
    for key in ("Software", "software"):
        if isinstance(info.get(key), str):
            found.append((f"PNG text {key}", info[key]))
    for match in _XMP_TOOL.finditer(data[:262_144]):
        found.append(("XMP CreatorTool", match.group(1).decode("utf-8", "replace")))
    return found


def image_metadata_signals(data: bytes) -> list[Signal]:
    """``fraud.tamper.metadata`` signals, one per field that names an editing program."""
    signals: list[Signal] = []
    for where, value in _values(data):
        marker = editor_in(value)
        if marker:
            signals.append(
                (
                    "fraud.tamper.metadata",
                    {
                        "method": "image metadata names an editing program",
                        "parameters": {"editor_markers": list(EDITOR_MARKERS)},
                        "field": where,
                        "value": value[:200],
                        "marker": marker,
                    },
                )
            )
    return signals


def image_metadata_findings(
    data: bytes, *, document: str, sha256: str | None, ctx: CheckContext
) -> list[Finding]:
    """The findings of ``image_metadata_signals`` for one uploaded JPEG or PNG."""
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        return []
    return signal_findings(
        image_metadata_signals(data),
        document=document,
        sha256=sha256,
        ctx=ctx,
        message=lambda _, d: f"{d['field']} names an editing program ({d['marker']})",
    )
