"""Charsets: Korean pages in EUC-KR/CP949, declared in the header, in a meta tag or nowhere, come
out as the right text; the name the manifest records."""

from __future__ import annotations

import doctest

import pytest

from harvester.extraction import charset
from harvester.extraction.extractor import parse_html

TEXT = "똠방각하 공연, 한빛시민회관에서"  # 똠 is in CP949 but not in EUC-KR's 2,350 syllables
PAGE = "<html><head>{meta}<title>기사</title></head><body><p>{text}</p></body></html>"


def page(meta: str = "") -> bytes:
    return PAGE.format(meta=meta, text=TEXT).encode("cp949")


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        (page(), "text/html; charset=EUC-KR", "cp949"),
        (page(), "text/html;charset=ks_c_5601-1987", "cp949"),
        (page('<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'), "text/html", "cp949"),
        (page('<meta charset="EUC-KR">'), None, "cp949"),
        (page(), "text/html", "cp949"),
        (page(), None, "cp949"),
        (PAGE.format(meta="", text=TEXT).encode("utf-8"), None, "utf-8"),
        (b"\xef\xbb\xbf" + PAGE.format(meta="", text=TEXT).encode("utf-8"), "text/html; charset=euc-kr", "utf-8"),
        # The header wins over the meta tag, as in browsers.
        (PAGE.format(meta='<meta charset="euc-kr">', text=TEXT).encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
    ],
)
def test_detect(body: bytes, content_type: str | None, codec: str) -> None:
    assert charset.detect(body, content_type) == codec


def test_latin_text_is_not_taken_for_korean() -> None:
    # These bytes decode as CP949 too (é + letter pairs), but what comes out is not Korean.
    body = "<p>Café société, résumé détaillé à Genève</p>".encode("cp1252")
    assert charset.detect(body) == "cp1252"


@pytest.mark.parametrize("label", ["euc-kr", "EUC-KR", "cp949", "ks_c_5601-1987", None])
def test_parse_keeps_every_syllable(label: str | None) -> None:
    """libxml2 told 'euc-kr' stops at 똠; the page is decoded as browsers decode EUC-KR."""
    root = parse_html(page('<meta charset="euc-kr">'), label)
    assert root.findtext(".//p") == TEXT


@pytest.mark.parametrize(("codec", "name"), [("cp949", "euc-kr"), ("utf-8", "utf-8"), ("cp1252", "windows-1252"), ("euc_kr", "euc-kr")])
def test_label(codec: str, name: str) -> None:
    assert charset.label(codec) == name


def test_doctests() -> None:
    assert doctest.testmod(charset).failed == 0
