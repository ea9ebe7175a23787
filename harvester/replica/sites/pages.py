"""Helpers the site copies share: their data files and list page numbers."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_data(name: str) -> dict[str, Any]:
    """A JSON file of harvester/replica/data/."""
    return json.loads(resources.files("harvester.replica").joinpath("data", name).read_text("utf-8"))


def page_number(value: str | None) -> int:
    """A list's page number from its query parameter: 1 when missing or not a positive number."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1
