"""Passport photo quality: is this capture fit for the data page, or must it be taken again?

Each requirement is one named check with its measured value, its bounds and pass/fail, so a
retake names what to fix and the record shows the numbers behind the decision:

``face_count``
    Exactly one frontal face (OpenCV's bundled Haar cascade
    ``haarcascade_frontalface_default.xml``, run on a CLAHE-equalised grey image, scale step
    1.05, 5 neighbours, faces from 8 % of the photo height).
``face_size``
    Estimated crown-to-chin height / photo height, in [0.62, 0.88]. ICAO 9303 part 3 and
    ISO/IEC 19794-5 ask for 70-80 % (the Indonesian pas foto follows the same 35 x 45 mm
    frame). The cascade box runs from the brows to the mouth, not crown to chin, so the head
    height is estimated as ``HEAD_PER_BOX`` (1.25) box heights; the band is widened by about
    10 % either side for the error of that estimate.
``face_centred``
    |face centre - photo centre| / photo width at most 0.07 (ICAO: the face centred).
``eye_line``
    The eye line (``EYES_IN_BOX`` = 0.42 of the box below its top) from the top of the photo,
    as a share of the height, in [0.30, 0.50]: ISO/IEC 19794-5 puts the eyes at 50-70 % of
    the height from the bottom.
``sharpness``
    Variance of the Laplacian of the face region, scaled to 256 x 256 and stretched to the
    full grey range (so it depends neither on the camera's resolution nor on exposure), at
    least 60. The drawn test faces measure 130-210 in focus and 12-28 defocused (Gaussian
    sigma 5); calibrate the bound on the office's own cameras before relying on it.
``brightness``
    Mean grey level (0-255) of the face region in [70, 210].
``exposure``
    Share of face pixels clipped to black (<= 5) or white (>= 250), at most 0.05.
``background_plain``
    Standard deviation of grey over the background strips (the outer 8 % of the width on
    each side, from the top down to the chin, and the top 4 % of the height), at most 14:
    a plain backdrop, nothing behind the person.
``background_light``
    Mean grey of the same strips, at least 150 (the office's white/light backdrop).

Photos taller than ``WORKING_HEIGHT`` (640) pixels are scaled down to it first. Without
exactly one face the face checks cannot be measured: they are reported with
``passed=None`` and the region used for brightness is the whole photo. ``PhotoReport.ok`` is
true only when every check passed. Bytes that are not an image raise ``DocumentUnreadable``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from verification.biometrics.measure import Check, decode_image, unmeasured, within

__all__ = [
    "CHECKS",
    "PHOTO_CHECK_VERSION",
    "PhotoReport",
    "PhotoThresholds",
    "check_photo",
    "detect_faces",
]

PHOTO_CHECK_VERSION = "photo-1"
CHECKS = (
    "face_count",
    "face_size",
    "face_centred",
    "eye_line",
    "sharpness",
    "brightness",
    "exposure",
    "background_plain",
    "background_light",
)
HEAD_PER_BOX = 1.25  # crown-to-chin height per Haar face-box height
EYES_IN_BOX = 0.42  # eye line, as a share of the box height below its top
WORKING_HEIGHT = 640  # larger photos are scaled down to this height first
_SHARPNESS_SIDE = 256

Grey = NDArray[Any]
Box = tuple[int, int, int, int]  # x, y, width, height


@dataclass(frozen=True)
class PhotoThresholds:
    """The bounds of each check (see the module docstring for where they come from)."""

    face_size: tuple[float, float] = (0.62, 0.88)
    face_centred_max: float = 0.07
    eye_line: tuple[float, float] = (0.30, 0.50)
    sharpness_min: float = 60.0
    brightness: tuple[float, float] = (70.0, 210.0)
    exposure_max: float = 0.05
    background_std_max: float = 14.0
    background_mean_min: float = 150.0
    min_face_share: float = 0.08  # smallest face searched for, as a share of the height


@dataclass(frozen=True)
class PhotoReport:
    version: str
    width: int
    height: int
    face: Box | None
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.passed is True for check in self.checks)

    @property
    def failed(self) -> tuple[str, ...]:
        """The checks that failed, in check order (unmeasurable ones are not listed)."""
        return tuple(check.name for check in self.checks if check.passed is False)

    def check(self, name: str) -> Check:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        """Numbers and names only: safe to store and to show."""
        return {
            "version": self.version,
            "ok": self.ok,
            "failed": list(self.failed),
            "width": self.width,
            "height": self.height,
            "face": list(self.face) if self.face else None,
            "checks": [asdict(check) for check in self.checks],
        }


_local = threading.local()


def _cascade() -> cv2.CascadeClassifier:
    # One classifier per thread: a CascadeClassifier must not be shared between threads.
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
        cascade = cv2.CascadeClassifier(path)
        if cascade.empty():
            raise RuntimeError(f"the OpenCV face cascade could not be loaded from {path}")
        _local.cascade = cascade
    return cascade


def detect_faces(grey: Grey, min_share: float = 0.08) -> list[Box]:
    """Frontal faces in a grey image, largest first."""
    side = max(24, int(grey.shape[0] * min_share))
    equalised = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey)
    found = _cascade().detectMultiScale(
        equalised, scaleFactor=1.05, minNeighbors=5, minSize=(side, side)
    )
    boxes = [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]
    return sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)


def _face_checks(grey: Grey, face: Box | None, t: PhotoThresholds) -> list[Check]:
    h, w = grey.shape
    if face is None:
        return [
            unmeasured("face_size", *t.face_size),
            unmeasured("face_centred", None, t.face_centred_max),
            unmeasured("eye_line", *t.eye_line),
            unmeasured("sharpness", t.sharpness_min, None),
        ]
    x, y, bw, bh = face
    region = grey[y : y + bh, x : x + bw]
    scaled = cv2.resize(region, (_SHARPNESS_SIDE, _SHARPNESS_SIDE), interpolation=cv2.INTER_AREA)
    # Stretch the 1st-99th percentiles to full range: a dim but focused face is not "blurred".
    low, high = np.percentile(scaled, (1, 99))
    stretched = np.clip((scaled - low) * (255.0 / max(1.0, high - low)), 0, 255)
    return [
        within("face_size", HEAD_PER_BOX * bh / h, *t.face_size),
        within("face_centred", abs(x + bw / 2 - w / 2) / w, None, t.face_centred_max),
        within("eye_line", (y + EYES_IN_BOX * bh) / h, *t.eye_line),
        within(
            "sharpness", float(cv2.Laplacian(stretched, cv2.CV_64F).var()), t.sharpness_min, None
        ),
    ]


def _exposure_checks(grey: Grey, face: Box | None, t: PhotoThresholds) -> list[Check]:
    if face is not None:
        x, y, bw, bh = face
        grey = grey[y : y + bh, x : x + bw]
    clipped = float(np.mean((grey <= 5) | (grey >= 250)))
    return [
        within("brightness", float(grey.mean()), *t.brightness),
        within("exposure", clipped, None, t.exposure_max),
    ]


def background_strips(grey: Grey, face: Box | None) -> NDArray[Any]:
    """The pixels that should be backdrop: the side strips down to the chin and the top strip."""
    h, w = grey.shape
    side = max(2, int(0.08 * w))
    bottom = min(h, face[1] + face[3]) if face is not None else h // 2
    top = max(2, int(0.04 * h))
    parts = [grey[:bottom, :side], grey[:bottom, w - side :], grey[:top, side : w - side]]
    return np.concatenate([p.ravel() for p in parts])


def _background_checks(grey: Grey, face: Box | None, t: PhotoThresholds) -> list[Check]:
    strips = background_strips(grey, face)
    return [
        within("background_plain", float(strips.std()), None, t.background_std_max),
        within("background_light", float(strips.mean()), t.background_mean_min, None),
    ]


def check_photo(
    image: bytes | NDArray[Any], thresholds: PhotoThresholds | None = None
) -> PhotoReport:
    """Run every check on a photo (JPEG/PNG bytes or BGR pixels)."""
    t = thresholds or PhotoThresholds()
    pixels = decode_image(image) if isinstance(image, bytes | bytearray) else image
    grey = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY) if pixels.ndim == 3 else pixels
    height, width = grey.shape
    if height > WORKING_HEIGHT:  # a camera's full resolution adds time, not accuracy
        scale = WORKING_HEIGHT / grey.shape[0]
        size = (max(1, round(grey.shape[1] * scale)), WORKING_HEIGHT)
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    faces = detect_faces(grey, t.min_face_share)
    face = faces[0] if len(faces) == 1 else None
    count = Check("face_count", float(len(faces)), 1.0, 1.0, len(faces) == 1)
    checks = [
        count,
        *_face_checks(grey, face, t),
        *_exposure_checks(grey, face, t),
        *_background_checks(grey, face, t),
    ]
    scale = height / grey.shape[0]  # the face box in the photo's own pixels
    box = tuple(round(v * scale) for v in face) if face is not None else None
    return PhotoReport(PHOTO_CHECK_VERSION, width, height, box, tuple(checks))
