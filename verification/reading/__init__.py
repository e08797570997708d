"""Reading documents: bytes to pages, preprocessing, OCR, classification and field parsers."""
