"""The charset a page's bytes really are in, when its declarations are wrong or missing.

A declaration is believed only if the body decodes under it without error: a page sent as UTF-8
that is EUC-KR (old Korean CMS installs) would otherwise become a document of replacement
characters. Order: byte-order mark, HTTP header, `<meta>` declaration, then UTF-8 and CP949 (the
superset of EUC-KR) as guesses.

>>> settle(b"<p>plain</p>", "text/html; charset=UTF-8")
('utf-8', None)
>>> settle("<p>한국</p>".encode("euc-kr"), "text/html; charset=UTF-8")
('cp949', 'header_wrong')
>>> settle(b'<meta charset="euc-kr"><p>' + "한국".encode("euc-kr"), "text/html")
('cp949', None)
>>> settle("<p>한국</p>".encode("euc-kr"), "text/html")
('cp949', 'guessed')
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

GUESSES = ("utf-8", "cp949")


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding, "strict")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def settle(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    """(encoding, note): note is None when a declaration held, else why it was not believed:
    "header_wrong", "meta_wrong", "guessed" (nothing declared) or "undecodable" (nothing fits)."""
    bom, _ = read_bom(body)
    if bom:
        return bom, None
    declared = [
        ("header_wrong", http_content_type_encoding(content_type or "")),
        ("meta_wrong", html_body_declared_encoding(body[:4096])),
    ]
    note = None
    for problem, name in declared:
        encoding = resolve_encoding(name) if name else None
        if not encoding:
            continue
        if _decodes(body, encoding):
            return encoding, note
        note = note or problem
    for encoding in GUESSES:
        if _decodes(body, encoding):
            return encoding, note or "guessed"
    return "utf-8", "undecodable"
