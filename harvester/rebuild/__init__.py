"""Rebuilding a corpus: from the source sites again (`harvester rebuild MANIFEST`), or from captures alone (`--from-warc`)."""
