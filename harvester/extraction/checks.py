"""Bodies that must not become documents though they answer 200: binary bytes sent as a page.
(Bot walls, which fetching has to know too, are told by harvester/fetch/botwall.py.)

>>> binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR")
True
>>> binary("<p>한국어 기사</p>".encode())
False
"""

from __future__ import annotations

_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def binary(body: bytes) -> bool:
    """True for bytes no HTML page has: NULs, or mostly control bytes, in the first 4 KiB."""
    head = body[:4096]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return bool(head) and controls / len(head) > 0.1
