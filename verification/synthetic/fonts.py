"""Font files for drawing synthetic documents, found in the standard Debian font folders.

KTP and KK are set in an Arial-like sans serif: Liberation Sans is metric-compatible with
Arial and Helvetica, so a page laid out with Helvetica metrics (the PDF form of the KK) draws
the same when rasterised with Liberation Sans. A missing font raises ``FontNotFound`` naming
the Debian package that ships it.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

__all__ = [
    "MONO",
    "SANS",
    "SANS_BOLD",
    "SERIF",
    "SERIF_BOLD",
    "SERIF_ITALIC",
    "FontNotFound",
    "font",
    "font_path",
]

SANS = "LiberationSans-Regular.ttf"
SANS_BOLD = "LiberationSans-Bold.ttf"
SERIF = "LiberationSerif-Regular.ttf"
SERIF_BOLD = "LiberationSerif-Bold.ttf"
SERIF_ITALIC = "LiberationSerif-Italic.ttf"
MONO = "DejaVuSansMono.ttf"

FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype"),
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
)

_DEBIAN_PACKAGE = {"Liberation": "fonts-liberation", "DejaVu": "fonts-dejavu-core"}


class FontNotFound(FileNotFoundError):
    """A font file the documents are drawn with is not installed."""


@cache
def font_path(file_name: str) -> Path:
    """The path of an installed font file, searched in the standard Debian font folders."""
    for folder in FONT_DIRS:
        direct = folder / file_name
        if direct.is_file():
            return direct
    for folder in FONT_DIRS:
        if folder.is_dir():
            found = sorted(folder.rglob(file_name))
            if found:
                return found[0]
    package = next(
        (pkg for prefix, pkg in _DEBIAN_PACKAGE.items() if file_name.startswith(prefix)),
        "fonts-liberation or fonts-dejavu-core",
    )
    searched = ", ".join(str(d) for d in FONT_DIRS)
    raise FontNotFound(
        f"font {file_name} not found in {searched}; install the Debian package {package} "
        f"(apt-get install {package})"
    )


@lru_cache(maxsize=256)
def font(file_name: str, size: int) -> ImageFont.FreeTypeFont:
    """A PIL font of ``size`` pixels (cached: documents reuse a handful of sizes)."""
    return ImageFont.truetype(str(font_path(file_name)), size)
