"""Biometric capture checks: the passport photo (``photo``) and fingerprint images
(``fingerprint``). Pure OpenCV and numpy; no database, no Prefect."""

from __future__ import annotations

from verification.biometrics.fingerprint import FingerprintReport, check_fingerprint
from verification.biometrics.measure import Check
from verification.biometrics.photo import PhotoReport, PhotoThresholds, check_photo

__all__ = [
    "Check",
    "FingerprintReport",
    "PhotoReport",
    "PhotoThresholds",
    "check_fingerprint",
    "check_photo",
]
