"""The error extraction raises for a page that makes no document."""

from __future__ import annotations


class ExtractionError(ValueError):
    """The page holds no article text (empty, not HTML, or a bot wall)."""
