"""The output folder's lock as the workers of a distributed crawl hold it: shared among them (each
writes files of its own), keeping out a crawl of one process and a merge of the parts."""

from __future__ import annotations

from pathlib import Path

from harvester.state.lock import FolderLock


class SharedFolderLock(FolderLock):
    def __init__(self, path: Path) -> None:
        super().__init__(path, shared=True)
