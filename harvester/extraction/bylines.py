"""Names in bylines and sign-offs, and the copyright footers that close a Korean article.

A Korean article names its reporter in a wire head ('[서울=뉴시스] 홍길동 기자 =') or in the
paper's bracket ('[일간환경연합 신상미 기자]') at the top, or signs off at the end ('홍길동 기자
gildong@paper.co.kr', '/홍길동 특파원'). Those lines stay in the text, as the page shows them;
the names are the document's authors when nothing else names them.

>>> text_authors(["[서울=뉴시스] 홍길동 기자 = 정부가 발표했다.", "본문."])
('홍길동',)
>>> text_authors(["[일간환경연합 신상미 기자]강경화 외교장관은 29일 말했다."])
('신상미',)
>>> text_authors(["본문.", "김철수 기자 cs@example.co.kr"])
('김철수',)
>>> text_authors(["본문.", "/워싱턴=이영희 특파원 yh@example.com", "<저작권자 ⓒ 뉴스, 무단전재 및 재배포 금지>"])
('이영희',)
>>> text_authors(["Photo caption.", "By Kim Eunhee and Lee Jihae / Photos = Korea.net DB", "Text."])
('Kim Eunhee', 'Lee Jihae')
>>> text_authors(["The reporter said so.", "By the river, the boats waited for the tide."])
()
>>> [copyright_footer(line) for line in ("ⓒ 한국일보, 무단 전재 및 재배포 금지", "<저작권자 © 뉴스1>", "무단전재는 불법이라는 기사.")]
[True, True, False]

An English wire copyright ('© 2019 Associated Press. All Rights Reserved.') is the agency's
notice in the article, kept as the page shows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Credits that name no person: 'By Choi He-suk and news reports'.
_NOT_NAMES = re.compile(r"^(news|wire|agency) reports?$|^(news )?agencies$|^wires$", re.IGNORECASE)
_TITLE = r"(?:기자|특파원|객원기자|인턴기자|선임기자|논설위원)"
_NAME = r"([가-힣]{2,4})"
# '[서울=뉴시스] 홍길동 기자 =' and '(서울=연합뉴스) 홍길동 기자 =', at the start of the text.
_WIRE_HEAD = re.compile(rf"^[\[(][^\])=]{{1,20}}=[^\])]{{1,20}}[\])]\s*{_NAME}\s*{_TITLE}\b")
# '[일간환경연합 신상미 기자]' at the start of the text.
_PAPER_HEAD = re.compile(rf"^[\[(][^\])]{{0,30}}?\s{_NAME}\s*{_TITLE}\s*[\])]")
# A closing line: '홍길동 기자 gd@x.kr', '/워싱턴=이영희 특파원', '글·사진=김철수 기자'.
_SIGNOFF = re.compile(rf"^(?:[/=·\w\s]{{0,20}}[/=])?\s*{_NAME}\s*{_TITLE}(?:\s*[\w.+-]+@[\w.-]+|\s*\([^)]*@[^)]*\))?\s*$")
# 'By Kim Eunhee and Lee Jihae': a short line of capitalised names.
_ENGLISH_BYLINE = re.compile(r"^By\s+[A-Z].{2,100}$")
_NAME_WORDS = 4
# How many blocks at either end of the text a byline may sit in.
_WINDOW = 3
_COPYRIGHT = re.compile(
    r"무단\s*전재.{0,12}(?:금지|재배포)|재배포\s*금지|^<?\s*(?:저작권자\s*)?ⓒ|^<?\s*저작권자\s*[ⓒ©]", re.IGNORECASE
)
# A footer is a line; a long block mentioning the words is an article about them.
_FOOTER_MAX = 200


def split_authors(text: str | None) -> tuple[str, ...]:
    """Names in a byline.

    >>> split_authors("By Xu Aiying and Lee Hana")
    ('Xu Aiying', 'Lee Hana')
    >>> split_authors("신상미 기자")
    ('신상미',)
    >>> split_authors("By Kim Eunhee and Lee Jihae / Photos = Korea.net DB")
    ('Kim Eunhee', 'Lee Jihae')
    >>> split_authors("By Choi He-suk and news reports (cheesuk@heraldcorp.com)")
    ('Choi He-suk',)
    >>> split_authors("By Park Han-na, Kim Arin (hnpark@heraldcorp.com) (arin@heraldcorp.com)")
    ('Park Han-na', 'Kim Arin')
    """
    if not text:
        return ()
    text = re.sub(r"\([^)]*@[^)]*\)|\S+@\S+", " ", text)
    # Photo and video credits follow the writers' names after a slash.
    text = re.split(r"\s/\s*(?:photos?|videos?|사진|영상)\b", text, maxsplit=1, flags=re.IGNORECASE)[0]
    text = re.sub(r"^\s*(By|Written by|글|사진)\s*[:=]?\s+", "", text.strip(), flags=re.IGNORECASE)
    names = re.split(r"\s*(?:,|;|\band\b|·|/|&)\s*", text)
    cleaned = (re.sub(rf"\s*{_TITLE}$", "", name).strip() for name in names)
    return tuple(name for name in cleaned if name and not _NOT_NAMES.match(name))


def text_authors(blocks: Sequence[str]) -> tuple[str, ...]:
    """The reporters a Korean article's text names: its wire or paper head, else its sign-off."""
    for block in blocks[:_WINDOW]:
        line = " ".join(block.split())
        match = _WIRE_HEAD.match(line) or _PAPER_HEAD.match(line)
        if match:
            return (match.group(1),)
    for block in [*blocks[:_WINDOW], *reversed(blocks[-_WINDOW:])]:
        names = _english_byline(" ".join(block.split()))
        if names:
            return names
    for block in reversed(blocks[-_WINDOW:]):
        for line in reversed(block.split("\n")):
            match = _SIGNOFF.match(" ".join(line.split()))
            if match:
                return (match.group(1),)
    return ()


def _english_byline(line: str) -> tuple[str, ...]:
    if not _ENGLISH_BYLINE.match(line):
        return ()
    names = split_authors(line)
    if names and all(name[0].isupper() and len(name.split()) <= _NAME_WORDS for name in names):
        return names
    return ()


def copyright_footer(line: str) -> bool:
    """Whether a line is a copyright or no-reprint notice ('무단전재 및 재배포 금지', 'ⓒ ...')."""
    line = " ".join(line.split())
    return len(line) <= _FOOTER_MAX and bool(_COPYRIGHT.search(line))


def drop_footers(blocks: Sequence[str]) -> list[str]:
    """The blocks without their copyright-footer lines; blocks left empty go."""
    kept = []
    for block in blocks:
        lines = [line for line in block.split("\n") if not copyright_footer(line)]
        if any(line.strip() for line in lines):
            kept.append("\n".join(lines))
    return kept
