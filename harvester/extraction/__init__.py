"""Extraction: a fetched page to its document (title, byline lines, body) in the document format."""
