"""Which charset a page's bytes are in: byte order mark, HTTP header, `<meta>`, then a sniff.

The order is the browsers' (WHATWG HTML "determining the character encoding"), and labels map
to codecs the browsers' way: `euc-kr` is decoded as CP949, its superset, because Korean pages
labelled EUC-KR use CP949's extra syllables (똠, 햏). Old Korean news sites often declare
nothing at all; the sniff then tries UTF-8, then CP949 when the text it gives is Korean, then a
statistical guess.

>>> detect("<p>한국어</p>".encode("cp949"), "text/html; charset=EUC-KR")
'cp949'
>>> detect(b'<meta charset="euc-kr"><p>\\xb6\\xcb</p>')
'cp949'
>>> detect("<p>똠방각하 기사 본문</p>".encode("cp949"))
'cp949'
>>> detect("<p>기사 본문</p>".encode("utf-8"), "text/html")
'utf-8'
>>> label("cp949"), label("utf-8"), label("cp1252"), label("iso8859_2"), label("big5hkscs")
('euc-kr', 'utf-8', 'windows-1252', 'iso-8859-2', 'big5hkscs')
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# WHATWG names for the codecs Python calls otherwise; the manifest records these.
_LABELS = {
    "cp949": "euc-kr",
    "euc_kr": "euc-kr",
    "cp1252": "windows-1252",
    "cp874": "windows-874",
    "cp932": "shift_jis",
    "shift_jis": "shift_jis",
    "utf-8-sig": "utf-8",
}


def sniff(body: bytes) -> str:
    """The codec of a page that declares none."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode("cp949")
    except UnicodeDecodeError:
        text = ""
    # CP949 decodes much Latin-1 text too (a lead byte takes any letter as its trail): take it
    # only when what comes out is mostly Korean.
    if text and len(_HANGUL.findall(text)) * 2 >= len(_NON_ASCII.findall(text)):
        return "cp949"
    match = from_bytes(body).best()
    return (resolve_encoding(match.encoding) if match else None) or "cp1252"


def _decodes(body: bytes, codec: str) -> bool:
    try:
        codecs.decode(body, codec, "strict")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def settle(body: bytes, content_type: str | None = None) -> tuple[str, str | None]:
    """The codec to decode the page with, and why the page's own word was not taken (None if it was).

    A declaration holds only if the body decodes under it: a page sent as UTF-8 that is really
    EUC-KR would otherwise become a document of replacement characters. The reasons:
    "header_wrong", "meta_wrong" (declared a charset the bytes are not in), "guessed" (nothing
    declared), "undecodable" (no charset fits; decoded with replacements).

    >>> settle(b"<p>plain</p>", "text/html; charset=UTF-8")
    ('utf-8', None)
    >>> settle("<p>한국</p>".encode("euc-kr"), "text/html; charset=UTF-8")
    ('cp949', 'header_wrong')
    >>> settle("<p>한국</p>".encode("euc-kr"), "text/html")
    ('cp949', 'guessed')
    """
    bom = read_bom(body)[0]
    if bom:
        return bom, None
    note = None
    declarations = (("header_wrong", http_content_type_encoding(content_type or "")), ("meta_wrong", html_body_declared_encoding(body)))
    for problem, name in declarations:
        codec = resolve_encoding(name) if name else None
        if not codec:
            continue
        if _decodes(body, codec):
            return codec, note
        note = note or problem
    codec = sniff(body)
    return codec, note or ("guessed" if _decodes(body, codec) else "undecodable")


def detect(body: bytes, content_type: str | None = None) -> str:
    """The Python codec to decode the page with."""
    return settle(body, content_type)[0]


def label(codec: str) -> str:
    """The charset's WHATWG name ('euc-kr' for CP949), for people and the manifest."""
    name = codecs.lookup(codec).name
    if name in _LABELS:
        return _LABELS[name]
    if name.startswith("iso8859-"):
        return "iso-" + name[3:]
    return name.replace("_", "-")
