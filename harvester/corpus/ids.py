"""Document ids and file names: the first 16 hex digits of the SHA-256 of the canonical URL.

>>> document_id("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=319529")
'bd391c4b04ae32a7'
>>> file_name(7, "06d1e8f3b2bd8a92")
'007_06d1e8f3b2bd8a92.txt'
>>> file_name(1234, "06d1e8f3b2bd8a92")
'1234_06d1e8f3b2bd8a92.txt'
"""

from __future__ import annotations

import hashlib


def document_id(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def file_name(seq: int, doc_id: str) -> str:
    return f"{seq:03d}_{doc_id}.txt"
