"""Printing the passport, pure: numbers, the data page, its PDF, and QC of the printed MRZ.

- ``numbers``: the office's passport numbers (a series letter and seven digits);
- ``datapage``: what a data page shows, built from the application record (expiry, name
  split for the MRZ, visual-zone formats);
- ``render``: the data page as a one-page PDF (reportlab), MRZ in the ICAO zone;
- ``qc``: the MRZ read back from the page image with Tesseract and compared with the record.

Persistence (number allocation, book records) is ``storage.printing``; the stage service that
puts them together is ``flows.stages.printing``.
"""

__all__: list[str] = []
