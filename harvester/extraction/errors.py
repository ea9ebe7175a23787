"""The error extraction raises for a page that makes no document, and its stats key."""

from __future__ import annotations

import re


class ExtractionError(ValueError):
    """The page holds no article text (empty, not HTML, or a bot wall)."""

    @property
    def reason(self) -> str:
        """The stats key part of the error: 'bot wall: the page says ...' -> 'bot_wall'."""
        return re.sub(r"\W+", "_", str(self).split(":")[0]).strip("_")
