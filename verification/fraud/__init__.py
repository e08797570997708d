"""Fraud and tamper detection on uploaded documents (pure: bytes and images in, findings out)."""
