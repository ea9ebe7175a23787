"""Corpus: the numbered document files, their manifest and versions, and what writes them."""
