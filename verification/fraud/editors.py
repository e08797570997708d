"""Programs that edit documents or images, as they name themselves in file metadata."""

from __future__ import annotations

__all__ = ["EDITOR_MARKERS", "editor_in"]

# Substrings (lower case) of Producer/Creator/Software values written by editing programs, as
# opposed to the office's scanners, printers, phone cameras and Dukcapil's system.
EDITOR_MARKERS = (
    "photoshop", "lightroom", "gimp", "ilovepdf", "smallpdf", "sejda", "pdfescape",
    "phantompdf", "nitro pro", "pdf-xchange editor", "pdfelement", "inkscape", "canva",
    "pixlr", "paint.net", "pdffiller", "dochub", "soda pdf", "pdf candy", "pdf24 editor",
    "foxit editor", "acrobat pro", "libreoffice draw", "master pdf editor", "snapseed",
    "picsart", "photopea", "affinity photo", "corel", "krita", "fotor",
)  # fmt: skip


def editor_in(value: str | None) -> str | None:
    """The marker of an editing program ``value`` contains, if any.

    >>> editor_in("Adobe Photoshop 25.0 (Windows)"), editor_in("Android 14 camera")
    ('photoshop', None)
    """
    lowered = (value or "").lower()
    return next((marker for marker in EDITOR_MARKERS if marker in lowered), None)
