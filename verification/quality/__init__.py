"""Data-quality expectations on extracted fields, run with Great Expectations.

- ``validate_application(documents, rule_version=...)``: one application's extracted fields
  (document type -> fields) against the suites; each failed expectation is a
  ``quality.<document>.<field>_<kind>`` finding with a masked ``observed``.
- ``quality_report(extractions, out_dir, rule_version=...)``: many documents at once, masked,
  rendered as GE Data Docs for auditors; returns counts and the index.html path.

The suites are declared in ``suites`` (versioned by ``SUITE_VERSION``). Great Expectations
is imported lazily by ``engine`` on the first validation, never by importing this package.
"""

from __future__ import annotations

from verification.quality.application import validate_application
from verification.quality.engine import QualityEngineError
from verification.quality.report import QualityReport, quality_report
from verification.quality.suites import SUITE_VERSION, TABLES, Kind

__all__ = [
    "SUITE_VERSION",
    "TABLES",
    "Kind",
    "QualityEngineError",
    "QualityReport",
    "quality_report",
    "validate_application",
]
